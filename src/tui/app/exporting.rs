//! The export from the browser (`e`): the dialog's defaults, the running export's state
//! and its events. Under CBR the export writes the rows the browser holds: every row of the
//! tab on screen that matches the filters, in the order shown, as they were on Enter (a
//! walk still running adds none after that).

use std::path::PathBuf;
use std::sync::Arc;

use tui_input::Input;

use super::cbr::ViewRows;
use super::dialog::{Dialog, ExportDialog, overwrite_confirm};
use super::{App, CbrTab, Effect, ErrorInfo};
use crate::api::time::Timestamp;
use crate::text::{sanitize, thousands};
use crate::tui::export::{ExportEvent, ExportFailure, ExportJob, FileFormat, HeldRows};

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
    dated_name(direction, now, format)
}

/// The name the export dialog starts with under CBR, naming the tab:
/// `vbshare-cbr-pending-20250601-120307.csv`, `vbshare-cbr-by-me-…`.
pub fn cbr_file_name(tab: CbrTab, now: i64, format: FileFormat) -> String {
    let view = match tab {
        CbrTab::ByMe => "cbr-by-me",
        CbrTab::Pending => "cbr-pending",
        CbrTab::Accepted => "cbr-accepted",
        CbrTab::Rejected => "cbr-rejected",
    };
    dated_name(view, now, format)
}

/// `vbshare-<view>-YYYYMMDD-HHMMSS.<ext>`, the time in UTC.
fn dated_name(view: &str, now: i64, format: FileFormat) -> String {
    let stamp: String = Timestamp::from_unix(now, 0)
        .display_utc()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            '-' | ':' => None,
            c => Some(c),
        })
        .collect();
    format!("vbshare-{view}-{stamp}.{}", format.ext())
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
        let name = if self.is_cbr() {
            if let Some(why) = self.cbr_export_refusal() {
                self.notice = Some(why.to_owned());
                return;
            }
            cbr_file_name(self.cbr.tab, self.now, format)
        } else {
            default_file_name(self.page_to_me(), self.now, format)
        };
        self.dialog = Some(Dialog::Export(ExportDialog {
            input: Input::new(name),
            format,
            error: None,
        }));
    }

    /// Why the CBR tab on screen has nothing to export yet, if so: its list is not read.
    fn cbr_export_refusal(&self) -> Option<&'static str> {
        if self.cbr.tab == CbrTab::ByMe || self.cbr.shared.is_some() {
            return None;
        }
        Some(if self.cbr.loading {
            "nothing to export yet: the shared backups are still being read"
        } else {
            "nothing to export: the shared backups could not be read (r reads them again)"
        })
    }

    /// The export of the CBR tab on screen to `path`: every row matching the filters, all
    /// pages, in the order shown, as they are now; or why there is nothing to export.
    pub(super) fn cbr_export_job(
        &self,
        path: PathBuf,
        format: FileFormat,
    ) -> Result<ExportJob, &'static str> {
        if let Some(why) = self.cbr_export_refusal() {
            return Err(why);
        }
        let f = &self.query.filters;
        let held = match self.cbr.view_rows(f) {
            ViewRows::Shared(rows) => HeldRows::Shared(rows.into_iter().cloned().collect()),
            ViewRows::Members(rows) => HeldRows::Members {
                rows: rows.into_iter().cloned().collect(),
                errors: Arc::from(self.cbr.walk.failed.as_slice()),
            },
        };
        Ok(ExportJob {
            filters: f.clone(),
            sort: Default::default(),
            format,
            path,
            overwrite: false,
            held: Some(held),
        })
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
        let total = match &job.held {
            Some(rows) => Some(rows.len() as u64),
            None => self.page.total.filter(|_| same_filters),
        };
        self.export = Some(ExportState {
            id,
            path: job.path.display().to_string(),
            rows: 0,
            total,
            cancelling: false,
        });
        self.dirty = true;
        Some(Effect::Export { id, job })
    }

    /// Esc while exporting.
    /// Esc while exporting: asks first (default No), since the partial file goes.
    pub(super) fn ask_cancel_export(&mut self) {
        let Some(e) = self.export.as_ref().filter(|e| !e.cancelling) else {
            return;
        };
        self.dialog = Some(Dialog::Confirm(super::Confirm {
            title: " Cancel export ",
            question: format!("Stop exporting to {}?", crate::text::sanitize(&e.path)),
            detail: vec![format!(
                "{} rows are written so far; the partial file is removed.",
                crate::text::thousands(e.rows)
            )],
            danger: true,
            yes_focused: false,
            action: super::ConfirmAction::CancelExport,
        }));
        self.dirty = true;
    }

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
