use std::time::Duration;

use crossterm::event::{
    KeyCode, KeyEvent, KeyEventKind, KeyModifiers, MouseButton, MouseEvent, MouseEventKind,
};

use super::*;
use crate::api::ApiError;
use crate::api::error::{ErrorBody, StatusError};
use crate::tui::fixtures::{self, NOW, answer, loaded, page};
use crate::tui::form::Field;
use crate::tui::worker::{FetchRequest, FetchResult};

fn key(app: &mut App, code: KeyCode) -> Option<Effect> {
    app.update(Msg::Key(KeyEvent::new(code, KeyModifiers::NONE)))
}

fn ch(app: &mut App, c: char) -> Option<Effect> {
    key(app, KeyCode::Char(c))
}

fn ctrl(app: &mut App, c: char) -> Option<Effect> {
    app.update(Msg::Key(KeyEvent::new(
        KeyCode::Char(c),
        KeyModifiers::CONTROL,
    )))
}

fn fetch(e: Option<Effect>) -> FetchRequest {
    match e {
        Some(Effect::Fetch(r)) => r,
        other => panic!("expected a fetch, got {other:?}"),
    }
}

fn status_error(status: u16) -> ApiError {
    ApiError::Status(StatusError {
        status,
        body: Box::new(ErrorBody {
            code: Some("VolumeBackup.0900".into()),
            message: Some("service unavailable".into()),
            request_id: Some("req-1".into()),
            raw: None,
        }),
        retry_after: None,
        call: None,
        advice: None,
    })
}

#[test]
fn start_fetches_with_defaults_and_prefills_the_form() {
    let mut options = fixtures::options();
    options.initial.filters.name = "db".into();
    options.initial.filters.share_to_me = true;
    options.initial.limit = Some(20);
    options.initial.offset = Some(45);
    let mut app = App::new(&options, NOW);
    let req = fetch(app.start());
    assert_eq!(req.generation, 1);
    assert!(!req.debounce && req.count);
    assert_eq!(req.query.limit, Some(20));
    assert_eq!(req.query.offset, Some(40), "rounded down to a page");
    assert_eq!(req.query.sort_key, Some(SortKey::CreatedAt));
    assert_eq!(req.query.sort_dir, Some(SortDir::Desc));
    assert_eq!(app.form.value(Field::Name), "db");
    assert!(app.loading);
}

#[test]
fn moving_stays_in_range() {
    let mut app = loaded(80, 24);
    assert!(key(&mut app, KeyCode::Up).is_none());
    assert_eq!(app.selected, 0);
    ch(&mut app, 'j');
    key(&mut app, KeyCode::Down);
    assert_eq!(app.selected, 2);
    ch(&mut app, 'k');
    assert_eq!(app.selected, 1);
    ch(&mut app, 'G');
    assert_eq!(app.selected, 49);
    key(&mut app, KeyCode::Down);
    assert_eq!(app.selected, 49);
    assert!(
        app.scroll > 0 && app.scroll <= 49,
        "scrolled to show the last row"
    );
    key(&mut app, KeyCode::Home);
    assert_eq!((app.selected, app.scroll), (0, 0));
    key(&mut app, KeyCode::End);
    assert_eq!(app.selected, 49);
    ch(&mut app, 'g');
    assert_eq!(app.selected, 0);
}

#[test]
fn page_keys_scroll_by_the_visible_height() {
    let mut app = loaded(80, 24);
    let h = app.body_height();
    assert!(h > 5);
    key(&mut app, KeyCode::PageDown);
    assert_eq!(app.selected, h);
    assert!(app.selected >= app.scroll && app.selected < app.scroll + h);
    key(&mut app, KeyCode::PageUp);
    assert_eq!(app.selected, 0);
    ctrl(&mut app, 'd');
    assert_eq!(app.selected, h);
}

#[test]
fn next_and_previous_page() {
    let mut app = loaded(80, 24);
    assert!(ch(&mut app, '[').is_none(), "no page before the first");
    let req = fetch(ch(&mut app, ']'));
    assert_eq!(req.query.offset, Some(50));
    assert!(!req.count, "paging keeps the total");
    answer(&mut app, page(50, 50), 1234);
    assert_eq!(
        crate::tui::ui::footer::position(&app),
        "rows 51–100 of 1,234 · page 2/25"
    );
    assert_eq!(fetch(ch(&mut app, 'n')).query.offset, Some(100));
    assert_eq!(fetch(ch(&mut app, 'p')).query.offset, Some(50));
    assert_eq!(fetch(ch(&mut app, '[')).query.offset, Some(0));
}

#[test]
fn no_page_past_the_total() {
    let mut app = fixtures::app(80, 24);
    answer(&mut app, page(0, 50), 50);
    assert!(ch(&mut app, ']').is_none());
    // Without a total, a short page is the last one.
    let mut app = fixtures::app(80, 24);
    let g = app.generation;
    app.update(Msg::Fetched(Box::new(FetchResult {
        generation: g,
        list: Ok(page(0, 7)),
        count: None,
        other_count: None,
        latency: Duration::ZERO,
    })));
    assert!(ch(&mut app, ']').is_none());
}

#[test]
fn slash_types_a_debounced_name_filter_from_the_first_page() {
    let mut app = loaded(80, 24);
    fetch(ch(&mut app, ']'));
    answer(&mut app, page(50, 50), 1234);
    assert!(ch(&mut app, '/').is_none());
    assert_eq!(app.focus, Focus::Form);
    let mut last = None;
    for c in "db".chars() {
        last = Some(fetch(ch(&mut app, c)));
    }
    let req = last.unwrap();
    assert!(req.debounce && req.count);
    assert_eq!(req.query.filters.name, "db");
    assert_eq!(req.query.offset, Some(0));
    // `q` is text in the form, not quit.
    assert_eq!(fetch(ch(&mut app, 'q')).query.filters.name, "dbq");
    assert!(!app.quit);
    // Cursor keys move without a fetch.
    assert!(key(&mut app, KeyCode::Left).is_none());
    assert!(app.take_dirty());
}

#[test]
fn enter_applies_at_once_and_esc_leaves_keeping_the_text() {
    let mut app = loaded(80, 24);
    ch(&mut app, '/');
    fetch(ch(&mut app, 'x'));
    let req = fetch(key(&mut app, KeyCode::Enter));
    assert!(!req.debounce, "Enter skips the debounce");
    assert_eq!(req.query.filters.name, "x");
    assert_eq!(app.focus, Focus::Table);
    ch(&mut app, '/');
    assert!(key(&mut app, KeyCode::Esc).is_none());
    assert_eq!(app.focus, Focus::Table);
    assert_eq!(app.form.value(Field::Name), "x");
    // Ctrl-U clears the field.
    ch(&mut app, '/');
    assert_eq!(fetch(ctrl(&mut app, 'u')).query.filters.name, "");
}

/// Esc never destroys work: pressed again and again after leaving the form (k9s users
/// do), the field keeps what was typed; Ctrl-U clears a field and x every field.
#[test]
fn esc_only_leaves_the_form_and_never_clears_a_field() {
    let mut app = loaded(80, 24);
    ch(&mut app, '/');
    for c in "db".chars() {
        ch(&mut app, c);
    }
    assert!(
        key(&mut app, KeyCode::Esc).is_none(),
        "Esc only leaves the form"
    );
    assert_eq!(
        (app.focus, app.form.value(Field::Name)),
        (Focus::Table, "db")
    );
    for _ in 0..3 {
        assert!(key(&mut app, KeyCode::Esc).is_none());
    }
    assert_eq!(app.form.value(Field::Name), "db");
    // An error panel closed with Esc leaves the filter alone too.
    let generation = app.generation;
    app.update(Msg::Fetched(Box::new(FetchResult {
        generation,
        list: Err(status_error(503)),
        count: None,
        other_count: None,
        latency: Duration::from_millis(1),
    })));
    assert!(app.error_open);
    key(&mut app, KeyCode::Esc);
    assert!(!app.error_open);
    assert_eq!(app.form.value(Field::Name), "db");
    // Clearing is explicit: Ctrl-U in the field.
    ch(&mut app, '/');
    let req = fetch(ctrl(&mut app, 'u'));
    assert_eq!(req.query.filters.name, "");
}

#[test]
fn enter_without_changes_fetches_nothing() {
    let mut app = loaded(80, 24);
    ch(&mut app, '/');
    assert!(key(&mut app, KeyCode::Enter).is_none());
}

#[test]
fn tab_walks_every_field() {
    let mut app = loaded(80, 24);
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.focus, Focus::Form);
    let mut seen = vec![app.form.focused()];
    for _ in 0..6 {
        key(&mut app, KeyCode::Tab);
        seen.push(app.form.focused());
    }
    assert_eq!(seen, Field::ALL.to_vec());
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.form.focused(), Field::Name);
    key(&mut app, KeyCode::BackTab);
    assert_eq!(app.form.focused(), Field::Az);
    // The AZ is picked from the zones on the page: `e` opens the picker on eu-de-01.
    assert!(ch(&mut app, 'e').is_none());
    let req = fetch(key(&mut app, KeyCode::Enter));
    assert_eq!(req.query.filters.availability_zone, "eu-de-01");
    key(&mut app, KeyCode::Esc);
    key(&mut app, KeyCode::BackTab);
    assert_eq!(
        (app.focus, app.form.focused()),
        (Focus::Form, Field::ToProject)
    );
}

#[test]
fn direction_sort_and_page_size_go_back_to_the_first_page() {
    let mut app = loaded(80, 24);
    fetch(ch(&mut app, ']'));
    let req = fetch(ch(&mut app, 't'));
    assert!(req.query.filters.share_to_me && req.count);
    assert_eq!(req.query.offset, Some(0));
    assert_eq!(
        app.known_total(),
        None,
        "the other direction has its own total"
    );
    assert!(
        !app.page_to_me(),
        "the rows on screen are still Shared by me"
    );
    fetch(ch(&mut app, ']'));
    // `s` picks the key: `n` jumps to "name", Enter applies it.
    assert!(ch(&mut app, 's').is_none(), "a picker, not a request");
    ch(&mut app, 'n');
    let req = fetch(key(&mut app, KeyCode::Enter));
    assert_eq!(
        (req.query.sort_key, req.query.offset),
        (Some(SortKey::Name), Some(0))
    );
    let req = fetch(ch(&mut app, 'S'));
    assert_eq!(req.query.sort_dir, Some(SortDir::Asc));
    let req = fetch(ch(&mut app, '+'));
    assert_eq!(req.query.limit, Some(100));
    let req = fetch(ch(&mut app, '-'));
    assert_eq!(req.query.limit, Some(50));
    for _ in 0..10 {
        let _ = ch(&mut app, '-');
    }
    assert_eq!(app.page_size(), 10);
    assert!(ch(&mut app, '-').is_none());
}

#[test]
fn page_size_keeps_the_first_row_in_view() {
    let mut app = loaded(80, 24);
    for _ in 0..3 {
        fetch(ch(&mut app, ']'));
    }
    assert_eq!(app.offset(), 150);
    let req = fetch(ch(&mut app, '+'));
    assert_eq!((req.query.limit, req.query.offset), (Some(100), Some(100)));
}

#[test]
fn refresh_and_clear_filters() {
    let mut app = loaded(80, 24);
    let req = fetch(ch(&mut app, 'r'));
    assert!(req.count && !req.debounce);
    assert!(ch(&mut app, 'x').is_none(), "nothing to clear");
    ch(&mut app, '/');
    ch(&mut app, 'a');
    key(&mut app, KeyCode::Esc);
    let req = fetch(ch(&mut app, 'x'));
    assert_eq!(req.query.filters.name, "");
    assert_eq!(app.form.value(Field::Name), "");
}

#[test]
fn quit_keys() {
    let mut app = loaded(80, 24);
    assert_eq!(ch(&mut app, 'q'), Some(Effect::Quit));
    assert!(app.quit);
    for setup in ['/', '?', 'J'] {
        let mut app = loaded(80, 24);
        ch(&mut app, setup);
        assert_eq!(
            ctrl(&mut app, 'c'),
            Some(Effect::Quit),
            "Ctrl-C quits from {setup}"
        );
    }
}

#[test]
fn releases_ticks_and_unknown_keys() {
    let mut app = loaded(80, 24);
    app.take_dirty();
    let mut release = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::NONE);
    release.kind = KeyEventKind::Release;
    assert!(app.update(Msg::Key(release)).is_none());
    assert!(!app.quit);
    assert!(ch(&mut app, 'Z').is_none());
    assert!(!app.take_dirty(), "an unbound key changes nothing");
    app.update(Msg::Tick);
    assert!(!app.take_dirty(), "no spinner while idle");
    fetch(ch(&mut app, 'r'));
    app.take_dirty();
    app.update(Msg::Tick);
    assert!(app.take_dirty());
    assert_eq!(app.spinner, 1);
}

#[test]
fn mouse_only_when_enabled() {
    let click = |row| MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: 10,
        row,
        modifiers: KeyModifiers::NONE,
    };
    let mut app = loaded(80, 24);
    app.update(Msg::Mouse(click(8)));
    assert_eq!(app.selected, 0);
    app.mouse = true;
    let body = app.areas().table_body;
    app.update(Msg::Mouse(click(body.y + 3)));
    assert_eq!(app.selected, 3);
    let wheel = MouseEvent {
        kind: MouseEventKind::ScrollDown,
        column: 0,
        row: 0,
        modifiers: KeyModifiers::NONE,
    };
    app.update(Msg::Mouse(wheel));
    assert_eq!(app.selected, 4);
    let tabs = app.areas().tabs;
    let to_me = MouseEvent {
        kind: MouseEventKind::Down(MouseButton::Left),
        column: 22,
        row: tabs.y,
        modifiers: KeyModifiers::NONE,
    };
    assert!(
        fetch(app.update(Msg::Mouse(to_me)))
            .query
            .filters
            .share_to_me
    );
}

#[test]
fn resize_keeps_the_selection_visible() {
    let mut app = loaded(160, 48);
    ch(&mut app, 'G');
    app.update(Msg::Resize(80, 12));
    let h = app.body_height();
    assert!(app.selected >= app.scroll && app.selected < app.scroll + h);
    app.update(Msg::Resize(1, 1));
    ch(&mut app, 'k');
    assert_eq!(app.selected, 48);
}

mod cbr;
mod cbr_export;
mod contexts;
mod exporting;
mod fetching;
mod find;
mod log;
mod picker;
mod pivots;
mod prefetch;
mod views;
mod watch;
mod writes;

/// Types `text` into whatever has the keys.
fn typed(app: &mut App, text: &str) {
    for c in text.chars() {
        let _ = ch(app, c);
    }
}

/// A paste is text for the focused field, never keys: `abc` newline `q` becomes the name
/// `abc q` (and nothing quits); with the table focused it only says where to paste; in the
/// share prompt, a pasted column of project IDs stays one list.
#[test]
fn a_paste_is_text_for_the_focused_field_never_keys() {
    let mut app = loaded(80, 24);
    assert!(app.update(Msg::Paste("abc\nq".into())).is_none());
    assert!(!app.quit);
    assert_eq!(
        app.notice.as_deref(),
        Some("paste into a filter field with / (or Tab)")
    );
    ch(&mut app, '/');
    let req = fetch(app.update(Msg::Paste("abc\nq".into())));
    assert!(!app.quit && app.focus == Focus::Form);
    assert_eq!(app.form.value(Field::Name), "abc q");
    assert!(req.debounce, "sent after the pause, like typing");
    key(&mut app, KeyCode::Esc);
    fixtures::answer(&mut app, page(0, 3), 3);
    ch(&mut app, 'a');
    let ids = "722513ed0a324dadaabe5b2d0fe848c9\r\n5e2a7b1c9d8f4e3a8b6c0d1e2f3a4b5c\n";
    app.update(Msg::Paste(ids.into()));
    let Some(Dialog::Share(p)) = &app.dialog else {
        panic!("the share prompt stays open")
    };
    assert_eq!(
        parse_targets(p.input.value(), crate::tui::fixtures::OWN_PROJECT)
            .unwrap()
            .len(),
        2
    );
}
