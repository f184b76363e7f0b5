//! Watch mode (`w`, `--refresh`): ticks refresh like `r`, never stack, and keep the
//! selection on the same sharing.

use super::*;
use crate::tui::ui::footer::watch_status;

fn ids(app: &App) -> Vec<Option<String>> {
    app.page.rows.iter().map(|r| r.id.clone()).collect()
}

#[test]
fn w_toggles_watch_and_ticks_refresh_like_r() {
    let mut app = loaded(80, 24);
    assert_eq!(app.watch, None);
    assert!(app.update(Msg::WatchTick).is_none(), "no refresh while off");
    assert!(ch(&mut app, 'w').is_none());
    assert_eq!(app.watch, Some(Duration::from_secs(5)));
    // The footer's `watch 5s` says so once; no notice repeats it.
    assert_eq!(app.notice, None);
    let text = fixtures::render(&app, 80, 24);
    let footer = text.lines().last().unwrap();
    assert_eq!(footer.matches("watch").count(), 1, "{footer}");
    let req = fetch(app.update(Msg::WatchTick));
    assert!(req.count && !req.debounce, "list and count, like r");
    assert_eq!(req.query, app.query);
    // Still in flight: the next tick does not stack another.
    assert!(app.update(Msg::WatchTick).is_none());
    answer(&mut app, page(0, 50), 1234);
    assert_eq!(app.last_refresh, Some(NOW));
    fetch(app.update(Msg::WatchTick));
    answer(&mut app, page(0, 50), 1234);
    // Typing (a debounced query pending) is not interrupted either.
    ch(&mut app, '/');
    fetch(ch(&mut app, 'a'));
    assert!(app.update(Msg::WatchTick).is_none());
    key(&mut app, KeyCode::Esc);
    answer(&mut app, page(0, 50), 1234);
    ch(&mut app, 'w');
    assert_eq!(
        (app.watch, app.notice.as_deref()),
        (None, Some("watch off"))
    );
    assert!(app.update(Msg::WatchTick).is_none());
}

#[test]
fn refresh_option_starts_watch_with_its_interval() {
    let mut options = fixtures::options();
    options.refresh = Some(Duration::from_secs(2));
    let mut app = App::new(&options, NOW);
    assert_eq!(app.watch, Some(Duration::from_secs(2)));
    ch(&mut app, 'w');
    assert_eq!(app.watch, None);
    ch(&mut app, 'w');
    assert_eq!(
        app.watch,
        Some(Duration::from_secs(2)),
        "w reuses --refresh"
    );
}

#[test]
fn the_footer_shows_watch_mode_and_the_last_refresh() {
    let mut app = loaded(80, 24);
    assert_eq!(watch_status(&app, 80), None);
    ch(&mut app, 'w');
    assert_eq!(
        watch_status(&app, 80).as_deref(),
        Some("watch 5s · last 00:00:00 UTC")
    );
    assert_eq!(
        watch_status(&app, 10).as_deref(),
        Some("watch 5s"),
        "narrow"
    );
    app.set_now(NOW + 12 * 3600 + 3 * 60 + 7);
    fetch(app.update(Msg::WatchTick));
    answer(&mut app, page(0, 50), 1234);
    assert_eq!(
        watch_status(&app, 80).as_deref(),
        Some("watch 5s · last 12:03:07 UTC")
    );
    // At 80 columns a notice keeps its room; the mode stays visible.
    app.notice = Some("copied sharing ID 821d1ba5".to_owned());
    let text = fixtures::render(&app, 80, 24);
    let footer = text.lines().last().unwrap();
    assert!(
        footer.contains(" · watch 5s ") && footer.contains("copied sharing ID"),
        "{footer}"
    );
    ch(&mut app, 'k');
    let text = fixtures::render(&app, 80, 24);
    let footer = text.lines().last().unwrap();
    assert!(
        footer.contains("watch 5s · last 12:03:07 UTC") && footer.ends_with("? help"),
        "{footer}"
    );
}

#[test]
fn a_refresh_keeps_the_selection_on_the_same_sharing_even_when_it_moved() {
    let mut app = loaded(80, 24);
    ch(&mut app, 'w');
    for _ in 0..5 {
        ch(&mut app, 'j');
    }
    let id = app.selected_row().unwrap().id.clone();
    // Two new sharings arrive on top: the selected one moves down two rows.
    fetch(app.update(Msg::WatchTick));
    let mut rows = page(100, 2);
    rows.extend(page(0, 48));
    answer(&mut app, rows, 1236);
    assert_eq!(app.selected, 7);
    assert_eq!(app.selected_row().unwrap().id, id);
    // It moves up when rows above it go.
    fetch(app.update(Msg::WatchTick));
    answer(&mut app, page(3, 50), 1231);
    assert_eq!(app.selected, 2);
    assert_eq!(app.selected_row().unwrap().id, id);
    // It vanished: the selection stays at its place, on the row that took it.
    fetch(app.update(Msg::WatchTick));
    let mut rows = page(3, 51);
    rows.remove(2);
    answer(&mut app, rows.clone(), 1230);
    assert_eq!(app.selected, 2);
    assert_eq!(ids(&app)[2], rows[2].id);
    // The page shrank below it: the last row.
    ch(&mut app, 'G');
    fetch(app.update(Msg::WatchTick));
    answer(&mut app, page(3, 10), 10);
    assert_eq!(app.selected, 9);
    // Nothing left.
    fetch(app.update(Msg::WatchTick));
    answer(&mut app, Vec::new(), 0);
    assert_eq!(app.selected, 0);
    assert!(app.selected_row().is_none());
}

fn failed(app: &mut App, status: u16) {
    let generation = app.generation;
    app.update(Msg::Fetched(Box::new(FetchResult {
        generation,
        list: Err(status_error(status)),
        count: None,
        other_count: None,
        latency: Duration::from_millis(1),
    })));
}

/// A dismissed error stays dismissed while the same error repeats on every tick; another
/// error, or the same one after a success, opens the panel again.
#[test]
fn a_dismissed_error_stays_dismissed_until_it_changes() {
    let mut app = loaded(80, 24);
    ch(&mut app, 'w');
    fetch(app.update(Msg::WatchTick));
    failed(&mut app, 503);
    assert!(app.error_open);
    key(&mut app, KeyCode::Esc);
    assert!(!app.error_open);
    for _ in 0..3 {
        fetch(app.update(Msg::WatchTick));
        failed(&mut app, 503);
        assert!(!app.error_open, "the same error, again: still dismissed");
        assert!(app.error.is_some(), "the footer still says it failed");
    }
    fetch(app.update(Msg::WatchTick));
    failed(&mut app, 500);
    assert!(app.error_open, "another error is news");
    key(&mut app, KeyCode::Esc);
    fetch(app.update(Msg::WatchTick));
    crate::tui::fixtures::answer(&mut app, crate::tui::fixtures::page(0, 50), 1234);
    fetch(app.update(Msg::WatchTick));
    failed(&mut app, 500);
    assert!(
        app.error_open,
        "after a success, the same error is news again"
    );
}

/// A sharing open full screen that a refresh no longer has: the view says so and keeps
/// its last known fields, instead of silently showing another sharing.
#[test]
fn a_vanished_sharing_keeps_its_view_and_says_so() {
    let mut app = loaded(100, 30);
    ch(&mut app, 'w');
    key(&mut app, KeyCode::Down);
    let id = app.selected_row().unwrap().id.clone().unwrap();
    key(&mut app, KeyCode::Enter);
    assert!(matches!(app.view, Some(View::Detail { .. })));
    fetch(app.update(Msg::WatchTick));
    // The refresh lacks the sharing (cancelled meanwhile).
    let mut rows = crate::tui::fixtures::page(0, 50);
    rows.remove(1);
    crate::tui::fixtures::answer(&mut app, rows, 1233);
    let text = crate::tui::fixtures::render(&app, 100, 30);
    assert!(text.contains("This sharing no longer exists"), "{text}");
    assert!(text.contains(&id), "its last fields stay: {text}");
    assert_eq!(app.selected_id(), Some(id.as_str()));
    // Back on the next refresh: the view shows it as usual.
    fetch(app.update(Msg::WatchTick));
    crate::tui::fixtures::answer(&mut app, crate::tui::fixtures::page(0, 50), 1234);
    let text = crate::tui::fixtures::render(&app, 100, 30);
    assert!(!text.contains("no longer exists") && text.contains(&id));
}
