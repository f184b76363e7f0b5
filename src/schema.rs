//! One declaration per kind of row: its columns, its detail sections and its CSV fields.
//!
//! A row kind (today the VBS sharing, [`vbs::SHARING`]; tomorrow a CBR shared backup, a
//! CBR member, a vault) is one [`Schema`] value in a module of its own under
//! `src/schema/`. The renderers read it and know nothing of the row type:
//!
//! - `-o table`, measured ([`crate::output::write_table`]) or streamed page by page
//!   ([`crate::output::write_fixed_row`]), reads [`Schema::columns`];
//! - `-o csv` ([`crate::output::csv`]) reads [`Schema::csv`];
//! - `get -o table` ([`crate::output::write_detail`]) and the browser's detail pane read
//!   [`Schema::detail`];
//! - the browser's table reads the columns (titles, widths, alignment, cells) and derives
//!   its narrow-screen layouts from their declared shorten and drop steps.
//!
//! # Shape
//!
//! A schema is plain `static` data with function pointers, not a trait: a new row kind
//! is a new value, and nothing generic spreads through the renderers. A field's accessor
//! returns a [`Datum`]: the value in its *kind* ([`Value`]: text, time, size in GB, …),
//! and what was sent when it could not be read. Each renderer decides how a kind looks
//! (a size is `1.5 TB` in a table, `1.5 TB (1,536 GB)` in the pane and `1536` in CSV; an
//! unread value is `?ten` in tables and `ten` in CSV), so the declaration says *what* is
//! shown and never *how*, and a column added once shows up everywhere.
//!
//! Columns that depend on which side of a sharing is listed (the other project) take a
//! [`View`].
//!
//! # Adding a row kind
//!
//! Write `src/schema/<kind>.rs` with a `static KIND: Schema<Row>`: one accessor per field
//! returning a [`Datum`] (see `vbs.rs`, where each is named once and used by the columns,
//! the detail and the CSV), then the three lists. If the row has a kind of value none of
//! [`Value`]'s variants fits, add a variant and one arm in each renderer; otherwise no
//! renderer changes: `-o table`, the streamed table, `get` and CSV have `…_of` entry
//! points taking any `&Schema<R>` (`write_table_of`, `fields_of`, `write_row_of`, …).
//! The browser's table and detail pane still name [`vbs::SHARING`] because the App holds
//! sharings, and the pane's "Other fields" reads the sharing's raw JSON.

use std::borrow::Cow;

use crate::api::model::Unparsed;
use crate::api::query::SortKey;
use crate::api::time::Timestamp;

pub mod cbr;
pub mod names;
pub mod vbs;

/// Everything declared about one kind of row `R`.
#[derive(Debug)]
pub struct Schema<R: 'static> {
    /// What one row is called (`sharing`).
    pub name: &'static str,
    /// The list columns, left to right.
    pub columns: &'static [Column<R>],
    /// The detail, section by section.
    pub detail: &'static [Section<R>],
    /// The CSV fields, in order.
    pub csv: &'static [CsvField<R>],
}

/// Which listing a row appears in: shared by this project, or with it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct View {
    /// Shared with this project (else: by it).
    pub to_me: bool,
}

/// A value as the row holds it, by kind, before a renderer formats it.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Value<'a> {
    /// Server text.
    Text(Option<&'a str>),
    /// A project ID: tables show its name where one is known ([`names`]), the detail the
    /// ID and the name, CSV the ID.
    Project(Option<&'a str>),
    /// Server text that may hold JSON (the detail pane pretty-prints it).
    Json(Option<&'a str>),
    /// A status word (the browser adds its symbol and colour).
    Status(Option<&'a str>),
    /// A point in time.
    Time(Option<&'a Timestamp>),
    /// A size in GB.
    Gb(Option<u64>),
    /// A size in MB (a vault's used and free space).
    Mb(Option<u64>),
    /// A count.
    Count(Option<u64>),
    /// A yes/no.
    Flag(Option<bool>),
    /// An object with no value of its own (`backup`): only ever shown as sent or missing.
    Object,
}

impl<'a> Value<'a> {
    /// The value as sent, for CSV: server text unchanged, a time as the server wrote it,
    /// numbers and flags plain; `None` when there is none.
    pub fn raw(self) -> Option<Cow<'a, str>> {
        match self {
            Value::Text(v) | Value::Json(v) | Value::Status(v) | Value::Project(v) => {
                v.map(Cow::Borrowed)
            }
            Value::Time(t) => t.map(|t| Cow::Borrowed(&*t.raw)),
            Value::Gb(n) | Value::Mb(n) | Value::Count(n) => n.map(|n| Cow::Owned(n.to_string())),
            Value::Flag(b) => b.map(|b| Cow::Owned(b.to_string())),
            Value::Object => None,
        }
    }

    /// Whether there is a value.
    pub fn is_some(&self) -> bool {
        match *self {
            Value::Text(v) | Value::Json(v) | Value::Status(v) | Value::Project(v) => v.is_some(),
            Value::Time(t) => t.is_some(),
            Value::Gb(n) | Value::Mb(n) | Value::Count(n) => n.is_some(),
            Value::Flag(b) => b.is_some(),
            Value::Object => false,
        }
    }
}

/// One field of one row: its value, and what was sent when that could not be read (the
/// value is then `None`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Datum<'a> {
    pub value: Value<'a>,
    pub sent: Option<&'a Unparsed>,
}

/// A title that may name the other side of a sharing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Title {
    /// In the listing of what this project shares.
    pub by_me: &'static str,
    /// In the listing of what is shared with it.
    pub to_me: &'static str,
}

impl Title {
    /// The same title in both listings.
    pub const fn same(t: &'static str) -> Self {
        Title { by_me: t, to_me: t }
    }

    /// The title for `view`.
    pub fn get(self, view: View) -> &'static str {
        if view.to_me { self.to_me } else { self.by_me }
    }
}

/// How wide a column is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Width {
    /// Always this many columns (a date).
    Fixed(usize),
    /// As wide as its widest cell and its title; `typical` before any row arrives.
    Fit {
        /// The usual width of a cell (an ID's length).
        typical: usize,
    },
    /// Takes the room left over, never less than `min`; where cells are measured
    /// instead (`-o table`), never more than `max`.
    Flex { min: usize, max: usize },
}

/// The narrower form of a column on a narrow screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Short {
    /// From which narrowing step on the short form is used (see [`Column::drop_at`]).
    pub at: u8,
    pub title: Title,
    pub width: Width,
}

/// One list column.
#[derive(Debug)]
pub struct Column<R> {
    /// A stable name (`status`).
    pub id: &'static str,
    /// The title in the browser; `-o table` writes it in capitals.
    pub title: Title,
    pub width: Width,
    /// The width in a streamed table (`list --all -o table`), where rows cannot be
    /// measured first.
    pub stream_width: usize,
    /// The shorter form on narrower screens, if any: a cut ID, a date without its time.
    pub short: Option<Short>,
    /// The priority for dropping on narrow screens: the narrowing step from which the
    /// column is left out (`None`: never). Screens narrow step by step (step 0 shows
    /// everything in full); at each step a column is shortened or dropped as declared,
    /// and the browser shows the first step that fits.
    pub drop_at: Option<u8>,
    /// Right-aligned (numbers).
    pub right: bool,
    /// The server-side sort key this column shows, if any.
    pub sort: Option<SortKey>,
    /// The cell's value.
    pub cell: for<'a> fn(&'a R, View) -> Datum<'a>,
}

impl<R> Column<R> {
    /// The form shown at narrowing `step`: `None` when dropped, else whether short.
    pub fn at_step(&self, step: u8) -> Option<bool> {
        if self.drop_at.is_some_and(|d| step >= d) {
            return None;
        }
        Some(self.short.is_some_and(|s| step >= s.at))
    }
}

/// The narrowing steps a schema declares: 0 up to the last column drop.
pub fn steps<R>(columns: &[Column<R>]) -> impl Iterator<Item = u8> + use<R> {
    let last = columns
        .iter()
        .flat_map(|c| [c.drop_at, c.short.map(|s| s.at)])
        .flatten()
        .max()
        .unwrap_or(0);
    0..=last
}

/// One field of the detail.
#[derive(Debug)]
pub struct DetailField<R> {
    /// Its label in the compact listing (`get -o table`): its path in the row
    /// (`backup.size`); see [`Section::label`] for the label within its section.
    pub label: &'static str,
    pub value: for<'a> fn(&'a R) -> Datum<'a>,
    /// Where `Some`, the compact listing (`get -o table`) shows the field only when this
    /// says so (fields rarely sent); the pane shows every field.
    pub compact_if: Option<fn(&R) -> bool>,
}

/// A section of the detail (`Sharing`, `Backup`).
#[derive(Debug)]
pub struct Section<R: 'static> {
    pub title: &'static str,
    /// What every label of the section starts with (`backup.`), left out where the
    /// section's title says it (the detail pane).
    pub prefix: &'static str,
    pub fields: &'static [DetailField<R>],
    /// When the section's object is missing (`present` says no), this one field is
    /// shown instead of `fields`.
    pub missing: Option<Missing<R>>,
}

/// What a section shows when its object is missing.
#[derive(Debug)]
pub struct Missing<R> {
    pub present: fn(&R) -> bool,
    pub field: DetailField<R>,
}

impl<R: 'static> Section<R> {
    /// The fields shown for `row`.
    pub fn shown(&self, row: &R) -> &[DetailField<R>] {
        match &self.missing {
            Some(m) if !(m.present)(row) => std::slice::from_ref(&m.field),
            _ => self.fields,
        }
    }

    /// A field's label within the section (`size` for `backup.size`).
    pub fn label(&self, field: &DetailField<R>) -> &'static str {
        field.label.strip_prefix(self.prefix).unwrap_or(field.label)
    }
}

/// One CSV field.
#[derive(Debug)]
pub struct CsvField<R> {
    /// The column name (`backup.size`).
    pub name: &'static str,
    pub value: for<'a> fn(&'a R) -> Datum<'a>,
}

impl<R> CsvField<R> {
    /// The cell as sent: the value, else the unread text as sent, else empty.
    pub fn text<'a>(&self, row: &'a R) -> Cow<'a, str> {
        let d = (self.value)(row);
        match d.value.raw() {
            Some(v) => v,
            None => d.sent.map_or(Cow::Borrowed(""), Unparsed::text),
        }
    }
}
