//! The `?` overlay's text, every key in one or two columns, and where the overlay goes.

use ratatui::layout::Rect;
use ratatui::text::{Line, Span};

use crate::text::pad;
use crate::tui::keymap::HELP;
use crate::tui::theme::Theme;

const KEYS_W: usize = 14;
const DESC_W: usize = 23;
const COL_W: usize = KEYS_W + DESC_W;

fn section_lines(
    sections: &[(&'static str, &'static [(&'static str, &'static str)])],
    theme: &Theme,
) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    for (i, (title, keys)) in sections.iter().enumerate() {
        if i > 0 {
            out.push(Line::default());
        }
        out.push(Line::from(Span::styled(*title, theme.section)));
        for (k, what) in *keys {
            out.push(Line::from(vec![
                Span::styled(pad(k, KEYS_W), theme.key),
                Span::raw(pad(what, DESC_W)),
            ]));
        }
    }
    out
}

/// The help text for a screen `area`: two columns when they fit.
pub fn content(area: Rect, theme: &Theme) -> (Vec<Line<'static>>, u16) {
    let two = usize::from(area.width) >= 2 * COL_W + 6;
    if !two {
        return (section_lines(HELP, theme), COL_W as u16);
    }
    // Split the sections where the taller column is shortest.
    let height = |sections: &[(&str, &[(&str, &str)])]| -> usize {
        sections
            .iter()
            .map(|(_, keys)| keys.len() + 2)
            .sum::<usize>()
    };
    let split = (1..HELP.len())
        .min_by_key(|&i| height(&HELP[..i]).max(height(&HELP[i..])))
        .unwrap_or(HELP.len());
    let left = section_lines(&HELP[..split], theme);
    let right = section_lines(&HELP[split..], theme);
    let n = left.len().max(right.len());
    let lines = (0..n)
        .map(|i| {
            let mut spans = left
                .get(i)
                .map_or_else(|| vec![Span::raw(" ".repeat(COL_W))], |l| l.spans.clone());
            let used: usize = spans.iter().map(|s| crate::text::width(&s.content)).sum();
            spans.push(Span::raw(" ".repeat(COL_W + 2 - used.min(COL_W))));
            if let Some(r) = right.get(i) {
                spans.extend(r.spans.clone());
            }
            Line::from(spans)
        })
        .collect();
    (lines, (2 * COL_W + 2) as u16)
}

pub fn rect(area: Rect, content_w: u16, content_h: usize) -> Rect {
    // The footer row stays visible below the overlay.
    let avail_h = area.height.saturating_sub(1);
    let h = u16::try_from(content_h)
        .unwrap_or(u16::MAX)
        .saturating_add(2)
        .min(avail_h);
    let w = content_w.saturating_add(4).min(area.width);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (avail_h - h) / 2,
        w,
        h,
    )
}

/// How far the overlay can scroll on a screen this size.
pub fn max_scroll(area: Rect) -> usize {
    let (lines, w) = content(area, &Theme::plain());
    let r = rect(area, w, lines.len());
    lines
        .len()
        .saturating_sub(usize::from(r.height.saturating_sub(2)))
}
