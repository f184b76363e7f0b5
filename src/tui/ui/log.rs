//! The request log (`L`): the session's last requests, newest first, one per line, the
//! highlighted one's request ID copied by `y`.

use std::fmt::Write as _;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use crate::api::request_log::RequestRecord;
use crate::api::time::Timestamp;
use crate::text::{pad, sanitize, thousands, truncate};
use crate::tui::app::App;
use crate::tui::layout;

/// A request's path and query as the log shows it: the project ID and the service's base
/// path say nothing here (every call has them), so `/v2/{project}/os-vendor-backup-sharing`
/// becomes `vbs:` and `/v3/{project}/` `cbr:`, leaving room for what differs: the call
/// and its query (which page). Other paths (IAM's) stay whole, a project ID in them `…`.
pub fn short_target(target: &str) -> String {
    let is_id = |seg: &str| seg.len() == 32 && seg.bytes().all(|b| b.is_ascii_hexdigit());
    let segs: Vec<&str> = target.split('/').collect();
    match segs.as_slice() {
        ["", "v2", p, "os-vendor-backup-sharing", rest @ ..] if is_id(p) => {
            format!("vbs:{}", rest.join("/"))
        }
        ["", "v3", p, rest @ ..] if is_id(p) => format!("cbr:{}", rest.join("/")),
        _ => segs
            .iter()
            .map(|seg| if is_id(seg) { "…" } else { seg })
            .collect::<Vec<_>>()
            .join("/"),
    }
}

/// One request as a line: time, method, status, latency, size, request ID, target, and
/// the attempt when it was a retry.
pub fn line(r: &RequestRecord) -> String {
    let time = Timestamp::from_unix(r.at, 0).display_utc();
    let status = match (r.status, &r.failure) {
        (Some(s), _) => s.to_string(),
        (None, Some(_)) => "—".to_owned(),
        (None, None) => "?".to_owned(),
    };
    let bytes = if r.bytes < 10_000 {
        format!("{} B", r.bytes)
    } else {
        format!("{} kB", thousands(r.bytes as u64 / 1000))
    };
    let target = short_target(&r.target);
    let mut out = format!(
        "{} {} {} {} {} {} {}",
        time.get(11..).unwrap_or(&time),
        pad(&r.method, 6),
        pad(&status, 3),
        pad(&format!("{} ms", r.latency_ms), 7),
        pad(&bytes, 6),
        // Cut to fit 80 columns; `y` copies it whole.
        pad(r.request_id.as_deref().unwrap_or("—"), 10),
        target
    );
    // Retries are rare: said after the target rather than in a column of its own.
    if r.attempt > 1 {
        let _ = write!(out, " · try {}", r.attempt);
    }
    if let Some(f) = &r.failure {
        out.push_str(" · ");
        out.push_str(f);
    }
    sanitize(&out).into_owned()
}

/// The last footer messages in full (wrapped), newest first, over at most a third of
/// `area`; returns what is left below them for the requests.
fn draw_messages(frame: &mut Frame, area: Rect, app: &App) -> Rect {
    let t = &app.theme;
    let cols = usize::from(area.width).max(1);
    let room = usize::from(area.height) / 3;
    if app.messages.is_empty() || room < 2 {
        return area;
    }
    let mut lines = vec![Line::from(Span::styled(
        "Messages, newest first",
        t.table_header,
    ))];
    for (at, text) in app.messages.iter().rev() {
        let time = Timestamp::from_unix(*at, 0).display_utc();
        let full = format!("{} {}", time.get(11..).unwrap_or(&time), sanitize(text));
        let wrapped = crate::tui::content::wrap::wrap(&full, cols);
        if lines.len() + wrapped.len() > room {
            break;
        }
        lines.extend(
            wrapped
                .into_iter()
                .map(|l| Line::from(Span::styled(l, t.notice))),
        );
    }
    let used = (lines.len() as u16 + 1).min(area.height);
    frame.render_widget(
        Paragraph::new(lines),
        Rect {
            height: used,
            ..area
        },
    );
    Rect {
        y: area.y + used,
        height: area.height - used,
        ..area
    }
}

/// Draws the view, `selected` lines from the newest highlighted.
pub fn draw(frame: &mut Frame, area: Rect, app: &App, selected: usize) {
    let t = &app.theme;
    let all = app
        .request_log
        .as_ref()
        .map(crate::api::request_log::RequestLog::snapshot)
        .unwrap_or_default();
    let block = Block::bordered()
        .title(format!(
            " Requests · {} kept, newest first · y copies the request ID ",
            all.len()
        ))
        .border_style(t.border)
        .title_style(t.title);
    frame.render_widget(block, area);
    let inner = layout::view_inner(area);
    let cols = usize::from(inner.width);
    let inner = draw_messages(frame, inner, app);
    if all.is_empty() {
        frame.render_widget(
            Paragraph::new(Span::styled("No requests yet", t.dim)),
            inner,
        );
        return;
    }
    let height = usize::from(inner.height).max(1);
    let top = selected.saturating_sub(height - 1);
    let lines: Vec<Line> = all
        .iter()
        .rev()
        .enumerate()
        .skip(top)
        .take(height)
        .map(|(i, r)| {
            let text = truncate(&line(r), cols).into_owned();
            let failed = r.failure.is_some() || r.status.is_some_and(|s| s >= 400);
            let style = match (i == selected, failed) {
                (true, _) => t.selected,
                (false, true) => t.error,
                (false, false) => t.header,
            };
            Line::from(Span::styled(pad(&text, cols), style))
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}

#[cfg(test)]
mod tests {
    use super::short_target;

    #[test]
    fn targets_lose_what_every_call_has() {
        let p = "c13f5220dc1949b0b741ea81a7cd5554";
        assert_eq!(
            short_target(&format!(
                "/v2/{p}/os-vendor-backup-sharing/detail?limit=50&offset=50"
            )),
            "vbs:detail?limit=50&offset=50"
        );
        assert_eq!(
            short_target(&format!("/v3/{p}/backups/b1/members?limit=100")),
            "cbr:backups/b1/members?limit=100"
        );
        assert_eq!(short_target("/v3/auth/projects"), "/v3/auth/projects");
        assert_eq!(short_target(&format!("/v3/projects/{p}")), "/v3/projects/…");
    }
}
