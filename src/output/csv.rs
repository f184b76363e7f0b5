//! RFC 4180 CSV of sharings with the nested backup flattened (`backup.name`, …).
//!
//! CSV is data, not display: values are written exactly as the server sent them (names
//! with commas, quotes, newlines or escape characters round-trip), quoted when needed.

use std::io::{self, Write};

use crate::api::Sharing;
use crate::api::model::{Backup, BackupField as B, Field, SharingField as S};
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

/// Writes one sharing as a record; `null` is an empty field, and a field that could not
/// be read is written as sent (a string's content, else its JSON text: `""` is an empty
/// field, `"ten"` is `ten`, `{"a":1}` is `{"a":1}`).
pub fn write_row(out: &mut impl Write, s: &Sharing) -> io::Result<()> {
    let sent = |f: Field| {
        s.unparsed(f)
            .map(|u| u.text().into_owned())
            .unwrap_or_default()
    };
    let o = |f: Field, v: Option<&String>| v.cloned().unwrap_or_else(|| sent(f));
    let t = |f: Field, v: Option<&Timestamp>| v.map_or_else(|| sent(f), |t| t.raw.to_string());
    let n = |f: Field, v: Option<u64>| v.map_or_else(|| sent(f), |n| n.to_string());
    let fl = |f: Field, v: Option<bool>| v.map_or_else(|| sent(f), |b| b.to_string());
    let none = Backup::default();
    let b = s.backup.as_ref().unwrap_or(&none);
    write_record(
        out,
        [
            o(S::Id.into(), s.id.as_ref()),
            o(S::BackupId.into(), s.backup_id.as_ref()),
            o(S::FromProjectId.into(), s.from_project_id.as_ref()),
            o(S::ToProjectId.into(), s.to_project_id.as_ref()),
            t(S::CreatedAt.into(), s.created_at.as_ref()),
            t(S::UpdatedAt.into(), s.updated_at.as_ref()),
            o(B::Id.into(), b.id.as_ref()),
            o(B::Name.into(), b.name.as_ref()),
            o(B::Status.into(), b.status.as_ref()),
            n(B::Size.into(), b.size),
            o(B::VolumeId.into(), b.volume_id.as_ref()),
            o(B::SnapshotId.into(), b.snapshot_id.as_ref()),
            o(B::AvailabilityZone.into(), b.availability_zone.as_ref()),
            o(B::Container.into(), b.container.as_ref()),
            o(B::Description.into(), b.description.as_ref()),
            o(B::FailReason.into(), b.fail_reason.as_ref()),
            t(B::CreatedAt.into(), b.created_at.as_ref()),
            t(B::UpdatedAt.into(), b.updated_at.as_ref()),
            t(B::DataTimestamp.into(), b.data_timestamp.as_ref()),
            n(B::ObjectCount.into(), b.object_count),
            fl(B::IsIncremental.into(), b.is_incremental),
            fl(B::HasDependentBackups.into(), b.has_dependent_backups),
            o(B::ServiceMetadata.into(), b.service_metadata.as_ref()),
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

    #[test]
    fn unparsed_fields_are_written_as_sent() {
        let rows = crate::api::model::parse_list(
            r#"{"shared":[{"id":"a","created_at":"","backup":{"size":"ten","object_count":"0","is_incremental":1,"name":{"x":[1, 2]},"data_timestamp":"yesterday"}}]}"#,
        )
        .unwrap();
        let mut out = Vec::new();
        write_header(&mut out).unwrap();
        write_row(&mut out, &rows[0]).unwrap();
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
