//! The run loop: waits on terminal input, fetch answers, write and export news, (only
//! while something runs) the spinner's clock and (only in watch mode) the watch clock;
//! feeds them to [`App::update`]; performs the effects; redraws when the App says
//! something changed. Idle, it sleeps in `select!` and wakes for nothing.

use std::io::{self, Write as _};
use std::time::Duration;

use crossterm::event::Event;
use tokio::sync::{mpsc, watch};
use tokio::time::{Instant, Interval, MissedTickBehavior};

use super::app::App;
use super::backend::{self, Backend};
use super::context::{Connected, ContextSource};
use super::msg::{CbrEffect, ContextEffect, ContextNews, Effect, Msg, SwitchedTo};
use super::{Options, Term, cbr_io, export, osc52, ui, worker};
use crate::api::time::now_unix;

/// How often the spinner turns while a request is pending.
const SPIN: Duration = Duration::from_millis(100);
/// How long quitting waits for a running export to remove its partial file.
const EXPORT_GRACE: Duration = Duration::from_secs(5);

/// Aborts the worker when the loop ends, however it ends.
struct AbortOnDrop(tokio::task::AbortHandle);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

/// A context source, shared with the tasks that ask it.
type Contexts<B> = Option<std::sync::Arc<dyn ContextSource<B>>>;

/// What a context switch task reports: the connection, or `(what was chosen, why not)`.
type Switch<B> = Result<Connected<B>, (String, String)>;

/// The fetch worker of one back end: its query channel, its answers, and its task (aborted
/// when dropped, so a context switch or the loop's end stops it).
struct Fetcher {
    req_tx: watch::Sender<Option<worker::FetchRequest>>,
    res_rx: mpsc::UnboundedReceiver<worker::FetchResult>,
    _task: AbortOnDrop,
}

impl Fetcher {
    fn start<B: Backend>(backend: &B, debounce: Duration) -> Self {
        let (req_tx, req_rx) = watch::channel(None);
        let (res_tx, res_rx) = mpsc::unbounded_channel();
        let task = tokio::spawn(worker::run(backend.clone(), req_rx, res_tx, debounce));
        Fetcher {
            req_tx,
            res_rx,
            _task: AbortOnDrop(task.abort_handle()),
        }
    }
}

pub(super) async fn run_loop<B: Backend>(
    terminal: &mut Term,
    backend: B,
    options: Options,
    contexts: Contexts<B>,
) -> anyhow::Result<()> {
    let mut export = None;
    let result = event_loop(terminal, backend, options, contexts, &mut export).await;
    // However the loop ended, a running export stops and removes its partial file.
    if let Some(handle) = export {
        handle.shutdown(EXPORT_GRACE).await;
    }
    result
}

async fn event_loop<B: Backend>(
    terminal: &mut Term,
    mut backend: B,
    mut options: Options,
    contexts: Contexts<B>,
    export: &mut Option<export::Handle>,
) -> anyhow::Result<()> {
    let (ev_tx, mut ev_rx) = mpsc::channel::<io::Result<Event>>(256);
    // crossterm's blocking read on its own thread: costs nothing while idle. The thread
    // ends at the first event after the loop is gone (or with the process).
    std::thread::Builder::new()
        .name("vbshare-input".into())
        .spawn(move || {
            loop {
                let ev = crossterm::event::read();
                let failed = ev.is_err();
                if ev_tx.blocking_send(ev).is_err() || failed {
                    return;
                }
            }
        })?;
    let mut fetcher = Fetcher::start(&backend, options.debounce);
    // Answers of writes, which run as their own tasks, and news from exports.
    let (msg_tx, mut msg_rx) = mpsc::unbounded_channel::<Msg>();
    let (export_tx, mut export_rx) = mpsc::unbounded_channel();
    // CBR news; replaced on a context switch, so nothing of the old context arrives after.
    let (mut cbr_tx, mut cbr_rx) = mpsc::unbounded_channel();
    let (switch_tx, mut switch_rx) = mpsc::unbounded_channel::<Switch<B>>();
    // The owner walk, aborted (every request in flight dropped) when its view is left.
    let mut walk: Option<tokio::task::AbortHandle> = None;
    // The page being fetched ahead, aborted when another query is sent.
    let mut prefetch: Option<tokio::task::AbortHandle> = None;

    let mut app = App::new(&options, now_unix());
    app.contexts_available = contexts.is_some();
    let size = terminal.size()?;
    app.update(Msg::Resize(size.width, size.height));
    let tmux = osc52::in_tmux();
    let mut effect = app.start();
    let mut spinner: Option<Interval> = None;
    // Exists only while watch mode is on, so an idle browser still never wakes.
    let mut watch_clock: Option<(Duration, Interval)> = None;
    let mut terminate = std::pin::pin!(terminate());
    loop {
        match effect.take() {
            Some(Effect::Fetch(req)) => {
                // A page fetched ahead is of no use once another query is asked for.
                if let Some(p) = prefetch.take() {
                    p.abort();
                }
                fetcher.req_tx.send_replace(Some(req));
            }
            Some(Effect::Prefetch(query)) => {
                if let Some(p) = prefetch.take() {
                    p.abort();
                }
                let (b, tx) = (backend.clone(), msg_tx.clone());
                let task = tokio::spawn(async move {
                    let rows = worker::Fetcher::list(&b, &query).await;
                    let _ = tx.send(Msg::Prefetched {
                        query: Box::new(query),
                        rows,
                    });
                });
                prefetch = Some(task.abort_handle());
            }
            Some(Effect::Copy(text)) => {
                let out = terminal.backend_mut();
                out.write_all(osc52::sequence(&text, tmux).as_bytes())?;
                out.flush()?;
            }
            Some(Effect::Write(req)) => {
                let (b, tx) = (backend.clone(), msg_tx.clone());
                tokio::spawn(async move {
                    let result = backend::perform(&b, req).await;
                    let _ = tx.send(Msg::Wrote(Box::new(result)));
                });
            }
            Some(Effect::Export { id, job }) => {
                // The App starts one export at a time, so an old handle belongs to one that
                // has reported its end; dropping it would cancel it anyway.
                *export = Some(export::spawn(backend.clone(), id, job, export_tx.clone()));
            }
            Some(Effect::CancelExport) => {
                if let Some(handle) = export {
                    handle.cancel();
                }
            }
            Some(Effect::Cbr(CbrEffect::StopWalk)) => {
                if let Some(w) = walk.take() {
                    w.abort();
                }
            }
            Some(Effect::Cbr(effect)) => {
                if let Some(client) = &options.cbr {
                    let is_walk = matches!(effect, CbrEffect::Walk { .. });
                    let task = cbr_io::spawn(client, effect, options.concurrency, cbr_tx.clone());
                    if is_walk && let Some(old) = walk.replace(task.abort_handle()) {
                        old.abort();
                    }
                }
            }
            Some(Effect::Context(effect)) => {
                if let Some(source) = &contexts {
                    context_task(source.as_ref(), effect, &app, &msg_tx, &switch_tx);
                }
            }
            Some(Effect::Suspend) => {
                super::suspend(terminal, options.mouse)?;
                let size = terminal.size()?;
                // The terminal may have changed size while stopped.
                app.update(Msg::Resize(size.width, size.height));
            }
            Some(Effect::Quit) => break,
            None => {}
        }
        if app.take_dirty() {
            app.set_now(now_unix());
            terminal.draw(|frame| ui::draw(frame, &app))?;
        }
        match (app.busy(), spinner.is_some()) {
            (true, false) => spinner = Some(clock(SPIN, MissedTickBehavior::Skip)),
            (false, true) => spinner = None,
            _ => {}
        }
        match (app.watch, &watch_clock) {
            (Some(every), Some((current, _))) if every == *current => {}
            (Some(every), _) => {
                watch_clock = Some((every, clock(every, MissedTickBehavior::Delay)));
            }
            (None, Some(_)) => watch_clock = None,
            (None, None) => {}
        }
        let msg = tokio::select! {
            ev = ev_rx.recv() => match ev {
                Some(Ok(ev)) => match to_msg(&ev) {
                    Some(msg) => msg,
                    None => continue,
                },
                Some(Err(e)) => return Err(anyhow::Error::new(e).context("reading terminal input")),
                None => break,
            },
            Some(result) = fetcher.res_rx.recv() => Msg::Fetched(Box::new(result)),
            Some(msg) = msg_rx.recv() => msg,
            Some((id, event)) = export_rx.recv() => Msg::Export { id, event: Box::new(event) },
            Some(news) = cbr_rx.recv() => Msg::Cbr(Box::new(news)),
            Some(switch) = switch_rx.recv() => match switch {
                Ok(connected) => {
                    // Nothing of the old context goes on: its walk, fetches and CBR news.
                    for task in [walk.take(), prefetch.take()].into_iter().flatten() {
                        task.abort();
                    }
                    backend = connected.backend;
                    options.cbr = connected.cbr;
                    fetcher = Fetcher::start(&backend, options.debounce);
                    (cbr_tx, cbr_rx) = mpsc::unbounded_channel();
                    Msg::Context(Box::new(ContextNews::Switched(Ok(Box::new(SwitchedTo {
                        header: connected.header,
                        cbr_available: options.cbr.is_some(),
                        request_log: connected.request_log,
                    })))))
                }
                Err(failed) => Msg::Context(Box::new(ContextNews::Switched(Err(failed)))),
            },
            () = tick(spinner.as_mut()) => Msg::Tick,
            () = tick(watch_clock.as_mut().map(|(_, i)| i)) => Msg::WatchTick,
            () = &mut terminate => {
                tracing::info!("terminated by signal");
                break;
            }
        };
        app.set_now(now_unix());
        effect = app.update(msg);
    }
    for task in [walk, prefetch].into_iter().flatten() {
        task.abort();
    }
    Ok(())
}

/// Runs a context effect as a task: the list comes back as a message, a connection on
/// `switch_tx` (it carries the new back end, which only the loop may install).
fn context_task<B: Backend>(
    source: &dyn ContextSource<B>,
    effect: ContextEffect,
    app: &App,
    msg_tx: &mpsc::UnboundedSender<Msg>,
    switch_tx: &mpsc::UnboundedSender<Switch<B>>,
) {
    match effect {
        ContextEffect::List => {
            let (list, tx) = (source.list(), msg_tx.clone());
            tokio::spawn(async move {
                let list = list.await;
                let _ = tx.send(Msg::Context(Box::new(ContextNews::Listed(list))));
            });
        }
        ContextEffect::Switch(choice) => {
            let label = app.switching.clone().unwrap_or_default();
            let (connect, tx) = (source.connect(choice), switch_tx.clone());
            tokio::spawn(async move {
                let _ = tx.send(connect.await.map_err(|why| (label, why)));
            });
        }
    }
}

/// An interval whose first tick is one `period` from now.
fn clock(period: Duration, missed: MissedTickBehavior) -> Interval {
    let period = period.max(Duration::from_millis(1));
    let mut i = tokio::time::interval_at(Instant::now() + period, period);
    i.set_missed_tick_behavior(missed);
    i
}

fn to_msg(ev: &Event) -> Option<Msg> {
    match *ev {
        Event::Key(k) => Some(Msg::Key(k)),
        Event::Paste(ref text) => Some(Msg::Paste(text.clone())),
        Event::Mouse(m) => Some(Msg::Mouse(m)),
        Event::Resize(w, h) => Some(Msg::Resize(w, h)),
        _ => None,
    }
}

/// The clock's next tick, or never when it is not running.
async fn tick(spinner: Option<&mut Interval>) {
    match spinner {
        Some(i) => {
            i.tick().await;
        }
        None => std::future::pending().await,
    }
}

/// Resolves on SIGTERM or SIGHUP, so the terminal is restored when the session goes.
async fn terminate() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        // Every signal that would end the process: the loop returns and the terminal is
        // restored (Ctrl-C in raw mode is a key, but `kill -INT` is a signal).
        match (
            signal(SignalKind::terminate()),
            signal(SignalKind::hangup()),
            signal(SignalKind::interrupt()),
            signal(SignalKind::quit()),
        ) {
            (Ok(mut term), Ok(mut hup), Ok(mut int), Ok(mut quit)) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = hup.recv() => {}
                    _ = int.recv() => {}
                    _ = quit.recv() => {}
                }
            }
            _ => std::future::pending().await,
        }
    }
    #[cfg(not(unix))]
    std::future::pending::<()>().await;
}
