//! `export_all` (behind `list --all` and the browser's export) against servers that page
//! differently from ours: the embedded server with `limit` capped the way some gateways
//! cap it, with `count` failing, and a server that ignores `offset`.

#![allow(clippy::unwrap_used)]

#[path = "common/server_util.rs"]
mod server_util;

use std::collections::HashSet;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use vbshare::api::sign::AkSk;
use vbshare::api::{Auth, Client, ClientConfig, Filters, Secret, SortDir, SortKey};
use vbshare::export::{ExportFormat, STALL_PAGES, Summary, export_all};
use vbshare::server::{DEMO_ACCESS_KEY, DEMO_PROJECT_ID, DEMO_SECRET_KEY, Fault};

fn client(endpoint: String, auth: Auth) -> Client {
    Client::new(ClientConfig::new(endpoint, DEMO_PROJECT_ID, auth)).unwrap()
}

fn demo_auth() -> Auth {
    Auth::AkSk(AkSk {
        access_key: DEMO_ACCESS_KEY.into(),
        secret_key: DEMO_SECRET_KEY.into(),
        security_token: None,
    })
}

/// The IDs of the sharings the demo project made in a data set of `n`.
fn shared_by_demo(n: usize) -> HashSet<String> {
    server_util::data_set(n)
        .into_iter()
        .filter(|s| s.from_project_id.as_deref() == Some(DEMO_PROJECT_ID))
        .map(|s| s.id.unwrap())
        .collect()
}

/// Exports everything the demo project shares as NDJSON; returns the IDs in the order
/// written, and the summary.
async fn export(c: &Client) -> (Vec<String>, Summary) {
    let mut out = Vec::new();
    let summary = export_all(
        c,
        &Filters::default(),
        (SortKey::CreatedAt, SortDir::Desc),
        ExportFormat::Ndjson,
        vbshare::output::safe::Sink::file(),
        &mut out,
        |_| {},
    )
    .await
    .unwrap();
    let ids = std::str::from_utf8(&out)
        .unwrap()
        .lines()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["id"].as_str().unwrap().to_owned()
        })
        .collect();
    (ids, summary)
}

/// The default data set, in which the demo project has made about a thousand sharings.
const SHARINGS: usize = 2_000;

fn assert_each_once(ids: &[String], want: &HashSet<String>) {
    assert_eq!(ids.len(), want.len(), "rows written");
    let unique: HashSet<String> = ids.iter().cloned().collect();
    assert_eq!(unique.len(), ids.len(), "a row was written twice");
    assert_eq!(&unique, want);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gateway_that_caps_the_page_size_does_not_end_the_walk() {
    let want = shared_by_demo(SHARINGS);
    let n = want.len() as u64;
    assert!(
        n > 900 && !n.is_multiple_of(300),
        "{n}: the walk needs a short last page"
    );
    let h = server_util::start(SHARINGS).await;
    h.server.cap_limit(300);
    let (ids, summary) = export(&client(h.server.endpoint(), demo_auth())).await;
    assert_each_once(&ids, &want);
    // 300 + 300 + 300 + the rest, ending when the rows reach the count: no further request.
    assert_eq!(summary.pages, n.div_ceil(300));
    assert_eq!(summary.total_before, Some(n));
    assert_eq!(summary.consistency_warning(), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_count_a_capped_walk_ends_on_an_empty_page() {
    let want = shared_by_demo(SHARINGS);
    let h = server_util::start(SHARINGS).await;
    h.server.cap_limit(300);
    // The first call, count, fails (a 4xx is not retried); every list call succeeds.
    h.server.inject("status-400".parse::<Fault>().unwrap(), 1);
    let (ids, summary) = export(&client(h.server.endpoint(), demo_auth())).await;
    assert_eq!(summary.total_before, None);
    assert_each_once(&ids, &want);
    assert_eq!(summary.pages, (want.len() as u64).div_ceil(300));
    assert_eq!(summary.total_after, Some(want.len() as u64));
    assert_eq!(summary.consistency_warning(), None);
}

/// A server that answers every request with the same two sharings, whatever the offset.
async fn offset_ignoring_server() -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                continue;
            };
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                    match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let body = r#"{"shared":[{"id":"a"},{"id":"b"}]}"#;
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                     content-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(answer.as_bytes()).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    format!("http://{addr}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_ignores_offset_is_given_up_on_with_a_warning() {
    let endpoint = offset_ignoring_server().await;
    let c = client(endpoint, Auth::Token(Secret::new("t")));
    let (ids, summary) = export(&c).await;
    assert_eq!(ids, ["a", "b"]);
    assert_eq!(summary.pages, 1 + STALL_PAGES);
    assert_eq!(summary.stalled_at, Some(2 * (1 + STALL_PAGES)));
    let warning = summary.consistency_warning().unwrap();
    assert!(warning.contains("stopped at offset 8"), "{warning}");
    assert!(warning.contains("ignore offset"), "{warning}");
}
