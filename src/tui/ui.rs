//! Drawing: a pure view of [`App`]. Nothing here fetches or changes state.
//!
//! [`layout`] is shared with the App (page height, mouse hit-testing), so what the keys
//! assume and what the screen shows never disagree.

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::app::{App, View};

pub mod detail;
pub mod dialog;
pub mod filters;
pub mod footer;
pub mod header;
pub mod help;
pub mod raw;
pub mod table;
pub mod wrap;

/// Below this many columns the screen shows a notice instead of the browser.
pub const MIN_WIDTH: u16 = 40;
/// Below this many rows the screen shows a notice instead of the browser.
pub const MIN_HEIGHT: u16 = 10;
/// From this many columns on, the detail pane sits right of the table.
pub const SIDE_DETAIL_WIDTH: u16 = 100;

/// Where each region goes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Areas {
    /// The terminal is below the minimum size: nothing else is set.
    pub too_small: bool,
    /// The header line.
    pub header: Rect,
    /// The direction tabs and sort line.
    pub tabs: Rect,
    /// The filter bar.
    pub filters: Rect,
    /// The table including its header row.
    pub table: Rect,
    /// The table's rows.
    pub table_body: Rect,
    /// The side detail pane (wide terminals only).
    pub detail: Option<Rect>,
    /// The error panel, when open.
    pub error: Option<Rect>,
    /// The footer line.
    pub footer: Rect,
    /// A full-screen view (detail or raw JSON), when open.
    pub view: Rect,
}

/// Splits `area` into regions for the App's current state.
pub fn layout(area: Rect, app: &App) -> Areas {
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        return Areas {
            too_small: true,
            ..Areas::default()
        };
    }
    let row = |y: u16| Rect::new(area.x, area.y + y, area.width, 1);
    let header = row(0);
    let tabs = row(1);
    let filters = row(2);
    let footer = row(area.height - 1);
    let mut main = Rect::new(area.x, area.y + 3, area.width, area.height - 4);
    let mut error = None;
    if app.error_open
        && let Some(e) = &app.error
    {
        let lines = footer::error_lines(e, main.width.saturating_sub(3).into(), &app.theme).len();
        let h = (lines as u16 + 2).min(main.height / 2).max(3);
        error = Some(Rect::new(main.x, main.bottom() - h, main.width, h));
        main.height -= h;
    }
    let mut detail = None;
    let mut table = main;
    if area.width >= SIDE_DETAIL_WIDTH {
        let w = (area.width * 2 / 5).clamp(40, 90);
        table.width = area.width - w;
        detail = Some(Rect::new(table.right(), main.y, w, main.height));
    }
    let table_body = Rect::new(
        table.x,
        table.y + 1,
        table.width,
        table.height.saturating_sub(1),
    );
    let view = Rect::new(area.x, area.y, area.width, area.height - 1);
    Areas {
        too_small: false,
        header,
        tabs,
        filters,
        table,
        table_body,
        detail,
        error,
        footer,
        view,
    }
}

/// Draws the whole screen.
pub fn draw(frame: &mut Frame, app: &App) {
    let area = frame.area();
    let areas = layout(area, app);
    if areas.too_small {
        too_small(frame, area);
        return;
    }
    match app.view {
        Some(View::Detail { scroll }) => detail::draw_full(frame, areas.view, app, scroll),
        Some(View::Raw { scroll }) => raw::draw(frame, areas.view, app, scroll),
        Some(View::Help { .. }) | None => {
            header::draw(frame, &areas, app);
            filters::draw(frame, areas.filters, app);
            table::draw(frame, &areas, app);
            if let Some(r) = areas.detail {
                detail::draw_pane(frame, r, app);
            }
            if let (Some(r), Some(e)) = (areas.error, &app.error) {
                footer::draw_error(frame, r, e, &app.theme);
            }
        }
    }
    footer::draw(frame, areas.footer, app);
    if let Some(View::Help { scroll }) = app.view {
        help::draw(frame, area, app, scroll);
    }
    dialog::draw(frame, area, app);
}

/// How far the view can scroll, given the terminal size.
pub fn view_max_scroll(app: &App, view: View) -> usize {
    let areas = layout(app.area(), app);
    match view {
        View::Help { .. } => help::max_scroll(app.area()),
        View::Detail { .. } => detail::max_scroll(areas.view, app),
        View::Raw { .. } => raw::max_scroll(areas.view, app),
    }
}

fn too_small(frame: &mut Frame, area: Rect) {
    let text = vec![
        Line::from("Terminal too small"),
        Line::from(format!(
            "need {MIN_WIDTH}x{MIN_HEIGHT}, have {}x{}",
            area.width, area.height
        )),
        Line::from("q quits"),
    ];
    let top = area.height.saturating_sub(3) / 2;
    let r = Rect::new(area.x, area.y + top, area.width, area.height - top);
    frame.render_widget(
        Paragraph::new(text)
            .alignment(Alignment::Center)
            .wrap(Wrap { trim: true }),
        r,
    );
}

/// The buffer as plain text, one line per row, wide characters counted once
/// (for snapshots and tests).
pub fn buffer_text(buf: &Buffer) -> String {
    let area = buf.area;
    let mut out = String::new();
    for y in area.top()..area.bottom() {
        let mut line = String::new();
        let mut skip = 0usize;
        for x in area.left()..area.right() {
            if skip > 0 {
                skip -= 1;
                continue;
            }
            let sym = buf[(x, y)].symbol();
            skip = crate::text::width(sym).saturating_sub(1);
            line.push_str(sym);
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// The frame of a full-screen view about the selected sharing: bordered, themed, and
/// titled `{label} {sharing id}`.
pub fn view_block(app: &App, label: &str) -> Block<'static> {
    let id = app
        .selected_row()
        .and_then(|s| s.id.as_deref())
        .unwrap_or("—");
    Block::bordered()
        .title(format!(" {label} {} ", crate::text::sanitize(id)))
        .border_style(app.theme.border)
        .title_style(app.theme.title)
}

/// The text area of a full-screen view: inside its frame, one column of padding each side.
pub fn view_inner(area: Rect, app: &App) -> Rect {
    let inner = view_block(app, "").inner(area);
    Rect {
        x: inner.x + 1,
        width: inner.width.saturating_sub(2),
        ..inner
    }
}
