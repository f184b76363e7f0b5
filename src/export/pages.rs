//! The pages of one walk, fetched ahead within a concurrency and handed back strictly in
//! order.
//!
//! Offsets step by the page length the server actually answered (a gateway may cap
//! `limit`), learnt from the first page. At most `concurrency` pages are asked for at once
//! and a finished page waits only for those before it, held as the text received and parsed
//! only when its turn comes: memory is bounded by the pages in flight, at the size of their
//! text. A page of another length than the step (the end of the set, or a set that shifted)
//! makes the pages asked for after it worthless: they are dropped (which cancels them) and
//! the walk goes on from where that page ended.
//!
//! A page answered 429 or 503 (after the session's own retries) is asked for again after
//! a pause, and the concurrency is lowered by one for the rest of the walk: the service is
//! pushing back. After [`MAX_THROTTLED`] such answers in a row the error is returned.

use std::collections::VecDeque;
use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;
use std::task::Poll;
use std::time::Duration;

use crate::api::{ApiError, Client, ListAnswer, ListQuery, Sharing};

/// Answers of 429 or 503 in a row after which a walk gives up.
pub const MAX_THROTTLED: u32 = 6;

/// The longest pause after a throttled page.
const MAX_PAUSE: Duration = Duration::from_secs(10);

/// A page being fetched, polled by the walk's own task (so that its text is allocated and
/// freed on one thread); its answer is parsed only when its turn comes, so a page fetched
/// ahead costs the size of its text.
type Fetch = Pin<Box<dyn Future<Output = Result<ListAnswer, ApiError>> + Send>>;

/// A page asked for: still being fetched, or answered and waiting for its turn.
enum Slot {
    Fetching(Fetch),
    Answered(Result<ListAnswer, ApiError>),
}

impl std::fmt::Debug for Slot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Slot::Fetching(_) => "Fetching",
            Slot::Answered(_) => "Answered",
        })
    }
}

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
    in_flight: VecDeque<(u64, Slot)>,
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
            let (offset, answer) = self.front().await;
            match answer {
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
                    self.in_flight.push_front((offset, Slot::Fetching(again)));
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
            self.in_flight.push_back((offset, Slot::Fetching(fetch)));
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
        Box::pin(async move {
            let q = ListQuery {
                offset: Some(offset),
                ..(*query).clone()
            };
            client.list_unparsed(&q).await
        })
    }

    /// The first page in flight once it is answered, every page in flight moving on
    /// meanwhile (`fill` leaves at least one).
    async fn front(&mut self) -> (u64, Result<ListAnswer, ApiError>) {
        std::future::poll_fn(|cx| {
            for (_, slot) in &mut self.in_flight {
                if let Slot::Fetching(fetch) = slot
                    && let Poll::Ready(answer) = fetch.as_mut().poll(cx)
                {
                    *slot = Slot::Answered(answer);
                }
            }
            match self.in_flight.pop_front() {
                Some((offset, Slot::Answered(answer))) => Poll::Ready((offset, answer)),
                Some(fetching) => {
                    self.in_flight.push_front(fetching);
                    Poll::Pending
                }
                None => Poll::Ready((
                    self.expected,
                    Err(ApiError::Other {
                        host: String::new(),
                        detail: "no page in flight".into(),
                    }),
                )),
            }
        })
        .await
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

    /// Forgets the pages in flight (a dropped request is cancelled).
    fn drop_in_flight(&mut self) {
        self.in_flight.clear();
    }
}
