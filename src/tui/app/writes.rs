//! Share and cancel (`a`, `d`, `D`) from the table, their answers, and watch mode (`w`).

use tui_input::Input;

use super::dialog::{Dialog, SharePrompt, cancel_confirm};
use super::{App, Effect, ErrorInfo};
use crate::tui::backend::{WriteRequest, WriteResult};

/// What `a`, `d` and `D` say in read-only mode.
pub const READ_ONLY: &str =
    "read-only mode: writes are disabled (--read-only / read_only in config / VBSHARE_READ_ONLY)";

/// The selected sharing's IDs and names, for a write.
struct Target {
    sharing_id: String,
    backup_id: String,
    backup_name: String,
    project: String,
}

impl App {
    /// The selected sharing, when a write on it can go ahead; else says why in the footer.
    fn write_target(&mut self) -> Option<Target> {
        let refusal = if self.read_only {
            Some(READ_ONLY.to_owned())
        } else if let Some(w) = &self.writing {
            Some(format!("wait: still {}", w.doing()))
        } else if self.page_to_me() {
            Some(
                "only sharings this project made can be changed: t switches to Shared by me"
                    .to_owned(),
            )
        } else {
            None
        };
        if let Some(r) = refusal {
            self.notice = Some(r);
            self.dirty = true;
            return None;
        }
        let row = self.selected_row()?;
        let backup = row.backup.as_ref();
        let target = Target {
            sharing_id: row.id.clone().unwrap_or_default(),
            backup_id: row
                .backup_id
                .clone()
                .or_else(|| backup?.id.clone())
                .unwrap_or_default(),
            backup_name: backup.and_then(|b| b.name.clone()).unwrap_or_default(),
            project: row.to_project_id.clone().unwrap_or_default(),
        };
        Some(target)
    }

    /// `a`: the prompt for the projects to share the selected backup with.
    pub(super) fn open_share(&mut self) {
        let Some(t) = self.write_target() else { return };
        if t.backup_id.is_empty() {
            self.notice = Some("this sharing names no backup ID".to_owned());
        } else {
            self.dialog = Some(Dialog::Share(SharePrompt {
                backup_id: t.backup_id,
                backup_name: t.backup_name,
                input: Input::default(),
                error: None,
            }));
        }
        self.dirty = true;
    }

    /// `d` (`by_backup = false`) or `D`: the confirmation before a cancel.
    pub(super) fn open_cancel(&mut self, by_backup: bool) {
        let Some(t) = self.write_target() else { return };
        let req = if by_backup {
            (!t.backup_id.is_empty()).then_some(WriteRequest::CancelBackup {
                backup_id: t.backup_id,
                backup_name: t.backup_name,
            })
        } else {
            (!t.sharing_id.is_empty()).then_some(WriteRequest::Cancel {
                sharing_id: t.sharing_id,
                backup_id: t.backup_id,
                backup_name: t.backup_name,
                project: t.project,
            })
        };
        match req {
            Some(req) => {
                let confirm = cancel_confirm(req, &self.header.project_id);
                self.dialog = Some(Dialog::Confirm(confirm));
            }
            None => self.notice = Some("this sharing has no ID to cancel by".to_owned()),
        }
        self.dirty = true;
    }

    /// A confirmed write: hand it to the run loop.
    pub(super) fn start_write(&mut self, req: WriteRequest) -> Option<Effect> {
        if self.read_only {
            self.notice = Some(READ_ONLY.to_owned());
            return None;
        }
        self.writing = Some(req.clone());
        self.dirty = true;
        Some(Effect::Write(req))
    }

    /// A write finished: say so and refresh, or show why it failed.
    pub(super) fn on_wrote(&mut self, r: WriteResult) -> Option<Effect> {
        self.writing = None;
        self.dirty = true;
        match r.result {
            Ok(()) => {
                self.notice = Some(r.request.done());
                if self.error.as_ref().is_some_and(|e| !e.is_fetch()) {
                    self.error = None;
                    self.error_open = false;
                }
                self.fetch(false, true)
            }
            Err(e) => {
                self.error = Some(ErrorInfo::from_api(r.request.call(), &e));
                self.error_open = true;
                None
            }
        }
    }

    /// `w`: watch mode on (with the `--refresh` interval, else 5 s) or off.
    pub(super) fn toggle_watch(&mut self) {
        self.watch = match self.watch {
            Some(_) => {
                self.notice = Some("watch off".to_owned());
                None
            }
            // The footer's own `watch 5s` says it is on; a notice would say it twice.
            None => Some(self.watch_interval),
        };
        self.dirty = true;
    }
}

/// An interval as the footer shows it: `5s`, `2m`, `1500ms`.
pub fn interval_text(d: std::time::Duration) -> String {
    let secs = d.as_secs();
    if d.subsec_nanos() != 0 || secs == 0 {
        format!("{}ms", d.as_millis())
    } else if secs >= 60 && secs.is_multiple_of(60) {
        format!("{}m", secs / 60)
    } else {
        format!("{secs}s")
    }
}
