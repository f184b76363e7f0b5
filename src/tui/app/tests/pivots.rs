//! Pivots from a row: `f` its partner project, `b` its backup, `v` its disk; `Backspace`
//! back through the queries before, at most twenty.

use super::*;

#[test]
fn f_b_v_pivot_from_the_selected_row_and_backspace_goes_back() {
    let mut app = loaded(80, 24);
    let row = app.selected_row().unwrap().clone();
    let before = app.query.clone();
    // Shared by me: the partner is the project it is shared with.
    let req = fetch(ch(&mut app, 'f'));
    assert_eq!(
        req.query.filters.to_project_id,
        row.to_project_id.clone().unwrap()
    );
    assert_eq!(req.query.offset, Some(0));
    assert_eq!(
        app.form.value(Field::ToProject),
        row.to_project_id.as_deref().unwrap()
    );
    answer(&mut app, page(0, 3), 3);
    let text = fixtures::render(&app, 80, 24);
    assert!(text.lines().nth(2).unwrap().contains("⤷ to "), "{text}");
    // Then its backup, then its disk: each pushes the query before.
    let req = fetch(ch(&mut app, 'b'));
    assert_eq!(req.query.filters.backup_id, row.backup_id.clone().unwrap());
    answer(&mut app, page(0, 1), 1);
    let req = fetch(ch(&mut app, 'v'));
    let volume = row.backup.as_ref().unwrap().volume_id.clone().unwrap();
    assert_eq!(req.query.filters.volume_id, volume);
    assert_eq!(app.pivots.len(), 3);
    // Backspace: back one pivot at a time, to where it started.
    for _ in 0..3 {
        fetch(key(&mut app, KeyCode::Backspace));
    }
    assert_eq!(app.query.filters, before.filters);
    assert_eq!(app.form.value(Field::ToProject), "");
    assert!(key(&mut app, KeyCode::Backspace).is_none());
    assert!(
        app.notice
            .as_deref()
            .unwrap()
            .starts_with("nothing to go back to")
    );
}

#[test]
fn shared_with_me_pivots_on_the_sharing_project_and_the_stack_is_bounded() {
    let mut app = loaded(80, 24);
    fetch(ch(&mut app, 't'));
    answer(&mut app, page(0, 50), 50);
    let from = app.selected_row().unwrap().from_project_id.clone().unwrap();
    let req = fetch(ch(&mut app, 'f'));
    assert_eq!(req.query.filters.from_project_id, from);
    // The same pivot again does nothing new.
    answer(&mut app, page(0, 50), 50);
    assert!(ch(&mut app, 'f').is_none());
    // At most MAX_PIVOTS queries are kept.
    for i in 0..30 {
        ch(&mut app, if i % 2 == 0 { 'b' } else { 'v' });
        answer(&mut app, page(i, 50), 50);
    }
    assert_eq!(app.pivots.len(), MAX_PIVOTS);
}

/// The pivot bar at 80x24 and 200x60 (reviewed: the pivot first, then the fields in use).
#[test]
fn pivot_bar_snapshots() {
    for (w, h) in [(80u16, 24u16), (200, 60)] {
        let mut app = loaded(w, h);
        fetch(ch(&mut app, 'f'));
        answer(&mut app, page(0, 3), 3);
        insta::assert_snapshot!(format!("pivot_bar_{w}x{h}"), fixtures::render(&app, w, h));
    }
}
