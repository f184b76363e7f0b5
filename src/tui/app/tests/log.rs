//! The request log (`L`): newest first, `j`/`k` move the highlight, `y` copies the
//! highlighted request's ID.

use super::*;
use crate::api::request_log::{RequestLog, RequestRecord};

fn logged() -> App {
    let log = RequestLog::default();
    for (i, (status, id)) in [(200, Some("req-a")), (503, Some("req-b")), (200, None)]
        .into_iter()
        .enumerate()
    {
        log.push(RequestRecord {
            at: NOW + i as i64,
            method: "GET".into(),
            target: format!(
                "/v2/{}/os-vendor-backup-sharing/detail?limit=50&offset={}",
                crate::tui::fixtures::OWN_PROJECT,
                i * 50
            ),
            status: Some(status),
            failure: None,
            latency_ms: 40 + i as u64,
            bytes: 12_345,
            attempt: if i == 2 { 2 } else { 1 },
            request_id: id.map(str::to_owned),
        });
    }
    let mut options = crate::tui::fixtures::options();
    options.request_log = Some(log);
    let mut app = App::new(&options, NOW);
    app.update(Msg::Resize(80, 24));
    let _ = app.start();
    fixtures::answer(&mut app, page(0, 50), 1234);
    app
}

#[test]
fn l_shows_the_requests_newest_first_and_y_copies_a_request_id() {
    let mut app = logged();
    assert!(ch(&mut app, 'L').is_none());
    assert_eq!(app.view, Some(View::Log { scroll: 0 }));
    // The newest has no request ID: y says so.
    assert!(ch(&mut app, 'y').is_none());
    assert_eq!(
        app.notice.as_deref(),
        Some("this request has no request ID")
    );
    ch(&mut app, 'j');
    assert_eq!(ch(&mut app, 'y'), Some(Effect::Copy("req-b".into())));
    ch(&mut app, 'G');
    assert_eq!(ch(&mut app, 'y'), Some(Effect::Copy("req-a".into())));
    ch(&mut app, 'L');
    assert_eq!(app.view, None);
}

/// The log at 80x24 and 200x60 (reviewed: time, method, status, latency, size, the
/// request ID (cut to fit 80 columns; `y` copies it whole), the call and its query with
/// the project and base path left out, `· try 2` on a retry; the failed one in the error
/// style).
#[test]
fn request_log_snapshots() {
    for (w, h) in [(80u16, 24u16), (200, 60)] {
        let mut app = logged();
        app.update(Msg::Resize(w, h));
        ch(&mut app, 'L');
        ch(&mut app, 'j');
        insta::assert_snapshot!(format!("request_log_{w}x{h}"), fixtures::render(&app, w, h));
    }
}
