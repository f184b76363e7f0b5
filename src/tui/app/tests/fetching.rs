//! Answers from the fetch worker: stale ones dropped, errors kept beside the rows, the
//! selection kept.

use super::*;

#[test]
fn stale_answers_never_replace_newer_ones() {
    let mut app = loaded(80, 24);
    let old = app.generation;
    ch(&mut app, '/');
    fetch(ch(&mut app, 'a'));
    let newer = app.generation;
    assert!(newer > old);
    let fresh = page(500, 3);
    answer(&mut app, fresh.clone(), 3);
    assert_eq!(app.page.rows, fresh);
    // The late answer for the old generation arrives now.
    app.take_dirty();
    let r = app.update(Msg::Fetched(Box::new(FetchResult {
        generation: old,
        list: Ok(page(0, 50)),
        count: Some(Ok(1234)),
        other_count: None,
        latency: Duration::from_millis(1),
    })));
    assert!(r.is_none());
    assert_eq!(app.page.rows, fresh);
    assert_eq!(app.page.total, Some(3));
    assert!(!app.take_dirty(), "a stale answer does not even redraw");
    // And a stale error does not show either.
    app.update(Msg::Fetched(Box::new(FetchResult {
        generation: old,
        list: Err(status_error(503)),
        count: None,
        other_count: None,
        latency: Duration::ZERO,
    })));
    assert!(app.error.is_none());
}

#[test]
fn errors_keep_rows_and_r_retries() {
    let mut app = loaded(80, 24);
    let rows = app.page.rows.clone();
    fetch(ch(&mut app, 'r'));
    let g = app.generation;
    app.update(Msg::Fetched(Box::new(FetchResult {
        generation: g,
        list: Err(status_error(503)),
        count: Some(Err(status_error(503))),
        other_count: None,
        latency: Duration::ZERO,
    })));
    assert_eq!(app.page.rows, rows);
    let e = app.error.clone().unwrap();
    assert_eq!(
        (e.call, e.status, e.code.as_deref(), e.request_id.as_deref()),
        ("list", Some(503), Some("VolumeBackup.0900"), Some("req-1"))
    );
    assert!(app.error_open && !app.loading);
    key(&mut app, KeyCode::Esc);
    assert!(!app.error_open && app.error.is_some());
    fetch(ch(&mut app, 'r'));
    answer(&mut app, rows, 1234);
    assert!(app.error.is_none(), "success clears the error");
}

#[test]
fn count_failure_alone_still_shows_rows() {
    let mut app = fixtures::app(80, 24);
    let g = app.generation;
    app.update(Msg::Fetched(Box::new(FetchResult {
        generation: g,
        list: Ok(page(0, 5)),
        count: Some(Err(status_error(500))),
        other_count: None,
        latency: Duration::ZERO,
    })));
    assert_eq!(app.page.rows.len(), 5);
    assert_eq!(app.error.as_ref().unwrap().call, "count");
    assert_eq!(app.page.total, None);
}

#[test]
fn refresh_keeps_the_selected_sharing() {
    let mut app = loaded(80, 24);
    ch(&mut app, 'j');
    ch(&mut app, 'j');
    let id = app.selected_row().unwrap().id.clone();
    fetch(ch(&mut app, 'r'));
    let mut rows = page(0, 50);
    rows.remove(0);
    answer(&mut app, rows, 1233);
    assert_eq!(app.selected_row().unwrap().id, id);
    // A new query starts at the top.
    fetch(ch(&mut app, ']'));
    answer(&mut app, page(50, 50), 1233);
    assert_eq!(app.selected, 0);
}

#[test]
fn an_empty_page_past_the_end_goes_to_the_last_page() {
    let mut app = loaded(80, 24);
    for _ in 0..2 {
        fetch(ch(&mut app, ']'));
    }
    let g = app.generation;
    let r = app.update(Msg::Fetched(Box::new(FetchResult {
        generation: g,
        list: Ok(Vec::new()),
        count: Some(Ok(60)),
        other_count: None,
        latency: Duration::ZERO,
    })));
    assert_eq!(fetch(r).query.offset, Some(50));
}
