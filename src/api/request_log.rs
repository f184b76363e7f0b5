//! The last requests a session made, for the browser's request log (`L`) and for support:
//! when, what (method, path and query: never a header, so never a token or signature),
//! the answer, how long it took, how big it was, which attempt, and the server's request
//! ID. Bounded: the oldest entry goes when [`CAPACITY`] is reached.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

/// How many requests are kept.
pub const CAPACITY: usize = 500;

/// One request, as sent and answered.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RequestRecord {
    /// When it was sent (Unix seconds).
    pub at: i64,
    pub method: String,
    /// The path, then `?` and the query when there is one.
    pub target: String,
    /// The HTTP status, when there was an answer.
    pub status: Option<u16>,
    /// Why there was no usable answer (timeout, refused, …), when there was none.
    pub failure: Option<String>,
    pub latency_ms: u64,
    /// Bytes of the answer's body.
    pub bytes: usize,
    /// 1 for the first try, 2 for the first retry, …
    pub attempt: u32,
    /// The server's request ID (`X-Request-Id`, or the error body's).
    pub request_id: Option<String>,
}

/// A bounded, shared log of requests; clones share it.
#[derive(Clone, Debug, Default)]
pub struct RequestLog {
    inner: Arc<Mutex<VecDeque<RequestRecord>>>,
}

impl RequestLog {
    /// Adds a record, dropping the oldest beyond [`CAPACITY`].
    pub fn push(&self, record: RequestRecord) {
        let Ok(mut log) = self.inner.lock() else {
            return;
        };
        if log.len() == CAPACITY {
            log.pop_front();
        }
        log.push_back(record);
    }

    /// The records, oldest first.
    pub fn snapshot(&self) -> Vec<RequestRecord> {
        self.inner
            .lock()
            .map(|l| l.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// How many records there are.
    pub fn len(&self) -> usize {
        self.inner.lock().map_or(0, |l| l.len())
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(i: usize) -> RequestRecord {
        RequestRecord {
            at: i as i64,
            method: "GET".into(),
            target: format!("/v2/p/os-vendor-backup-sharing/detail?offset={i}"),
            status: Some(200),
            failure: None,
            latency_ms: 1,
            bytes: 2,
            attempt: 1,
            request_id: None,
        }
    }

    #[test]
    fn keeps_the_last_capacity_records_in_order() {
        let log = RequestLog::default();
        for i in 0..CAPACITY + 7 {
            log.clone().push(record(i));
        }
        let all = log.snapshot();
        assert_eq!(all.len(), CAPACITY);
        assert_eq!(all[0].at, 7);
        assert_eq!(all.last().unwrap().at, (CAPACITY + 6) as i64);
    }
}
