//! `export_all` (behind `list --all` and the browser's export) against servers that page
//! differently from ours: the embedded server with `limit` capped the way some gateways
//! cap it, a server that ignores `offset`, and a scripted one that caps pages, answers
//! them out of order, throttles with 429 and can fail `count`.

#![allow(clippy::unwrap_used)]

#[path = "common/server_util.rs"]
mod server_util;

use std::collections::HashSet;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use vbshare::api::sign::AkSk;
use vbshare::api::{Auth, Client, ClientConfig, Filters, Secret, SortDir, SortKey};
use vbshare::export::{ExportFormat, STALL_PAGES, Summary, export_all};
use vbshare::server::{DEMO_ACCESS_KEY, DEMO_PROJECT_ID, DEMO_SECRET_KEY};

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

/// What the scripted paging server saw and did.
#[derive(Default)]
struct Script {
    /// The offsets of the list calls answered 200, in the order the answers went out.
    answered: Vec<u64>,
    /// The offsets already answered 429 once.
    throttled: HashSet<u64>,
}

/// Rows the scripted server pages through, at most [`SCRIPTED_CAP`] a page.
const SCRIPTED_ROWS: u64 = 437;
const SCRIPTED_CAP: u64 = 50;

fn scripted_id(i: u64) -> String {
    format!("row-{i:05}")
}

/// A server of [`SCRIPTED_ROWS`] sharings that caps pages at [`SCRIPTED_CAP`] rows,
/// answers the page at offset 50 only after the one at offset 150 (out of order), and
/// answers the first request for every third page (offsets 100, 250, 400) with 429;
/// `count` answers 400 when `count_fails`.
async fn scripted_server(count_fails: bool) -> (String, std::sync::Arc<std::sync::Mutex<Script>>) {
    use std::sync::{Arc, Mutex};
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let script = Arc::new(Mutex::new(Script::default()));
    let later_page_sent = Arc::new(tokio::sync::Notify::new());
    let shared = script.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                continue;
            };
            let (script, later_page_sent) = (shared.clone(), later_page_sent.clone());
            tokio::spawn(async move {
                let mut head = Vec::new();
                let mut buf = [0u8; 4096];
                while !head.windows(4).any(|w| w == b"\r\n\r\n") && head.len() < 65536 {
                    match stream.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => head.extend_from_slice(&buf[..n]),
                    }
                }
                let head = String::from_utf8_lossy(&head).into_owned();
                let target = head.split(' ').nth(1).unwrap_or("").to_owned();
                let param = |name: &str| -> Option<u64> {
                    let query = target.split_once('?')?.1;
                    query
                        .split('&')
                        .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))?
                        .parse()
                        .ok()
                };
                let (status, body) = if target.contains("/count") && count_fails {
                    (
                        "400 Bad Request",
                        r#"{"error":{"code":"VolumeBackup.0001","message":"no"}}"#.to_owned(),
                    )
                } else if target.contains("/count") {
                    ("200 OK", format!(r#"{{"count":{SCRIPTED_ROWS}}}"#))
                } else {
                    let offset = param("offset").unwrap_or(0);
                    let limit = param("limit").unwrap_or(1000).min(SCRIPTED_CAP);
                    let throttle = offset % (3 * SCRIPTED_CAP) == 2 * SCRIPTED_CAP
                        && script.lock().unwrap().throttled.insert(offset);
                    if throttle {
                        (
                            "429 Too Many Requests\r\nretry-after: 0",
                            r#"{"error_code":"APIGW.0308","error_msg":"throttled"}"#.to_owned(),
                        )
                    } else {
                        if offset == SCRIPTED_CAP {
                            // Bounded: a walk that never asks for the later page still ends.
                            let _ = tokio::time::timeout(
                                std::time::Duration::from_secs(5),
                                later_page_sent.notified(),
                            )
                            .await;
                        }
                        let rows: Vec<String> = (offset..(offset + limit).min(SCRIPTED_ROWS))
                            .map(|i| {
                                format!(
                                    r#"{{"id":"{}","backup":{{"name":"n{i}"}}}}"#,
                                    scripted_id(i)
                                )
                            })
                            .collect();
                        script.lock().unwrap().answered.push(offset);
                        if offset == 3 * SCRIPTED_CAP {
                            later_page_sent.notify_one();
                        }
                        ("200 OK", format!(r#"{{"shared":[{}]}}"#, rows.join(",")))
                    }
                };
                let answer = format!(
                    "HTTP/1.1 {status}\r\ncontent-type: application/json\r\n\
                     content-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = stream.write_all(answer.as_bytes()).await;
                let _ = stream.shutdown().await;
            });
        }
    });
    (format!("http://{addr}"), script)
}

/// A client of the scripted server whose 429s reach the walk itself (no session retries).
fn scripted_client(endpoint: String) -> Client {
    let mut config = ClientConfig::new(endpoint, DEMO_PROJECT_ID, Auth::Token(Secret::new("t")));
    config.max_retries = 0;
    config.retry_base = std::time::Duration::from_millis(1);
    config.concurrency = 4;
    Client::new(config).unwrap()
}

/// Exports everything from `c` as NDJSON (bounded in time); the IDs in the order written,
/// the rows after each page, and the summary.
async fn export_scripted(c: &Client) -> (Vec<String>, Vec<u64>, Summary) {
    let mut progress = Vec::new();
    let mut out = Vec::new();
    let summary = tokio::time::timeout(
        std::time::Duration::from_secs(60),
        export_all(
            c,
            &Filters::default(),
            (SortKey::CreatedAt, SortDir::Desc),
            ExportFormat::Ndjson,
            vbshare::output::safe::Sink::file(),
            &mut out,
            |p| progress.push(p.rows),
        ),
    )
    .await
    .expect("the walk ends")
    .unwrap();
    let ids = std::str::from_utf8(&out)
        .unwrap()
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned()
        })
        .collect();
    (ids, progress, summary)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_a_count_a_capped_walk_ends_on_an_empty_page() {
    let (endpoint, _) = scripted_server(true).await;
    let (ids, _, summary) = export_scripted(&scripted_client(endpoint)).await;
    let want: Vec<String> = (0..SCRIPTED_ROWS).map(scripted_id).collect();
    assert_eq!(ids, want);
    assert_eq!(summary.total_before, None);
    assert_eq!(summary.pages, SCRIPTED_ROWS.div_ceil(SCRIPTED_CAP));
    assert_eq!(summary.consistency_warning(), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_answered_out_of_order_and_throttled_are_written_in_order_once() {
    let (endpoint, script) = scripted_server(false).await;
    let (ids, progress, summary) = export_scripted(&scripted_client(endpoint)).await;

    // Every row once, in the server's order, although the pages came back in another.
    let want: Vec<String> = (0..SCRIPTED_ROWS).map(scripted_id).collect();
    assert_eq!(ids, want);
    let answered = script.lock().unwrap().answered.clone();
    let at = |offset: u64| answered.iter().position(|&o| o == offset).unwrap();
    assert!(
        at(3 * SCRIPTED_CAP) < at(SCRIPTED_CAP),
        "answered in order: {answered:?}"
    );
    // Each page was answered once: nothing fetched twice, nothing past the end.
    let mut sorted = answered.clone();
    sorted.sort_unstable();
    let pages: Vec<u64> = (0..SCRIPTED_ROWS.div_ceil(SCRIPTED_CAP))
        .map(|p| p * SCRIPTED_CAP)
        .collect();
    assert_eq!(sorted, pages);
    // Three pages were throttled; each lowered the concurrency by one.
    assert_eq!(summary.throttled, 3);
    assert_eq!(summary.concurrency, 1);
    assert_eq!(summary.rows, SCRIPTED_ROWS);
    assert_eq!(summary.pages, pages.len() as u64);
    assert_eq!(summary.consistency_warning(), None);
    // The progress bar moved page by page to the total.
    let mut steps: Vec<u64> = (0..=pages.len() as u64)
        .map(|p| (p * SCRIPTED_CAP).min(SCRIPTED_ROWS))
        .collect();
    steps.dedup();
    assert_eq!(progress, steps);
}
