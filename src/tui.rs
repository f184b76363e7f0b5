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

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
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
pub mod context;
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
    /// The project's name, where known (`[project_names]`, the demo's, IAM's list).
    pub project_name: Option<String>,
    /// The endpoint's host (and port, if not the default).
    pub endpoint_host: String,
    /// TLS certificates are not verified (`--insecure`): the header says so in red.
    pub insecure: bool,
}

impl HeaderInfo {
    /// The context in a few words, for messages: `profile prod, project eu-de_analytics`.
    pub fn context_label(&self) -> String {
        let project = self.project_name.as_deref().unwrap_or(&self.project_id);
        format!("profile {}, project {project}", self.profile)
    }
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
    /// `--log-file`: where a crash report goes (else the state or cache directory).
    pub log_file: Option<std::path::PathBuf>,
    /// The session's request log, shown by `L`.
    pub request_log: Option<crate::api::request_log::RequestLog>,
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
            log_file: None,
            request_log: None,
        }
    }
}

/// Runs the browser against `client` until the user quits. Must be called inside a tokio
/// runtime. The terminal is restored on every exit path, panics included.
/// With `contexts`, `:` and `P` switch profile or project without leaving.
pub async fn run(
    client: Client,
    options: Options,
    contexts: Option<std::sync::Arc<dyn context::ContextSource<Client>>>,
) -> anyhow::Result<()> {
    run_with(client, options, contexts).await
}

/// [`run`] with any [`backend::Backend`] (for tests and alternative back ends).
pub async fn run_with<B: backend::Backend>(
    backend: B,
    options: Options,
    contexts: Option<std::sync::Arc<dyn context::ContextSource<B>>>,
) -> anyhow::Result<()> {
    install_panic_hook(options.log_file.clone());
    let mouse = options.mouse;
    let mut terminal = match setup(mouse) {
        Ok(t) => t,
        Err(e) => {
            restore(mouse);
            return Err(anyhow::Error::new(e).context("cannot set up the terminal"));
        }
    };
    let result = run::run_loop(&mut terminal, backend, options, contexts).await;
    restore(mouse);
    result
}

type Term = Terminal<CrosstermBackend<Stdout>>;

fn setup(mouse: bool) -> io::Result<Term> {
    take_terminal(mouse)?;
    Terminal::new(CrosstermBackend::new(io::stdout()))
}

/// Raw mode, the alternate screen cleared, no cursor, bracketed paste (and the mouse when
/// asked): the terminal as the browser draws on it.
fn take_terminal(mouse: bool) -> io::Result<()> {
    enable_raw_mode()?;
    let mut out = io::stdout();
    // Clear with a plain escape: ratatui's `Terminal::clear` asks the terminal for the
    // cursor position, which needs an answer on stdin that not every terminal gives.
    execute!(
        out,
        EnterAlternateScreen,
        cursor::Hide,
        Clear(ClearType::All),
        EnableBracketedPaste
    )?;
    if mouse {
        execute!(out, EnableMouseCapture)?;
    }
    Ok(())
}

/// Ctrl-Z: gives the terminal back (as on exit), stops the process as a shell's job
/// (SIGTSTP), and once continued (`fg`) takes the terminal again and forgets what was on
/// screen so the next draw repaints everything.
pub(crate) fn suspend(terminal: &mut Term, mouse: bool) -> io::Result<()> {
    restore(mouse);
    #[cfg(unix)]
    signal_hook::low_level::raise(signal_hook::consts::SIGTSTP)?;
    // Execution continues here after `fg`.
    take_terminal(mouse)?;
    // Both buffers blank: the next frame is drawn in full over the cleared screen.
    terminal.swap_buffers();
    Ok(())
}

/// Puts the terminal back: mouse off, main screen, cursor shown, cooked mode. Safe to call
/// more than once and when setup did not finish.
pub fn restore(mouse: bool) {
    let mut out = io::stdout();
    if mouse {
        let _ = execute!(out, DisableMouseCapture);
    }
    let _ = execute!(
        out,
        DisableBracketedPaste,
        LeaveAlternateScreen,
        cursor::Show
    );
    let _ = disable_raw_mode();
    let _ = out.flush();
}

/// Installs (once) a panic hook for the browser. A panic anywhere (the event loop or a
/// background task: fetch worker, write, walk, export) restores the terminal, writes a
/// crash report (appended to `log_file`, else a new file in the platform's state or cache
/// directory), prints one line naming it, and ends the process with status 101: the
/// browser never keeps drawing with a dead task behind it.
pub fn install_panic_hook(log_file: Option<std::path::PathBuf>) {
    static ONCE: Once = Once::new();
    ONCE.call_once(move || {
        std::panic::set_hook(Box::new(move |info| {
            // Mouse capture may or may not be on; turning it off is harmless.
            restore(true);
            let report = format!(
                "vbshare {} crashed at {} UTC (thread {:?})\n{info}\n\nbacktrace:\n{}\n",
                env!("CARGO_PKG_VERSION"),
                crate::api::time::Timestamp::from_unix(crate::api::time::now_unix(), 0)
                    .display_utc(),
                std::thread::current().name().unwrap_or("unnamed"),
                std::backtrace::Backtrace::force_capture()
            );
            let message = crate::text::sanitize(&panic_message(info)).into_owned();
            match write_crash_report(log_file.as_deref(), &report) {
                Some(path) => eprintln!(
                    "vbshare crashed ({message}); the report is in {}",
                    path.display()
                ),
                None => {
                    eprintln!("vbshare crashed ({message}); no report could be written:\n{report}");
                }
            }
            std::process::exit(101);
        }));
    });
}

/// The panic's message, on one line.
fn panic_message(info: &std::panic::PanicHookInfo<'_>) -> String {
    let payload = info.payload();
    let text = payload
        .downcast_ref::<&str>()
        .map(|s| (*s).to_owned())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".to_owned());
    let at = info
        .location()
        .map(|l| format!(" at {}:{}", l.file(), l.line()))
        .unwrap_or_default();
    format!("{}{at}", text.lines().next().unwrap_or(""))
}

/// Appends `report` to `log_file`, or writes it to a new file in the state (else cache,
/// else temporary) directory; the path written, if any.
fn write_crash_report(
    log_file: Option<&std::path::Path>,
    report: &str,
) -> Option<std::path::PathBuf> {
    let open = |path: &std::path::Path, append: bool| {
        let mut o = std::fs::OpenOptions::new();
        o.create(true).write(true);
        if append {
            o.append(true);
        } else {
            o.truncate(true);
        }
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut o, 0o600);
        o.open(path)
    };
    if let Some(path) = log_file
        && open(path, true)
            .and_then(|mut f| f.write_all(report.as_bytes()))
            .is_ok()
    {
        return Some(path.to_owned());
    }
    let name = format!("crash-{}.txt", crate::api::time::now_unix());
    [
        dirs::state_dir(),
        dirs::cache_dir(),
        Some(std::env::temp_dir()),
    ]
    .into_iter()
    .flatten()
    .map(|d| d.join("vbshare"))
    .find_map(|dir| {
        std::fs::create_dir_all(&dir).ok()?;
        let path = dir.join(&name);
        open(&path, false)
            .and_then(|mut f| f.write_all(report.as_bytes()))
            .ok()?;
        Some(path)
    })
}
