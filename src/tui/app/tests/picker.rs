//! The status filter is picked from the documented statuses, never typed: no half-typed
//! `status=avai` is ever sent.

use super::*;

#[test]
fn the_status_is_picked_and_never_typed() {
    let mut app = loaded(80, 24);
    ch(&mut app, '/');
    key(&mut app, KeyCode::Tab);
    assert_eq!(app.form.focused(), Field::Status);
    // Typing opens the picker on the first status with that letter; nothing is sent.
    for c in "avai".chars() {
        assert!(ch(&mut app, c).is_none(), "no request while picking");
    }
    let p = app.list_picker.clone().unwrap();
    assert_eq!(p.choices[0], ANY);
    assert_eq!(p.choices.len(), 7, "any and VBS's six statuses");
    assert_eq!(p.choices[p.selected], "available");
    let req = fetch(key(&mut app, KeyCode::Enter));
    assert_eq!(req.query.filters.status, "available");
    assert!(app.list_picker.is_none());
    // "any" clears it; Esc closes without a change; a paste is refused.
    key(&mut app, KeyCode::Enter);
    assert_eq!(
        app.list_picker.as_ref().unwrap().selected,
        1,
        "opens on the current"
    );
    ch(&mut app, 'k');
    assert_eq!(app.list_picker.as_ref().unwrap().selected, 0);
    let req = fetch(key(&mut app, KeyCode::Enter));
    assert_eq!(req.query.filters.status, "");
    key(&mut app, KeyCode::Enter);
    assert!(key(&mut app, KeyCode::Esc).is_none() && app.list_picker.is_none());
    assert!(app.update(Msg::Paste("avai".into())).is_none());
    assert_eq!(app.form.value(Field::Status), "");
}

/// Under CBR the picker offers CBR's eight backup statuses.
#[test]
fn cbr_statuses_are_cbrs() {
    let mut app = App::new(&super::cbr::cbr_options(), NOW);
    app.update(Msg::Resize(80, 24));
    let _ = app.start();
    ch(&mut app, '/');
    key(&mut app, KeyCode::Tab);
    ch(&mut app, 'w');
    let p = app.list_picker.clone().unwrap();
    assert_eq!(p.choices.len(), 9);
    assert_eq!(p.choices[p.selected], "waiting_protect");
}

/// The picker at 80x24 and 200x60 (reviewed: under the filter bar, the current status
/// highlighted).
#[test]
fn status_picker_snapshots() {
    for (w, h) in [(80u16, 24u16), (200, 60)] {
        let mut app = loaded(w, h);
        ch(&mut app, '/');
        key(&mut app, KeyCode::Tab);
        ch(&mut app, 'e');
        insta::assert_snapshot!(
            format!("status_picker_{w}x{h}"),
            fixtures::render(&app, w, h)
        );
    }
}

/// `s` offers only the keys that order the rows shown by something they carry: never the
/// image formats (VBS backups have none; the server would order by ID), and `updated_at`
/// only when some row was updated. The key in effect is highlighted; Enter on it sends
/// nothing.
#[test]
fn the_sort_picker_offers_only_meaningful_keys() {
    let mut app = loaded(80, 24);
    ch(&mut app, 's');
    let p = app.list_picker.clone().unwrap();
    assert_eq!(p.target, Picking::Sort);
    let updated = app.page.rows.iter().any(|r| r.updated_at.is_some());
    let mut want = vec!["created_at", "updated_at", "name", "status", "size", "id"];
    if !updated {
        want.retain(|k| *k != "updated_at");
    }
    assert_eq!(p.choices, want);
    assert_eq!(p.choices[p.selected], "created_at");
    assert!(
        key(&mut app, KeyCode::Enter).is_none(),
        "the same key: no request"
    );
    // With no row updated, updated_at is not offered.
    for r in &mut app.page.rows {
        r.updated_at = None;
    }
    ch(&mut app, 's');
    let p = app.list_picker.clone().unwrap();
    assert!(
        !p.choices.iter().any(|c| c == "updated_at"),
        "{:?}",
        p.choices
    );
    ch(&mut app, 's'); // "status", the first key with s
    assert_eq!(app.list_picker.as_ref().unwrap().selected, 2);
    ch(&mut app, 'j'); // "size"
    let req = fetch(key(&mut app, KeyCode::Enter));
    assert_eq!(req.query.sort_key, Some(crate::api::query::SortKey::Size));
    let text = fixtures::render(&app, 80, 24);
    assert!(text.contains("size"), "{text}");
}

/// The sort picker at 80x24 and 200x60 (reviewed: titled "sort by", the key in effect
/// highlighted, no image formats offered).
#[test]
fn sort_picker_snapshots() {
    for (w, h) in [(80u16, 24u16), (200, 60)] {
        let mut app = loaded(w, h);
        ch(&mut app, 's');
        ch(&mut app, 'n');
        insta::assert_snapshot!(format!("sort_picker_{w}x{h}"), fixtures::render(&app, w, h));
    }
}
