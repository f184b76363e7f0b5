//! CBR in the real browser: the built binary with `--demo` in a pseudo-terminal. The
//! recipient accepts a pending backup into the suggested vault and rejects another; the
//! owner walks its backups, adds a member and removes it. Waits poll the screen (20 s
//! cap), never sleep blindly.

#![allow(clippy::unwrap_used)]

#[path = "common/pty.rs"]
mod pty;

use pty::{Tui, footer};

/// The count a tab shows, e.g. `Pending 19` → 19.
fn tab_count(screen: &str, tab: &str) -> Option<u64> {
    let line = screen.lines().nth(1)?;
    let after = line.split(tab).nth(1)?.trim_start();
    let digits: String = after
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == ',')
        .collect();
    digits.replace(',', "").parse().ok()
}

/// The name of the selected row (after the `▶` marker), without the `…` of a name the
/// table cut (so it still finds the row elsewhere, by prefix).
fn selected_name(screen: &str) -> String {
    let line = screen
        .lines()
        .find(|l| l.trim_start().starts_with('▶'))
        .unwrap();
    line.trim_start()
        .trim_start_matches('▶')
        .split_whitespace()
        .next()
        .unwrap()
        .trim_end_matches('…')
        .to_owned()
}

#[test]
fn the_recipient_accepts_into_the_suggested_vault_and_rejects_another() {
    // Starts on VBS: `c` switches, and three keys in all accept a pending backup.
    let mut tui = Tui::start();
    tui.wait_for("the VBS page", |s| footer(s).contains("rows 1–"));
    tui.send("c");
    let start = tui.wait_for("the Pending tab with its counts", |s| {
        s.contains(" CBR ")
            && tab_count(s, "Pending").is_some()
            && tab_count(s, "Rejected").is_some()
            && footer(s).contains("rows 1–")
    });
    let (pending, accepted, rejected) = (
        tab_count(&start, "Pending").unwrap(),
        tab_count(&start, "Accepted").unwrap(),
        tab_count(&start, "Rejected").unwrap(),
    );
    assert!(pending >= 2, "{start}");
    let name = selected_name(&start);

    tui.send("A");
    let picker = tui.wait_for("the vault picker with a fitting vault", |s| {
        s.contains(&format!("Accept {name}")) && s.contains(": fits (")
    });
    assert!(
        picker.contains("For this backup") || picker.contains("fits"),
        "{picker}"
    );
    tui.send("\r");
    let done = tui.wait_for("the accept to land", |s| {
        tab_count(s, "Pending") == Some(pending - 1)
            && tab_count(s, "Accepted") == Some(accepted + 1)
    });
    assert!(footer(&done).contains("accepted"), "{done}");
    assert!(
        footer(&done).contains("free"),
        "the vault's free space: {done}"
    );

    // It is under Accepted now.
    tui.send("2");
    tui.wait_for("the accepted backup", |s| {
        s.contains("● 2 Accepted") && s.contains(&name)
    });

    // Reject another: asked first (Enter alone says no), then y.
    tui.send("1");
    let s = tui.wait_for("Pending again", |s| s.contains("● 1 Pending"));
    let other = selected_name(&s);
    tui.send("R");
    tui.wait_text("Reject backup");
    tui.send("\r");
    tui.wait_for("nothing changed", |s| {
        footer(s).contains("nothing was changed")
    });
    tui.send("R");
    tui.wait_text("Reject backup");
    tui.send("y");
    tui.wait_for("the reject to land", |s| {
        tab_count(s, "Rejected") == Some(rejected + 1)
            && tab_count(s, "Pending") == Some(pending - 2)
    });
    tui.send("3");
    tui.wait_for("the rejected backup", |s| {
        s.contains("● 3 Rejected") && s.contains(&other)
    });
    tui.send("q");
    assert!(tui.wait_exit().success());
}

#[test]
fn the_owner_walks_its_backups_adds_a_member_and_removes_it() {
    let mut tui = Tui::start_with(&["--demo", "--service", "cbr"], &[]);
    tui.wait_for("the Pending tab", |s| footer(s).contains("rows 1–"));
    tui.send("t");
    let walked = tui.wait_for("the whole walk", |s| {
        s.contains("● t Shared by me") && !s.contains("≥") && footer(s).contains("rows 1–")
    });
    let members = tab_count(&walked, "Shared by me").unwrap();
    assert!(members > 10, "{walked}");
    idle_uses_no_cpu(&tui);
    // A backup with room for one more member (the demo's golden image has all ten).
    let mut screen = walked;
    for _ in 0..20 {
        // Names may be cut (`golden-disk-…`) on a narrow table.
        if !selected_name(&screen).starts_with("golden-disk") {
            break;
        }
        // The whole selected line (backup and member project: never twice the same), not
        // the possibly equal cut name, says the selection moved.
        let row = |s: &str| {
            s.lines()
                .find(|l| l.trim_start().starts_with('▶'))
                .map(str::to_owned)
        };
        let before = row(&screen);
        tui.send("j");
        screen = tui.wait_for("the next row", |s| row(s) != before);
    }

    // A project no backup is shared with yet.
    let newcomer = "0123456789abcdef0123456789abcdef";
    tui.send("a");
    tui.wait_text("Share backup");
    tui.send(newcomer);
    tui.send("\r");
    tui.wait_text("Share backup");
    tui.send("y");
    tui.wait_for("the walk to end with one more member", |s| {
        !s.contains("≥") && tab_count(s, "Shared by me") == Some(members + 1)
    });

    // The member filter applies at once: the newcomer's one row.
    tui.send("/");
    tui.wait_for("the form", |s| footer(s).contains("next field"));
    // Name, status, volume, backup, from, to: the sixth field.
    tui.send("\t\t\t\t\t");
    tui.send(newcomer);
    tui.send("\x1b");
    let one = tui.wait_for("only the newcomer's row", |s| {
        footer(s).contains("? help") && tab_count(s, "Shared by me") == Some(1)
    });
    assert!(one.contains(newcomer), "{one}");

    // Remove it: asked first, then the re-walk no longer finds it.
    tui.send("d");
    tui.wait_text("Stop sharing backup");
    tui.send("y");
    let gone = tui.wait_for("the member to go", |s| {
        !s.contains("≥") && tab_count(s, "Shared by me") == Some(0)
    });
    assert!(gone.contains("No members match these filters"), "{gone}");
    tui.send("q");
    assert!(tui.wait_exit().success());
}

/// CPU time (user + system, in clock ticks) the process has used, from `/proc`.
#[cfg(target_os = "linux")]
fn cpu_ticks(pid: u32) -> u64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    // Fields after the command name (which may hold spaces) start after its ')'.
    let rest = &stat[stat.rfind(')').unwrap() + 2..];
    let f: Vec<&str> = rest.split_whitespace().collect();
    f[11].parse::<u64>().unwrap() + f[12].parse::<u64>().unwrap()
}

/// After the walk has ended, the browser sleeps: over a second and a half it draws nothing
/// and uses at most a couple of clock ticks (no spinner, no timer, no polling).
#[cfg(target_os = "linux")]
fn idle_uses_no_cpu(tui: &Tui) {
    let pid = tui.child.process_id().unwrap();
    // Let the last redraw and the demo server's connection handling settle.
    std::thread::sleep(std::time::Duration::from_millis(300));
    let (before, drawn) = (cpu_ticks(pid), tui.raw.lock().unwrap().len());
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let used = cpu_ticks(pid) - before;
    let redrawn = tui.raw.lock().unwrap().len() - drawn;
    assert_eq!(
        redrawn, 0,
        "bytes drawn while idle after the walk (a spinner?)"
    );
    assert!(used <= 2, "{used} ticks of CPU while idle after the walk");
}

#[cfg(not(target_os = "linux"))]
fn idle_uses_no_cpu(_: &Tui) {}
