//! The browser under load, in a real pseudo-terminal against the embedded server:
//! a burst of 1,000 keystrokes over 100,000 sharings sends only a handful of requests and
//! ends on the final query's result; a server failing half its requests never takes the
//! browser down, its errors show, and it recovers when the failures stop.

#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use tokio::net::{TcpListener, TcpStream};
use vbshare::api::sign::AkSk;
use vbshare::api::{Auth, Client, ClientConfig, Filters};
use vbshare::server::{
    self, DEMO_ACCESS_KEY, DEMO_PROJECT_ID, DEMO_SECRET_KEY, RunningServer, ServerConfig,
};

#[path = "common/pty.rs"]
mod pty;

use pty::{Tui, footer, total};

async fn start(sharings: usize, fail_rate: f64) -> RunningServer {
    server::start(ServerConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        sharings,
        fail_rate,
        ..ServerConfig::default()
    })
    .await
    .unwrap()
}

fn browser(endpoint: &str, log: &std::path::Path, extra: &[&str]) -> Tui {
    let mut args = vec![
        "--endpoint",
        endpoint,
        "--project-id",
        DEMO_PROJECT_ID,
        "--log-file",
        log.to_str().unwrap(),
        "--log-level",
        "debug",
    ];
    args.extend_from_slice(extra);
    Tui::start_with(
        &args,
        &[
            ("HW_ACCESS_KEY", DEMO_ACCESS_KEY),
            ("HW_SECRET_KEY", DEMO_SECRET_KEY),
        ],
    )
}

/// How many list calls the browser's log records.
fn list_calls(log: &std::path::Path) -> usize {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .filter(|l| l.contains("vbs call") && l.contains("/detail"))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_keystroke_burst_sends_a_handful_of_requests() {
    let server = start(100_000, 0.0).await;
    let auth = Auth::AkSk(AkSk {
        access_key: DEMO_ACCESS_KEY.into(),
        secret_key: DEMO_SECRET_KEY.into(),
        security_token: None,
    });
    let client = Client::new(ClientConfig::new(server.endpoint(), DEMO_PROJECT_ID, auth)).unwrap();
    let expected = client
        .count(&Filters {
            name: "prod".into(),
            ..Filters::default()
        })
        .await
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("load.log");
    let endpoint = server.endpoint();
    let log2 = log.clone();
    tokio::task::spawn_blocking(move || {
        let mut tui = browser(&endpoint, &log2, &[]);
        tui.wait_for("the first page", |s| {
            total(footer(s)).is_some_and(|n| n > 40_000)
        });
        let before = list_calls(&log2);
        // 996 keystrokes of typing and deleting, then the 4 that matter: 1,000 in all.
        let mut burst = String::from("/");
        for _ in 0..498 {
            burst.push_str("x\x7f");
        }
        burst.push_str("prod");
        tui.send(&burst);
        let shown = tui.wait_for("the final query's result", |s| {
            s.contains("name:prod") && total(footer(s)) == Some(expected)
        });
        // Give a straggler request time to show up in the log before counting.
        std::thread::sleep(Duration::from_millis(500));
        let during = list_calls(&log2) - before;
        assert!(
            during <= 3,
            "{during} list requests for one burst; screen:\n{shown}"
        );
        assert!(during >= 1);
        tui.send("\x1b");
        tui.send("q");
    })
    .await
    .unwrap();
}

/// A loopback TCP proxy that sends each new connection to `healthy` or `failing`.
async fn switch_proxy(healthy: String, failing: String, use_failing: Arc<AtomicBool>) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((mut inbound, _)) = listener.accept().await else {
                return;
            };
            let to_failing = use_failing.load(Ordering::SeqCst);
            let target = if to_failing {
                failing.clone()
            } else {
                healthy.clone()
            };
            let flag = use_failing.clone();
            tokio::spawn(async move {
                if let Ok(mut outbound) = TcpStream::connect(&target).await {
                    // A kept-alive connection to the failing server ends when the switch
                    // flips, as a real outage's would, so the next request reconnects
                    // (bounded: a check every 50 ms, for as long as the connection lives).
                    let flipped = async {
                        while flag.load(Ordering::SeqCst) == to_failing {
                            tokio::time::sleep(Duration::from_millis(50)).await;
                        }
                    };
                    tokio::select! {
                        _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound) => {}
                        () = flipped => {}
                    }
                }
            });
        }
    });
    format!("http://{addr}")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn half_the_requests_failing_never_breaks_the_browser() {
    // Seconds of soak; the issue's full run is 60 (VBSHARE_SOAK_SECS=60).
    let soak: u64 = std::env::var("VBSHARE_SOAK_SECS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(8);
    let healthy = start(2_000, 0.0).await;
    let failing = start(2_000, 0.5).await;
    let use_failing = Arc::new(AtomicBool::new(true));
    let endpoint = switch_proxy(
        healthy.addr().to_string(),
        failing.addr().to_string(),
        use_failing.clone(),
    )
    .await;
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("soak.log");
    tokio::task::spawn_blocking(move || {
        // Watch mode every second, and a keystroke that forces a query every 150 ms.
        // No retries, so half the requests fail where the user sees them.
        let mut tui = browser(&endpoint, &log, &["--refresh", "1", "--retries", "0"]);
        let deadline = Instant::now() + Duration::from_secs(soak);
        let mut saw_error = false;
        let mut saw_rows = false;
        let keys = ["r", "]", "[", "t", "S", "j", "k"];
        let mut i = 0;
        while Instant::now() < deadline {
            tui.send(keys[i % keys.len()]);
            i += 1;
            std::thread::sleep(Duration::from_millis(150));
            let s = tui.screen();
            saw_error |= s.contains("VolumeBackup.0900") || s.contains("failed");
            saw_rows |= total(footer(&s)).is_some();
            assert!(
                tui.child.try_wait().unwrap().is_none(),
                "vbshare exited during the soak:\n{s}"
            );
        }
        assert!(saw_error, "errors were shown");
        assert!(saw_rows, "rows were shown between errors");
        // The failures stop: the browser recovers on r.
        use_failing.store(false, Ordering::SeqCst);
        tui.send("\x1b");
        tui.send("r");
        let recovered = tui.wait_for("recovery", |s| {
            total(footer(s)).is_some()
                && !s.contains("VolumeBackup.0900")
                && !footer(s).contains("failed")
        });
        assert!(footer(&recovered).contains("rows "), "{recovered}");
        tui.send("q");
        tui.wait_exit();
        let raw = tui.raw.lock().unwrap();
        assert!(!String::from_utf8_lossy(&raw).contains("panicked"));
    })
    .await
    .unwrap();
}
