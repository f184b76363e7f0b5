//! Share (`a`), cancel (`d`, `D`), their confirmations, read-only mode and the answers.

use super::*;
use crate::tui::backend::{WriteRequest, WriteResult};
use crate::tui::fixtures::OWN_PROJECT;

const P1: &str = "722513ed0a324dadaabe5b2d0fe848c9";
const P2: &str = "5e2a7b1c9d8f4e3a8b6c0d1e2f3a4b5c";

fn prompt_error(app: &App) -> Option<String> {
    match &app.dialog {
        Some(Dialog::Share(p)) => p.error.clone(),
        other => panic!("expected the share prompt, got {other:?}"),
    }
}

fn confirm(app: &App) -> Confirm {
    match &app.dialog {
        Some(Dialog::Confirm(c)) => c.clone(),
        other => panic!("expected a confirmation, got {other:?}"),
    }
}

fn write(e: Option<Effect>) -> WriteRequest {
    match e {
        Some(Effect::Write(w)) => w,
        other => panic!("expected a write, got {other:?}"),
    }
}

fn answered(app: &mut App, result: Result<(), ApiError>) -> Option<Effect> {
    let request = app.writing.clone().expect("a write in flight");
    app.update(Msg::Wrote(Box::new(WriteResult { request, result })))
}

#[test]
fn the_share_prompt_rejects_bad_ids_before_any_request() {
    let mut app = loaded(80, 24);
    assert!(ch(&mut app, 'a').is_none());
    assert_eq!(prompt_error(&app), None);
    // Enter on nothing.
    assert!(key(&mut app, KeyCode::Enter).is_none());
    assert_eq!(prompt_error(&app).unwrap(), "type at least one project ID");
    // Not hex / not 32 characters.
    typed(&mut app, &format!("{P1} nothex"));
    assert_eq!(prompt_error(&app), None, "editing clears the error");
    assert!(key(&mut app, KeyCode::Enter).is_none());
    assert_eq!(
        prompt_error(&app).unwrap(),
        "nothex: a project ID is 32 hexadecimal characters"
    );
    // The same project twice (case does not make it another).
    ctrl(&mut app, 'u');
    typed(&mut app, &format!("{P1},{}", P1.to_uppercase()));
    assert!(key(&mut app, KeyCode::Enter).is_none());
    assert_eq!(
        prompt_error(&app).unwrap(),
        format!("project {P1} is given twice")
    );
    // Eleven projects.
    ctrl(&mut app, 'u');
    let eleven: Vec<String> = (0..11).map(|i| format!("{i:032x}")).collect();
    typed(&mut app, &eleven.join(" "));
    assert!(key(&mut app, KeyCode::Enter).is_none());
    assert_eq!(
        prompt_error(&app).unwrap(),
        "at most 10 projects at once (11 given)"
    );
    // This project itself.
    ctrl(&mut app, 'u');
    typed(&mut app, OWN_PROJECT);
    key(&mut app, KeyCode::Enter);
    assert!(prompt_error(&app).unwrap().contains("is this project"));
    // Esc leaves without a request.
    assert!(key(&mut app, KeyCode::Esc).is_none());
    assert!(app.dialog.is_none() && app.writing.is_none());
}

#[test]
fn share_names_exactly_what_happens_and_enter_alone_does_not_confirm() {
    let mut app = loaded(80, 24);
    let row = app.page.rows[0].clone();
    let backup_id = row.backup_id.clone().unwrap();
    ch(&mut app, 'a');
    typed(&mut app, &format!("{P1}, {}", P2.to_uppercase()));
    assert!(key(&mut app, KeyCode::Enter).is_none());
    let c = confirm(&app);
    assert_eq!(
        c.question,
        format!("Share backup db-prod-0001 ({backup_id}) with 2 projects: {P1}, {P2}?")
    );
    assert!(!c.yes_focused, "No is the default");
    // Enter presses the focused button: No.
    assert!(key(&mut app, KeyCode::Enter).is_none());
    assert!(app.dialog.is_none());
    assert_eq!(
        app.notice.as_deref(),
        Some("not confirmed: nothing was changed")
    );
    // Again, with y.
    ch(&mut app, 'a');
    typed(&mut app, P1);
    key(&mut app, KeyCode::Enter);
    assert!(
        confirm(&app)
            .question
            .ends_with(&format!("with 1 project: {P1}?"))
    );
    assert_eq!(
        write(ch(&mut app, 'y')),
        WriteRequest::Share {
            backup_id,
            backup_name: "db-prod-0001".into(),
            to: vec![P1.to_owned()],
        }
    );
    assert!(app.dialog.is_none() && app.busy());
}

#[test]
fn a_successful_write_reports_in_the_footer_and_refreshes() {
    let mut app = loaded(80, 24);
    ch(&mut app, 'a');
    typed(&mut app, &format!("{P1} {P2}"));
    key(&mut app, KeyCode::Enter);
    write(ch(&mut app, 'y'));
    let text = crate::tui::fixtures::render(&app, 80, 24);
    assert!(
        text.lines()
            .last()
            .unwrap()
            .contains("sharing backup db-prod-0001 with"),
        "{text}"
    );
    let req = fetch(answered(&mut app, Ok(())));
    assert!(
        req.count && !req.debounce,
        "refreshes the page and the total"
    );
    assert_eq!(
        app.notice.as_deref(),
        Some("shared backup db-prod-0001 with 2 projects")
    );
    assert!(app.writing.is_none());
}

#[test]
fn cancel_and_cancel_by_backup_name_what_goes() {
    let mut app = loaded(80, 24);
    ch(&mut app, 'j');
    ch(&mut app, 'j');
    let row = app.selected_row().unwrap().clone();
    let (id, bid) = (row.id.clone().unwrap(), row.backup_id.clone().unwrap());
    let to = row.to_project_id.clone().unwrap();

    ch(&mut app, 'd');
    let c = confirm(&app);
    assert_eq!(c.question, format!("Cancel sharing {id}?"));
    assert_eq!(
        c.detail,
        vec![format!(
            "Backup analytics-warehouse-0003 ({bid}) will no longer be shared with project {to}."
        )]
    );
    assert!(c.danger && !c.yes_focused);
    assert!(ch(&mut app, 'n').is_none());
    assert!(app.dialog.is_none());
    // Tab moves the focus to Yes; then Enter confirms.
    ch(&mut app, 'd');
    key(&mut app, KeyCode::Tab);
    assert!(confirm(&app).yes_focused);
    assert_eq!(
        write(key(&mut app, KeyCode::Enter)),
        WriteRequest::Cancel {
            sharing_id: id.clone(),
            backup_id: bid.clone(),
            backup_name: "analytics-warehouse-0003".into(),
            project: to.clone(),
        }
    );
    fetch(answered(&mut app, Ok(())));
    assert_eq!(
        app.notice.as_deref(),
        Some(
            format!("cancelled sharing {id} (backup analytics-warehouse-0003 with {to})").as_str()
        )
    );

    ch(&mut app, 'D');
    let c = confirm(&app);
    assert_eq!(
        c.question,
        format!("Cancel every sharing of backup analytics-warehouse-0003 ({bid})?")
    );
    assert!(
        c.detail[0].contains(&format!(
            "removes every sharing of that backup made by this project ({OWN_PROJECT})"
        )),
        "{:?}",
        c.detail
    );
    assert!(key(&mut app, KeyCode::Esc).is_none());
    assert!(app.dialog.is_none());
    ch(&mut app, 'D');
    assert!(ch(&mut app, 'x').is_none(), "other keys keep the question");
    assert!(app.dialog.is_some());
    assert_eq!(
        write(ch(&mut app, 'y')),
        WriteRequest::CancelBackup {
            backup_id: bid.clone(),
            backup_name: "analytics-warehouse-0003".into(),
        }
    );
    fetch(answered(&mut app, Ok(())));
    assert_eq!(
        app.notice.as_deref(),
        Some(
            format!("cancelled every sharing of backup analytics-warehouse-0003 ({bid})").as_str()
        )
    );
}

#[test]
fn after_a_cancel_the_selection_falls_to_the_row_that_took_its_place() {
    let mut app = loaded(80, 24);
    for _ in 0..3 {
        ch(&mut app, 'j');
    }
    let next_id = app.page.rows[4].id.clone();
    ch(&mut app, 'd');
    write(ch(&mut app, 'y'));
    fetch(answered(&mut app, Ok(())));
    let mut rows = page(0, 51);
    rows.remove(3);
    answer(&mut app, rows, 1233);
    assert_eq!(app.selected, 3);
    assert_eq!(app.selected_row().unwrap().id, next_id);
    assert_eq!(app.page.total, Some(1233));
}

#[test]
fn read_only_refuses_every_write_with_the_reason() {
    let mut options = fixtures::options();
    options.read_only = true;
    let mut app = App::new(&options, NOW);
    app.update(Msg::Resize(80, 24));
    let _ = app.start();
    answer(&mut app, page(0, 50), 1234);
    for c in ['a', 'd', 'D'] {
        assert!(ch(&mut app, c).is_none());
        assert!(app.dialog.is_none(), "{c} opens nothing");
        assert_eq!(app.notice.as_deref(), Some(READ_ONLY));
    }
    assert!(READ_ONLY.contains("--read-only") && READ_ONLY.contains("VBSHARE_READ_ONLY"));
    // Exporting reads only: still allowed.
    ch(&mut app, 'e');
    assert!(matches!(app.dialog, Some(Dialog::Export(_))));
}

#[test]
fn a_failed_write_shows_the_error_and_stays_until_dismissed() {
    let mut app = loaded(80, 24);
    ch(&mut app, 'd');
    write(ch(&mut app, 'y'));
    assert!(
        answered(&mut app, Err(status_error(409))).is_none(),
        "no refresh"
    );
    let e = app.error.clone().unwrap();
    assert_eq!(
        (e.call, e.status, e.code.as_deref(), e.request_id.as_deref()),
        (
            "cancel",
            Some(409),
            Some("VolumeBackup.0900"),
            Some("req-1")
        )
    );
    assert_eq!(e.message.as_deref(), Some("service unavailable"));
    assert!(app.error_open && app.writing.is_none());
    // A refresh (watch mode, `r`) does not hide it.
    fetch(ch(&mut app, 'r'));
    answer(&mut app, page(0, 50), 1234);
    assert!(app.error_open && app.error.as_ref().unwrap().call == "cancel");
    key(&mut app, KeyCode::Esc);
    assert!(!app.error_open);
}

#[test]
fn writes_need_shared_by_me_a_row_and_one_at_a_time() {
    let mut app = loaded(80, 24);
    ch(&mut app, 'd');
    write(ch(&mut app, 'y'));
    ch(&mut app, 'a');
    assert!(app.dialog.is_none());
    assert!(
        app.notice
            .as_deref()
            .unwrap()
            .starts_with("wait: still cancelling sharing")
    );
    answered(&mut app, Ok(()));
    fetch(ch(&mut app, 't'));
    answer(&mut app, page(0, 5), 5);
    ch(&mut app, 'D');
    assert!(app.dialog.is_none());
    assert!(app.notice.as_deref().unwrap().contains("Shared by me"));
    let mut empty = fixtures::app(80, 24);
    answer(&mut empty, Vec::new(), 0);
    for c in ['a', 'd', 'D'] {
        assert!(ch(&mut empty, c).is_none());
        assert!(empty.dialog.is_none());
    }
}

#[test]
fn dialogs_take_keys_first_but_ctrl_c_still_quits() {
    let mut app = loaded(80, 24);
    ch(&mut app, 'a');
    assert!(ch(&mut app, 'q').is_none(), "q is text in the prompt");
    assert!(!app.quit);
    assert!(ch(&mut app, 't').is_none());
    assert!(!app.query.filters.share_to_me, "no key leaks through");
    assert_eq!(ctrl(&mut app, 'c'), Some(Effect::Quit));
}

#[test]
fn parse_targets_accepts_spaces_commas_and_mixed_case() {
    assert_eq!(
        parse_targets(&format!(" {P1},,{}\t", P2.to_uppercase()), OWN_PROJECT),
        Ok(vec![P1.to_owned(), P2.to_owned()])
    );
    let ten: Vec<String> = (0..10).map(|i| format!("{i:032x}")).collect();
    assert_eq!(
        parse_targets(&ten.join(","), OWN_PROJECT).unwrap().len(),
        10
    );
    assert!(
        parse_targets("\u{1b}[31m", OWN_PROJECT)
            .unwrap_err()
            .starts_with("\\x1b")
    );
}

/// Rows are acted on only as the query that fetched them: after `t`, while the other
/// direction loads, `d` on the old rows is refused with the reason; once the rows shared
/// with this project arrive, `d` says only the sharing project can cancel; a refresh of
/// the same query (`r`) never blocks it.
#[test]
fn cancel_is_refused_on_rows_of_a_superseded_query() {
    let mut app = loaded(80, 24);
    fetch(ch(&mut app, 't'));
    assert!(app.query.filters.share_to_me && !app.page_to_me());
    assert!(app.superseded());
    assert!(ch(&mut app, 'd').is_none());
    assert!(app.dialog.is_none());
    assert_eq!(
        app.notice.as_deref(),
        Some("not on old rows: showing Shared by me · loading Shared with me…")
    );
    // The shared-with-me page arrives: now `d` is refused for what the rows are.
    let generation = app.generation;
    app.update(Msg::Fetched(Box::new(FetchResult {
        generation,
        list: Ok(crate::tui::fixtures::page(100, 10)),
        count: Some(Ok(10)),
        other_count: None,
        latency: Duration::from_millis(1),
    })));
    assert!(app.page_to_me() && !app.superseded());
    assert!(ch(&mut app, 'd').is_none());
    assert!(app.dialog.is_none());
    assert!(
        app.notice
            .as_deref()
            .unwrap()
            .contains("t switches to Shared by me"),
        "{:?}",
        app.notice
    );
    // Back to Shared by me, then a refresh in flight: the rows are still this query's.
    fetch(ch(&mut app, 't'));
    crate::tui::fixtures::answer(&mut app, crate::tui::fixtures::page(0, 50), 1234);
    fetch(ch(&mut app, 'r'));
    assert!(!app.superseded());
    assert!(ch(&mut app, 'd').is_none());
    assert!(matches!(
        confirm(&app).action,
        ConfirmAction::Write(WriteRequest::Cancel { .. })
    ));
}
