//! Key and mouse handling for [`App`].

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers, MouseButton, MouseEvent, MouseEventKind};

use super::{App, Effect, ErrorInfo, Focus, PAGE_SIZES, View};
use crate::tui::form::{self, EditOutcome, Field};
use crate::tui::keymap::{self, Action, ViewAction};
use crate::tui::layout;

/// Whether a service took a key.
enum Taken {
    /// It did, with this effect (boxed: an effect is large, and this is only a verdict).
    Done(Option<Box<Effect>>),
    /// The key means the same for every service.
    Common,
}

impl App {
    pub(super) fn on_key(&mut self, key: KeyEvent) -> Option<Effect> {
        if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('c') {
            return Some(self.quit());
        }
        // Job control works everywhere, as in a shell.
        if key.modifiers.contains(KeyModifiers::CONTROL) && key.code == KeyCode::Char('z') {
            self.dirty = true;
            return Some(Effect::Suspend);
        }
        if self.dialog.is_some() {
            return self.on_dialog_key(&key);
        }
        if self.cbr.picker.is_some() {
            return self.cbr_picker_key(&key);
        }
        if self.list_picker.is_some() {
            return self.list_picker_key(&key);
        }
        if self.context_picker.is_some() {
            return self.context_picker_key(&key);
        }
        if self.find.as_ref().is_some_and(|f| f.typing) && self.view.is_none() {
            return self.find_key(&key);
        }
        if let Some(view) = self.view {
            return self.on_view_key(view, &key);
        }
        match self.focus {
            Focus::Form => self.on_form_key(&key),
            Focus::Table => keymap::table_action(&key).and_then(|a| self.act(a)),
        }
    }

    /// A paste goes into the focused field as text, each line break (and tab) becoming a
    /// space, so a pasted list of project IDs stays one list; it never runs keys. With no
    /// field focused it only says where to paste.
    pub(super) fn on_paste(&mut self, text: &str) -> Option<Effect> {
        let clean: String = text
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .collect();
        let chars = || clean.chars().map(tui_input::InputRequest::InsertChar);
        self.dirty = true;
        match &mut self.dialog {
            Some(super::Dialog::Share(p)) => {
                chars().for_each(|r| {
                    p.input.handle(r);
                });
                p.error = None;
                return None;
            }
            Some(super::Dialog::Export(d)) => {
                chars().for_each(|r| {
                    d.input.handle(r);
                });
                d.error = None;
                return None;
            }
            Some(super::Dialog::Confirm(_)) => return None,
            None => {}
        }
        if self.focus == Focus::Form && super::picker::is_picked(self.form.focused()) {
            self.notice = Some("this field is picked, not typed: press Enter".to_owned());
            return None;
        }
        if self.focus == Focus::Form && self.view.is_none() && self.cbr.picker.is_none() {
            // Every character goes in (no short-circuit), then one query.
            let mut changed = false;
            for r in chars() {
                changed |= self.form.edit(r) == EditOutcome::Value;
            }
            if changed {
                self.form.apply_to(&mut self.query.filters);
                return self.query_changed(true, true);
            }
            return None;
        }
        self.notice = Some("paste into a filter field with / (or Tab)".to_owned());
        None
    }

    fn quit(&mut self) -> Effect {
        self.quit = true;
        Effect::Quit
    }

    fn act(&mut self, action: Action) -> Option<Effect> {
        use Action as A;
        // While another context signs in, nothing is started in this one: the switch
        // would leave it behind.
        if self.switching.is_some()
            && matches!(
                action,
                A::Share | A::CancelSharing | A::CancelBackup | A::Export | A::Accept | A::Reject
            )
        {
            self.notice =
                Some("switching context: changes and exports wait until it is done".into());
            self.dirty = true;
            return None;
        }
        if let Taken::Done(effect) = self.act_service(action) {
            return effect.map(|e| *e);
        }
        // Rows of a superseded query are looked at, never acted on.
        if matches!(
            action,
            A::Share | A::CancelSharing | A::CancelBackup | A::Export
        ) && self.superseded()
        {
            let why = self.superseded_text().unwrap_or_default();
            self.notice = Some(format!("not on old rows: {why}"));
            self.dirty = true;
            return None;
        }
        let h = self.body_height();
        match action {
            A::Quit => return Some(self.quit()),
            A::Down => self.select(self.selected.saturating_add(1)),
            A::Up => self.select(self.selected.saturating_sub(1)),
            A::First => self.select(0),
            A::Last => self.select(usize::MAX),
            A::PageDown => self.select(self.selected.saturating_add(h)),
            A::PageUp => self.select(self.selected.saturating_sub(h)),
            A::NextPage => return self.next_page(),
            A::PrevPage => return self.prev_page(),
            A::FocusName => {
                self.form.focus(Field::Name);
                self.set_focus(Focus::Form);
            }
            A::FocusForm => self.set_focus(Focus::Form),
            A::FocusFormLast => {
                self.form.prev();
                self.set_focus(Focus::Form);
            }
            A::ToggleDirection => {
                self.query.filters.share_to_me = !self.query.filters.share_to_me;
                return self.query_changed(false, true);
            }
            A::Pivot(by) => return self.pivot(by),
            A::Find => self.open_find(),
            A::FindStep(forward) => self.find_step(forward),
            A::RequestLog => {
                self.view = Some(View::Log { scroll: 0 });
                self.dirty = true;
            }
            A::PivotBack => return self.pivot_back(),
            A::Context => return self.open_context_picker(),
            // Taken by `act_service` for whichever service is shown.
            A::SwitchService | A::CbrTab(_) | A::Accept | A::Reject => {}
            A::PickSort => self.open_sort_picker(),
            A::FlipSort => {
                self.query.sort_dir = Some(self.sort_dir().flip());
                return self.query_changed(false, false);
            }
            A::PageSizeUp | A::PageSizeDown => {
                return self.step_page_size(action == A::PageSizeUp);
            }
            A::Refresh => return self.fetch(false, true),
            A::ClearFilters => {
                if self.form.clear_all() {
                    self.form.apply_to(&mut self.query.filters);
                    return self.query_changed(false, true);
                }
            }
            A::RawJson => self.open(View::Raw { scroll: 0 }),
            A::Detail => self.open(View::Detail { scroll: 0 }),
            A::CopySharingId => return self.copy(false),
            A::CopyBackupId => return self.copy(true),
            A::Help => {
                self.view = Some(View::Help { scroll: 0 });
                self.dirty = true;
            }
            A::Share => self.open_share(),
            A::CancelSharing => self.open_cancel(false),
            A::CancelBackup => self.open_cancel(true),
            A::Export => self.open_export(),
            A::ToggleWatch => self.toggle_watch(),
            // Esc closes what is open, one thing at a time, and destroys nothing: the
            // error panel first (dismissed until the error changes), then an export is
            // only stopped after a question.
            A::Back => {
                if self.error_open {
                    self.error_open = false;
                    self.dismissed = self.error.as_ref().map(ErrorInfo::identity);
                    self.dirty = true;
                } else if self.export.as_ref().is_some_and(|e| !e.cancelling) {
                    self.ask_cancel_export();
                }
            }
        }
        None
    }

    /// The keys whose meaning depends on the service shown; [`Taken::Common`] when
    /// `action` means the same for both.
    fn act_service(&mut self, action: Action) -> Taken {
        use Action as A;
        let cbr_only = |app: &mut App| {
            app.notice = Some("1 2 3, A and R are for CBR: c switches service".to_owned());
            app.dirty = true;
            Taken::Done(None)
        };
        if !self.is_cbr() {
            return match action {
                A::SwitchService => Taken::Done(self.switch_service().map(Box::new)),
                A::CbrTab(_) | A::Accept | A::Reject => cbr_only(self),
                _ => Taken::Common,
            };
        }
        let effect = match action {
            A::SwitchService => self.switch_service(),
            A::ToggleDirection => {
                let tab = if self.cbr.tab == super::CbrTab::ByMe {
                    self.cbr.last_with_me
                } else {
                    super::CbrTab::ByMe
                };
                self.cbr_show_tab(tab)
            }
            A::CbrTab(n) => {
                let tab = super::CbrTab::WITH_ME[usize::from(n.clamp(1, 3)) - 1];
                self.cbr_show_tab(tab)
            }
            A::Accept => self.cbr_open_accept(),
            A::Reject => self.cbr_open_reject(),
            A::NextPage => {
                self.cbr_turn_page(true);
                None
            }
            A::PrevPage => {
                self.cbr_turn_page(false);
                None
            }
            A::Refresh => self.cbr_refresh(),
            A::FlipSort => {
                self.cbr_flip_sort();
                None
            }
            A::Share | A::CancelSharing | A::CancelBackup => self.cbr_owner_write(action),
            A::CopySharingId | A::CopyBackupId => self.cbr_copy(action == A::CopyBackupId),
            _ => return Taken::Common,
        };
        Taken::Done(effect.map(Box::new))
    }

    fn set_focus(&mut self, focus: Focus) {
        self.focus = focus;
        self.dirty = true;
    }

    fn open(&mut self, view: View) {
        if self.selected < self.row_count() {
            self.pinned = self.selected_row().cloned().map(|s| (s, false));
            self.view = Some(view);
            self.dirty = true;
        }
    }

    fn next_page(&mut self) -> Option<Effect> {
        self.query.offset = Some(self.next_offset()?);
        if self.show_prefetched() {
            return self.after_prefetch();
        }
        self.fetch(false, false)
    }

    fn prev_page(&mut self) -> Option<Effect> {
        if self.offset() == 0 {
            return None;
        }
        let size = u64::from(self.page_size());
        self.query.offset = Some(self.offset().saturating_sub(size) / size * size);
        self.fetch(false, false)
    }

    fn step_page_size(&mut self, up: bool) -> Option<Effect> {
        let cur = self.page_size();
        let new = if up {
            PAGE_SIZES.iter().copied().find(|s| *s > cur)
        } else {
            PAGE_SIZES.iter().rev().copied().find(|s| *s < cur)
        }?;
        self.query.limit = Some(new);
        // Keep the first row of the current page on the new page.
        let size = u64::from(new);
        self.query.offset = Some(self.offset() / size * size);
        self.fetch(false, false)
    }

    fn on_form_key(&mut self, key: &KeyEvent) -> Option<Effect> {
        // The status and AZ are picked, never typed.
        if super::picker::is_picked(self.form.focused())
            && matches!(key.code, KeyCode::Char(_) | KeyCode::Enter)
            && !key.modifiers.contains(KeyModifiers::CONTROL)
        {
            self.open_field_picker(key);
            return None;
        }
        match key.code {
            KeyCode::Tab | KeyCode::Down => {
                self.form.next();
                self.dirty = true;
                None
            }
            KeyCode::BackTab | KeyCode::Up => {
                self.form.prev();
                self.dirty = true;
                None
            }
            // Esc only leaves the form: what was typed stays (Ctrl-U clears a field, x
            // every field). Operators press Esc repeatedly; it must never destroy work.
            KeyCode::Esc => {
                self.set_focus(Focus::Table);
                None
            }
            KeyCode::Enter => {
                self.set_focus(Focus::Table);
                self.form.apply_to(&mut self.query.filters);
                let changed =
                    self.page.query.as_ref().map(|s| &s.filters) != Some(&self.query.filters);
                // Skip the debounce: send now (the worker drops a pending debounced query).
                (changed || self.loading)
                    .then(|| self.query_changed(false, true))
                    .flatten()
            }
            _ => {
                let req = form::input_request(key)?;
                match self.form.edit(req) {
                    EditOutcome::Value => {
                        self.form.apply_to(&mut self.query.filters);
                        self.query_changed(true, true)
                    }
                    EditOutcome::Cursor => {
                        self.dirty = true;
                        None
                    }
                    EditOutcome::Nothing => None,
                }
            }
        }
    }

    fn on_view_key(&mut self, view: View, key: &KeyEvent) -> Option<Effect> {
        let toggle = match view {
            View::Help { .. } => KeyCode::Char('?'),
            View::Detail { .. } => KeyCode::Enter,
            View::Raw { .. } => KeyCode::Char('J'),
            View::Log { .. } => KeyCode::Char('L'),
        };
        let page = usize::from(self.size.1.saturating_sub(4)).max(1);
        match keymap::view_action(key, toggle)? {
            ViewAction::Close => {
                self.view = None;
                self.pinned = None;
                self.dirty = true;
            }
            ViewAction::Quit => return Some(self.quit()),
            ViewAction::Scroll(n) => self.scroll_view(n as isize),
            ViewAction::PageDown => self.scroll_view(page as isize),
            ViewAction::PageUp => self.scroll_view(-(page as isize)),
            ViewAction::Top => self.scroll_view(isize::MIN),
            ViewAction::Bottom => self.scroll_view(isize::MAX),
            ViewAction::CopySharingId | ViewAction::CopyBackupId
                if matches!(view, View::Log { .. }) =>
            {
                let Some(id) = self.log_selected().and_then(|r| r.request_id) else {
                    self.notice = Some("this request has no request ID".to_owned());
                    self.dirty = true;
                    return None;
                };
                self.notice = Some(format!("copied request ID {}", crate::text::sanitize(&id)));
                self.dirty = true;
                return Some(Effect::Copy(id));
            }
            ViewAction::CopySharingId => return self.copy(false),
            ViewAction::CopyBackupId => return self.copy(true),
        }
        None
    }

    fn scroll_view(&mut self, by: isize) {
        let Some(view) = self.view else { return };
        let max = self.view_max_scroll(view);
        if let Some(v) = &mut self.view {
            let scroll = v.scroll_mut();
            let new = scroll.saturating_add_signed(by).min(max);
            if new != *scroll {
                *scroll = new;
                self.dirty = true;
            }
        }
    }

    pub(super) fn on_mouse(&mut self, m: MouseEvent) -> Option<Effect> {
        if !self.mouse || self.dialog.is_some() {
            return None;
        }
        let up = match m.kind {
            MouseEventKind::ScrollUp => true,
            MouseEventKind::ScrollDown => false,
            MouseEventKind::Down(MouseButton::Left) => return self.click(m.column, m.row),
            _ => return None,
        };
        if self.view.is_some() {
            self.scroll_view(if up { -3 } else { 3 });
        } else if up {
            self.select(self.selected.saturating_sub(1));
        } else {
            self.select(self.selected.saturating_add(1));
        }
        None
    }

    fn click(&mut self, x: u16, y: u16) -> Option<Effect> {
        if self.view.is_some() {
            return None;
        }
        let areas = self.areas();
        let pos = ratatui::layout::Position::new(x, y);
        if areas.table_body.contains(pos) {
            let index = self.scroll + usize::from(y - areas.table_body.y);
            if index < self.page.rows.len() {
                self.focus = Focus::Table;
                self.select(index);
                self.dirty = true;
            }
            return None;
        }
        // CBR's tabs have keys of their own (t, 1, 2, 3); a click there does nothing.
        if areas.tabs.contains(pos) && !self.is_cbr() {
            let labels = layout::tab_labels(
                self.query.filters.share_to_me,
                self.page.totals(&self.query),
            );
            let want_to_me = layout::tab_at(x - areas.tabs.x, &labels)?;
            if want_to_me != self.query.filters.share_to_me {
                return self.act(Action::ToggleDirection);
            }
        }
        None
    }
}
