//! The browser's export: every page of the current query written to a file in the
//! background. Under VBS the pages are fetched as they are written; under CBR the rows are
//! those the browser holds, written from a snapshot (see [`held`]).
//!
//! Rows go to `<name>.partial` next to the final name, through a writer thread (see
//! [`pipe`]), and the file is renamed to its final name only when every page arrived and
//! every byte reached the disk. A cancelled or failed export removes the partial file, so
//! what is left is either the whole export or nothing. An existing file is not replaced
//! unless the job says so (the App asks first).

use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

use tokio::sync::{mpsc, oneshot};
use tokio::task::JoinHandle;

use super::backend::Backend;
use crate::api::ApiError;
use crate::api::query::{Filters, SortDir, SortKey};
use crate::export::{ExportError, ExportFormat, Progress};
use crate::output::safe::Sink;

pub mod held;
pub mod pipe;

pub use held::HeldRows;

/// The file formats the browser exports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FileFormat {
    /// A header, then one row per sharing with the backup flattened.
    #[default]
    Csv,
    /// One document of the server's objects: `{"shared":[…]}` under VBS; under CBR the
    /// CLI's `-o json` document of the view.
    Json,
}

impl FileFormat {
    /// The file name extension, without the dot.
    pub fn ext(self) -> &'static str {
        match self {
            FileFormat::Csv => "csv",
            FileFormat::Json => "json",
        }
    }

    /// The format a file name's extension names (`.csv`, `.json`, any case), if any.
    pub fn of_name(name: &str) -> Option<Self> {
        let ext = std::path::Path::new(name).extension()?.to_str()?;
        [FileFormat::Csv, FileFormat::Json]
            .into_iter()
            .find(|f| ext.eq_ignore_ascii_case(f.ext()))
    }

    /// The other format.
    #[must_use]
    pub fn toggle(self) -> Self {
        match self {
            FileFormat::Csv => FileFormat::Json,
            FileFormat::Json => FileFormat::Csv,
        }
    }

    /// The writer's format.
    pub fn export_format(self) -> ExportFormat {
        match self {
            FileFormat::Csv => ExportFormat::Csv,
            FileFormat::Json => ExportFormat::Json,
        }
    }
}

/// One export: what to fetch (or the rows themselves) and where to write it.
#[derive(Clone, Debug, PartialEq)]
pub struct ExportJob {
    /// The filters of the rows to export (direction included); under CBR, those the held
    /// rows were filtered with.
    pub filters: Filters,
    /// The order of the rows.
    pub sort: (SortKey, SortDir),
    /// The file format.
    pub format: FileFormat,
    /// The final file name (relative names are taken from the current directory).
    pub path: PathBuf,
    /// Replace the file if it exists (the user confirmed).
    pub overwrite: bool,
    /// The rows to write, when the browser holds them (CBR): nothing is fetched then.
    pub held: Option<HeldRows>,
}

/// Why an export failed.
#[derive(Debug)]
pub enum ExportFailure {
    /// A call failed.
    Api(ApiError),
    /// The file could not be written.
    Io {
        /// The file.
        path: PathBuf,
        /// What went wrong.
        error: io::Error,
    },
}

/// What the export reports to the App.
#[derive(Debug)]
pub enum ExportEvent {
    /// Another page was written.
    Progress(Progress),
    /// The file exists and the job does not allow replacing it; nothing was written. The
    /// job comes back with its path made absolute.
    Exists(ExportJob),
    /// Every row is in the file.
    Done {
        /// Rows written.
        rows: u64,
        /// The file, made absolute.
        path: PathBuf,
        /// Set when the sharings changed while they were being read.
        warning: Option<String>,
    },
    /// It failed; the partial file was removed.
    Failed(ExportFailure),
    /// It was cancelled; the partial file was removed.
    Cancelled,
}

/// The partial file of an export to `path`: `<path>.partial`.
pub fn partial_path(path: &Path) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(".partial");
    PathBuf::from(s)
}

/// The run loop's hold on a running export.
#[derive(Debug)]
pub struct Handle {
    cancel: Option<oneshot::Sender<()>>,
    task: JoinHandle<()>,
}

impl Handle {
    /// Asks the export to stop; it removes its partial file and reports
    /// [`ExportEvent::Cancelled`].
    pub fn cancel(&mut self) {
        if let Some(tx) = self.cancel.take() {
            let _ = tx.send(());
        }
    }

    /// Cancels the export if it still runs and waits up to `grace` for it to clean up.
    pub async fn shutdown(mut self, grace: Duration) {
        if self.task.is_finished() {
            return;
        }
        self.cancel();
        if tokio::time::timeout(grace, &mut self.task).await.is_err() {
            tracing::warn!("the export did not stop in time; abandoned");
            self.task.abort();
        }
    }
}

/// Starts export number `id` on the runtime; each event goes to `events` as it happens,
/// with the export's number (the run loop turns them into messages).
pub fn spawn<B: Backend>(
    backend: B,
    id: u64,
    job: ExportJob,
    events: mpsc::UnboundedSender<(u64, ExportEvent)>,
) -> Handle {
    let (cancel, cancelled) = oneshot::channel();
    let task = tokio::spawn(async move {
        let report = move |event| {
            let _ = events.send((id, event));
        };
        run(backend, job, cancelled, report).await;
    });
    Handle {
        cancel: Some(cancel),
        task,
    }
}

/// Runs one export to its end, reporting through `report`; stops (removing the partial
/// file) when `cancel` fires or its sender is dropped.
pub async fn run<B, R>(backend: B, job: ExportJob, mut cancel: oneshot::Receiver<()>, report: R)
where
    B: Backend,
    R: Fn(ExportEvent) + Send + Sync,
{
    let path = std::path::absolute(&job.path).unwrap_or_else(|_| job.path.clone());
    let partial = partial_path(&path);
    let io_failed = |error| {
        ExportEvent::Failed(ExportFailure::Io {
            path: path.clone(),
            error,
        })
    };

    // Check for an existing file and create the partial one, off the runtime's threads.
    let prepare = tokio::task::spawn_blocking({
        let (path, partial, overwrite) = (path.clone(), partial.clone(), job.overwrite);
        move || -> io::Result<Option<std::fs::File>> {
            match std::fs::symlink_metadata(&path) {
                Ok(m) if m.is_dir() => Err(io::Error::new(
                    io::ErrorKind::IsADirectory,
                    "it is a directory",
                )),
                Ok(_) if !overwrite => Ok(None),
                _ => std::fs::File::create(&partial).map(Some),
            }
        }
    });
    let file = match joined(prepare.await) {
        Ok(Some(file)) => file,
        Ok(None) => {
            let job = ExportJob {
                path: path.clone(),
                ..job
            };
            return report(ExportEvent::Exists(job));
        }
        Err(e) => return report(io_failed(e)),
    };
    if cancel.try_recv() != Err(oneshot::error::TryRecvError::Empty) {
        drop(file);
        remove(&partial).await;
        return report(ExportEvent::Cancelled);
    }

    let ended = match job.held.clone() {
        Some(rows) => match held::write(rows, job.format, file, &mut cancel, &report).await {
            held::Written::All(rows) => Ended::Written {
                rows,
                warning: None,
            },
            held::Written::Cancelled => Ended::Cancelled,
            held::Written::Failed(e) => Ended::Io(e),
        },
        None => fetch_and_write(&backend, &job, file, &mut cancel, &report).await,
    };
    let event = match ended {
        Ended::Cancelled => ExportEvent::Cancelled,
        Ended::Api(e) => ExportEvent::Failed(ExportFailure::Api(e)),
        Ended::Io(e) => io_failed(e),
        Ended::Written { rows, warning } => {
            let (from, to) = (partial.clone(), path.clone());
            match joined(tokio::task::spawn_blocking(move || std::fs::rename(from, to)).await) {
                Ok(()) => {
                    return report(ExportEvent::Done {
                        rows,
                        path,
                        warning,
                    });
                }
                Err(e) => io_failed(e),
            }
        }
    };
    remove(&partial).await;
    report(event);
}

/// How the writing ended, before the partial file is renamed or removed.
enum Ended {
    /// Every row is in the partial file.
    Written {
        rows: u64,
        warning: Option<String>,
    },
    Cancelled,
    Api(ApiError),
    Io(io::Error),
}

/// Fetches every page of the job's query and writes it into `file` through the pipe.
async fn fetch_and_write<B, R>(
    backend: &B,
    job: &ExportJob,
    file: std::fs::File,
    cancel: &mut oneshot::Receiver<()>,
    report: &R,
) -> Ended
where
    B: Backend,
    R: Fn(ExportEvent) + Send + Sync,
{
    let (mut pipe, state, writer) = pipe::start(pipe::Durable(file));
    let outcome = {
        let work = backend.export_all(
            &job.filters,
            job.sort,
            job.format.export_format(),
            // A file: exact except for CSV formula guarding.
            Sink::file(),
            &mut pipe,
            |p| report(ExportEvent::Progress(p)),
        );
        tokio::select! {
            r = pipe::drive(work, &state) => Some(r),
            _ = &mut *cancel => None,
        }
    };
    if outcome.is_none() {
        state.abort();
    }
    // Dropping the pipe ends the stream; wait until the writer has let go of the file.
    drop(pipe);
    let written = joined(writer.await);
    match (outcome, written) {
        (None, _) => Ended::Cancelled,
        (Some(Err(ExportError::Api(e))), _) => Ended::Api(e),
        // The writer's own error says more than the pipe's "writer stopped".
        (Some(Err(ExportError::Io(e))), w) => Ended::Io(w.err().unwrap_or(e)),
        (Some(Ok(_)), Err(e)) => Ended::Io(e),
        (Some(Ok(summary)), Ok(())) => Ended::Written {
            rows: summary.rows,
            warning: summary.consistency_warning(),
        },
    }
}

/// The result of a blocking task, its panic or cancellation as an I/O error.
fn joined<T>(r: Result<io::Result<T>, tokio::task::JoinError>) -> io::Result<T> {
    r.unwrap_or_else(|e| Err(io::Error::other(e)))
}

/// Removes the partial file (off the runtime's threads); a missing file is fine.
async fn remove(partial: &Path) {
    let p = partial.to_owned();
    let removed = tokio::task::spawn_blocking(move || std::fs::remove_file(&p)).await;
    match joined(removed) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => {
            tracing::warn!(path = %partial.display(), error = %e, "cannot remove the partial export");
        }
    }
}

#[cfg(test)]
mod tests;
