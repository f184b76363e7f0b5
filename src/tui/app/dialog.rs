//! Modal dialogs: the share prompt, confirmations and the export dialog. An open dialog
//! takes every key (Ctrl-C still quits) and is drawn over everything else.

use crossterm::event::{KeyCode, KeyEvent};
use tui_input::Input;

use super::{App, Effect};
use crate::api::ids;
use crate::cli::MAX_SHARE_TARGETS;
use crate::text::{sanitize, truncate};
use crate::tui::backend::WriteRequest;
use crate::tui::export::{ExportJob, FileFormat};
use crate::tui::form;

/// An open dialog.
#[derive(Clone, Debug)]
pub enum Dialog {
    /// Project IDs to share a backup with.
    Share(SharePrompt),
    /// A yes/no question before something happens.
    Confirm(Confirm),
    /// File name and format of an export.
    Export(ExportDialog),
}

/// The share prompt: which backup, the typed project IDs and what is wrong with them.
#[derive(Clone, Debug)]
pub struct SharePrompt {
    /// The backup to share.
    pub backup_id: String,
    /// Its name, as the server sent it.
    pub backup_name: String,
    /// The project IDs typed so far.
    pub input: Input,
    /// Why Enter did not go on, shown under the field until the next edit.
    pub error: Option<String>,
}

/// What a confirmation does on yes.
#[derive(Clone, Debug, PartialEq)]
pub enum ConfirmAction {
    /// Run this write.
    Write(WriteRequest),
    /// Make this CBR call.
    Cbr(crate::tui::msg::CbrEffect),
    /// Start this export, replacing the existing file.
    Overwrite(ExportJob),
    /// Stop the running export and remove its partial file.
    CancelExport,
}

/// A yes/no question. `y` says yes; `n`, `q` and Esc say no; Enter presses the focused
/// button, and "No" has focus when the dialog opens, so Enter alone never confirms.
#[derive(Clone, Debug, PartialEq)]
pub struct Confirm {
    /// The box's title.
    pub title: &'static str,
    /// The question, naming exactly what will happen (sanitized).
    pub question: String,
    /// More about it (sanitized), one paragraph per entry.
    pub detail: Vec<String>,
    /// The action is destructive (drawn as a warning).
    pub danger: bool,
    /// "Yes" has focus (Tab and the arrow keys move it).
    pub yes_focused: bool,
    /// What yes does.
    pub action: ConfirmAction,
}

/// The export dialog: file name and format.
#[derive(Clone, Debug)]
pub struct ExportDialog {
    /// The file name.
    pub input: Input,
    /// The format; switching it switches the name's extension.
    pub format: FileFormat,
    /// Why Enter did not go on.
    pub error: Option<String>,
}

/// A name for messages: sanitized, cut to 60 columns, `""` when empty.
pub(super) fn display_name(name: &str) -> String {
    if name.is_empty() {
        "\"\"".to_owned()
    } else {
        truncate(&sanitize(name), 60).into_owned()
    }
}

/// Parses typed project IDs: separated by spaces or commas, each 32 hexadecimal
/// characters, none repeated, not `own`, at most [`MAX_SHARE_TARGETS`]. Answers the IDs in
/// lowercase, or what is wrong.
pub fn parse_targets(text: &str, own: &str) -> Result<Vec<String>, String> {
    let words = text
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|w| !w.is_empty());
    let mut out: Vec<String> = Vec::new();
    for word in words {
        let id = word.to_ascii_lowercase();
        if !ids::is_project_id(&id) {
            return Err(format!(
                "{}: {}",
                truncate(&sanitize(word), 36),
                ids::PROJECT_ID_RULE
            ));
        }
        if out.contains(&id) {
            return Err(format!("project {id} is given twice"));
        }
        if id.eq_ignore_ascii_case(own) {
            return Err(format!("project {id} is this project"));
        }
        out.push(id);
    }
    match out.len() {
        0 => Err("type at least one project ID".to_owned()),
        n if n > MAX_SHARE_TARGETS => Err(format!(
            "at most {MAX_SHARE_TARGETS} projects at once ({n} given)"
        )),
        _ => Ok(out),
    }
}

/// `name` with its extension switched to `format`'s, when it ends in the other one.
pub(super) fn with_extension(name: &str, format: FileFormat) -> String {
    let other = format!(".{}", format.toggle().ext());
    match name.strip_suffix(&other) {
        Some(stem) => format!("{stem}.{}", format.ext()),
        None => name.to_owned(),
    }
}

impl App {
    /// Keys while a dialog is open.
    pub(super) fn on_dialog_key(&mut self, key: &KeyEvent) -> Option<Effect> {
        let dialog = self.dialog.take()?;
        self.dirty = true;
        match dialog {
            Dialog::Share(p) => self.share_prompt_key(p, key),
            Dialog::Confirm(c) => self.confirm_key(c, key),
            Dialog::Export(d) => self.export_dialog_key(d, key),
        }
    }

    fn share_prompt_key(&mut self, mut p: SharePrompt, key: &KeyEvent) -> Option<Effect> {
        match key.code {
            KeyCode::Esc => None,
            KeyCode::Enter => {
                match parse_targets(p.input.value(), &self.header.project_id) {
                    Ok(to) => {
                        self.dialog = Some(Dialog::Confirm(share_confirm(p, to, self.is_cbr())));
                    }
                    Err(e) => {
                        p.error = Some(e);
                        self.dialog = Some(Dialog::Share(p));
                    }
                }
                None
            }
            _ => {
                if let Some(req) = form::input_request(key)
                    && p.input.handle(req).is_some_and(|c| c.value)
                {
                    p.error = None;
                }
                self.dialog = Some(Dialog::Share(p));
                None
            }
        }
    }

    fn confirm_key(&mut self, mut c: Confirm, key: &KeyEvent) -> Option<Effect> {
        let yes = match key.code {
            KeyCode::Char('y' | 'Y') => true,
            KeyCode::Char('n' | 'N' | 'q') | KeyCode::Esc => false,
            KeyCode::Enter => c.yes_focused,
            KeyCode::Tab
            | KeyCode::BackTab
            | KeyCode::Left
            | KeyCode::Right
            | KeyCode::Char('h' | 'l') => {
                c.yes_focused = !c.yes_focused;
                self.dialog = Some(Dialog::Confirm(c));
                return None;
            }
            _ => {
                self.dialog = Some(Dialog::Confirm(c));
                return None;
            }
        };
        match (yes, c.action) {
            (true, ConfirmAction::Write(req)) => self.start_write(req),
            (true, ConfirmAction::Cbr(effect)) => self.cbr_start_write(effect),
            (true, ConfirmAction::CancelExport) => self.cancel_export(),
            (false, ConfirmAction::CancelExport) => {
                self.notice = Some("the export goes on".to_owned());
                None
            }
            (true, ConfirmAction::Overwrite(mut job)) => {
                job.overwrite = true;
                self.start_export(job)
            }
            (false, ConfirmAction::Write(_) | ConfirmAction::Cbr(_)) => {
                self.notice = Some("not confirmed: nothing was changed".to_owned());
                None
            }
            (false, ConfirmAction::Overwrite(job)) => {
                self.notice = Some(format!(
                    "export not started: {} exists",
                    sanitize(&job.path.display().to_string())
                ));
                None
            }
        }
    }

    fn export_dialog_key(&mut self, mut d: ExportDialog, key: &KeyEvent) -> Option<Effect> {
        match key.code {
            KeyCode::Esc => None,
            KeyCode::Tab | KeyCode::BackTab | KeyCode::Up | KeyCode::Down => {
                d.format = d.format.toggle();
                let name = with_extension(d.input.value(), d.format);
                if name != d.input.value() {
                    d.input = Input::new(name);
                }
                self.dialog = Some(Dialog::Export(d));
                None
            }
            KeyCode::Enter => {
                let name = d.input.value().trim();
                let error = if name.is_empty() {
                    Some("type a file name")
                } else if name.ends_with(std::path::is_separator) {
                    Some("that names a directory; type a file name")
                } else {
                    None
                };
                if let Some(e) = error {
                    d.error = Some(e.to_owned());
                    self.dialog = Some(Dialog::Export(d));
                    return None;
                }
                // The extension and the format agree: a typed `.json` or `.csv` wins.
                if let Some(f) = FileFormat::of_name(name) {
                    d.format = f;
                }
                if self.is_cbr() {
                    return match self.cbr_export_job(name.into(), d.format) {
                        Ok(job) => self.start_export(job),
                        Err(e) => {
                            d.error = Some(e.to_owned());
                            self.dialog = Some(Dialog::Export(d));
                            None
                        }
                    };
                }
                // The view on screen is what gets exported.
                let shown = self.page.query.as_ref().unwrap_or(&self.query);
                let job = ExportJob {
                    filters: shown.filters.clone(),
                    sort: (
                        shown.sort_key.unwrap_or_default(),
                        shown.sort_dir.unwrap_or_default(),
                    ),
                    format: d.format,
                    path: name.into(),
                    overwrite: false,
                    held: None,
                };
                self.start_export(job)
            }
            _ => {
                if let Some(req) = form::input_request(key)
                    && d.input.handle(req).is_some_and(|c| c.value)
                {
                    d.error = None;
                }
                self.dialog = Some(Dialog::Export(d));
                None
            }
        }
    }
}

/// The question before a share; under CBR the same prompt adds members (which the
/// recipients must then accept).
fn share_confirm(p: SharePrompt, to: Vec<String>, cbr: bool) -> Confirm {
    let n = to.len();
    let question = format!(
        "Share backup {} ({}) with {} project{}: {}?",
        display_name(&p.backup_name),
        sanitize(&p.backup_id),
        n,
        if n == 1 { "" } else { "s" },
        to.join(", ")
    );
    Confirm {
        title: " Share backup ",
        question,
        detail: vec![
            if cbr {
                "Each project sees it as pending until it accepts it into one of its vaults."
            } else {
                "Each project will see this backup under Shared with me."
            }
            .to_owned(),
        ],
        danger: false,
        yes_focused: false,
        action: if cbr {
            ConfirmAction::Cbr(crate::tui::msg::CbrEffect::AddMembers {
                backup_id: p.backup_id,
                backup_name: p.backup_name,
                to,
            })
        } else {
            ConfirmAction::Write(WriteRequest::Share {
                backup_id: p.backup_id,
                backup_name: p.backup_name,
                to,
            })
        },
    }
}

/// The question before a cancel, naming the sharing, backup and projects concerned.
pub(super) fn cancel_confirm(req: WriteRequest, own_project: &str) -> Confirm {
    let (title, question, detail) = match &req {
        WriteRequest::Cancel {
            sharing_id,
            backup_id,
            backup_name,
            project,
        } => (
            " Cancel sharing ",
            format!("Cancel sharing {}?", sanitize(sharing_id)),
            vec![format!(
                "Backup {} ({}) will no longer be shared with project {}.",
                display_name(backup_name),
                sanitize(backup_id),
                sanitize(project)
            )],
        ),
        WriteRequest::CancelBackup {
            backup_id,
            backup_name,
        } => (
            " Cancel every sharing of a backup ",
            format!(
                "Cancel every sharing of backup {} ({})?",
                display_name(backup_name),
                sanitize(backup_id)
            ),
            vec![format!(
                "This removes every sharing of that backup made by this project ({}), \
                 with every project it was shared with, not only the one selected.",
                sanitize(own_project)
            )],
        ),
        WriteRequest::Share { .. } => (" Share backup ", String::new(), Vec::new()),
    };
    Confirm {
        title,
        question,
        detail,
        danger: true,
        yes_focused: false,
        action: ConfirmAction::Write(req),
    }
}

/// The question before replacing an existing export file.
pub(super) fn overwrite_confirm(job: ExportJob) -> Confirm {
    Confirm {
        title: " File exists ",
        question: format!("Overwrite {}?", sanitize(&job.path.display().to_string())),
        detail: vec!["The export will replace it once every row is written.".to_owned()],
        danger: true,
        yes_focused: false,
        action: ConfirmAction::Overwrite(job),
    }
}
