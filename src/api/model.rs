//! The model of backup sharings, tolerant of everything VBS is known to send.
//!
//! A record never fails its page because of one field. Every field is optional (VBS sends
//! `null` for ints, bools and timestamps alike), both spellings of `has_dependent_backups`
//! are read, and each sharing keeps the exact JSON text it came from in [`Sharing::raw`],
//! unknown fields included, for the raw view and byte-exact JSON output.
//!
//! # Fields that do not parse
//!
//! The legacy service sends empty strings, numbers as strings and other surprises where the
//! docs promise a type. [`Sharing::from_raw`] reads each field on its own:
//!
//! | field type | read as the value | anything else (unparsed) |
//! |---|---|---|
//! | whole number (`size`, `object_count`) | a JSON integer ≥ 0, or a string of ASCII digits with optional surrounding whitespace (`"10"`, `" 0 "`) | `"ten"`, `""`, `-1`, `1.5`, `1e3`, `true`, objects |
//! | boolean | `true`/`false`, or the strings `"true"`/`"false"` in any case, surrounding whitespace ignored | `1`, `0`, `"yes"`, `""`, objects |
//! | timestamp | a string [`Timestamp::parse`] accepts | `""`, `"yesterday"`, numbers, objects |
//! | text | a JSON string, or a JSON number (kept as its text: `123` reads `"123"`) | `true`, objects, lists |
//! | `backup` | an object (its fields read by the same rules) | anything but an object or `null` |
//!
//! `null` and an absent field are `None` and not counted. An unparsed field is `None` too,
//! and the sharing records it in [`Sharing::unparsed`] with the JSON text of the value as
//! sent. Keeping `Option<T>` plus that side list, rather than a three-state field type,
//! keeps every consumer that compares, sorts or filters by a field (the embedded server,
//! status colours, page arithmetic) unchanged and correct: an unknown value is `None`, and
//! `None` never meets a condition. Only the few places that *show* a field ask
//! [`Sharing::unparsed`] for the text to show instead, marked by [`Unparsed::marked`].
//!
//! Only a body that is not JSON, or not the documented envelope (`{"shared": [...]}` with
//! object items), is an error ([`BodyError`]).

use serde::de::Error as _;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::time::Timestamp;

mod lenient;
mod list;

/// The backup statuses VBS documents, in the order the UI cycles through them.
pub const STATUSES: [&str; 6] = [
    "available",
    "creating",
    "error",
    "restoring",
    "deleting",
    "error_restoring",
];

/// One backup sharing: a backup of `from_project_id` made visible to `to_project_id`.
///
/// Its `Deserialize` is the strict, documented shape, used as the fast path: read what a
/// server sends with [`Sharing::from_raw`] (or [`parse_list`], [`parse_one`]), which falls
/// back to reading field by field when the strict reading fails.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Sharing {
    pub id: Option<String>,
    pub backup_id: Option<String>,
    pub from_project_id: Option<String>,
    pub to_project_id: Option<String>,
    #[serde(deserialize_with = "lenient::timestamp_or_null")]
    pub created_at: Option<Timestamp>,
    #[serde(deserialize_with = "lenient::timestamp_or_null")]
    pub updated_at: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deleted: Option<bool>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::timestamp_or_null"
    )]
    pub deleted_at: Option<Timestamp>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        deserialize_with = "lenient::object_or_null"
    )]
    pub backup: Option<Backup>,
    /// The object exactly as the server sent it (empty when built locally).
    #[serde(skip)]
    pub raw: Box<str>,
    /// The fields (of the sharing and of its backup) that were sent but could not be read
    /// as their documented type, in field order; each is `None` above.
    #[serde(skip)]
    pub unparsed: Vec<Unparsed>,
}

/// The source backup nested in a sharing.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Backup {
    pub id: Option<String>,
    pub name: Option<String>,
    pub status: Option<String>,
    /// Size in GB.
    pub size: Option<u64>,
    pub volume_id: Option<String>,
    pub snapshot_id: Option<String>,
    pub availability_zone: Option<String>,
    pub container: Option<String>,
    pub description: Option<String>,
    pub fail_reason: Option<String>,
    #[serde(deserialize_with = "lenient::timestamp_or_null")]
    pub created_at: Option<Timestamp>,
    #[serde(deserialize_with = "lenient::timestamp_or_null")]
    pub updated_at: Option<Timestamp>,
    #[serde(deserialize_with = "lenient::timestamp_or_null")]
    pub data_timestamp: Option<Timestamp>,
    pub object_count: Option<u64>,
    pub is_incremental: Option<bool>,
    /// Read from `has_dependent_backups` or the documented `has_dependent_backup` (the
    /// former wins when both are sent).
    #[serde(alias = "has_dependent_backup")]
    pub has_dependent_backups: Option<bool>,
    pub service_metadata: Option<String>,
}

/// A typed field of a sharing itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SharingField {
    Id,
    BackupId,
    FromProjectId,
    ToProjectId,
    CreatedAt,
    UpdatedAt,
    Deleted,
    DeletedAt,
    /// The whole `backup`, when it is not an object.
    Backup,
}

/// A typed field of the backup inside a sharing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum BackupField {
    Id,
    Name,
    Status,
    Size,
    VolumeId,
    SnapshotId,
    AvailabilityZone,
    Container,
    Description,
    FailReason,
    CreatedAt,
    UpdatedAt,
    DataTimestamp,
    ObjectCount,
    IsIncremental,
    HasDependentBackups,
    ServiceMetadata,
}

/// Any typed field of a sharing, its backup's included.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Field {
    Sharing(SharingField),
    Backup(BackupField),
}

impl From<SharingField> for Field {
    fn from(f: SharingField) -> Self {
        Field::Sharing(f)
    }
}

impl From<BackupField> for Field {
    fn from(f: BackupField) -> Self {
        Field::Backup(f)
    }
}

impl Field {
    /// The field's path in the JSON, as CSV columns and detail labels name it
    /// (`created_at`, `backup.size`).
    pub fn path(self) -> &'static str {
        use BackupField as B;
        use SharingField as S;
        match self {
            Field::Sharing(f) => match f {
                S::Id => "id",
                S::BackupId => "backup_id",
                S::FromProjectId => "from_project_id",
                S::ToProjectId => "to_project_id",
                S::CreatedAt => "created_at",
                S::UpdatedAt => "updated_at",
                S::Deleted => "deleted",
                S::DeletedAt => "deleted_at",
                S::Backup => "backup",
            },
            Field::Backup(f) => match f {
                B::Id => "backup.id",
                B::Name => "backup.name",
                B::Status => "backup.status",
                B::Size => "backup.size",
                B::VolumeId => "backup.volume_id",
                B::SnapshotId => "backup.snapshot_id",
                B::AvailabilityZone => "backup.availability_zone",
                B::Container => "backup.container",
                B::Description => "backup.description",
                B::FailReason => "backup.fail_reason",
                B::CreatedAt => "backup.created_at",
                B::UpdatedAt => "backup.updated_at",
                B::DataTimestamp => "backup.data_timestamp",
                B::ObjectCount => "backup.object_count",
                B::IsIncremental => "backup.is_incremental",
                B::HasDependentBackups => "backup.has_dependent_backups",
                B::ServiceMetadata => "backup.service_metadata",
            },
        }
    }
}

/// A field that was sent but could not be read as its documented type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unparsed {
    pub field: Field,
    /// The JSON text of the value exactly as sent: `""`, `"ten"`, `{"a":1}`, `1`.
    pub raw: Box<str>,
}

/// What marks an unparsed value wherever one is shown (`?ten`).
pub const UNPARSED_MARK: &str = "?";

impl Unparsed {
    /// The value as plain text, as CSV writes it: a JSON string's content (`""` is empty,
    /// `"ten"` is `ten`), anything else its JSON text (`{"a":1}`, `true`).
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        if self.raw.starts_with('"')
            && let Ok(s) = serde_json::from_str::<String>(&self.raw)
        {
            return s.into();
        }
        std::borrow::Cow::Borrowed(&self.raw)
    }

    /// The value as tables and the detail pane show it: [`UNPARSED_MARK`] and its text
    /// (`?ten`), or its JSON text where the text would be blank (`?""`). Server text:
    /// sanitise before display.
    pub fn marked(&self) -> String {
        let text = self.text();
        if text.trim().is_empty() {
            format!("{UNPARSED_MARK}{}", self.raw)
        } else {
            format!("{UNPARSED_MARK}{text}")
        }
    }
}

impl Sharing {
    /// Parses one sharing object and keeps its text as [`Sharing::raw`]; fails only when
    /// `raw` is not an object (see the module docs for how each field is read).
    pub fn from_raw(raw: &RawValue) -> Result<Self, serde_json::Error> {
        let text = raw.get();
        if !text.starts_with('{') {
            return Err(serde_json::Error::custom(format!(
                "expected a sharing object, found {}",
                json_kind(text)
            )));
        }
        // Nearly every record has the documented shape: read it in one pass, and only
        // when that fails, field by field. Both readings agree wherever the strict one
        // succeeds (a property test checks it).
        match serde_json::from_str::<Sharing>(text) {
            Ok(mut sharing) => {
                sharing.raw = text.into();
                Ok(sharing)
            }
            Err(_) => lenient::sharing(text),
        }
    }

    /// The sharing as JSON: the server's exact text when there is one.
    pub fn to_json(&self) -> String {
        if self.raw.is_empty() {
            serde_json::to_string(self).unwrap_or_else(|_| "{}".to_owned())
        } else {
            self.raw.to_string()
        }
    }

    /// The backup's name, or `""`.
    pub fn name(&self) -> &str {
        self.backup
            .as_ref()
            .and_then(|b| b.name.as_deref())
            .unwrap_or("")
    }

    /// The backup's status, or `""`.
    pub fn status(&self) -> &str {
        self.backup
            .as_ref()
            .and_then(|b| b.status.as_deref())
            .unwrap_or("")
    }

    /// What was sent for `field` when it could not be read (the field itself is `None`).
    pub fn unparsed(&self, field: impl Into<Field>) -> Option<&Unparsed> {
        let field = field.into();
        self.unparsed.iter().find(|u| u.field == field)
    }

    /// How many of this sharing's fields could not be read.
    pub fn unparsed_fields(&self) -> usize {
        self.unparsed.len()
    }
}

/// How many fields of `rows` could not be read, in all.
pub fn unparsed_fields(rows: &[Sharing]) -> usize {
    rows.iter().map(Sharing::unparsed_fields).sum()
}

/// Logs once, for one answer, how many fields could not be read and which.
fn log_unparsed(rows: &[Sharing]) {
    let count = unparsed_fields(rows);
    if count == 0 {
        return;
    }
    let mut paths: Vec<&str> = rows
        .iter()
        .flat_map(|s| s.unparsed.iter().map(|u| u.field.path()))
        .collect();
    paths.sort_unstable();
    paths.dedup();
    tracing::warn!(
        count,
        rows = rows.len(),
        fields = %paths.join(", "),
        "fields could not be read as documented; shown as unknown, kept as sent in the raw JSON"
    );
}

/// Describes the JSON value starting `text` for error messages.
fn json_kind(text: &str) -> &'static str {
    match text.as_bytes().first() {
        Some(b'[') => "a list",
        Some(b'"') => "a string",
        Some(b'n') => "null",
        Some(b't' | b'f') => "a boolean",
        Some(b'{') => "an object",
        _ => "a number",
    }
}

/// Why a response body could not be read as the documented shape.
#[derive(Debug, thiserror::Error)]
pub enum BodyError {
    #[error("the response body is empty")]
    Empty,
    #[error("the response is not JSON ({0})")]
    NotJson(String),
    #[error("the response has no \"{0}\" field")]
    MissingField(&'static str),
    #[error("unexpected shape: {0}")]
    Shape(String),
    #[error("sharing {index}: {source}")]
    Item {
        index: usize,
        #[source]
        source: serde_json::Error,
    },
}

#[derive(Deserialize)]
struct ListBody<'a> {
    #[serde(borrow)]
    shared: Option<&'a RawValue>,
}

fn envelope<'a>(body: &'a str) -> Result<&'a RawValue, BodyError> {
    if body.trim().is_empty() {
        return Err(BodyError::Empty);
    }
    let env: ListBody<'a> = serde_json::from_str(body).map_err(|e| {
        if e.is_data() {
            BodyError::Shape(format!("expected an object with \"shared\": {e}"))
        } else {
            BodyError::NotJson(e.to_string())
        }
    })?;
    env.shared.ok_or(BodyError::MissingField("shared"))
}

/// Parses a list or share answer: `{"shared": [Sharing, …]}`, in one pass over the body.
pub fn parse_list(body: &str) -> Result<Vec<Sharing>, BodyError> {
    if body.trim().is_empty() {
        return Err(BodyError::Empty);
    }
    let rows = list::parse(body)?;
    log_unparsed(&rows);
    Ok(rows)
}

/// Parses a get-one answer: `{"shared": Sharing}`.
pub fn parse_one(body: &str) -> Result<Sharing, BodyError> {
    let shared = envelope(body)?;
    let one = Sharing::from_raw(shared).map_err(|source| BodyError::Item { index: 0, source })?;
    log_unparsed(std::slice::from_ref(&one));
    Ok(one)
}

/// Parses a count answer: `{"count": N}`.
pub fn parse_count(body: &str) -> Result<u64, BodyError> {
    #[derive(Deserialize)]
    struct CountBody {
        count: Option<serde_json::Value>,
    }
    if body.trim().is_empty() {
        return Err(BodyError::Empty);
    }
    let parsed: CountBody = serde_json::from_str(body).map_err(|e| {
        if e.is_data() {
            BodyError::Shape(format!("expected an object with \"count\": {e}"))
        } else {
            BodyError::NotJson(e.to_string())
        }
    })?;
    match parsed.count {
        None | Some(serde_json::Value::Null) => Err(BodyError::MissingField("count")),
        Some(v) => v
            .as_u64()
            .or_else(|| v.as_str().and_then(lenient::whole_number))
            .ok_or_else(|| {
                BodyError::Shape(format!("\"count\" should be a whole number, found {v}"))
            }),
    }
}

/// The body of a share request.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct ShareRequest {
    pub shared: ShareTargets,
}

/// The backup to share and the projects to share it with.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct ShareTargets {
    pub backup_id: String,
    pub to_project_ids: Vec<String>,
}

#[cfg(test)]
mod tests;
