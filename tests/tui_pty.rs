//! The real thing: the built binary with `--demo` in a pseudo-terminal, its output read
//! back through a terminal emulator. Waits poll the screen (20 s cap), never sleep blindly.

#![allow(clippy::unwrap_used)]

use std::time::{Duration, Instant};

#[path = "common/pty.rs"]
mod pty;

use pty::{CAP, Tui, footer, total};

#[test]
fn browse_filter_toggle_page_help_and_quit() {
    let mut tui = Tui::start();
    let first = tui.wait_for("the first page and its total", |s| {
        s.contains("Shared by me") && footer(s).contains("rows 1–") && total(footer(s)).is_some()
    });
    let all = total(footer(&first)).unwrap();
    assert!(all > 0, "{first}");
    assert!(first.contains("● Shared by me"), "{first}");

    // Filter by name as we type: the total shrinks without pressing Enter.
    tui.send("/prod");
    let filtered = tui.wait_for("the name filter to apply", |s| {
        s.contains("name:prod")
            && total(footer(s)).is_some_and(|n| n < all)
            && !footer(s).contains('⠋')
    });
    let prod = total(footer(&filtered)).unwrap();
    assert!(prod > 0, "{filtered}");
    // Leave the form (waiting, so the next key is not read as Alt+key) and clear the filters.
    tui.send("\x1b");
    tui.wait_for("the table to have focus", |s| footer(s).contains("? help"));
    tui.send("x");
    tui.wait_for("the filter to clear", |s| total(footer(s)) == Some(all));

    // The other direction.
    tui.send("t");
    let with_me = tui.wait_for("shared with me", |s| {
        s.contains("● Shared with me") && total(footer(s)).is_some_and(|n| n != all)
    });
    let with_me_total = total(footer(&with_me)).unwrap();
    assert!(
        with_me.contains("From"),
        "the other-project column follows the direction:\n{with_me}"
    );

    // Next page (when there is one).
    if with_me_total > 50 {
        tui.send("]");
        tui.wait_for("page 2", |s| {
            footer(s).contains("rows 51–") && footer(s).contains("page 2/")
        });
    }

    // Help, then quit from the table.
    tui.send("?");
    tui.wait_text("Keys · Esc closes");
    tui.send("q");
    tui.wait_for("help to close", |s| !s.contains("Keys · Esc closes"));
    tui.send("q");

    let status = tui.wait_exit();
    assert!(status.success(), "exit status {status:?}");
    // Let the reader drain what is left, then check the terminal is back to normal.
    let start = Instant::now();
    loop {
        let done = {
            let p = tui.parser.lock().unwrap();
            !p.screen().alternate_screen() && !p.screen().hide_cursor()
        };
        if done {
            break;
        }
        assert!(start.elapsed() < CAP, "terminal not restored");
        std::thread::sleep(Duration::from_millis(30));
    }
    let raw = tui.raw.lock().unwrap();
    let text = String::from_utf8_lossy(&raw);
    let left = text
        .rfind("\x1b[?1049l")
        .expect("left the alternate screen");
    let entered = text
        .rfind("\x1b[?1049h")
        .expect("entered the alternate screen");
    assert!(left > entered);
    assert!(text[entered..].contains("\x1b[?25h"), "cursor shown again");
    assert!(!text.contains("\x1b[?1000h"), "no mouse capture by default");
}

#[test]
fn the_demo_opens_behind_a_dead_proxy() {
    // A typical enterprise shell: every proxy variable set, this one not even listening.
    let dead = "http://127.0.0.1:9";
    let mut tui = Tui::start_with(
        &["--demo"],
        &[
            ("HTTP_PROXY", dead),
            ("HTTPS_PROXY", dead),
            ("ALL_PROXY", "socks5://127.0.0.1:9"),
        ],
    );
    let first = tui.wait_for("the first page behind a proxy", |s| {
        footer(s).contains("rows 1–50 of ")
    });
    assert!(!first.contains("proxy"), "{first}");
    tui.send("q");
    tui.wait_exit();
}

#[test]
fn ctrl_c_quits_from_the_filter_form() {
    let mut tui = Tui::start();
    tui.wait_for("the first page", |s| footer(s).contains("rows 1–"));
    tui.send("/abc");
    tui.wait_text("name:abc");
    tui.send("\x03");
    tui.wait_exit();
    tui.wait_for("restored", |_| {
        !tui.parser.lock().unwrap().screen().alternate_screen()
    });
}

/// The first sharing ID (a UUID) in `text` right after `prefix`.
fn uuid_after<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    text.match_indices(prefix).find_map(|(at, _)| {
        let start = at + prefix.len();
        let id = text.get(start..start + 36)?;
        let ok = id.char_indices().all(|(i, c)| match i {
            8 | 13 | 18 | 23 => c == '-',
            _ => c.is_ascii_hexdigit(),
        });
        ok.then_some(id)
    })
}

#[test]
fn cancel_a_sharing_with_confirmation_then_watch() {
    let mut tui = Tui::start();
    let first = tui.wait_for("the first page and its total", |s| {
        footer(s).contains("rows 1–") && total(footer(s)).is_some() && !footer(s).contains('⠋')
    });
    let all = total(footer(&first)).unwrap();

    // Select the second row and learn its sharing ID (copying it says it in the footer).
    tui.send("j");
    tui.send("y");
    let copied = tui.wait_for("the copied sharing ID", |s| {
        uuid_after(footer(s), "copied sharing ID ").is_some()
    });
    let id = uuid_after(footer(&copied), "copied sharing ID ")
        .unwrap()
        .to_owned();

    // `d` asks first, naming the sharing.
    tui.send("d");
    let asked = tui.wait_text("Cancel sharing ");
    assert_eq!(
        uuid_after(&asked, "Cancel sharing "),
        Some(id.as_str()),
        "{asked}"
    );
    assert!(
        asked.contains("will no longer be shared with project"),
        "{asked}"
    );
    assert_eq!(total(footer(&asked)), Some(all), "nothing happened yet");

    // `y` cancels it: the footer says so and the total drops by one.
    tui.send("y");
    let done = tui.wait_for("the cancellation and the new total", |s| {
        footer(s).contains("cancelled sharing") && total(footer(s)) == Some(all - 1)
    });
    assert!(
        !done.contains("Cancel sharing "),
        "the dialog closed:\n{done}"
    );
    assert!(
        footer(&done).contains(&id[..8]),
        "the footer names the sharing: {}",
        footer(&done)
    );

    // `w` turns watch mode on.
    tui.send("w");
    tui.wait_for("watch mode in the footer", |s| {
        footer(s).contains("watch 5s")
    });
    tui.send("w");
    tui.wait_for("watch mode off", |s| {
        !footer(s).contains("watch 5s") && footer(s).contains("watch off")
    });
}

#[test]
fn export_writes_every_row_to_the_current_directory() {
    let mut tui = Tui::start();
    let first = tui.wait_for("the first page and its total", |s| {
        footer(s).contains("rows 1–") && total(footer(s)).is_some() && !footer(s).contains('⠋')
    });
    let all = total(footer(&first)).unwrap();
    tui.send("e");
    tui.wait_text("Export every page of Shared by me");
    tui.send("\t\r");
    let done = tui.wait_for("the export to finish", |s| footer(s).contains("exported "));
    let rows: u64 = footer(&done)
        .split("exported ")
        .nth(1)
        .and_then(|t| t.split(' ').next())
        .map(|n| n.replace(',', "").parse().unwrap())
        .unwrap();
    assert_eq!(rows, all, "{}", footer(&done));
    let files: Vec<String> = std::fs::read_dir(tui.home.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("vbshare-"))
        .collect();
    assert_eq!(files.len(), 1, "{files:?}");
    assert!(
        files[0].starts_with("vbshare-by-me-")
            && std::path::Path::new(&files[0]).extension() == Some("json".as_ref()),
        "{files:?}"
    );
    let text = std::fs::read_to_string(tui.home.path().join(&files[0])).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["shared"].as_array().unwrap().len() as u64, all);
}

/// Hostile names from the demo data (an OSC title change, an SGR colour, a bidi override,
/// an invisible BOM) are shown visibly in the table, the detail and the raw JSON view, and
/// never reach the terminal as what they are: no title change, no colour, no reordering,
/// nothing hidden.
#[test]
fn hostile_names_cannot_change_the_terminal() {
    use vbshare::server::{DEMO_PROJECT_ID, ServerConfig, seed};
    // Only the hostile names are used, and they do not depend on the demo's "now".
    let data = seed::generate(
        ServerConfig::default().seed,
        ServerConfig::default().sharings,
        ServerConfig::default().now,
    );
    let mut tui = Tui::start();
    tui.wait_for("the first page", |s| footer(s).contains("rows 1–"));
    let mut with_me = false;
    for (name, filter, shown) in [
        (
            "title\u{1b}]0;pwned\u{7}",
            "pwned",
            "title\\x1b]0;pwned\\x07",
        ),
        ("evil\u{1b}[31mred\u{1b}[0m", "31mred", "evil\\x1b[31mred"),
        ("bidi\u{202e}evil", "bidi", "bidi\\u{202e}evil"),
        ("\u{feff}bom-archive", "bom-archive", "\\u{feff}bom-archive"),
    ] {
        // Look at the direction where the demo data holds this name.
        let s = data
            .iter()
            .find(|s| s.name() == name)
            .expect("the demo data has the name");
        let to_me = s.to_project_id.as_deref() == Some(DEMO_PROJECT_ID);
        if to_me != with_me {
            tui.send("t");
            let tab = if to_me {
                "● Shared with me"
            } else {
                "● Shared by me"
            };
            tui.wait_for("the direction", |s| s.contains(tab));
            with_me = to_me;
        }
        tui.send(&format!("/\x15{filter}"));
        tui.wait_for("the name in the table", |s| {
            s.contains(&format!("name:{filter}")) && s.contains(shown)
        });
        tui.send("\x1b");
        tui.wait_for("the table to have focus", |s| footer(s).contains("? help"));
        // The detail and the raw JSON view show it visibly too.
        tui.send("\r");
        tui.wait_for("the detail", |s| {
            s.contains("┌ Sharing ") && s.contains(shown)
        });
        tui.send("\x1b");
        tui.wait_for("the detail to close", |s| !s.contains("┌ Sharing "));
        tui.send("J");
        tui.wait_text("Raw JSON");
        tui.send("\x1b");
        tui.wait_for("the table again", |s| !s.contains("Raw JSON"));
    }
    let raw = String::from_utf8_lossy(&tui.raw.lock().unwrap()).into_owned();
    for bad in ["\x1b]0;pwned", "\x1b[31mred", "\u{202e}", "\u{feff}"] {
        assert!(!raw.contains(bad), "{bad:?} reached the terminal");
    }
    // vbshare itself sends no OSC here (copying is the only one), so no title change.
    assert!(
        !raw.contains("\x1b]"),
        "an OSC sequence reached the terminal"
    );
    tui.send("q");
    assert!(tui.wait_exit().success());
}
