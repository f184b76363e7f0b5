//! The context picker: profiles, then the projects IAM lists, the current one marked ●.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::text::{pad, sanitize, truncate, width};
use crate::tui::app::App;
use crate::tui::context::ContextEntry;

/// Draws the picker in the middle of `area`, when open.
pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let Some(p) = &app.context_picker else { return };
    let t = &app.theme;
    // (the line, the entry it selects)
    let mut lines: Vec<(Line<'static>, Option<usize>)> = Vec::new();
    let heading = |text: &str| {
        (
            Line::from(Span::styled(text.to_owned(), t.table_header)),
            None,
        )
    };
    let w = area.width.saturating_sub(4).min(76);
    let cols = usize::from(w.saturating_sub(4));
    let label_w = p
        .entries()
        .map(|e| width(&sanitize(&e.label)))
        .max()
        .unwrap_or(0)
        .clamp(8, cols / 2);
    let entry_line = |i: usize, e: &ContextEntry| {
        let mark = if e.current { "● " } else { "  " };
        let label = pad(&truncate(&sanitize(&e.label), label_w), label_w);
        let detail = truncate(&sanitize(&e.detail), cols.saturating_sub(label_w + 3)).into_owned();
        let text = pad(&format!("{mark}{label} {detail}"), cols);
        let style = if i == p.selected {
            t.selected
        } else {
            t.header
        };
        (Line::from(Span::styled(text, style)), Some(i))
    };
    match &p.list {
        None => lines.push((
            Line::from(Span::styled("Reading profiles and projects…", t.dim)),
            None,
        )),
        Some(list) => {
            if !list.profiles.is_empty() {
                lines.push(heading("Profiles"));
                lines.extend(
                    list.profiles
                        .iter()
                        .enumerate()
                        .map(|(i, e)| entry_line(i, e)),
                );
            }
            lines.push(heading("Projects these credentials reach (IAM)"));
            match &list.projects {
                Ok(projects) if projects.is_empty() => {
                    lines.push((Line::from(Span::styled("none listed", t.dim)), None));
                }
                Ok(projects) => {
                    let first = list.profiles.len();
                    lines.extend(
                        projects
                            .iter()
                            .enumerate()
                            .map(|(i, e)| entry_line(first + i, e)),
                    );
                }
                Err(why) => lines.push((
                    Line::from(Span::styled(
                        truncate(&format!("cannot list: {}", sanitize(why)), cols).into_owned(),
                        t.error,
                    )),
                    None,
                )),
            }
        }
    }
    let h = (lines.len() as u16 + 2).min(area.height.saturating_sub(2));
    if h < 3 || w < 20 {
        return;
    }
    let r = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height.saturating_sub(h)) / 2,
        w,
        h,
    );
    let inner = super::overlay(
        frame,
        r,
        " Switch context ".to_owned(),
        " ↑↓ choose · Enter switch · Esc close ",
        app,
    );
    let rows = usize::from(inner.height).max(1);
    let at = lines
        .iter()
        .position(|(_, i)| *i == Some(p.selected))
        .unwrap_or(0);
    let top = at.saturating_sub(rows - 1);
    let shown: Vec<Line> = lines
        .into_iter()
        .skip(top)
        .take(rows)
        .map(|(l, _)| l)
        .collect();
    frame.render_widget(Paragraph::new(shown), inner);
}
