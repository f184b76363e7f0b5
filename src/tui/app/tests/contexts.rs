//! The context picker (`:` or `P`): it lists, it switches only once the run loop says the
//! new context is signed in, a failed switch keeps everything, and a switch starts over in
//! the new context keeping what the user chose to look at.

use super::*;
use crate::tui::context::{ContextChoice, ContextEntry, ContextList};
use crate::tui::msg::{ContextEffect, ContextNews, SwitchedTo};

const OTHER: &str = "1c9e8d7f6a5b4c3d2e1f0a9b8c7d6e52";

fn entry(label: &str, choice: ContextChoice, current: bool) -> ContextEntry {
    ContextEntry {
        choice,
        label: label.into(),
        detail: String::new(),
        current,
    }
}

fn list() -> ContextList {
    ContextList {
        profiles: vec![
            entry("prod", ContextChoice::Profile("prod".into()), false),
            entry("demo", ContextChoice::Profile("demo".into()), true),
            entry("env", ContextChoice::Env, false),
        ],
        projects: Ok(vec![entry(
            "eu-de_finance",
            ContextChoice::Project {
                id: OTHER.into(),
                name: "eu-de_finance".into(),
            },
            false,
        )]),
    }
}

/// A loaded App with a context source, its picker open and listed.
fn picking() -> App {
    let mut app = fixtures::loaded(80, 24);
    app.contexts_available = true;
    assert_eq!(
        ch(&mut app, ':'),
        Some(Effect::Context(ContextEffect::List))
    );
    app.update(Msg::Context(Box::new(ContextNews::Listed(list()))));
    app
}

#[test]
fn the_picker_opens_on_the_current_context_and_switches_to_the_chosen_one() {
    let mut app = picking();
    assert_eq!(
        app.context_picker.as_ref().unwrap().selected,
        1,
        "on ● demo"
    );
    // Down past the profiles to IAM's project.
    ch(&mut app, 'j');
    ch(&mut app, 'j');
    let effect = key(&mut app, KeyCode::Enter);
    assert_eq!(
        effect,
        Some(Effect::Context(ContextEffect::Switch(
            ContextChoice::Project {
                id: OTHER.into(),
                name: "eu-de_finance".into()
            }
        )))
    );
    assert!(app.context_picker.is_none());
    assert_eq!(app.switching.as_deref(), Some("eu-de_finance"));
    assert!(app.busy(), "the spinner turns while it connects");
    // Nothing changed yet: the rows and header are the old context's.
    assert_eq!(app.header.profile, "demo");
    assert_eq!(app.page.rows.len(), 50);
}

/// While a switch signs in, the picker and the keys that change or export wait.
#[test]
fn nothing_starts_while_a_switch_signs_in() {
    let mut app = picking();
    ch(&mut app, 'k');
    key(&mut app, KeyCode::Enter);
    assert!(app.switching.is_some());
    for c in ['d', 'D', 'a', 'e'] {
        assert_eq!(ch(&mut app, c), None, "{c}");
        assert!(app.dialog.is_none(), "{c} opened a dialog");
        assert_eq!(
            app.notice.as_deref(),
            Some("switching context: changes and exports wait until it is done")
        );
    }
    assert_eq!(ch(&mut app, ':'), None);
    assert!(app.context_picker.is_none());
    assert!(
        app.notice
            .as_deref()
            .unwrap()
            .contains("a switch is in progress")
    );
}

#[test]
fn a_failed_switch_keeps_the_context_and_says_why() {
    let mut app = picking();
    ch(&mut app, 'k'); // prod
    key(&mut app, KeyCode::Enter);
    let effect = app.update(Msg::Context(Box::new(ContextNews::Switched(Err((
        "prod".into(),
        "cannot connect to 127.0.0.1:9".into(),
    ))))));
    assert_eq!(effect, None);
    assert!(app.switching.is_none());
    let notice = app.notice.clone().unwrap();
    assert!(
        notice.starts_with("could not switch to prod: cannot connect")
            && notice.ends_with("still on profile demo, project 0605767e2a7c4e1c9c7e6a1f3f0b7d2f"),
        "{notice}"
    );
    assert_eq!(app.page.rows.len(), 50, "the rows stay");
    assert_eq!(app.messages.back().map(|(_, m)| m), Some(&notice));
}

#[test]
fn a_switch_starts_over_in_the_new_context_keeping_the_view_but_not_pivots() {
    let mut app = picking();
    key(&mut app, KeyCode::Esc);
    assert!(app.context_picker.is_none());
    // Look somewhere particular first: with me, sorted by name, second page, a pivot.
    ch(&mut app, 't');
    fixtures::answer(&mut app, page(0, 50), 500);
    ch(&mut app, ']');
    fixtures::answer(&mut app, page(50, 50), 500);
    ch(&mut app, 'f');
    assert_eq!(app.pivots.len(), 1);
    ch(&mut app, 'A'); // a message: A is for CBR
    let effect = app.update(Msg::Context(Box::new(ContextNews::Switched(Ok(Box::new(
        SwitchedTo {
            header: crate::tui::HeaderInfo {
                profile: "prod".into(),
                project_id: OTHER.into(),
                project_name: Some("eu-de_finance".into()),
                ..app.header.clone()
            },
            cbr_available: true,
            request_log: None,
        },
    ))))));
    let req = fetch(effect);
    assert!(req.query.filters.share_to_me, "the direction stays");
    assert_eq!(req.query.offset, Some(0), "from the first page");
    assert!(
        app.pivots.is_empty(),
        "pivots named the old context's projects"
    );
    assert!(app.page.rows.is_empty(), "no old rows under the new header");
    assert_eq!(app.header.profile, "prod");
    assert_eq!(
        app.notice.as_deref(),
        Some("switched to profile prod, project eu-de_finance")
    );
    assert!(app.contexts_available, "the picker still works");
    let kept: Vec<&str> = app.messages.iter().map(|(_, m)| m.as_str()).collect();
    assert_eq!(
        kept,
        [
            "1 2 3, A and R are for CBR: c switches service",
            "switched to profile prod, project eu-de_finance"
        ],
        "messages survive the switch"
    );
}

#[test]
fn no_switch_while_an_export_runs_and_none_to_where_one_is() {
    let mut app = picking();
    key(&mut app, KeyCode::Enter); // on ● demo
    assert_eq!(app.notice.as_deref(), Some("already on demo"));
    assert!(app.switching.is_none());
    app.export = Some(ExportState {
        id: 1,
        path: "x.csv".into(),
        rows: 0,
        total: None,
        cancelling: false,
    });
    assert_eq!(ch(&mut app, 'P'), None);
    assert!(app.context_picker.is_none());
    assert!(
        app.notice
            .as_deref()
            .unwrap()
            .contains("an export is running"),
        "{:?}",
        app.notice
    );
}

#[test]
fn without_a_context_source_the_key_says_so() {
    let mut app = fixtures::loaded(80, 24);
    assert_eq!(ch(&mut app, ':'), None);
    assert_eq!(
        app.notice.as_deref(),
        Some("this browser cannot switch context")
    );
}

/// The picker at 80x24 and 200x60 (reviewed: profiles then IAM's projects, ● on the one in
/// use, the highlighted line, the keys at the bottom), and while IAM has not answered or
/// could not be asked.
#[test]
fn context_picker_snapshots() {
    for (w, h) in [(80u16, 24u16), (200, 60)] {
        let mut app = picking();
        app.update(Msg::Resize(w, h));
        ch(&mut app, 'j');
        insta::assert_snapshot!(
            format!("context_picker_{w}x{h}"),
            fixtures::render(&app, w, h)
        );
    }
    let mut app = fixtures::loaded(80, 24);
    app.contexts_available = true;
    ch(&mut app, 'P');
    let loading = fixtures::render(&app, 80, 24);
    assert!(
        loading.contains("Reading profiles and projects…"),
        "{loading}"
    );
    let mut no_iam = list();
    no_iam.projects = Err("no IAM URL to ask (set auth_url or a region)".into());
    app.update(Msg::Context(Box::new(ContextNews::Listed(no_iam))));
    let text = fixtures::render(&app, 80, 24);
    assert!(
        text.contains("cannot list: no IAM URL to ask (set auth_url or a region)"),
        "{text}"
    );
}

/// A message cut in the footer says `(L)`, and the request log shows it whole.
#[test]
fn a_cut_message_is_read_whole_in_the_request_log() {
    let mut app = picking();
    ch(&mut app, 'k');
    key(&mut app, KeyCode::Enter);
    let why = "cannot connect to iam.eu-de.otc.t-systems.com: connection refused; check \
               --endpoint and that the service is running and reachable";
    app.update(Msg::Context(Box::new(ContextNews::Switched(Err((
        "prod".into(),
        why.into(),
    ))))));
    let screen = fixtures::render(&app, 80, 24);
    let footer = screen.lines().last().unwrap();
    assert!(footer.trim_end().ends_with("… (L)"), "{footer}");
    ch(&mut app, 'L');
    for (w, h) in [(80u16, 24u16), (200, 60)] {
        app.update(Msg::Resize(w, h));
        insta::assert_snapshot!(
            format!("messages_in_log_{w}x{h}"),
            fixtures::render(&app, w, h)
        );
    }
}

/// Under CBR the tab stays: switching while on Shared by me walks the new project's
/// backups.
#[test]
fn a_switch_keeps_the_cbr_tab() {
    let mut app = App::new(&super::cbr::cbr_options(), NOW);
    app.update(Msg::Resize(80, 24));
    let _ = app.start();
    app.contexts_available = true;
    ch(&mut app, 't');
    assert_eq!(app.cbr.tab, CbrTab::ByMe);
    let effect = app.update(Msg::Context(Box::new(ContextNews::Switched(Ok(Box::new(
        SwitchedTo {
            header: app.header.clone(),
            cbr_available: true,
            request_log: None,
        },
    ))))));
    assert_eq!(app.cbr.tab, CbrTab::ByMe);
    assert!(
        matches!(
            effect,
            Some(Effect::Cbr(crate::tui::msg::CbrEffect::Walk { .. }))
        ),
        "{effect:?}"
    );
}
