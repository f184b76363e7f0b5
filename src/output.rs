//! Non-interactive renderers for the command line.
//!
//! Tables pass every server string through [`crate::text::sanitize`]; JSON output is the
//! server's text, byte for byte.

use std::io::{self, Write};

use crate::api::Sharing;
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

fn opt(s: Option<&str>) -> String {
    s.map_or_else(|| "—".to_owned(), |v| sanitize(v).into_owned())
}

fn ts(t: Option<&Timestamp>) -> String {
    t.map_or_else(|| "—".to_owned(), Timestamp::display_utc)
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
    [
        opt(s.id.as_deref()),
        crate::text::truncate(&opt(b.and_then(|b| b.name.as_deref())), MAX_NAME_COLS).into_owned(),
        opt(b.and_then(|b| b.status.as_deref())),
        b.and_then(|b| b.size)
            .map_or_else(|| "—".to_owned(), human_gb),
        opt(if share_to_me {
            s.from_project_id.as_deref()
        } else {
            s.to_project_id.as_deref()
        }),
        opt(b.and_then(|b| b.availability_zone.as_deref())),
        ts(s.created_at.as_ref()),
    ]
}

/// Every field of a sharing and its backup as `label  value` lines.
pub fn fields(s: &Sharing) -> Vec<(&'static str, String)> {
    let mut v = vec![
        ("id", opt(s.id.as_deref())),
        ("backup_id", opt(s.backup_id.as_deref())),
        ("from_project_id", opt(s.from_project_id.as_deref())),
        ("to_project_id", opt(s.to_project_id.as_deref())),
        ("created_at", ts(s.created_at.as_ref())),
        ("updated_at", ts(s.updated_at.as_ref())),
    ];
    if s.deleted.is_some() || s.deleted_at.is_some() {
        v.push((
            "deleted",
            s.deleted.map_or_else(|| "—".to_owned(), |d| d.to_string()),
        ));
        v.push(("deleted_at", ts(s.deleted_at.as_ref())));
    }
    let Some(b) = &s.backup else {
        v.push(("backup", "—".to_owned()));
        return v;
    };
    let num = |n: Option<u64>| n.map_or_else(|| "—".to_owned(), |n| n.to_string());
    let flag = |f: Option<bool>| f.map_or_else(|| "—".to_owned(), |f| f.to_string());
    v.extend([
        ("backup.id", opt(b.id.as_deref())),
        ("backup.name", opt(b.name.as_deref())),
        ("backup.status", opt(b.status.as_deref())),
        (
            "backup.size",
            b.size.map_or_else(
                || "—".to_owned(),
                |g| {
                    if g < 1024 {
                        human_gb(g)
                    } else {
                        format!("{} ({g} GB)", human_gb(g))
                    }
                },
            ),
        ),
        ("backup.volume_id", opt(b.volume_id.as_deref())),
        ("backup.snapshot_id", opt(b.snapshot_id.as_deref())),
        (
            "backup.availability_zone",
            opt(b.availability_zone.as_deref()),
        ),
        ("backup.container", opt(b.container.as_deref())),
        ("backup.description", opt(b.description.as_deref())),
        ("backup.fail_reason", opt(b.fail_reason.as_deref())),
        ("backup.created_at", ts(b.created_at.as_ref())),
        ("backup.updated_at", ts(b.updated_at.as_ref())),
        ("backup.data_timestamp", ts(b.data_timestamp.as_ref())),
        ("backup.object_count", num(b.object_count)),
        ("backup.is_incremental", flag(b.is_incremental)),
        (
            "backup.has_dependent_backups",
            flag(b.has_dependent_backups),
        ),
        (
            "backup.service_metadata",
            opt(b.service_metadata.as_deref()),
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
