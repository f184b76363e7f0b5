//! The export of rows the browser already holds (CBR's lists, read whole and filtered
//! locally): no call is made, the rows are written from a snapshot taken when the export
//! started, on a blocking thread, with the CLI's CSV and JSON writers.
//!
//! - CSV: the row schema's CSV fields ([`SHARED_ALL`] for backups shared with this
//!   project, with the `member_status` column; [`MEMBER`] for the owner walk's members),
//!   formula-guarded as for any file.
//! - JSON: the CLI's `-o json` documents, `{"backups": [{"member_status": …, "backup":
//!   {…}}]}` and `{"members": [{"member": {…}, "backup": {…}}], "errors": […]}`, the
//!   server's JSON as sent inside.

use std::fmt;
use std::fs::File;
use std::io::{self, Write};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use tokio::sync::{mpsc, oneshot};

use super::{ExportEvent, FileFormat, joined, pipe};
use crate::export::Progress;
use crate::output::csv::{write_header_of, write_row_of};
use crate::output::safe::{JsonLists, Sink, shared_backup_json};
use crate::schema::cbr::{MEMBER, MemberRow, SHARED_ALL, SharedRow};

/// Rows between two progress reports.
pub const PROGRESS_EVERY: u64 = 1000;

/// The rows of one CBR view, as they were on screen (every page, filtered, in order)
/// when the export started.
#[derive(Clone)]
pub enum HeldRows {
    /// Backups shared with this project (one tab's).
    Shared(Arc<[SharedRow]>),
    /// Members of this project's backups (Shared by me).
    Members {
        /// The member rows.
        rows: Arc<[MemberRow]>,
        /// Backups whose members could not be read: name or ID, and why.
        errors: Arc<[crate::schema::cbr::FailedBackup]>,
    },
}

impl HeldRows {
    /// How many rows.
    pub fn len(&self) -> usize {
        match self {
            HeldRows::Shared(r) => r.len(),
            HeldRows::Members { rows, .. } => rows.len(),
        }
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// The count, not every row: an export's job shows up in logs and test failures.
impl fmt::Debug for HeldRows {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HeldRows::Shared(r) => write!(f, "Shared({} rows)", r.len()),
            HeldRows::Members { rows, errors } => write!(
                f,
                "Members({} rows, {} failed backups)",
                rows.len(),
                errors.len()
            ),
        }
    }
}

/// Two snapshots are equal when they would write the same file.
impl PartialEq for HeldRows {
    fn eq(&self, other: &Self) -> bool {
        let shared = |a: &SharedRow, b: &SharedRow| {
            a.backup == b.backup && a.member_status == b.member_status && a.from_name == b.from_name
        };
        let member = |a: &MemberRow, b: &MemberRow| {
            a.member == b.member
                && a.backup_name == b.backup_name
                && a.project_name == b.project_name
                && a.status == b.status
                && a.backup_json == b.backup_json
        };
        match (self, other) {
            (HeldRows::Shared(a), HeldRows::Shared(b)) => {
                Arc::ptr_eq(a, b)
                    || (a.len() == b.len() && a.iter().zip(b.iter()).all(|(x, y)| shared(x, y)))
            }
            (
                HeldRows::Members {
                    rows: a,
                    errors: ea,
                },
                HeldRows::Members {
                    rows: b,
                    errors: eb,
                },
            ) => {
                ea == eb
                    && (Arc::ptr_eq(a, b)
                        || (a.len() == b.len()
                            && a.iter().zip(b.iter()).all(|(x, y)| member(x, y))))
            }
            _ => false,
        }
    }
}

/// Writes `held` to `out` as `format` (a file: [`Sink::file`]), calling `progress` with the
/// rows written every [`PROGRESS_EVERY`] rows. Stops between two rows once `stop` is set,
/// answering `None` (what was written is incomplete); else the rows written. Does not
/// flush `out`.
pub fn write_rows<W: Write>(
    held: &HeldRows,
    format: FileFormat,
    out: &mut W,
    stop: &AtomicBool,
    mut progress: impl FnMut(u64),
) -> io::Result<Option<u64>> {
    let sink = Sink::file();
    let mut written = 0u64;
    // Called before each row: whether to go on.
    let mut next = || {
        if stop.load(Ordering::Acquire) {
            return false;
        }
        if written > 0 && written.is_multiple_of(PROGRESS_EVERY) {
            progress(written);
        }
        written += 1;
        true
    };
    let complete = match (held, format) {
        (HeldRows::Shared(rows), FileFormat::Csv) => {
            write_header_of(out, &SHARED_ALL, sink)?;
            csv_rows(out, &SHARED_ALL, rows, sink, &mut next)?
        }
        (HeldRows::Members { rows, .. }, FileFormat::Csv) => {
            write_header_of(out, &MEMBER, sink)?;
            csv_rows(out, &MEMBER, rows, sink, &mut next)?
        }
        (HeldRows::Shared(rows), FileFormat::Json) => {
            let mut doc = JsonLists::start(out, sink)?;
            doc.list("backups")?;
            for r in rows.iter() {
                if !next() {
                    return Ok(None);
                }
                let status = r.member_status.as_deref().unwrap_or("");
                doc.item(&shared_backup_json(status, &r.backup.to_json()))?;
            }
            doc.finish()?;
            true
        }
        (HeldRows::Members { rows, errors }, FileFormat::Json) => {
            let mut doc = JsonLists::start(out, sink)?;
            doc.list("members")?;
            for r in rows.iter() {
                if !next() {
                    return Ok(None);
                }
                doc.item(&r.element_json())?;
            }
            doc.list("errors")?;
            for f in errors.iter() {
                doc.item(&crate::schema::cbr::FailedBackup::json(
                    f.backup_id.as_deref(),
                    &f.error,
                ))?;
            }
            doc.finish()?;
            true
        }
    };
    Ok(complete.then_some(written))
}

/// The CSV records of `rows`; `false` when `next` said to stop.
fn csv_rows<R, W: Write>(
    out: &mut W,
    schema: &crate::schema::Schema<R>,
    rows: &[R],
    sink: Sink,
    next: &mut impl FnMut() -> bool,
) -> io::Result<bool> {
    for r in rows {
        if !next() {
            return Ok(false);
        }
        write_row_of(out, schema, r, sink)?;
    }
    Ok(true)
}

/// How writing the rows ended.
pub(super) enum Written {
    /// Every row is in the file, which reached the disk.
    All(u64),
    /// Cancelled: the file is incomplete.
    Cancelled,
    /// The file could not be written.
    Failed(io::Error),
}

/// Writes `held` into `file` on a blocking thread, reporting progress through `report`;
/// stops when `cancel` fires (or its sender goes), also after the last row: a cancel that
/// arrives before the export reports its end wins.
pub(super) async fn write<R>(
    held: HeldRows,
    format: FileFormat,
    file: File,
    cancel: &mut oneshot::Receiver<()>,
    report: &R,
) -> Written
where
    R: Fn(ExportEvent) + Send + Sync,
{
    let total = held.len() as u64;
    let progress = |rows| {
        report(ExportEvent::Progress(Progress {
            pages: 0,
            rows,
            total: Some(total),
        }));
    };
    progress(0);
    let stop = Arc::new(AtomicBool::new(false));
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut task = tokio::task::spawn_blocking({
        let stop = stop.clone();
        move || -> io::Result<Option<u64>> {
            let mut out = io::BufWriter::with_capacity(pipe::CHUNK, pipe::Durable(file));
            let rows = write_rows(&held, format, &mut out, &stop, |n| {
                let _ = tx.send(n);
            })?;
            if rows.is_some() {
                // Durable: the buffer is written and the file synced.
                out.flush()?;
            } else {
                // Cancelled: what is still buffered need not reach the disk.
                drop(out.into_parts());
            }
            Ok(rows)
        }
    });
    let ended = loop {
        tokio::select! {
            biased;
            _ = &mut *cancel => {
                stop.store(true, Ordering::Release);
                // The thread stops at the next row; wait until it let go of the file.
                let _ = task.await;
                return Written::Cancelled;
            }
            r = &mut task => break joined(r),
            Some(rows) = rx.recv() => progress(rows),
        }
    };
    match ended {
        Ok(Some(rows)) => {
            progress(rows);
            if cancel.try_recv() == Err(oneshot::error::TryRecvError::Empty) {
                Written::All(rows)
            } else {
                Written::Cancelled
            }
        }
        Ok(None) => Written::Cancelled,
        Err(e) => Written::Failed(e),
    }
}
