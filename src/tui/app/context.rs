//! The context picker (`:` or `P`): the config file's profiles, "env", and the other
//! projects the credentials reach. Choosing one asks the run loop to connect; the App
//! changes only once the new context is signed in, so a failed switch keeps the old one.

use crossterm::event::{KeyCode, KeyEvent};

use super::{App, Effect, Focus, Options};
use crate::tui::context::{ContextEntry, ContextList};
use crate::tui::msg::{ContextEffect, ContextNews, SwitchedTo};

/// The open context picker.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ContextPicker {
    /// What the source listed; `None` while it is asked.
    pub list: Option<ContextList>,
    /// The highlighted entry (profiles first, then projects).
    pub selected: usize,
}

impl ContextPicker {
    /// Every entry, profiles first.
    pub fn entries(&self) -> impl Iterator<Item = &ContextEntry> {
        let list = self.list.as_ref();
        list.into_iter()
            .flat_map(|l| l.profiles.iter().chain(l.projects.iter().flatten()))
    }

    fn len(&self) -> usize {
        self.entries().count()
    }
}

impl App {
    /// `:` or `P`: opens the picker and asks for the list (refused while a write or an
    /// export runs, which belong to the context they started in).
    pub(super) fn open_context_picker(&mut self) -> Option<Effect> {
        self.dirty = true;
        if !self.contexts_available {
            self.notice = Some("this browser cannot switch context".to_owned());
            return None;
        }
        if let Some(why) = self.switch_blocked() {
            self.notice = Some(format!("cannot switch context now: {why}"));
            return None;
        }
        self.context_picker = Some(ContextPicker::default());
        Some(Effect::Context(ContextEffect::List))
    }

    fn switch_blocked(&self) -> Option<&'static str> {
        if self.switching.is_some() {
            Some("a switch is in progress")
        } else if self.export.is_some() {
            Some("an export is running (Esc stops it)")
        } else if self.writing.is_some() || self.cbr.writing.is_some() {
            Some("a change is being sent")
        } else {
            None
        }
    }

    /// Keys while the picker is open: ↑↓ (j k) choose, Enter switches, Esc closes.
    pub(super) fn context_picker_key(&mut self, key: &KeyEvent) -> Option<Effect> {
        let p = self.context_picker.as_mut()?;
        self.dirty = true;
        let n = p.len();
        match key.code {
            KeyCode::Esc | KeyCode::Char('q' | ':' | 'P') => self.context_picker = None,
            KeyCode::Down | KeyCode::Char('j') | KeyCode::Tab if n > 0 => {
                p.selected = (p.selected + 1) % n;
            }
            KeyCode::Up | KeyCode::Char('k') | KeyCode::BackTab if n > 0 => {
                p.selected = (p.selected + n - 1) % n;
            }
            KeyCode::Char('g') | KeyCode::Home => p.selected = 0,
            KeyCode::Char('G') | KeyCode::End => p.selected = n.saturating_sub(1),
            KeyCode::Enter => {
                let entry = p.entries().nth(p.selected)?.clone();
                self.context_picker = None;
                if entry.current {
                    self.notice = Some(format!("already on {}", entry.label));
                    return None;
                }
                if let Some(why) = self.switch_blocked() {
                    self.notice = Some(format!("cannot switch context now: {why}"));
                    return None;
                }
                self.switching = Some(entry.label.clone());
                return Some(Effect::Context(ContextEffect::Switch(entry.choice)));
            }
            _ => {}
        }
        None
    }

    /// The list arrived, or a switch ended.
    pub(super) fn on_context(&mut self, news: ContextNews) -> Option<Effect> {
        self.dirty = true;
        match news {
            ContextNews::Listed(list) => {
                if let Some(p) = &mut self.context_picker {
                    p.selected = list
                        .profiles
                        .iter()
                        .chain(list.projects.iter().flatten())
                        .position(|e| e.current)
                        .unwrap_or(0);
                    p.list = Some(list);
                }
                None
            }
            ContextNews::Switched(Err((label, why))) => {
                self.switching = None;
                self.notice = Some(format!(
                    "could not switch to {label}: {why}; still on {}",
                    self.header.context_label()
                ));
                None
            }
            ContextNews::Switched(Ok(to)) => self.switched(*to),
        }
    }

    /// The new context is signed in: start over in it, keeping what the user chose to
    /// look at (service, direction or CBR tab, filters, sort, page size, watch mode) but
    /// not the pivots, which name the old context's projects, nor the page.
    fn switched(&mut self, to: SwitchedTo) -> Option<Effect> {
        let mut initial = self.query.clone();
        initial.offset = Some(0);
        let options = Options {
            header: to.header,
            initial,
            mouse: self.mouse,
            read_only: self.read_only,
            refresh: self.watch,
            service: if to.cbr_available {
                self.service
            } else {
                crate::api::service::SharingService::Vbs
            },
            request_log: to.request_log,
            ..Options::default()
        };
        let mut fresh = App::new(&options, self.now);
        fresh.theme = self.theme.clone();
        fresh.size = self.size;
        fresh.watch_interval = self.watch_interval;
        fresh.cbr_available = to.cbr_available;
        fresh.contexts_available = self.contexts_available;
        fresh.exports_started = self.exports_started;
        fresh.messages = std::mem::take(&mut self.messages);
        fresh.focus = Focus::Table;
        // CBR's tab and order are part of what the user looks at, like VBS's direction.
        fresh.cbr.tab = self.cbr.tab;
        fresh.cbr.last_with_me = self.cbr.last_with_me;
        fresh.cbr.sort = self.cbr.sort;
        fresh.notice = Some(format!("switched to {}", fresh.header.context_label()));
        *self = fresh;
        self.start()
    }
}
