//! A one-line progress bar on stderr for `list --all`, shown only when stderr is a terminal.

use std::io::{IsTerminal, Write};

use crate::export::Progress;
use crate::text::thousands;

/// Draws `pages · rows / total` with a bar; does nothing when stderr is not a terminal.
#[derive(Debug)]
pub struct Bar {
    enabled: bool,
    drawn: bool,
}

impl Bar {
    pub fn for_stderr() -> Self {
        Self {
            enabled: std::io::stderr().is_terminal(),
            drawn: false,
        }
    }

    pub fn update(&mut self, p: Progress) {
        if !self.enabled {
            return;
        }
        let line = render(p, 30);
        let mut err = std::io::stderr().lock();
        let _ = write!(err, "\r\x1b[2K{line}");
        let _ = err.flush();
        self.drawn = true;
    }

    /// Clears the line so the shell prompt starts clean.
    pub fn finish(&mut self) {
        if self.drawn {
            let mut err = std::io::stderr().lock();
            let _ = write!(err, "\r\x1b[2K");
            let _ = err.flush();
        }
    }
}

/// The text of the bar, `width` cells of bar.
pub fn render(p: Progress, width: usize) -> String {
    match p.total {
        Some(total) if total > 0 => {
            let filled = ((p.rows.min(total) as f64 / total as f64) * width as f64) as usize;
            format!(
                "[{}{}] {} / {} rows · {}",
                "█".repeat(filled),
                " ".repeat(width - filled),
                thousands(p.rows),
                thousands(total),
                pages(p.pages)
            )
        }
        _ => format!("{} rows · {}", thousands(p.rows), pages(p.pages)),
    }
}

fn pages(n: u64) -> String {
    if n == 1 {
        "1 page".to_owned()
    } else {
        format!("{} pages", thousands(n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bar_shows_rows_against_the_total() {
        let s = render(
            Progress {
                pages: 2,
                rows: 1500,
                total: Some(3000),
            },
            10,
        );
        assert_eq!(s, "[█████     ] 1,500 / 3,000 rows · 2 pages");
        assert_eq!(
            render(
                Progress {
                    pages: 1,
                    rows: 7,
                    total: None
                },
                10
            ),
            "7 rows · 1 page"
        );
    }
}
