//! Drawing the raw JSON view (the lines come from [`content::raw`](crate::tui::content::raw)).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

use crate::tui::app::App;
use crate::tui::layout;

/// Draws the view.
pub fn draw(frame: &mut Frame, area: Rect, app: &App, scroll: usize) {
    frame.render_widget(super::view_block(app, "Raw JSON ·"), area);
    let inner = layout::view_inner(area);
    let Some(lines) = app.raw_lines(inner.width.into()) else {
        return;
    };
    let visible: Vec<Line> = lines
        .into_iter()
        .skip(scroll)
        .take(inner.height.into())
        .collect();
    frame.render_widget(Paragraph::new(visible), inner);
}
