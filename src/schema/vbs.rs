//! The VBS sharing: a backup of one project made visible to another, with the backup
//! nested in it.

use crate::api::Sharing;
use crate::api::model::{Backup, BackupField as B, Field, SharingField as S};
use crate::api::query::SortKey;

use super::{
    Column, CsvField, Datum, DetailField, Missing, Schema, Section, Short, Title, Value, View,
    Width,
};

/// The VBS sharing.
pub static SHARING: Schema<Sharing> = Schema {
    name: "sharing",
    columns: COLUMNS,
    detail: DETAIL,
    csv: CSV,
};

fn datum<'a>(s: &'a Sharing, field: impl Into<Field>, value: Value<'a>) -> Datum<'a> {
    // What was sent only matters where there is no value.
    let sent = if value.is_some() {
        None
    } else {
        s.unparsed(field)
    };
    Datum { value, sent }
}

fn backup(s: &Sharing) -> Option<&Backup> {
    s.backup.as_ref()
}

/// Text, status or JSON text of the backup.
macro_rules! backup_text {
    ($kind:ident, $field:ident, $f:ident) => {
        |s| {
            datum(
                s,
                B::$f,
                Value::$kind(backup(s).and_then(|b| b.$field.as_deref())),
            )
        }
    };
}

macro_rules! backup_time {
    ($field:ident, $f:ident) => {
        |s| {
            datum(
                s,
                B::$f,
                Value::Time(backup(s).and_then(|b| b.$field.as_ref())),
            )
        }
    };
}

macro_rules! backup_copy {
    ($kind:ident, $field:ident, $f:ident) => {
        |s| datum(s, B::$f, Value::$kind(backup(s).and_then(|b| b.$field)))
    };
}

macro_rules! sharing_text {
    ($field:ident, $f:ident) => {
        |s| datum(s, S::$f, Value::Text(s.$field.as_deref()))
    };
}

macro_rules! sharing_time {
    ($field:ident, $f:ident) => {
        |s| datum(s, S::$f, Value::Time(s.$field.as_ref()))
    };
}

/// The project on the other side: the recipient when shared by me, the sharer when
/// shared with me.
fn other_project(s: &Sharing, view: View) -> Datum<'_> {
    if view.to_me {
        datum(
            s,
            S::FromProjectId,
            Value::Text(s.from_project_id.as_deref()),
        )
    } else {
        datum(s, S::ToProjectId, Value::Text(s.to_project_id.as_deref()))
    }
}

/// Columns a cut ID keeps, `…` included.
const SHORT_ID: Width = Width::Fixed(9);

static COLUMNS: &[Column<Sharing>] = &[
    Column {
        id: "id",
        title: Title::same("Sharing ID"),
        width: Width::Fit { typical: 36 },
        stream_width: 36,
        short: Some(Short {
            at: 1,
            title: Title::same("Sharing"),
            width: SHORT_ID,
        }),
        drop_at: Some(3),
        right: false,
        sort: Some(SortKey::Id),
        cell: |s, _| datum(s, S::Id, Value::Text(s.id.as_deref())),
    },
    Column {
        id: "name",
        title: Title::same("Backup name"),
        width: Width::Flex { min: 16, max: 40 },
        stream_width: 32,
        short: None,
        drop_at: None,
        right: false,
        sort: Some(SortKey::Name),
        cell: |s, _| {
            datum(
                s,
                B::Name,
                Value::Text(backup(s).and_then(|b| b.name.as_deref())),
            )
        },
    },
    Column {
        id: "status",
        title: Title::same("Status"),
        width: Width::Fit { typical: 11 },
        stream_width: 15,
        short: None,
        drop_at: None,
        right: false,
        sort: Some(SortKey::Status),
        cell: |s, _| {
            datum(
                s,
                B::Status,
                Value::Status(backup(s).and_then(|b| b.status.as_deref())),
            )
        },
    },
    Column {
        id: "size",
        title: Title::same("Size"),
        width: Width::Fit { typical: 6 },
        stream_width: 8,
        short: None,
        drop_at: Some(8),
        right: true,
        sort: Some(SortKey::Size),
        cell: |s, _| datum(s, B::Size, Value::Gb(backup(s).and_then(|b| b.size))),
    },
    Column {
        id: "project",
        title: Title {
            by_me: "To project",
            to_me: "From project",
        },
        width: Width::Fit { typical: 32 },
        stream_width: 32,
        short: Some(Short {
            at: 2,
            title: Title {
                by_me: "To",
                to_me: "From",
            },
            width: SHORT_ID,
        }),
        drop_at: Some(7),
        right: false,
        sort: None,
        cell: other_project,
    },
    Column {
        id: "az",
        title: Title::same("AZ"),
        width: Width::Fit { typical: 8 },
        stream_width: 16,
        short: None,
        drop_at: Some(5),
        right: false,
        sort: None,
        cell: |s, _| {
            datum(
                s,
                B::AvailabilityZone,
                Value::Text(backup(s).and_then(|b| b.availability_zone.as_deref())),
            )
        },
    },
    Column {
        id: "created",
        title: Title::same("Created (UTC)"),
        width: Width::Fixed(19),
        stream_width: 19,
        short: Some(Short {
            at: 4,
            title: Title::same("Created"),
            width: Width::Fixed(10),
        }),
        drop_at: Some(6),
        right: false,
        sort: Some(SortKey::CreatedAt),
        cell: |s, _| datum(s, S::CreatedAt, Value::Time(s.created_at.as_ref())),
    },
];

const fn field(
    label: &'static str,
    value: for<'a> fn(&'a Sharing) -> Datum<'a>,
) -> DetailField<Sharing> {
    DetailField {
        label,
        value,
        compact_if: None,
    }
}

/// Whether the rarely sent deletion fields were sent.
fn deletion_sent(s: &Sharing) -> bool {
    s.deleted.is_some()
        || s.deleted_at.is_some()
        || s.unparsed(S::Deleted).is_some()
        || s.unparsed(S::DeletedAt).is_some()
}

static DETAIL: &[Section<Sharing>] = &[
    Section {
        title: "Sharing",
        prefix: "",
        fields: &[
            field("id", sharing_text!(id, Id)),
            field("backup_id", sharing_text!(backup_id, BackupId)),
            field(
                "from_project_id",
                sharing_text!(from_project_id, FromProjectId),
            ),
            field("to_project_id", sharing_text!(to_project_id, ToProjectId)),
            field("created_at", sharing_time!(created_at, CreatedAt)),
            field("updated_at", sharing_time!(updated_at, UpdatedAt)),
            DetailField {
                label: "deleted",
                value: |s| datum(s, S::Deleted, Value::Flag(s.deleted)),
                compact_if: Some(deletion_sent),
            },
            DetailField {
                label: "deleted_at",
                value: sharing_time!(deleted_at, DeletedAt),
                compact_if: Some(deletion_sent),
            },
        ],
        missing: None,
    },
    Section {
        title: "Backup",
        prefix: "backup.",
        fields: &[
            field("backup.id", backup_text!(Text, id, Id)),
            field("backup.name", backup_text!(Text, name, Name)),
            field("backup.status", backup_text!(Status, status, Status)),
            field("backup.size", backup_copy!(Gb, size, Size)),
            field("backup.volume_id", backup_text!(Text, volume_id, VolumeId)),
            field(
                "backup.snapshot_id",
                backup_text!(Text, snapshot_id, SnapshotId),
            ),
            field(
                "backup.availability_zone",
                backup_text!(Text, availability_zone, AvailabilityZone),
            ),
            field("backup.container", backup_text!(Text, container, Container)),
            field(
                "backup.description",
                backup_text!(Json, description, Description),
            ),
            field(
                "backup.fail_reason",
                backup_text!(Text, fail_reason, FailReason),
            ),
            field("backup.created_at", backup_time!(created_at, CreatedAt)),
            field("backup.updated_at", backup_time!(updated_at, UpdatedAt)),
            field(
                "backup.data_timestamp",
                backup_time!(data_timestamp, DataTimestamp),
            ),
            field(
                "backup.object_count",
                backup_copy!(Count, object_count, ObjectCount),
            ),
            field(
                "backup.is_incremental",
                backup_copy!(Flag, is_incremental, IsIncremental),
            ),
            field(
                "backup.has_dependent_backups",
                backup_copy!(Flag, has_dependent_backups, HasDependentBackups),
            ),
            field(
                "backup.service_metadata",
                backup_text!(Json, service_metadata, ServiceMetadata),
            ),
        ],
        missing: Some(Missing {
            present: |s| s.backup.is_some(),
            field: field("backup", |s| datum(s, S::Backup, Value::Object)),
        }),
    },
];

const fn csv(name: &'static str, value: for<'a> fn(&'a Sharing) -> Datum<'a>) -> CsvField<Sharing> {
    CsvField { name, value }
}

static CSV: &[CsvField<Sharing>] = &[
    csv("id", sharing_text!(id, Id)),
    csv("backup_id", sharing_text!(backup_id, BackupId)),
    csv(
        "from_project_id",
        sharing_text!(from_project_id, FromProjectId),
    ),
    csv("to_project_id", sharing_text!(to_project_id, ToProjectId)),
    csv("created_at", sharing_time!(created_at, CreatedAt)),
    csv("updated_at", sharing_time!(updated_at, UpdatedAt)),
    csv("backup.id", backup_text!(Text, id, Id)),
    csv("backup.name", backup_text!(Text, name, Name)),
    csv("backup.status", backup_text!(Status, status, Status)),
    csv("backup.size", backup_copy!(Gb, size, Size)),
    csv("backup.volume_id", backup_text!(Text, volume_id, VolumeId)),
    csv(
        "backup.snapshot_id",
        backup_text!(Text, snapshot_id, SnapshotId),
    ),
    csv(
        "backup.availability_zone",
        backup_text!(Text, availability_zone, AvailabilityZone),
    ),
    csv("backup.container", backup_text!(Text, container, Container)),
    csv(
        "backup.description",
        backup_text!(Json, description, Description),
    ),
    csv(
        "backup.fail_reason",
        backup_text!(Text, fail_reason, FailReason),
    ),
    csv("backup.created_at", backup_time!(created_at, CreatedAt)),
    csv("backup.updated_at", backup_time!(updated_at, UpdatedAt)),
    csv(
        "backup.data_timestamp",
        backup_time!(data_timestamp, DataTimestamp),
    ),
    csv(
        "backup.object_count",
        backup_copy!(Count, object_count, ObjectCount),
    ),
    csv(
        "backup.is_incremental",
        backup_copy!(Flag, is_incremental, IsIncremental),
    ),
    csv(
        "backup.has_dependent_backups",
        backup_copy!(Flag, has_dependent_backups, HasDependentBackups),
    ),
    csv(
        "backup.service_metadata",
        backup_text!(Json, service_metadata, ServiceMetadata),
    ),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_columns_are_the_old_list() {
        let names: Vec<&str> = SHARING.csv.iter().map(|f| f.name).collect();
        assert_eq!(
            names,
            [
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
            ]
        );
    }

    #[test]
    fn detail_labels_are_the_model_paths() {
        for section in SHARING.detail {
            for f in section.fields {
                let path = f.label;
                assert!(path.starts_with(section.prefix));
                let sharing = Sharing::default();
                // Every label names a field of the model (checked through the CSV, whose
                // names are the model's paths), except the rarely sent deletion fields.
                assert!(
                    SHARING.csv.iter().any(|c| c.name == path)
                        || ["deleted", "deleted_at"].contains(&f.label),
                    "{path}"
                );
                let _ = (f.value)(&sharing);
            }
        }
    }

    #[test]
    fn narrowing_steps_end_with_name_and_status() {
        let last = super::super::steps(SHARING.columns).last().unwrap();
        let shown: Vec<&str> = SHARING
            .columns
            .iter()
            .filter(|c| c.at_step(last).is_some())
            .map(|c| c.id)
            .collect();
        assert_eq!(shown, ["name", "status"]);
    }
}
