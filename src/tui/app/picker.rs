//! Pickers for the filter fields with a known set of values: the status (the service's
//! documented statuses) and the AZ (the zones seen in the rows so far), each plus "any".
//! They are chosen, never typed, so no half-typed `status=avai` is ever sent.

use crossterm::event::{KeyCode, KeyEvent};

use super::{App, Effect};
use crate::tui::form::Field;

/// "Any status": the filter left empty.
pub const ANY: &str = "any";

/// An open picker: the field it sets, the choices ("any" first) and the highlighted one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusPicker {
    pub field: Field,
    pub choices: Vec<String>,
    pub selected: usize,
}

/// Whether `field` is picked rather than typed.
pub fn is_picked(field: Field) -> bool {
    matches!(field, Field::Status | Field::Az)
}

impl App {
    /// The values `field` can be set to, "any" first: the statuses the service in use
    /// documents, or the zones seen in the rows held (and the one set now).
    fn choices(&self, field: Field) -> Vec<String> {
        let mut values: Vec<String> = if field == Field::Status {
            let statuses: &[&'static str] = if self.is_cbr() {
                &crate::api::cbr::model::BACKUP_STATUSES
            } else {
                &crate::api::model::STATUSES
            };
            statuses.iter().map(|s| (*s).to_owned()).collect()
        } else {
            let mut seen: Vec<String> = if self.is_cbr() {
                self.cbr
                    .shared
                    .iter()
                    .flatten()
                    .flatten()
                    .filter_map(|r| r.backup.resource_az.clone())
                    .chain(
                        self.cbr
                            .walk
                            .backups
                            .values()
                            .filter_map(|b| b.resource_az.clone()),
                    )
                    .collect()
            } else {
                self.page
                    .rows
                    .iter()
                    .filter_map(|s| s.backup.as_ref()?.availability_zone.clone())
                    .collect()
            };
            let now = self.form.value(field);
            if !now.is_empty() {
                seen.push(now.to_owned());
            }
            seen.retain(|z| !z.trim().is_empty());
            seen.sort();
            seen.dedup();
            seen
        };
        values.insert(0, ANY.to_owned());
        values
    }

    /// A key on a picked field opens its picker on the current value, or on the first
    /// value starting with the typed letter.
    pub(super) fn open_status_picker(&mut self, key: &KeyEvent) {
        let field = self.form.focused();
        let choices = self.choices(field);
        let current = self.form.value(field).to_owned();
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
        self.status_picker = Some(StatusPicker {
            field,
            choices,
            selected,
        });
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
                let choice = p.choices[p.selected].clone();
                let field = p.field;
                self.status_picker = None;
                let value = if choice == ANY { "" } else { choice.as_str() };
                if self.form.set(field, value) {
                    self.form.apply_to(&mut self.query.filters);
                    return self.query_changed(false, true);
                }
            }
            // A letter jumps to the first status with it ("any" is reached with k or ↑).
            KeyCode::Char(c) => {
                let c = c.to_ascii_lowercase();
                if let Some(i) = p
                    .choices
                    .iter()
                    .skip(1)
                    .position(|s| s.to_lowercase().starts_with(c))
                {
                    p.selected = i + 1;
                }
            }
            _ => {}
        }
        None
    }
}
