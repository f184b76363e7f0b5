//! Full-screen views (detail, raw JSON, help) and copying IDs.

use super::*;

#[test]
fn views_open_scroll_and_close() {
    let mut app = loaded(80, 24);
    ch(&mut app, 'J');
    assert_eq!(app.view, Some(View::Raw { scroll: 0 }));
    ch(&mut app, 'j');
    assert_eq!(app.view, Some(View::Raw { scroll: 1 }));
    ch(&mut app, 'G');
    let Some(View::Raw { scroll: bottom }) = app.view else {
        panic!()
    };
    assert!(bottom > 1);
    key(&mut app, KeyCode::Down);
    assert_eq!(
        app.view,
        Some(View::Raw { scroll: bottom }),
        "clamped at the end"
    );
    ch(&mut app, 'g');
    assert_eq!(app.view, Some(View::Raw { scroll: 0 }));
    ch(&mut app, 'J');
    assert_eq!(app.view, None);
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.view, Some(View::Detail { scroll: 0 }));
    key(&mut app, KeyCode::PageDown);
    assert!(matches!(app.view, Some(View::Detail { scroll }) if scroll > 0));
    ch(&mut app, 'q');
    assert_eq!(app.view, None);
    assert!(!app.quit, "q closes a view first");
    ch(&mut app, '?');
    assert_eq!(app.view, Some(View::Help { scroll: 0 }));
    assert!(
        ch(&mut app, 't').is_none(),
        "keys do not leak through the help"
    );
    key(&mut app, KeyCode::Esc);
    assert_eq!(app.view, None);
}

#[test]
fn views_need_a_row() {
    let mut app = fixtures::app(80, 24);
    answer(&mut app, Vec::new(), 0);
    ch(&mut app, 'J');
    key(&mut app, KeyCode::Enter);
    assert_eq!(app.view, None);
    assert!(ch(&mut app, 'y').is_none());
}

#[test]
fn copy_ids() {
    let mut app = loaded(80, 24);
    let rows = app.page.rows.clone();
    assert_eq!(
        ch(&mut app, 'y'),
        Some(Effect::Copy(rows[0].id.clone().unwrap()))
    );
    assert!(
        app.notice
            .as_deref()
            .unwrap()
            .starts_with("copied sharing ID")
    );
    ch(&mut app, 'j');
    assert!(app.notice.is_none(), "a key clears the notice");
    assert_eq!(
        ch(&mut app, 'Y'),
        Some(Effect::Copy(rows[1].backup_id.clone().unwrap()))
    );
    ch(&mut app, 'J');
    assert_eq!(
        ch(&mut app, 'y'),
        Some(Effect::Copy(rows[1].id.clone().unwrap()))
    );
}
