//! Sending queries and taking answers: generations, stale answers, selection keeping.

use super::{App, Effect, ErrorInfo, Focus, Page, View};
use crate::api::ApiError;
use crate::api::model::Sharing;
use crate::api::query::ListQuery;
use crate::tui::worker::{FetchRequest, FetchResult};

/// How old a prefetched page may be when turned onto before it is fetched again (watch
/// mode: its interval, if shorter).
pub const PREFETCH_FRESH_SECS: i64 = 30;

impl App {
    /// Sends the current query to the worker under a new generation.
    /// Sends the current query to the worker under a new generation (under CBR, cuts the
    /// page again from what is held: CBR's filters and pages are applied locally).
    pub(super) fn fetch(&mut self, debounce: bool, count: bool) -> Option<Effect> {
        if self.is_cbr() {
            self.cbr_recompute();
            return None;
        }
        self.generation += 1;
        self.loading = true;
        self.dirty = true;
        // Any query, refresh or write supersedes a page fetched ahead.
        self.prefetch = None;
        Some(Effect::Fetch(FetchRequest {
            generation: self.generation,
            query: self.query.clone(),
            debounce,
            count: count
                || self.page.total.is_none()
                || self.page.query.as_ref().map(|q| &q.filters) != Some(&self.query.filters),
        }))
    }

    /// Watch mode's clock: refresh the page like `r`, unless a request is still pending
    /// (refreshes never stack).
    pub(super) fn on_watch_tick(&mut self) -> Option<Effect> {
        if self.watch.is_none() || self.loading {
            return None;
        }
        if self.is_cbr() {
            return self.cbr_watch_tick();
        }
        self.fetch(false, true)
    }

    /// Filters, direction or sort changed: back to the first page and fetch.
    pub(super) fn query_changed(&mut self, debounce: bool, count: bool) -> Option<Effect> {
        if self.is_cbr() {
            self.cbr.offset = 0;
        }
        self.query.offset = Some(0);
        self.fetch(debounce, count)
    }

    pub(super) fn on_fetched(&mut self, r: FetchResult) -> Option<Effect> {
        if r.generation != self.generation {
            tracing::debug!(
                got = r.generation,
                want = self.generation,
                "stale answer dropped"
            );
            return None;
        }
        self.loading = false;
        self.dirty = true;
        self.latency = Some(r.latency);
        let mut error = None;
        // The total belongs to the page: a count that succeeded for a page that failed is
        // kept for nothing, and a page whose count failed shows none.
        let total = match r.count {
            Some(Ok(n)) => Some(n),
            Some(Err(e)) => {
                error = Some(ErrorInfo::from_api("count", &e));
                None
            }
            None => self.page.total,
        };
        // The other direction's total: counted with this one, else kept while the filters
        // (but for the direction) are the page's.
        let other_total = match r.other_count {
            Some(Ok(n)) => Some(n),
            Some(Err(e)) => {
                // A failed call is said, as for this direction's count.
                error = error.or_else(|| Some(ErrorInfo::from_api("count", &e)));
                None
            }
            None => self.page.other_total,
        };
        let listed = r.list.is_ok();
        match r.list {
            Ok(rows) => {
                self.last_refresh = Some(self.now);
                self.show_rows(rows, total, other_total);
            }
            Err(e) => error = Some(ErrorInfo::from_api("list", &e)),
        }
        // A failed share, cancel or export stays until dismissed: a refresh (watch mode or
        // the one after a write) must not hide it.
        let keep = error.is_none() && self.error.as_ref().is_some_and(|e| !e.is_fetch());
        if !keep {
            let seen = error.as_ref().map(ErrorInfo::identity);
            self.error_open = seen.is_some() && seen != self.dismissed;
            if seen.is_none() {
                // It went away: the next failure is news again.
                self.dismissed = None;
            }
            self.error = error;
        }
        // A page past the end (rows deleted meanwhile): go to the last page.
        if !self.error.as_ref().is_some_and(ErrorInfo::is_fetch)
            && self.page.rows.is_empty()
            && let Some(total) = self.page.total
            && total > 0
            && self.offset() >= total
        {
            let size = u64::from(self.page_size());
            self.query.offset = Some((total - 1) / size * size);
            return self.fetch(false, false);
        }
        if listed { self.prefetch_next() } else { None }
    }

    /// The offset of the page after the one wanted, when there is one (by the total, or
    /// before it is known, by a full page).
    pub(super) fn next_offset(&self) -> Option<u64> {
        let size = u64::from(self.page_size());
        let next = self.offset() + size;
        let more = match self.known_total() {
            Some(total) => next < total,
            None => self.page.rows.len() as u64 >= size,
        };
        more.then_some(next)
    }

    /// The page after the one on screen, when there is one and nothing else is going on:
    /// fetched ahead so `]` shows it at once. Never while typing in the filter form.
    fn prefetch_next(&mut self) -> Option<Effect> {
        if self.is_cbr() || self.loading || self.focus == Focus::Form || self.superseded() {
            return None;
        }
        let mut query = self.query.clone();
        query.offset = Some(self.next_offset()?);
        if self.prefetch.as_ref().is_some_and(|(q, _)| *q == query) {
            return None;
        }
        self.prefetch = Some((query.clone(), None));
        Some(Effect::Prefetch(query))
    }

    /// A page fetched ahead arrived: kept for `]` if it is still the one wanted.
    pub(super) fn on_prefetched(
        &mut self,
        query: &ListQuery,
        rows: Result<Vec<Sharing>, ApiError>,
    ) {
        match (&mut self.prefetch, rows) {
            (Some((wanted, slot @ None)), Ok(rows)) if wanted == query => {
                *slot = Some((rows, self.now));
            }
            (Some((wanted, None)), Err(e)) if wanted == query => {
                // Silent: turning the page fetches it and shows the error then.
                tracing::debug!(error = %e, "prefetch failed");
                self.prefetch = None;
            }
            _ => {}
        }
    }

    /// Turns onto the wanted query's page from the prefetch, when it holds it: shown at
    /// once (no request). Whether it did; [`App::after_prefetch`] says what comes next.
    pub(super) fn show_prefetched(&mut self) -> bool {
        let Some((query, Some((rows, at)))) = self.prefetch.take() else {
            return false;
        };
        if query != self.query {
            return false;
        }
        self.generation += 1;
        self.loading = false;
        self.dirty = true;
        self.last_refresh = Some(at);
        let (total, other_total) = (self.page.total, self.page.other_total);
        self.show_rows(rows, total, other_total);
        true
    }

    /// After a prefetched page is shown: fetched again when older than the watch interval
    /// or [`PREFETCH_FRESH_SECS`], else the next page is fetched ahead in turn.
    pub(super) fn after_prefetch(&mut self) -> Option<Effect> {
        let fresh = self.watch.map_or(PREFETCH_FRESH_SECS, |w| {
            i64::try_from(w.as_secs())
                .unwrap_or(i64::MAX)
                .min(PREFETCH_FRESH_SECS)
        });
        let age = self.last_refresh.map_or(i64::MAX, |at| self.now - at);
        if age > fresh {
            self.fetch(false, false)
        } else {
            self.prefetch_next()
        }
    }

    fn show_rows(&mut self, rows: Vec<Sharing>, total: Option<u64>, other_total: Option<u64>) {
        let same_query = self.page.query.as_ref() == Some(&self.query);
        let old_id = self.selected_row().and_then(|s| s.id.clone());
        let old_index = self.selected;
        self.page = Page {
            query: Some(self.query.clone()),
            rows,
            total,
            other_total,
        };
        let by_id = old_id.and_then(|id| {
            self.page
                .rows
                .iter()
                .position(|s| s.id.as_ref() == Some(&id))
        });
        self.selected = match (by_id, same_query) {
            (Some(i), _) => i,
            (None, true) => old_index.min(self.page.rows.len().saturating_sub(1)),
            (None, false) => 0,
        };
        if !same_query {
            self.scroll = 0;
            if let Some(View::Detail { scroll } | View::Raw { scroll }) = &mut self.view {
                *scroll = 0;
            }
        }
        // A sharing shown full screen: follow it, or say it is gone.
        if let Some((pinned, gone)) = &mut self.pinned {
            match self.page.rows.iter().position(|s| s.id == pinned.id) {
                Some(i) => {
                    *pinned = self.page.rows[i].clone();
                    *gone = false;
                    self.selected = i;
                }
                None => *gone = true,
            }
        }
        self.keep_selection_visible();
        self.clamp_view();
        // A find applies to the page on screen: match the new rows.
        self.refind(false);
    }
}
