//! The table of any row kind, read from its [`Schema`], with columns that shorten and drop
//! as the terminal narrows.

use ratatui::Frame;
use ratatui::layout::{Alignment, Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, HighlightSpacing, Paragraph, Row, Table, TableState};

use crate::schema::vbs::SHARING;
use crate::schema::{self, Column, Schema, Value, View, Width};
use crate::text::{human_gb, sanitize, thousands, truncate, width};
use crate::tui::app::App;
use crate::tui::layout::{Areas, WidthMemo};
use crate::tui::theme::StatusKind;

/// The selection marker.
pub const HIGHLIGHT: &str = "▶ ";
/// A column as shown: one of the schema's, in full or in its short form.
#[derive(Debug)]
pub struct Col<R: 'static> {
    pub column: &'static Column<R>,
    /// Its short form (a cut ID, a date without its time).
    pub short: bool,
}

impl<R> Clone for Col<R> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<R> Copy for Col<R> {}

impl<R> PartialEq for Col<R> {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.column, other.column) && self.short == other.short
    }
}

/// The column sets from widest to narrowest, one per narrowing step the schema declares;
/// the first that fits wins.
fn layouts<R>(schema: &'static Schema<R>) -> impl Iterator<Item = Vec<Col<R>>> {
    schema::steps(schema.columns).map(move |step| {
        schema
            .columns
            .iter()
            .filter_map(|column| column.at_step(step).map(|short| Col { column, short }))
            .collect()
    })
}

impl<R> Col<R> {
    fn title(self, view: View) -> &'static str {
        match self.column.short {
            Some(short) if self.short => short.title.get(view),
            _ => self.column.title.get(view),
        }
    }

    fn width(self) -> Width {
        match self.column.short {
            Some(short) if self.short => short.width,
            _ => self.column.width,
        }
    }

    fn flexible(self) -> bool {
        matches!(self.width(), Width::Flex { .. })
    }

    /// The text of this column for one row (sanitized, not yet cut): the value, or what
    /// was sent marked as unparsed (`?ten`), or nothing; a status with its symbol, never
    /// a known status's symbol for one that could not be read.
    fn text(self, s: &R, view: View) -> String {
        let d = (self.column.cell)(s, view);
        let sent = || d.sent.map(|u| sanitize(&u.marked()).into_owned());
        let text = match d.value {
            Value::Status(v) => {
                return match d.sent.filter(|_| v.is_none()) {
                    Some(u) => {
                        format!("{} {}", StatusKind::Unknown.symbol(), sanitize(&u.marked()))
                    }
                    None => crate::tui::content::status_text(v.unwrap_or("")),
                };
            }
            Value::Text(v) | Value::Json(v) => v.map(|v| sanitize(v).into_owned()),
            Value::Project(v) => v.map(|v| sanitize(crate::schema::names::short(v)).into_owned()),
            Value::Time(t) => t.map(|t| {
                let full = t.display_utc();
                if self.short {
                    full[..10.min(full.len())].to_owned()
                } else {
                    full
                }
            }),
            Value::Gb(g) => g.map(human_gb),
            Value::Mb(m) => m.map(crate::api::cbr::model::size_text),
            Value::Count(n) => n.map(thousands),
            Value::Flag(b) => b.map(|b| b.to_string()),
            Value::Object => None,
        };
        text.or_else(sent).unwrap_or_default()
    }

    /// The width this column needs for these rows (a flexible column: its minimum).
    fn need(self, rows: &[R], view: View) -> usize {
        let title = width(self.title(view));
        let data = match self.width() {
            // Columns of fixed width never look at the data.
            Width::Fixed(w) => w,
            // Its minimum, or less when every cell is narrower (short names leave room
            // for the columns that would otherwise go first).
            Width::Flex { min, .. } if rows.is_empty() => return min,
            Width::Flex { min, .. } => {
                let data = rows
                    .iter()
                    .map(|s| width(&self.text(s, view)))
                    .max()
                    .unwrap_or(0);
                return data.max(title).min(min);
            }
            // Before any rows arrive, assume the usual widths so the header does not jump.
            Width::Fit { typical } if rows.is_empty() => typical,
            Width::Fit { .. } => rows
                .iter()
                .map(|s| width(&self.text(s, view)))
                .max()
                .unwrap_or(0),
        };
        data.max(title)
    }
}

/// The columns of VBS sharings and their widths for a table `cols` wide.
pub fn columns(
    cols: usize,
    rows: &[crate::api::model::Sharing],
    to_me: bool,
) -> Vec<(Col<crate::api::model::Sharing>, usize)> {
    columns_of(&SHARING, cols, rows, View { to_me }, None)
}

/// The columns of `schema` and their widths for a table `cols` wide (the highlight marker
/// excluded).
///
/// With `memo`, a column measured from the data is never narrower than on an earlier page
/// of the same query (`memo`'s key), so widths do not jump from page to page.
pub fn columns_of<R>(
    schema: &'static Schema<R>,
    cols: usize,
    rows: &[R],
    view: View,
    memo: Option<(&std::cell::RefCell<WidthMemo>, &str)>,
) -> Vec<(Col<R>, usize)> {
    // Each column is measured once, however many layouts are tried.
    let measured = std::cell::RefCell::new(Vec::<(Col<R>, usize)>::new());
    let need = |c: Col<R>| {
        if let Some((_, w)) = measured.borrow().iter().find(|(m, _)| *m == c) {
            return *w;
        }
        let mut w = c.need(rows, view);
        if let (Some((memo, key)), Width::Fit { .. } | Width::Flex { .. }) = (memo, c.width())
            && !rows.is_empty()
        {
            w = memo.borrow_mut().widen(key, (c.column.id, c.short), w);
        }
        measured.borrow_mut().push((c, w));
        w
    };
    let fit = |layout: &[Col<R>]| -> Option<Vec<(Col<R>, usize)>> {
        let mut widths: Vec<(Col<R>, usize)> = layout.iter().map(|c| (*c, need(*c))).collect();
        let spacing = layout.len().saturating_sub(1);
        let fixed: usize = widths
            .iter()
            .filter(|(c, _)| !c.flexible())
            .map(|(_, w)| w)
            .sum();
        let rest = cols.checked_sub(fixed + spacing)?;
        // Flexible columns are never narrower than their minimum while other columns can
        // still go; they share what is left over equally (the last takes the odd columns).
        let mins: usize = widths
            .iter()
            .filter(|(c, _)| c.flexible())
            .map(|(_, w)| w)
            .sum();
        let extra = rest.checked_sub(mins)?;
        let n = widths.iter().filter(|(c, _)| c.flexible()).count();
        let mut left = extra;
        let mut seen = 0;
        for (c, w) in &mut widths {
            if c.flexible() {
                seen += 1;
                let share = if seen == n { left } else { extra / n };
                left -= share;
                *w += share;
            }
        }
        Some(widths)
    };
    let mut narrowest = Vec::new();
    for layout in layouts(schema) {
        if let Some(widths) = fit(&layout) {
            return widths;
        }
        narrowest = layout;
    }
    // Narrower than every layout: the narrowest one's fixed columns take a third each and
    // the flexible one what is left.
    let third = cols / 3;
    let others = narrowest.iter().filter(|c| !c.flexible()).count();
    let spacing = narrowest.len().saturating_sub(1);
    let rest = cols.saturating_sub(others * third + spacing);
    narrowest
        .into_iter()
        .map(|c| (c, if c.flexible() { rest } else { third }))
        .collect()
}

/// Draws the VBS sharings on screen (or a message when there are none).
pub fn draw(frame: &mut Frame, areas: &Areas, app: &App) {
    let view = View {
        to_me: app.page_to_me(),
    };
    let rows = Rows {
        schema: &SHARING,
        rows: &app.page.rows,
        view,
        selected: app.selected,
        scroll: app.scroll,
        view_old: app.superseded(),
        query_key: app.page.query.as_ref().map_or_else(String::new, |q| {
            let mut q = q.clone();
            q.offset = None;
            format!("vbs {q:?}")
        }),
    };
    draw_rows(frame, areas, app, &rows, || empty_message(app));
}

/// What a table shows: rows of one kind, their schema, and the selection.
#[derive(Debug)]
pub struct Rows<'a, R: 'static> {
    pub schema: &'static Schema<R>,
    pub rows: &'a [R],
    pub view: View,
    pub selected: usize,
    pub scroll: usize,
    /// The rows answer a superseded query: drawn dimmed.
    pub view_old: bool,
    /// The query the rows answer, but for the page: columns keep their widths across its
    /// pages.
    pub query_key: String,
}

/// Draws any rows (or `empty()` when there are none).
pub fn draw_rows<R>(
    frame: &mut Frame,
    areas: &Areas,
    app: &App,
    r: &Rows<'_, R>,
    empty: impl FnOnce() -> String,
) {
    let area = areas.table;
    let t = &app.theme;
    let view = r.view;
    let marker = width(HIGHLIGHT);
    // One blank column at the right keeps the table off the detail pane's border.
    let cols = columns_of(
        r.schema,
        usize::from(area.width).saturating_sub(marker + 1),
        r.rows,
        view,
        Some((&app.table_widths, &r.query_key)),
    );
    let header = Row::new(
        cols.iter()
            .map(|(c, w)| Cell::from(truncate(c.title(view), *w).into_owned())),
    )
    .style(t.table_header);
    if r.rows.is_empty() {
        let text = empty();
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
    let top = if r.selected < r.scroll {
        r.selected
    } else if r.selected >= r.scroll + height {
        r.selected + 1 - height
    } else {
        r.scroll
    }
    .min(r.rows.len().saturating_sub(1));
    let window = &r.rows[top..(top + height).min(r.rows.len())];
    // Rows of a superseded query are drawn dimmed, every cell.
    let old = r.view_old;
    let rows = window.iter().map(|s| {
        Row::new(cols.iter().map(|(c, w)| {
            let text = c.text(s, view);
            let cut = truncate(&text, *w).into_owned();
            match (c.column.cell)(s, view).value {
                _ if old => Cell::from(Span::styled(cut, t.dim)),
                Value::Status(v) => {
                    Cell::from(Span::styled(cut, t.status(StatusKind::of(v.unwrap_or("")))))
                }
                _ if c.column.right => Cell::from(Line::from(cut).alignment(Alignment::Right)),
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
        .with_selected(Some(r.selected.saturating_sub(top)));
    frame.render_stateful_widget(table, area, &mut state);
}

fn empty_message(app: &App) -> String {
    let filters = app.page.filters(&app.query);
    if app.page.query.is_none() && app.loading {
        "Loading sharings…".to_owned()
    } else if app.page.query.is_none() && app.error.is_some() {
        "No sharings loaded: see the error below (r retries)".to_owned()
    } else if app.offset() > 0 {
        "No sharings on this page ([ goes back)".to_owned()
    } else if *filters
        == (crate::api::query::Filters {
            share_to_me: filters.share_to_me,
            ..Default::default()
        })
    {
        if filters.share_to_me {
            "No backups are shared with this project".to_owned()
        } else {
            "This project shares no backups".to_owned()
        }
    } else {
        "No sharings match these filters (x clears them)".to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The titles the browser has always shown, long and short, in both listings.
    const TITLES: [&str; 12] = [
        "Sharing ID",
        "Sharing",
        "Backup name",
        "Status",
        "Size",
        "To project",
        "From project",
        "To",
        "From",
        "AZ",
        "Created (UTC)",
        "Created",
    ];

    #[test]
    fn every_browser_title_is_in_the_schema() {
        let declared: Vec<&str> = SHARING
            .columns
            .iter()
            .flat_map(|c| {
                let mut t = vec![c.title.by_me, c.title.to_me];
                if let Some(s) = c.short {
                    t.extend([s.title.by_me, s.title.to_me]);
                }
                t
            })
            .collect();
        for title in TITLES {
            assert!(declared.contains(&title), "{title}");
        }
        for layout in layouts(&SHARING) {
            for c in layout {
                for to_me in [false, true] {
                    assert!(TITLES.contains(&c.title(View { to_me })));
                }
            }
        }
    }

    #[test]
    fn narrowing_steps_drop_the_az_and_the_time_before_names_shrink() {
        // Column ids, `*` for the short form (the name's: below 30 columns). The AZ and
        // the creation time go before a name may shrink below 30.
        let old: [&[&str]; 9] = [
            &["id", "name", "status", "size", "project", "az", "created"],
            &["id*", "name", "status", "size", "project", "az", "created"],
            &["id*", "name", "status", "size", "project*", "az", "created"],
            &["name", "status", "size", "project*", "az", "created"],
            &["name", "status", "size", "project*", "az", "created*"],
            &["name", "status", "size", "project*", "created*"],
            &["name*", "status", "size", "project*"],
            &["name*", "status", "size"],
            &["name*", "status"],
        ];
        let derived: Vec<Vec<String>> = layouts(&SHARING)
            .map(|l| {
                l.iter()
                    .map(|c| format!("{}{}", c.column.id, if c.short { "*" } else { "" }))
                    .collect()
            })
            .collect();
        assert_eq!(
            derived,
            old.map(|l| l.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>())
        );
    }
}
