use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use super::*;

/// A fetcher that counts calls and answers after `delay` (virtual time).
#[derive(Clone, Default)]
struct Fake {
    lists: Arc<AtomicUsize>,
    counts: Arc<AtomicUsize>,
    finished: Arc<AtomicUsize>,
    names: Arc<std::sync::Mutex<Vec<String>>>,
    delay: Duration,
}

impl Fetcher for Fake {
    fn list(&self, q: &ListQuery) -> impl Future<Output = Result<Vec<Sharing>, ApiError>> + Send {
        self.lists.fetch_add(1, Ordering::SeqCst);
        self.names.lock().unwrap().push(q.filters.name.clone());
        let (delay, finished) = (self.delay, self.finished.clone());
        async move {
            tokio::time::sleep(delay).await;
            finished.fetch_add(1, Ordering::SeqCst);
            Ok(vec![Sharing {
                id: Some("s".into()),
                ..Sharing::default()
            }])
        }
    }
    fn count(&self, _f: &Filters) -> impl Future<Output = Result<u64, ApiError>> + Send {
        self.counts.fetch_add(1, Ordering::SeqCst);
        let delay = self.delay;
        async move {
            tokio::time::sleep(delay).await;
            Ok(1)
        }
    }
}

fn req(generation: u64, name: &str, debounce: bool) -> FetchRequest {
    let mut query = ListQuery::default();
    query.filters.name = name.to_owned();
    FetchRequest {
        generation,
        query,
        debounce,
        count: true,
    }
}

struct Harness {
    fake: Fake,
    tx: watch::Sender<Option<FetchRequest>>,
    rx: mpsc::UnboundedReceiver<FetchResult>,
}

fn start(delay: Duration) -> Harness {
    let fake = Fake {
        delay,
        ..Fake::default()
    };
    let (tx, wrx) = watch::channel(None);
    let (rtx, rx) = mpsc::unbounded_channel();
    tokio::spawn(run(fake.clone(), wrx, rtx, Duration::from_millis(200)));
    Harness { fake, tx, rx }
}

#[tokio::test(start_paused = true)]
async fn a_burst_of_twenty_keystrokes_makes_one_list_and_one_count_per_direction() {
    let mut h = start(Duration::from_millis(30));
    let text = "abcdefghijklmnopqrst";
    for (i, _) in text.char_indices() {
        h.tx.send_replace(Some(req(i as u64 + 1, &text[..=i], true)));
        tokio::time::sleep(Duration::from_millis(60)).await;
    }
    let got = h.rx.recv().await.unwrap();
    assert_eq!(got.generation, 20);
    assert_eq!(got.count.unwrap().unwrap(), 1);
    assert!(
        got.other_count.unwrap().is_ok(),
        "both tabs' totals, together"
    );
    assert_eq!(
        got.latency,
        Duration::from_millis(30),
        "all three calls at once"
    );
    // Nothing else is coming.
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert!(h.rx.try_recv().is_err());
    assert_eq!(h.fake.lists.load(Ordering::SeqCst), 1);
    assert_eq!(h.fake.counts.load(Ordering::SeqCst), 2);
    assert_eq!(*h.fake.names.lock().unwrap(), vec![text.to_owned()]);
}

#[tokio::test(start_paused = true)]
async fn debounce_waits_the_configured_time_and_immediate_skips_it() {
    let mut h = start(Duration::ZERO);
    let t0 = Instant::now();
    h.tx.send_replace(Some(req(1, "a", true)));
    let got = h.rx.recv().await.unwrap();
    assert_eq!(got.generation, 1);
    assert_eq!(t0.elapsed(), Duration::from_millis(200));
    let t1 = Instant::now();
    h.tx.send_replace(Some(req(2, "a", false)));
    assert_eq!(h.rx.recv().await.unwrap().generation, 2);
    assert_eq!(t1.elapsed(), Duration::ZERO);
}

#[tokio::test(start_paused = true)]
async fn a_newer_query_cancels_the_request_in_flight() {
    let mut h = start(Duration::from_secs(1));
    h.tx.send_replace(Some(req(1, "old", false)));
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(h.fake.lists.load(Ordering::SeqCst), 1);
    h.tx.send_replace(Some(req(2, "new", false)));
    let got = h.rx.recv().await.unwrap();
    assert_eq!(
        got.generation, 2,
        "the superseded answer is never delivered"
    );
    // The old call was dropped, not left running: only the new one finished.
    tokio::time::sleep(Duration::from_secs(5)).await;
    assert_eq!(h.fake.finished.load(Ordering::SeqCst), 1);
    assert!(h.rx.try_recv().is_err());
    assert_eq!(
        *h.fake.names.lock().unwrap(),
        vec!["old".to_owned(), "new".to_owned()]
    );
}

#[tokio::test(start_paused = true)]
async fn page_changes_skip_the_count() {
    let mut h = start(Duration::ZERO);
    let mut r = req(1, "", false);
    r.count = false;
    h.tx.send_replace(Some(r));
    let got = h.rx.recv().await.unwrap();
    assert!(got.count.is_none());
    assert_eq!(h.fake.counts.load(Ordering::SeqCst), 0);
}

#[tokio::test(start_paused = true)]
async fn the_worker_ends_when_the_app_goes() {
    let fake = Fake::default();
    let (tx, wrx) = watch::channel(None);
    let (rtx, _rx) = mpsc::unbounded_channel();
    let task = tokio::spawn(run(fake, wrx, rtx, Duration::from_millis(200)));
    drop(tx);
    task.await.unwrap();
}
