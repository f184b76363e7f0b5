//! Drawing: a pure view of [`App`]. Nothing here fetches or changes state.
//!
//! Where things go comes from [`layout`] and what the views contain from [`content`], both
//! shared with the App (page height, mouse hit-testing, scroll bounds), so what the keys
//! assume and what the screen shows never disagree. Imports run one way: `ui` reads `app`,
//! `layout` and `content`; none of them reads `ui`.
//!
//! [`layout`]: crate::tui::layout
//! [`content`]: crate::tui::content

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Wrap};

use super::app::{App, View};
use super::layout::{MIN_HEIGHT, MIN_WIDTH};

pub mod cbr;
pub mod context;
pub mod detail;
pub mod dialog;
pub mod filters;
pub mod footer;
pub mod header;
pub mod help;
pub mod log;
pub mod raw;
pub mod table;

/// Draws the whole screen.
pub fn draw(frame: &mut Frame, app: &App) {
    let area = frame.area();
    let areas = app.areas();
    if areas.too_small {
        too_small(frame, area, app);
        return;
    }
    match app.view {
        Some(View::Detail { scroll }) => detail::draw_full(frame, areas.view, app, scroll),
        Some(View::Raw { scroll }) => raw::draw(frame, areas.view, app, scroll),
        Some(View::Log { scroll }) => log::draw(frame, areas.view, app, scroll),
        Some(View::Help { .. }) | None => {
            header::draw(frame, &areas, app);
            filters::draw(frame, areas.filters, app);
            if app.is_cbr() {
                cbr::draw_table(frame, &areas, app);
            } else {
                table::draw(frame, &areas, app);
            }
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
    filters::draw_list_picker(frame, area, areas.filters, app);
    cbr::draw_picker(frame, area, app);
    context::draw(frame, area, app);
    dialog::draw(frame, area, app);
}

fn too_small(frame: &mut Frame, area: Rect, app: &App) {
    let text = vec![
        Line::from("Terminal too small"),
        Line::from(format!(
            "need {MIN_WIDTH}x{MIN_HEIGHT}, have {}x{}",
            area.width, area.height
        )),
        Line::from(too_small_key(app)),
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

/// The key that gets out from where the keys go now (`q` types into a field).
fn too_small_key(app: &App) -> &'static str {
    if app.dialog.is_some() || app.cbr.picker.is_some() {
        "Esc closes the dialog · Ctrl-C quits"
    } else if app.view.is_some() {
        "Esc closes the view · q quits"
    } else if app.focus == super::app::Focus::Form {
        "Esc leaves the filter · Ctrl-C quits"
    } else {
        "q quits"
    }
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
/// Clears `r` and draws a bordered overlay box there with `title` on top and `keys` at
/// the bottom; returns the area inside it, one blank column in from each side.
pub fn overlay(frame: &mut Frame, r: Rect, title: String, keys: &'static str, app: &App) -> Rect {
    let block = Block::bordered()
        .title(title)
        .title_bottom(keys)
        .border_style(app.theme.border)
        .title_style(app.theme.title);
    let inner = block.inner(r);
    frame.render_widget(ratatui::widgets::Clear, r);
    frame.render_widget(block, r);
    Rect {
        x: inner.x + 1,
        width: inner.width.saturating_sub(2),
        ..inner
    }
}

pub fn view_block(app: &App, label: &str) -> Block<'static> {
    let id = app.selected_id().unwrap_or("—");
    Block::bordered()
        .title(format!(" {label} {} ", crate::text::sanitize(id)))
        .border_style(app.theme.border)
        .title_style(app.theme.title)
}
