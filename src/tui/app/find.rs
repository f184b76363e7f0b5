//! Find in page (`F`): a client-side search of the rows on screen across every column,
//! distinct from `/`, the server-side name filter. Typing jumps to the first match; `>`
//! and `<` go to the next and previous match (`n` and `p` turn pages).

use crossterm::event::{KeyCode, KeyEvent};
use tui_input::Input;

use super::{App, CbrRows, Effect};
use crate::schema::{Schema, Value, View as RowView};

/// The find prompt and what it found.
#[derive(Clone, Debug, Default)]
pub struct Find {
    /// The text searched for.
    pub input: Input,
    /// Keys go to the prompt (until Enter or Esc).
    pub typing: bool,
    /// Indices of the matching rows on the page.
    pub matches: Vec<usize>,
}

/// A cell as plain text for matching: the value (a project by name too), else as sent.
fn cell_text(v: Value<'_>) -> String {
    match v {
        Value::Project(Some(p)) => format!("{p} {}", crate::schema::names::short(p)),
        other => other
            .raw()
            .map(std::borrow::Cow::into_owned)
            .unwrap_or_default(),
    }
}

fn row_texts<R>(schema: &'static Schema<R>, rows: &[R], view: RowView) -> Vec<String> {
    rows.iter()
        .map(|r| {
            schema
                .columns
                .iter()
                .map(|c| cell_text((c.cell)(r, view).value))
                .collect::<Vec<_>>()
                .join(" ")
                .to_lowercase()
        })
        .collect()
}

impl App {
    /// The rows on screen as searchable text, one string per row.
    fn page_texts(&self) -> Vec<String> {
        use crate::schema::cbr::{MEMBER, SHARED};
        if !self.is_cbr() {
            let view = RowView {
                to_me: self.page_to_me(),
            };
            return row_texts(&crate::schema::vbs::SHARING, &self.page.rows, view);
        }
        let view = RowView { to_me: true };
        match &self.cbr.page.rows {
            CbrRows::Shared(r) => row_texts(&SHARED, r, view),
            CbrRows::Members(r) => row_texts(&MEMBER, r, view),
        }
    }

    /// `F`: opens the find prompt.
    pub(super) fn open_find(&mut self) {
        self.find = Some(Find {
            typing: true,
            ..Find::default()
        });
        self.dirty = true;
    }

    /// Matches the text against the page again; jumps to the first match at or after
    /// the selection when `jump`.
    pub(super) fn refind(&mut self, jump: bool) {
        let Some(f) = &self.find else { return };
        let q = f.input.value().trim().to_lowercase();
        let matches: Vec<usize> = if q.is_empty() {
            Vec::new()
        } else {
            self.page_texts()
                .iter()
                .enumerate()
                .filter(|(_, t)| t.contains(&q))
                .map(|(i, _)| i)
                .collect()
        };
        let first = matches
            .iter()
            .copied()
            .find(|i| *i >= self.selected)
            .or_else(|| matches.first().copied());
        if let Some(f) = &mut self.find {
            f.matches = matches;
        }
        if jump && let Some(i) = first {
            self.select(i);
        }
        self.dirty = true;
    }

    /// Keys while the prompt takes them.
    pub(super) fn find_key(&mut self, key: &KeyEvent) -> Option<Effect> {
        let f = self.find.as_mut()?;
        match key.code {
            KeyCode::Esc => self.find = None,
            KeyCode::Enter => f.typing = false,
            _ => {
                let req = crate::tui::form::input_request(key)?;
                if f.input.handle(req).is_some_and(|c| c.value) {
                    self.refind(true);
                }
            }
        }
        self.dirty = true;
        None
    }

    /// `>` / `<`: the next or previous match on the page, wrapping around.
    pub(super) fn find_step(&mut self, forward: bool) {
        let Some(f) = &self.find else {
            self.notice = Some("F finds text in the rows on screen".to_owned());
            self.dirty = true;
            return;
        };
        let next = if forward {
            f.matches
                .iter()
                .copied()
                .find(|i| *i > self.selected)
                .or_else(|| f.matches.first().copied())
        } else {
            f.matches
                .iter()
                .rev()
                .copied()
                .find(|i| *i < self.selected)
                .or_else(|| f.matches.last().copied())
        };
        match next {
            Some(i) => self.select(i),
            None => self.notice = Some("no match on this page".to_owned()),
        }
        self.dirty = true;
    }

    /// The footer's find status: `find "db": 2/5 · > next · < previous`.
    pub fn find_status(&self) -> Option<String> {
        let f = self.find.as_ref()?;
        let q = f.input.value();
        if f.typing {
            return Some(format!("find: {q}▏ (Enter keeps it, Esc closes)"));
        }
        let at = f.matches.iter().position(|i| *i == self.selected);
        Some(match (at, f.matches.len()) {
            (_, 0) => format!("find \"{q}\": no match on this page"),
            (Some(k), n) => format!("find \"{q}\": {}/{n} · > next · < previous", k + 1),
            (None, n) => format!("find \"{q}\": {n} matches · > next · < previous"),
        })
    }
}
