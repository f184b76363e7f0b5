//! The pages of one walk, fetched ahead within a concurrency and handed back strictly in
//! order.
//!
//! Offsets step by the page length the server actually answered (a gateway may cap
//! `limit`), learnt from the first page. At most `concurrency` pages are asked for at once
//! and a finished page waits only for those before it, held as the text received and parsed
//! only when its turn comes: memory is bounded by the pages in flight, at the size of their
//! text. A page of another length than the step (the end of the set, or a set that shifted)
//! makes the pages asked for after it worthless: they are cancelled and the walk goes on
//! from where that page ended.
//!
//! A page answered 429 or 503 (after the session's own retries) is asked for again after
//! a pause, and the concurrency is lowered by one for the rest of the walk: the service is
//! pushing back. After [`MAX_THROTTLED`] such answers in a row the error is returned.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use tokio::task::JoinHandle;

use crate::api::{ApiError, Client, ListAnswer, ListQuery, Sharing};

/// Answers of 429 or 503 in a row after which a walk gives up.
pub const MAX_THROTTLED: u32 = 6;

/// The longest pause after a throttled page.
const MAX_PAUSE: Duration = Duration::from_secs(10);

/// A page being fetched, on its own task so that its body keeps arriving while the walk
/// parses and writes the pages before it (polling it on the walk's task instead saves about
/// 1 MB of peak RSS over 100,000 rows but halves the speed-up at 0 ms latency); its answer
/// is parsed only when its turn comes, so a page fetched ahead costs the size of its text.
type Fetch = JoinHandle<Result<ListAnswer, ApiError>>;

/// One page as written: where it started and its rows.
#[derive(Debug)]
pub struct Page {
    pub offset: u64,
    pub rows: Vec<Sharing>,
}

/// Pages after the first, in order (see the module docs).
#[derive(Debug)]
pub struct Pages {
    client: Client,
    /// The query of every page; only its offset changes.
    query: Arc<ListQuery>,
    /// The rows a full page holds (the first page's length).
    step: u64,
    /// Where the next page to ask for starts.
    next: u64,
    /// Where the next page to hand back must start.
    expected: u64,
    /// Pages asked for and not yet handed back, in offset order.
    in_flight: VecDeque<(u64, Fetch)>,
    /// Offsets at or past this are asked for only one at a time (the total from `count`).
    end: Option<u64>,
    concurrency: u32,
    /// Throttled answers in a row.
    throttled: u32,
    /// Throttled answers in all.
    throttled_total: u64,
}

impl Pages {
    /// Pages of `query` after a first page of `step` rows (`step > 0`), `end` the total
    /// when known.
    pub fn new(client: &Client, query: ListQuery, step: u64, end: Option<u64>) -> Self {
        Self {
            client: client.clone(),
            query: Arc::new(query),
            step,
            next: step,
            expected: step,
            in_flight: VecDeque::new(),
            end,
            concurrency: client.concurrency().max(1),
            throttled: 0,
            throttled_total: 0,
        }
    }

    /// The concurrency now (lower than asked after throttling).
    pub fn concurrency(&self) -> u32 {
        self.concurrency
    }

    /// How many pages were answered 429 or 503 and asked for again.
    pub fn throttled(&self) -> u64 {
        self.throttled_total
    }

    /// The next page in order.
    pub async fn next(&mut self) -> Result<Page, ApiError> {
        loop {
            self.fill();
            let Some((offset, fetch)) = self.in_flight.pop_front() else {
                // `fill` always leaves one page in flight.
                continue;
            };
            match joined(fetch.await) {
                Ok(answer) => {
                    self.throttled = 0;
                    let rows = self.client.parse_list(&answer)?;
                    drop(answer);
                    let got = rows.len() as u64;
                    self.expected = offset + got;
                    if got != self.step {
                        // The pages asked for after this one start at the wrong place.
                        self.drop_in_flight();
                        self.next = self.expected;
                    }
                    return Ok(Page { offset, rows });
                }
                Err(e)
                    if matches!(e.status(), Some(429 | 503)) && self.throttled < MAX_THROTTLED =>
                {
                    let pause = self.pause(&e);
                    self.throttled += 1;
                    self.throttled_total += 1;
                    if self.concurrency > 1 {
                        self.concurrency -= 1;
                        tracing::info!(
                            concurrency = self.concurrency,
                            "the service is throttling: fewer pages in flight"
                        );
                    }
                    tracing::info!(offset, pause_ms = pause.as_millis() as u64, error = %e, "asking for the page again");
                    tokio::time::sleep(pause).await;
                    let again = self.fetch(offset);
                    self.in_flight.push_front((offset, again));
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Asks for pages until `concurrency` are in flight; past the known end only when
    /// none is (so a set that grew or shifted is still read to an empty page).
    fn fill(&mut self) {
        while self.in_flight.len() < self.concurrency as usize {
            let past_end = self.end.is_some_and(|end| self.next >= end);
            if past_end && !self.in_flight.is_empty() {
                break;
            }
            let offset = self.next;
            let fetch = self.fetch(offset);
            self.in_flight.push_back((offset, fetch));
            self.next += self.step;
            if past_end {
                break;
            }
        }
        debug_assert!(
            self.in_flight
                .front()
                .is_none_or(|(o, _)| *o == self.expected)
        );
    }

    fn fetch(&self, offset: u64) -> Fetch {
        let (client, query) = (self.client.clone(), self.query.clone());
        tokio::spawn(async move {
            let q = ListQuery {
                offset: Some(offset),
                ..(*query).clone()
            };
            client.list_unparsed(&q).await
        })
    }

    /// How long to wait before asking for a throttled page again: what the server said,
    /// else the client's retry delay doubled for each throttled answer in a row.
    fn pause(&self, e: &ApiError) -> Duration {
        let said = match e {
            ApiError::Status(s) => s.retry_after,
            _ => None,
        };
        said.unwrap_or_else(|| {
            self.client
                .retry_base()
                .saturating_mul(1 << self.throttled.min(6))
        })
        .min(MAX_PAUSE)
    }

    fn drop_in_flight(&mut self) {
        for (_, fetch) in self.in_flight.drain(..) {
            fetch.abort();
        }
    }
}

impl Drop for Pages {
    /// A walk that ends (or is dropped, as a cancelled export is) stops what it asked for.
    fn drop(&mut self) {
        self.drop_in_flight();
    }
}

/// A page task's result; a task that panicked passes its panic on.
fn joined(
    r: Result<Result<ListAnswer, ApiError>, tokio::task::JoinError>,
) -> Result<ListAnswer, ApiError> {
    match r {
        Ok(r) => r,
        Err(e) if e.is_panic() => std::panic::resume_unwind(e.into_panic()),
        // Only `Drop` aborts, and nothing is awaited after it.
        Err(e) => Err(ApiError::Other {
            host: String::new(),
            detail: e.to_string(),
        }),
    }
}
