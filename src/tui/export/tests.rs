//! The export runner against the real embedded server, into a temporary directory.

use std::io::Write as _;
use std::path::Path;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::mpsc;

use super::*;
use crate::api::sign::AkSk;
use crate::api::{Auth, Client, ClientConfig};
use crate::server::{self, DEMO_ACCESS_KEY, DEMO_PROJECT_ID, DEMO_SECRET_KEY, ServerConfig};

async fn demo(sharings: usize, latency_ms: u64) -> (server::RunningServer, Client) {
    let server = server::start(ServerConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        sharings,
        latency_ms,
        ..ServerConfig::default()
    })
    .await
    .unwrap();
    let auth = Auth::AkSk(AkSk {
        access_key: DEMO_ACCESS_KEY.to_owned(),
        secret_key: DEMO_SECRET_KEY.to_owned(),
        security_token: None,
    });
    let client = Client::new(ClientConfig::new(server.endpoint(), DEMO_PROJECT_ID, auth)).unwrap();
    (server, client)
}

fn job(path: &Path, format: FileFormat) -> ExportJob {
    ExportJob {
        filters: Filters::default(),
        sort: (SortKey::CreatedAt, SortDir::Desc),
        format,
        path: path.to_owned(),
        overwrite: false,
        held: None,
    }
}

/// Runs one export to its end through [`spawn`], as the run loop does; answers its events.
async fn export(client: &Client, job: ExportJob) -> Vec<ExportEvent> {
    let (tx, mut rx) = mpsc::unbounded_channel();
    let handle = spawn(client.clone(), 7, job, tx);
    handle.task.await.unwrap();
    let mut events = Vec::new();
    while let Ok((id, event)) = rx.try_recv() {
        assert_eq!(id, 7, "{event:?}");
        events.push(event);
    }
    events
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_json_export_holds_every_row_and_no_partial_file_remains() {
    let (_server, client) = demo(3000, 0).await;
    let total = client.count(&Filters::default()).await.unwrap();
    assert!(total > 1000, "several pages: {total}");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("out.json");
    let events = export(&client, job(&path, FileFormat::Json)).await;

    let Some(ExportEvent::Done {
        rows,
        path: done,
        warning,
    }) = events.last()
    else {
        panic!("{events:?}")
    };
    assert_eq!((*rows, done, warning), (total, &path, &None));
    let progress: Vec<u64> = events
        .iter()
        .filter_map(|e| match e {
            ExportEvent::Progress(p) => Some(p.rows),
            _ => None,
        })
        .collect();
    assert_eq!(progress.first(), Some(&0));
    assert_eq!(progress.last(), Some(&total));
    assert!(progress.is_sorted() && progress.len() >= 3, "{progress:?}");

    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let shared = v["shared"].as_array().unwrap();
    assert_eq!(shared.len() as u64, total, "the file is complete");
    let mut ids: Vec<&str> = shared.iter().map(|s| s["id"].as_str().unwrap()).collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len() as u64, total, "no row twice");
    assert_eq!(names(dir.path()), vec!["out.json".to_owned()]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_csv_export_has_a_header_and_every_row() {
    let (_server, client) = demo(300, 0).await;
    let filters = Filters {
        share_to_me: true,
        ..Filters::default()
    };
    let total = client.count(&filters).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("with-me.csv");
    let mut j = job(&path, FileFormat::Csv);
    j.filters = filters.clone();
    let events = export(&client, j).await;
    assert!(
        matches!(events.last(), Some(ExportEvent::Done { rows, .. }) if *rows == total),
        "{events:?}"
    );
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.starts_with("id,"), "{}", &text[..40]);
    // Every sharing of that direction is in the file.
    let q = crate::api::ListQuery {
        filters,
        limit: Some(1000),
        ..crate::api::ListQuery::default()
    };
    for s in client.list(&q).await.unwrap() {
        assert!(text.contains(s.id.as_deref().unwrap()));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_cancelled_export_leaves_no_file_and_no_partial() {
    let (_server, client) = demo(3000, 200).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("slow.csv");
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut handle = spawn(client.clone(), 1, job(&path, FileFormat::Csv), tx);
    // Wait until the first page is on its way to the disk, then cancel.
    loop {
        let Some((_, event)) = rx.recv().await else {
            panic!("the export ended early")
        };
        match event {
            ExportEvent::Progress(p) if p.rows > 0 => break,
            ExportEvent::Progress(_) => {}
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(names(dir.path()), vec!["slow.csv.partial".to_owned()]);
    handle.cancel();
    handle.task.await.unwrap();
    let Some((_, event)) = rx.recv().await else {
        panic!()
    };
    assert!(matches!(event, ExportEvent::Cancelled), "{event:?}");
    assert!(rx.try_recv().is_err(), "nothing after Cancelled");
    assert!(names(dir.path()).is_empty(), "{:?}", names(dir.path()));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_existing_file_is_kept_unless_overwrite_was_confirmed() {
    let (_server, client) = demo(50, 0).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("keep.json");
    std::fs::write(&path, "precious").unwrap();
    let events = export(&client, job(&path, FileFormat::Json)).await;
    let [ExportEvent::Exists(back)] = events.as_slice() else {
        panic!("{events:?}")
    };
    assert_eq!(back.path, path);
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "precious");
    assert_eq!(names(dir.path()), vec!["keep.json".to_owned()]);

    let mut again = back.clone();
    again.overwrite = true;
    let events = export(&client, again).await;
    assert!(
        matches!(events.last(), Some(ExportEvent::Done { .. })),
        "{events:?}"
    );
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .starts_with("{\"shared\"")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unwritable_place_fails_with_the_path() {
    let (_server, client) = demo(50, 0).await;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("no-such-dir").join("x.csv");
    let events = export(&client, job(&path, FileFormat::Csv)).await;
    let [ExportEvent::Failed(ExportFailure::Io { path: p, error })] = events.as_slice() else {
        panic!("{events:?}")
    };
    assert_eq!(p, &path);
    assert_eq!(error.kind(), io::ErrorKind::NotFound);
    // An API failure (the server is gone) also leaves nothing behind.
    let dir2 = tempfile::tempdir().unwrap();
    let (server, client) = demo(50, 0).await;
    server.shutdown().await;
    let events = export(&client, job(&dir2.path().join("y.csv"), FileFormat::Csv)).await;
    assert!(
        matches!(
            events.last(),
            Some(ExportEvent::Failed(ExportFailure::Api(_)))
        ),
        "{events:?}"
    );
    assert!(names(dir2.path()).is_empty());
}

/// A disk that takes each write only when the test lets it.
struct Gated(std::sync::mpsc::Receiver<()>, std::sync::Arc<AtomicUsize>);

impl io::Write for Gated {
    fn write(&mut self, b: &[u8]) -> io::Result<usize> {
        self.0.recv().map_err(|_| io::Error::other("gate closed"))?;
        self.1.fetch_add(b.len(), Ordering::SeqCst);
        Ok(b.len())
    }
    fn flush(&mut self) -> io::Result<()> {
        Ok(())
    }
}

/// On a single-threaded runtime, a stuck disk neither blocks other tasks (the UI) nor lets
/// the export queue unbounded memory: the export pauses until the disk catches up.
#[tokio::test(flavor = "current_thread")]
async fn a_stuck_disk_pauses_the_export_but_not_the_runtime() {
    let (gate, gate_rx) = std::sync::mpsc::sync_channel(0);
    let written = std::sync::Arc::new(AtomicUsize::new(0));
    let (mut out, state, writer) = pipe::start(Gated(gate_rx, written.clone()));
    let produced = std::sync::Arc::new(AtomicUsize::new(0));
    let p = produced.clone();
    let work = async move {
        let block = vec![b'x'; pipe::CHUNK];
        for _ in 0..400 {
            out.write_all(&block)?;
            p.fetch_add(block.len(), Ordering::SeqCst);
            tokio::task::yield_now().await;
        }
        out.flush()
    };
    let state2 = state.clone();
    let export = tokio::spawn(async move { pipe::drive(work, &state2).await });
    // Another task keeps running while the disk is stuck.
    let ui = tokio::spawn(async { tokio::time::sleep(Duration::from_millis(50)).await });
    tokio::time::timeout(Duration::from_secs(5), ui)
        .await
        .expect("the runtime kept running")
        .unwrap();
    let queued = produced.load(Ordering::SeqCst);
    assert!(
        queued <= pipe::MAX_BACKLOG + 2 * pipe::CHUNK,
        "the export paused at {queued} bytes"
    );
    assert_eq!(written.load(Ordering::SeqCst), 0);
    // Let the disk go: everything arrives.
    std::thread::spawn(move || while gate.send(()).is_ok() {});
    tokio::time::timeout(Duration::from_secs(10), export)
        .await
        .unwrap()
        .unwrap()
        .unwrap();
    writer.await.unwrap().unwrap();
    assert_eq!(written.load(Ordering::SeqCst), 400 * pipe::CHUNK);
}

// CBR: rows the browser holds, written from a snapshot; nothing is fetched.

mod cbr {
    use std::sync::{Arc, Mutex};

    use super::*;
    use crate::api::cbr::{Backup, parse_backups, parse_members};
    use crate::api::{Auth, ClientConfig, Secret};
    use crate::output::csv::parse;
    use crate::schema::cbr::{MEMBER, MemberRow, SHARED_ALL, SharedRow};

    /// A client that is never called: a held export makes no call.
    fn idle_client() -> Client {
        let auth = Auth::Token(Secret::new("t".to_owned()));
        Client::new(ClientConfig::new(
            "http://127.0.0.1:9",
            DEMO_PROJECT_ID,
            auth,
        ))
        .unwrap()
    }

    fn backup_list(titles: &[String]) -> Vec<Backup> {
        let items: Vec<String> = titles
            .iter()
            .enumerate()
            .map(|(i, n)| {
                serde_json::json!({
                    "id": format!("{i:08x}-0000-4000-8000-000000000000"),
                    "name": n,
                    "project_id": "0b5a2f6e4c8d4e1f9a3b7c6d5e4f3a21",
                    "resource_size": 40,
                    "status": "available",
                    "created_at": "2026-01-01T00:00:00.000000",
                    "extra": {"kept": [1, 2]},
                })
                .to_string()
            })
            .collect();
        parse_backups(&format!(r#"{{"backups":[{}]}}"#, items.join(",")))
            .unwrap()
            .items
    }

    fn shared(titles: &[String], status: &str) -> HeldRows {
        HeldRows::Shared(
            backup_list(titles)
                .into_iter()
                .map(|b| {
                    SharedRow::new(
                        b,
                        Some(status.to_owned()),
                        &std::collections::BTreeMap::new(),
                    )
                })
                .collect(),
        )
    }

    fn members(errors: &[(&str, &str)]) -> HeldRows {
        let backups = backup_list(&["db-1".to_owned(), "web, \"two\"".to_owned()]);
        let mut rows = Vec::new();
        for (b, projects) in backups.iter().zip([&["aa", "bb"][..], &["cc"][..]]) {
            let items: Vec<String> = projects
                .iter()
                .map(|p| {
                    format!(
                        r#"{{"backup_id":"{}","dest_project_id":"{p}","status":"accepted","vault_id":"v-{p}","created_at":"2026-01-02T00:00:00.000000"}}"#,
                        b.id.as_deref().unwrap()
                    )
                })
                .collect();
            let list = parse_members(&format!(r#"{{"members":[{}]}}"#, items.join(",")));
            for m in list.unwrap().items {
                rows.push(
                    MemberRow::new(m, b.name.clone(), &std::collections::BTreeMap::new())
                        .with_backup_json(b.to_json()),
                );
            }
        }
        HeldRows::Members {
            rows: rows.into(),
            errors: errors
                .iter()
                .map(|(id, why)| crate::schema::cbr::FailedBackup {
                    backup_id: Some((*id).to_owned()),
                    label: format!("label of {id}"),
                    error: (*why).to_owned(),
                })
                .collect(),
        }
    }

    fn held_job(path: &Path, format: FileFormat, held: HeldRows) -> ExportJob {
        ExportJob {
            held: Some(held),
            ..job(path, format)
        }
    }

    fn done_rows(events: &[ExportEvent]) -> u64 {
        match events.last() {
            Some(ExportEvent::Done { rows, warning, .. }) if warning.is_none() => *rows,
            _ => panic!("{events:?}"),
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_csv_export_of_a_tab_has_the_schema_header_every_row_in_order_and_guarded_formulas() {
        let mut titles: Vec<String> = (0..2500).map(|i| format!("b-{i}")).collect();
        titles[7] = "=HYPERLINK(\"http://x\",\"y\")".to_owned();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("pending.csv");
        let client = idle_client();
        let events = export(
            &client,
            held_job(&path, FileFormat::Csv, shared(&titles, "pending")),
        )
        .await;
        assert_eq!(done_rows(&events), 2500);
        let progress: Vec<(u64, Option<u64>)> = events
            .iter()
            .filter_map(|e| match e {
                ExportEvent::Progress(p) => Some((p.rows, p.total)),
                _ => None,
            })
            .collect();
        assert_eq!(
            progress.first(),
            Some(&(0, Some(2500))),
            "the total at once"
        );
        assert_eq!(progress.last(), Some(&(2500, Some(2500))));
        assert!(progress.contains(&(1000, Some(2500))), "{progress:?}");
        assert_eq!(names(dir.path()), vec!["pending.csv".to_owned()]);

        let records = parse(&std::fs::read_to_string(&path).unwrap());
        let header: Vec<&str> = SHARED_ALL.csv.iter().map(|f| f.name).collect();
        assert_eq!(records[0], header);
        assert_eq!(header.last(), Some(&"member_status"));
        assert_eq!(records.len(), 2501);
        let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
        assert_eq!(records[1][col("name")], "b-0");
        assert_eq!(records[2500][col("name")], "b-2499");
        assert_eq!(records[8][col("name")], "'=HYPERLINK(\"http://x\",\"y\")");
        assert!(
            records[1..]
                .iter()
                .all(|r| r[col("member_status")] == "pending")
        );
        assert_eq!(records[1][col("resource_size")], "40");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn json_exports_have_the_clis_shapes_with_the_servers_json_inside() {
        let dir = tempfile::tempdir().unwrap();
        let client = idle_client();
        let titles = vec!["acc-1".to_owned(), "acc \u{1b}[2J".to_owned()];
        let path = dir.path().join("accepted.json");
        let events = export(
            &client,
            held_job(&path, FileFormat::Json, shared(&titles, "accepted")),
        )
        .await;
        assert_eq!(done_rows(&events), 2);
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let list = v["backups"].as_array().unwrap();
        assert_eq!(v.as_object().unwrap().len(), 1, "{v}");
        assert_eq!(list.len(), 2);
        for (item, backup) in list.iter().zip(backup_list(&titles)) {
            assert_eq!(item["member_status"], "accepted");
            let sent: serde_json::Value = serde_json::from_str(&backup.to_json()).unwrap();
            assert_eq!(item["backup"], sent, "the backup as sent");
        }
        assert_eq!(
            list[1]["backup"]["name"], "acc \u{1b}[2J",
            "exact in a file"
        );
        assert_eq!(list[0]["backup"]["extra"]["kept"][1], 2);

        let path = dir.path().join("by-me.json");
        let events = export(
            &client,
            held_job(
                &path,
                FileFormat::Json,
                members(&[("b-big-db", "503 service unavailable")]),
            ),
        )
        .await;
        assert_eq!(done_rows(&events), 3);
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let list = v["members"].as_array().unwrap();
        let projects: Vec<&str> = list
            .iter()
            .map(|m| m["member"]["dest_project_id"].as_str().unwrap())
            .collect();
        assert_eq!(projects, ["aa", "bb", "cc"]);
        assert_eq!(list[2]["backup"]["name"], "web, \"two\"");
        assert_eq!(list[0]["member"]["vault_id"], "v-aa");
        assert_eq!(
            v["errors"],
            serde_json::json!([{"backup_id": "b-big-db", "error": "503 service unavailable"}]),
            "failed backups by ID, as the CLI's -o json names them"
        );

        // The members as CSV: the member schema's columns.
        let path = dir.path().join("by-me.csv");
        let events = export(&client, held_job(&path, FileFormat::Csv, members(&[]))).await;
        assert_eq!(done_rows(&events), 3);
        let records = parse(&std::fs::read_to_string(&path).unwrap());
        let header: Vec<&str> = MEMBER.csv.iter().map(|f| f.name).collect();
        assert_eq!(records[0], header);
        assert_eq!(
            &records[3][..3],
            ["00000001-0000-4000-8000-000000000000", "web, \"two\"", "cc"]
        );
        assert_eq!(
            names(dir.path()),
            ["accepted.json", "by-me.csv", "by-me.json"]
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_cancelled_or_failed_export_leaves_no_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.csv");
        let titles: Vec<String> = (0..5000).map(|i| format!("b-{i}")).collect();
        let job = held_job(&path, FileFormat::Json, shared(&titles, "pending"));
        // Esc as soon as rows are on their way to the disk.
        let (cancel, cancelled) = oneshot::channel();
        let cancel = Mutex::new(Some(cancel));
        let events = Arc::new(Mutex::new(Vec::new()));
        let seen = events.clone();
        run(idle_client(), job, cancelled, move |e| {
            if matches!(&e, ExportEvent::Progress(p) if p.rows > 0)
                && let Some(tx) = cancel.lock().unwrap().take()
            {
                tx.send(()).unwrap();
            }
            seen.lock().unwrap().push(e);
        })
        .await;
        let events = std::mem::take(&mut *events.lock().unwrap());
        assert!(
            matches!(events.last(), Some(ExportEvent::Cancelled)),
            "{events:?}"
        );
        assert!(!events.iter().any(|e| matches!(e, ExportEvent::Done { .. })));
        assert!(names(dir.path()).is_empty(), "{:?}", names(dir.path()));

        // A place that cannot be written: the error titles the file; nothing is left.
        let path = dir.path().join("no-such-dir").join("x.csv");
        let events = export(
            &idle_client(),
            held_job(&path, FileFormat::Csv, shared(&titles, "pending")),
        )
        .await;
        let [ExportEvent::Failed(ExportFailure::Io { path: p, error })] = events.as_slice() else {
            panic!("{events:?}")
        };
        assert_eq!((p, error.kind()), (&path, io::ErrorKind::NotFound));
        assert!(names(dir.path()).is_empty());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn an_existing_file_is_replaced_only_once_confirmed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("keep.csv");
        std::fs::write(&path, "precious").unwrap();
        let job = held_job(
            &path,
            FileFormat::Csv,
            shared(&["a".to_owned()], "rejected"),
        );
        let events = export(&idle_client(), job.clone()).await;
        let [ExportEvent::Exists(back)] = events.as_slice() else {
            panic!("{events:?}")
        };
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "precious");
        assert_eq!(back.held, job.held, "the same rows come back");
        let again = ExportJob {
            overwrite: true,
            ..back.clone()
        };
        assert_eq!(done_rows(&export(&idle_client(), again).await), 1);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.starts_with("id,name,") && text.contains(",rejected\r\n"),
            "{text}"
        );
        assert_eq!(names(dir.path()), ["keep.csv"]);
    }
}
