//! Pivots: from the selected row to the rows that share its partner project (`f`), its
//! backup (`b`) or its disk (`v`); `Backspace` goes back to the query before, through a
//! stack of the last [`MAX_PIVOTS`] queries.

use super::{App, CbrTab, Effect};
use crate::api::query::{Filters, ListQuery};
use crate::tui::form::Form;

/// How many earlier queries `Backspace` can go back through.
pub const MAX_PIVOTS: usize = 20;

/// What a pivot filters by.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PivotBy {
    /// The project on the other side of the row.
    Partner,
    /// The row's backup.
    Backup,
    /// The row's source disk.
    Volume,
}

/// A query to go back to, and what the pivot away from it was.
#[derive(Clone, Debug)]
pub struct Pivot {
    /// The query before the pivot.
    pub query: ListQuery,
    /// The CBR tab before the pivot.
    pub tab: CbrTab,
    /// What the bar shows for the pivot (`to eu-de_analytics`).
    pub label: String,
}

impl App {
    /// `f`, `b`, `v`: filter by the selected row's partner project, backup or disk; the
    /// query before goes on the stack.
    pub(super) fn pivot(&mut self, by: PivotBy) -> Option<Effect> {
        let Some((field, value)) = self.pivot_target(by) else {
            self.notice = Some(match by {
                PivotBy::Partner => "no partner project on this row".to_owned(),
                PivotBy::Backup => "no backup ID on this row".to_owned(),
                PivotBy::Volume => "no disk ID on this row".to_owned(),
            });
            self.dirty = true;
            return None;
        };
        let mut filters = self.query.filters.clone();
        let (name, slot) = match field {
            Target::From => ("from", &mut filters.from_project_id),
            Target::To => ("to", &mut filters.to_project_id),
            Target::Backup => ("backup", &mut filters.backup_id),
            Target::Volume => ("disk", &mut filters.volume_id),
        };
        if *slot == value {
            self.notice = Some(format!("already filtered by this {name}"));
            self.dirty = true;
            return None;
        }
        slot.clone_from(&value);
        // The bar has little room: a name where one is known, else the ID cut short.
        let shown = match field {
            Target::From | Target::To => crate::schema::names::of(&value).map_or_else(
                || crate::text::truncate(&value, 13).into_owned(),
                |n| crate::text::truncate(n, 24).into_owned(),
            ),
            Target::Backup | Target::Volume => crate::text::truncate(&value, 13).into_owned(),
        };
        self.pivots.push(Pivot {
            query: self.query.clone(),
            tab: self.cbr.tab,
            label: format!("{name} {}", crate::text::sanitize(&shown)),
        });
        if self.pivots.len() > MAX_PIVOTS {
            self.pivots.remove(0);
        }
        self.set_filters(filters)
    }

    /// `Backspace` on the table: the query before the last pivot.
    pub(super) fn pivot_back(&mut self) -> Option<Effect> {
        let Some(p) = self.pivots.pop() else {
            self.notice = Some("nothing to go back to (f, b, v pivot from a row)".to_owned());
            self.dirty = true;
            return None;
        };
        if self.is_cbr() && p.tab != self.cbr.tab {
            self.set_filters(p.query.filters);
            return self.cbr_show_tab(p.tab);
        }
        self.query.sort_key = p.query.sort_key;
        self.query.sort_dir = p.query.sort_dir;
        self.set_filters(p.query.filters)
    }

    /// Puts `filters` into the form and the query, and fetches (or cuts, under CBR).
    fn set_filters(&mut self, filters: Filters) -> Option<Effect> {
        self.form = Form::from_filters(&filters);
        self.query.filters = filters;
        self.selected = 0;
        self.scroll = 0;
        self.dirty = true;
        self.query_changed(false, true)
    }

    fn pivot_target(&self, by: PivotBy) -> Option<(Target, String)> {
        let some = |s: Option<&String>| s.filter(|v| !v.is_empty()).cloned();
        if self.is_cbr() {
            if let Some(r) = self.cbr_selected_shared() {
                let b = &r.backup;
                return match by {
                    PivotBy::Partner => some(b.project_id.as_ref()).map(|v| (Target::From, v)),
                    PivotBy::Backup => some(b.id.as_ref()).map(|v| (Target::Backup, v)),
                    PivotBy::Volume => some(b.resource_id.as_ref()).map(|v| (Target::Volume, v)),
                };
            }
            let m = self.cbr_selected_member()?;
            let backup = m
                .member
                .backup_id
                .as_ref()
                .and_then(|id| self.cbr.walk.backups.get(id));
            return match by {
                PivotBy::Partner => {
                    some(m.member.dest_project_id.as_ref()).map(|v| (Target::To, v))
                }
                PivotBy::Backup => some(m.member.backup_id.as_ref()).map(|v| (Target::Backup, v)),
                PivotBy::Volume => some(backup?.resource_id.as_ref()).map(|v| (Target::Volume, v)),
            };
        }
        let s = self.selected_row()?;
        match by {
            PivotBy::Partner if self.page_to_me() => {
                some(s.from_project_id.as_ref()).map(|v| (Target::From, v))
            }
            PivotBy::Partner => some(s.to_project_id.as_ref()).map(|v| (Target::To, v)),
            PivotBy::Backup => some(s.backup_id.as_ref())
                .or_else(|| some(s.backup.as_ref()?.id.as_ref()))
                .map(|v| (Target::Backup, v)),
            PivotBy::Volume => {
                some(s.backup.as_ref()?.volume_id.as_ref()).map(|v| (Target::Volume, v))
            }
        }
    }
}

/// The filter field a pivot sets.
#[derive(Clone, Copy, Debug)]
enum Target {
    From,
    To,
    Backup,
    Volume,
}
