//! The export from the browser (`e`): the dialog's defaults, the running export's state
//! and its events.

use tui_input::Input;

use super::dialog::{Dialog, ExportDialog, overwrite_confirm};
use super::{App, Effect, ErrorInfo};
use crate::api::time::Timestamp;
use crate::text::{sanitize, thousands};
use crate::tui::export::{ExportEvent, ExportFailure, ExportJob, FileFormat};

/// The export in progress, as the footer shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExportState {
    /// The export's number; events of other numbers are stale.
    pub id: u64,
    /// The file it writes (as typed).
    pub path: String,
    /// Rows written so far.
    pub rows: u64,
    /// Rows expected, once counted.
    pub total: Option<u64>,
    /// Esc was pressed: waiting for the export to clean up.
    pub cancelling: bool,
}

impl ExportState {
    /// The footer's text: `exporting 3,000 / 10,010 rows · Esc cancels`.
    pub fn status(&self) -> String {
        if self.cancelling {
            return "cancelling the export…".to_owned();
        }
        let total = self
            .total
            .map_or_else(String::new, |t| format!(" / {}", thousands(t)));
        format!(
            "exporting {}{total} rows · Esc cancels",
            thousands(self.rows)
        )
    }
}

/// The name the export dialog starts with: `vbshare-by-me-20250601-120307.csv`.
pub fn default_file_name(share_to_me: bool, now: i64, format: FileFormat) -> String {
    let direction = if share_to_me { "with-me" } else { "by-me" };
    let stamp: String = Timestamp::from_unix(now, 0)
        .display_utc()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            '-' | ':' => None,
            c => Some(c),
        })
        .collect();
    format!("vbshare-{direction}-{stamp}.{}", format.ext())
}

impl App {
    /// `e`: the export dialog, or why not.
    pub(super) fn open_export(&mut self) {
        self.dirty = true;
        if self.export.is_some() {
            self.notice = Some("an export is already running (Esc cancels it)".to_owned());
            return;
        }
        let format = FileFormat::default();
        let name = default_file_name(self.page_to_me(), self.now, format);
        self.dialog = Some(Dialog::Export(ExportDialog {
            input: Input::new(name),
            format,
            error: None,
        }));
    }

    /// A confirmed export: hand it to the run loop.
    pub(super) fn start_export(&mut self, job: ExportJob) -> Option<Effect> {
        if self.export.is_some() {
            self.notice = Some("an export is already running (Esc cancels it)".to_owned());
            return None;
        }
        self.exports_started += 1;
        let id = self.exports_started;
        let same_filters = self.page.query.as_ref().map(|s| &s.filters) == Some(&job.filters);
        self.export = Some(ExportState {
            id,
            path: job.path.display().to_string(),
            rows: 0,
            total: self.page.total.filter(|_| same_filters),
            cancelling: false,
        });
        self.dirty = true;
        Some(Effect::Export { id, job })
    }

    /// Esc while exporting.
    pub(super) fn cancel_export(&mut self) -> Option<Effect> {
        let e = self.export.as_mut().filter(|e| !e.cancelling)?;
        e.cancelling = true;
        self.dirty = true;
        Some(Effect::CancelExport)
    }

    pub(super) fn on_export_event(&mut self, id: u64, event: ExportEvent) -> Option<Effect> {
        let state = self.export.as_mut().filter(|e| e.id == id)?;
        self.dirty = true;
        match event {
            ExportEvent::Progress(p) => {
                state.rows = p.rows;
                state.total = p.total.or(state.total);
                return None;
            }
            ExportEvent::Exists(job) => {
                self.dialog = Some(Dialog::Confirm(overwrite_confirm(job)));
            }
            ExportEvent::Done {
                rows,
                path,
                warning,
            } => {
                let mut text = format!(
                    "exported {} rows to {}",
                    thousands(rows),
                    sanitize(&path.display().to_string())
                );
                if warning.is_some() {
                    text.push_str(" (the sharings changed meanwhile; rows may be missing)");
                }
                self.notice = Some(text);
            }
            ExportEvent::Failed(f) => {
                self.error = Some(match &f {
                    ExportFailure::Api(e) => ErrorInfo::from_api("export", e),
                    ExportFailure::Io { path, error } => ErrorInfo::other(
                        "export",
                        format!("cannot write {}: {error}", path.display()),
                    ),
                });
                self.error_open = true;
            }
            ExportEvent::Cancelled => {
                self.notice = Some("export cancelled; no file was written".to_owned());
            }
        }
        self.export = None;
        None
    }
}
