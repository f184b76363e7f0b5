//! What the browser's views contain, as styled lines: the detail, the raw JSON, the key
//! list and the error panel. Pure functions of the data, below both the App (which counts
//! lines to bound scrolling) and the drawing code (which shows them), so the two never
//! disagree and never import each other the wrong way.

use crate::text::sanitize;
use crate::tui::theme::StatusKind;

pub mod detail;
pub mod error;
pub mod help;
pub mod raw;
pub mod wrap;

/// The status cell text: symbol and word.
pub fn status_text(status: &str) -> String {
    let kind = StatusKind::of(status);
    let word = if status.is_empty() {
        "—".to_owned()
    } else {
        sanitize(status).into_owned()
    };
    format!("{} {word}", kind.symbol())
}
