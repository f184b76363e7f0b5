//! Pickers for what has a known set of values: the status filter (the service's
//! documented statuses) and the AZ filter (the zones seen in the rows so far), each plus
//! "any", and the sort key (`s`: only the keys that order the rows shown by something they
//! carry). They are chosen, never typed, so no half-typed `status=avai` is ever sent.

use crossterm::event::{KeyCode, KeyEvent};

use super::{App, Effect};
use crate::tui::form::Field;

/// "Any status": the filter left empty.
pub const ANY: &str = "any";

/// What a picker sets.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Picking {
    /// A filter field (its choices begin with "any").
    Field(Field),
    /// The sort key.
    Sort,
}

impl Picking {
    /// The picker's title.
    pub fn label(self) -> &'static str {
        match self {
            Picking::Field(f) => f.label(),
            Picking::Sort => "sort by",
        }
    }
}

/// An open picker: what it sets, the choices and the highlighted one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ListPicker {
    pub target: Picking,
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
            self.service
                .backup_statuses()
                .iter()
                .map(|s| (*s).to_owned())
                .collect()
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
    pub(super) fn open_field_picker(&mut self, key: &KeyEvent) {
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
        self.list_picker = Some(ListPicker {
            target: Picking::Field(field),
            choices,
            selected,
        });
        self.dirty = true;
    }

    /// The sort keys that mean something for the rows shown: under VBS every key but
    /// `updated_at` when no row has been updated, and never the image formats, which VBS
    /// backups do not carry (the server accepts them, and orders by ID); under CBR its four.
    pub fn sort_choices(&self) -> Vec<String> {
        use crate::api::query::SortKey as K;
        if self.is_cbr() {
            let tab = self.cbr.tab;
            return super::cbr::CbrSortKey::ALL
                .iter()
                .map(|k| k.label(tab).to_owned())
                .collect();
        }
        let updated = self.page.rows.iter().any(|r| r.updated_at.is_some());
        K::ALL
            .into_iter()
            .filter(|k| match k {
                K::UpdatedAt => updated || self.sort_key() == *k,
                K::ContainerFormat | K::DiskFormat => self.sort_key() == *k,
                _ => true,
            })
            .map(|k| k.as_str().to_owned())
            .collect()
    }

    /// `s`: opens the sort picker on the key in effect.
    pub(super) fn open_sort_picker(&mut self) {
        let choices = self.sort_choices();
        let current = if self.is_cbr() {
            self.cbr.sort.key.label(self.cbr.tab)
        } else {
            self.sort_key().as_str()
        };
        let selected = choices.iter().position(|c| c == current).unwrap_or(0);
        self.list_picker = Some(ListPicker {
            target: Picking::Sort,
            choices,
            selected,
        });
        self.dirty = true;
    }

    fn pick_sort(&mut self, choice: &str) -> Option<Effect> {
        if self.is_cbr() {
            let tab = self.cbr.tab;
            if let Some(key) = super::cbr::CbrSortKey::ALL
                .into_iter()
                .find(|k| k.label(tab) == choice)
            {
                self.cbr_sort_by(key);
            }
            return None;
        }
        let key = crate::api::query::SortKey::ALL
            .into_iter()
            .find(|k| k.as_str() == choice)?;
        if key == self.sort_key() {
            return None;
        }
        self.query.sort_key = Some(key);
        self.query_changed(false, false)
    }

    /// Keys while the picker is open: ↑↓ (j k) choose, Enter sets, Esc closes.
    pub(super) fn list_picker_key(&mut self, key: &KeyEvent) -> Option<Effect> {
        let p = self.list_picker.as_mut()?;
        self.dirty = true;
        match key.code {
            KeyCode::Esc => self.list_picker = None,
            KeyCode::Down | KeyCode::Char('j') | KeyCode::Tab => {
                p.selected = (p.selected + 1) % p.choices.len();
            }
            KeyCode::Up | KeyCode::Char('k') | KeyCode::BackTab => {
                p.selected = (p.selected + p.choices.len() - 1) % p.choices.len();
            }
            KeyCode::Enter | KeyCode::Char(' ') => {
                let choice = p.choices[p.selected].clone();
                let target = p.target;
                self.list_picker = None;
                let Picking::Field(field) = target else {
                    return self.pick_sort(&choice);
                };
                let value = if choice == ANY { "" } else { choice.as_str() };
                if self.form.set(field, value) {
                    self.form.apply_to(&mut self.query.filters);
                    return self.query_changed(false, true);
                }
            }
            // A letter jumps to the first choice with it ("any" is reached with k or ↑).
            KeyCode::Char(c) => {
                let c = c.to_ascii_lowercase();
                let skip = usize::from(matches!(p.target, Picking::Field(_)));
                if let Some(i) = p
                    .choices
                    .iter()
                    .skip(skip)
                    .position(|s| s.to_lowercase().starts_with(c))
                {
                    p.selected = i + skip;
                }
            }
            _ => {}
        }
        None
    }
}
