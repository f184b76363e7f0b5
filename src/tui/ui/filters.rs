//! The filter bar: every field when they fit, else the ones in use plus the focused one.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::text::{pad, sanitize, width};
use crate::tui::app::{App, Focus};
use crate::tui::form::Field;

/// The width of an empty field's box when every field is shown.
const MIN_BOX: usize = 10;

struct Slot {
    field: Field,
    value: String,
    focused: bool,
    box_w: usize,
}

impl Slot {
    fn width(&self) -> usize {
        width(self.field.label()) + 1 + self.box_w
    }
}

/// Draws the filter bar and, while editing, places the cursor.
pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let cols = usize::from(area.width);
    let editing = app.focus == Focus::Form;
    let slot = |field: Field, min_box: usize| {
        let value = sanitize(app.form.value(field)).into_owned();
        let focused = editing && app.form.focused() == field;
        let box_w = (width(&value) + usize::from(focused)).max(min_box);
        Slot {
            field,
            value,
            focused,
            box_w,
        }
    };
    let all: Vec<Slot> = Field::ALL.iter().map(|f| slot(*f, MIN_BOX)).collect();
    // A pivot says what it filtered by and how to go back.
    let pivot = app
        .pivots
        .last()
        .map(|p| format!(" ⤷ {} · ⌫ back │", p.label));
    let prefix = pivot.as_deref().unwrap_or(" ");
    let total = |slots: &[Slot]| -> usize {
        width(prefix)
            + slots.iter().map(Slot::width).sum::<usize>()
            + 2 * slots.len().saturating_sub(1)
    };
    let mut slots = all;
    let mut more = 0;
    if total(&slots) > cols {
        // Compact: the fields in use and the focused one.
        slots = Field::ALL
            .iter()
            .map(|f| slot(*f, 1))
            .filter(|s| s.focused || !s.value.is_empty())
            .collect();
        while total(&slots) > cols && slots.len() > 1 {
            // Drop unfocused fields from the end until it fits; the focused one stays.
            let Some(i) = slots.iter().rposition(|s| !s.focused) else {
                break;
            };
            slots.remove(i);
            more += 1;
        }
    }
    let t = &app.theme;
    let mut spans = vec![if pivot.is_some() {
        Span::styled(prefix.to_owned(), t.key)
    } else {
        Span::raw(prefix)
    }];
    let mut x = width(prefix);
    let mut cursor = None;
    if slots.is_empty() {
        spans.push(Span::styled("no filters · / name · Tab all filters", t.dim));
    }
    for (i, s) in slots.iter().enumerate() {
        if i > 0 {
            spans.push(Span::raw("  "));
            x += 2;
        }
        let label_style = if s.focused { t.label_focused } else { t.label };
        spans.push(Span::styled(s.field.label(), label_style));
        spans.push(Span::styled(":", t.label));
        x += width(s.field.label()) + 1;
        let room = cols.saturating_sub(x + usize::from(more > 0) * 4).max(1);
        let box_w = s.box_w.min(room);
        let text = if s.focused {
            let input = app.form.input(s.field);
            let scroll = input.visual_scroll(box_w.saturating_sub(1));
            cursor = Some(x + input.visual_cursor() - scroll);
            visible_from(&s.value, scroll)
        } else {
            s.value.clone()
        };
        spans.push(Span::styled(pad(&text, box_w), t.field));
        x += box_w;
    }
    if more > 0 {
        spans.push(Span::styled(format!("  +{more}"), t.dim));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
    if let Some(cx) = cursor.filter(|_| app.dialog.is_none()) {
        let cx = (cx.min(cols.saturating_sub(1)) as u16).saturating_add(area.x);
        frame.set_cursor_position(Position::new(cx, area.y));
    }
}

/// The text from column `skip` on.
fn visible_from(text: &str, skip: usize) -> String {
    let mut used = 0;
    let mut out = String::new();
    for c in text.chars() {
        if used >= skip {
            out.push(c);
        }
        used += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
    }
    out
}

/// Draws the open list picker: a filter's under the filter bar, the sort key's under the sort.
pub fn draw_list_picker(frame: &mut Frame, screen: Rect, bar: Rect, app: &App) {
    use ratatui::widgets::{Block, Clear};
    let Some(p) = &app.list_picker else { return };
    let t = &app.theme;
    let widest = p.choices.iter().map(|c| width(c)).max().unwrap_or(0);
    let w = (widest as u16 + 4).clamp(24, 40).min(screen.width);
    let h = (p.choices.len() as u16 + 2).min(screen.height.saturating_sub(bar.y + 1));
    if h < 3 {
        return;
    }
    // A filter's picker opens under the filter bar; the sort picker under the sort shown
    // at the right of the tabs line.
    let r = match p.target {
        crate::tui::app::Picking::Sort => {
            Rect::new(screen.width.saturating_sub(w + 1), bar.y, w, h)
        }
        crate::tui::app::Picking::Field(_) => {
            Rect::new(bar.x + 1.min(screen.width - w), bar.y + 1, w, h)
        }
    };
    let block = Block::bordered()
        .title(format!(" {} · Enter sets ", p.target.label()))
        .border_style(t.border)
        .title_style(t.title);
    let inner = block.inner(r);
    frame.render_widget(Clear, r);
    frame.render_widget(block, r);
    let rows = usize::from(inner.height).max(1);
    let top = p.selected.saturating_sub(rows - 1);
    let lines: Vec<Line> = p
        .choices
        .iter()
        .enumerate()
        .skip(top)
        .take(rows)
        .map(|(i, s)| {
            let style = if i == p.selected {
                t.selected
            } else {
                t.header
            };
            Line::from(Span::styled(
                pad(&format!(" {s}"), usize::from(inner.width)),
                style,
            ))
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), inner);
}
