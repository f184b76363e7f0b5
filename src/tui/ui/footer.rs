//! The footer (spinner, position, latency, watch mode, key hints or what runs in the
//! background) and the error panel.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};

use crate::api::time::Timestamp;
use crate::text::{thousands, truncate, width};
use crate::tui::app::{App, DEFAULT_PAGE_SIZE, Dialog, ErrorInfo, Focus, View};
use crate::tui::theme::{StatusKind, Theme};

/// The spinner's frames.
pub const SPINNER: [&str; 10] = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

/// `rows 51–100 of 1,234 · page 2/25` for the rows on screen.
pub fn position(app: &App) -> String {
    if app.is_cbr() {
        return super::cbr::position(app);
    }
    let total = app.page.total.map_or_else(|| "?".to_owned(), thousands);
    let Some(shown) = &app.page.query else {
        return String::new();
    };
    let size = u64::from(shown.limit.unwrap_or(DEFAULT_PAGE_SIZE).max(1));
    let offset = shown.offset.unwrap_or(0);
    let page = offset / size + 1;
    let pages = app
        .page
        .total
        .map_or_else(|| "?".to_owned(), |t| thousands(t.div_ceil(size).max(1)));
    if app.page.rows.is_empty() {
        return if app.page.total == Some(0) {
            "0 rows".to_owned()
        } else {
            format!("no rows · page {page}/{pages}")
        };
    }
    let first = offset + 1;
    let last = offset + app.page.rows.len() as u64;
    format!(
        "rows {}–{} of {total} · page {}/{pages}",
        thousands(first),
        thousands(last),
        thousands(page)
    )
}

/// `watch 5s · last 12:03:07 UTC` while watch mode is on (the time only when `room`
/// columns allow it).
pub fn watch_status(app: &App, room: usize) -> Option<String> {
    let every = app.watch?;
    let mut text = format!("watch {}", crate::tui::app::interval_text(every));
    if let Some(t) = app.last_refresh {
        let time = Timestamp::from_unix(t, 0).display_utc();
        let last = format!(" · last {} UTC", time.get(11..).unwrap_or(&time));
        if width(&text) + width(&last) <= room {
            text.push_str(&last);
        }
    }
    Some(text)
}

/// ` · 2 fields unreadable (shown as ?…)` when fields of the page on screen could not be
/// read, shortened when `room` columns are too few to leave space for a hint.
pub fn unparsed_note(app: &App, room: usize) -> Option<String> {
    let n = app.unparsed_fields();
    if n == 0 {
        return None;
    }
    let mark = crate::api::model::UNPARSED_MARK;
    let count = thousands(n as u64);
    let fields = if n == 1 { "field" } else { "fields" };
    let full = format!(" · {count} {fields} unreadable (shown as {mark}…)");
    Some(if width(&full) + 12 <= room {
        full
    } else {
        format!(" · {count} unreadable {mark}…")
    })
}

fn spans_width(spans: &[Span]) -> usize {
    spans.iter().map(|s| width(&s.content)).sum()
}

fn hints(app: &App) -> &'static [(&'static str, &'static str)] {
    match &app.dialog {
        Some(Dialog::Share(_)) => {
            return &[("Enter", "continue"), ("Esc", "cancel"), ("^U", "clear")];
        }
        Some(Dialog::Export(_)) => {
            return &[("Enter", "export"), ("Tab", "json/csv"), ("Esc", "cancel")];
        }
        Some(Dialog::Confirm(_)) => return &[("y", "yes"), ("n/Esc", "no")],
        None => {}
    }
    match (app.view, app.focus) {
        (Some(View::Help { .. }), _) => &[("Esc", "close"), ("j/k", "scroll")],
        (Some(_), _) => &[("Esc", "close"), ("j/k", "scroll"), ("y/Y", "copy IDs")],
        (None, Focus::Form) => &[
            ("Tab", "next field"),
            ("Enter", "apply"),
            ("Esc", "leave"),
            ("^U", "clear"),
        ],
        (None, Focus::Table) if app.error.is_some() => &[
            ("r", "retry"),
            ("Esc", "hide error"),
            ("?", "help"),
            ("q", "quit"),
        ],
        (None, Focus::Table) if app.is_cbr() && app.cbr_selected_shared().is_some() => &[
            ("?", "help"),
            ("A", "accept"),
            ("R", "reject"),
            ("1/2/3", "tab"),
            ("t", "by me"),
            ("/", "filter"),
            ("Enter", "detail"),
            ("c", "VBS"),
            ("q", "quit"),
        ],
        (None, Focus::Table) if app.is_cbr() => &[
            ("?", "help"),
            ("/", "filter"),
            ("t", "with me"),
            ("a/d/D", "members"),
            ("Enter", "detail"),
            ("e", "export"),
            ("r", "re-walk"),
            ("c", "VBS"),
            ("q", "quit"),
        ],
        (None, Focus::Table) => &[
            ("?", "help"),
            ("/", "filter"),
            ("t", "by/with me"),
            ("]/[", "page"),
            ("Enter", "detail"),
            ("s/S", "sort"),
            ("a/d/D", "share/cancel"),
            ("e", "export"),
            ("w", "watch"),
            ("q", "quit"),
        ],
    }
}

/// Draws the footer line.
pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let cols = usize::from(area.width);
    let mut left: Vec<Span> = vec![Span::raw(" ")];
    if app.busy() {
        left.push(Span::styled(
            format!("{} ", SPINNER[app.spinner % SPINNER.len()]),
            t.key,
        ));
    }
    if app.view.is_none() {
        let pos = position(app);
        if let Some(old) = app.superseded_text() {
            left.push(Span::styled(old, t.notice));
        } else if pos.is_empty() && app.loading {
            left.push(Span::raw("loading…"));
        } else {
            left.push(Span::raw(pos));
        }
        if let Some(l) = app.latency {
            left.push(Span::styled(format!(" · {} ms", l.as_millis()), t.dim));
        }
        if let Some(text) = unparsed_note(app, cols.saturating_sub(spans_width(&left))) {
            left.push(Span::styled(text, t.status(StatusKind::Unknown)));
        }
        if let Some(e) = &app.error
            && !app.error_open
        {
            left.push(Span::styled(format!(" · ✗ {} failed", e.call), t.error));
        }
    }
    // A notice, the find, or what runs in the background, takes the place of the hints.
    let status = app
        .notice
        .clone()
        .map(|n| (n, t.notice))
        .or_else(|| app.find_status().map(|f| (f, t.key)))
        .or_else(|| app.export.as_ref().map(|e| (e.status(), t.key)))
        .or_else(|| app.writing.as_ref().map(|w| (w.doing(), t.key)))
        .or_else(|| {
            app.switching
                .as_ref()
                .map(|c| (format!("switching to {c}…"), t.key))
        });
    let used: usize = left.iter().map(|s| width(&s.content)).sum();
    // The time of the last refresh only when the status (or a hint) keeps enough room.
    let keep = if status.is_some() { 40 } else { 10 };
    if let Some(w) = watch_status(app, cols.saturating_sub(used + 3 + keep)) {
        left.push(Span::styled(format!(" · {w}"), t.key));
    }
    let left_w: usize = left.iter().map(|s| width(&s.content)).sum();
    let mut right: Vec<Span> = Vec::new();
    let mut right_w = 0;
    let room = cols.saturating_sub(left_w + 2);
    if let Some((text, style)) = status {
        // A message cut to fit says where it can be read whole.
        let text = if width(&text) > room && room > 12 && app.notice.is_some() {
            format!("{} (L)", truncate(&text, room - 4))
        } else {
            truncate(&text, room).into_owned()
        };
        right_w = width(&text) + 1;
        right.push(Span::styled(text, style));
        right.push(Span::raw(" "));
    } else {
        for (k, what) in hints(app) {
            let w = width(k) + 1 + width(what) + 2;
            if right_w + w > room {
                break;
            }
            right_w += w;
            right.push(Span::styled(*k, t.key));
            right.push(Span::styled(format!(" {what}  "), t.dim));
        }
    }
    let mut spans = left;
    spans.push(Span::raw(" ".repeat(cols.saturating_sub(left_w + right_w))));
    spans.extend(right);
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// Draws the error panel.
pub fn draw_error(frame: &mut Frame, area: Rect, e: &ErrorInfo, theme: &Theme) {
    let title = match e.status {
        Some(s) => format!(" ✗ {} failed · HTTP {s} ", e.call),
        None => format!(" ✗ {} failed ", e.call),
    };
    let bottom = if e.is_fetch() {
        " r retry · Esc hide "
    } else {
        " Esc hide "
    };
    let block = Block::bordered()
        .title(title)
        .title_bottom(bottom)
        .border_style(theme.error_border)
        .title_style(theme.error);
    let inner = block.inner(area);
    let inner = Rect {
        x: inner.x + 1,
        width: inner.width.saturating_sub(1),
        ..inner
    };
    frame.render_widget(block, area);
    frame.render_widget(
        Paragraph::new(crate::tui::content::error::lines(
            e,
            inner.width.into(),
            theme,
        )),
        inner,
    );
}
