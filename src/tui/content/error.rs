//! The error panel's text: code, message, request ID and advice, wrapped.

use ratatui::text::{Line, Span};

use super::wrap::wrap;
use crate::text::sanitize;
use crate::tui::error::ErrorInfo;
use crate::tui::theme::Theme;

/// The error panel's lines for `cols` columns.
pub fn lines(e: &ErrorInfo, cols: usize, theme: &Theme) -> Vec<Line<'static>> {
    let cols = cols.max(1);
    let mut out = Vec::new();
    let mut field = |label: &str, value: &str| {
        let value = sanitize(value);
        let indent = 12;
        for (i, piece) in wrap(&value, cols.saturating_sub(indent).max(1))
            .into_iter()
            .enumerate()
        {
            let key = if i == 0 {
                format!("{label:<indent$}")
            } else {
                " ".repeat(indent)
            };
            out.push(Line::from(vec![
                Span::styled(key, theme.label),
                Span::styled(piece, theme.error),
            ]));
        }
    };
    if e.status.is_some() {
        field("code", e.code.as_deref().unwrap_or("—"));
        field("message", e.message.as_deref().unwrap_or("—"));
        field("request ID", e.request_id.as_deref().unwrap_or("—"));
        if let Some(h) = &e.hint {
            field("try", h);
        }
    } else {
        field("error", &e.summary);
    }
    out
}
