//! Bytes from the async export to a file written on a blocking thread, so a slow or stuck
//! disk never blocks a runtime thread, with bounded memory: when the disk falls more than
//! [`MAX_BACKLOG`] behind, [`drive`] stops polling the export (and with it the network)
//! until the writer catches up.

use std::fs::File;
use std::future::Future;
use std::io::{self, Write};
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;

use tokio::sync::Notify;
use tokio::task::JoinHandle;

/// Bytes gathered before they are handed to the writer thread.
pub const CHUNK: usize = 64 * 1024;
/// How far the disk may fall behind before the export pauses.
pub const MAX_BACKLOG: usize = 8 * 1024 * 1024;

/// What the export side and the writer thread share.
#[derive(Debug, Default)]
pub struct State {
    backlog: AtomicUsize,
    closed: AtomicBool,
    abort: AtomicBool,
    drained: Notify,
    full: Notify,
}

impl State {
    /// The disk is too far behind (and the writer still running).
    fn behind(&self) -> bool {
        self.backlog.load(Ordering::Acquire) > MAX_BACKLOG && !self.closed.load(Ordering::Acquire)
    }

    /// Tells the writer to drop what is still queued (the export was cancelled).
    pub fn abort(&self) {
        self.abort.store(true, Ordering::Release);
    }
}

/// The export's end of the pipe: gathers bytes into chunks and queues them.
#[derive(Debug)]
pub struct Pipe {
    buf: Vec<u8>,
    tx: mpsc::Sender<Vec<u8>>,
    state: Arc<State>,
}

impl Pipe {
    fn send_buf(&mut self) -> io::Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let chunk = std::mem::replace(&mut self.buf, Vec::with_capacity(CHUNK));
        let len = chunk.len();
        self.state.backlog.fetch_add(len, Ordering::AcqRel);
        if self.tx.send(chunk).is_err() {
            self.state.backlog.fetch_sub(len, Ordering::AcqRel);
            return Err(io::Error::new(
                io::ErrorKind::BrokenPipe,
                "the file writer stopped",
            ));
        }
        if self.state.behind() {
            self.state.full.notify_one();
        }
        Ok(())
    }
}

impl Write for Pipe {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.buf.extend_from_slice(bytes);
        if self.buf.len() >= CHUNK {
            self.send_buf()?;
        }
        Ok(bytes.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.send_buf()
    }
}

/// A file whose `flush` also syncs it to disk, so a renamed export is complete.
#[derive(Debug)]
pub struct Durable(pub File);

impl Write for Durable {
    fn write(&mut self, bytes: &[u8]) -> io::Result<usize> {
        self.0.write(bytes)
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.sync_all()
    }
}

/// Marks the writer gone on every exit path, waking an export waiting for room.
struct Closed(Arc<State>);

impl Drop for Closed {
    fn drop(&mut self) {
        self.0.closed.store(true, Ordering::Release);
        self.0.drained.notify_one();
    }
}

/// Starts the writer thread over `sink`. Dropping the [`Pipe`] ends the stream; the
/// handle then answers whether every byte reached `sink` and `sink.flush()` succeeded.
pub fn start<W: Write + Send + 'static>(
    mut sink: W,
) -> (Pipe, Arc<State>, JoinHandle<io::Result<()>>) {
    let (tx, rx) = mpsc::channel::<Vec<u8>>();
    let state = Arc::new(State::default());
    let closed = Closed(state.clone());
    let writer = tokio::task::spawn_blocking(move || {
        let closed = closed;
        let s = &closed.0;
        for chunk in rx {
            if s.abort.load(Ordering::Acquire) {
                return Ok(());
            }
            sink.write_all(&chunk)?;
            s.backlog.fetch_sub(chunk.len(), Ordering::AcqRel);
            s.drained.notify_one();
        }
        if s.abort.load(Ordering::Acquire) {
            return Ok(());
        }
        sink.flush()
    });
    let pipe = Pipe {
        buf: Vec::with_capacity(CHUNK),
        tx,
        state: state.clone(),
    };
    (pipe, state, writer)
}

/// Runs `work` (which writes into the pipe of `state`), pausing it while the disk is
/// more than [`MAX_BACKLOG`] behind.
pub async fn drive<F: Future>(work: F, state: &State) -> F::Output {
    let mut work = pin!(work);
    loop {
        while state.behind() {
            state.drained.notified().await;
        }
        tokio::select! {
            biased;
            out = &mut work => return out,
            () = state.full.notified() => {}
        }
    }
}
