//! The export dialog (`e`) and the running export's messages.

use std::path::PathBuf;

use super::*;
use crate::export::Progress;
use crate::tui::export::{ExportEvent, ExportFailure, ExportJob, FileFormat};

fn dialog(app: &App) -> ExportDialog {
    match &app.dialog {
        Some(Dialog::Export(d)) => d.clone(),
        other => panic!("expected the export dialog, got {other:?}"),
    }
}

fn started(e: Option<Effect>) -> (u64, ExportJob) {
    match e {
        Some(Effect::Export { id, job }) => (id, job),
        other => panic!("expected an export, got {other:?}"),
    }
}

fn event(app: &mut App, id: u64, event: ExportEvent) -> Option<Effect> {
    app.update(Msg::Export {
        id,
        event: Box::new(event),
    })
}

fn footer(app: &App) -> String {
    let text = crate::tui::fixtures::render(app, 100, 24);
    text.lines().last().unwrap().to_owned()
}

/// A loaded App with an export of the current query to `out.csv` started.
fn exporting() -> (App, u64, ExportJob) {
    let mut app = loaded(100, 24);
    ch(&mut app, 'e');
    ctrl(&mut app, 'u');
    typed(&mut app, "out.csv");
    let (id, job) = started(key(&mut app, KeyCode::Enter));
    (app, id, job)
}

#[test]
fn the_dialog_prefills_a_dated_name_and_the_format_switches_the_extension() {
    let mut app = loaded(80, 24);
    assert!(ch(&mut app, 'e').is_none());
    let d = dialog(&app);
    assert_eq!(d.input.value(), "vbshare-by-me-20250601-000000.csv");
    assert_eq!(d.format, FileFormat::Csv);
    key(&mut app, KeyCode::Tab);
    let d = dialog(&app);
    assert_eq!(
        (d.input.value(), d.format),
        ("vbshare-by-me-20250601-000000.json", FileFormat::Json)
    );
    key(&mut app, KeyCode::Down);
    assert_eq!(
        dialog(&app).input.value(),
        "vbshare-by-me-20250601-000000.csv"
    );
    // A name without the extension keeps its name.
    ctrl(&mut app, 'u');
    typed(&mut app, "report");
    key(&mut app, KeyCode::BackTab);
    let d = dialog(&app);
    assert_eq!((d.input.value(), d.format), ("report", FileFormat::Json));
    // Left and right edit the name.
    key(&mut app, KeyCode::Left);
    ch(&mut app, 'X');
    assert_eq!(dialog(&app).input.value(), "reporXt");
    // No name, no export.
    ctrl(&mut app, 'u');
    assert!(key(&mut app, KeyCode::Enter).is_none());
    assert_eq!(dialog(&app).error.as_deref(), Some("type a file name"));
    assert!(key(&mut app, KeyCode::Esc).is_none());
    assert!(app.dialog.is_none() && app.export.is_none());
    // The other direction names itself once it is on screen (not while it loads).
    fetch(ch(&mut app, 't'));
    ch(&mut app, 'e');
    assert!(app.dialog.is_none());
    answer(&mut app, page(0, 20), 20);
    ch(&mut app, 'e');
    assert!(dialog(&app).input.value().starts_with("vbshare-with-me-"));
}

#[test]
fn enter_exports_the_current_filters_and_sort() {
    let mut app = loaded(80, 24);
    ch(&mut app, '/');
    fetch(ch(&mut app, 'd'));
    key(&mut app, KeyCode::Esc);
    fetch(ch(&mut app, 'S'));
    answer(&mut app, page(0, 50), 300);
    ch(&mut app, 'e');
    key(&mut app, KeyCode::Tab);
    let (id, job) = started(key(&mut app, KeyCode::Enter));
    assert_eq!(id, 1);
    assert_eq!(job.filters, app.query.filters);
    assert_eq!(job.filters.name, "d");
    assert_eq!(job.sort, (SortKey::CreatedAt, SortDir::Asc));
    assert_eq!(job.format, FileFormat::Json);
    assert_eq!(
        job.path,
        PathBuf::from("vbshare-by-me-20250601-000000.json")
    );
    assert!(!job.overwrite);
    assert!(app.dialog.is_none() && app.busy());
    // One export at a time.
    ch(&mut app, 'e');
    assert!(app.dialog.is_none());
    assert!(app.notice.as_deref().unwrap().contains("already running"));
}

#[test]
fn progress_then_done_show_in_the_footer() {
    let (mut app, id, _) = exporting();
    assert_eq!(
        app.export.as_ref().unwrap().total,
        Some(1234),
        "the total on screen"
    );
    event(
        &mut app,
        id,
        ExportEvent::Progress(Progress {
            pages: 3,
            rows: 3000,
            total: Some(10_010),
        }),
    );
    assert!(
        footer(&app).ends_with("exporting 3,000 / 10,010 rows · Esc cancels"),
        "{}",
        footer(&app)
    );
    // News of another export is ignored.
    assert!(event(&mut app, id + 1, ExportEvent::Cancelled).is_none());
    assert!(app.export.is_some());
    event(
        &mut app,
        id,
        ExportEvent::Done {
            rows: 10_010,
            path: "/tmp/out.csv".into(),
            warning: None,
        },
    );
    assert!(app.export.is_none() && !app.busy());
    assert_eq!(
        app.notice.as_deref(),
        Some("exported 10,010 rows to /tmp/out.csv")
    );
    // A set that changed meanwhile says so.
    let (mut app, id, _) = exporting();
    event(
        &mut app,
        id,
        ExportEvent::Done {
            rows: 9,
            path: "/tmp/out.csv".into(),
            warning: Some("changed".into()),
        },
    );
    assert!(
        app.notice
            .as_deref()
            .unwrap()
            .contains("rows may be missing")
    );
}

#[test]
fn esc_asks_before_cancelling_a_running_export() {
    let (mut app, id, _) = exporting();
    // Esc asks first; Enter (on the focused No) and Esc again leave the export running.
    assert!(key(&mut app, KeyCode::Esc).is_none());
    let Some(Dialog::Confirm(c)) = &app.dialog else {
        panic!("{:?}", app.dialog)
    };
    assert_eq!(c.question, "Stop exporting to out.csv?");
    assert!(key(&mut app, KeyCode::Enter).is_none());
    assert_eq!(app.notice.as_deref(), Some("the export goes on"));
    assert!(!app.export.as_ref().unwrap().cancelling);
    key(&mut app, KeyCode::Esc);
    assert!(
        key(&mut app, KeyCode::Esc).is_none(),
        "Esc in the question says no"
    );
    assert!(app.dialog.is_none() && !app.export.as_ref().unwrap().cancelling);
    // y stops it.
    key(&mut app, KeyCode::Esc);
    assert_eq!(
        key(&mut app, KeyCode::Char('y')),
        Some(Effect::CancelExport)
    );
    assert!(app.export.as_ref().unwrap().cancelling);
    assert!(footer(&app).contains("cancelling the export…"));
    assert!(key(&mut app, KeyCode::Esc).is_none(), "asked once");
    assert!(app.dialog.is_none(), "nothing to ask while it stops");
    event(&mut app, id, ExportEvent::Cancelled);
    assert!(app.export.is_none());
    assert_eq!(
        app.notice.as_deref(),
        Some("export cancelled; no file was written")
    );
}

#[test]
fn an_existing_file_is_replaced_only_when_confirmed() {
    let (mut app, id, job) = exporting();
    let absolute = ExportJob {
        path: "/work/out.csv".into(),
        ..job
    };
    event(&mut app, id, ExportEvent::Exists(absolute.clone()));
    assert!(app.export.is_none());
    let Some(Dialog::Confirm(c)) = &app.dialog else {
        panic!("{:?}", app.dialog)
    };
    assert_eq!(c.question, "Overwrite /work/out.csv?");
    assert!(!c.yes_focused);
    assert!(key(&mut app, KeyCode::Enter).is_none(), "Enter says no");
    assert_eq!(
        app.notice.as_deref(),
        Some("export not started: /work/out.csv exists")
    );
    // Asked again, yes.
    ch(&mut app, 'e');
    let (id2, _) = started(key(&mut app, KeyCode::Enter));
    event(&mut app, id2, ExportEvent::Exists(absolute.clone()));
    let (id3, job) = started(ch(&mut app, 'y'));
    assert!(id3 > id2);
    assert_eq!(
        job,
        ExportJob {
            overwrite: true,
            ..absolute
        }
    );
}

#[test]
fn failures_show_in_the_error_panel() {
    let (mut app, id, _) = exporting();
    event(
        &mut app,
        id,
        ExportEvent::Failed(ExportFailure::Io {
            path: "/ro/out.csv".into(),
            error: std::io::Error::new(std::io::ErrorKind::PermissionDenied, "denied"),
        }),
    );
    let e = app.error.clone().unwrap();
    assert_eq!((e.call, e.status), ("export", None));
    assert_eq!(e.summary, "cannot write /ro/out.csv: denied");
    assert!(app.error_open && app.export.is_none());
    let text = crate::tui::fixtures::render(&app, 100, 24);
    assert!(text.contains("✗ export failed"), "{text}");
    assert!(text.contains("cannot write /ro/out.csv: denied"), "{text}");

    let (mut app, id, _) = exporting();
    event(
        &mut app,
        id,
        ExportEvent::Failed(ExportFailure::Api(status_error(503))),
    );
    let e = app.error.clone().unwrap();
    assert_eq!(
        (e.call, e.status, e.request_id.as_deref()),
        ("export", Some(503), Some("req-1"))
    );
}

/// Export is an action on the view on screen: while another query loads, the rows shown
/// are old, and `e` says so instead of exporting either query.
#[test]
fn an_export_is_refused_while_another_query_loads() {
    let mut app = loaded(80, 24);
    fetch(ch(&mut app, 't'));
    assert!(ch(&mut app, 'e').is_none());
    assert!(app.dialog.is_none());
    assert_eq!(
        app.notice.as_deref(),
        Some("not on old rows: showing Shared by me · loading Shared with me…")
    );
    // A refresh of the same query never blocks it.
    answer(&mut app, page(0, 20), 20);
    fetch(ch(&mut app, 'r'));
    ch(&mut app, 'e');
    assert!(app.dialog.is_some());
}

/// The file name's extension and the format agree: typing `x.json` while the format says
/// csv writes JSON.
#[test]
fn a_typed_extension_decides_the_format() {
    let mut app = loaded(80, 24);
    ch(&mut app, 'e');
    assert_eq!(dialog(&app).format, FileFormat::Csv);
    ctrl(&mut app, 'u');
    typed(&mut app, "x.json");
    let (_, job) = started(key(&mut app, KeyCode::Enter));
    assert_eq!(
        (job.format, job.path.clone()),
        (FileFormat::Json, PathBuf::from("x.json"))
    );
}
