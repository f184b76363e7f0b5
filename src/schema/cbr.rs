//! CBR row kinds. Today the vault (for `vaults` and the accept picker); the shared backup
//! and the member follow the same pattern.

use crate::api::cbr::Vault;

use super::{Column, CsvField, Datum, DetailField, Schema, Section, Title, Value, View, Width};

/// A vault as listed: the vault, and for `vaults --fits` the verdict for one backup.
#[derive(Clone, Debug)]
pub struct VaultRow {
    pub vault: Vault,
    /// The object type it protects (`server`, `disk`, …), as text.
    pub kind: Option<String>,
    /// "fits (8 GB free after)", "too small: …", when asked about one backup.
    pub verdict: Option<String>,
}

impl VaultRow {
    pub fn new(vault: Vault, verdict: Option<String>) -> Self {
        let kind = vault.object_type().map(|t| t.as_str().to_owned());
        VaultRow {
            vault,
            kind,
            verdict,
        }
    }
}

/// This project's vaults.
pub static VAULT: Schema<VaultRow> = Schema {
    name: "vault",
    columns: COLUMNS.split_at(COLUMNS.len() - 1).0,
    detail: DETAIL,
    csv: CSV.split_at(CSV.len() - 1).0,
};

/// This project's vaults, each with its verdict for one shared backup.
pub static VAULT_FIT: Schema<VaultRow> = Schema {
    name: "vault",
    columns: COLUMNS,
    detail: DETAIL,
    csv: CSV,
};

fn plain(value: Value<'_>) -> Datum<'_> {
    Datum { value, sent: None }
}

fn id(r: &VaultRow) -> Datum<'_> {
    plain(Value::Text(r.vault.id.as_deref()))
}
fn name(r: &VaultRow) -> Datum<'_> {
    plain(Value::Text(r.vault.name.as_deref()))
}
fn kind(r: &VaultRow) -> Datum<'_> {
    plain(Value::Text(r.kind.as_deref()))
}
fn protect(r: &VaultRow) -> Datum<'_> {
    plain(Value::Text(r.vault.protect_type()))
}
fn status(r: &VaultRow) -> Datum<'_> {
    plain(Value::Status(r.vault.status()))
}
fn size(r: &VaultRow) -> Datum<'_> {
    plain(Value::Gb(r.vault.size_gb()))
}
fn used(r: &VaultRow) -> Datum<'_> {
    plain(Value::Mb(r.vault.used_mb()))
}
fn free(r: &VaultRow) -> Datum<'_> {
    plain(Value::Mb(r.vault.free_mb()))
}
fn verdict(r: &VaultRow) -> Datum<'_> {
    plain(Value::Text(r.verdict.as_deref()))
}

/// A plain column: no short form, no server-side sort.
const fn col<R>(
    id: &'static str,
    title: &'static str,
    width: Width,
    drop_at: Option<u8>,
    right: bool,
    cell: for<'a> fn(&'a R, View) -> Datum<'a>,
) -> Column<R> {
    Column {
        id,
        title: Title::same(title),
        width,
        stream_width: match width {
            Width::Fixed(n) | Width::Fit { typical: n } => n,
            Width::Flex { max, .. } => max,
        },
        short: None,
        drop_at,
        right,
        sort: None,
        cell,
    }
}

static COLUMNS: &[Column<VaultRow>] = &[
    col(
        "id",
        "Vault ID",
        Width::Fit { typical: 36 },
        Some(1),
        false,
        |r, _| id(r),
    ),
    col(
        "name",
        "Name",
        Width::Flex { min: 12, max: 40 },
        None,
        false,
        |r, _| name(r),
    ),
    col(
        "type",
        "Type",
        Width::Fit { typical: 6 },
        None,
        false,
        |r, _| kind(r),
    ),
    col(
        "protect",
        "Protect",
        Width::Fit { typical: 11 },
        Some(3),
        false,
        |r, _| protect(r),
    ),
    col(
        "status",
        "Status",
        Width::Fit { typical: 9 },
        None,
        false,
        |r, _| status(r),
    ),
    col(
        "size",
        "Size",
        Width::Fit { typical: 7 },
        Some(2),
        true,
        |r, _| size(r),
    ),
    col(
        "used",
        "Used",
        Width::Fit { typical: 7 },
        Some(2),
        true,
        |r, _| used(r),
    ),
    col(
        "free",
        "Free",
        Width::Fit { typical: 7 },
        None,
        true,
        |r, _| free(r),
    ),
    col(
        "fits",
        "For this backup",
        Width::Flex { min: 10, max: 60 },
        None,
        false,
        |r, _| verdict(r),
    ),
];

static DETAIL: &[Section<VaultRow>] = &[Section {
    title: "Vault",
    prefix: "",
    fields: &[
        DetailField {
            label: "id",
            value: id,
            compact_if: None,
        },
        DetailField {
            label: "name",
            value: name,
            compact_if: None,
        },
        DetailField {
            label: "object_type",
            value: kind,
            compact_if: None,
        },
        DetailField {
            label: "protect_type",
            value: protect,
            compact_if: None,
        },
        DetailField {
            label: "status",
            value: status,
            compact_if: None,
        },
        DetailField {
            label: "size",
            value: size,
            compact_if: None,
        },
        DetailField {
            label: "used",
            value: used,
            compact_if: None,
        },
        DetailField {
            label: "free",
            value: free,
            compact_if: None,
        },
    ],
    missing: None,
}];

static CSV: &[CsvField<VaultRow>] = &[
    CsvField {
        name: "id",
        value: id,
    },
    CsvField {
        name: "name",
        value: name,
    },
    CsvField {
        name: "object_type",
        value: kind,
    },
    CsvField {
        name: "protect_type",
        value: protect,
    },
    CsvField {
        name: "status",
        value: status,
    },
    CsvField {
        name: "size_gb",
        value: size,
    },
    CsvField {
        name: "used_mb",
        value: used,
    },
    CsvField {
        name: "free_mb",
        value: free,
    },
    CsvField {
        name: "fits",
        value: verdict,
    },
];

/// A backup of the owner walk whose members could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FailedBackup {
    /// Its ID, as the server sent it.
    pub backup_id: Option<String>,
    /// How the browser names it (its name, else its ID).
    pub label: String,
    /// Why its members could not be read.
    pub error: String,
}

impl FailedBackup {
    /// `{"backup_id": …, "error": …}`: an element of `-o json`'s `errors` list, the same from
    /// `list` and from the browser's export.
    pub fn json(backup_id: Option<&str>, error: &str) -> String {
        serde_json::json!({"backup_id": backup_id, "error": error}).to_string()
    }
}

/// A member of one of this project's backups, as listed to the owner.
#[derive(Clone, Debug)]
pub struct MemberRow {
    pub member: crate::api::cbr::Member,
    /// The backup's name, when known.
    pub backup_name: Option<String>,
    /// The member project's name, from `[project_names]` or the demo's names.
    pub project_name: Option<String>,
    /// The status as text.
    pub status: Option<String>,
    /// The backup's JSON as sent, when the row came from a walk (for `-o json`/`ndjson`).
    pub backup_json: Option<String>,
}

impl MemberRow {
    pub fn new(
        member: crate::api::cbr::Member,
        backup_name: Option<String>,
        names: &std::collections::BTreeMap<String, String>,
    ) -> Self {
        let project_name = member
            .dest_project_id
            .as_ref()
            .and_then(|p| names.get(p).cloned());
        let status = member.status.as_ref().map(ToString::to_string);
        MemberRow {
            member,
            backup_name,
            project_name,
            status,
            backup_json: None,
        }
    }

    /// The row with its backup's JSON, as a walk reads it.
    #[must_use]
    pub fn with_backup_json(mut self, json: String) -> Self {
        self.backup_json = Some(json);
        self
    }

    /// `{"member": {…}, "backup": {…}}`, the backup when known; the server's text inside.
    pub fn element_json(&self) -> String {
        match &self.backup_json {
            Some(b) => format!("{{\"member\": {}, \"backup\": {b}}}", self.member.to_json()),
            None => format!("{{\"member\": {}}}", self.member.to_json()),
        }
    }
}

/// Members of this project's backups.
pub static MEMBER: Schema<MemberRow> = Schema {
    name: "member",
    columns: MEMBER_COLUMNS,
    detail: MEMBER_DETAIL,
    csv: MEMBER_CSV,
};

fn m_backup_id(r: &MemberRow) -> Datum<'_> {
    plain(Value::Text(r.member.backup_id.as_deref()))
}
fn m_backup_name(r: &MemberRow) -> Datum<'_> {
    plain(Value::Text(r.backup_name.as_deref()))
}
fn m_project(r: &MemberRow) -> Datum<'_> {
    plain(Value::Project(r.member.dest_project_id.as_deref()))
}
fn m_project_name(r: &MemberRow) -> Datum<'_> {
    plain(Value::Text(r.project_name.as_deref()))
}
fn m_status(r: &MemberRow) -> Datum<'_> {
    plain(Value::Status(r.status.as_deref()))
}
fn m_vault(r: &MemberRow) -> Datum<'_> {
    plain(Value::Text(r.member.vault_id.as_deref()))
}
fn m_image(r: &MemberRow) -> Datum<'_> {
    plain(Value::Text(r.member.image_id.as_deref()))
}
fn m_created(r: &MemberRow) -> Datum<'_> {
    plain(Value::Time(r.member.created_at.as_ref()))
}
fn m_updated(r: &MemberRow) -> Datum<'_> {
    plain(Value::Time(r.member.updated_at.as_ref()))
}

static MEMBER_COLUMNS: &[Column<MemberRow>] = &[
    col(
        "backup",
        "Backup",
        Width::Flex { min: 12, max: 40 },
        None,
        false,
        |r, _| m_backup_name(r),
    ),
    col(
        "backup_id",
        "Backup ID",
        Width::Fit { typical: 36 },
        Some(1),
        false,
        |r, _| m_backup_id(r),
    ),
    col(
        "project",
        "Member project",
        Width::Fit { typical: 32 },
        None,
        false,
        |r, _| m_project(r),
    ),
    col(
        "status",
        "Status",
        Width::Fit { typical: 8 },
        None,
        false,
        |r, _| m_status(r),
    ),
    col(
        "vault",
        "Vault",
        Width::Fit { typical: 36 },
        Some(3),
        false,
        |r, _| m_vault(r),
    ),
    col(
        "created",
        "Created (UTC)",
        Width::Fixed(19),
        Some(2),
        false,
        |r, _| m_created(r),
    ),
];

static MEMBER_DETAIL: &[Section<MemberRow>] = &[Section {
    title: "Member",
    prefix: "",
    fields: &[
        DetailField {
            label: "backup_id",
            value: m_backup_id,
            compact_if: None,
        },
        DetailField {
            label: "backup_name",
            value: m_backup_name,
            compact_if: None,
        },
        DetailField {
            label: "dest_project_id",
            value: m_project,
            compact_if: None,
        },
        DetailField {
            label: "project_name",
            value: m_project_name,
            compact_if: None,
        },
        DetailField {
            label: "status",
            value: m_status,
            compact_if: None,
        },
        DetailField {
            label: "vault_id",
            value: m_vault,
            compact_if: None,
        },
        DetailField {
            label: "image_id",
            value: m_image,
            compact_if: None,
        },
        DetailField {
            label: "created_at",
            value: m_created,
            compact_if: None,
        },
        DetailField {
            label: "updated_at",
            value: m_updated,
            compact_if: None,
        },
    ],
    missing: None,
}];

static MEMBER_CSV: &[CsvField<MemberRow>] = &[
    CsvField {
        name: "backup_id",
        value: m_backup_id,
    },
    CsvField {
        name: "backup_name",
        value: m_backup_name,
    },
    CsvField {
        name: "dest_project_id",
        value: m_project,
    },
    CsvField {
        name: "project_name",
        value: m_project_name,
    },
    CsvField {
        name: "status",
        value: m_status,
    },
    CsvField {
        name: "vault_id",
        value: m_vault,
    },
    CsvField {
        name: "image_id",
        value: m_image,
    },
    CsvField {
        name: "created_at",
        value: m_created,
    },
    CsvField {
        name: "updated_at",
        value: m_updated,
    },
];

/// A backup shared with this project, with this project's status for it.
#[derive(Clone, Debug)]
pub struct SharedRow {
    pub backup: crate::api::cbr::Backup,
    /// This project's status (pending, accepted, rejected), as text.
    pub member_status: Option<String>,
    /// The sharing project's name, from `[project_names]` or the demo's names.
    pub from_name: Option<String>,
}

impl SharedRow {
    pub fn new(
        backup: crate::api::cbr::Backup,
        member_status: Option<String>,
        names: &std::collections::BTreeMap<String, String>,
    ) -> Self {
        let from_name = backup
            .project_id
            .as_ref()
            .and_then(|p| names.get(p).cloned());
        SharedRow {
            backup,
            member_status,
            from_name,
        }
    }
}

/// Backups shared with this project, in one status.
pub static SHARED: Schema<SharedRow> = Schema {
    name: "shared backup",
    columns: SHARED_COLUMNS.split_at(SHARED_COLUMNS.len() - 1).0,
    detail: SHARED_DETAIL,
    csv: SHARED_CSV,
};

/// Backups shared with this project, in every status (a status column).
pub static SHARED_ALL: Schema<SharedRow> = Schema {
    name: "shared backup",
    columns: SHARED_COLUMNS,
    detail: SHARED_DETAIL,
    csv: SHARED_CSV,
};

fn s_id(r: &SharedRow) -> Datum<'_> {
    plain(Value::Text(r.backup.id.as_deref()))
}
fn s_name(r: &SharedRow) -> Datum<'_> {
    plain(Value::Text(r.backup.name.as_deref()))
}
fn s_resource(r: &SharedRow) -> Datum<'_> {
    plain(Value::Text(r.backup.resource_name.as_deref()))
}
fn s_type(r: &SharedRow) -> Datum<'_> {
    plain(Value::Text(r.backup.resource_type.as_deref()))
}
fn s_size(r: &SharedRow) -> Datum<'_> {
    plain(Value::Gb(r.backup.resource_size))
}
fn s_from(r: &SharedRow) -> Datum<'_> {
    plain(Value::Project(r.backup.project_id.as_deref()))
}
fn s_from_name(r: &SharedRow) -> Datum<'_> {
    plain(Value::Text(r.from_name.as_deref()))
}
fn s_status(r: &SharedRow) -> Datum<'_> {
    plain(Value::Status(r.backup.status.as_deref()))
}
fn s_created(r: &SharedRow) -> Datum<'_> {
    plain(Value::Time(r.backup.created_at.as_ref()))
}
fn s_expires(r: &SharedRow) -> Datum<'_> {
    plain(Value::Time(r.backup.expired_at.as_ref()))
}
fn s_member_status(r: &SharedRow) -> Datum<'_> {
    plain(Value::Status(r.member_status.as_deref()))
}

static SHARED_COLUMNS: &[Column<SharedRow>] = &[
    col(
        "id",
        "Backup ID",
        Width::Fit { typical: 36 },
        Some(1),
        false,
        |r, _| s_id(r),
    ),
    col(
        "name",
        "Backup name",
        Width::Flex { min: 12, max: 40 },
        None,
        false,
        |r, _| s_name(r),
    ),
    col(
        "resource",
        "Resource",
        Width::Flex { min: 8, max: 30 },
        Some(2),
        false,
        |r, _| s_resource(r),
    ),
    col(
        "type",
        "Type",
        Width::Fit { typical: 18 },
        Some(3),
        false,
        |r, _| s_type(r),
    ),
    col(
        "size",
        "Size",
        Width::Fit { typical: 7 },
        None,
        true,
        |r, _| s_size(r),
    ),
    // The sharing project: its name where one is known, else its ID.
    col(
        "from",
        "From",
        Width::Fit { typical: 16 },
        None,
        false,
        |r, _| s_from(r),
    ),
    col(
        "status",
        "Status",
        Width::Fit { typical: 9 },
        None,
        false,
        |r, _| s_status(r),
    ),
    col(
        "created",
        "Created (UTC)",
        Width::Fixed(19),
        Some(3),
        false,
        |r, _| s_created(r),
    ),
    col(
        "expires",
        "Expires (UTC)",
        Width::Fixed(19),
        Some(2),
        false,
        |r, _| s_expires(r),
    ),
    col(
        "member_status",
        "Mine",
        Width::Fit { typical: 8 },
        None,
        false,
        |r, _| s_member_status(r),
    ),
];

static SHARED_DETAIL: &[Section<SharedRow>] = &[Section {
    title: "Shared backup",
    prefix: "",
    fields: &[
        DetailField {
            label: "id",
            value: s_id,
            compact_if: None,
        },
        DetailField {
            label: "name",
            value: s_name,
            compact_if: None,
        },
        DetailField {
            label: "resource_name",
            value: s_resource,
            compact_if: None,
        },
        DetailField {
            label: "resource_type",
            value: s_type,
            compact_if: None,
        },
        DetailField {
            label: "resource_size",
            value: s_size,
            compact_if: None,
        },
        DetailField {
            label: "project_id",
            value: s_from,
            compact_if: None,
        },
        DetailField {
            label: "project_name",
            value: s_from_name,
            compact_if: None,
        },
        DetailField {
            label: "status",
            value: s_status,
            compact_if: None,
        },
        DetailField {
            label: "created_at",
            value: s_created,
            compact_if: None,
        },
        DetailField {
            label: "expired_at",
            value: s_expires,
            compact_if: None,
        },
        DetailField {
            label: "member_status",
            value: s_member_status,
            compact_if: None,
        },
    ],
    missing: None,
}];

static SHARED_CSV: &[CsvField<SharedRow>] = &[
    CsvField {
        name: "id",
        value: s_id,
    },
    CsvField {
        name: "name",
        value: s_name,
    },
    CsvField {
        name: "resource_name",
        value: s_resource,
    },
    CsvField {
        name: "resource_type",
        value: s_type,
    },
    CsvField {
        name: "resource_size",
        value: s_size,
    },
    CsvField {
        name: "project_id",
        value: s_from,
    },
    CsvField {
        name: "project_name",
        value: s_from_name,
    },
    CsvField {
        name: "status",
        value: s_status,
    },
    CsvField {
        name: "created_at",
        value: s_created,
    },
    CsvField {
        name: "expired_at",
        value: s_expires,
    },
    CsvField {
        name: "member_status",
        value: s_member_status,
    },
];
