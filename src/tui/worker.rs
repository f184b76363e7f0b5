//! The fetch worker: one tokio task that turns the newest query into list and count calls.
//!
//! It reads a [`watch`] channel, so a burst of edits leaves only the last query; waits out
//! the debounce when the query asks for it (typing), restarting the wait on every newer
//! query; and races the calls against the next change, so a superseded request is dropped
//! (and with it its connection) as soon as a newer query arrives. List and count for one
//! query run concurrently. The App still checks the generation of every answer.

use std::future::Future;
use std::time::Duration;

use tokio::sync::{mpsc, watch};
use tokio::time::Instant;

use crate::api::ApiError;
use crate::api::model::Sharing;
use crate::api::query::{Filters, ListQuery};

/// What the worker calls; implemented by [`crate::api::Client`] and by test fakes.
pub trait Fetcher: Send + Sync + 'static {
    /// One page of sharings.
    fn list(&self, q: &ListQuery) -> impl Future<Output = Result<Vec<Sharing>, ApiError>> + Send;
    /// How many sharings match the filters.
    fn count(&self, f: &Filters) -> impl Future<Output = Result<u64, ApiError>> + Send;
}

impl Fetcher for crate::api::Client {
    fn list(&self, q: &ListQuery) -> impl Future<Output = Result<Vec<Sharing>, ApiError>> + Send {
        crate::api::Client::list(self, q)
    }
    fn count(&self, f: &Filters) -> impl Future<Output = Result<u64, ApiError>> + Send {
        crate::api::Client::count(self, f)
    }
}

/// One query for the worker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FetchRequest {
    /// The App's generation counter when it asked; answers carry it back.
    pub generation: u64,
    /// The list query (its filters also drive the count).
    pub query: ListQuery,
    /// Wait for the debounce before calling (set while typing).
    pub debounce: bool,
    /// Also call count (skipped when only the page or sort changed).
    pub count: bool,
}

/// The answer to one [`FetchRequest`].
#[derive(Debug)]
pub struct FetchResult {
    /// The generation of the request this answers.
    pub generation: u64,
    /// The page, or why it failed.
    pub list: Result<Vec<Sharing>, ApiError>,
    /// The total, when it was asked for.
    pub count: Option<Result<u64, ApiError>>,
    /// The other direction's total for the same filters, asked for with the total (so
    /// both tabs show theirs).
    pub other_count: Option<Result<u64, ApiError>>,
    /// Wall time of the calls.
    pub latency: Duration,
}

/// Runs until the request channel's sender or the result receiver is gone.
pub async fn run<F: Fetcher>(
    fetcher: F,
    mut requests: watch::Receiver<Option<FetchRequest>>,
    results: mpsc::UnboundedSender<FetchResult>,
    debounce: Duration,
) {
    loop {
        if requests.changed().await.is_err() {
            return;
        }
        // Serve the newest request; any change while waiting or calling starts over.
        loop {
            let Some(req) = requests.borrow_and_update().clone() else {
                break;
            };
            if req.debounce && !debounce.is_zero() {
                tokio::select! {
                    () = tokio::time::sleep(debounce) => {}
                    changed = requests.changed() => {
                        if changed.is_err() { return; }
                        continue;
                    }
                }
            }
            tracing::debug!(generation = req.generation, query = %req.query.canonical_query(), "fetch");
            // Debug builds only: lets the tests prove that a panic in a background task
            // ends the browser cleanly.
            #[cfg(debug_assertions)]
            assert!(
                std::env::var_os("VBSHARE_TEST_PANIC_IN_WORKER").is_none(),
                "test panic in the fetch worker (VBSHARE_TEST_PANIC_IN_WORKER)"
            );
            let started = Instant::now();
            let calls = async {
                if req.count {
                    let other = Filters {
                        share_to_me: !req.query.filters.share_to_me,
                        ..req.query.filters.clone()
                    };
                    let (list, count, other_count) = tokio::join!(
                        fetcher.list(&req.query),
                        fetcher.count(&req.query.filters),
                        fetcher.count(&other)
                    );
                    (list, Some(count), Some(other_count))
                } else {
                    (fetcher.list(&req.query).await, None, None)
                }
            };
            tokio::select! {
                (list, count, other_count) = calls => {
                    let latency = started.elapsed();
                    if let Err(e) = &list {
                        tracing::warn!(generation = req.generation, error = %e, "list failed");
                    }
                    let result = FetchResult {
                        generation: req.generation,
                        list,
                        count,
                        other_count,
                        latency,
                    };
                    if results.send(result).is_err() {
                        return;
                    }
                    break;
                }
                changed = requests.changed() => {
                    if changed.is_err() { return; }
                    tracing::debug!(generation = req.generation, "superseded; dropped");
                }
            }
        }
    }
}

// The debounce and cancellation tests run on tokio's paused clock (`test-util`).
#[cfg(test)]
mod tests;
