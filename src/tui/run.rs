//! The run loop: waits on terminal input, fetch answers and (only while loading) the
//! spinner's clock; feeds them to [`App::update`]; performs the effects; redraws when the
//! App says something changed. Idle, it sleeps in `select!` and wakes for nothing.

use std::io::{self, Write as _};
use std::time::Duration;

use crossterm::event::Event;
use tokio::sync::{mpsc, watch};
use tokio::time::{Instant, Interval, MissedTickBehavior};

use super::app::{App, Effect, Msg};
use super::worker::{self, Fetcher};
use super::{Options, Term, osc52, ui};
use crate::api::time::now_unix;

/// How often the spinner turns while a request is pending.
const SPIN: Duration = Duration::from_millis(100);

/// Aborts the worker when the loop ends, however it ends.
struct AbortOnDrop(tokio::task::AbortHandle);

impl Drop for AbortOnDrop {
    fn drop(&mut self) {
        self.0.abort();
    }
}

pub(super) async fn run_loop<F: Fetcher>(
    terminal: &mut Term,
    fetcher: F,
    options: Options,
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
    let (req_tx, req_rx) = watch::channel(None);
    let (res_tx, mut res_rx) = mpsc::unbounded_channel();
    let worker = tokio::spawn(worker::run(fetcher, req_rx, res_tx, options.debounce));
    let _abort = AbortOnDrop(worker.abort_handle());

    let mut app = App::new(&options, now_unix());
    let size = terminal.size()?;
    app.update(Msg::Resize(size.width, size.height));
    let tmux = osc52::in_tmux();
    let mut effect = app.start();
    let mut spinner: Option<Interval> = None;
    let mut terminate = std::pin::pin!(terminate());
    loop {
        match effect.take() {
            Some(Effect::Fetch(req)) => {
                req_tx.send_replace(Some(req));
            }
            Some(Effect::Copy(text)) => {
                let out = terminal.backend_mut();
                out.write_all(osc52::sequence(&text, tmux).as_bytes())?;
                out.flush()?;
            }
            Some(Effect::Quit) => break,
            None => {}
        }
        if app.take_dirty() {
            app.set_now(now_unix());
            terminal.draw(|frame| ui::draw(frame, &app))?;
        }
        match (app.loading, spinner.is_some()) {
            (true, false) => {
                let mut i = tokio::time::interval_at(Instant::now() + SPIN, SPIN);
                i.set_missed_tick_behavior(MissedTickBehavior::Skip);
                spinner = Some(i);
            }
            (false, true) => spinner = None,
            _ => {}
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
            Some(result) = res_rx.recv() => Msg::Fetched(Box::new(result)),
            () = tick(spinner.as_mut()) => Msg::Tick,
            () = &mut terminate => {
                tracing::info!("terminated by signal");
                break;
            }
        };
        effect = app.update(msg);
    }
    Ok(())
}

fn to_msg(ev: &Event) -> Option<Msg> {
    match *ev {
        Event::Key(k) => Some(Msg::Key(k)),
        Event::Mouse(m) => Some(Msg::Mouse(m)),
        Event::Resize(w, h) => Some(Msg::Resize(w, h)),
        _ => None,
    }
}

/// The spinner's next tick, or never when it is not running.
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
        match (
            signal(SignalKind::terminate()),
            signal(SignalKind::hangup()),
        ) {
            (Ok(mut term), Ok(mut hup)) => {
                tokio::select! {
                    _ = term.recv() => {}
                    _ = hup.recv() => {}
                }
            }
            _ => std::future::pending().await,
        }
    }
    #[cfg(not(unix))]
    std::future::pending::<()>().await;
}
