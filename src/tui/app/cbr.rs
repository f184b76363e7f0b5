//! CBR sharing in the browser: the tabs (Shared by me, and Pending, Accepted, Rejected
//! with me), the page on screen, the owner walk as it arrives, the vault picker, and the
//! keys and answers that only CBR has.
//!
//! CBR filters neither by substring nor by the sharing project, so the browser reads the
//! whole of a list once (the three shared-with-me lists together, which also gives each
//! tab its count; the owner walk for Shared by me) and filters, pages and sorts it locally:
//! a filter edit or a page turn never waits for the network.

use std::collections::HashSet;

use super::{App, Effect, ErrorInfo, View};
use crate::api::cbr::{Backup, Fit, MemberStatus, Vault, WalkEvent, pick_vault};
use crate::api::query::Filters;
use crate::api::service::SharingService;
use crate::schema::cbr::{MemberRow, SharedRow, VaultRow};
use crate::schema::names;
use crate::tui::msg::{CbrEffect, CbrNews};

/// One CBR tab.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum CbrTab {
    /// This project's backups and their members (the owner walk).
    ByMe,
    /// Shared with this project, waiting for accept or reject.
    #[default]
    Pending,
    /// Shared with this project and accepted into a vault.
    Accepted,
    /// Shared with this project and rejected.
    Rejected,
}

impl CbrTab {
    /// The shared-with-me tabs, in the order of keys `1` `2` `3`.
    pub const WITH_ME: [CbrTab; 3] = [CbrTab::Pending, CbrTab::Accepted, CbrTab::Rejected];

    /// The tab's title.
    pub fn title(self) -> &'static str {
        match self {
            CbrTab::ByMe => "Shared by me",
            CbrTab::Pending => "Pending",
            CbrTab::Accepted => "Accepted",
            CbrTab::Rejected => "Rejected",
        }
    }

    /// The index of a shared-with-me tab in [`CbrTab::WITH_ME`].
    pub fn with_me_index(self) -> Option<usize> {
        CbrTab::WITH_ME.iter().position(|t| *t == self)
    }

    /// This project's member status the tab lists.
    pub fn status(self) -> Option<MemberStatus> {
        Some(match self {
            CbrTab::ByMe => return None,
            CbrTab::Pending => MemberStatus::Pending,
            CbrTab::Accepted => MemberStatus::Accepted,
            CbrTab::Rejected => MemberStatus::Rejected,
        })
    }
}

/// What CBR rows are sorted by (locally: CBR lists come newest first and sort on the
/// client costs nothing once the whole list is held).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum CbrSortKey {
    /// When the backup (or the membership) was created.
    #[default]
    Created,
    /// The backup's name.
    Name,
    /// The backup's size (shared with me) or the member project (shared by me).
    Size,
    /// The backup's status (shared with me) or the member's status (shared by me).
    Status,
}

impl CbrSortKey {
    /// Every key, in the order the sort picker lists them.
    pub const ALL: [CbrSortKey; 4] = [
        CbrSortKey::Created,
        CbrSortKey::Name,
        CbrSortKey::Size,
        CbrSortKey::Status,
    ];

    /// The key as the tabs line shows it, for `tab`.
    pub fn label(self, tab: CbrTab) -> &'static str {
        match (self, tab) {
            (CbrSortKey::Created, _) => "created",
            (CbrSortKey::Name, _) => "name",
            (CbrSortKey::Size, CbrTab::ByMe) => "member",
            (CbrSortKey::Size, _) => "size",
            (CbrSortKey::Status, _) => "status",
        }
    }
}

/// The order of CBR rows: a key and a direction (newest first by default).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CbrSort {
    pub key: CbrSortKey,
    pub desc: bool,
}

impl Default for CbrSort {
    fn default() -> Self {
        CbrSort {
            key: CbrSortKey::Created,
            desc: true,
        }
    }
}

fn order<T: Ord>(a: &T, b: &T, desc: bool) -> std::cmp::Ordering {
    if desc { b.cmp(a) } else { a.cmp(b) }
}

fn sort_shared(rows: &mut [&SharedRow], s: CbrSort) {
    let time = |r: &SharedRow| r.backup.created_at.as_ref().map(|t| (t.secs, t.nanos));
    let name = |r: &SharedRow| r.backup.name.as_deref().map(str::to_lowercase);
    rows.sort_by(|a, b| match s.key {
        CbrSortKey::Created => order(&time(a), &time(b), s.desc),
        CbrSortKey::Name => order(&name(a), &name(b), s.desc),
        CbrSortKey::Size => order(&a.backup.resource_size, &b.backup.resource_size, s.desc),
        CbrSortKey::Status => order(&a.backup.status, &b.backup.status, s.desc),
    });
}

fn sort_members(rows: &mut [&MemberRow], s: CbrSort) {
    let time = |r: &MemberRow| r.member.created_at.as_ref().map(|t| (t.secs, t.nanos));
    let name = |r: &MemberRow| r.backup_name.as_deref().map(str::to_lowercase);
    let project = |r: &MemberRow| {
        r.member
            .dest_project_id
            .as_deref()
            .map(|p| names::short(p).to_lowercase())
    };
    rows.sort_by(|a, b| match s.key {
        CbrSortKey::Created => order(&time(a), &time(b), s.desc),
        CbrSortKey::Name => order(&name(a), &name(b), s.desc),
        CbrSortKey::Size => order(&project(a), &project(b), s.desc),
        CbrSortKey::Status => order(&a.status, &b.status, s.desc),
    });
}

/// The owner walk's progress and what it found, kept for the session.
#[derive(Debug, Default)]
pub struct Walk {
    /// One row per member, in the order they arrived.
    pub members: Vec<MemberRow>,
    /// Backups whose members were read (cached: a resumed walk skips them).
    pub done: HashSet<String>,
    /// Those backups by ID, for filters on the backup (status, AZ, disk) and for watch
    /// mode's re-reads.
    pub backups: std::collections::HashMap<String, Backup>,
    /// Backups listed so far, and how many there are.
    pub listed: u64,
    pub total: Option<u64>,
    /// Backups that have at least one member.
    pub shared: u64,
    /// Backups whose members could not be read.
    pub failed: Vec<crate::schema::cbr::FailedBackup>,
    /// A walk is running.
    pub running: bool,
    /// The walk went through every backup.
    pub finished: bool,
}

/// The vault picker that `A` opens: this project's vaults and whether each can take the
/// backup; Enter accepts into the highlighted one.
#[derive(Clone, Debug)]
pub struct VaultPicker {
    /// The backup to accept.
    pub backup: Backup,
    /// The vaults with their verdicts (`None` while loading); fitting vaults first, the
    /// one with most free space on top.
    pub vaults: Option<Vec<(VaultRow, bool)>>,
    /// The highlighted vault.
    pub selected: usize,
    /// Why the vaults could not be read.
    pub error: Option<String>,
}

impl VaultPicker {
    /// The highlighted vault, when it can take the backup.
    pub fn chosen(&self) -> Option<&Vault> {
        let (row, fits) = self.vaults.as_ref()?.get(self.selected)?;
        fits.then_some(&row.vault)
    }
}

/// The rows of the CBR page on screen.
#[derive(Clone, Debug)]
pub enum CbrRows {
    /// Backups shared with this project (one tab's).
    Shared(Vec<SharedRow>),
    /// Members of this project's backups.
    Members(Vec<MemberRow>),
}

impl Default for CbrRows {
    fn default() -> Self {
        CbrRows::Shared(Vec::new())
    }
}

impl CbrRows {
    /// How many rows.
    pub fn len(&self) -> usize {
        match self {
            CbrRows::Shared(r) => r.len(),
            CbrRows::Members(r) => r.len(),
        }
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The CBR page on screen: its tab, the filters and offset it was cut with, its rows and
/// how many rows match in all.
#[derive(Clone, Debug, Default)]
pub struct CbrPage {
    pub tab: CbrTab,
    pub offset: u64,
    pub rows: CbrRows,
    pub total: u64,
}

/// Everything the browser holds about CBR.
#[derive(Debug, Default)]
pub struct CbrScreen {
    /// The tab shown.
    pub tab: CbrTab,
    /// The shared-with-me tab `t` goes back to.
    pub last_with_me: CbrTab,
    /// The three shared-with-me lists (pending, accepted, rejected), once read.
    pub shared: Option<[Vec<SharedRow>; 3]>,
    /// Bumped for every load; older answers are dropped.
    pub generation: u64,
    /// A load of the shared lists is in flight.
    pub loading: bool,
    /// The owner walk.
    pub walk: Walk,
    /// The generation of the walk whose events are taken.
    pub walk_generation: u64,
    /// The offset into the filtered rows.
    pub offset: u64,
    /// The page on screen.
    pub page: CbrPage,
    /// The open vault picker.
    pub picker: Option<VaultPicker>,
    /// A CBR write is in flight (accept, reject, share, remove members).
    pub writing: Option<&'static str>,
    /// The order of the rows (`s`, `S`).
    pub sort: CbrSort,
}

impl CbrScreen {
    /// The count shown on a tab: the rows matching the filters, `None` before they are
    /// known (for Shared by me, a lower bound until the walk ends).
    pub fn count(&self, tab: CbrTab, filters: &Filters) -> Option<u64> {
        match tab.with_me_index() {
            Some(i) => self
                .shared
                .as_ref()
                .map(|l| l[i].iter().filter(|r| shared_matches(filters, r)).count() as u64),
            None => (self.walk.running || self.walk.finished || !self.walk.members.is_empty())
                .then(|| {
                    self.walk
                        .members
                        .iter()
                        .filter(|r| self.member_visible(filters, r))
                        .count() as u64
                }),
        }
    }
}

/// Every row of a CBR view that passes the filters, in the order shown (before paging).
#[derive(Debug)]
pub enum ViewRows<'a> {
    Shared(Vec<&'a SharedRow>),
    Members(Vec<&'a MemberRow>),
}

impl CbrScreen {
    /// Every row of the tab shown that passes `f`, sorted as shown: what the table pages
    /// through and what an export writes.
    pub fn view_rows(&self, f: &Filters) -> ViewRows<'_> {
        match self.tab.with_me_index() {
            Some(i) => {
                let mut all: Vec<&SharedRow> = self.shared.as_ref().map_or_else(Vec::new, |l| {
                    l[i].iter().filter(|r| shared_matches(f, r)).collect()
                });
                sort_shared(&mut all, self.sort);
                ViewRows::Shared(all)
            }
            None => {
                let mut all: Vec<&MemberRow> = self
                    .walk
                    .members
                    .iter()
                    .filter(|r| self.member_visible(f, r))
                    .collect();
                sort_members(&mut all, self.sort);
                ViewRows::Members(all)
            }
        }
    }

    /// Whether a member row passes the form's filters, those on its backup (status, AZ,
    /// disk) included.
    pub fn member_visible(&self, f: &Filters, r: &MemberRow) -> bool {
        let backup_ok = || {
            let no_backup_filter = f.status.trim().is_empty()
                && f.availability_zone.trim().is_empty()
                && f.volume_id.trim().is_empty();
            no_backup_filter
                || r.member
                    .backup_id
                    .as_ref()
                    .and_then(|id| self.walk.backups.get(id))
                    .is_some_and(|b| crate::api::cbr::backup_matches(f, b))
        };
        member_matches(f, r) && backup_ok()
    }
}

/// Whether a shared row passes the form's filters (all applied here: CBR cannot filter
/// by substring or by the sharing project); one rule with the CLI's.
pub fn shared_matches(f: &Filters, r: &SharedRow) -> bool {
    crate::api::cbr::shared_matches(f, &r.backup)
}

/// Whether a member row passes the form's filters; "to project" is the member.
pub fn member_matches(f: &Filters, r: &MemberRow) -> bool {
    let name_ok = f.name.is_empty()
        || r.backup_name
            .as_deref()
            .is_some_and(|n| n.to_lowercase().contains(&f.name.trim().to_lowercase()));
    let backup_ok =
        f.backup_id.is_empty() || r.member.backup_id.as_deref() == Some(f.backup_id.trim());
    let to_ok = f.to_project_id.is_empty()
        || r.member.dest_project_id.as_deref() == Some(f.to_project_id.trim());
    name_ok && backup_ok && to_ok && f.from_project_id.is_empty()
}

fn shared_row(backup: Backup, status: &MemberStatus) -> SharedRow {
    let from_name = backup
        .project_id
        .as_deref()
        .and_then(names::of)
        .map(str::to_owned);
    SharedRow {
        backup,
        member_status: Some(status.as_str().to_owned()),
        from_name,
    }
}

fn label(name: Option<&str>, id: Option<&str>) -> String {
    crate::tui::backend::short_name(name.filter(|n| !n.is_empty()).or(id).unwrap_or("—"))
}

impl App {
    /// Whether the browser shows CBR.
    pub fn is_cbr(&self) -> bool {
        self.service == SharingService::Cbr
    }

    /// `c`: VBS ⇄ CBR. Filters that apply to both are kept (the form is shared).
    pub(super) fn switch_service(&mut self) -> Option<Effect> {
        if !self.cbr_available {
            self.notice = Some("CBR is not available here (no CBR endpoint)".to_owned());
            self.dirty = true;
            return None;
        }
        let leaving_walk = self.is_cbr() && self.cbr.tab == CbrTab::ByMe && self.cbr.walk.running;
        self.service = match self.service {
            SharingService::Vbs => SharingService::Cbr,
            SharingService::Cbr => SharingService::Vbs,
        };
        self.selected = 0;
        self.scroll = 0;
        self.view = None;
        self.dirty = true;
        if leaving_walk {
            self.cbr.walk.running = false;
            return Some(Effect::Cbr(CbrEffect::StopWalk));
        }
        if self.is_cbr() {
            return self.cbr_enter_tab();
        }
        // Back on VBS: the page on screen is still there; fetch if there is none.
        if self.page.query.is_none() && !self.loading {
            return self.fetch(false, true);
        }
        None
    }

    /// The first fetch when the browser starts on CBR.
    pub(super) fn switch_service_start(&mut self) -> Option<Effect> {
        self.cbr_enter_tab()
    }

    /// Shows `tab`; starts what it needs (the lists, or the walk), pauses a walk left.
    pub(super) fn cbr_show_tab(&mut self, tab: CbrTab) -> Option<Effect> {
        if tab == self.cbr.tab {
            return None;
        }
        let leaving_walk = self.cbr.tab == CbrTab::ByMe && self.cbr.walk.running;
        self.cbr.tab = tab;
        if tab != CbrTab::ByMe {
            self.cbr.last_with_me = tab;
        }
        self.cbr.offset = 0;
        self.selected = 0;
        self.scroll = 0;
        self.dirty = true;
        if leaving_walk {
            // Leaving the view pauses the walk; what it read stays cached.
            self.cbr.walk.running = false;
            self.cbr_recompute();
            return Some(Effect::Cbr(CbrEffect::StopWalk));
        }
        self.cbr_enter_tab()
    }

    /// What showing the current tab needs.
    fn cbr_enter_tab(&mut self) -> Option<Effect> {
        self.cbr_recompute();
        match self.cbr.tab {
            CbrTab::ByMe if !self.cbr.walk.finished && !self.cbr.walk.running => {
                Some(self.cbr_start_walk())
            }
            CbrTab::ByMe => None,
            _ if self.cbr.shared.is_none() && !self.cbr.loading => Some(self.cbr_load_shared()),
            _ => None,
        }
    }

    fn cbr_load_shared(&mut self) -> Effect {
        self.cbr.generation += 1;
        self.cbr.loading = true;
        self.dirty = true;
        Effect::Cbr(CbrEffect::LoadShared {
            generation: self.cbr.generation,
        })
    }

    fn cbr_start_walk(&mut self) -> Effect {
        self.cbr.walk_generation += 1;
        self.cbr.walk.running = true;
        self.dirty = true;
        Effect::Cbr(CbrEffect::Walk {
            generation: self.cbr.walk_generation,
            skip: self.cbr.walk.done.iter().cloned().collect(),
        })
    }

    /// Watch mode's tick under CBR: the shared-with-me lists again; on Shared by me, once
    /// the walk has ended, only the members of the backups known to be shared.
    pub(super) fn cbr_watch_tick(&mut self) -> Option<Effect> {
        if self.cbr.tab != CbrTab::ByMe {
            return self.cbr_refresh();
        }
        if self.cbr.walk.running || !self.cbr.walk.finished {
            return None;
        }
        let mut seen = HashSet::new();
        let backups: Vec<Backup> = self
            .cbr
            .walk
            .members
            .iter()
            .filter_map(|m| {
                let id = m.member.backup_id.clone()?;
                let backup = self.cbr.walk.backups.get(&id)?.clone();
                seen.insert(id).then_some(backup)
            })
            .collect();
        if backups.is_empty() {
            return None;
        }
        self.cbr.walk_generation += 1;
        self.cbr.walk.running = true;
        self.dirty = true;
        Some(Effect::Cbr(CbrEffect::RefreshMembers {
            generation: self.cbr.walk_generation,
            backups,
        }))
    }

    /// `r` under CBR: read the tab's list again (a new walk for Shared by me).
    pub(super) fn cbr_refresh(&mut self) -> Option<Effect> {
        if self.cbr.tab == CbrTab::ByMe {
            if self.cbr.walk.running {
                return None;
            }
            self.cbr.walk = Walk::default();
            self.cbr_recompute();
            return Some(self.cbr_start_walk());
        }
        if self.cbr.loading {
            // Refreshes never stack.
            return None;
        }
        Some(self.cbr_load_shared())
    }

    /// Cuts the page on screen from what is held, for the tab, the filters and the offset.
    pub(super) fn cbr_recompute(&mut self) {
        let tab = self.cbr.tab;
        let (rows, total) = match self.cbr.view_rows(&self.query.filters) {
            ViewRows::Shared(all) => {
                let total = all.len() as u64;
                let page = self.cut(&all).into_iter().cloned().collect();
                (CbrRows::Shared(page), total)
            }
            ViewRows::Members(all) => {
                let total = all.len() as u64;
                let page = self.cut(&all).into_iter().cloned().collect();
                (CbrRows::Members(page), total)
            }
        };
        let size = u64::from(self.page_size());
        // Past the end (rows gone): back to the last page.
        if total > 0 && self.cbr.offset >= total {
            self.cbr.offset = (total - 1) / size * size;
            return self.cbr_recompute();
        }
        self.cbr.page = CbrPage {
            tab,
            offset: self.cbr.offset,
            rows,
            total,
        };
        let n = self.cbr.page.rows.len();
        self.selected = self.selected.min(n.saturating_sub(1));
        self.keep_selection_visible();
        self.refind(false);
        self.dirty = true;
    }

    fn cut<'a, T>(&self, all: &[&'a T]) -> Vec<&'a T> {
        let size = self.page_size() as usize;
        let from = usize::try_from(self.cbr.offset)
            .unwrap_or(usize::MAX)
            .min(all.len());
        all[from..(from + size).min(all.len())].to_vec()
    }

    /// `S` under CBR: flips the direction, from the first page.
    pub(super) fn cbr_flip_sort(&mut self) {
        self.cbr.sort.desc = !self.cbr.sort.desc;
        self.cbr_resort();
    }

    /// The sort picker under CBR: orders by `key`, from the first page.
    pub(super) fn cbr_sort_by(&mut self, key: CbrSortKey) {
        self.cbr.sort.key = key;
        self.cbr_resort();
    }

    fn cbr_resort(&mut self) {
        self.cbr.offset = 0;
        self.selected = 0;
        self.scroll = 0;
        self.cbr_recompute();
    }

    /// `]` / `[` under CBR: local paging.
    pub(super) fn cbr_turn_page(&mut self, forward: bool) {
        let size = u64::from(self.page_size());
        let next = if forward {
            let next = self.cbr.offset + size;
            if next >= self.cbr.page.total {
                return;
            }
            next
        } else {
            if self.cbr.offset == 0 {
                return;
            }
            self.cbr.offset.saturating_sub(size) / size * size
        };
        self.cbr.offset = next;
        self.selected = 0;
        self.scroll = 0;
        self.cbr_recompute();
    }

    /// The selected shared backup, on a shared-with-me tab.
    pub fn cbr_selected_shared(&self) -> Option<&SharedRow> {
        match &self.cbr.page.rows {
            CbrRows::Shared(r) => r.get(self.selected),
            CbrRows::Members(_) => None,
        }
    }

    /// The selected member row, on Shared by me.
    pub fn cbr_selected_member(&self) -> Option<&MemberRow> {
        match &self.cbr.page.rows {
            CbrRows::Members(r) => r.get(self.selected),
            CbrRows::Shared(_) => None,
        }
    }

    /// A write can go ahead, else the footer says why.
    fn cbr_may_write(&mut self) -> bool {
        let refusal = if self.read_only {
            Some(super::READ_ONLY.to_owned())
        } else {
            self.cbr.writing.map(|w| format!("wait: still {w}ing…"))
        };
        if let Some(r) = refusal {
            self.notice = Some(r);
            self.dirty = true;
            return false;
        }
        true
    }

    /// `A`: open the vault picker for the selected pending backup.
    pub(super) fn cbr_open_accept(&mut self) -> Option<Effect> {
        let Some(row) = self.cbr_selected_shared().cloned() else {
            self.notice =
                Some("A accepts a backup shared with this project: 1 shows Pending".into());
            self.dirty = true;
            return None;
        };
        if self.cbr.page.tab != CbrTab::Pending {
            self.notice = Some(format!(
                "only a pending backup can be accepted; this one is {}",
                self.cbr.page.tab.title().to_lowercase()
            ));
            self.dirty = true;
            return None;
        }
        if !self.cbr_may_write() {
            return None;
        }
        let backup_id = row.backup.id.clone().unwrap_or_default();
        self.cbr.picker = Some(VaultPicker {
            backup: row.backup,
            vaults: None,
            selected: 0,
            error: None,
        });
        self.dirty = true;
        Some(Effect::Cbr(CbrEffect::LoadVaults { backup_id }))
    }

    /// `R`: ask before rejecting the selected pending (or accepted) backup.
    pub(super) fn cbr_open_reject(&mut self) -> Option<Effect> {
        let Some(row) = self.cbr_selected_shared().cloned() else {
            self.notice =
                Some("R rejects a backup shared with this project: 1 shows Pending".into());
            self.dirty = true;
            return None;
        };
        if self.cbr.page.tab == CbrTab::Rejected {
            self.notice = Some("this backup is already rejected".to_owned());
            self.dirty = true;
            return None;
        }
        if !self.cbr_may_write() {
            return None;
        }
        let name = label(row.backup.name.as_deref(), row.backup.id.as_deref());
        let from = row
            .backup
            .project_id
            .as_deref()
            .map(|p| names::short(p).to_owned())
            .unwrap_or_default();
        self.dialog = Some(super::Dialog::Confirm(super::Confirm {
            title: " Reject shared backup ",
            question: format!("Reject backup {name}, shared by {from}?"),
            detail: vec![
                "It moves to Rejected. To get it back, its owner must remove this project \
                 and share it again."
                    .to_owned(),
            ],
            danger: true,
            yes_focused: false,
            action: super::ConfirmAction::Cbr(CbrEffect::Reject {
                backup: Box::new(row.backup),
            }),
        }));
        self.dirty = true;
        None
    }

    /// Keys while the vault picker is open.
    pub(super) fn cbr_picker_key(&mut self, key: &crossterm::event::KeyEvent) -> Option<Effect> {
        use crossterm::event::KeyCode;
        let picker = self.cbr.picker.as_mut()?;
        let n = picker.vaults.as_ref().map_or(0, Vec::len);
        self.dirty = true;
        match key.code {
            KeyCode::Esc | KeyCode::Char('q') => {
                self.cbr.picker = None;
                None
            }
            KeyCode::Down | KeyCode::Char('j') if n > 0 => {
                picker.selected = (picker.selected + 1).min(n - 1);
                None
            }
            KeyCode::Up | KeyCode::Char('k') => {
                picker.selected = picker.selected.saturating_sub(1);
                None
            }
            KeyCode::Enter => {
                let Some(vault) = picker.chosen().cloned() else {
                    if picker.vaults.is_some() {
                        self.notice = Some("that vault cannot take this backup".to_owned());
                    }
                    return None;
                };
                let picker = self.cbr.picker.take()?;
                self.cbr.writing = Some("accept");
                Some(Effect::Cbr(CbrEffect::Accept {
                    backup: Box::new(picker.backup),
                    vault: Box::new(vault),
                }))
            }
            _ => None,
        }
    }

    /// A confirmed CBR write: hand it to the run loop.
    pub(super) fn cbr_start_write(&mut self, effect: CbrEffect) -> Option<Effect> {
        if !self.cbr_may_write() {
            return None;
        }
        self.cbr.writing = Some(match &effect {
            CbrEffect::Reject { .. } => "reject",
            CbrEffect::AddMembers { .. } => "shar",
            CbrEffect::DeleteMembers { .. } => "remov",
            _ => "writ",
        });
        self.dirty = true;
        Some(Effect::Cbr(effect))
    }

    /// `a`, `d`, `D` under CBR: add members to the selected row's backup, remove its
    /// member, remove all its members; only on Shared by me, where the rows are this
    /// project's.
    pub(super) fn cbr_owner_write(&mut self, action: crate::tui::keymap::Action) -> Option<Effect> {
        use crate::tui::keymap::Action as A;
        let Some(row) = self.cbr_selected_member().cloned() else {
            self.notice = Some(
                "only the project that owns a backup adds or removes members: t switches to \
                 Shared by me"
                    .to_owned(),
            );
            self.dirty = true;
            return None;
        };
        if !self.cbr_may_write() {
            return None;
        }
        let backup_id = row.member.backup_id.clone().unwrap_or_default();
        let backup_name = row.backup_name.clone().unwrap_or_default();
        let name = label(Some(&backup_name), Some(&backup_id));
        let (title, question, detail, projects) = match action {
            A::Share => {
                self.dialog = Some(super::Dialog::Share(super::SharePrompt {
                    backup_id,
                    backup_name,
                    input: tui_input::Input::default(),
                    error: None,
                }));
                self.dirty = true;
                return None;
            }
            A::CancelSharing => {
                let project = row.member.dest_project_id.clone().unwrap_or_default();
                let accepted = row.member.status == Some(MemberStatus::Accepted);
                let mut detail = vec![format!(
                    "Project {} will no longer see this backup.",
                    names::long(&project)
                )];
                if accepted {
                    detail.push(
                        "It has ACCEPTED the backup: it loses it, and anything restored from it \
                         stays but cannot be restored again."
                            .to_owned(),
                    );
                }
                (
                    " Remove member ",
                    format!(
                        "Stop sharing backup {name} with {}?",
                        names::short(&project)
                    ),
                    detail,
                    vec![project],
                )
            }
            _ => {
                let projects: Vec<String> = self
                    .cbr
                    .walk
                    .members
                    .iter()
                    .filter(|m| m.member.backup_id.as_deref() == Some(backup_id.as_str()))
                    .filter_map(|m| m.member.dest_project_id.clone())
                    .collect();
                (
                    " Remove every member ",
                    format!(
                        "Stop sharing backup {name} with all {} of its members?",
                        projects.len()
                    ),
                    vec!["Members that accepted it lose it.".to_owned()],
                    projects,
                )
            }
        };
        self.dialog = Some(super::Dialog::Confirm(super::Confirm {
            title,
            question,
            detail,
            danger: true,
            yes_focused: false,
            action: super::ConfirmAction::Cbr(CbrEffect::DeleteMembers {
                backup_id,
                backup_name,
                projects,
            }),
        }));
        self.dirty = true;
        None
    }

    /// `y` / `Y` under CBR: copy the backup ID (`Y`), or the row's own ID (`y`: the
    /// member's project on Shared by me, the backup on the other tabs).
    pub(super) fn cbr_copy(&mut self, backup: bool) -> Option<Effect> {
        let (what, id) = match (self.cbr_selected_shared(), self.cbr_selected_member()) {
            (Some(r), _) => ("backup ID", r.backup.id.clone()),
            (_, Some(m)) if backup => ("backup ID", m.member.backup_id.clone()),
            (_, Some(m)) => ("member project ID", m.member.dest_project_id.clone()),
            _ => return None,
        };
        let id = id.filter(|s| !s.is_empty())?;
        self.notice = Some(format!("copied {what} {}", crate::text::sanitize(&id)));
        self.dirty = true;
        Some(Effect::Copy(id))
    }

    /// News from CBR.
    pub(super) fn on_cbr(&mut self, news: CbrNews) -> Option<Effect> {
        self.dirty = true;
        match news {
            CbrNews::Shared {
                generation,
                result,
                latency,
            } => {
                if generation != self.cbr.generation {
                    return None;
                }
                self.cbr.loading = false;
                self.latency = Some(latency);
                match result {
                    Ok(lists) => {
                        self.last_refresh = Some(self.now);
                        let [p, a, r] = lists;
                        let rows = |l: Vec<Backup>, s: MemberStatus| {
                            l.into_iter().map(|b| shared_row(b, &s)).collect::<Vec<_>>()
                        };
                        self.cbr.shared = Some([
                            rows(p, MemberStatus::Pending),
                            rows(a, MemberStatus::Accepted),
                            rows(r, MemberStatus::Rejected),
                        ]);
                        if self.error.as_ref().is_some_and(ErrorInfo::is_fetch) {
                            self.error = None;
                            self.error_open = false;
                        }
                    }
                    Err(e) => {
                        self.error = Some(ErrorInfo::from_api("list", &e));
                        self.error_open = true;
                    }
                }
                self.cbr_recompute();
                None
            }
            CbrNews::Walk { generation, event } => {
                if generation != self.cbr.walk_generation {
                    return None;
                }
                self.on_walk_event(*event);
                None
            }
            CbrNews::WalkEnded { generation, result } => {
                if generation != self.cbr.walk_generation {
                    return None;
                }
                self.cbr.walk.running = false;
                match result {
                    Ok(_) => {
                        self.cbr.walk.finished = true;
                        self.last_refresh = Some(self.now);
                    }
                    Err(e) => {
                        self.error = Some(ErrorInfo::from_api("list", &e));
                        self.error_open = true;
                    }
                }
                self.cbr_recompute();
                None
            }
            CbrNews::Vaults { backup_id, result } => {
                let picker = self.cbr.picker.as_mut()?;
                if picker.backup.id.as_deref() != Some(backup_id.as_str()) {
                    return None;
                }
                match result {
                    Ok(vaults) => {
                        let best = pick_vault(&vaults, &picker.backup).and_then(|v| v.id.clone());
                        let mut rows: Vec<(VaultRow, bool)> = vaults
                            .into_iter()
                            .map(|v| {
                                let fit = v.fit(&picker.backup);
                                let fits = fit.fits();
                                (VaultRow::new(v, Some(verdict(&fit))), fits)
                            })
                            .collect();
                        // Fitting vaults first, the best on top.
                        rows.sort_by_key(|(r, fits)| {
                            (
                                !fits,
                                r.vault.id != best,
                                std::cmp::Reverse(r.vault.free_mb().unwrap_or(0)),
                            )
                        });
                        picker.selected = 0;
                        picker.vaults = Some(rows);
                    }
                    Err(e) => picker.error = Some(ErrorInfo::from_api("list vaults", &e).summary),
                }
                None
            }
            CbrNews::Wrote { call, result } => {
                self.cbr.writing = None;
                match result {
                    Ok(message) => self.notice = Some(message),
                    Err(e) => {
                        self.error = Some(ErrorInfo::from_api(call, &e));
                        self.error_open = true;
                    }
                }
                // What changed is read again: both directions' lists may have moved.
                self.cbr.shared = None;
                if matches!(call, "share" | "remove members") {
                    self.cbr.walk = Walk::default();
                }
                if self
                    .view
                    .is_some_and(|v| matches!(v, View::Detail { .. } | View::Raw { .. }))
                {
                    self.view = None;
                }
                self.cbr_recompute();
                match self.cbr.tab {
                    CbrTab::ByMe => Some(self.cbr_start_walk()),
                    _ => Some(self.cbr_load_shared()),
                }
            }
        }
    }

    fn on_walk_event(&mut self, event: WalkEvent) {
        let w = &mut self.cbr.walk;
        match event {
            WalkEvent::Backups { read, total } => {
                w.listed = read;
                w.total = total;
            }
            WalkEvent::Members { backup, members } => {
                let mut first_read = true;
                if let Some(id) = backup.id.clone() {
                    // A backup read again (watch mode) replaces its rows.
                    if !w.done.insert(id.clone()) {
                        first_read = false;
                        w.members
                            .retain(|m| m.member.backup_id.as_deref() != Some(id.as_str()));
                    }
                }
                if first_read && !members.is_empty() {
                    w.shared += 1;
                }
                let name = backup.name.clone();
                let json = backup.to_json();
                if let Some(id) = backup.id.clone() {
                    w.backups.insert(id, backup);
                }
                for m in members {
                    let mut row =
                        MemberRow::new(m, name.clone(), &std::collections::BTreeMap::new());
                    row.project_name = row
                        .member
                        .dest_project_id
                        .as_deref()
                        .and_then(names::of)
                        .map(str::to_owned);
                    w.members.push(row.with_backup_json(json.clone()));
                }
            }
            WalkEvent::Failed { backup, error } => {
                w.failed.push(crate::schema::cbr::FailedBackup {
                    label: label(backup.name.as_deref(), backup.id.as_deref()),
                    backup_id: backup.id.clone(),
                    error: error.to_string(),
                });
            }
        }
        // New rows show at once; the selection stays where it is.
        self.cbr_recompute();
    }

    /// The number of rows on the page on screen, whichever service.
    pub fn row_count(&self) -> usize {
        if self.is_cbr() {
            self.cbr.page.rows.len()
        } else {
            self.page.rows.len()
        }
    }
}

/// A vault's verdict for the picker: `fits (… free after)` or the reason it cannot.
fn verdict(fit: &Fit) -> String {
    match fit {
        Fit::Fits { free_after_mb } => format!(
            "fits ({} free after)",
            crate::api::cbr::model::size_text(*free_after_mb)
        ),
        other => other.reason(),
    }
}
