//! CBR in the browser: the service switch, the tabs and their counts, local filters and
//! pages, accept through the vault picker, reject, and the owner walk (paused when left,
//! resumed without reading again what it read).

use super::*;
use crate::api::cbr::{
    Backup, Member, Vault, WalkEvent, parse_backups, parse_members, parse_vaults,
};
use crate::tui::app::CbrTab;
use crate::tui::msg::{CbrEffect, CbrNews};

const PARTNER: &str = "0b5a2f6e4c8d4e1f9a3b7c6d5e4f3a21";
const ME: &str = "c13f5220dc1949b0b741ea81a7cd5554";

fn backup_json(i: u32, name: &str, gb: u64, kind: &str) -> String {
    format!(
        r#"{{"id":"{i:08x}-0000-4000-8000-000000000000","name":"{name}","project_id":"{PARTNER}","resource_size":{gb},"resource_type":"{kind}","resource_name":"vm-{i}","status":"available","created_at":"2026-01-0{}T00:00:00.000000","resource_az":"eu-de-01"}}"#,
        1 + i % 9
    )
}

fn backups(range: std::ops::Range<u32>, prefix: &str) -> Vec<Backup> {
    let items: Vec<String> = range
        .map(|i| backup_json(i, &format!("{prefix}-{i}"), 40, "OS::Nova::Server"))
        .collect();
    parse_backups(&format!(r#"{{"backups":[{}],"count":1}}"#, items.join(",")))
        .unwrap()
        .items
}

fn vault(
    id: &str,
    name: &str,
    kind: &str,
    protect: &str,
    status: &str,
    size: u64,
    used: u64,
) -> String {
    format!(
        r#"{{"id":"{id}","name":"{name}","billing":{{"size":{size},"used":{used},"object_type":"{kind}","protect_type":"{protect}","status":"{status}"}}}}"#
    )
}

fn vaults() -> Vec<Vault> {
    let list = [
        vault(
            "v-small",
            "servers-small",
            "server",
            "backup",
            "available",
            50,
            45 * 1024,
        ),
        vault("v-disk", "disks", "disk", "backup", "available", 8000, 0),
        vault(
            "v-big",
            "servers",
            "server",
            "backup",
            "available",
            10_000,
            100,
        ),
        vault(
            "v-mid",
            "servers-2",
            "server",
            "backup",
            "available",
            500,
            0,
        ),
        vault(
            "v-rep",
            "replica",
            "server",
            "replication",
            "available",
            99_000,
            0,
        ),
    ];
    parse_vaults(&format!(r#"{{"vaults":[{}],"count":5}}"#, list.join(",")))
        .unwrap()
        .items
}

pub(super) fn cbr_options() -> crate::tui::Options {
    let mut o = crate::tui::fixtures::options();
    o.service = crate::api::service::SharingService::Cbr;
    o.cbr = Some(test_cbr_client());
    o
}

/// A client that is never called: effects are answered by hand here.
fn test_cbr_client() -> crate::api::cbr::CbrClient {
    use crate::api::{Auth, ClientConfig, Secret};
    let config = ClientConfig::new(
        "http://127.0.0.1:9",
        ME,
        Auth::Token(Secret::new("t".to_owned())),
    );
    let session = std::sync::Arc::new(crate::api::session::Session::new(config).unwrap());
    crate::api::cbr::CbrClient::new(session, "http://127.0.0.1:9").unwrap()
}

pub(super) fn cbr_effect(e: Option<Effect>) -> CbrEffect {
    match e {
        Some(Effect::Cbr(c)) => c,
        other => panic!("expected a CBR call, got {other:?}"),
    }
}

pub(super) fn news(app: &mut App, n: CbrNews) -> Option<Effect> {
    app.update(Msg::Cbr(Box::new(n)))
}

/// A browser started on CBR with 12 pending, 3 accepted and 1 rejected backups.
fn on_cbr() -> App {
    let mut app = App::new(&cbr_options(), fixtures::NOW);
    app.update(Msg::Resize(80, 24));
    let CbrEffect::LoadShared { generation } = cbr_effect(app.start()) else {
        panic!("the first call reads the shared lists")
    };
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

fn shown_names(app: &App) -> Vec<String> {
    match &app.cbr.page.rows {
        crate::tui::app::CbrRows::Shared(r) => {
            r.iter().map(|r| r.backup.name.clone().unwrap()).collect()
        }
        crate::tui::app::CbrRows::Members(r) => {
            r.iter().map(|r| r.backup_name.clone().unwrap()).collect()
        }
    }
}

#[test]
fn starting_on_cbr_reads_three_lists_once_and_tabs_switch_without_a_call() {
    let mut app = on_cbr();
    let f = app.query.filters.clone();
    assert_eq!(app.cbr.page.tab, CbrTab::Pending);
    assert_eq!(app.cbr.page.total, 12);
    assert_eq!(
        [CbrTab::Pending, CbrTab::Accepted, CbrTab::Rejected].map(|t| app.cbr.count(t, &f)),
        [Some(12), Some(3), Some(1)]
    );
    assert!(ch(&mut app, '2').is_none(), "the lists are held: no call");
    assert_eq!(shown_names(&app), ["acc-22", "acc-21", "acc-20"]);
    assert!(ch(&mut app, '3').is_none());
    assert_eq!(shown_names(&app), ["rej-30"]);
    ch(&mut app, '1');
    assert_eq!(app.cbr.page.rows.len(), 12);
}

#[test]
fn filters_and_pages_apply_locally_at_once() {
    let mut app = on_cbr();
    ch(&mut app, '/');
    // A name filter is a case-insensitive substring, applied as it is typed.
    assert!(ch(&mut app, '1').is_none());
    assert_eq!(
        shown_names(&app),
        ["pend-11", "pend-1", "pend-10"],
        "newest first"
    );
    key(&mut app, KeyCode::Esc);
    ctrl(&mut app, 'u');
    // Pages are cut locally: 12 rows at 10 per page.
    let mut app = on_cbr();
    ch(&mut app, '-');
    ch(&mut app, '-');
    assert_eq!(app.page_size(), 10);
    assert_eq!(app.cbr.page.rows.len(), 10);
    assert!(ch(&mut app, ']').is_none());
    assert_eq!(shown_names(&app), ["pend-0", "pend-9"], "the oldest two");
    ch(&mut app, ']');
    assert_eq!(app.cbr.page.offset, 10, "no page past the end");
}

#[test]
fn accept_opens_the_picker_on_the_best_vault_and_enter_accepts_into_it() {
    let mut app = on_cbr();
    let CbrEffect::LoadVaults { backup_id } = cbr_effect(ch(&mut app, 'A')) else {
        panic!("A reads the vaults")
    };
    // The selected row: the newest pending backup.
    assert_eq!(backup_id, "00000008-0000-4000-8000-000000000000");
    // Enter before the vaults arrive does nothing.
    assert!(key(&mut app, KeyCode::Enter).is_none());
    news(
        &mut app,
        CbrNews::Vaults {
            backup_id,
            result: Ok(vaults()),
        },
    );
    let picker = app.cbr.picker.as_ref().unwrap();
    let order: Vec<_> = picker
        .vaults
        .as_ref()
        .unwrap()
        .iter()
        .map(|(r, fits)| (r.vault.id.clone().unwrap(), *fits))
        .collect();
    // Fitting vaults first, the one with most free space on top; each other with its reason.
    assert_eq!(
        order,
        [
            ("v-big".to_owned(), true),
            ("v-mid".to_owned(), true),
            ("v-rep".to_owned(), false),
            ("v-disk".to_owned(), false),
            ("v-small".to_owned(), false),
        ]
    );
    let verdicts: Vec<_> = picker
        .vaults
        .as_ref()
        .unwrap()
        .iter()
        .map(|(r, _)| r.verdict.clone().unwrap())
        .collect();
    assert!(verdicts[0].starts_with("fits"), "{verdicts:?}");
    assert!(
        verdicts[4].contains("free"),
        "too small says how much: {verdicts:?}"
    );
    // Down onto a vault that cannot take it: Enter refuses.
    key(&mut app, KeyCode::Down);
    key(&mut app, KeyCode::Down);
    assert!(key(&mut app, KeyCode::Enter).is_none());
    assert!(app.notice.as_deref().unwrap().contains("cannot take"));
    // Back up to the best and accept: two keystrokes from the table in the usual case.
    key(&mut app, KeyCode::Home);
    key(&mut app, KeyCode::Up);
    key(&mut app, KeyCode::Up);
    let CbrEffect::Accept { backup, vault } = cbr_effect(key(&mut app, KeyCode::Enter)) else {
        panic!("Enter accepts")
    };
    assert_eq!(
        (backup.name.as_deref(), vault.id.as_deref()),
        (Some("pend-8"), Some("v-big"))
    );
    assert!(app.cbr.picker.is_none());
    // Another write waits for this one.
    assert!(ch(&mut app, 'R').is_none());
    assert!(app.notice.as_deref().unwrap().starts_with("wait"));
    // Done: the footer says so and the lists are read again.
    let reload = news(
        &mut app,
        CbrNews::Wrote {
            call: "accept",
            result: Ok("accepted pend-0 into vault servers (now 9.7 TB free)".into()),
        },
    );
    assert!(matches!(cbr_effect(reload), CbrEffect::LoadShared { .. }));
    assert!(
        app.notice
            .as_deref()
            .unwrap()
            .starts_with("accepted pend-0")
    );
}

#[test]
fn reject_asks_first_and_no_is_the_default() {
    let mut app = on_cbr();
    assert!(ch(&mut app, 'R').is_none());
    assert!(matches!(app.dialog, Some(Dialog::Confirm(_))));
    // Enter alone presses the focused "No".
    assert!(key(&mut app, KeyCode::Enter).is_none());
    assert!(app.dialog.is_none());
    ch(&mut app, 'R');
    let CbrEffect::Reject { backup } = cbr_effect(ch(&mut app, 'y')) else {
        panic!("y rejects")
    };
    assert_eq!(
        backup.name.as_deref(),
        Some("pend-8"),
        "the selected, newest backup"
    );
    // Already rejected: nothing to ask.
    let mut app = on_cbr();
    ch(&mut app, '3');
    assert!(ch(&mut app, 'R').is_none() && app.dialog.is_none());
    assert!(app.notice.as_deref().unwrap().contains("already rejected"));
    // Accept is for pending backups only.
    ch(&mut app, '2');
    assert!(ch(&mut app, 'A').is_none() && app.cbr.picker.is_none());
}

#[test]
fn read_only_refuses_accept_and_reject() {
    let mut options = cbr_options();
    options.read_only = true;
    let mut app = App::new(&options, fixtures::NOW);
    app.update(Msg::Resize(80, 24));
    let CbrEffect::LoadShared { generation } = cbr_effect(app.start()) else {
        panic!()
    };
    news(
        &mut app,
        CbrNews::Shared {
            generation,
            result: Ok([backups(0..2, "p"), Vec::new(), Vec::new()]),
            latency: Duration::ZERO,
        },
    );
    for k in ['A', 'R'] {
        assert!(ch(&mut app, k).is_none(), "{k}");
        assert!(
            app.notice.as_deref().unwrap().starts_with("read-only"),
            "{k}"
        );
        assert!(app.dialog.is_none() && app.cbr.picker.is_none());
    }
}

pub(super) fn member_rows(backup: &Backup, projects: &[&str]) -> Vec<Member> {
    let bid = backup.id.clone().unwrap();
    let items: Vec<String> = projects
        .iter()
        .enumerate()
        .map(|(i, p)| {
            format!(
                r#"{{"id":"m{i}","backup_id":"{bid}","dest_project_id":"{p}","status":"pending","created_at":"2026-01-01T00:00:00.000000"}}"#
            )
        })
        .collect();
    parse_members(&format!(
        r#"{{"members":[{}],"count":{}}}"#,
        items.join(","),
        projects.len()
    ))
    .unwrap()
    .items
}

#[test]
fn the_owner_walk_shows_rows_as_they_arrive_pauses_when_left_and_resumes() {
    let mut app = on_cbr();
    let CbrEffect::Walk { generation, skip } = cbr_effect(ch(&mut app, 't')) else {
        panic!("t starts the walk")
    };
    assert!(skip.is_empty());
    assert!(app.busy(), "the spinner turns while the walk runs");
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
        WalkEvent::Backups {
            read: 3,
            total: Some(3),
        },
    );
    walk(
        &mut app,
        WalkEvent::Members {
            backup: mine[0].clone(),
            members: member_rows(&mine[0], &[PARTNER, "1c9e8d7f6a5b4c3d2e1f0a9b8c7d6e52"]),
        },
    );
    assert_eq!(shown_names(&app), ["own-100", "own-100"]);
    let f = app.query.filters.clone();
    assert_eq!(app.cbr.count(CbrTab::ByMe, &f), Some(2));
    let footer = crate::tui::ui::footer::position(&app);
    assert!(
        footer.contains("members of 1/3 backups read · 2 sharings"),
        "{footer}"
    );
    // A member filter applies at once.
    app.query.filters.to_project_id = PARTNER.to_owned();
    app.cbr_recompute();
    assert_eq!(app.cbr.page.rows.len(), 1);
    app.query.filters.to_project_id.clear();
    // So does a filter on the backup (its status), read from the walk's backups.
    app.query.filters.status = "error".to_owned();
    app.cbr_recompute();
    assert!(app.cbr.page.rows.is_empty());
    app.query.filters.status = "available".to_owned();
    app.cbr_recompute();
    assert_eq!(app.cbr.page.rows.len(), 2);
    app.query.filters.status.clear();
    app.cbr_recompute();
    // Leaving the tab pauses the walk; coming back resumes, skipping what was read.
    assert_eq!(cbr_effect(ch(&mut app, 't')), CbrEffect::StopWalk);
    assert!(!app.cbr.walk.running);
    let CbrEffect::Walk {
        generation: g2,
        skip,
    } = cbr_effect(ch(&mut app, 't'))
    else {
        panic!("coming back resumes")
    };
    assert_eq!(skip, [mine[0].id.clone().unwrap()]);
    // Events of the stopped walk are dropped.
    walk(
        &mut app,
        WalkEvent::Members {
            backup: mine[1].clone(),
            members: member_rows(&mine[1], &[PARTNER]),
        },
    );
    assert_eq!(app.cbr.walk.members.len(), 2);
    news(
        &mut app,
        CbrNews::WalkEnded {
            generation: g2,
            result: Ok(crate::api::cbr::WalkSummary::default()),
        },
    );
    assert!(app.cbr.walk.finished && !app.cbr.walk.running);
    // Nothing runs any more: the spinner's clock stops, so an idle browser never wakes.
    assert!(!app.busy());
    // A finished walk is not walked again by coming back; `r` does.
    ch(&mut app, '1');
    assert!(ch(&mut app, 't').is_none());
    assert!(
        matches!(cbr_effect(ch(&mut app, 'r')), CbrEffect::Walk { skip, .. } if skip.is_empty())
    );
}

#[test]
fn c_switches_service_and_keeps_the_filters() {
    let mut app = loaded(80, 24);
    ch(&mut app, '/');
    typed(&mut app, "db");
    key(&mut app, KeyCode::Esc);
    // The VBS-only App has no CBR client: c says so.
    assert!(ch(&mut app, 'c').is_none());
    assert!(app.notice.as_deref().unwrap().contains("not available"));
    // With one, c shows CBR (reading its lists), and the name filter is kept.
    let mut app = App::new(
        &{
            let mut o = cbr_options();
            o.service = crate::api::service::SharingService::Vbs;
            o
        },
        fixtures::NOW,
    );
    app.update(Msg::Resize(80, 24));
    let _ = app.start();
    fixtures::answer(&mut app, fixtures::page(0, 50), 1234);
    assert!(ch(&mut app, 'A').is_none(), "A is CBR's");
    assert!(app.notice.as_deref().unwrap().contains("for CBR"));
    ch(&mut app, '/');
    typed(&mut app, "pend-1");
    key(&mut app, KeyCode::Esc);
    assert!(matches!(
        cbr_effect(ch(&mut app, 'c')),
        CbrEffect::LoadShared { .. }
    ));
    assert!(app.is_cbr());
    assert_eq!(app.query.filters.name, "pend-1");
    // Back on VBS, the page on screen is still there: no call.
    assert!(ch(&mut app, 'c').is_none());
    assert!(!app.is_cbr() && app.page.rows.len() == 50);
}

/// The CBR screens at 80x24 and 200x60 (reviewed by eye: tabs with counts, the sharer by
/// name where known, the picker titled with the backup and each vault's verdict, the walk's
/// progress in the footer).
#[test]
fn cbr_screens() {
    for (w, h) in [(80u16, 24u16), (200, 60)] {
        let mut app = on_cbr();
        app.update(Msg::Resize(w, h));
        insta::assert_snapshot!(format!("cbr_pending_{w}x{h}"), fixtures::render(&app, w, h));
        let CbrEffect::LoadVaults { backup_id } = cbr_effect(ch(&mut app, 'A')) else {
            panic!()
        };
        news(
            &mut app,
            CbrNews::Vaults {
                backup_id,
                result: Ok(vaults()),
            },
        );
        insta::assert_snapshot!(format!("cbr_picker_{w}x{h}"), fixtures::render(&app, w, h));
    }
    let mut app = on_cbr();
    let CbrEffect::Walk { generation, .. } = cbr_effect(ch(&mut app, 't')) else {
        panic!()
    };
    let mine = backups(100..103, "own");
    for (i, b) in mine.iter().take(2).enumerate() {
        news(
            &mut app,
            CbrNews::Walk {
                generation,
                event: Box::new(WalkEvent::Backups {
                    read: 3,
                    total: Some(1204),
                }),
            },
        );
        let members = if i == 0 {
            member_rows(b, &[PARTNER, "1c9e8d7f6a5b4c3d2e1f0a9b8c7d6e52"])
        } else {
            member_rows(b, &[PARTNER])
        };
        news(
            &mut app,
            CbrNews::Walk {
                generation,
                event: Box::new(WalkEvent::Members {
                    backup: b.clone(),
                    members,
                }),
            },
        );
    }
    insta::assert_snapshot!("cbr_walk_80x24", fixtures::render(&app, 80, 24));
}

/// Watch mode on Shared by me reads again only the backups known to be shared, once the
/// walk has ended; what it reads replaces those backups' rows.
#[test]
fn watch_mode_rereads_only_the_shared_backups() {
    let mut app = on_cbr();
    let CbrEffect::Walk { generation, .. } = cbr_effect(ch(&mut app, 't')) else {
        panic!()
    };
    let mine = backups(100..104, "own");
    let members = |b: &Backup, ps: &[&str]| member_rows(b, ps);
    for (b, ps) in [
        (&mine[0], &[PARTNER, ME][..]),
        (&mine[1], &[][..]),
        (&mine[2], &[PARTNER][..]),
    ] {
        let ev = WalkEvent::Members {
            backup: b.clone(),
            members: members(b, ps),
        };
        news(
            &mut app,
            CbrNews::Walk {
                generation,
                event: Box::new(ev),
            },
        );
    }
    // No refresh while the walk runs.
    ch(&mut app, 'w');
    assert!(app.update(Msg::WatchTick).is_none());
    news(
        &mut app,
        CbrNews::WalkEnded {
            generation,
            result: Ok(crate::api::cbr::WalkSummary::default()),
        },
    );
    let CbrEffect::RefreshMembers {
        generation,
        backups,
    } = cbr_effect(app.update(Msg::WatchTick))
    else {
        panic!("the tick reads the shared backups again")
    };
    let names: Vec<_> = backups.iter().map(|b| b.name.clone().unwrap()).collect();
    assert_eq!(
        names,
        ["own-100", "own-102"],
        "only backups with members, once each"
    );
    // own-100 lost a member meanwhile: its rows are replaced, the others kept.
    let ev = WalkEvent::Members {
        backup: mine[0].clone(),
        members: members(&mine[0], &[PARTNER]),
    };
    news(
        &mut app,
        CbrNews::Walk {
            generation,
            event: Box::new(ev),
        },
    );
    assert_eq!(app.cbr.walk.members.len(), 2);
    assert_eq!(app.cbr.walk.shared, 2);
}

/// `s` and `S` sort CBR rows locally (every matching row, then the page is cut), and the
/// tabs line says how.
#[test]
fn sort_keys_apply_locally_to_all_rows() {
    let mut app = on_cbr();
    // Newest first by default: created dates cycle over nine days.
    assert_eq!(shown_names(&app)[0], "pend-8");
    assert!(ch(&mut app, 's').is_none(), "no call");
    let p = app.list_picker.clone().unwrap();
    assert_eq!(p.choices, ["created", "name", "size", "status"]);
    assert_eq!(p.selected, 0, "on the key in effect");
    ch(&mut app, 'j');
    assert!(key(&mut app, KeyCode::Enter).is_none(), "sorted locally");
    assert!(ch(&mut app, 'S').is_none());
    assert_eq!(shown_names(&app)[..3], ["pend-0", "pend-1", "pend-10"]);
    let text = fixtures::render(&app, 80, 24);
    assert!(text.lines().nth(1).unwrap().contains("name ↑"), "{text}");
    // The order holds across pages: page 2 continues it.
    ch(&mut app, '-');
    ch(&mut app, '-');
    ch(&mut app, ']');
    assert_eq!(shown_names(&app), ["pend-8", "pend-9"]);
}
