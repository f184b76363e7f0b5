//! RFC 4180 CSV of sharings with the nested backup flattened (`backup.name`, …).
//!
//! CSV is data, not display: values are written as the server sent them (names with
//! commas, quotes, newlines or escape characters round-trip), quoted when needed, with two
//! exceptions that depend on the [`Sink`]:
//!
//! - Formula guarding (unless `csv_raw`): a cell that starts with `=`, `+`, `-`, `@`, tab
//!   or carriage return gets a leading `'`, as OWASP recommends against CSV injection, so
//!   a spreadsheet shows another tenant's `=HYPERLINK(…)` as text instead of running it.
//!   Every such cell is guarded, numbers included: the numbers vbshare writes itself
//!   (sizes, counts) are unsigned and never start with one of these, and a server text
//!   that looks like `-5` is guarded like any other, as OWASP advises.
//! - On a terminal, cells are also [`sanitize`]d: escapes and invisible characters are
//!   shown as visible placeholders, as in the browser.

use std::borrow::Cow;
use std::io::{self, Write};

use crate::api::Sharing;
use crate::output::safe::Sink;
use crate::schema::Schema;
use crate::schema::vbs::SHARING;
use crate::text::sanitize;

/// The column names, in order: those of [`SHARING`]'s CSV fields (the length is checked
/// when compiling).
pub const COLUMNS: [&str; 23] = {
    let fields = SHARING.csv;
    assert!(
        fields.len() == 23,
        "COLUMNS must list every CSV field of the schema"
    );
    let mut out = [""; 23];
    let mut i = 0;
    while i < out.len() {
        out[i] = fields[i].name;
        i += 1;
    }
    out
};

/// Writes the header line.
pub fn write_header(out: &mut impl Write, sink: Sink) -> io::Result<()> {
    write_record(out, COLUMNS.iter().map(|c| (*c).to_owned()), sink)
}

/// Writes the header line of rows of any kind: its schema's CSV names.
pub fn write_header_of<R>(out: &mut impl Write, schema: &Schema<R>, sink: Sink) -> io::Result<()> {
    write_record(out, schema.csv.iter().map(|f| f.name.to_owned()), sink)
}

/// Writes one sharing as a record; `null` is an empty field, and a field that could not
/// be read is written as sent (a string's content, else its JSON text: `""` is an empty
/// field, `"ten"` is `ten`, `{"a":1}` is `{"a":1}`).
pub fn write_row(out: &mut impl Write, s: &Sharing, sink: Sink) -> io::Result<()> {
    write_row_of(out, &SHARING, s, sink)
}

/// Writes one row of any kind as a record, as [`write_row`].
pub fn write_row_of<R>(
    out: &mut impl Write,
    schema: &Schema<R>,
    row: &R,
    sink: Sink,
) -> io::Result<()> {
    write_record(
        out,
        schema.csv.iter().map(|f| f.text(row).into_owned()),
        sink,
    )
}

/// Writes a header and rows of any kind.
pub fn write_rows_of<R>(
    out: &mut impl Write,
    schema: &Schema<R>,
    rows: &[R],
    sink: Sink,
) -> io::Result<()> {
    write_header_of(out, schema, sink)?;
    rows.iter()
        .try_for_each(|r| write_row_of(out, schema, r, sink))
}

/// Whether a spreadsheet could read `cell` as a formula (OWASP's list of first characters).
fn is_formula(cell: &str) -> bool {
    cell.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// One cell as it is written for `sink`, before quoting.
fn cell_for(field: &str, sink: Sink) -> Cow<'_, str> {
    let shown = if sink.terminal {
        sanitize(field)
    } else {
        Cow::Borrowed(field)
    };
    if !sink.csv_raw && is_formula(&shown) {
        Cow::Owned(format!("'{shown}"))
    } else {
        shown
    }
}

fn write_record(
    out: &mut impl Write,
    fields: impl Iterator<Item = String>,
    sink: Sink,
) -> io::Result<()> {
    for (i, field) in fields.enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
        let field = cell_for(&field, sink);
        if field.contains([',', '"', '\n', '\r']) || field.starts_with(' ') || field.ends_with(' ')
        {
            out.write_all(b"\"")?;
            out.write_all(field.replace('"', "\"\"").as_bytes())?;
            out.write_all(b"\"")?;
        } else {
            out.write_all(field.as_bytes())?;
        }
    }
    out.write_all(b"\r\n")
}

/// Parses RFC 4180 text back into records (for tests and tools; quotes and CRLF handled).
pub fn parse(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                field.push('"');
            }
            (true, '"') => quoted = false,
            (false, '"') if field.is_empty() => quoted = true,
            (false, ',') => record.push(std::mem::take(&mut field)),
            (false, '\r') if chars.peek() == Some(&'\n') => {}
            (false, '\n') => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            (_, c) => field.push(c),
        }
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push(record);
    }
    records
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::model::Backup;

    #[test]
    fn hard_names_round_trip() {
        let names = [
            "plain",
            "comma, inside",
            "quote \" inside",
            "new\nline",
            "crlf\r\nline",
            "数据库备份 🚀",
            " leading space",
            "",
            "esc\u{1b}[31m",
        ];
        let mut out = Vec::new();
        write_header(&mut out, Sink::file()).unwrap();
        for name in names {
            let s = Sharing {
                id: Some(format!("id-{name}")),
                backup: Some(Backup {
                    name: Some(name.to_owned()),
                    size: Some(3),
                    ..Backup::default()
                }),
                ..Sharing::default()
            };
            write_row(&mut out, &s, Sink::file()).unwrap();
        }
        let text = String::from_utf8(out).unwrap();
        let records = parse(&text);
        assert_eq!(records.len(), names.len() + 1);
        assert_eq!(records[0], COLUMNS);
        let name_col = COLUMNS.iter().position(|c| *c == "backup.name").unwrap();
        for (r, name) in records[1..].iter().zip(names) {
            assert_eq!(r.len(), COLUMNS.len());
            assert_eq!(r[name_col], name);
            assert_eq!(r[9], "3");
            assert_eq!(r[1], "", "null is an empty field");
        }
    }

    fn named(name: &str) -> Sharing {
        Sharing {
            id: Some("e842bf23-1e05-4c2c-b0f9-25222f4686da".into()),
            backup: Some(Backup {
                name: Some(name.to_owned()),
                size: Some(10),
                ..Backup::default()
            }),
            ..Sharing::default()
        }
    }

    /// The CSV of one row per name for `sink`, and the parsed name column.
    fn names_csv(names: &[&str], sink: Sink) -> (String, Vec<String>) {
        let mut out = Vec::new();
        write_header(&mut out, sink).unwrap();
        for name in names {
            write_row(&mut out, &named(name), sink).unwrap();
        }
        let text = String::from_utf8(out).unwrap();
        let col = COLUMNS.iter().position(|c| *c == "backup.name").unwrap();
        let parsed = parse(&text)[1..].iter().map(|r| r[col].clone()).collect();
        (text, parsed)
    }

    const FORMULAS: [&str; 7] = [
        "=cmd|' /C calc'!A0",
        "+1+1",
        "-5",
        "@SUM(A1:A9)",
        "\t=1+1",
        "\r=1+1",
        "=HYPERLINK(\"http://x\",\"y\")",
    ];

    #[test]
    fn a_file_keeps_escapes_but_guards_formulas() {
        let mut names = FORMULAS.to_vec();
        names.extend([
            "osc52\u{1b}]52;c;cHduZWQ=\u{7}",
            "zero\u{200b}width",
            "a-b=c",
        ]);
        let sink = Sink::file();
        let (text, parsed) = names_csv(&names, sink);
        for (got, name) in parsed.iter().zip(&FORMULAS) {
            assert_eq!(*got, format!("'{name}"));
        }
        // Everything else is the server's text, escape bytes included.
        assert_eq!(parsed[7], "osc52\u{1b}]52;c;cHduZWQ=\u{7}");
        assert_eq!(parsed[8], "zero\u{200b}width");
        assert_eq!(parsed[9], "a-b=c");
        assert!(text.contains("\u{1b}]52;"));
        // Our own columns are untouched.
        assert!(text.starts_with("id,backup_id,"));
        assert!(text.contains(",10,"));
    }

    #[test]
    fn a_terminal_sees_escapes_and_invisible_characters_as_placeholders() {
        let sink = Sink {
            terminal: true,
            csv_raw: false,
        };
        let names = [
            "osc52\u{1b}]52;c;cHduZWQ=\u{7}",
            "zero\u{200b}width\u{feff}",
            "two\nlines",
            "=cmd|' /C calc'!A0",
            "\t=1+1",
        ];
        let (text, parsed) = names_csv(&names, sink);
        assert!(
            !text
                .chars()
                .any(|c| crate::text::is_unsafe(c) && c != '\r' && c != '\n')
        );
        assert_eq!(
            text.matches("\r\n").count(),
            names.len() + 1,
            "one line per row"
        );
        assert_eq!(parsed[0], "osc52\\x1b]52;c;cHduZWQ=\\x07");
        assert_eq!(parsed[1], "zero\\u{200b}width\\u{feff}");
        assert_eq!(parsed[2], "two\\nlines");
        assert_eq!(parsed[3], "'=cmd|' /C calc'!A0");
        // Shown as `\t=1+1`, which no spreadsheet reads as a formula.
        assert_eq!(parsed[4], "\\t=1+1");
    }

    #[test]
    fn csv_raw_writes_formulas_as_they_are() {
        let raw = Sink {
            terminal: false,
            csv_raw: true,
        };
        let (_, parsed) = names_csv(&FORMULAS, raw);
        assert_eq!(parsed, FORMULAS);
        let raw_tty = Sink {
            terminal: true,
            ..raw
        };
        let (text, parsed) = names_csv(&["=1+1", "-5", "esc\u{1b}[2J"], raw_tty);
        assert_eq!(parsed, ["=1+1", "-5", "esc\\x1b[2J"]);
        assert!(!text.contains('\u{1b}'));
    }

    #[test]
    fn unparsed_fields_are_written_as_sent() {
        let rows = crate::api::model::parse_list(
            r#"{"shared":[{"id":"a","created_at":"","backup":{"size":"ten","object_count":"0","is_incremental":1,"name":{"x":[1, 2]},"data_timestamp":"yesterday"}}]}"#,
        )
        .unwrap();
        let mut out = Vec::new();
        write_header(&mut out, Sink::default()).unwrap();
        write_row(&mut out, &rows[0], Sink::default()).unwrap();
        let records = parse(&String::from_utf8(out).unwrap());
        let cell = |name: &str| {
            let i = COLUMNS.iter().position(|c| *c == name).unwrap();
            records[1][i].clone()
        };
        assert_eq!(cell("id"), "a");
        assert_eq!(cell("created_at"), "");
        assert_eq!(cell("backup.size"), "ten");
        assert_eq!(cell("backup.object_count"), "0");
        assert_eq!(cell("backup.is_incremental"), "1");
        assert_eq!(cell("backup.name"), r#"{"x":[1, 2]}"#);
        assert_eq!(cell("backup.data_timestamp"), "yesterday");
    }
}
