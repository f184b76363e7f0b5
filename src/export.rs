//! Every page of a query, streamed: `limit`/`offset` pages of 1,000 written as they arrive,
//! so memory stays flat however many sharings there are. Used by `list --all` and by the
//! browser's export.
//!
//! A set that changes while it is paged is detected, never silently accepted: rows already
//! written are skipped by ID when a shift brings them back, and the totals from `count`
//! before and after are compared with the rows written.
//!
//! A short page does not end the walk, since a gateway may cap `limit` below what was
//! asked: the next offset is the previous one plus the rows the server actually returned,
//! and the walk ends when the rows written reach the count (when `count` answered at the
//! start), on an empty page, or after [`STALL_PAGES`] pages in a row that brought no new
//! row (a server that ignores `offset`), which [`Summary::consistency_warning`] reports.
//!
//! Over a real network the round trip, not the parse, bounds a walk: the count and the
//! first page are asked for together, and the pages after it up to the client's
//! concurrency at a time, written strictly in order ([`pages`]).

use std::collections::HashSet;
use std::io::{self, Write};

use crate::api::{ApiError, Client, Filters, ListQuery, Sharing, SortDir, SortKey};
use crate::output::csv;
use crate::output::safe::{Sink, json_for_terminal};

pub mod pages;

use pages::{Page, Pages};

/// Rows per request when walking every page (the server's maximum).
pub const PAGE_SIZE: u32 = 1000;

/// Pages in a row without a new row after which a walk stops.
pub const STALL_PAGES: u64 = 3;

/// Formats for a full export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// One `{"shared":[…]}` document.
    Json,
    /// One sharing per line.
    Ndjson,
    /// A header, then one row per sharing with the backup flattened.
    Csv,
    /// Aligned columns of fixed width (for people; server text sanitised).
    Table { share_to_me: bool },
}

/// Where an export stands, reported after every page.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Progress {
    pub pages: u64,
    pub rows: u64,
    /// The total from `count` at the start, when it answered.
    pub total: Option<u64>,
}

/// What an export did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    pub rows: u64,
    pub pages: u64,
    /// Rows seen again after a shift and skipped.
    pub duplicates_skipped: u64,
    pub total_before: Option<u64>,
    pub total_after: Option<u64>,
    /// The offset where the walk gave up after [`STALL_PAGES`] pages without a new row.
    pub stalled_at: Option<u64>,
    /// Fields of the rows written that could not be read (written as sent).
    pub unparsed_fields: u64,
    /// Pages in flight at the end (lower than the client's concurrency after throttling).
    pub concurrency: u32,
    /// Pages answered 429 or 503 and asked for again.
    pub throttled: u64,
}

impl Summary {
    /// A note when the server throttled the walk (429 or 503): how many pages were asked
    /// for again and the concurrency it ended with, so a slow run is explained.
    pub fn throttle_note(&self, asked: u32) -> Option<String> {
        (self.throttled > 0).then(|| {
            format!(
                "note: the server throttled {} page request(s) (429/503); they were asked for \
                 again, with {} in flight instead of {asked} for the rest of the run",
                self.throttled, self.concurrency
            )
        })
    }

    /// A warning when the set changed while it was paged, `None` when it was stable.
    pub fn consistency_warning(&self) -> Option<String> {
        let changed_total = match (self.total_before, self.total_after) {
            (Some(a), Some(b)) => a != b,
            _ => false,
        };
        let short = self.total_after.is_some_and(|t| t != self.rows);
        if let Some(offset) = self.stalled_at {
            return Some(format!(
                "warning: stopped at offset {offset}: the server answered {STALL_PAGES} pages in \
                 a row with only rows already written ({} rows written, count {}); it may \
                 ignore offset — rows may be missing",
                self.rows,
                self.total_before
                    .map_or_else(|| "unknown".to_owned(), |n| n.to_string()),
            ));
        }
        if !(changed_total || short || self.duplicates_skipped > 0) {
            return None;
        }
        let fmt = |t: Option<u64>| t.map_or_else(|| "?".to_owned(), |n| n.to_string());
        Some(format!(
            "warning: the sharings changed while they were being read (count {} before, {} after; \
             {} rows written, {} repeated rows skipped); rows may be missing — run again for a \
             consistent copy",
            fmt(self.total_before),
            fmt(self.total_after),
            self.rows,
            self.duplicates_skipped
        ))
    }
}

/// Why an export stopped.
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error("cannot write the output")]
    Io(#[from] io::Error),
}

/// Walks every page of `filters` sorted by `sort`, writing each row to `out` (which is
/// `sink`) in order as it arrives, and calling `progress` after each page.
///
/// The count and the first page are asked for together; the pages after it are fetched
/// up to the client's [`Client::concurrency`] at a time (see [`pages`]).
pub async fn export_all<W: Write>(
    client: &Client,
    filters: &Filters,
    sort: (SortKey, SortDir),
    format: ExportFormat,
    sink: Sink,
    out: &mut W,
    mut progress: impl FnMut(Progress),
) -> Result<Summary, ExportError> {
    let query = ListQuery {
        filters: filters.clone(),
        sort_key: Some(sort.0),
        sort_dir: Some(sort.1),
        limit: Some(PAGE_SIZE),
        offset: Some(0),
    };
    let (total, first) = tokio::join!(client.count(filters), client.list(&query));
    let first = first?;
    let mut summary = Summary {
        total_before: total.ok(),
        concurrency: client.concurrency().max(1),
        ..Summary::default()
    };
    progress(Progress {
        pages: 0,
        rows: 0,
        total: summary.total_before,
    });
    let mut writer = RowWriter::new(format, sink);
    writer.begin(out)?;
    let mut pages = (!first.is_empty()).then(|| {
        let step = first.len() as u64;
        Pages::new(client, query, step, summary.total_before)
    });
    let mut page = Page {
        offset: 0,
        rows: first,
    };
    // IDs of the previous and current page: enough to catch rows that a shift brings back,
    // while memory stays bounded by two pages.
    let mut previous: HashSet<String> = HashSet::new();
    let mut fruitless: u64 = 0;
    while let Some(walk) = pages.as_mut().filter(|_| !page.rows.is_empty()) {
        let written = summary.rows;
        // The page's rows go as they are written, before the next page is parsed.
        let rows = std::mem::take(&mut page.rows);
        let end = page.offset + rows.len() as u64;
        let mut current = HashSet::with_capacity(rows.len());
        for s in rows {
            let id = s.id.clone().unwrap_or_default();
            // Every ID of this page is remembered, repeated ones too, so that a server
            // answering the same page again and again finds nothing new on any of them.
            let repeated = !id.is_empty() && {
                let before = previous.contains(&id);
                !current.insert(id) || before
            };
            if repeated {
                summary.duplicates_skipped += 1;
                continue;
            }
            writer.row(out, &s)?;
            summary.rows += 1;
            summary.unparsed_fields += s.unparsed_fields() as u64;
        }
        summary.pages += 1;
        previous = current;
        progress(Progress {
            pages: summary.pages,
            rows: summary.rows,
            total: summary.total_before,
        });
        if summary
            .total_before
            .is_some_and(|total| summary.rows >= total)
        {
            break;
        }
        fruitless = if summary.rows == written {
            fruitless + 1
        } else {
            0
        };
        if fruitless >= STALL_PAGES {
            // The server's page size, not ours: a gateway may cap `limit`.
            tracing::warn!(
                offset = end,
                pages = fruitless,
                "no new rows; export stopped"
            );
            summary.stalled_at = Some(end);
            break;
        }
        let next = walk.next().await;
        summary.concurrency = walk.concurrency();
        summary.throttled = walk.throttled();
        page = next?;
    }
    // Stop the pages still in flight before asking for the count again.
    drop(pages);
    writer.end(out)?;
    out.flush()?;
    summary.total_after = client.count(filters).await.ok();
    Ok(summary)
}

/// Writes rows in one format, tracking what the format needs between rows, made safe for
/// where they go (see [`crate::output::safe`]): JSON re-escaped and CSV sanitised on a
/// terminal, CSV formula-guarded unless `csv_raw`, tables always sanitised.
#[derive(Debug)]
pub struct RowWriter {
    format: ExportFormat,
    sink: Sink,
    first: bool,
}

impl RowWriter {
    pub fn new(format: ExportFormat, sink: Sink) -> Self {
        Self {
            format,
            sink,
            first: true,
        }
    }

    /// Writes what comes before the first row.
    pub fn begin(&mut self, out: &mut impl Write) -> io::Result<()> {
        match self.format {
            ExportFormat::Json => out.write_all(b"{\"shared\": ["),
            ExportFormat::Ndjson => Ok(()),
            ExportFormat::Csv => csv::write_header(out, self.sink),
            ExportFormat::Table { share_to_me } => {
                crate::output::write_fixed_header(out, share_to_me)
            }
        }
    }

    /// Writes one row.
    pub fn row(&mut self, out: &mut impl Write, s: &Sharing) -> io::Result<()> {
        let first = std::mem::replace(&mut self.first, false);
        match self.format {
            ExportFormat::Json => {
                if !first {
                    out.write_all(b",")?;
                }
                out.write_all(b"\n  ")?;
                self.write_json(out, s)
            }
            ExportFormat::Ndjson => {
                self.write_json(out, s)?;
                out.write_all(b"\n")
            }
            ExportFormat::Csv => csv::write_row(out, s, self.sink),
            ExportFormat::Table { share_to_me } => {
                crate::output::write_fixed_row(out, s, share_to_me)
            }
        }
    }

    /// One sharing's JSON on one line, re-escaped when it goes to a terminal.
    fn write_json(&self, out: &mut impl Write, s: &Sharing) -> io::Result<()> {
        let made;
        let json = if s.raw.is_empty() {
            made = s.to_json();
            &made
        } else {
            &*s.raw
        };
        let line = compact(json);
        if self.sink.terminal {
            out.write_all(json_for_terminal(&line).as_bytes())
        } else {
            out.write_all(line.as_bytes())
        }
    }

    /// Writes what comes after the last row.
    pub fn end(&mut self, out: &mut impl Write) -> io::Result<()> {
        match self.format {
            ExportFormat::Json => out.write_all(if self.first {
                b"]}\n" as &[u8]
            } else {
                b"\n]}\n"
            }),
            _ => Ok(()),
        }
    }
}

/// The server's JSON for one sharing on a single line: its exact text when it has no
/// newlines (the common case), else re-serialised without whitespace, order kept.
fn compact(json: &str) -> std::borrow::Cow<'_, str> {
    if json.contains('\n') {
        serde_json::from_str::<serde_json::Value>(json)
            .map(|v| std::borrow::Cow::Owned(v.to_string()))
            .unwrap_or(std::borrow::Cow::Borrowed(json))
    } else {
        std::borrow::Cow::Borrowed(json)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::model::parse_list;

    fn rows() -> Vec<Sharing> {
        let body = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/doc_list_response.json"
        ))
        .unwrap();
        parse_list(&body).unwrap()
    }

    fn write_all(format: ExportFormat, rows: &[Sharing]) -> String {
        write_to(format, Sink::file(), rows)
    }

    fn write_to(format: ExportFormat, sink: Sink, rows: &[Sharing]) -> String {
        let mut out = Vec::new();
        let mut w = RowWriter::new(format, sink);
        w.begin(&mut out).unwrap();
        for r in rows {
            w.row(&mut out, r).unwrap();
        }
        w.end(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn json_is_one_valid_document_even_when_empty() {
        let text = write_all(ExportFormat::Json, &rows());
        let v: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(v["shared"].as_array().unwrap().len(), 2);
        assert_eq!(v["shared"][1]["id"], "f842bf23-1e05-4c2c-b0f9-25222f4686da");
        let empty: serde_json::Value =
            serde_json::from_str(&write_all(ExportFormat::Json, &[])).unwrap();
        assert_eq!(empty["shared"].as_array().unwrap().len(), 0);
    }

    #[test]
    fn ndjson_is_one_sharing_per_line() {
        let text = write_all(ExportFormat::Ndjson, &rows());
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2);
        for l in lines {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            assert!(v["backup"]["name"].is_string());
        }
    }

    /// A page whose names hold what a terminal would act on: an escaped OSC (safe as
    /// text), and literal C1 controls, a bidi override and invisible characters.
    const HOSTILE: &str = "{\"shared\":[{\"id\":\"e842bf23\u{200b}\",\"backup\":{\"name\":\"evil\\u001b]0;x\\u0007\u{202e}txt\u{9d}52;c;eA==\u{9c}\u{feff}\u{9b}2J\"}},{\"id\":\"f842bf23\",\"backup\":{\"name\":\"plain\"}}]}";

    #[test]
    fn ndjson_to_a_file_is_the_servers_text() {
        let rows = parse_list(HOSTILE).unwrap();
        let text = write_all(ExportFormat::Ndjson, &rows);
        let expected: Vec<&str> = rows.iter().map(|r| &*r.raw).collect();
        assert_eq!(text, format!("{}\n", expected.join("\n")));
        assert!(text.contains('\u{202e}') && text.contains('\u{9d}'));
    }

    #[test]
    fn ndjson_to_a_terminal_is_safe_and_the_same_data() {
        let rows = parse_list(HOSTILE).unwrap();
        let sink = Sink {
            terminal: true,
            csv_raw: false,
        };
        let text = write_to(ExportFormat::Ndjson, sink, &rows);
        for bad in [
            '\u{1b}', '\u{7}', '\u{202e}', '\u{200b}', '\u{feff}', '\u{9b}', '\u{9d}',
        ] {
            assert!(!text.contains(bad), "{bad:?} in {text}");
        }
        assert!(text.contains("txt\\u009d52;c;eA==\\u009c"), "{text}");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 2);
        for (line, row) in lines.iter().zip(&rows) {
            let shown: serde_json::Value = serde_json::from_str(line).unwrap();
            let sent: serde_json::Value = serde_json::from_str(&row.raw).unwrap();
            assert_eq!(shown, sent);
        }
        // A clean row is still the server's text.
        assert_eq!(lines[1], &*rows[1].raw);
        let json = write_to(ExportFormat::Json, sink, &rows);
        assert!(!json.contains(['\u{202e}', '\u{200b}', '\u{9b}']), "{json}");
        let v: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(v["shared"][0]["id"], "e842bf23\u{200b}");
    }

    #[test]
    fn csv_rows_follow_the_sink() {
        let mut rows = parse_list(HOSTILE).unwrap();
        rows[1].backup.as_mut().unwrap().name = Some("=cmd|' /C calc'!A0".into());
        let file = write_all(ExportFormat::Csv, &rows);
        assert!(file.contains("'=cmd|' /C calc'!A0") && file.contains('\u{202e}'));
        let tty = write_to(
            ExportFormat::Csv,
            Sink {
                terminal: true,
                csv_raw: false,
            },
            &rows,
        );
        assert!(tty.contains("'=cmd|' /C calc'!A0") && tty.contains("\\x1b]0;x\\x07"));
        assert!(!tty.contains(['\u{1b}', '\u{202e}', '\u{9b}']), "{tty}");
    }

    #[test]
    fn a_throttled_walk_says_so() {
        let calm = Summary {
            concurrency: 4,
            ..Summary::default()
        };
        assert_eq!(calm.throttle_note(4), None);
        let throttled = Summary {
            concurrency: 2,
            throttled: 3,
            ..Summary::default()
        };
        assert_eq!(
            throttled.throttle_note(4).as_deref(),
            Some(
                "note: the server throttled 3 page request(s) (429/503); they were asked for \
                 again, with 2 in flight instead of 4 for the rest of the run"
            )
        );
    }

    #[test]
    fn consistency_warning_only_when_something_changed() {
        let stable = Summary {
            rows: 5,
            pages: 1,
            total_before: Some(5),
            total_after: Some(5),
            ..Summary::default()
        };
        assert_eq!(stable.consistency_warning(), None);
        let grew = Summary {
            total_after: Some(6),
            ..stable.clone()
        };
        assert!(
            grew.consistency_warning()
                .unwrap()
                .contains("5 before, 6 after")
        );
        let dup = Summary {
            duplicates_skipped: 1,
            ..stable
        };
        assert!(
            dup.consistency_warning()
                .unwrap()
                .contains("1 repeated rows skipped")
        );
    }
}
