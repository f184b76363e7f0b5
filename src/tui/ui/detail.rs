//! Drawing the detail of the selected sharing: the side pane and the full-screen view
//! (the lines come from [`content::detail`](crate::tui::content::detail)).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use crate::tui::app::App;
use crate::tui::layout;

/// Draws the side pane (wide terminals).
pub fn draw_pane(frame: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let block = Block::default()
        .borders(Borders::LEFT)
        .border_style(t.border);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let inner = Rect {
        x: inner.x + 1,
        width: inner.width.saturating_sub(1),
        ..inner
    };
    let content = app
        .detail_lines(inner.width.into())
        .unwrap_or_else(|| vec![Line::from(Span::styled("Nothing selected", t.dim))]);
    frame.render_widget(Paragraph::new(content), inner);
}

/// Draws the full-screen detail view.
pub fn draw_full(frame: &mut Frame, area: Rect, app: &App, scroll: usize) {
    let block = super::view_block(app, if app.is_cbr() { "Backup" } else { "Sharing" });
    frame.render_widget(block, area);
    let inner = layout::view_inner(area);
    let Some(all) = app.detail_lines(inner.width.into()) else {
        return;
    };
    let visible: Vec<Line> = all
        .into_iter()
        .skip(scroll)
        .take(inner.height.into())
        .collect();
    frame.render_widget(Paragraph::new(visible), inner);
}
