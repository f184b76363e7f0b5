//! The filter form: one text input per list filter, and the keys that edit them.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tui_input::{Input, InputRequest};

use crate::api::query::Filters;

/// The filter fields, in Tab order.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    /// Backup name (substring match).
    Name,
    /// Backup status.
    Status,
    /// Source disk ID.
    VolumeId,
    /// Backup ID.
    BackupId,
    /// The sharing project.
    FromProject,
    /// The project shared with.
    ToProject,
    /// Availability zone.
    Az,
}

impl Field {
    /// Every field in Tab order.
    pub const ALL: [Field; 7] = [
        Field::Name,
        Field::Status,
        Field::VolumeId,
        Field::BackupId,
        Field::FromProject,
        Field::ToProject,
        Field::Az,
    ];

    /// The short label shown before the field.
    pub fn label(self) -> &'static str {
        match self {
            Field::Name => "name",
            Field::Status => "status",
            Field::VolumeId => "volume",
            Field::BackupId => "backup",
            Field::FromProject => "from",
            Field::ToProject => "to",
            Field::Az => "az",
        }
    }

    /// The field's position in [`Field::ALL`].
    pub fn index(self) -> usize {
        Field::ALL.iter().position(|f| *f == self).unwrap_or(0)
    }
}

/// The filter inputs and which one has focus.
#[derive(Clone, Debug, Default)]
pub struct Form {
    inputs: [Input; 7],
    focused: usize,
}

impl Form {
    /// A form pre-filled from `filters` (direction is not a form field).
    pub fn from_filters(f: &Filters) -> Self {
        let values = [
            &f.name,
            &f.status,
            &f.volume_id,
            &f.backup_id,
            &f.from_project_id,
            &f.to_project_id,
            &f.availability_zone,
        ];
        Form {
            inputs: values.map(|v| Input::new(v.clone())),
            focused: 0,
        }
    }

    /// Writes the field values into `f`, leaving `share_to_me` alone.
    pub fn apply_to(&self, f: &mut Filters) {
        self.value(Field::Name).clone_into(&mut f.name);
        self.value(Field::Status).clone_into(&mut f.status);
        self.value(Field::VolumeId).clone_into(&mut f.volume_id);
        self.value(Field::BackupId).clone_into(&mut f.backup_id);
        self.value(Field::FromProject)
            .clone_into(&mut f.from_project_id);
        self.value(Field::ToProject)
            .clone_into(&mut f.to_project_id);
        self.value(Field::Az).clone_into(&mut f.availability_zone);
    }

    /// The text of `field`.
    pub fn value(&self, field: Field) -> &str {
        self.inputs[field.index()].value()
    }

    /// Sets `field` to `value`; whether it changed.
    pub fn set(&mut self, field: Field, value: &str) -> bool {
        let input = &mut self.inputs[field.index()];
        if input.value() == value {
            return false;
        }
        *input = Input::new(value.to_owned());
        true
    }

    /// The input behind `field` (for the cursor position when drawing).
    pub fn input(&self, field: Field) -> &Input {
        &self.inputs[field.index()]
    }

    /// The focused field.
    pub fn focused(&self) -> Field {
        Field::ALL[self.focused % Field::ALL.len()]
    }

    /// Moves focus to `field`.
    pub fn focus(&mut self, field: Field) {
        self.focused = field.index();
    }

    /// Moves focus to the next field, wrapping around.
    pub fn next(&mut self) {
        self.focused = (self.focused + 1) % Field::ALL.len();
    }

    /// Moves focus to the previous field, wrapping around.
    pub fn prev(&mut self) {
        self.focused = (self.focused + Field::ALL.len() - 1) % Field::ALL.len();
    }

    /// Sets every field to empty; returns whether anything changed.
    pub fn clear_all(&mut self) -> bool {
        let changed = self.inputs.iter().any(|i| !i.value().is_empty());
        for i in &mut self.inputs {
            i.reset();
        }
        changed
    }

    /// Sends an edit to the focused field; returns whether its *value* changed.
    pub fn edit(&mut self, req: InputRequest) -> EditOutcome {
        let i = self.focused % Field::ALL.len();
        match self.inputs[i].handle(req) {
            Some(c) if c.value => EditOutcome::Value,
            Some(_) => EditOutcome::Cursor,
            None => EditOutcome::Nothing,
        }
    }
}

/// What an edit changed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EditOutcome {
    /// The text changed: the query changes.
    Value,
    /// Only the cursor moved: redraw only.
    Cursor,
    /// Nothing changed.
    Nothing,
}

/// The line-editing request for a key (readline-style), or `None` if the key is not an edit.
pub fn input_request(key: &KeyEvent) -> Option<InputRequest> {
    use InputRequest as R;
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let alt = key.modifiers.contains(KeyModifiers::ALT);
    Some(match key.code {
        KeyCode::Backspace if alt || ctrl => R::DeletePrevWord,
        KeyCode::Backspace => R::DeletePrevChar,
        KeyCode::Delete if ctrl => R::DeleteNextWord,
        KeyCode::Delete => R::DeleteNextChar,
        KeyCode::Left if ctrl || alt => R::GoToPrevWord,
        KeyCode::Left => R::GoToPrevChar,
        KeyCode::Right if ctrl || alt => R::GoToNextWord,
        KeyCode::Right => R::GoToNextChar,
        KeyCode::Home => R::GoToStart,
        KeyCode::End => R::GoToEnd,
        KeyCode::Char(c) if ctrl && !alt => match c {
            'a' => R::GoToStart,
            'e' => R::GoToEnd,
            'b' => R::GoToPrevChar,
            'f' => R::GoToNextChar,
            'h' => R::DeletePrevChar,
            'd' => R::DeleteNextChar,
            'u' => R::DeleteLine,
            'k' => R::DeleteTillEnd,
            'w' => R::DeletePrevWord,
            'y' => R::Yank,
            _ => return None,
        },
        KeyCode::Char(c) if alt && !ctrl => match c {
            'b' => R::GoToPrevWord,
            'f' => R::GoToNextWord,
            'd' => R::DeleteNextWord,
            _ => return None,
        },
        // Plain, shifted, and AltGr (reported as Ctrl+Alt) characters are text.
        KeyCode::Char(c) if !c.is_control() => R::InsertChar(c),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode, m: KeyModifiers) -> KeyEvent {
        KeyEvent::new(code, m)
    }

    #[test]
    fn round_trips_filters() {
        let f = Filters {
            share_to_me: true,
            name: "db".into(),
            availability_zone: "eu-de-01".into(),
            to_project_id: "p2".into(),
            ..Filters::default()
        };
        let form = Form::from_filters(&f);
        let mut back = Filters {
            share_to_me: true,
            ..Filters::default()
        };
        form.apply_to(&mut back);
        assert_eq!(back, f);
    }

    #[test]
    fn focus_wraps_both_ways() {
        let mut form = Form::default();
        form.prev();
        assert_eq!(form.focused(), Field::Az);
        form.next();
        assert_eq!(form.focused(), Field::Name);
        form.focus(Field::ToProject);
        assert_eq!(form.focused().label(), "to");
    }

    #[test]
    fn keys_become_edits() {
        let none = KeyModifiers::NONE;
        assert_eq!(
            input_request(&key(KeyCode::Char('x'), none)),
            Some(InputRequest::InsertChar('x'))
        );
        assert_eq!(
            input_request(&key(KeyCode::Char('X'), KeyModifiers::SHIFT)),
            Some(InputRequest::InsertChar('X'))
        );
        assert_eq!(
            input_request(&key(KeyCode::Char('u'), KeyModifiers::CONTROL)),
            Some(InputRequest::DeleteLine)
        );
        assert_eq!(
            input_request(&key(KeyCode::Char('c'), KeyModifiers::CONTROL)),
            None
        );
        assert_eq!(input_request(&key(KeyCode::Tab, none)), None);
        assert_eq!(
            input_request(&key(KeyCode::Backspace, none)),
            Some(InputRequest::DeletePrevChar)
        );
    }

    #[test]
    fn edits_report_what_changed() {
        let mut form = Form::default();
        assert_eq!(form.edit(InputRequest::InsertChar('a')), EditOutcome::Value);
        assert_eq!(form.edit(InputRequest::GoToStart), EditOutcome::Cursor);
        assert_eq!(form.edit(InputRequest::GoToStart), EditOutcome::Nothing);
        assert_eq!(form.value(Field::Name), "a");
        assert!(form.clear_all());
        assert!(!form.clear_all());
    }
}
