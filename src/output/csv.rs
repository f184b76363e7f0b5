//! RFC 4180 CSV of sharings with the nested backup flattened (`backup.name`, …).
//!
//! CSV is data, not display: values are written exactly as the server sent them (names
//! with commas, quotes, newlines or escape characters round-trip), quoted when needed.

use std::io::{self, Write};

use crate::api::Sharing;
use crate::api::time::Timestamp;

/// The column names, in order.
pub const COLUMNS: [&str; 23] = [
    "id",
    "backup_id",
    "from_project_id",
    "to_project_id",
    "created_at",
    "updated_at",
    "backup.id",
    "backup.name",
    "backup.status",
    "backup.size",
    "backup.volume_id",
    "backup.snapshot_id",
    "backup.availability_zone",
    "backup.container",
    "backup.description",
    "backup.fail_reason",
    "backup.created_at",
    "backup.updated_at",
    "backup.data_timestamp",
    "backup.object_count",
    "backup.is_incremental",
    "backup.has_dependent_backups",
    "backup.service_metadata",
];

/// Writes the header line.
pub fn write_header(out: &mut impl Write) -> io::Result<()> {
    write_record(out, COLUMNS.iter().map(|c| (*c).to_owned()))
}

/// Writes one sharing as a record; `null` is an empty field.
pub fn write_row(out: &mut impl Write, s: &Sharing) -> io::Result<()> {
    let o = |v: Option<&String>| v.cloned().unwrap_or_default();
    let t = |v: Option<&Timestamp>| v.map(|t| t.raw.to_string()).unwrap_or_default();
    let n = |v: Option<u64>| v.map(|n| n.to_string()).unwrap_or_default();
    let f = |v: Option<bool>| v.map(|b| b.to_string()).unwrap_or_default();
    let b = s.backup.clone().unwrap_or_default();
    write_record(
        out,
        [
            o(s.id.as_ref()),
            o(s.backup_id.as_ref()),
            o(s.from_project_id.as_ref()),
            o(s.to_project_id.as_ref()),
            t(s.created_at.as_ref()),
            t(s.updated_at.as_ref()),
            o(b.id.as_ref()),
            o(b.name.as_ref()),
            o(b.status.as_ref()),
            n(b.size),
            o(b.volume_id.as_ref()),
            o(b.snapshot_id.as_ref()),
            o(b.availability_zone.as_ref()),
            o(b.container.as_ref()),
            o(b.description.as_ref()),
            o(b.fail_reason.as_ref()),
            t(b.created_at.as_ref()),
            t(b.updated_at.as_ref()),
            t(b.data_timestamp.as_ref()),
            n(b.object_count),
            f(b.is_incremental),
            f(b.has_dependent_backups),
            o(b.service_metadata.as_ref()),
        ]
        .into_iter(),
    )
}

fn write_record(out: &mut impl Write, fields: impl Iterator<Item = String>) -> io::Result<()> {
    for (i, field) in fields.enumerate() {
        if i > 0 {
            out.write_all(b",")?;
        }
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
    use crate::api::Backup;

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
        write_header(&mut out).unwrap();
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
            write_row(&mut out, &s).unwrap();
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
}
