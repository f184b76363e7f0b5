//! Non-interactive renderers for the command line.
//!
//! Tables pass every server string through [`crate::text::sanitize`]; JSON output is the
//! server's text, byte for byte.

use std::io::{self, Write};

use crate::api::Sharing;
use crate::api::model::unparsed_fields;
use crate::api::time::Timestamp;
use crate::schema::vbs::SHARING;
use crate::schema::{Datum, Schema, Value, View, Width, names};
use crate::text::{human_gb, pad, sanitize, truncate, width};

pub mod csv;
pub mod safe;

/// A field's text in a table or the `get` listing: its value, else what was sent marked
/// as unparsed (`?ten`), else a dash. `detail` shows large sizes in GB as well.
fn shown(d: Datum<'_>, detail: bool) -> String {
    let text = match d.value {
        Value::Text(v) | Value::Json(v) | Value::Status(v) => v.map(|v| sanitize(v).into_owned()),
        Value::Project(v) if detail => v.map(|v| sanitize(&names::long(v)).into_owned()),
        Value::Project(v) => v.map(|v| sanitize(names::short(v)).into_owned()),
        Value::Time(t) => t.map(Timestamp::display_utc),
        Value::Gb(g) => g.map(|g| {
            if detail && g >= 1024 {
                format!("{} ({g} GB)", human_gb(g))
            } else {
                human_gb(g)
            }
        }),
        Value::Mb(m) => m.map(crate::api::cbr::model::size_text),
        Value::Count(n) => n.map(|n| n.to_string()),
        Value::Flag(b) => b.map(|b| b.to_string()),
        Value::Object => None,
    };
    text.unwrap_or_else(|| match d.sent {
        Some(u) => sanitize(&u.marked()).into_owned(),
        None => "—".to_owned(),
    })
}

/// The note for stderr when some fields of `rows` could not be read, `None` when all were.
pub fn unparsed_note(rows: &[Sharing]) -> Option<String> {
    unparsed_note_for(unparsed_fields(rows) as u64)
}

/// The same note for a count of unreadable fields (for `list --all`, from
/// [`crate::export::Summary::unparsed_fields`]).
pub fn unparsed_note_for(fields: u64) -> Option<String> {
    let mark = crate::api::model::UNPARSED_MARK;
    (fields > 0).then(|| {
        let (n, verb) = if fields == 1 {
            ("1 field".to_owned(), "was")
        } else {
            (format!("{} fields", crate::text::thousands(fields)), "were")
        };
        format!(
            "note: {n} could not be read as documented and {verb} shown as {mark}… in tables; \
             -o json and -o csv keep them as sent"
        )
    })
}

/// The column headers of a table: the schema's titles in capitals.
fn headers<R>(schema: &Schema<R>, view: View) -> Vec<String> {
    schema
        .columns
        .iter()
        .map(|c| c.title.get(view).to_uppercase())
        .collect()
}

/// One row's cells; a flexible column is cut to its widest.
fn row_cells<R>(schema: &Schema<R>, row: &R, view: View) -> Vec<String> {
    schema
        .columns
        .iter()
        .map(|c| {
            let text = shown((c.cell)(row, view), false);
            match c.width {
                Width::Flex { max, .. } => truncate(&text, max).into_owned(),
                _ => text,
            }
        })
        .collect()
}

/// Writes sharings as aligned columns. `share_to_me` picks the "other project" column.
pub fn write_table(out: &mut impl Write, rows: &[Sharing], share_to_me: bool) -> io::Result<()> {
    write_table_of(out, &SHARING, rows, View { to_me: share_to_me })
}

/// Writes rows of any kind as aligned columns, as its schema declares them.
pub fn write_table_of<R>(
    out: &mut impl Write,
    schema: &Schema<R>,
    rows: &[R],
    view: View,
) -> io::Result<()> {
    let headers = headers(schema, view);
    let cells: Vec<Vec<String>> = rows.iter().map(|r| row_cells(schema, r, view)).collect();
    let mut widths: Vec<usize> = headers.iter().map(|h| width(h)).collect();
    for row in &cells {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(width(c));
        }
    }
    let line = |cols: &[String]| -> String {
        let mut l = String::new();
        for (i, ((c, w), col)) in cols.iter().zip(&widths).zip(schema.columns).enumerate() {
            if i > 0 {
                l.push_str("  ");
            }
            if col.right {
                l.push_str(&" ".repeat(w.saturating_sub(width(c))));
                l.push_str(c);
            } else if i == cols.len() - 1 {
                l.push_str(c);
            } else {
                l.push_str(&pad(c, *w));
            }
        }
        l
    };
    writeln!(out, "{}", line(&headers))?;
    for row in &cells {
        writeln!(out, "{}", line(row))?;
    }
    Ok(())
}

/// A line of a streamed table (`list --all -o table`), where rows arrive page by page and
/// cannot be measured first: each column at its declared stream width.
fn fixed_line<R>(out: &mut impl Write, schema: &Schema<R>, cols: &[String]) -> io::Result<()> {
    let mut l = String::new();
    for (i, (c, col)) in cols.iter().zip(schema.columns).enumerate() {
        if i > 0 {
            l.push_str("  ");
        }
        if i == cols.len() - 1 {
            l.push_str(c);
        } else {
            l.push_str(&pad(c, col.stream_width));
        }
    }
    writeln!(out, "{}", l.trim_end())
}

/// The header of a streamed table.
pub fn write_fixed_header(out: &mut impl Write, share_to_me: bool) -> io::Result<()> {
    write_fixed_header_of(out, &SHARING, View { to_me: share_to_me })
}

/// The header of a streamed table of rows of any kind.
pub fn write_fixed_header_of<R>(
    out: &mut impl Write,
    schema: &Schema<R>,
    view: View,
) -> io::Result<()> {
    fixed_line(out, schema, &headers(schema, view))
}

/// One row of a streamed table.
pub fn write_fixed_row(out: &mut impl Write, s: &Sharing, share_to_me: bool) -> io::Result<()> {
    write_fixed_row_of(out, &SHARING, s, View { to_me: share_to_me })
}

/// One row of any kind in a streamed table.
pub fn write_fixed_row_of<R>(
    out: &mut impl Write,
    schema: &Schema<R>,
    row: &R,
    view: View,
) -> io::Result<()> {
    fixed_line(out, schema, &row_cells(schema, row, view))
}

/// Every field of a sharing and its backup as `label  value` lines, labels prefixed by
/// their section (`backup.size`); fields rarely sent only when they were.
pub fn fields(s: &Sharing) -> Vec<(&'static str, String)> {
    fields_of(&SHARING, s)
}

/// Every field of a row of any kind, as [`fields`].
pub fn fields_of<R>(schema: &Schema<R>, row: &R) -> Vec<(&'static str, String)> {
    schema
        .detail
        .iter()
        .flat_map(|section| section.shown(row))
        .filter(|f| f.compact_if.is_none_or(|show| show(row)))
        .map(|f| (f.label, shown((f.value)(row), true)))
        .collect()
}

/// Writes one sharing as aligned `label  value` lines.
pub fn write_detail(out: &mut impl Write, s: &Sharing) -> io::Result<()> {
    write_detail_of(out, &SHARING, s)
}

/// Writes one row of any kind as aligned `label  value` lines.
pub fn write_detail_of<R>(out: &mut impl Write, schema: &Schema<R>, row: &R) -> io::Result<()> {
    let f = fields_of(schema, row);
    let w = f.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    for (k, v) in f {
        writeln!(out, "{k:<w$}  {v}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::model::parse_list;

    fn sample() -> Vec<Sharing> {
        let body = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/doc_list_response.json"
        ))
        .unwrap();
        parse_list(&body).unwrap()
    }

    fn table(rows: &[Sharing], to_me: bool) -> String {
        let mut buf = Vec::new();
        write_table(&mut buf, rows, to_me).unwrap();
        String::from_utf8(buf).unwrap()
    }

    #[test]
    fn table_has_header_and_aligned_rows() {
        let t = table(&sample(), false);
        let lines: Vec<&str> = t.lines().collect();
        assert_eq!(lines.len(), 3);
        assert!(lines[0].starts_with("SHARING ID") && lines[0].contains("TO PROJECT"));
        assert!(lines[1].starts_with("e842bf23-1e05-4c2c-b0f9-25222f4686da  lbf"));
        assert!(lines[1].contains("722513ed0a324dadaabe5b2d0fe848b9"));
        assert!(lines[1].ends_with("2017-08-10 12:25:40"));
        let col = lines[0].find("STATUS").unwrap();
        assert_eq!(&lines[1][col..col + 9], "available");
        assert!(table(&sample(), true).contains("FROM PROJECT"));
    }

    #[test]
    fn hostile_and_wide_names_stay_in_their_column() {
        let mut rows = sample();
        rows[0].backup.as_mut().unwrap().name = Some("数据库🚀\u{1b}]0;pwned\u{7}".into());
        let t = table(&rows, false);
        assert!(!t.contains('\u{1b}') && !t.contains('\u{7}'));
        assert!(t.contains("数据库🚀\\x1b]0;pwned\\x07"));
        let lines: Vec<&str> = t.lines().collect();
        let status_col = |l: &str| width(&l[..l.find("available").unwrap()]);
        assert_eq!(status_col(lines[1]), status_col(lines[2]));
    }

    #[test]
    fn invisible_characters_are_shown_in_tables_and_details() {
        let mut rows = sample();
        rows[0].id = Some("e842bf23\u{200b}-1e05".into());
        rows[1].backup.as_mut().unwrap().name = Some("\u{feff}lbf\u{2060}".into());
        let t = table(&rows, false);
        assert!(!t.contains(['\u{200b}', '\u{feff}', '\u{2060}']), "{t}");
        assert!(t.contains("e842bf23\\u{200b}-1e05"), "{t}");
        assert!(t.contains("\\u{feff}lbf\\u{2060}"), "{t}");
        let mut buf = Vec::new();
        write_detail(&mut buf, &rows[0]).unwrap();
        let text = String::from_utf8(buf).unwrap();
        assert!(text.starts_with("id  "), "{text}");
        assert!(
            text.lines()
                .next()
                .unwrap()
                .ends_with(" e842bf23\\u{200b}-1e05"),
            "{text}"
        );
    }

    #[test]
    fn unparsed_fields_show_as_sent_and_marked() {
        let rows = parse_list(
            r#"{"shared":[{"id":"a","created_at":"","to_project_id":7,"backup":{"name":"n","size":"ten","status":{"s":1},"is_incremental":"yes"}},{"id":"b","backup":{"size":"10"}}]}"#,
        )
        .unwrap();
        let t = table(&rows, false);
        let lines: Vec<&str> = t.lines().collect();
        let col = |name: &str| lines[0].find(name).unwrap();
        assert_eq!(&lines[1][col("STATUS")..col("STATUS") + 8], r#"?{"s":1}"#);
        assert!(lines[1].contains("?ten  7"), "{t}");
        assert!(lines[1].ends_with(r#"?"""#), "{t}");
        // A number sent as a string is a number, so nothing is marked.
        assert!(lines[2].contains("10 GB") && !lines[2].contains('?'), "{t}");
        let f = fields(&rows[0]);
        let get = |k: &str| f.iter().find(|(key, _)| *key == k).unwrap().1.as_str();
        assert_eq!(get("backup.size"), "?ten");
        assert_eq!(get("backup.is_incremental"), "?yes");
        assert_eq!(get("created_at"), r#"?"""#);
        assert_eq!(get("backup.updated_at"), "—");
        let mut streamed = Vec::new();
        write_fixed_row(&mut streamed, &rows[0], false).unwrap();
        assert!(String::from_utf8(streamed).unwrap().contains("?ten"));
        let gone = parse_list(r#"{"shared":[{"id":"c","backup":"gone"}]}"#).unwrap();
        assert_eq!(
            fields(&gone[0]).last().unwrap(),
            &("backup", "?gone".to_owned())
        );
    }

    #[test]
    fn unparsed_note_counts_fields_once() {
        let rows = parse_list(
            r#"{"shared":[{"created_at":"","backup":{"size":"ten"}},{"backup":{"size":"1"}}]}"#,
        )
        .unwrap();
        assert_eq!(unparsed_note(&rows[1..]), None);
        let note = unparsed_note(&rows).unwrap();
        assert!(
            note.starts_with("note: 2 fields could not be read"),
            "{note}"
        );
        assert!(note.contains("shown as ?… in tables"), "{note}");
        assert!(unparsed_note(&rows[..1]).unwrap().contains("2 fields"));
        assert!(
            unparsed_note_for(1)
                .unwrap()
                .starts_with("note: 1 field could not be read as documented and was shown")
        );
        let many = unparsed_note_for(1_234).unwrap();
        assert!(many.contains("1,234 fields could") && many.contains("and were shown"));
    }

    #[test]
    fn detail_shows_every_field_with_dashes_for_null() {
        let mut buf = Vec::new();
        write_detail(&mut buf, &sample()[1]).unwrap();
        let text = String::from_utf8(buf).unwrap();
        assert!(
            text.contains(&format!("\nupdated_at{}—\n", " ".repeat(20))),
            "{text}"
        );
        assert!(
            text.contains(&format!("\nbackup.size{}1 GB\n", " ".repeat(19))),
            "{text}"
        );
        assert!(text.contains("backup.fail_reason            Invalid InitiatorConnector"));
        assert_eq!(text.lines().count(), 6 + 17);
    }
}
