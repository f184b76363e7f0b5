//! Stale rows over a slow link, in a real pseudo-terminal against the embedded server with
//! 1.5 s of latency per call: after `t`, while Shared with me loads, the Shared by me rows
//! stay under their own column title, marked as old, and `d` on them is refused with a
//! reason instead of opening a cancel for the wrong direction.

#![allow(clippy::unwrap_used)]

use vbshare::server::{
    self, DEMO_ACCESS_KEY, DEMO_PROJECT_ID, DEMO_SECRET_KEY, RunningServer, ServerConfig,
};

#[path = "common/pty.rs"]
mod pty;

use pty::{Tui, footer, total};

async fn slow() -> RunningServer {
    server::start(ServerConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        sharings: 300,
        latency_ms: 1500,
        ..ServerConfig::default()
    })
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn old_rows_are_marked_and_refused_while_the_new_direction_loads() {
    let server = slow().await;
    let endpoint = server.endpoint();
    tokio::task::spawn_blocking(move || {
        let mut tui = Tui::start_with(
            &["--endpoint", &endpoint, "--project-id", DEMO_PROJECT_ID],
            &[
                ("HW_ACCESS_KEY", DEMO_ACCESS_KEY),
                ("HW_SECRET_KEY", DEMO_SECRET_KEY),
            ],
        );
        let by_me = tui.wait_for("Shared by me's first page", |s| {
            s.contains("● Shared by me") && total(footer(s)).is_some()
        });
        assert!(
            by_me.contains("To project") || by_me.contains(" To "),
            "{by_me}"
        );
        tui.send("t");
        // While the other direction is in flight (1.5 s), the old rows say what they are.
        let loading = tui.wait_for("the old rows marked", |s| {
            footer(s).contains("showing Shared by me · loading Shared with me")
        });
        assert!(
            loading.contains("To project") || loading.contains(" To "),
            "the old rows keep their own column title:\n{loading}"
        );
        assert!(!loading.contains("From"), "{loading}");
        tui.send("d");
        let refused = tui.wait_for("d refused on old rows", |s| {
            footer(s).contains("not on old rows")
        });
        assert!(!refused.contains("Cancel"), "no dialog opened:\n{refused}");
        // Then the new rows arrive under their own title
        // (the column title follows the rows on screen, not the query in flight).
        let with_me = tui.wait_for("Shared with me's rows", |s| {
            s.contains("● Shared with me") && s.lines().any(|l| l.contains(" From "))
        });
        assert!(total(footer(&with_me)).is_some(), "{with_me}");
        tui.send("q");
        tui.wait_exit();
    })
    .await
    .unwrap();
    server.shutdown().await;
}
