//! Sending queries and taking answers: generations, stale answers, selection keeping.

use super::{App, Effect, ErrorInfo, View};
use crate::api::model::Sharing;
use crate::tui::worker::{FetchRequest, FetchResult};

impl App {
    /// Sends the current query to the worker under a new generation.
    pub(super) fn fetch(&mut self, debounce: bool, count: bool) -> Effect {
        self.generation += 1;
        self.loading = true;
        self.dirty = true;
        Effect::Fetch(FetchRequest {
            generation: self.generation,
            query: self.query.clone(),
            debounce,
            count: count || self.total.is_none(),
        })
    }

    /// Watch mode's clock: refresh the page like `r`, unless a request is still pending
    /// (refreshes never stack).
    pub(super) fn on_watch_tick(&mut self) -> Option<Effect> {
        if self.watch.is_none() || self.loading {
            return None;
        }
        Some(self.fetch(false, true))
    }

    /// Filters, direction or sort changed: back to the first page and fetch.
    pub(super) fn query_changed(&mut self, debounce: bool, count: bool) -> Effect {
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
        match r.list {
            Ok(rows) => {
                self.last_refresh = Some(self.now);
                self.show_rows(rows);
            }
            Err(e) => error = Some(ErrorInfo::from_api("list", &e)),
        }
        match r.count {
            Some(Ok(n)) => self.total = Some(n),
            Some(Err(e)) => {
                self.total = None;
                error = error.or_else(|| Some(ErrorInfo::from_api("count", &e)));
            }
            None => {}
        }
        // A failed share, cancel or export stays until dismissed: a refresh (watch mode or
        // the one after a write) must not hide it.
        let keep = error.is_none() && self.error.as_ref().is_some_and(|e| !e.is_fetch());
        if !keep {
            self.error_open = error.is_some();
            self.error = error;
        }
        // A page past the end (rows deleted meanwhile): go to the last page.
        if !self.error.as_ref().is_some_and(ErrorInfo::is_fetch)
            && self.rows.is_empty()
            && let Some(total) = self.total
            && total > 0
            && self.offset() >= total
        {
            let size = u64::from(self.page_size());
            self.query.offset = Some((total - 1) / size * size);
            return Some(self.fetch(false, false));
        }
        None
    }

    fn show_rows(&mut self, rows: Vec<Sharing>) {
        let same_query = self.shown.as_ref() == Some(&self.query);
        let old_id = self.selected_row().and_then(|s| s.id.clone());
        let old_index = self.selected;
        self.rows = rows;
        self.shown = Some(self.query.clone());
        let by_id = old_id.and_then(|id| self.rows.iter().position(|s| s.id.as_ref() == Some(&id)));
        self.selected = match (by_id, same_query) {
            (Some(i), _) => i,
            (None, true) => old_index.min(self.rows.len().saturating_sub(1)),
            (None, false) => 0,
        };
        if !same_query {
            self.scroll = 0;
            if let Some(View::Detail { scroll } | View::Raw { scroll }) = &mut self.view {
                *scroll = 0;
            }
        }
        self.keep_selection_visible();
        self.clamp_view();
    }
}
