//! Prefetch: once a page is shown, the next one is fetched ahead (one at a time, never
//! while typing); `]` then shows it at once without a request, and fetches it again only
//! when it has grown older than 30 s (or the watch interval). Any other query, refresh or
//! write drops it.

use super::*;
use crate::api::query::ListQuery;

fn prefetch_of(e: Option<Effect>) -> ListQuery {
    match e {
        Some(Effect::Prefetch(q)) => q,
        other => panic!("expected a prefetch, got {other:?}"),
    }
}

/// Answers the App's query with the first `n` rows of `total`; what the App does next.
fn answered(app: &mut App, n: u64, total: u64) -> Option<Effect> {
    let generation = app.generation;
    app.update(Msg::Fetched(Box::new(FetchResult {
        generation,
        list: Ok(page(0, n)),
        count: Some(Ok(total)),
        other_count: None,
        latency: Duration::from_millis(42),
    })))
}

/// A loaded first page whose answer asked for the second page ahead.
fn shown() -> (App, ListQuery) {
    let mut app = fixtures::app(80, 24);
    let next = prefetch_of(answered(&mut app, 50, 1234));
    (app, next)
}

#[test]
fn the_next_page_is_fetched_ahead_and_shown_at_once() {
    let (mut app, next) = shown();
    assert_eq!(next.offset, Some(50));
    assert_eq!(next.filters, app.query.filters);
    app.update(Msg::Prefetched {
        query: Box::new(next.clone()),
        rows: Ok(page(50, 50)),
    });
    // `]`: the rows are on screen without a request, and the page after is asked for.
    let after = prefetch_of(ch(&mut app, ']'));
    assert_eq!(after.offset, Some(100));
    assert!(!app.loading);
    assert_eq!(app.page.query.as_ref(), Some(&next));
    assert_eq!(app.page.rows[0].id, page(50, 1)[0].id);
    assert_eq!(
        app.page.total,
        Some(1234),
        "the total of the same filters stays"
    );
    let text = fixtures::render(&app, 80, 24);
    assert!(text.contains("rows 51–100 of 1,234"), "{text}");
}

#[test]
fn a_prefetch_older_than_30_s_is_fetched_again_after_showing_it() {
    let (mut app, next) = shown();
    app.update(Msg::Prefetched {
        query: Box::new(next.clone()),
        rows: Ok(page(50, 50)),
    });
    app.set_now(NOW + 31);
    let req = fetch(ch(&mut app, ']'));
    assert_eq!(req.query, next);
    assert_eq!(app.page.query.as_ref(), Some(&next), "shown meanwhile");
    assert!(app.loading, "and revalidated");
}

#[test]
fn watch_mode_revalidates_after_its_interval() {
    let (mut app, next) = shown();
    ch(&mut app, 'w'); // 5 s
    app.update(Msg::Prefetched {
        query: Box::new(next.clone()),
        rows: Ok(page(50, 50)),
    });
    app.set_now(NOW + 6);
    assert_eq!(fetch(ch(&mut app, ']')).query, next);
}

#[test]
fn another_query_drops_the_prefetch_and_its_late_answer() {
    let (mut app, next) = shown();
    fetch(ch(&mut app, 't'));
    assert!(app.prefetch.is_none());
    app.update(Msg::Prefetched {
        query: Box::new(next),
        rows: Ok(page(50, 50)),
    });
    assert!(app.prefetch.is_none(), "a late answer is not kept");
    // `]` before the answer: an ordinary fetch.
    let (mut app, _) = shown();
    assert_eq!(fetch(ch(&mut app, ']')).query.offset, Some(50));
    // A failed prefetch is silent; `]` fetches and would show the error then.
    let (mut app, next) = shown();
    app.update(Msg::Prefetched {
        query: Box::new(next),
        rows: Err(status_error(503)),
    });
    assert!(app.error.is_none() && app.prefetch.is_none());
}

#[test]
fn nothing_is_fetched_ahead_while_typing_or_on_the_last_page() {
    let mut app = fixtures::app(80, 24);
    ch(&mut app, '/');
    ch(&mut app, 'x');
    assert_eq!(answered(&mut app, 50, 1234), None, "typing in the form");
    let mut app = fixtures::app(80, 24);
    let effect = answered(&mut app, 30, 30);
    assert_eq!(effect, None, "no page after the last");
}
