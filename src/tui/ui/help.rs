//! Drawing the `?` overlay (its text comes from [`content::help`](crate::tui::content::help)).

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Paragraph};

use crate::tui::app::App;
use crate::tui::content::help::{content, rect};

/// Draws the overlay over whatever is on screen.
pub fn draw(frame: &mut Frame, area: Rect, app: &App, scroll: usize) {
    let (lines, w) = content(area, &app.theme);
    let r = rect(area, w, lines.len());
    let block = Block::bordered()
        .title(" Keys · Esc closes ")
        .border_style(app.theme.border)
        .title_style(app.theme.title);
    let inner = block.inner(r);
    let inner = Rect {
        x: inner.x + 1,
        width: inner.width.saturating_sub(2),
        ..inner
    };
    frame.render_widget(Clear, r);
    frame.render_widget(block, r);
    let visible: Vec<Line> = lines
        .into_iter()
        .skip(scroll)
        .take(inner.height.into())
        .collect();
    frame.render_widget(Paragraph::new(visible), inner);
}
