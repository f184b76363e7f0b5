//! Every key the help overlay lists does what it says, in the real browser: the built
//! binary with `--demo` in a pseudo-terminal. The keys come from
//! [`vbshare::tui::keymap::HELP`], the help's one source; a key listed there without an
//! entry in [`checks`] fails the test, so a key added to the help is covered here before
//! it ships. Waits poll the screen (20 s cap), never sleep blindly.
//!
//! Each check starts from its session's resting state (the first page, first row
//! selected, nothing open) and leaves it so. Sessions run in the order of the table; a
//! key that quits ends its session, so it comes last in it.

#![allow(clippy::unwrap_used)]

#[path = "common/pty.rs"]
mod pty;

use std::collections::BTreeSet;

use pty::{Tui, footer, total};
use vbshare::tui::keymap::HELP;

/// Keys the help lists that do not do what it says, left out of the run until fixed:
/// `(section, key, what goes wrong)`.
const KNOWN_BROKEN: &[(&str, &str, &str)] = &[];

/// Where a check runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Session {
    /// `--demo` on VBS, Shared by me.
    Vbs,
    /// `--demo`, switched to CBR with `c` (the recipient's Pending tab).
    Cbr,
}

/// One key of the help: its section and key as the help writes them, where it is
/// checked, and the check (press it, see its effect, come back).
struct Check {
    section: &'static str,
    key: &'static str,
    session: Session,
    run: fn(&mut Tui),
}

const fn check(
    section: &'static str,
    key: &'static str,
    session: Session,
    run: fn(&mut Tui),
) -> Check {
    Check {
        section,
        key,
        session,
        run,
    }
}

use Session::{Cbr, Vbs};

/// Every key of the help, one line each (kept one line each, hence no rustfmt).
#[rustfmt::skip]
const CHECKS: &[Check] = &[
    check("Move", "j", Vbs, |t| moves_down(t, "j")),
    check("Move", "↓", Vbs, |t| moves_down(t, "↓")),
    check("Move", "k", Vbs, |t| moves_up(t, "k")),
    check("Move", "↑", Vbs, |t| moves_up(t, "↑")),
    check("Move", "g", Vbs, |t| goes_first(t, "g")),
    check("Move", "Home", Vbs, |t| goes_first(t, "Home")),
    check("Move", "G", Vbs, |t| goes_last(t, "G")),
    check("Move", "End", Vbs, |t| goes_last(t, "End")),
    check("Move", "Ctrl-N", Vbs, |t| moves_down(t, "Ctrl-N")),
    check("Move", "Ctrl-P", Vbs, |t| moves_up(t, "Ctrl-P")),
    check("Move", "PgDn", Vbs, |t| page_down(t, "PgDn")),
    check("Move", "Space", Vbs, |t| page_down(t, "Space")),
    check("Move", "Ctrl-D", Vbs, |t| page_down(t, "Ctrl-D")),
    check("Move", "Ctrl-F", Vbs, |t| page_down(t, "Ctrl-F")),
    check("Move", "PgUp", Vbs, |t| page_up(t, "PgUp")),
    check("Move", "Ctrl-U", Vbs, |t| page_up(t, "Ctrl-U")),
    check("Move", "Ctrl-B", Vbs, |t| page_up(t, "Ctrl-B")),
    check("Move", "]", Vbs, |t| next_page(t, "]")),
    check("Move", "n", Vbs, |t| next_page(t, "n")),
    check("Move", "→", Vbs, |t| next_page(t, "→")),
    check("Move", "[", Vbs, |t| prev_page(t, "[")),
    check("Move", "p", Vbs, |t| prev_page(t, "p")),
    check("Move", "←", Vbs, |t| prev_page(t, "←")),
    check("Move", "Enter", Vbs, |t| opens(t, "Enter", "┌ Sharing ")),
    check("Move", "J", Vbs, |t| opens(t, "J", "┌ Raw JSON")),
    check("Query", "t", Vbs, toggles_direction),
    check("Query", "s", Vbs, picks_sort),
    check("Query", "S", Vbs, flips_sort),
    check("Query", "+", Vbs, |t| page_size(t, "+", true)),
    check("Query", "=", Vbs, |t| page_size(t, "=", true)),
    check("Query", "-", Vbs, |t| page_size(t, "-", false)),
    check("Query", "_", Vbs, |t| page_size(t, "_", false)),
    check("Query", "r", Vbs, |t| refreshes(t, "r")),
    check("Query", "F5", Vbs, |t| refreshes(t, "F5")),
    check("Query", "w", Vbs, watches),
    check("Query", "x", Vbs, clears_filters),
    check("Query", "f", Vbs, |t| pivots(t, "f", "⤷ to ")),
    check("Query", "b", Vbs, |t| pivots(t, "b", "⤷ backup ")),
    check("Query", "v", Vbs, |t| pivots(t, "v", "⤷ disk ")),
    check("Query", "Backspace", Vbs, |t| pivots(t, "f", "⤷ to ")),
    check("Query", "c", Vbs, switches_service),
    check("Filters", "/", Vbs, |t| form_field(t, &[], "name:")),
    check("Filters", "Tab", Vbs, |t| form_field(t, &["Tab"], "status:")),
    check("Filters", "↓", Vbs, |t| form_field(t, &["↓"], "status:")),
    check("Filters", "S-Tab", Vbs, |t| form_field(t, &["Tab", "S-Tab"], "name:")),
    check("Filters", "↑", Vbs, |t| form_field(t, &["↓", "↑"], "name:")),
    check("Filters", "Enter", Vbs, form_enter_applies),
    check("Filters", "Esc", Vbs, |t| form_field(t, &[], "name:")),
    check("Filters", "Ctrl-U", Vbs, form_ctrl_u_clears),
    check("Change", "a", Vbs, |t| opens(t, "a", "┌ Share backup")),
    check("Change", "d", Vbs, |t| asks(t, "d", "Cancel sharing ")),
    check("Change", "D", Vbs, |t| asks(t, "D", "y yes")),
    check("Change", "e", Vbs, |t| opens(t, "e", "Export every page of")),
    check("Change", "n", Vbs, |t| asks(t, "d", "Cancel sharing ")),
    check("Change", "y", Vbs, dialog_yes_cancels),
    check("Other", ":", Vbs, |t| opens(t, ":", "eu-de_analytics")),
    check("Other", "P", Vbs, |t| opens(t, "P", "┌ Switch context")),
    check("Other", "y", Vbs, |t| copies(t, "y", "copied sharing ID")),
    check("Other", "Y", Vbs, |t| copies(t, "Y", "copied backup ID")),
    check("Other", "L", Vbs, |t| opens(t, "L", "┌ Requests")),
    check("Other", "F", Vbs, |t| find_step(t, None)),
    check("Other", ">", Vbs, |t| find_step(t, Some(">"))),
    check("Other", "<", Vbs, |t| find_step(t, Some("<"))),
    check("Other", "Esc", Vbs, |t| opens(t, "?", "Keys · Esc closes")),
    check("Other", "?", Vbs, |t| opens(t, "?", "Keys · Esc closes")),
    check("Other", "F1", Vbs, |t| opens(t, "F1", "Keys · Esc closes")),
    check("Other", "Ctrl-Z", Vbs, suspends_and_resumes),
    check("Other", "q", Vbs, |t| quits(t, "q")),
    check("CBR", "2", Cbr, |t| cbr_tab(t, "2", "● 2 Accepted")),
    check("CBR", "3", Cbr, |t| cbr_tab(t, "3", "● 3 Rejected")),
    check("CBR", "1", Cbr, |t| cbr_tab(t, "1", "● 1 Pending")),
    check("CBR", "A", Cbr, |t| opens(t, "A", "Accept ")),
    check("CBR", "R", Cbr, |t| asks(t, "R", "Reject backup")),
    check("CBR", "a", Cbr, |t| on_owner_tab(t, |t| opens(t, "a", "Share backup"))),
    check("CBR", "d", Cbr, |t| on_owner_tab(t, |t| asks(t, "d", "Stop sharing backup"))),
    check("CBR", "D", Cbr, |t| on_owner_tab(t, |t| asks(t, "D", "y yes"))),
    check("Other", "Ctrl-C", Cbr, |t| quits(t, "Ctrl-C")),
];

/// What a key token of the help sends to the terminal.
fn bytes(key: &str) -> &str {
    match key {
        "Enter" => "\r",
        "Esc" => "\x1b",
        "Tab" => "\t",
        "S-Tab" => "\x1b[Z",
        "Backspace" => "\x7f",
        "Home" => "\x1b[H",
        "End" => "\x1b[F",
        "PgDn" => "\x1b[6~",
        "PgUp" => "\x1b[5~",
        "↑" => "\x1b[A",
        "↓" => "\x1b[B",
        "→" => "\x1b[C",
        "←" => "\x1b[D",
        "Space" => " ",
        "F1" => "\x1bOP",
        "F5" => "\x1b[15~",
        "Ctrl-B" => "\x02",
        "Ctrl-C" => "\x03",
        "Ctrl-D" => "\x04",
        "Ctrl-F" => "\x06",
        "Ctrl-N" => "\x0e",
        "Ctrl-P" => "\x10",
        "Ctrl-U" => "\x15",
        "Ctrl-Z" => "\x1a",
        other => other,
    }
}

fn press(t: &mut Tui, key: &str) {
    t.send(bytes(key));
}

/// The resting state: the table has focus (no form, prompt or dialog says how to leave
/// it with Esc), the page is in, nothing is loading.
fn rest(t: &Tui) -> String {
    t.wait_for("the table at rest", |s| {
        let f = footer(s);
        f.contains("rows 1–") && !f.contains('⠋') && !f.contains("Esc")
    })
}

/// The selected line of the table (the whole row, as a cut name may repeat; not the
/// detail pane beside it, whose text follows the clock and the pane's scroll).
fn selected(s: &str) -> Option<(usize, String)> {
    s.lines()
        .enumerate()
        .find(|(_, l)| l.starts_with('▶'))
        .map(|(i, l)| (i, l.split(" │ ").next().unwrap_or(l).trim_end().to_owned()))
}

/// The first row of the table on screen.
fn top_row(s: &str) -> Option<String> {
    s.lines().nth(4).map(str::to_owned)
}

fn moves_down(t: &mut Tui, key: &str) {
    let first = selected(&rest(t));
    press(t, key);
    t.wait_for("the next row selected", |s| {
        selected(s).map(|x| x.0) == first.as_ref().map(|x| x.0 + 1)
    });
    back_to_first(t, first.as_ref());
}

fn moves_up(t: &mut Tui, key: &str) {
    let first = selected(&rest(t));
    press(t, "j");
    t.wait_for("the next row selected", |s| selected(s) != first);
    press(t, key);
    t.wait_for("the first row selected again", |s| selected(s) == first);
}

fn back_to_first(t: &mut Tui, first: Option<&(usize, String)>) {
    press(t, "g");
    t.wait_for("the first row selected again", |s| {
        selected(s).as_ref() == first
    });
}

fn goes_first(t: &mut Tui, key: &str) {
    let first = selected(&rest(t));
    press(t, "j");
    press(t, "j");
    t.wait_for("a row further down", |s| {
        selected(s).map(|x| x.0) == first.as_ref().map(|x| x.0 + 2)
    });
    press(t, key);
    t.wait_for("the first row selected again", |s| selected(s) == first);
}

fn goes_last(t: &mut Tui, key: &str) {
    let first = selected(&rest(t));
    press(t, key);
    t.wait_for("the last row of the page selected", |s| {
        selected(s).is_some_and(|x| x.0 >= 20) && top_row(s) != first.as_ref().map(|x| x.1.clone())
    });
    back_to_first(t, first.as_ref());
}

fn page_down(t: &mut Tui, key: &str) {
    let first = selected(&rest(t));
    press(t, key);
    t.wait_for("the selection a screen down", |s| {
        selected(s).is_some_and(|x| x.0 >= 15)
    });
    back_to_first(t, first.as_ref());
}

fn page_up(t: &mut Tui, key: &str) {
    let first = selected(&rest(t));
    press(t, "G");
    let bottom = t.wait_for("the last row", |s| selected(s).is_some_and(|x| x.0 >= 20));
    let top = top_row(&bottom);
    press(t, key);
    t.wait_for("the view a screen up", |s| top_row(s) != top);
    back_to_first(t, first.as_ref());
}

fn next_page(t: &mut Tui, key: &str) {
    rest(t);
    press(t, key);
    t.wait_for("page 2", |s| footer(s).contains("page 2/"));
    press(t, "[");
    t.wait_for("page 1", |s| footer(s).contains("page 1/"));
}

fn prev_page(t: &mut Tui, key: &str) {
    rest(t);
    press(t, "]");
    t.wait_for("page 2", |s| footer(s).contains("page 2/"));
    press(t, key);
    t.wait_for("page 1", |s| footer(s).contains("page 1/"));
}

/// `key` opens something showing `text`; Esc closes it.
fn opens(t: &mut Tui, key: &str, text: &str) {
    rest(t);
    press(t, key);
    t.wait_text(text);
    press(t, "Esc");
    t.wait_for("it to close", |s| !s.contains(text));
    rest(t);
}

/// `key` asks a question showing `text`; `n` answers no and nothing changes.
fn asks(t: &mut Tui, key: &str, text: &str) {
    rest(t);
    press(t, key);
    t.wait_text(text);
    press(t, "n");
    t.wait_for("nothing changed", |s| {
        footer(s).contains("nothing was changed")
    });
}

fn copies(t: &mut Tui, key: &str, said: &str) {
    rest(t);
    press(t, key);
    t.wait_for(said, |s| footer(s).contains(said));
}

/// The header's second line: tabs, sort and page size.
fn tabs_line(s: &str) -> String {
    s.lines().nth(1).unwrap_or_default().to_owned()
}

fn toggles_direction(t: &mut Tui) {
    rest(t);
    press(t, "t");
    t.wait_text("● Shared with me");
    press(t, "t");
    t.wait_text("● Shared by me");
}

/// The `sort KEY DIR` words of the header.
fn sort_of(s: &str) -> String {
    let line = tabs_line(s);
    let at = line.find("sort ").unwrap_or(0);
    line[at..]
        .split('·')
        .next()
        .unwrap_or_default()
        .trim()
        .to_owned()
}

/// `s` opens the sort picker; a letter jumps to a key, Enter sorts by it.
fn picks_sort(t: &mut Tui) {
    let key = |s: &str| s.split_whitespace().nth(1).map(str::to_owned);
    assert_eq!(key(&sort_of(&rest(t))).as_deref(), Some("created_at"));
    press(t, "s");
    t.wait_text("sort by · Enter sets");
    press(t, "n");
    press(t, "Enter");
    t.wait_for("the rows sorted by name", |s| {
        key(&sort_of(s)).as_deref() == Some("name") && !s.contains("sort by · Enter sets")
    });
    // Back to the default, for the checks after this one.
    press(t, "s");
    t.wait_text("sort by · Enter sets");
    press(t, "c");
    press(t, "Enter");
    t.wait_for("the rows sorted by creation again", |s| {
        key(&sort_of(s)).as_deref() == Some("created_at")
    });
}

fn flips_sort(t: &mut Tui) {
    let before = sort_of(&rest(t));
    let flipped = if before.contains('↓') { '↑' } else { '↓' };
    press(t, "S");
    t.wait_for("the other direction", |s| sort_of(s).contains(flipped));
}

fn per_page(s: &str) -> Option<u64> {
    let line = tabs_line(s);
    let before = line.split(" per page").next()?;
    before.split_whitespace().last()?.parse().ok()
}

fn page_size(t: &mut Tui, key: &str, bigger: bool) {
    let before = per_page(&rest(t)).unwrap();
    press(t, key);
    t.wait_for("another page size", |s| {
        per_page(s).is_some_and(|n| if bigger { n > before } else { n < before })
    });
}

/// The number of requests the request log keeps.
fn requests_kept(t: &mut Tui) -> u64 {
    rest(t);
    press(t, "L");
    let log = t.wait_text("┌ Requests · ");
    press(t, "Esc");
    t.wait_for("the log to close", |s| !s.contains("┌ Requests"));
    let after = log.split("┌ Requests · ").nth(1).unwrap();
    after.split_whitespace().next().unwrap().parse().unwrap()
}

fn refreshes(t: &mut Tui, key: &str) {
    let before = requests_kept(t);
    press(t, key);
    let mut now = before;
    for _ in 0..100 {
        now = requests_kept(t);
        if now > before {
            return;
        }
    }
    panic!("no request after r: {before} then {now} in the log");
}

fn watches(t: &mut Tui) {
    rest(t);
    press(t, "w");
    t.wait_for("watch on", |s| footer(s).contains("watch 5s"));
    press(t, "w");
    t.wait_for("watch off", |s| footer(s).contains("watch off"));
}

/// The filter line under the tabs.
fn filter_line(s: &str) -> String {
    s.lines().nth(2).unwrap_or_default().to_owned()
}

fn clears_filters(t: &mut Tui) {
    let all = total(footer(&rest(t)));
    t.send("/prod");
    t.wait_for("the filter to apply", |s| {
        total(footer(s)).is_some_and(|n| Some(n) < all) && !footer(s).contains('⠋')
    });
    press(t, "Esc");
    rest(t);
    press(t, "x");
    t.wait_for("no filters", |s| {
        filter_line(s).contains("no filters") && total(footer(s)) == all
    });
}

fn pivots(t: &mut Tui, key: &str, shown: &str) {
    rest(t);
    press(t, key);
    t.wait_for("the pivot", |s| filter_line(s).contains(shown));
    press(t, "Backspace");
    t.wait_for("back before the pivot", |s| {
        filter_line(s).contains("no filters")
    });
}

fn switches_service(t: &mut Tui) {
    rest(t);
    press(t, "c");
    t.wait_for("CBR", |s| {
        s.lines().next().unwrap_or_default().contains(" CBR ")
    });
    press(t, "c");
    t.wait_for("VBS", |s| {
        s.lines().next().unwrap_or_default().contains(" VBS ")
    });
    rest(t);
}

/// `/` then `keys` in the form: the field named `field` has focus; Esc leaves the form.
fn form_field(t: &mut Tui, keys: &[&str], field: &str) {
    rest(t);
    press(t, "/");
    t.wait_for("the form", |s| footer(s).contains("next field"));
    for k in keys {
        press(t, k);
    }
    t.wait_for(field, |s| filter_line(s).trim_start().starts_with(field));
    press(t, "Esc");
    rest(t);
}

fn form_enter_applies(t: &mut Tui) {
    let all = total(footer(&rest(t)));
    t.send("/prod");
    press(t, "Enter");
    t.wait_for("the filter applied and the table focused", |s| {
        total(footer(s)).is_some_and(|n| Some(n) < all) && !footer(s).contains("Esc")
    });
    press(t, "x");
    t.wait_for("no filters", |s| total(footer(s)) == all);
}

fn form_ctrl_u_clears(t: &mut Tui) {
    let all = total(footer(&rest(t)));
    t.send("/zzz");
    t.wait_for("the typed name", |s| filter_line(s).contains("name:zzz"));
    press(t, "Ctrl-U");
    t.wait_for("the field empty", |s| {
        filter_line(s).trim_start().starts_with("name:") && !filter_line(s).contains("zzz")
    });
    press(t, "Esc");
    t.wait_for("every row again", |s| {
        total(footer(s)) == all && !footer(s).contains("Esc")
    });
}

fn dialog_yes_cancels(t: &mut Tui) {
    let all = total(footer(&rest(t))).unwrap();
    press(t, "d");
    t.wait_text("Cancel sharing ");
    press(t, "y");
    t.wait_for("the sharing cancelled", |s| {
        footer(s).contains("cancelled sharing") && total(footer(s)) == Some(all - 1)
    });
}

/// `F` finds text; `>` and `<` step through the matches.
fn find_step(t: &mut Tui, step: Option<&str>) {
    let first = selected(&rest(t));
    press(t, "F");
    t.wait_for("the find prompt", |s| footer(s).contains("find:"));
    t.send("prod");
    press(t, "Enter");
    let found = t.wait_for("a match selected", |s| {
        selected(s).is_some_and(|x| x.1.contains("prod"))
    });
    if let Some(step) = step {
        let at = selected(&found);
        press(t, ">");
        let next = t.wait_for("the next match", |s| {
            selected(s) != at && selected(s).is_some_and(|x| x.1.contains("prod"))
        });
        if step == "<" {
            press(t, "<");
            t.wait_for("the previous match", |s| selected(s) == at);
        } else {
            assert_ne!(selected(&next), at);
        }
    }
    // The find stays in the footer, as a notice: the table has focus again.
    back_to_first(t, first.as_ref());
}

/// Ctrl-Z gives the terminal back (leaves the alternate screen) and suspends; on resume
/// the browser takes the screen again. The pty's process group has no parent in its session
/// (it is orphaned), so the kernel discards the stop and the process resumes at once, as
/// after `fg`: the test sees the terminal given back, then taken again.
fn suspends_and_resumes(t: &mut Tui) {
    const LEAVE: &str = "\x1b[?1049l";
    const ENTER: &str = "\x1b[?1049h";
    rest(t);
    let left_before = t.raw_text().matches(LEAVE).count();
    press(t, "Ctrl-Z");
    t.wait_for("the terminal given back, then taken again", |_| {
        let raw = t.raw_text();
        raw.matches(LEAVE).count() > left_before && raw.rfind(ENTER) > raw.rfind(LEAVE)
    });
    rest(t);
}

fn quits(t: &mut Tui, key: &str) {
    rest(t);
    press(t, key);
    let status = t.wait_exit();
    assert!(key == "Ctrl-C" || status.success(), "{status:?}");
}

fn cbr_tab(t: &mut Tui, key: &str, shown: &str) {
    rest(t);
    if key == "1" {
        press(t, "2");
        t.wait_text("● 2 Accepted");
    }
    press(t, key);
    t.wait_text(shown);
}

/// Runs `check` on the owner's Shared by me tab, once the walk has ended, on a backup
/// with room for members; back to Pending after.
fn on_owner_tab(t: &mut Tui, check: fn(&mut Tui)) {
    rest(t);
    press(t, "t");
    let mut s = t.wait_for("the whole walk", |s| {
        s.contains("● t Shared by me") && !s.contains("≥") && footer(s).contains("rows 1–")
    });
    // The demo's golden images have all ten members.
    for _ in 0..20 {
        if !selected(&s).is_some_and(|x| x.1.contains("golden")) {
            break;
        }
        let before = selected(&s);
        press(t, "j");
        s = t.wait_for("the next row", |s| selected(s) != before);
    }
    check(t);
    press(t, "t");
    t.wait_for("Pending", |s| !s.contains("● t Shared by me"));
}

/// Every `(section, key)` the help lists.
fn help_keys() -> Vec<(&'static str, &'static str)> {
    HELP.iter()
        .flat_map(|(section, keys)| {
            keys.iter()
                .flat_map(move |(k, _)| k.split_whitespace().map(move |k| (*section, k)))
        })
        .collect()
}

#[test]
fn every_key_in_the_help_does_what_it_says() {
    let listed: BTreeSet<_> = help_keys().into_iter().collect();
    let checked: BTreeSet<_> = CHECKS.iter().map(|c| (c.section, c.key)).collect();
    let broken: BTreeSet<_> = KNOWN_BROKEN.iter().map(|b| (b.0, b.1)).collect();
    let uncovered: Vec<_> = listed
        .iter()
        .filter(|k| !checked.contains(*k) && !broken.contains(*k))
        .collect();
    assert!(
        uncovered.is_empty(),
        "keys in the help with no check here: {uncovered:?}"
    );
    let stale: Vec<_> = checked.difference(&listed).collect();
    assert!(
        stale.is_empty(),
        "checks for keys the help no longer lists: {stale:?}"
    );
    for (section, key, why) in KNOWN_BROKEN {
        println!("KNOWN_BROKEN, not run: {section} {key}: {why}");
    }

    let mut sessions: Vec<Session> = CHECKS.iter().map(|c| c.session).collect();
    sessions.dedup();
    for session in sessions {
        let mut tui = Tui::start();
        rest(&tui);
        if session == Cbr {
            tui.send("c");
            tui.wait_for("CBR's Pending tab", |s| {
                s.contains(" CBR ") && s.contains("● 1 Pending")
            });
        }
        for c in CHECKS.iter().filter(|c| c.session == session) {
            if broken.contains(&(c.section, c.key)) {
                continue;
            }
            eprintln!("{:?}: {} {}", session, c.section, c.key);
            (c.run)(&mut tui);
        }
    }
}
