//! Which key does what, in one table: the key handlers and the help overlay both read it.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Something a key asks for, outside the filter form.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Leave vbshare.
    Quit,
    /// Select the previous row.
    Up,
    /// Select the next row.
    Down,
    /// Select the first row.
    First,
    /// Select the last row.
    Last,
    /// Move the selection up a screen.
    PageUp,
    /// Move the selection down a screen.
    PageDown,
    /// Fetch the next page.
    NextPage,
    /// Fetch the previous page.
    PrevPage,
    /// Edit the name filter.
    FocusName,
    /// Edit the filter that had focus last.
    FocusForm,
    /// Edit the filter before the one that had focus last.
    FocusFormLast,
    /// Switch between shared by me and shared with me.
    ToggleDirection,
    /// Switch service: VBS ⇄ CBR.
    SwitchService,
    /// Filter by the selected row's partner project, backup or disk.
    Pivot(crate::tui::app::PivotBy),
    /// Back to the query before the last pivot.
    PivotBack,
    /// Open the context picker: profiles and projects.
    Context,
    /// Open the request log.
    RequestLog,
    /// Find text in the rows on screen.
    Find,
    /// The next (`true`) or previous match of the find.
    FindStep(bool),
    /// Show CBR's shared-with-me tab 1, 2 or 3 (Pending, Accepted, Rejected).
    CbrTab(u8),
    /// Accept the selected shared backup into a vault (CBR).
    Accept,
    /// Reject the selected shared backup (CBR).
    Reject,
    /// Pick the sort key (from those that mean something for the rows shown).
    PickSort,
    /// Flip the sort direction.
    FlipSort,
    /// Bigger pages.
    PageSizeUp,
    /// Smaller pages.
    PageSizeDown,
    /// Fetch the page again (also retries after an error).
    Refresh,
    /// Empty every filter field.
    ClearFilters,
    /// Open the raw JSON view.
    RawJson,
    /// Open the full-screen detail.
    Detail,
    /// Copy the selected sharing's ID.
    CopySharingId,
    /// Copy the selected sharing's backup ID.
    CopyBackupId,
    /// Share the selected sharing's backup with more projects.
    Share,
    /// Cancel the selected sharing.
    CancelSharing,
    /// Cancel every sharing of the selected sharing's backup.
    CancelBackup,
    /// Export every row of the view on screen (all pages, its filters and order) to a file.
    Export,
    /// Turn watch mode (auto-refresh) on or off.
    ToggleWatch,
    /// Open the key list.
    Help,
    /// Esc: close what is open (overlay, error panel, notice).
    Back,
}

/// The action of `key` while the table has focus.
pub fn table_action(key: &KeyEvent) -> Option<Action> {
    use Action as A;
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        return match key.code {
            KeyCode::Char('c') => Some(A::Quit),
            KeyCode::Char('d' | 'f') => Some(A::PageDown),
            KeyCode::Char('u' | 'b') => Some(A::PageUp),
            KeyCode::Char('n') => Some(A::Down),
            KeyCode::Char('p') => Some(A::Up),
            _ => None,
        };
    }
    if key.modifiers.contains(KeyModifiers::ALT) {
        return None;
    }
    Some(match key.code {
        KeyCode::Char('q') => A::Quit,
        KeyCode::Char('j') | KeyCode::Down => A::Down,
        KeyCode::Char('k') | KeyCode::Up => A::Up,
        KeyCode::Char('g') | KeyCode::Home => A::First,
        KeyCode::Char('G') | KeyCode::End => A::Last,
        KeyCode::PageDown | KeyCode::Char(' ') => A::PageDown,
        KeyCode::PageUp => A::PageUp,
        KeyCode::Char(']' | 'n') | KeyCode::Right => A::NextPage,
        KeyCode::Char('[' | 'p') | KeyCode::Left => A::PrevPage,
        KeyCode::Char('/') => A::FocusName,
        KeyCode::Tab => A::FocusForm,
        KeyCode::BackTab => A::FocusFormLast,
        KeyCode::Char('t') => A::ToggleDirection,
        KeyCode::Char('c') => A::SwitchService,
        KeyCode::Char('f') => A::Pivot(crate::tui::app::PivotBy::Partner),
        KeyCode::Char('b') => A::Pivot(crate::tui::app::PivotBy::Backup),
        KeyCode::Char('v') => A::Pivot(crate::tui::app::PivotBy::Volume),
        KeyCode::Backspace => A::PivotBack,
        KeyCode::Char(':' | 'P') => A::Context,
        KeyCode::Char('L') => A::RequestLog,
        KeyCode::Char('F') => A::Find,
        KeyCode::Char('>') => A::FindStep(true),
        KeyCode::Char('<') => A::FindStep(false),
        KeyCode::Char(c @ '1'..='3') => A::CbrTab(c as u8 - b'0'),
        KeyCode::Char('A') => A::Accept,
        KeyCode::Char('R') => A::Reject,
        KeyCode::Char('s') => A::PickSort,
        KeyCode::Char('S') => A::FlipSort,
        KeyCode::Char('+' | '=') => A::PageSizeUp,
        KeyCode::Char('-' | '_') => A::PageSizeDown,
        KeyCode::Char('r') | KeyCode::F(5) => A::Refresh,
        KeyCode::Char('x') => A::ClearFilters,
        KeyCode::Char('J') => A::RawJson,
        KeyCode::Enter => A::Detail,
        KeyCode::Char('y') => A::CopySharingId,
        KeyCode::Char('Y') => A::CopyBackupId,
        KeyCode::Char('a') => A::Share,
        KeyCode::Char('d') => A::CancelSharing,
        KeyCode::Char('D') => A::CancelBackup,
        KeyCode::Char('e') => A::Export,
        KeyCode::Char('w') => A::ToggleWatch,
        KeyCode::Char('?') | KeyCode::F(1) => A::Help,
        KeyCode::Esc => A::Back,
        _ => return None,
    })
}

/// What a key does in a full-screen view (help, detail, raw JSON).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ViewAction {
    /// Close the view.
    Close,
    /// Leave vbshare.
    Quit,
    /// Scroll by this many lines.
    Scroll(i32),
    /// Scroll down a screen.
    PageDown,
    /// Scroll up a screen.
    PageUp,
    /// Scroll to the top.
    Top,
    /// Scroll to the end.
    Bottom,
    /// Copy the sharing ID.
    CopySharingId,
    /// Copy the backup ID.
    CopyBackupId,
}

/// The action of `key` in a full-screen view; `toggle` is the view's own key, which closes it.
pub fn view_action(key: &KeyEvent, toggle: KeyCode) -> Option<ViewAction> {
    use ViewAction as V;
    if key.modifiers.contains(KeyModifiers::CONTROL) {
        return match key.code {
            KeyCode::Char('c') => Some(V::Quit),
            KeyCode::Char('d' | 'f') => Some(V::PageDown),
            KeyCode::Char('u' | 'b') => Some(V::PageUp),
            _ => None,
        };
    }
    if key.code == toggle {
        return Some(V::Close);
    }
    Some(match key.code {
        KeyCode::Esc | KeyCode::Char('q') => V::Close,
        KeyCode::Char('j') | KeyCode::Down => V::Scroll(1),
        KeyCode::Char('k') | KeyCode::Up => V::Scroll(-1),
        KeyCode::PageDown | KeyCode::Char(' ') => V::PageDown,
        KeyCode::PageUp => V::PageUp,
        KeyCode::Char('g') | KeyCode::Home => V::Top,
        KeyCode::Char('G') | KeyCode::End => V::Bottom,
        KeyCode::Char('y') => V::CopySharingId,
        KeyCode::Char('Y') => V::CopyBackupId,
        _ => return None,
    })
}

/// The help overlay's content: sections of (keys, what they do). Descriptions stay within
/// 23 columns so two columns fit an 80-column terminal.
pub const HELP: &[(&str, &[(&str, &str)])] = &[
    (
        "Move",
        &[
            ("j k ↓ ↑", "next / previous row"),
            ("Ctrl-N Ctrl-P", "next / previous row"),
            ("g G Home End", "first / last row"),
            ("PgDn Space", "down a screen"),
            ("Ctrl-D Ctrl-F", "down a screen"),
            ("PgUp", "up a screen"),
            ("Ctrl-U Ctrl-B", "up a screen"),
            ("] [ n p → ←", "next / previous page"),
            ("Enter", "sharing detail"),
            ("J", "raw JSON of the sharing"),
        ],
    ),
    (
        "Query",
        &[
            ("c", "switch VBS / CBR"),
            ("t", "shared by me / with me"),
            ("s", "pick the sort key"),
            ("S", "flip sort direction"),
            ("+ = - _", "bigger / smaller pages"),
            ("r F5", "refresh / retry"),
            ("w", "watch: auto-refresh"),
            ("x", "clear all filters"),
            ("f", "pivot: partner project"),
            ("b v", "pivot: backup / disk"),
            ("Backspace", "back before the pivot"),
        ],
    ),
    (
        "Filters",
        &[
            ("/", "edit the name filter"),
            ("Tab S-Tab ↓ ↑", "next / previous field"),
            ("Enter", "apply now, to the table"),
            ("Esc", "leave (filters stay)"),
            ("Ctrl-U", "clear the field"),
        ],
    ),
    (
        "Change",
        &[
            ("a", "share backup with more"),
            ("d", "cancel this sharing"),
            ("D", "cancel all its sharings"),
            ("e", "export all pages"),
            ("y n", "in a dialog: yes / no"),
        ],
    ),
    (
        "CBR",
        &[
            ("1 2 3", "tab Pending/Acc./Rej."),
            ("A", "accept into a vault"),
            ("R", "reject (asks first)"),
            ("a d D", "add / remove members"),
        ],
    ),
    (
        "Other",
        &[
            (": P", "switch profile/project"),
            ("y Y", "copy sharing/backup ID"),
            ("L", "request log (y: its ID)"),
            ("F > <", "find in page, next/prev"),
            ("Esc", "close view, hide error"),
            ("? F1", "this help"),
            ("q Ctrl-C", "quit"),
            ("Ctrl-Z", "suspend (fg resumes)"),
        ],
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    fn k(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn help_descriptions_fit_their_column() {
        for (_, keys) in HELP {
            for (k, what) in *keys {
                assert!(crate::text::width(what) <= 23, "{k}: {what}");
                assert!(crate::text::width(k) <= 14, "{k}");
            }
        }
    }

    /// How the help writes a key.
    fn help_name(key: &KeyEvent) -> String {
        if key.modifiers.contains(KeyModifiers::CONTROL)
            && let KeyCode::Char(c) = key.code
        {
            return format!("Ctrl-{}", c.to_ascii_uppercase());
        }
        match key.code {
            KeyCode::Char(' ') => "Space".into(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::PageUp => "PgUp".into(),
            KeyCode::PageDown => "PgDn".into(),
            KeyCode::BackTab => "S-Tab".into(),
            KeyCode::F(n) => format!("F{n}"),
            other => format!("{other:?}"),
        }
    }

    /// The help lists every key the table answers to (so the help, which the key pty test
    /// walks, is the whole list).
    #[test]
    fn the_help_lists_every_key() {
        let listed: Vec<&str> = HELP
            .iter()
            .flat_map(|(_, keys)| keys.iter().flat_map(|(k, _)| k.split_whitespace()))
            .collect();
        let mut keys: Vec<KeyEvent> = (' '..='~').map(|c| k(KeyCode::Char(c))).collect();
        keys.extend(('a'..='z').map(|c| KeyEvent::new(KeyCode::Char(c), KeyModifiers::CONTROL)));
        keys.extend((1..=12).map(|n| k(KeyCode::F(n))));
        keys.extend(
            [
                KeyCode::Up,
                KeyCode::Down,
                KeyCode::Left,
                KeyCode::Right,
                KeyCode::Home,
                KeyCode::End,
                KeyCode::PageUp,
                KeyCode::PageDown,
                KeyCode::Tab,
                KeyCode::BackTab,
                KeyCode::Backspace,
                KeyCode::Enter,
                KeyCode::Esc,
                KeyCode::Delete,
                KeyCode::Insert,
            ]
            .map(k),
        );
        let missing: Vec<String> = keys
            .iter()
            .filter(|key| table_action(key).is_some())
            .map(help_name)
            .filter(|name| !listed.contains(&name.as_str()))
            .collect();
        assert!(
            missing.is_empty(),
            "keys missing from the help: {missing:?}"
        );
    }

    #[test]
    fn documented_keys_map() {
        assert_eq!(table_action(&k(KeyCode::Char('j'))), Some(Action::Down));
        assert_eq!(table_action(&k(KeyCode::Char(']'))), Some(Action::NextPage));
        assert_eq!(table_action(&k(KeyCode::Char('p'))), Some(Action::PrevPage));
        assert_eq!(
            table_action(&KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            Some(Action::Quit)
        );
        assert_eq!(
            table_action(&KeyEvent::new(KeyCode::Char('S'), KeyModifiers::SHIFT)),
            Some(Action::FlipSort)
        );
        assert_eq!(table_action(&k(KeyCode::Char('Z'))), None);
        assert_eq!(table_action(&k(KeyCode::Char('a'))), Some(Action::Share));
        assert_eq!(
            table_action(&k(KeyCode::Char('d'))),
            Some(Action::CancelSharing)
        );
        assert_eq!(
            table_action(&KeyEvent::new(KeyCode::Char('D'), KeyModifiers::SHIFT)),
            Some(Action::CancelBackup)
        );
        assert_eq!(
            table_action(&KeyEvent::new(KeyCode::Char('d'), KeyModifiers::CONTROL)),
            Some(Action::PageDown),
            "Ctrl-D still scrolls"
        );
        assert_eq!(table_action(&k(KeyCode::Char('e'))), Some(Action::Export));
        assert_eq!(
            table_action(&k(KeyCode::Char('c'))),
            Some(Action::SwitchService)
        );
        assert_eq!(
            table_action(&k(KeyCode::Char('2'))),
            Some(Action::CbrTab(2))
        );
        assert_eq!(table_action(&k(KeyCode::Char('A'))), Some(Action::Accept));
        assert_eq!(table_action(&k(KeyCode::Char('R'))), Some(Action::Reject));
        assert_eq!(
            table_action(&k(KeyCode::Char('w'))),
            Some(Action::ToggleWatch)
        );
        assert_eq!(
            view_action(&k(KeyCode::Char('J')), KeyCode::Char('J')),
            Some(ViewAction::Close)
        );
        assert_eq!(
            view_action(&k(KeyCode::Char('?')), KeyCode::Char('J')),
            None
        );
    }
}
