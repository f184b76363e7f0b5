//! The raw JSON of a sharing as lines: exactly as the server sent it, pretty-printed in
//! the server's key order, unknown fields included, sanitized and wrapped.

use ratatui::text::{Line, Span};

use super::wrap::wrap;
use crate::api::model::Sharing;
use crate::text::sanitize;
use crate::tui::theme::Theme;

/// The sharing's JSON, pretty-printed (the server's text when it does not parse).
pub fn pretty(s: &Sharing) -> String {
    pretty_json(&s.to_json())
}

/// JSON text pretty-printed in its own key order (the text itself when it does not parse).
pub fn pretty_json(text: &str) -> String {
    serde_json::from_str::<serde_json::Value>(text)
        .ok()
        .and_then(|v| serde_json::to_string_pretty(&v).ok())
        .unwrap_or_else(|| text.to_owned())
}

/// The view's lines for `cols` columns.
pub fn lines(s: &Sharing, cols: usize, t: &Theme) -> Vec<Line<'static>> {
    json_lines(&s.to_json(), cols, t)
}

/// Any record's JSON as the view's lines for `cols` columns.
pub fn json_lines(text: &str, cols: usize, t: &Theme) -> Vec<Line<'static>> {
    let mut out = Vec::new();
    for raw_line in pretty_json(text).lines() {
        let clean = sanitize(raw_line);
        for piece in wrap(&clean, cols) {
            // Colour the key of `"key": value` lines.
            let trimmed = piece.trim_start();
            if t.color
                && trimmed.starts_with('"')
                && let Some(end) = trimmed[1..].find("\":").map(|i| i + 2)
            {
                let indent = piece.len() - trimmed.len();
                let (key, rest) = trimmed.split_at(end);
                out.push(Line::from(vec![
                    Span::raw(piece[..indent].to_owned()),
                    Span::styled(key.to_owned(), t.json_key),
                    Span::raw(rest.to_owned()),
                ]));
            } else {
                out.push(Line::from(piece));
            }
        }
    }
    out
}
