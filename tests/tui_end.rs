//! The browser ends cleanly however it ends: a signal from outside restores the
//! terminal (modes read back with `stty`), and a panic in a background task restores it,
//! writes a crash report and exits non-zero instead of drawing on with a dead task.

#![cfg(unix)]
#![allow(clippy::unwrap_used)]

#[path = "common/pty.rs"]
mod pty;

use pty::{Tui, footer};

/// Cooked mode is back: the line discipline echoes and edits lines again.
fn assert_cooked(tui: &Tui) {
    let modes = tui.stty();
    let words: Vec<&str> = modes.split_whitespace().collect();
    assert!(
        words.contains(&"icanon") && words.contains(&"echo"),
        "{modes}"
    );
}

/// The alternate screen was left after it was entered, and the cursor shown again (the
/// output is read by another thread, so wait for it rather than race it).
fn assert_screen_restored(tui: &Tui) {
    tui.wait_for("the main screen back", |_| {
        let raw = tui.raw_text();
        raw.rfind("\u{1b}[?1049l")
            .is_some_and(|left| raw[left..].contains("\u{1b}[?25h"))
    });
    let raw = tui.raw_text();
    let entered = raw
        .find("\u{1b}[?1049h")
        .expect("entered the alternate screen");
    let left = raw
        .rfind("\u{1b}[?1049l")
        .expect("left the alternate screen");
    assert!(left > entered);
    assert!(raw[left..].contains("\u{1b}[?25h"), "cursor shown again");
}

#[test]
fn interrupt_and_terminate_signals_restore_the_terminal() {
    for signal in ["-INT", "-TERM", "-HUP", "-QUIT"] {
        let mut tui = Tui::start();
        tui.wait_for("the first page", |s| footer(s).contains("rows 1–"));
        let raw_mode = tui.stty();
        assert!(
            raw_mode.split_whitespace().any(|w| w == "-icanon"),
            "raw while running"
        );
        let pid = tui.child.process_id().unwrap().to_string();
        let killed = std::process::Command::new("kill")
            .args([signal, &pid])
            .status()
            .unwrap();
        assert!(killed.success());
        tui.wait_exit();
        assert_cooked(&tui);
        assert_screen_restored(&tui);
    }
}

#[test]
fn a_panic_in_a_background_task_restores_the_terminal_reports_and_exits_non_zero() {
    let home = tempfile::tempdir().unwrap();
    let log = home.path().join("vbshare.log");
    let log_arg = log.to_str().unwrap().to_owned();
    let mut tui = Tui::start_with(
        &["--demo", "--log-file", &log_arg],
        &[("VBSHARE_TEST_PANIC_IN_WORKER", "1")],
    );
    let status = tui.wait_exit();
    assert!(!status.success());
    assert_eq!(status.exit_code(), 101);
    assert_cooked(&tui);
    assert_screen_restored(&tui);
    tui.wait_for("the line naming the report", |s| {
        s.contains("vbshare crashed (test panic in the fetch worker")
            && s.contains(&format!("the report is in {log_arg}"))
    });
    let report = std::fs::read_to_string(&log).unwrap();
    assert!(
        report.contains("crashed at") && report.contains("backtrace:"),
        "{report}"
    );
}

/// Ctrl-Z gives the terminal back (cooked mode, main screen) before stopping, and takes it
/// again afterwards with a full redraw. Under a shell the process stops until `fg`; here,
/// as a session leader with no job control above it, the kernel discards the stop, which
/// lets the test see both halves.
#[test]
fn ctrl_z_restores_the_terminal_then_redraws_everything() {
    let mut tui = Tui::start();
    let before = tui.wait_for("the first page", |s| footer(s).contains("rows 1–"));
    let entered = tui.raw_text().matches("\u{1b}[?1049h").count();
    tui.send("\u{1a}");
    tui.wait_for("the terminal taken again", |_| {
        tui.raw_text().matches("\u{1b}[?1049h").count() > entered
    });
    let after = tui.wait_for("the browser back, redrawn in full", |s| {
        s.lines().next() == before.lines().next() && footer(s).contains("rows 1–")
    });
    let raw = tui.raw_text();
    assert_eq!(
        raw.matches("\u{1b}[?1049h").count(),
        entered + 1,
        "entered again"
    );
    let left = raw.rfind("\u{1b}[?1049l").unwrap();
    assert!(
        left < raw.rfind("\u{1b}[?1049h").unwrap(),
        "left before entering again"
    );
    // Every row is back, not only what changed.
    assert_eq!(
        after.lines().filter(|l| !l.trim().is_empty()).count(),
        before.lines().filter(|l| !l.trim().is_empty()).count(),
        "{after}"
    );
    tui.send("q");
    assert!(tui.wait_exit().success());
    assert_cooked(&tui);
}

/// Bracketed paste in a real terminal: `abc` newline `q` pasted into the name field is
/// the filter `abc q`, and the browser keeps running; pasted on the table it only says
/// where to paste.
#[test]
fn a_paste_never_runs_keys() {
    let mut tui = Tui::start();
    tui.wait_for("the first page", |s| footer(s).contains("rows 1–"));
    assert!(
        tui.raw_text().contains("\u{1b}[?2004h"),
        "bracketed paste is on"
    );
    tui.send("\u{1b}[200~abc\nq\u{1b}[201~");
    tui.wait_for("the hint", |s| {
        footer(s).contains("paste into a filter field")
    });
    tui.send("/");
    tui.wait_for("the form", |s| footer(s).contains("next field"));
    tui.send("\u{1b}[200~abc\nq\u{1b}[201~");
    tui.wait_for("the pasted filter", |s| s.contains("name:abc q"));
    assert!(tui.child.try_wait().unwrap().is_none(), "still running");
    tui.send("\u{1b}");
    tui.wait_for("the table", |s| footer(s).contains("? help"));
    tui.send("q");
    assert!(tui.wait_exit().success());
    assert!(
        tui.raw_text().contains("\u{1b}[?2004l"),
        "bracketed paste is off again"
    );
}

/// `L` in a real terminal lists the requests the browser made, with the server's
/// request IDs.
#[test]
fn the_request_log_lists_what_was_sent() {
    let mut tui = Tui::start();
    tui.wait_for("the first page", |s| footer(s).contains("rows 1–"));
    tui.send("L");
    let log = tui.wait_for("the request log", |s| s.contains("Requests ·"));
    assert!(
        log.contains("GET") && log.contains(" 200 ") && log.contains("vbs:detail?"),
        "{log}"
    );
    tui.send("y");
    tui.wait_for("a copied request ID", |s| {
        footer(s).contains("copied request ID")
    });
    tui.send("L");
    tui.wait_for("the table again", |s| footer(s).contains("rows 1–"));
    tui.send("q");
    assert!(tui.wait_exit().success());
}
