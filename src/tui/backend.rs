//! The calls that change things (share, cancel) or walk every page (export), behind one
//! trait so the run loop can be driven by something other than a [`Client`]; and the
//! requests and answers of a write, as [`App`](super::app::App) sees them.

use std::future::Future;
use std::io::Write;

use super::worker::Fetcher;
use crate::api::model::Sharing;
use crate::api::query::{Filters, SortDir, SortKey};
use crate::api::{ApiError, Client};
use crate::export::{ExportError, ExportFormat, Progress, Summary};
use crate::output::safe::Sink;
use crate::text::{sanitize, truncate};

/// Everything the browser calls: the reads of [`Fetcher`] plus writes and the export.
pub trait Backend: Fetcher + Clone {
    /// Shares `backup_id` with each project of `to`; answers the sharings created.
    fn share(
        &self,
        backup_id: &str,
        to: &[String],
    ) -> impl Future<Output = Result<Vec<Sharing>, ApiError>> + Send;

    /// Cancels one sharing (`is_backup_id = false`) or every sharing of a backup.
    fn cancel(
        &self,
        id: &str,
        is_backup_id: bool,
    ) -> impl Future<Output = Result<(), ApiError>> + Send;

    /// Writes every page of `filters` sorted by `sort` to `out`, which is `sink` (see
    /// [`crate::export::export_all`]), calling `progress` after each page.
    fn export_all<W: Write + Send>(
        &self,
        filters: &Filters,
        sort: (SortKey, SortDir),
        format: ExportFormat,
        sink: Sink,
        out: &mut W,
        progress: impl FnMut(Progress) + Send,
    ) -> impl Future<Output = Result<Summary, ExportError>> + Send;
}

impl Backend for Client {
    fn share(
        &self,
        backup_id: &str,
        to: &[String],
    ) -> impl Future<Output = Result<Vec<Sharing>, ApiError>> + Send {
        Client::share(self, backup_id, to)
    }

    fn cancel(
        &self,
        id: &str,
        is_backup_id: bool,
    ) -> impl Future<Output = Result<(), ApiError>> + Send {
        Client::cancel(self, id, is_backup_id)
    }

    fn export_all<W: Write + Send>(
        &self,
        filters: &Filters,
        sort: (SortKey, SortDir),
        format: ExportFormat,
        sink: Sink,
        out: &mut W,
        progress: impl FnMut(Progress) + Send,
    ) -> impl Future<Output = Result<Summary, ExportError>> + Send {
        crate::export::export_all(self, filters, sort, format, sink, out, progress)
    }
}

/// A write the user confirmed, with what the messages about it need.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum WriteRequest {
    /// Share a backup with more projects.
    Share {
        /// The backup to share.
        backup_id: String,
        /// Its name, as the server sent it.
        backup_name: String,
        /// The projects to share it with (validated, lowercase, no repeats).
        to: Vec<String>,
    },
    /// Cancel one sharing.
    Cancel {
        /// The sharing to cancel.
        sharing_id: String,
        /// The backup it shares.
        backup_id: String,
        /// Its name, as the server sent it.
        backup_name: String,
        /// The project it is shared with.
        project: String,
    },
    /// Cancel every sharing of a backup made by this project.
    CancelBackup {
        /// The backup whose sharings go.
        backup_id: String,
        /// Its name, as the server sent it.
        backup_name: String,
    },
}

/// A backup name fit for a one-line message: sanitized, at most 40 columns.
pub fn short_name(name: &str) -> String {
    truncate(&sanitize(name), 40).into_owned()
}

fn projects(n: usize) -> String {
    if n == 1 {
        "1 project".to_owned()
    } else {
        format!("{n} projects")
    }
}

impl WriteRequest {
    /// The call's name in the error panel.
    pub fn call(&self) -> &'static str {
        match self {
            WriteRequest::Share { .. } => "share",
            WriteRequest::Cancel { .. } | WriteRequest::CancelBackup { .. } => "cancel",
        }
    }

    /// What the footer says while the call runs.
    pub fn doing(&self) -> String {
        match self {
            WriteRequest::Share {
                backup_name, to, ..
            } => format!(
                "sharing backup {} with {}…",
                short_name(backup_name),
                projects(to.len())
            ),
            WriteRequest::Cancel { sharing_id, .. } => {
                format!("cancelling sharing {}…", sanitize(sharing_id))
            }
            WriteRequest::CancelBackup { backup_name, .. } => format!(
                "cancelling every sharing of backup {}…",
                short_name(backup_name)
            ),
        }
    }

    /// What the footer says after the call succeeded.
    pub fn done(&self) -> String {
        match self {
            WriteRequest::Share {
                backup_name, to, ..
            } => format!(
                "shared backup {} with {}",
                short_name(backup_name),
                projects(to.len())
            ),
            WriteRequest::Cancel {
                sharing_id,
                backup_name,
                project,
                ..
            } => format!(
                "cancelled sharing {} (backup {} with {})",
                sanitize(sharing_id),
                short_name(backup_name),
                sanitize(project)
            ),
            WriteRequest::CancelBackup {
                backup_id,
                backup_name,
            } => format!(
                "cancelled every sharing of backup {} ({})",
                short_name(backup_name),
                sanitize(backup_id)
            ),
        }
    }
}

/// The answer to a [`WriteRequest`].
#[derive(Debug)]
pub struct WriteResult {
    /// What was asked.
    pub request: WriteRequest,
    /// `Ok` when the server accepted it.
    pub result: Result<(), ApiError>,
}

/// Performs one write.
pub async fn perform<B: Backend>(backend: &B, request: WriteRequest) -> WriteResult {
    let result = match &request {
        WriteRequest::Share { backup_id, to, .. } => backend.share(backup_id, to).await.map(|_| ()),
        WriteRequest::Cancel { sharing_id, .. } => backend.cancel(sharing_id, false).await,
        WriteRequest::CancelBackup { backup_id, .. } => backend.cancel(backup_id, true).await,
    };
    if let Err(e) = &result {
        tracing::warn!(call = request.call(), error = %e, "write failed");
    }
    WriteResult { request, result }
}
