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

const fn col(
    id: &'static str,
    title: &'static str,
    width: Width,
    drop_at: Option<u8>,
    right: bool,
    cell: for<'a> fn(&'a VaultRow, View) -> Datum<'a>,
) -> Column<VaultRow> {
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
