//! Find in page (`F`): typed text jumps to the first matching row on screen, across every
//! column; `>` and `<` step through the matches; no request is made.

use super::*;

#[test]
fn f_finds_rows_on_the_page_and_steps_through_them() {
    let mut app = loaded(80, 24);
    assert!(ch(&mut app, 'F').is_none());
    // "mail" matches the backup names mail-0004, mail-0009, … (every fifth row).
    for c in "mail".chars() {
        assert!(ch(&mut app, c).is_none(), "no request while finding");
    }
    assert_eq!(app.selected, 3);
    key(&mut app, KeyCode::Enter);
    assert_eq!(
        app.find_status().as_deref(),
        Some("find \"mail\": 1/10 · > next · < previous")
    );
    ch(&mut app, '>');
    assert_eq!(app.selected, 8);
    ch(&mut app, '<');
    ch(&mut app, '<');
    assert_eq!(app.selected, 48, "wraps to the last match");
    // Keys are the table's again: j moves.
    ch(&mut app, 'j');
    assert_eq!(app.selected, 49);
    // A status in another column matches too.
    ch(&mut app, 'F');
    typed(&mut app, "error_restoring");
    assert_eq!(app.selected, 5);
    key(&mut app, KeyCode::Esc);
    assert!(app.find.is_none());
}
