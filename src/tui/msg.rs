//! What happens to the browser ([`Msg`], turned into state changes by
//! [`App::update`](super::app::App::update)) and what the run loop does about it
//! ([`Effect`]). A module of its own so the background tasks that produce messages (the
//! fetch worker, writes, exports) need not know the App.

use crossterm::event::{KeyEvent, MouseEvent};

use super::backend::{WriteRequest, WriteResult};
use super::context::{ContextChoice, ContextList};
use super::export::{ExportEvent, ExportJob};
use super::worker::{FetchRequest, FetchResult};
use crate::api::ApiError;
use crate::api::cbr::{Backup, Vault, WalkEvent, WalkSummary};

/// Everything that can happen to the App.
#[derive(Debug)]
pub enum Msg {
    /// A key press (releases are ignored).
    Key(KeyEvent),
    /// Text pasted into the terminal (bracketed paste): never read as keys.
    Paste(String),
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
    /// News from a CBR call or the owner walk.
    Cbr(Box<CbrNews>),
    /// The next page, fetched ahead (or why not: a failed prefetch is silent).
    Prefetched {
        /// The query it answers.
        query: Box<crate::api::query::ListQuery>,
        /// Its rows.
        rows: Result<Vec<crate::api::model::Sharing>, ApiError>,
    },
    /// The context list arrived, or a context switch ended.
    Context(Box<ContextNews>),
    /// News from the export numbered `id`.
    Export {
        /// The export's number (events of an older export are ignored).
        id: u64,
        /// What happened.
        event: Box<ExportEvent>,
    },
}

/// What the run loop should do after an update.
#[derive(Clone, Debug, PartialEq)]
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
    /// Make this CBR call (or start or stop the owner walk) in the background.
    Cbr(CbrEffect),
    /// Fetch this page ahead, in the background (replacing any prefetch running).
    Prefetch(crate::api::query::ListQuery),
    /// List the contexts, or connect to one.
    Context(ContextEffect),
    /// Stop the running export and remove its partial file.
    CancelExport,
    /// Suspend (Ctrl-Z): give the terminal back, stop until `fg`, then redraw everything.
    Suspend,
    /// Leave the browser.
    Quit,
}

/// What the context picker asks the run loop for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ContextEffect {
    /// Ask the context source for its list.
    List,
    /// Connect to this context; the back end changes only once it is signed in.
    Switch(ContextChoice),
}

/// What came back from a [`ContextEffect`].
#[derive(Debug)]
pub enum ContextNews {
    /// The profiles and projects to offer.
    Listed(ContextList),
    /// The switch worked (the run loop has the new back end), or it failed:
    /// `(what was chosen, why)`.
    Switched(Result<Box<SwitchedTo>, (String, String)>),
}

/// The context now in use, for the App.
#[derive(Debug)]
pub struct SwitchedTo {
    /// The new header.
    pub header: super::HeaderInfo,
    /// CBR can be reached there.
    pub cbr_available: bool,
    /// The new session's request log.
    pub request_log: Option<crate::api::request_log::RequestLog>,
}

/// A CBR call the browser asks the run loop to make.
#[derive(Clone, Debug, PartialEq)]
pub enum CbrEffect {
    /// Read every backup shared with this project, in each of the three statuses.
    LoadShared {
        /// Carried back, so an older answer is dropped.
        generation: u64,
    },
    /// Walk this project's backups and their members, skipping backups already read.
    Walk {
        /// Carried back with every event.
        generation: u64,
        /// Backups whose members are cached from an earlier, interrupted walk.
        skip: Vec<String>,
    },
    /// Stop the walk (its view was left); what it read stays cached.
    StopWalk,
    /// Read again the members of these backups (the ones known to be shared), reported
    /// as walk events of `generation`: watch mode on Shared by me.
    RefreshMembers {
        /// The walk generation the answers belong to.
        generation: u64,
        /// The backups.
        backups: Vec<Backup>,
    },
    /// Read this project's vaults for the accept picker of `backup_id`.
    LoadVaults {
        /// The backup to be accepted.
        backup_id: String,
    },
    /// Accept a shared backup into a vault.
    Accept {
        /// The backup.
        backup: Box<Backup>,
        /// The vault chosen.
        vault: Box<Vault>,
    },
    /// Reject a shared backup.
    Reject {
        /// The backup.
        backup: Box<Backup>,
    },
    /// Share one of this project's backups with more projects (add members).
    AddMembers {
        /// The backup.
        backup_id: String,
        /// Its name, for messages.
        backup_name: String,
        /// The projects (validated).
        to: Vec<String>,
    },
    /// Stop sharing a backup with some of its members.
    DeleteMembers {
        /// The backup.
        backup_id: String,
        /// Its name, for messages.
        backup_name: String,
        /// The member projects to remove.
        projects: Vec<String>,
    },
}

/// What came back from a [`CbrEffect`].
#[derive(Debug)]
pub enum CbrNews {
    /// The three shared-with-me lists (pending, accepted, rejected).
    Shared {
        /// The request's generation.
        generation: u64,
        /// The lists, or why they could not be read.
        result: Result<[Vec<Backup>; 3], ApiError>,
        /// Wall time of the calls.
        latency: std::time::Duration,
    },
    /// Progress of the owner walk.
    Walk {
        /// The walk's generation.
        generation: u64,
        /// What happened.
        event: Box<WalkEvent>,
    },
    /// The owner walk ended.
    WalkEnded {
        /// The walk's generation.
        generation: u64,
        /// Its summary, or why it stopped.
        result: Result<WalkSummary, ApiError>,
    },
    /// The vaults for the accept picker.
    Vaults {
        /// The backup the picker is for.
        backup_id: String,
        /// The vaults, or why they could not be read.
        result: Result<Vec<Vault>, ApiError>,
    },
    /// A write finished.
    Wrote {
        /// Which call (`accept`, `reject`, `share`, `remove members`).
        call: &'static str,
        /// What to say in the footer, or why it failed.
        result: Result<String, ApiError>,
    },
}
