//! What happens to the browser ([`Msg`], turned into state changes by
//! [`App::update`](super::app::App::update)) and what the run loop does about it
//! ([`Effect`]). A module of its own so the background tasks that produce messages (the
//! fetch worker, writes, exports) need not know the App.

use crossterm::event::{KeyEvent, MouseEvent};

use super::backend::{WriteRequest, WriteResult};
use super::export::{ExportEvent, ExportJob};
use super::worker::{FetchRequest, FetchResult};

/// Everything that can happen to the App.
#[derive(Debug)]
pub enum Msg {
    /// A key press (releases are ignored).
    Key(KeyEvent),
    /// A mouse event (only arrives when mouse support is on).
    Mouse(MouseEvent),
    /// The terminal now has this many columns and rows.
    Resize(u16, u16),
    /// The worker answered.
    Fetched(Box<FetchResult>),
    /// The spinner's clock, which only runs while a request is pending.
    Tick,
    /// Watch mode's clock, which only runs while watch mode is on.
    WatchTick,
    /// A share or cancel call finished.
    Wrote(Box<WriteResult>),
    /// News from the export numbered `id`.
    Export {
        /// The export's number (events of an older export are ignored).
        id: u64,
        /// What happened.
        event: Box<ExportEvent>,
    },
}

/// What the run loop should do after an update.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Effect {
    /// Hand this query to the fetch worker.
    Fetch(FetchRequest),
    /// Put this text on the clipboard (OSC 52).
    Copy(String),
    /// Run this share or cancel call in the background.
    Write(WriteRequest),
    /// Start this export in the background.
    Export {
        /// The export's number, carried back by its events.
        id: u64,
        /// What to export, and where.
        job: ExportJob,
    },
    /// Stop the running export and remove its partial file.
    CancelExport,
    /// Leave the browser.
    Quit,
}
