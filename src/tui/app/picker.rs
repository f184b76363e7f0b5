//! The status picker: the status filter is chosen from the service's documented statuses
//! (plus "any"), never typed, so no half-typed `status=avai` is ever sent.

use crossterm::event::{KeyCode, KeyEvent};

use super::{App, Effect};
use crate::tui::form::Field;

/// "Any status": the filter left empty.
pub const ANY: &str = "any";

/// The open status picker: the choices and the highlighted one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusPicker {
    pub choices: Vec<&'static str>,
    pub selected: usize,
}

impl App {
    /// The statuses the service in use documents, "any" first.
    fn status_choices(&self) -> Vec<&'static str> {
        let statuses: &[&'static str] = if self.is_cbr() {
            &crate::api::cbr::model::BACKUP_STATUSES
        } else {
            &crate::api::model::STATUSES
        };
        std::iter::once(ANY)
            .chain(statuses.iter().copied())
            .collect()
    }

    /// A key on the status field opens the picker on the current value, or on the first
    /// status starting with the typed letter.
    pub(super) fn open_status_picker(&mut self, key: &KeyEvent) {
        let choices = self.status_choices();
        let current = self.form.value(Field::Status).to_owned();
        let typed = match key.code {
            KeyCode::Char(c) if c != ' ' => Some(c.to_ascii_lowercase()),
            _ => None,
        };
        let selected = typed
            .and_then(|c| {
                choices
                    .iter()
                    .skip(1)
                    .position(|s| s.starts_with(c))
                    .map(|i| i + 1)
            })
            .or_else(|| choices.iter().position(|s| *s == current))
            .unwrap_or(0);
        self.status_picker = Some(StatusPicker { choices, selected });
        self.dirty = true;
    }

    /// Keys while the picker is open: ↑↓ (j k) choose, Enter sets, Esc closes.
    pub(super) fn status_picker_key(&mut self, key: &KeyEvent) -> Option<Effect> {
        let p = self.status_picker.as_mut()?;
        self.dirty = true;
        match key.code {
            KeyCode::Esc => self.status_picker = None,
            KeyCode::Down | KeyCode::Char('j') | KeyCode::Tab => {
                p.selected = (p.selected + 1) % p.choices.len();
            }
            KeyCode::Up | KeyCode::Char('k') | KeyCode::BackTab => {
                p.selected = (p.selected + p.choices.len() - 1) % p.choices.len();
            }
            KeyCode::Enter | KeyCode::Char(' ') => {
                let choice = p.choices[p.selected];
                self.status_picker = None;
                let value = if choice == ANY { "" } else { choice };
                if self.form.set(Field::Status, value) {
                    self.form.apply_to(&mut self.query.filters);
                    return self.query_changed(false, true);
                }
            }
            // A letter jumps to the first status with it ("any" is reached with k or ↑).
            KeyCode::Char(c) => {
                let c = c.to_ascii_lowercase();
                if let Some(i) = p.choices.iter().skip(1).position(|s| s.starts_with(c)) {
                    p.selected = i + 1;
                }
            }
            _ => {}
        }
        None
    }
}
