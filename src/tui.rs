//! The full-screen browser: terminal setup and restore, the panic hook, and [`run`].
//!
//! The shape (see `src/tui/`): terminal events and fetch answers become [`msg::Msg`]s;
//! [`app::App::update`] changes state without I/O and returns an [`msg::Effect`]; the run
//! loop performs effects (hand a query to the fetch [`worker`], run a share or cancel
//! through the [`backend`], start or stop an [`export`], copy via [`osc52`], quit) and
//! redraws with [`ui::draw`] only when something changed.
//!
//! Imports run one way: [`ui`] → [`app`] → [`layout`], [`content`], [`msg`] → the
//! library. The background tasks ([`worker`], [`export`], [`backend`]) know neither the
//! App nor the drawing code; the run loop turns what they report into messages.

use std::io::{self, Stdout, Write as _};
use std::sync::Once;
use std::time::Duration;

use crossterm::event::{DisableMouseCapture, EnableMouseCapture};
use crossterm::terminal::{
    Clear, ClearType, EnterAlternateScreen, LeaveAlternateScreen, disable_raw_mode, enable_raw_mode,
};
use crossterm::{cursor, execute};
use ratatui::Terminal;
use ratatui::backend::CrosstermBackend;

use crate::api::Client;
use crate::api::query::ListQuery;

pub mod app;
pub mod backend;
pub mod cbr_io;
pub mod content;
pub mod error;
pub mod export;
pub mod form;
pub mod keymap;
pub mod layout;
pub mod msg;
pub mod osc52;
mod run;
pub mod theme;
pub mod ui;
pub mod worker;

#[cfg(test)]
mod fixtures;
#[cfg(test)]
mod render_tests;

/// What the header shows about where vbshare is connected.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct HeaderInfo {
    /// The profile name, or `demo`.
    pub profile: String,
    /// The region, e.g. `eu-de` (may be empty).
    pub region: String,
    /// The project ID (shortened on narrow terminals).
    pub project_id: String,
    /// The endpoint's host (and port, if not the default).
    pub endpoint_host: String,
    /// TLS certificates are not verified (`--insecure`): the header says so in red.
    pub insecure: bool,
}

/// How to start the browser.
#[derive(Clone, Debug)]
pub struct Options {
    /// Header contents.
    pub header: HeaderInfo,
    /// The first query: pre-fills the filter form, direction, sort and page size
    /// (`limit` is the page size, 50 when unset; `offset` is rounded down to a page).
    pub initial: ListQuery,
    /// How long typing must pause before a filter edit is sent.
    pub debounce: Duration,
    /// Capture the mouse: wheel scrolls, click selects (off by default, so the terminal's
    /// own text selection keeps working).
    pub mouse: bool,
    /// Use no colours (`NO_COLOR`, `--no-color`).
    pub no_color: bool,
    /// Refuse every write (share, cancel) with a message in the footer.
    pub read_only: bool,
    /// Start in watch mode, refreshing the page this often (`w` then toggles it with this
    /// interval; without it, `w` uses 5 s).
    pub refresh: Option<Duration>,
    /// The service shown first (`c` switches).
    pub service: crate::api::service::SharingService,
    /// The CBR client, when CBR can be reached (`c` is refused without one).
    pub cbr: Option<crate::api::cbr::CbrClient>,
    /// Requests the owner walk keeps in flight.
    pub concurrency: u32,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            header: HeaderInfo::default(),
            initial: ListQuery::default(),
            debounce: Duration::from_millis(200),
            mouse: false,
            no_color: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
            read_only: false,
            refresh: None,
            service: crate::api::service::SharingService::Vbs,
            cbr: None,
            concurrency: crate::config::DEFAULT_CONCURRENCY,
        }
    }
}

/// Runs the browser against `client` until the user quits. Must be called inside a tokio
/// runtime. The terminal is restored on every exit path, panics included.
pub async fn run(client: Client, options: Options) -> anyhow::Result<()> {
    run_with(client, options).await
}

/// [`run`] with any [`backend::Backend`] (for tests and alternative back ends).
pub async fn run_with<B: backend::Backend>(backend: B, options: Options) -> anyhow::Result<()> {
    install_panic_hook();
    let mouse = options.mouse;
    let mut terminal = match setup(mouse) {
        Ok(t) => t,
        Err(e) => {
            restore(mouse);
            return Err(anyhow::Error::new(e).context("cannot set up the terminal"));
        }
    };
    let result = run::run_loop(&mut terminal, backend, options).await;
    restore(mouse);
    result
}

type Term = Terminal<CrosstermBackend<Stdout>>;

fn setup(mouse: bool) -> io::Result<Term> {
    enable_raw_mode()?;
    let mut out = io::stdout();
    // Clear with a plain escape: ratatui's `Terminal::clear` asks the terminal for the
    // cursor position, which needs an answer on stdin that not every terminal gives.
    execute!(
        out,
        EnterAlternateScreen,
        cursor::Hide,
        Clear(ClearType::All)
    )?;
    if mouse {
        execute!(out, EnableMouseCapture)?;
    }
    Terminal::new(CrosstermBackend::new(out))
}

/// Puts the terminal back: mouse off, main screen, cursor shown, cooked mode. Safe to call
/// more than once and when setup did not finish.
pub fn restore(mouse: bool) {
    let mut out = io::stdout();
    if mouse {
        let _ = execute!(out, DisableMouseCapture);
    }
    let _ = execute!(out, LeaveAlternateScreen, cursor::Show);
    let _ = disable_raw_mode();
    let _ = out.flush();
}

/// Installs (once) a panic hook that restores the terminal before the previous hook
/// prints the panic, so the message lands on a usable screen.
pub fn install_panic_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            // Mouse capture may or may not be on; turning it off is harmless.
            restore(true);
            previous(info);
        }));
    });
}
