//! Non-interactive renderers for the command line.
//!
//! Tables pass every server string through [`crate::text::sanitize`]; JSON output is the
//! server's text, byte for byte.

use std::io::{self, Write};

use crate::api::Sharing;
use crate::api::model::{BackupField as B, Field, SharingField as S, unparsed_fields};
use crate::api::time::Timestamp;
use crate::text::{human_gb, pad, sanitize, width};

pub mod csv;
pub mod safe;

/// Column headers of the list table.
const HEADERS: [&str; 7] = [
    "SHARING ID",
    "BACKUP NAME",
    "STATUS",
    "SIZE",
    "",
    "AZ",
    "CREATED (UTC)",
];

/// The longest backup name shown in a table cell.
const MAX_NAME_COLS: usize = 40;

/// A field's text: its value through `show`, else what was sent marked as unparsed
/// (`?ten`), else a dash.
fn shown<T>(
    s: &Sharing,
    field: impl Into<Field>,
    value: Option<T>,
    show: impl FnOnce(T) -> String,
) -> String {
    match (value, s.unparsed(field)) {
        (Some(v), _) => show(v),
        (None, Some(u)) => sanitize(&u.marked()).into_owned(),
        (None, None) => "—".to_owned(),
    }
}

fn opt(s: &Sharing, field: impl Into<Field>, v: Option<&String>) -> String {
    shown(s, field, v, |v| sanitize(v).into_owned())
}

fn ts(s: &Sharing, field: impl Into<Field>, t: Option<&Timestamp>) -> String {
    shown(s, field, t, Timestamp::display_utc)
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

/// Writes sharings as aligned columns. `share_to_me` picks the "other project" column.
pub fn write_table(out: &mut impl Write, rows: &[Sharing], share_to_me: bool) -> io::Result<()> {
    let other = if share_to_me {
        "FROM PROJECT"
    } else {
        "TO PROJECT"
    };
    let cells: Vec<[String; 7]> = rows.iter().map(|s| row_cells(s, share_to_me)).collect();
    let mut headers = HEADERS;
    headers[4] = other;
    let mut widths = headers.map(width);
    for row in &cells {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(width(c));
        }
    }
    let line = |cols: [&str; 7]| -> String {
        let mut l = String::new();
        for (i, (c, w)) in cols.iter().zip(widths).enumerate() {
            if i > 0 {
                l.push_str("  ");
            }
            if i == 3 {
                // Sizes read best right-aligned.
                l.push_str(&" ".repeat(w.saturating_sub(width(c))));
                l.push_str(c);
            } else if i == cols.len() - 1 {
                l.push_str(c);
            } else {
                l.push_str(&pad(c, w));
            }
        }
        l
    };
    writeln!(out, "{}", line(headers))?;
    for row in &cells {
        writeln!(out, "{}", line(row.each_ref().map(String::as_str)))?;
    }
    Ok(())
}

/// Fixed column widths for streamed tables (`list --all -o table`), where rows arrive page
/// by page and cannot be measured first.
const FIXED: [usize; 7] = [36, 32, 15, 8, 32, 16, 19];

fn fixed_line(out: &mut impl Write, cols: &[String; 7]) -> io::Result<()> {
    let mut l = String::new();
    for (i, (c, w)) in cols.iter().zip(FIXED).enumerate() {
        if i > 0 {
            l.push_str("  ");
        }
        if i == cols.len() - 1 {
            l.push_str(c);
        } else {
            l.push_str(&pad(c, w));
        }
    }
    writeln!(out, "{}", l.trim_end())
}

/// The header of a streamed table.
pub fn write_fixed_header(out: &mut impl Write, share_to_me: bool) -> io::Result<()> {
    let mut h = HEADERS.map(str::to_owned);
    (if share_to_me {
        "FROM PROJECT"
    } else {
        "TO PROJECT"
    })
    .clone_into(&mut h[4]);
    fixed_line(out, &h)
}

/// One row of a streamed table.
pub fn write_fixed_row(out: &mut impl Write, s: &Sharing, share_to_me: bool) -> io::Result<()> {
    fixed_line(out, &row_cells(s, share_to_me))
}

fn row_cells(s: &Sharing, share_to_me: bool) -> [String; 7] {
    let b = s.backup.as_ref();
    let (other, other_field) = if share_to_me {
        (s.from_project_id.as_ref(), S::FromProjectId)
    } else {
        (s.to_project_id.as_ref(), S::ToProjectId)
    };
    [
        opt(s, S::Id, s.id.as_ref()),
        crate::text::truncate(
            &opt(s, B::Name, b.and_then(|b| b.name.as_ref())),
            MAX_NAME_COLS,
        )
        .into_owned(),
        opt(s, B::Status, b.and_then(|b| b.status.as_ref())),
        shown(s, B::Size, b.and_then(|b| b.size), human_gb),
        opt(s, other_field, other),
        opt(
            s,
            B::AvailabilityZone,
            b.and_then(|b| b.availability_zone.as_ref()),
        ),
        ts(s, S::CreatedAt, s.created_at.as_ref()),
    ]
}

/// Every field of a sharing and its backup as `label  value` lines.
pub fn fields(s: &Sharing) -> Vec<(&'static str, String)> {
    let mut v = vec![
        ("id", opt(s, S::Id, s.id.as_ref())),
        ("backup_id", opt(s, S::BackupId, s.backup_id.as_ref())),
        (
            "from_project_id",
            opt(s, S::FromProjectId, s.from_project_id.as_ref()),
        ),
        (
            "to_project_id",
            opt(s, S::ToProjectId, s.to_project_id.as_ref()),
        ),
        ("created_at", ts(s, S::CreatedAt, s.created_at.as_ref())),
        ("updated_at", ts(s, S::UpdatedAt, s.updated_at.as_ref())),
    ];
    let sent = |f: S| s.unparsed(f).is_some();
    if s.deleted.is_some() || s.deleted_at.is_some() || sent(S::Deleted) || sent(S::DeletedAt) {
        v.push((
            "deleted",
            shown(s, S::Deleted, s.deleted, |d| d.to_string()),
        ));
        v.push(("deleted_at", ts(s, S::DeletedAt, s.deleted_at.as_ref())));
    }
    let Some(b) = &s.backup else {
        v.push((
            "backup",
            shown(s, S::Backup, None::<()>, |()| String::new()),
        ));
        return v;
    };
    let num = |f: B, n: Option<u64>| shown(s, f, n, |n| n.to_string());
    let flag = |f: B, x: Option<bool>| shown(s, f, x, |x| x.to_string());
    v.extend([
        ("backup.id", opt(s, B::Id, b.id.as_ref())),
        ("backup.name", opt(s, B::Name, b.name.as_ref())),
        ("backup.status", opt(s, B::Status, b.status.as_ref())),
        (
            "backup.size",
            shown(s, B::Size, b.size, |g| {
                if g < 1024 {
                    human_gb(g)
                } else {
                    format!("{} ({g} GB)", human_gb(g))
                }
            }),
        ),
        (
            "backup.volume_id",
            opt(s, B::VolumeId, b.volume_id.as_ref()),
        ),
        (
            "backup.snapshot_id",
            opt(s, B::SnapshotId, b.snapshot_id.as_ref()),
        ),
        (
            "backup.availability_zone",
            opt(s, B::AvailabilityZone, b.availability_zone.as_ref()),
        ),
        (
            "backup.container",
            opt(s, B::Container, b.container.as_ref()),
        ),
        (
            "backup.description",
            opt(s, B::Description, b.description.as_ref()),
        ),
        (
            "backup.fail_reason",
            opt(s, B::FailReason, b.fail_reason.as_ref()),
        ),
        (
            "backup.created_at",
            ts(s, B::CreatedAt, b.created_at.as_ref()),
        ),
        (
            "backup.updated_at",
            ts(s, B::UpdatedAt, b.updated_at.as_ref()),
        ),
        (
            "backup.data_timestamp",
            ts(s, B::DataTimestamp, b.data_timestamp.as_ref()),
        ),
        ("backup.object_count", num(B::ObjectCount, b.object_count)),
        (
            "backup.is_incremental",
            flag(B::IsIncremental, b.is_incremental),
        ),
        (
            "backup.has_dependent_backups",
            flag(B::HasDependentBackups, b.has_dependent_backups),
        ),
        (
            "backup.service_metadata",
            opt(s, B::ServiceMetadata, b.service_metadata.as_ref()),
        ),
    ]);
    v
}

/// Writes one sharing as aligned `label  value` lines.
pub fn write_detail(out: &mut impl Write, s: &Sharing) -> io::Result<()> {
    let f = fields(s);
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
