//! The export (`e`) under CBR: the dialog names the tab, Enter exports every row of the tab
//! that matches the filters (all pages, in the order shown), Shared by me says when the walk
//! has not read everything, and the overwrite question works as under VBS.

use super::*;
use crate::api::cbr::{Backup, WalkEvent, parse_backups};
use crate::tui::export::{ExportEvent, ExportJob, FileFormat, HeldRows};
use crate::tui::msg::{CbrEffect, CbrNews};

use super::cbr::{cbr_effect, cbr_options, member_rows, news};

const PARTNER: &str = "0b5a2f6e4c8d4e1f9a3b7c6d5e4f3a21";
const OTHER: &str = "1c9e8d7f6a5b4c3d2e1f0a9b8c7d6e52";

/// Backups all created at the same moment, so the order shown is the service's.
fn backups(range: std::ops::Range<u32>, prefix: &str) -> Vec<Backup> {
    let items: Vec<String> = range
        .map(|i| {
            format!(
                r#"{{"id":"{i:08x}-0000-4000-8000-000000000000","name":"{prefix}-{i}","project_id":"{PARTNER}","resource_size":40,"status":"available","created_at":"2026-01-01T00:00:00.000000"}}"#
            )
        })
        .collect();
    parse_backups(&format!(r#"{{"backups":[{}],"count":1}}"#, items.join(",")))
        .unwrap()
        .items
}

/// A browser started on CBR, its shared lists not read yet; and the load's generation.
fn starting() -> (App, u64) {
    let mut app = App::new(&cbr_options(), NOW);
    app.update(Msg::Resize(100, 24));
    let CbrEffect::LoadShared { generation } = cbr_effect(app.start()) else {
        panic!("the first call reads the shared lists")
    };
    (app, generation)
}

/// A browser on CBR with 12 pending, 3 accepted and 1 rejected backups.
fn on_cbr() -> App {
    let (mut app, generation) = starting();
    news(
        &mut app,
        CbrNews::Shared {
            generation,
            result: Ok([
                backups(0..12, "pend"),
                backups(20..23, "acc"),
                backups(30..31, "rej"),
            ]),
            latency: Duration::from_millis(3),
        },
    );
    app
}

fn dialog_name(app: &App) -> String {
    match &app.dialog {
        Some(Dialog::Export(d)) => d.input.value().to_owned(),
        other => panic!("expected the export dialog, got {other:?}"),
    }
}

fn started(e: Option<Effect>) -> (u64, ExportJob) {
    match e {
        Some(Effect::Export { id, job }) => (id, job),
        other => panic!("expected an export, got {other:?}"),
    }
}

fn screen(app: &App) -> String {
    fixtures::render(app, 100, 24)
}

/// The backup names of a shared-with-me export, in the order they will be written.
fn shared_names(job: &ExportJob) -> Vec<String> {
    match &job.held {
        Some(HeldRows::Shared(rows)) => rows
            .iter()
            .map(|r| r.backup.name.clone().unwrap())
            .collect(),
        other => panic!("expected shared rows, got {other:?}"),
    }
}

#[test]
fn e_under_cbr_opens_the_export_dialog_named_for_the_tab() {
    let mut app = on_cbr();
    assert!(ch(&mut app, 'e').is_none());
    assert_eq!(dialog_name(&app), "vbshare-cbr-pending-20250601-000000.csv");
    let text = screen(&app);
    assert!(text.contains("Export all 12 rows of CBR Pending"), "{text}");
    assert!(!text.contains("not available for CBR"), "{text}");
    key(&mut app, KeyCode::Tab);
    assert_eq!(
        dialog_name(&app),
        "vbshare-cbr-pending-20250601-000000.json"
    );
    assert!(key(&mut app, KeyCode::Esc).is_none());
    assert!(app.dialog.is_none() && app.export.is_none());
    for (tab, name) in [('2', "accepted"), ('3', "rejected")] {
        ch(&mut app, tab);
        ch(&mut app, 'e');
        assert_eq!(
            dialog_name(&app),
            format!("vbshare-cbr-{name}-20250601-000000.csv")
        );
        key(&mut app, KeyCode::Esc);
    }
}

#[test]
fn enter_exports_every_matching_row_of_the_tab_not_only_the_page_on_screen() {
    let mut app = on_cbr();
    ch(&mut app, '-');
    ch(&mut app, '-');
    assert_eq!(app.cbr.page.rows.len(), 10, "10 of 12 rows on screen");
    ch(&mut app, 'e');
    let (id, job) = started(key(&mut app, KeyCode::Enter));
    let all: Vec<String> = (0..12).map(|i| format!("pend-{i}")).collect();
    assert_eq!(shared_names(&job), all, "every page, in the order shown");
    assert_eq!(
        job.path,
        std::path::PathBuf::from("vbshare-cbr-pending-20250601-000000.csv")
    );
    assert_eq!((job.format, job.overwrite), (FileFormat::Csv, false));
    let Some(HeldRows::Shared(rows)) = &job.held else {
        panic!()
    };
    assert!(
        rows.iter()
            .all(|r| r.member_status.as_deref() == Some("pending"))
    );
    assert!(app.busy() && app.dialog.is_none());
    let footer = screen(&app).lines().last().unwrap().to_owned();
    assert!(
        footer.ends_with("exporting 0 / 12 rows · Esc cancels"),
        "{footer}"
    );
    // The footer and the notice work as under VBS.
    app.update(Msg::Export {
        id,
        event: Box::new(ExportEvent::Done {
            rows: 12,
            path: "/tmp/p.csv".into(),
            warning: None,
        }),
    });
    assert_eq!(
        app.notice.as_deref(),
        Some("exported 12 rows to /tmp/p.csv")
    );

    // Only the rows that pass the filters, of the tab on screen.
    let mut app = on_cbr();
    ch(&mut app, '/');
    typed(&mut app, "pend-1");
    key(&mut app, KeyCode::Esc);
    ch(&mut app, 'e');
    assert!(screen(&app).contains("Export all 3 rows of CBR Pending"));
    key(&mut app, KeyCode::Tab);
    let (_, job) = started(key(&mut app, KeyCode::Enter));
    assert_eq!(shared_names(&job), ["pend-1", "pend-10", "pend-11"]);
    assert_eq!(job.format, FileFormat::Json);
    ch(&mut app, '2');
    app.update(Msg::Export {
        id: 1,
        event: Box::new(ExportEvent::Cancelled),
    });
    ch(&mut app, '/');
    ctrl(&mut app, 'u');
    key(&mut app, KeyCode::Esc);
    ch(&mut app, 'e');
    let (_, job) = started(key(&mut app, KeyCode::Enter));
    assert_eq!(shared_names(&job), ["acc-20", "acc-21", "acc-22"]);
}

#[test]
fn shared_by_me_exports_the_walks_rows_and_says_what_it_has_not_read() {
    let mut app = on_cbr();
    let CbrEffect::Walk { generation, .. } = cbr_effect(ch(&mut app, 't')) else {
        panic!("t starts the walk")
    };
    let mine = backups(100..103, "own");
    let walk = |app: &mut App, event| {
        news(
            app,
            CbrNews::Walk {
                generation,
                event: Box::new(event),
            },
        )
    };
    walk(
        &mut app,
        WalkEvent::Members {
            backup: mine[0].clone(),
            members: member_rows(&mine[0], &[PARTNER, OTHER]),
        },
    );
    walk(
        &mut app,
        WalkEvent::Members {
            backup: mine[1].clone(),
            members: member_rows(&mine[1], &[PARTNER]),
        },
    );
    walk(
        &mut app,
        WalkEvent::Failed {
            backup: mine[2].clone(),
            error: status_error(503),
        },
    );
    ch(&mut app, 'e');
    assert_eq!(dialog_name(&app), "vbshare-cbr-by-me-20250601-000000.csv");
    let text = screen(&app);
    assert!(
        text.contains("Export all 3 rows of CBR Shared by me"),
        "{text}"
    );
    assert!(
        text.contains("The walk is still running: the export holds only the rows read so far."),
        "one line: {text}"
    );
    assert!(
        text.contains("The members of 1 backup could not be read"),
        "{text}"
    );
    let (id, job) = started(key(&mut app, KeyCode::Enter));
    let Some(HeldRows::Members { rows, errors }) = &job.held else {
        panic!("{job:?}")
    };
    let got: Vec<(&str, &str)> = rows
        .iter()
        .map(|r| {
            (
                r.backup_name.as_deref().unwrap(),
                r.member.dest_project_id.as_deref().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("own-100", PARTNER),
            ("own-100", OTHER),
            ("own-101", PARTNER)
        ]
    );
    assert!(rows.iter().all(|r| r.backup_json.is_some()), "for -o json");
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0].label, "own-102");
    assert!(
        errors[0].backup_id.is_some(),
        "the JSON names it by ID, as the CLI does"
    );
    app.update(Msg::Export {
        id,
        event: Box::new(ExportEvent::Cancelled),
    });
    assert_eq!(
        app.notice.as_deref(),
        Some("export cancelled; no file was written")
    );

    // The walk ends; a member filter applies to the export as to the screen.
    news(
        &mut app,
        CbrNews::WalkEnded {
            generation,
            result: Ok(crate::api::cbr::WalkSummary::default()),
        },
    );
    app.query.filters.to_project_id = PARTNER.to_owned();
    app.cbr_recompute();
    ch(&mut app, 'e');
    let text = screen(&app);
    assert!(
        text.contains("Export all 2 rows of CBR Shared by me"),
        "{text}"
    );
    assert!(!text.contains("still running"), "{text}");
    let (_, job) = started(key(&mut app, KeyCode::Enter));
    let Some(HeldRows::Members { rows, .. }) = &job.held else {
        panic!("{job:?}")
    };
    assert_eq!(rows.len(), 2);
    assert!(
        rows.iter()
            .all(|r| r.member.dest_project_id.as_deref() == Some(PARTNER))
    );
}

#[test]
fn nothing_is_exported_before_the_shared_lists_are_read() {
    let (mut app, generation) = starting();
    assert!(ch(&mut app, 'e').is_none());
    assert!(app.dialog.is_none());
    assert_eq!(
        app.notice.as_deref(),
        Some("nothing to export yet: the shared backups are still being read")
    );
    news(
        &mut app,
        CbrNews::Shared {
            generation,
            result: Err(status_error(503)),
            latency: Duration::from_millis(3),
        },
    );
    app.error_open = false;
    ch(&mut app, 'e');
    assert!(app.dialog.is_none());
    assert!(
        app.notice
            .as_deref()
            .unwrap()
            .contains("could not be read (r reads them again)")
    );
}

#[test]
fn an_existing_file_is_replaced_only_when_confirmed_and_keeps_the_rows() {
    let mut app = on_cbr();
    ch(&mut app, 'e');
    let (id, job) = started(key(&mut app, KeyCode::Enter));
    let absolute = ExportJob {
        path: "/work/p.csv".into(),
        ..job
    };
    app.update(Msg::Export {
        id,
        event: Box::new(ExportEvent::Exists(absolute.clone())),
    });
    let Some(Dialog::Confirm(c)) = &app.dialog else {
        panic!("{:?}", app.dialog)
    };
    assert_eq!(c.question, "Overwrite /work/p.csv?");
    let (_, again) = started(ch(&mut app, 'y'));
    assert!(again.overwrite);
    assert_eq!(again.held, absolute.held, "the rows of the first Enter");
    assert_eq!(shared_names(&again).len(), 12);
}
