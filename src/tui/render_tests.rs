//! Whole-frame snapshots at 80x24 and 160x48, and properties of drawing.

use std::time::Duration;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use proptest::prelude::*;

use super::app::{App, Msg};
use super::fixtures::{self, answer, loaded, page, parse, render, sharing_json};
use super::worker::FetchResult;
use crate::api::ApiError;
use crate::api::error::{ErrorBody, StatusError};

const SIZES: [(u16, u16); 2] = [(80, 24), (160, 48)];

fn press(app: &mut App, keys: &str) {
    for c in keys.chars() {
        let _ = app.update(Msg::Key(KeyEvent::new(
            KeyCode::Char(c),
            KeyModifiers::NONE,
        )));
    }
}

fn snap(name: &str, make: impl Fn(u16, u16) -> App) {
    for (w, h) in SIZES {
        let app = make(w, h);
        let text = render(&app, w, h);
        insta::assert_snapshot!(format!("{name}_{w}x{h}"), text);
    }
}

#[test]
fn loading() {
    snap("loading", fixtures::app);
}

#[test]
fn full_page() {
    snap("full_page", loaded);
}

#[test]
fn detail() {
    snap("detail", |w, h| {
        let mut app = loaded(w, h);
        press(&mut app, "jjjj");
        if w < 100 {
            let _ = app.update(Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)));
        }
        app
    });
}

#[test]
fn raw_json() {
    snap("raw_json", |w, h| {
        let mut app = loaded(w, h);
        press(&mut app, "J");
        app
    });
}

#[test]
fn help() {
    snap("help", |w, h| {
        let mut app = loaded(w, h);
        press(&mut app, "?");
        app
    });
}

#[test]
fn error() {
    snap("error", |w, h| {
        let mut app = loaded(w, h);
        press(&mut app, "r");
        let generation = app.generation;
        let e = ApiError::Status(StatusError {
            status: 401,
            body: Box::new(ErrorBody {
                code: Some("IAM.0066".into()),
                message: Some("The token has expired.".into()),
                request_id: Some("06110fb86d21efd4f9139b30d7cded73".into()),
                raw: None,
            }),
            retry_after: None,
            call: None,
            advice: None,
        });
        let _ = app.update(Msg::Fetched(Box::new(FetchResult {
            generation,
            list: Err(e),
            count: None,
            other_count: None,
            latency: Duration::from_millis(7),
        })));
        app
    });
}

#[test]
fn empty_result() {
    snap("empty", |w, h| {
        let mut app = fixtures::app(w, h);
        press(&mut app, "/");
        press(&mut app, "nothing-matches");
        answer(&mut app, Vec::new(), 0);
        app
    });
}

#[test]
fn filters_in_use() {
    snap("filters", |w, h| {
        let mut app = loaded(w, h);
        press(&mut app, "/db");
        let _ = app.update(Msg::Key(KeyEvent::new(KeyCode::Tab, KeyModifiers::NONE)));
        // The status is picked: `a` opens the picker on "available", Enter sets it.
        press(&mut app, "a");
        let _ = app.update(Msg::Key(KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE)));
        answer(&mut app, page(0, 10), 10);
        app
    });
}

#[test]
fn shared_with_me() {
    snap("shared_with_me", |w, h| {
        let mut app = loaded(w, h);
        // With me, sorted by updated_at (picked with s u Enter), ascending.
        press(&mut app, "tsu");
        key(&mut app, KeyCode::Enter);
        press(&mut app, "S");
        answer(&mut app, page(7, 50), 77);
        app
    });
}

#[test]
fn cjk_names() {
    snap("cjk", |w, h| {
        let mut app = fixtures::app(w, h);
        let names = [
            "数据库备份-生产",
            "ウェブサーバー",
            "백업 테스트",
            "mixed 数据 🚀 rocket",
            "plain-ascii",
        ];
        let objects: Vec<String> = names
            .iter()
            .enumerate()
            .map(|(i, n)| sharing_json(i as u64, n))
            .collect();
        answer(&mut app, parse(&objects), 5);
        app
    });
}

#[test]
fn escape_sequences_in_names() {
    snap("escapes", |w, h| {
        let mut app = fixtures::app(w, h);
        let names = [
            "evil\u{1b}[31mred\u{1b}[0m",
            "title\u{1b}]0;pwned\u{7}",
            "bidi\u{202e}txt.exe",
            "line\nbreak\ttab",
        ];
        let objects: Vec<String> = names
            .iter()
            .enumerate()
            .map(|(i, n)| sharing_json(i as u64, n))
            .collect();
        answer(&mut app, parse(&objects), 4);
        app
    });
}

/// A page whose first rows carry fields of the wrong type, as the legacy service sends them.
fn odd_page() -> Vec<crate::api::model::Sharing> {
    let mut objects: Vec<String> = (0..6)
        .map(|i| sharing_json(i, &format!("odd-{i}")))
        .collect();
    let first_field = |o: &str, key: &str| {
        let at = o.find(&format!("\"{key}\":")).unwrap() + key.len() + 3;
        let end = at + o[at..].find([',', '}']).unwrap();
        (at, end)
    };
    let set = |o: &mut String, key: &str, value: &str| {
        let (at, end) = first_field(o, key);
        o.replace_range(at..end, value);
    };
    set(&mut objects[0], "size", r#""ten""#);
    set(&mut objects[0], "created_at", r#""""#);
    set(&mut objects[1], "status", "true");
    set(&mut objects[2], "size", r#""2048""#);
    parse(&objects)
}

#[test]
fn unreadable_fields_are_shown_as_sent_and_counted() {
    snap("unreadable", |w, h| {
        let mut app = fixtures::app(w, h);
        answer(&mut app, odd_page(), 6);
        app
    });
    let mut app = fixtures::app(160, 48);
    answer(&mut app, odd_page(), 6);
    let text = render(&app, 160, 48);
    let line = |needle: &str| {
        text.lines()
            .find(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("no line with {needle}:\n{text}"))
    };
    assert!(line("odd-1").contains("? ?true"), "{text}");
    assert!(line("odd-0").contains("?ten"), "{text}");
    assert!(line("odd-0").contains(r#"?"""#), "{text}");
    // A size sent as a numeric string is a size.
    assert!(line("odd-2").contains("2 TB"), "{text}");
    // The detail pane of the first row shows what was sent, marked.
    assert!(line("│ size ").contains("?ten"), "{text}");
    assert!(line("│ created_at ").contains(r#"?"""#), "{text}");
    let footer = text.lines().last().unwrap();
    assert!(
        footer.contains("3 fields unreadable (shown as ?…)"),
        "{footer}"
    );
    assert_eq!(app.unparsed_fields(), 3);
    // On a page where everything reads, nothing is said.
    answer(&mut app, page(0, 6), 6);
    assert!(!render(&app, 160, 48).contains("unreadable"));
}

fn key(app: &mut App, code: KeyCode) {
    let _ = app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)));
}

#[test]
fn share_prompt_with_an_error() {
    let mut app = loaded(80, 24);
    press(&mut app, "a722513ed0a324dadaabe5b2d0fe848c9 0605767e2a7c");
    key(&mut app, KeyCode::Enter);
    insta::assert_snapshot!("share_prompt_error_80x24", render(&app, 80, 24));
}

#[test]
fn cancel_confirmation() {
    let mut app = loaded(80, 24);
    press(&mut app, "jjd");
    insta::assert_snapshot!("cancel_confirm_80x24", render(&app, 80, 24));
}

#[test]
fn export_dialog() {
    let mut app = loaded(80, 24);
    press(&mut app, "e");
    key(&mut app, KeyCode::Tab);
    insta::assert_snapshot!("export_dialog_80x24", render(&app, 80, 24));
}

#[test]
fn footer_in_watch_mode() {
    let mut app = loaded(80, 24);
    // `w`, one tick answered, and a key that clears the "watch on" notice.
    press(&mut app, "w");
    let _ = app.update(Msg::WatchTick);
    answer(&mut app, page(0, 50), 1234);
    press(&mut app, "j");
    insta::assert_snapshot!("watch_footer_80x24", render(&app, 80, 24));
}

#[test]
fn too_small() {
    for (w, h) in [(39, 24), (80, 9), (20, 5), (1, 1)] {
        let app = loaded(w, h);
        let text = render(&app, w, h);
        assert!(text.contains("small") || w < 10, "{w}x{h}:\n{text}");
        if (w, h) == (39, 24) {
            insta::assert_snapshot!("too_small_39x24", text);
        }
    }
}

#[test]
fn no_escape_reaches_the_buffer() {
    let mut app = fixtures::app(160, 48);
    let objects = vec![
        sharing_json(0, "a\u{1b}[2Jb\u{9b}c\u{7}"),
        sharing_json(1, "zero\u{200b}width"),
        sharing_json(2, "\u{feff}bom\u{ad}soft"),
    ];
    answer(&mut app, parse(&objects), 3);
    for keys in ["", "j", "J"] {
        press(&mut app, keys);
        let text = render(&app, 160, 48);
        assert!(
            !text.chars().any(|c| c != '\n' && crate::text::is_unsafe(c)),
            "{text}"
        );
        // Invisible characters are shown, so two names that differ never look the same.
        if keys != "J" {
            assert!(text.contains("zero\\u{200b}width"), "{text}");
            assert!(text.contains("\\u{feff}bom\\xadsoft"), "{text}");
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Any key sequence at any size: no panic, selection and scroll in range.
    #[test]
    fn random_keys_never_panic(
        keys in proptest::collection::vec(0usize..44, 0..60),
        w in 1u16..200,
        h in 1u16..70,
        rows in 0u64..60,
    ) {
        const KEYS: &[KeyCode] = &[
            KeyCode::Char('j'), KeyCode::Char('k'), KeyCode::Char('g'), KeyCode::Char('G'),
            KeyCode::PageDown, KeyCode::PageUp, KeyCode::Char(']'), KeyCode::Char('['),
            KeyCode::Char('/'), KeyCode::Tab, KeyCode::BackTab, KeyCode::Enter, KeyCode::Esc,
            KeyCode::Char('t'), KeyCode::Char('s'), KeyCode::Char('S'), KeyCode::Char('+'),
            KeyCode::Char('-'), KeyCode::Char('r'), KeyCode::Char('J'), KeyCode::Char('y'),
            KeyCode::Char('Y'), KeyCode::Char('?'), KeyCode::Char('x'), KeyCode::Char('a'),
            KeyCode::Char('数'), KeyCode::Backspace, KeyCode::Left, KeyCode::Right, KeyCode::Home,
            KeyCode::End, KeyCode::Up, KeyCode::Down, KeyCode::Delete, KeyCode::Char(' '),
            KeyCode::Char('n'), KeyCode::Char('p'), KeyCode::Char('\u{1b}'), KeyCode::F(1), KeyCode::Char('e'),
            KeyCode::Char('d'), KeyCode::Char('D'), KeyCode::Char('w'), KeyCode::Char('0'),
        ];
        let mut app = fixtures::app(w, h);
        answer(&mut app, page(0, rows), rows * 3);
        for k in keys {
            let _ = app.update(Msg::Key(KeyEvent::new(KeyCode::clone(&KEYS[k]), KeyModifiers::NONE)));
            if app.quit { break; }
            // Answer every other fetch so both loading and loaded states are exercised.
            if app.loading && k % 2 == 0 {
                answer(&mut app, page(0, rows), rows * 3);
            }
            prop_assert!(app.page.rows.is_empty() || app.selected < app.page.rows.len());
            prop_assert!(app.scroll <= app.selected || app.page.rows.is_empty());
            let _ = render(&app, w, h);
        }
    }
}

/// Only the visible window of a long page is built; scrolling to either end still shows
/// the selected row with the marker, in the right place.
#[test]
fn long_pages_scroll_to_both_ends() {
    let mut app = fixtures::app(80, 24);
    let rows = page(0, 1000);
    let (first, last) = (rows[0].name().to_owned(), rows[999].name().to_owned());
    answer(&mut app, rows, 1000);
    press(&mut app, "G");
    let bottom = render(&app, 80, 24);
    let marked: Vec<&str> = bottom.lines().filter(|l| l.starts_with('▶')).collect();
    assert_eq!(marked.len(), 1, "{bottom}");
    assert!(marked[0].contains(&last), "{bottom}");
    assert!(!bottom.contains(&format!(" {first} ")), "{bottom}");
    press(&mut app, "g");
    let top = render(&app, 80, 24);
    let marked: Vec<&str> = top.lines().filter(|l| l.starts_with('▶')).collect();
    assert!(marked[0].contains(&first), "{top}");
    // The first data row sits right under the header.
    let header_at = top.lines().position(|l| l.contains("Backup name")).unwrap();
    assert!(
        top.lines().nth(header_at + 1).unwrap().starts_with('▶'),
        "{top}"
    );
}

/// An App of size `w`x`h` showing a page, with TLS unverified and writes refused.
fn guarded(w: u16, h: u16, no_color: bool) -> App {
    let mut options = fixtures::options();
    options.header.insecure = true;
    options.read_only = true;
    options.no_color = no_color;
    let mut app = App::new(&options, fixtures::NOW);
    let _ = app.update(Msg::Resize(w, h));
    let _ = app.start();
    answer(&mut app, page(0, 50), 1234);
    app
}

#[test]
fn insecure_and_read_only_badges() {
    insta::assert_snapshot!("badges_80x24", render(&guarded(80, 24, true), 80, 24));
    // The badges survive the narrowest screen the browser draws; the endpoint gives way.
    for w in [40, 60, 80, 160] {
        let text = render(&guarded(w, 24, true), w, 24);
        let header = text.lines().next().unwrap();
        assert!(
            header.starts_with(" vbshare  VBS   INSECURE   READ-ONLY"),
            "{w}: {header}"
        );
    }
    // Without them, no badge.
    let plain = render(&loaded(80, 24), 80, 24);
    assert!(!plain.contains("INSECURE") && !plain.contains("READ-ONLY"));
}

#[test]
fn the_insecure_badge_is_red_and_readable_without_colour() {
    use ratatui::Terminal;
    use ratatui::backend::TestBackend;
    use ratatui::style::{Color, Modifier};
    for no_color in [false, true] {
        let app = guarded(80, 24, no_color);
        let mut term = Terminal::new(TestBackend::new(80, 24)).unwrap();
        term.draw(|f| super::ui::draw(f, &app)).unwrap();
        let buf = term.backend().buffer();
        let at = |word: &str| {
            let header = super::ui::buffer_text(buf);
            let col = header.lines().next().unwrap().find(word).unwrap();
            buf[(u16::try_from(col).unwrap(), 0)].style()
        };
        let (insecure, read_only) = (at("INSECURE"), at("READ-ONLY"));
        if no_color {
            let uncoloured = |c: Option<Color>| matches!(c, None | Some(Color::Reset));
            for s in [insecure, read_only] {
                assert!(uncoloured(s.fg) && uncoloured(s.bg), "{s:?}");
                assert!(s.add_modifier.contains(Modifier::REVERSED));
            }
        } else {
            assert_eq!(insecure.bg, Some(Color::Red));
            assert_eq!(read_only.bg, Some(Color::Yellow));
        }
    }
}

/// The too-small notice names the key that works where the keys go now: `q` would type
/// into a filter field, so there it says Esc.
#[test]
fn too_small_names_the_key_that_works_in_the_current_focus() {
    use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
    let mut app = loaded(30, 8);
    assert!(render(&app, 30, 8).contains("q quits"));
    let _ = app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char('/'),
        KeyModifiers::NONE,
    )));
    let text = render(&app, 30, 8);
    assert!(
        text.contains("Esc leaves the filter") && !text.contains("q quits"),
        "{text}"
    );
}

/// At the smallest size the browser draws, 40x10, a confirmation still shows its question
/// and both buttons (the text above them gives way).
#[test]
fn a_confirmation_keeps_its_buttons_at_40x10() {
    let mut app = loaded(40, 10);
    press(&mut app, "jjd");
    let text = render(&app, 40, 10);
    assert!(text.contains("y Yes") && text.contains("n No"), "{text}");
    assert!(text.contains("Cancel sharing"), "{text}");
}

/// Both VBS tabs show their totals, counted together with the page.
#[test]
fn both_tabs_show_their_totals() {
    let mut app = fixtures::app(80, 24);
    let generation = app.generation;
    let _ = app.update(Msg::Fetched(Box::new(FetchResult {
        generation,
        list: Ok(page(0, 50)),
        count: Some(Ok(1010)),
        other_count: Some(Ok(990)),
        latency: std::time::Duration::from_millis(5),
    })));
    let text = render(&app, 80, 24);
    let tabs = text.lines().nth(1).unwrap();
    assert!(
        tabs.contains("● Shared by me 1,010") && tabs.contains("○ Shared with me 990"),
        "{tabs}"
    );
}

/// The side pane never breaks an ID across lines: at the narrowest width that has a pane
/// (100 columns) and a few above, every ID of the selected sharing appears whole.
#[test]
fn the_detail_pane_never_breaks_an_id() {
    for w in [100u16, 101, 110, 120] {
        let app = loaded(w, 40);
        let s = app.selected_row().unwrap().clone();
        let text = render(&app, w, 40);
        let b = s.backup.as_ref().unwrap();
        for id in [
            s.id.as_deref(),
            s.backup_id.as_deref(),
            s.to_project_id.as_deref(),
            b.volume_id.as_deref(),
        ]
        .into_iter()
        .flatten()
        {
            assert!(text.contains(id), "{w}: {id} is cut\n{text}");
        }
    }
}

/// Columns keep their widths across the pages of one query: a page whose statuses are
/// all short draws Status as wide as the page before, which had `error_restoring`; a new
/// query measures afresh.
#[test]
fn column_widths_hold_across_pages_of_one_query() {
    let size_at = |app: &App| {
        let text = render(app, 80, 24);
        let header = text
            .lines()
            .find(|l| l.contains("Backup name"))
            .unwrap_or_default()
            .to_owned();
        header.find("Size").unwrap_or(0)
    };
    let short = |first: u64| {
        let mut rows = page(first, 50);
        for r in &mut rows {
            if let Some(b) = r.backup.as_mut() {
                b.status = Some("available".into());
            }
        }
        rows
    };
    let mut app = loaded(80, 24);
    assert!(render(&app, 80, 24).contains("error_restoring"));
    let first = size_at(&app);
    press(&mut app, "]");
    answer(&mut app, short(50), 1234);
    assert!(!render(&app, 80, 24).contains("error_restoring"));
    assert_eq!(size_at(&app), first, "the Status column kept its width");
    // Another direction is another query: measured from its own rows.
    press(&mut app, "t");
    answer(&mut app, short(0), 1234);
    assert!(size_at(&app) < first, "a new query measures afresh");
}
