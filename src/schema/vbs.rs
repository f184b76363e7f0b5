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

/// A field of the sharing itself, by its name in the model.
macro_rules! sharing_field {
    ($name:ident, $f:ident, $kind:ident $(, $conv:ident)?) => {
        pub(super) fn $name(s: &Sharing) -> Datum<'_> {
            datum(s, S::$f, Value::$kind(s.$name $(.$conv())?))
        }
    };
}

/// A field of the sharing's backup, by its name in the model.
macro_rules! backup_field {
    ($name:ident, $f:ident, $kind:ident $(, $conv:ident)?) => {
        pub(super) fn $name(s: &Sharing) -> Datum<'_> {
            datum(
                s,
                B::$f,
                Value::$kind(super::backup(s).and_then(|b| b.$name $(.$conv())?)),
            )
        }
    };
}

/// Each field's value, declared once for the columns, the detail and the CSV.
mod sharing {
    use super::{Datum, S, Sharing, Value, datum};

    sharing_field!(id, Id, Text, as_deref);
    sharing_field!(backup_id, BackupId, Text, as_deref);
    sharing_field!(from_project_id, FromProjectId, Project, as_deref);
    sharing_field!(to_project_id, ToProjectId, Project, as_deref);
    sharing_field!(created_at, CreatedAt, Time, as_ref);
    sharing_field!(updated_at, UpdatedAt, Time, as_ref);
    sharing_field!(deleted, Deleted, Flag);
    sharing_field!(deleted_at, DeletedAt, Time, as_ref);

    /// The backup as a whole: only ever shown as sent or missing.
    pub(super) fn backup(s: &Sharing) -> Datum<'_> {
        datum(s, S::Backup, Value::Object)
    }
}

/// The backup's fields (see [`sharing`]).
mod backup {
    use super::{B, Datum, Sharing, Value, datum};

    backup_field!(id, Id, Text, as_deref);
    backup_field!(name, Name, Text, as_deref);
    backup_field!(status, Status, Status, as_deref);
    backup_field!(size, Size, Gb);
    backup_field!(volume_id, VolumeId, Text, as_deref);
    backup_field!(snapshot_id, SnapshotId, Text, as_deref);
    backup_field!(availability_zone, AvailabilityZone, Text, as_deref);
    backup_field!(container, Container, Text, as_deref);
    backup_field!(description, Description, Json, as_deref);
    backup_field!(fail_reason, FailReason, Text, as_deref);
    backup_field!(created_at, CreatedAt, Time, as_ref);
    backup_field!(updated_at, UpdatedAt, Time, as_ref);
    backup_field!(data_timestamp, DataTimestamp, Time, as_ref);
    backup_field!(object_count, ObjectCount, Count);
    backup_field!(is_incremental, IsIncremental, Flag);
    backup_field!(has_dependent_backups, HasDependentBackups, Flag);
    backup_field!(service_metadata, ServiceMetadata, Json, as_deref);
}

/// The project on the other side: the recipient when shared by me, the sharer when
/// shared with me.
fn other_project(s: &Sharing, view: View) -> Datum<'_> {
    if view.to_me {
        datum(
            s,
            S::FromProjectId,
            Value::Project(s.from_project_id.as_deref()),
        )
    } else {
        datum(
            s,
            S::ToProjectId,
            Value::Project(s.to_project_id.as_deref()),
        )
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
        cell: |s, _| sharing::id(s),
    },
    Column {
        id: "name",
        title: Title::same("Backup name"),
        // Names keep 30 columns while the AZ or the creation time can still go first.
        width: Width::Flex { min: 30, max: 40 },
        stream_width: 32,
        short: Some(Short {
            at: 6,
            title: Title::same("Backup name"),
            width: Width::Flex { min: 16, max: 40 },
        }),
        drop_at: None,
        right: false,
        sort: Some(SortKey::Name),
        cell: |s, _| backup::name(s),
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
        cell: |s, _| backup::status(s),
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
        cell: |s, _| backup::size(s),
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
        cell: |s, _| backup::availability_zone(s),
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
        cell: |s, _| sharing::created_at(s),
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
            field("id", sharing::id),
            field("backup_id", sharing::backup_id),
            field("from_project_id", sharing::from_project_id),
            field("to_project_id", sharing::to_project_id),
            field("created_at", sharing::created_at),
            field("updated_at", sharing::updated_at),
            DetailField {
                label: "deleted",
                value: sharing::deleted,
                compact_if: Some(deletion_sent),
            },
            DetailField {
                label: "deleted_at",
                value: sharing::deleted_at,
                compact_if: Some(deletion_sent),
            },
        ],
        missing: None,
    },
    Section {
        title: "Backup",
        prefix: "backup.",
        fields: &[
            field("backup.id", backup::id),
            field("backup.name", backup::name),
            field("backup.status", backup::status),
            field("backup.size", backup::size),
            field("backup.volume_id", backup::volume_id),
            field("backup.snapshot_id", backup::snapshot_id),
            field("backup.availability_zone", backup::availability_zone),
            field("backup.container", backup::container),
            field("backup.description", backup::description),
            field("backup.fail_reason", backup::fail_reason),
            field("backup.created_at", backup::created_at),
            field("backup.updated_at", backup::updated_at),
            field("backup.data_timestamp", backup::data_timestamp),
            field("backup.object_count", backup::object_count),
            field("backup.is_incremental", backup::is_incremental),
            field(
                "backup.has_dependent_backups",
                backup::has_dependent_backups,
            ),
            field("backup.service_metadata", backup::service_metadata),
        ],
        missing: Some(Missing {
            present: |s| s.backup.is_some(),
            field: field("backup", sharing::backup),
        }),
    },
];

const fn csv(name: &'static str, value: for<'a> fn(&'a Sharing) -> Datum<'a>) -> CsvField<Sharing> {
    CsvField { name, value }
}

static CSV: &[CsvField<Sharing>] = &[
    csv("id", sharing::id),
    csv("backup_id", sharing::backup_id),
    csv("from_project_id", sharing::from_project_id),
    csv("to_project_id", sharing::to_project_id),
    csv("created_at", sharing::created_at),
    csv("updated_at", sharing::updated_at),
    csv("backup.id", backup::id),
    csv("backup.name", backup::name),
    csv("backup.status", backup::status),
    csv("backup.size", backup::size),
    csv("backup.volume_id", backup::volume_id),
    csv("backup.snapshot_id", backup::snapshot_id),
    csv("backup.availability_zone", backup::availability_zone),
    csv("backup.container", backup::container),
    csv("backup.description", backup::description),
    csv("backup.fail_reason", backup::fail_reason),
    csv("backup.created_at", backup::created_at),
    csv("backup.updated_at", backup::updated_at),
    csv("backup.data_timestamp", backup::data_timestamp),
    csv("backup.object_count", backup::object_count),
    csv("backup.is_incremental", backup::is_incremental),
    csv(
        "backup.has_dependent_backups",
        backup::has_dependent_backups,
    ),
    csv("backup.service_metadata", backup::service_metadata),
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
