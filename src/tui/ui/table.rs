//! The sharings table, with columns that shorten and drop as the terminal narrows.

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, HighlightSpacing, Paragraph, Row, Table, TableState};

use std::borrow::Cow;

use super::Areas;
use crate::api::model::{BackupField as B, Field, Sharing, SharingField as S};
use crate::text::{human_gb, sanitize, truncate, width};
use crate::tui::app::App;
use crate::tui::theme::StatusKind;

/// The selection marker.
pub const HIGHLIGHT: &str = "▶ ";
/// Columns a shortened ID keeps (plus `…`).
const SHORT_ID: usize = 9;
/// The name column is never narrower than this while other columns can still go.
const NAME_MIN: usize = 16;

/// What a column shows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Col {
    /// The sharing ID, full or cut to 8 characters.
    Id {
        /// Cut to 8 characters and `…`.
        short: bool,
    },
    /// The backup name; takes the room left over.
    Name,
    /// The backup status, symbol and word.
    Status,
    /// The backup size in human units.
    Size,
    /// The other project, full or cut to 8 characters.
    Project {
        /// Cut to 8 characters and `…`.
        short: bool,
    },
    /// The availability zone.
    Az,
    /// When the sharing was made, in UTC.
    Created {
        /// The date without the time.
        date_only: bool,
    },
}

/// The column sets from widest to narrowest; the first that fits wins.
const LAYOUTS: &[&[Col]] = {
    use Col::{Az, Created, Id, Name, Project, Size, Status};
    &[
        &[
            Id { short: false },
            Name,
            Status,
            Size,
            Project { short: false },
            Az,
            Created { date_only: false },
        ],
        &[
            Id { short: true },
            Name,
            Status,
            Size,
            Project { short: false },
            Az,
            Created { date_only: false },
        ],
        &[
            Id { short: true },
            Name,
            Status,
            Size,
            Project { short: true },
            Az,
            Created { date_only: false },
        ],
        &[
            Name,
            Status,
            Size,
            Project { short: true },
            Az,
            Created { date_only: false },
        ],
        &[
            Name,
            Status,
            Size,
            Project { short: true },
            Az,
            Created { date_only: true },
        ],
        &[
            Name,
            Status,
            Size,
            Project { short: true },
            Created { date_only: true },
        ],
        &[Name, Status, Size, Project { short: true }],
        &[Name, Status, Size],
        &[Name, Status],
    ]
};

/// A text field's cell: the value, or what was sent marked as unparsed (`?ten`), or
/// nothing; not yet sanitised.
fn text_or_sent<'a>(
    s: &'a Sharing,
    field: impl Into<Field>,
    value: Option<&'a str>,
) -> Cow<'a, str> {
    match (value, s.unparsed(field)) {
        (Some(v), _) => Cow::Borrowed(v),
        (None, Some(u)) => Cow::Owned(u.marked()),
        (None, None) => Cow::Borrowed(""),
    }
}

/// The other project: to-project when shared by me, from-project when shared with me.
fn other_project(s: &Sharing, to_me: bool) -> Cow<'_, str> {
    if to_me {
        text_or_sent(s, S::FromProjectId, s.from_project_id.as_deref())
    } else {
        text_or_sent(s, S::ToProjectId, s.to_project_id.as_deref())
    }
}

fn name(s: &Sharing) -> Cow<'_, str> {
    let v = s.backup.as_ref().and_then(|b| b.name.as_deref());
    text_or_sent(s, B::Name, v)
}

fn az(s: &Sharing) -> Cow<'_, str> {
    let v = s
        .backup
        .as_ref()
        .and_then(|b| b.availability_zone.as_deref());
    text_or_sent(s, B::AvailabilityZone, v)
}

fn size(s: &Sharing) -> String {
    match s.backup.as_ref().and_then(|b| b.size) {
        Some(gb) => human_gb(gb),
        None => sanitize(&text_or_sent(s, B::Size, None)).into_owned(),
    }
}

/// The status cell text: symbol and word.
pub fn status_text(status: &str) -> String {
    let kind = StatusKind::of(status);
    let word = if status.is_empty() {
        "—".to_owned()
    } else {
        sanitize(status).into_owned()
    };
    format!("{} {word}", kind.symbol())
}

/// The status cell of a sharing: [`status_text`], or for a status that could not be read,
/// the unknown symbol and what was sent, marked (never a known status's symbol or colour).
pub fn status_cell(s: &Sharing) -> String {
    match s.unparsed(B::Status) {
        Some(u) => format!("{} {}", StatusKind::Unknown.symbol(), sanitize(&u.marked())),
        None => status_text(s.status()),
    }
}

/// The creation time, full or as a date, or what was sent marked as unparsed.
fn created(s: &Sharing, date_only: bool) -> String {
    match &s.created_at {
        Some(t) => {
            let full = t.display_utc();
            if date_only {
                full[..10.min(full.len())].to_owned()
            } else {
                full
            }
        }
        None => sanitize(&text_or_sent(s, S::CreatedAt, None)).into_owned(),
    }
}

impl Col {
    fn title(self, to_me: bool) -> &'static str {
        match self {
            Col::Id { short: false } => "Sharing ID",
            Col::Id { short: true } => "Sharing",
            Col::Name => "Backup name",
            Col::Status => "Status",
            Col::Size => "Size",
            Col::Project { short: false } if to_me => "From project",
            Col::Project { short: false } => "To project",
            Col::Project { short: true } if to_me => "From",
            Col::Project { short: true } => "To",
            Col::Az => "AZ",
            Col::Created { date_only: false } => "Created (UTC)",
            Col::Created { date_only: true } => "Created",
        }
    }

    /// The text of this column for one row (sanitized, not yet cut).
    fn text(self, s: &Sharing, to_me: bool) -> String {
        let clean = |v: &str| sanitize(v).into_owned();
        match self {
            Col::Id { .. } => clean(&text_or_sent(s, S::Id, s.id.as_deref())),
            Col::Name => clean(&name(s)),
            Col::Status => status_cell(s),
            Col::Size => size(s),
            Col::Project { .. } => clean(&other_project(s, to_me)),
            Col::Az => clean(&az(s)),
            Col::Created { date_only } => created(s, date_only),
        }
    }

    /// The columns this column's text takes for one row, measured without building it
    /// where that is cheap (every row of the page is measured). Dates have a fixed width:
    /// one that could not be read is cut to it.
    fn data_width(self, s: &Sharing, to_me: bool) -> usize {
        match self {
            Col::Id { .. } => width(&sanitize(&text_or_sent(s, S::Id, s.id.as_deref()))),
            Col::Name => width(&sanitize(&name(s))),
            // Symbol, space, word (or a dash for none), as `status_text` writes it.
            Col::Status if s.unparsed(B::Status).is_none() => {
                let symbol = width(StatusKind::of(s.status()).symbol());
                let word = if s.status().is_empty() {
                    1
                } else {
                    width(&sanitize(s.status()))
                };
                symbol + 1 + word
            }
            Col::Status => width(&status_cell(s)),
            Col::Size => width(&size(s)),
            Col::Project { .. } => width(&sanitize(&other_project(s, to_me))),
            Col::Az => width(&sanitize(&az(s))),
            Col::Created { date_only: false } => 19,
            Col::Created { date_only: true } => 10,
        }
    }

    /// The width this column needs for these rows (the name column: its minimum).
    fn need(self, rows: &[Sharing], to_me: bool) -> usize {
        let title = width(self.title(to_me));
        // Columns of fixed width never look at the data.
        match self {
            Col::Id { short: true } | Col::Project { short: true } => return SHORT_ID.max(title),
            Col::Name => return NAME_MIN,
            Col::Created { date_only: false } => return 19,
            Col::Created { date_only: true } => return 10,
            _ => {}
        }
        // Before any rows arrive, assume the usual ID lengths so the header does not jump.
        let data = if rows.is_empty() {
            match self {
                Col::Id { short: false } => 36,
                Col::Project { short: false } => 32,
                Col::Status => 11,
                Col::Size => 6,
                Col::Az => 8,
                _ => 0,
            }
        } else {
            rows.iter()
                .map(|s| self.data_width(s, to_me))
                .max()
                .unwrap_or(0)
        };
        data.max(title)
    }
}

/// The columns and their widths for a table `cols` wide (the highlight marker excluded).
pub fn columns(cols: usize, rows: &[Sharing], to_me: bool) -> Vec<(Col, usize)> {
    // Each column is measured once, however many layouts are tried.
    let measured = std::cell::RefCell::new(Vec::<(Col, usize)>::new());
    let need = |c: Col| {
        if let Some((_, w)) = measured.borrow().iter().find(|(m, _)| *m == c) {
            return *w;
        }
        let w = c.need(rows, to_me);
        measured.borrow_mut().push((c, w));
        w
    };
    let fit = |layout: &[Col]| -> Option<Vec<(Col, usize)>> {
        let mut widths: Vec<(Col, usize)> = layout.iter().map(|c| (*c, need(*c))).collect();
        let spacing = layout.len().saturating_sub(1);
        let fixed: usize = widths
            .iter()
            .filter(|(c, _)| *c != Col::Name)
            .map(|(_, w)| w)
            .sum();
        let name = cols.checked_sub(fixed + spacing)?;
        if name < NAME_MIN {
            return None;
        }
        for (c, w) in &mut widths {
            if *c == Col::Name {
                *w = name;
            }
        }
        Some(widths)
    };
    LAYOUTS.iter().find_map(|l| fit(l)).unwrap_or_else(|| {
        // Narrower than every layout: name and status share what there is.
        let status = cols / 3;
        vec![
            (Col::Name, cols.saturating_sub(status + 1)),
            (Col::Status, status),
        ]
    })
}

/// Draws the table (or a message when there are no rows).
pub fn draw(frame: &mut Frame, areas: &Areas, app: &App) {
    let area = areas.table;
    let t = &app.theme;
    let to_me = app.query.filters.share_to_me;
    let marker = width(HIGHLIGHT);
    // One blank column at the right keeps the table off the detail pane's border.
    let cols = columns(
        usize::from(area.width).saturating_sub(marker + 1),
        &app.rows,
        to_me,
    );
    let header = Row::new(
        cols.iter()
            .map(|(c, w)| Cell::from(truncate(c.title(to_me), *w).into_owned())),
    )
    .style(t.table_header);
    if app.rows.is_empty() {
        let text = empty_message(app);
        let header_area = Rect {
            height: 1.min(area.height),
            ..area
        };
        let table = Table::new(
            Vec::<Row>::new(),
            cols.iter().map(|(_, w)| Constraint::Length(*w as u16)),
        )
        .header(header)
        .highlight_symbol(HIGHLIGHT)
        .highlight_spacing(HighlightSpacing::Always);
        frame.render_widget(table, header_area);
        let body = areas.table_body;
        if body.height > 0 {
            let msg = Rect {
                y: body.y + body.height / 3,
                height: 1,
                ..body
            };
            frame.render_widget(
                Paragraph::new(Span::styled(text, t.dim)).alignment(Alignment::Center),
                msg,
            );
        }
        return;
    }
    // Only the rows that fit are built: the window ratatui would show for this
    // selection and scroll offset.
    let height = usize::from(areas.table_body.height).max(1);
    let top = if app.selected < app.scroll {
        app.selected
    } else if app.selected >= app.scroll + height {
        app.selected + 1 - height
    } else {
        app.scroll
    }
    .min(app.rows.len().saturating_sub(1));
    let window = &app.rows[top..(top + height).min(app.rows.len())];
    let rows = window.iter().map(|s| {
        Row::new(cols.iter().map(|(c, w)| {
            let text = c.text(s, to_me);
            let cut = truncate(&text, *w).into_owned();
            match c {
                Col::Status => Cell::from(Span::styled(cut, t.status(StatusKind::of(s.status())))),
                Col::Size => Cell::from(Line::from(cut).alignment(Alignment::Right)),
                _ => Cell::from(cut),
            }
        }))
    });
    let table = Table::new(
        rows,
        cols.iter().map(|(_, w)| Constraint::Length(*w as u16)),
    )
    .header(header)
    .column_spacing(1)
    .row_highlight_style(t.selected)
    .highlight_symbol(HIGHLIGHT)
    .highlight_spacing(HighlightSpacing::Always);
    let mut state = TableState::default()
        .with_offset(0)
        .with_selected(Some(app.selected - top));
    frame.render_stateful_widget(table, area, &mut state);
}

fn empty_message(app: &App) -> String {
    if app.shown.is_none() && app.loading {
        "Loading sharings…".to_owned()
    } else if app.shown.is_none() && app.error.is_some() {
        "No sharings loaded: see the error below (r retries)".to_owned()
    } else if app.offset() > 0 {
        "No sharings on this page ([ goes back)".to_owned()
    } else if app.query.filters
        == (crate::api::query::Filters {
            share_to_me: app.query.filters.share_to_me,
            ..Default::default()
        })
    {
        if app.query.filters.share_to_me {
            "No backups are shared with this project".to_owned()
        } else {
            "This project shares no backups".to_owned()
        }
    } else {
        "No sharings match these filters (x clears them)".to_owned()
    }
}
