//! Every style the browser uses, in one place, with a colour and a no-colour variant.
//!
//! The no-colour theme (for `NO_COLOR` or `--no-color`) keeps everything readable with
//! modifiers only: the selection is reversed, the active tab and focused field bold and
//! reversed, and statuses carry a symbol and their word, never colour alone.

use ratatui::style::{Color, Modifier, Style};

/// How a backup status reads at a glance.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StatusKind {
    /// `available`; a CBR member's `accepted`.
    Ok,
    /// `creating`, `restoring`, `deleting`, CBR's `protecting` and `waiting_…`, a member's
    /// `pending`: work in progress or waiting.
    Busy,
    /// `error`, `error_restoring`; a member's `rejected`; a vault `frozen` or locked.
    Bad,
    /// Anything else, including a missing status.
    Unknown,
}

impl StatusKind {
    /// Classifies a status word.
    pub fn of(status: &str) -> Self {
        match status {
            "available" | "accepted" => StatusKind::Ok,
            "creating" | "restoring" | "deleting" | "protecting" | "waiting_protect"
            | "waiting_delete" | "waiting_restore" | "pending" => StatusKind::Busy,
            "error" | "error_restoring" | "rejected" | "frozen" | "lock" | "locked" => {
                StatusKind::Bad
            }
            _ => StatusKind::Unknown,
        }
    }

    /// The symbol shown before the word, so status reads without colour.
    pub fn symbol(self) -> &'static str {
        match self {
            StatusKind::Ok => "✓",
            StatusKind::Busy => "…",
            StatusKind::Bad => "✗",
            StatusKind::Unknown => "?",
        }
    }
}

/// The styles of every screen region.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Theme {
    /// Whether colours are used at all.
    pub color: bool,
    /// The product name and view titles.
    pub title: Style,
    /// Header values.
    pub header: Style,
    /// Secondary text.
    pub dim: Style,
    /// The active direction tab.
    pub tab_active: Style,
    /// The other tab.
    pub tab_inactive: Style,
    /// Filter and detail labels.
    pub label: Style,
    /// The label of the filter being edited.
    pub label_focused: Style,
    /// Filter values.
    pub field: Style,
    /// The table's header row.
    pub table_header: Style,
    /// The selected row.
    pub selected: Style,
    /// Borders.
    pub border: Style,
    /// Section titles in detail and help.
    pub section: Style,
    /// Keys in hints and help.
    pub key: Style,
    /// Error text.
    pub error: Style,
    /// The error panel's border.
    pub error_border: Style,
    /// One-off notices (copied…).
    pub notice: Style,
    /// `available`.
    pub status_ok: Style,
    /// Statuses in progress.
    pub status_busy: Style,
    /// Error statuses.
    pub status_bad: Style,
    /// Unknown statuses.
    pub status_unknown: Style,
    /// Keys in the raw JSON view.
    pub json_key: Style,
    /// The header's `INSECURE` badge (TLS not verified).
    pub badge_danger: Style,
    /// The header's `READ-ONLY` badge.
    pub badge_notice: Style,
}

impl Theme {
    /// The theme for `no_color`: plain when set, coloured otherwise.
    pub fn new(no_color: bool) -> Self {
        if no_color {
            Self::plain()
        } else {
            Self::colored()
        }
    }

    /// The coloured theme (16 ANSI colours, so it follows the terminal's palette).
    pub fn colored() -> Self {
        let s = Style::new();
        Theme {
            color: true,
            title: s.fg(Color::Cyan).add_modifier(Modifier::BOLD),
            header: s,
            dim: s.fg(Color::DarkGray),
            tab_active: s
                .fg(Color::Black)
                .bg(Color::Cyan)
                .add_modifier(Modifier::BOLD),
            tab_inactive: s.fg(Color::Gray),
            label: s.fg(Color::DarkGray),
            label_focused: s
                .fg(Color::Black)
                .bg(Color::Yellow)
                .add_modifier(Modifier::BOLD),
            field: s.add_modifier(Modifier::UNDERLINED),
            table_header: s.fg(Color::Cyan).add_modifier(Modifier::BOLD),
            selected: s
                .bg(Color::Blue)
                .fg(Color::White)
                .add_modifier(Modifier::BOLD),
            border: s.fg(Color::DarkGray),
            section: s.fg(Color::Cyan).add_modifier(Modifier::BOLD),
            key: s.fg(Color::Yellow).add_modifier(Modifier::BOLD),
            error: s.fg(Color::LightRed),
            error_border: s.fg(Color::Red),
            notice: s.fg(Color::Green),
            status_ok: s.fg(Color::Green),
            status_busy: s.fg(Color::Yellow),
            status_bad: s.fg(Color::Red).add_modifier(Modifier::BOLD),
            status_unknown: s.fg(Color::Magenta),
            json_key: s.fg(Color::Cyan),
            badge_danger: s
                .fg(Color::White)
                .bg(Color::Red)
                .add_modifier(Modifier::BOLD),
            badge_notice: s
                .fg(Color::Black)
                .bg(Color::Yellow)
                .add_modifier(Modifier::BOLD),
        }
    }

    /// The no-colour theme: modifiers only.
    pub fn plain() -> Self {
        let s = Style::new();
        let bold = s.add_modifier(Modifier::BOLD);
        Theme {
            color: false,
            title: bold,
            header: s,
            dim: s,
            tab_active: bold.add_modifier(Modifier::REVERSED),
            tab_inactive: s,
            label: s,
            label_focused: bold.add_modifier(Modifier::REVERSED),
            field: s.add_modifier(Modifier::UNDERLINED),
            table_header: bold.add_modifier(Modifier::UNDERLINED),
            selected: bold.add_modifier(Modifier::REVERSED),
            border: s,
            section: bold,
            key: bold,
            error: bold,
            error_border: bold,
            notice: bold,
            status_ok: s,
            status_busy: s,
            status_bad: bold,
            status_unknown: s,
            json_key: s,
            badge_danger: bold.add_modifier(Modifier::REVERSED),
            badge_notice: bold.add_modifier(Modifier::REVERSED),
        }
    }

    /// The style of a status of this kind.
    pub fn status(&self, kind: StatusKind) -> Style {
        match kind {
            StatusKind::Ok => self.status_ok,
            StatusKind::Busy => self.status_busy,
            StatusKind::Bad => self.status_bad,
            StatusKind::Unknown => self.status_unknown,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_theme_has_no_colour_but_a_visible_selection() {
        let t = Theme::plain();
        for style in [
            t.selected,
            t.tab_active,
            t.label_focused,
            t.status_bad,
            t.error,
            t.badge_danger,
            t.badge_notice,
        ] {
            assert_eq!(style.fg, None);
            assert_eq!(style.bg, None);
        }
        assert!(t.selected.add_modifier.contains(Modifier::REVERSED));
        assert!(Theme::new(false).color && !Theme::new(true).color);
    }

    #[test]
    fn every_status_has_a_symbol() {
        assert_eq!(StatusKind::of("available").symbol(), "✓");
        assert_eq!(StatusKind::of("error_restoring"), StatusKind::Bad);
        assert_eq!(StatusKind::of("deleting"), StatusKind::Busy);
        assert_eq!(StatusKind::of(""), StatusKind::Unknown);
    }
}
