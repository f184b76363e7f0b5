//! The dialogs (share prompt, confirmation, export), drawn last, over everything, centred
//! above the footer.

use ratatui::Frame;
use ratatui::layout::{Position, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Clear, Paragraph};
use tui_input::Input;

use crate::text::{pad, sanitize, thousands, width};
use crate::tui::app::{App, CbrTab, Confirm, Dialog, ExportDialog, SharePrompt};
use crate::tui::content::wrap::wrap;
use crate::tui::export::FileFormat;
use crate::tui::theme::Theme;

/// The widest a dialog gets.
const MAX_W: u16 = 76;

/// What a dialog shows: its lines, and where the text cursor goes (line, column).
struct Content {
    title: &'static str,
    lines: Vec<Line<'static>>,
    /// How many last lines (the buttons) stay visible when the dialog is too short for
    /// everything: the text above them gives way instead.
    keep: usize,
    cursor: Option<(usize, usize)>,
    border: Style,
}

/// Draws the open dialog, if any.
pub fn draw(frame: &mut Frame, area: Rect, app: &App) {
    let Some(dialog) = &app.dialog else { return };
    let w = area.width.saturating_sub(4).min(MAX_W);
    if w < 12 || area.height < 4 {
        return;
    }
    let cols = usize::from(w - 4);
    let t = &app.theme;
    let c = match dialog {
        Dialog::Share(p) => share(p, cols, app),
        Dialog::Confirm(c) => confirm(c, cols, t),
        Dialog::Export(d) => export(d, cols, app),
    };
    // The footer row stays visible below the dialog.
    let avail_h = area.height - 1;
    let h = u16::try_from(c.lines.len() + 2)
        .unwrap_or(u16::MAX)
        .min(avail_h);
    let r = Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (avail_h - h) / 2,
        w,
        h,
    );
    let block = Block::bordered()
        .title(c.title)
        .border_style(c.border)
        .title_style(t.title);
    let inner = block.inner(r);
    let inner = Rect {
        x: inner.x + 1,
        width: inner.width.saturating_sub(2),
        ..inner
    };
    // A blank column each side, so the table does not run into the border.
    let gutter = Rect::new(r.x.saturating_sub(1), r.y, r.width + 2, r.height).intersection(area);
    frame.render_widget(Clear, gutter);
    frame.render_widget(block, r);
    let room = usize::from(inner.height);
    let mut lines = c.lines;
    if lines.len() > room && c.keep > 0 && room > c.keep {
        let tail = lines.split_off(lines.len() - c.keep);
        lines.truncate(room - c.keep);
        if let Some(last) = lines.last_mut() {
            *last = Line::from(Span::styled("…", t.dim));
        }
        lines.extend(tail);
    }
    frame.render_widget(Paragraph::new(lines), inner);
    if let Some((line, col)) = c.cursor
        && line < usize::from(inner.height)
    {
        let x = inner.x + (col.min(usize::from(inner.width.saturating_sub(1))) as u16);
        frame.set_cursor_position(Position::new(x, inner.y + line as u16));
    }
}

/// Wrapped lines of (sanitized) `text` in `style`.
fn para(text: &str, cols: usize, style: Style) -> Vec<Line<'static>> {
    wrap(text, cols)
        .into_iter()
        .map(|l| Line::from(Span::styled(l, style)))
        .collect()
}

/// An input's visible text in a box of `cols` columns, and the cursor's column in it.
fn field(input: &Input, cols: usize) -> (String, usize) {
    let cols = cols.max(1);
    let scroll = input.visual_scroll(cols.saturating_sub(1));
    let mut used = 0;
    let mut text = String::new();
    for c in input.value().chars() {
        if used >= scroll {
            text.push(c);
        }
        used += unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
    }
    let text = pad(&sanitize(&text), cols);
    (text, input.visual_cursor().saturating_sub(scroll))
}

fn error_or_blank(error: Option<&String>, cols: usize, t: &Theme) -> Vec<Line<'static>> {
    match error {
        Some(e) => para(&format!("✗ {}", sanitize(e)), cols, t.error),
        None => vec![Line::default()],
    }
}

fn keys_line(keys: &[(&'static str, &'static str)], t: &Theme) -> Line<'static> {
    let mut spans = Vec::new();
    for (i, (k, what)) in keys.iter().enumerate() {
        if i > 0 {
            spans.push(Span::styled(" · ", t.dim));
        }
        spans.push(Span::styled(*k, t.key));
        spans.push(Span::styled(format!(" {what}"), t.dim));
    }
    Line::from(spans)
}

fn share(p: &SharePrompt, cols: usize, app: &App) -> Content {
    let t = &app.theme;
    let name = if p.backup_name.is_empty() {
        "\"\"".to_owned()
    } else {
        sanitize(&p.backup_name).into_owned()
    };
    let mut lines = para(
        &format!(
            "Share backup {name} ({}) with more projects.",
            sanitize(&p.backup_id)
        ),
        cols,
        t.header,
    );
    lines.push(Line::default());
    lines.extend(para(
        &format!(
            "Project IDs (32 hex characters each), separated by spaces or commas, at most {}:",
            crate::cli::MAX_SHARE_TARGETS
        ),
        cols,
        t.dim,
    ));
    let (text, cursor) = field(&p.input, cols.saturating_sub(2));
    let row = lines.len();
    lines.push(Line::from(vec![
        Span::styled("› ", t.key),
        Span::styled(text, t.field),
    ]));
    lines.extend(error_or_blank(p.error.as_ref(), cols, t));
    lines.push(keys_line(&[("Enter", "continue"), ("Esc", "cancel")], t));
    Content {
        title: " Share backup ",
        lines,
        cursor: Some((row, cursor + 2)),
        keep: 0,
        border: t.border,
    }
}

fn confirm(c: &Confirm, cols: usize, t: &Theme) -> Content {
    let mut lines = para(&c.question, cols, t.section);
    for d in &c.detail {
        lines.push(Line::default());
        lines.extend(para(d, cols, t.header));
    }
    lines.push(Line::default());
    let button = |label: &'static str, focused: bool| {
        let text = if focused {
            format!("[ {label} ]")
        } else {
            format!("  {label}  ")
        };
        Span::styled(text, if focused { t.selected } else { t.key })
    };
    let buttons = [
        button("y Yes", c.yes_focused),
        button("n No", !c.yes_focused),
    ];
    let used: usize = buttons.iter().map(|b| width(&b.content)).sum::<usize>() + 4;
    let [yes, no] = buttons;
    lines.push(Line::from(vec![
        Span::raw(" ".repeat(cols.saturating_sub(used) / 2)),
        yes,
        Span::raw("    "),
        no,
    ]));
    Content {
        title: c.title,
        lines,
        cursor: None,
        keep: 1,
        border: if c.danger { t.error_border } else { t.border },
    }
}

/// What the export dialog says it exports: the view and its rows; under CBR on Shared by
/// me, also what the walk has not read.
fn export_scope(cols: usize, app: &App) -> Vec<Line<'static>> {
    let t = &app.theme;
    if !app.is_cbr() {
        let direction = if app.page_to_me() {
            "Shared with me"
        } else {
            "Shared by me"
        };
        let rows = match app.page.total {
            Some(n) if app.page.query.is_some() => format!("{} rows", thousands(n)),
            _ => "all rows".to_owned(),
        };
        return para(
            &format!(
                "Export every page of {direction} matching the current filters ({rows}, \
                 sorted by {} {}) to a file.",
                app.sort_key(),
                app.sort_dir()
            ),
            cols,
            t.header,
        );
    }
    let tab = app.cbr.tab;
    let rows = match app.cbr.count(tab, &app.query.filters) {
        Some(1) => "the 1 row".to_owned(),
        Some(n) => format!("all {} rows", thousands(n)),
        None => "every row".to_owned(),
    };
    let mut lines = para(
        &format!(
            "Export {rows} of CBR {} matching the current filters, every page, in the order \
             shown, to a file.",
            tab.title()
        ),
        cols,
        t.header,
    );
    if tab == CbrTab::ByMe {
        let walk = &app.cbr.walk;
        let caveat = if walk.running {
            Some("The walk is still running: the export holds only the rows read so far.")
        } else if !walk.finished {
            Some("The walk did not finish: the export holds only the rows it read.")
        } else {
            None
        };
        if let Some(c) = caveat {
            lines.extend(para(c, cols, t.notice));
        }
        let failed = walk.failed.len();
        if failed > 0 {
            lines.extend(para(
                &format!(
                    "The members of {failed} backup{} could not be read: not in the export.",
                    if failed == 1 { "" } else { "s" }
                ),
                cols,
                t.notice,
            ));
        }
    }
    lines
}

fn export(d: &ExportDialog, cols: usize, app: &App) -> Content {
    let t = &app.theme;
    let mut lines = export_scope(cols, app);
    lines.push(Line::default());
    let label = |s: &'static str| Span::styled(s, t.label);
    let (text, cursor) = field(&d.input, cols.saturating_sub(8));
    let row = lines.len();
    lines.push(Line::from(vec![
        label("File    "),
        Span::styled(text, t.field),
    ]));
    let choice = |f: FileFormat| {
        let on = d.format == f;
        Span::styled(
            format!("{} {}  ", if on { "●" } else { "○" }, f.ext()),
            if on { t.tab_active } else { t.tab_inactive },
        )
    };
    lines.push(Line::from(vec![
        label("Format  "),
        choice(FileFormat::Csv),
        choice(FileFormat::Json),
        Span::styled(" Tab switches", t.dim),
    ]));
    lines.extend(error_or_blank(d.error.as_ref(), cols, t));
    lines.push(keys_line(&[("Enter", "export"), ("Esc", "cancel")], t));
    Content {
        title: " Export ",
        lines,
        cursor: Some((row, cursor + 8)),
        keep: 0,
        border: t.border,
    }
}
