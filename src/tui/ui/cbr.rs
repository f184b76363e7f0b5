//! Drawing CBR: the tabs with their counts, the table of the page on screen (read from
//! the CBR schemas), the footer's position and walk progress, and the vault picker.

use std::fmt::Write as _;

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use super::table::{Rows, columns_of, draw_rows};
use crate::schema::View;
use crate::schema::cbr::{MEMBER, SHARED, VAULT_FIT, VaultRow};
use crate::text::{sanitize, thousands, truncate, width};
use crate::tui::app::{App, CbrRows, CbrTab, VaultPicker};
use crate::tui::layout::Areas;

/// The tabs line: Shared by me (with `≥ n` while the walk runs), then the three
/// shared-with-me tabs with their counts.
pub fn tabs_line(app: &App, cols: usize) -> Line<'static> {
    let t = &app.theme;
    let f = &app.query.filters;
    let mut spans = Vec::new();
    for tab in [
        CbrTab::ByMe,
        CbrTab::Pending,
        CbrTab::Accepted,
        CbrTab::Rejected,
    ] {
        let active = app.cbr.tab == tab;
        let count = match (tab, app.cbr.count(tab, f)) {
            (CbrTab::ByMe, Some(n)) if !app.cbr.walk.finished => format!(" ≥ {}", thousands(n)),
            (_, Some(n)) => format!(" {}", thousands(n)),
            (_, None) => String::new(),
        };
        let key = tab
            .with_me_index()
            .map_or("t".to_owned(), |i| (i + 1).to_string());
        let marker = if active { "●" } else { "○" };
        let text = format!(" {marker} {key} {}{count} ", tab.title());
        if !spans.is_empty() {
            spans.push(Span::raw(" "));
        }
        spans.push(Span::styled(
            text,
            if active { t.tab_active } else { t.tab_inactive },
        ));
    }
    let used: usize = spans.iter().map(|s| width(&s.content)).sum();
    let s = app.cbr.sort;
    let arrow = if s.desc { "↓" } else { "↑" };
    let right = format!(
        "sort {} {arrow} · {} per page ",
        s.key.label(app.cbr.tab),
        app.page_size()
    );
    let short = format!("{} {arrow} ", s.key.label(app.cbr.tab));
    if let Some(r) = [right, short]
        .into_iter()
        .find(|r| used + width(r) + 2 <= cols)
    {
        spans.push(Span::raw(" ".repeat(cols - used - width(&r))));
        spans.push(Span::styled(r, t.dim));
    }
    Line::from(spans)
}

/// Draws the CBR page on screen.
pub fn draw_table(frame: &mut Frame, areas: &Areas, app: &App) {
    match &app.cbr.page.rows {
        CbrRows::Shared(rows) => draw_of(frame, areas, app, &SHARED, rows),
        CbrRows::Members(rows) => draw_of(frame, areas, app, &MEMBER, rows),
    }
}

fn draw_of<R>(
    frame: &mut Frame,
    areas: &Areas,
    app: &App,
    schema: &'static crate::schema::Schema<R>,
    rows: &[R],
) {
    let r = Rows {
        schema,
        rows,
        view: View { to_me: true },
        selected: app.selected,
        scroll: app.scroll,
        view_old: false,
        query_key: format!(
            "cbr {:?} {:?} {:?} {}",
            app.cbr.tab,
            app.query.filters,
            app.cbr.sort,
            app.page_size()
        ),
    };
    draw_rows(frame, areas, app, &r, || empty_message(app));
}

fn empty_message(app: &App) -> String {
    let c = &app.cbr;
    let filtered = app.query.filters
        != crate::api::query::Filters {
            share_to_me: app.query.filters.share_to_me,
            ..Default::default()
        };
    match c.page.tab {
        CbrTab::ByMe if c.walk.running => "Reading the members of this project's backups…".into(),
        CbrTab::ByMe if filtered => "No members match these filters (x clears them)".into(),
        CbrTab::ByMe if c.walk.finished => "This project shares no backups".into(),
        CbrTab::ByMe => "The walk was stopped: r starts it again".into(),
        _ if c.shared.is_none() && c.loading => "Loading shared backups…".into(),
        _ if c.shared.is_none() => "Nothing loaded: see the error below (r retries)".into(),
        _ if filtered => "No backups match these filters (x clears them)".into(),
        tab => format!("No {} backups", tab.title().to_lowercase()),
    }
}

/// The footer's position: rows and pages, and on Shared by me how far the walk has got.
pub fn position(app: &App) -> String {
    let c = &app.cbr;
    let p = &c.page;
    let size = u64::from(app.page_size());
    let mut out = if p.rows.is_empty() {
        String::new()
    } else {
        format!(
            "rows {}–{} of {} · page {}/{}",
            thousands(p.offset + 1),
            thousands(p.offset + p.rows.len() as u64),
            thousands(p.total),
            thousands(p.offset / size + 1),
            thousands(p.total.div_ceil(size).max(1))
        )
    };
    if p.tab == CbrTab::ByMe && (c.walk.running || !c.walk.finished) {
        let w = &c.walk;
        let read = w.done.len() as u64 + w.failed.len() as u64;
        let of = w.total.map_or_else(|| "?".to_owned(), thousands);
        let state = if w.running { "" } else { " (paused)" };
        if !out.is_empty() {
            out.push_str(" · ");
        }
        let _ = write!(
            out,
            "members of {}/{of} backups read · {} sharings{state}",
            thousands(read),
            thousands(w.members.len() as u64)
        );
    }
    if p.tab == CbrTab::ByMe && !c.walk.failed.is_empty() {
        let _ = write!(out, " · {} failed", c.walk.failed.len());
    }
    out
}

/// Draws the vault picker over everything, when open.
pub fn draw_picker(frame: &mut Frame, area: Rect, app: &App) {
    let Some(p) = &app.cbr.picker else { return };
    let t = &app.theme;
    let w = area.width.saturating_sub(4).min(110);
    let rows = p.vaults.as_ref().map_or(1, Vec::len) as u16;
    let h = (rows + 7).min(area.height.saturating_sub(1));
    let r = Rect::new(
        area.x + (area.width.saturating_sub(w)) / 2,
        area.y + (area.height.saturating_sub(1).saturating_sub(h)) / 2,
        w,
        h,
    );
    let inner = super::overlay(
        frame,
        r,
        title(p),
        " ↑↓ choose · Enter accept · Esc cancel ",
        app,
    );
    let cols = usize::from(inner.width);
    let mut lines = Vec::new();
    match (&p.vaults, &p.error) {
        (_, Some(e)) => lines.push(Line::from(Span::styled(sanitize(e).into_owned(), t.error))),
        (None, None) => lines.push(Line::from(Span::styled(
            "Reading this project's vaults…",
            t.dim,
        ))),
        (Some(v), None) if v.is_empty() => {
            lines.push(Line::from(Span::styled(
                "This project has no vaults",
                t.dim,
            )));
        }
        (Some(vaults), None) => {
            let only: Vec<VaultRow> = vaults.iter().map(|(r, _)| r.clone()).collect();
            let widths = columns_of(
                &VAULT_FIT,
                cols.saturating_sub(2),
                &only,
                View::default(),
                None,
            );
            let header: String = widths
                .iter()
                .map(|(c, w)| crate::text::pad(&truncate(c.column.title.by_me, *w), *w))
                .collect::<Vec<_>>()
                .join(" ");
            lines.push(Line::from(Span::styled(
                format!("  {header}"),
                t.table_header,
            )));
            let height = usize::from(inner.height).saturating_sub(2).max(1);
            let top = p.selected.saturating_sub(height - 1);
            for (i, (row, fits)) in vaults.iter().enumerate().skip(top).take(height) {
                let text: String = widths
                    .iter()
                    .map(|(c, w)| {
                        let d = (c.column.cell)(row, View::default());
                        let s = cell_text(d);
                        crate::text::pad(&truncate(&s, *w), *w)
                    })
                    .collect::<Vec<_>>()
                    .join(" ");
                let marker = if i == p.selected { "▶ " } else { "  " };
                let style = match (i == p.selected, fits) {
                    (true, _) => t.selected,
                    (false, true) => t.header,
                    (false, false) => t.dim,
                };
                lines.push(Line::from(Span::styled(format!("{marker}{text}"), style)));
            }
            // The highlighted vault's verdict in full, whatever the width.
            if let Some((row, fits)) = vaults.get(p.selected) {
                let name = row
                    .vault
                    .name
                    .as_deref()
                    .or(row.vault.id.as_deref())
                    .unwrap_or("—");
                let text = format!(
                    "{}: {}",
                    sanitize(name),
                    row.verdict.as_deref().unwrap_or("—")
                );
                lines.push(Line::default());
                lines.push(Line::from(Span::styled(
                    truncate(&text, cols).into_owned(),
                    if *fits { t.header } else { t.error },
                )));
            }
            if !vaults.iter().any(|(_, fits)| *fits) {
                lines.push(Line::from(Span::styled(
                    "No vault of this project can take this backup",
                    t.error,
                )));
            }
        }
    }
    frame.render_widget(Paragraph::new(lines), inner);
}

/// `Accept <name> (40 GB, server) into…`.
fn title(p: &VaultPicker) -> String {
    let b = &p.backup;
    let name = truncate(
        &sanitize(b.name.as_deref().or(b.id.as_deref()).unwrap_or("—")),
        40,
    )
    .into_owned();
    let size = b
        .resource_size
        .map_or_else(|| "size unknown".to_owned(), |g| format!("{g} GB"));
    let kind = b
        .object_type()
        .map_or_else(|| "type unknown".to_owned(), |o| o.as_str().to_owned());
    format!(" Accept {name} ({size}, {kind}) into… ")
}

/// A vault cell's text (sizes in MB, verdicts as words).
fn cell_text(d: crate::schema::Datum<'_>) -> String {
    use crate::schema::Value;
    let s = match d.value {
        Value::Text(v) | Value::Json(v) | Value::Status(v) | Value::Project(v) => {
            v.map(|v| sanitize(v).into_owned())
        }
        Value::Mb(m) => m.map(crate::api::cbr::model::size_text),
        Value::Gb(g) => g.map(crate::text::human_gb),
        Value::Count(n) => n.map(thousands),
        Value::Flag(b) => b.map(|b| b.to_string()),
        Value::Time(t) => t.map(crate::api::time::Timestamp::display_utc),
        Value::Object => None,
    };
    s.unwrap_or_else(|| "—".to_owned())
}
