//! The serde model of backup sharings, tolerant of everything VBS is known to send.
//!
//! Every field is optional (VBS sends `null` for ints, bools and timestamps alike), both
//! spellings of `has_dependent_backups` are read, and each sharing keeps the exact JSON
//! text it came from in [`Sharing::raw`], unknown fields included, for the raw view and
//! byte-exact JSON output.

use serde::de::Error as _;
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use super::time::Timestamp;

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
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Sharing {
    pub id: Option<String>,
    pub backup_id: Option<String>,
    pub from_project_id: Option<String>,
    pub to_project_id: Option<String>,
    pub created_at: Option<Timestamp>,
    pub updated_at: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deleted: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deleted_at: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub backup: Option<Backup>,
    /// The object exactly as the server sent it (empty when built locally).
    #[serde(skip)]
    pub raw: Box<str>,
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
    pub created_at: Option<Timestamp>,
    pub updated_at: Option<Timestamp>,
    pub data_timestamp: Option<Timestamp>,
    pub object_count: Option<u64>,
    pub is_incremental: Option<bool>,
    /// Read from `has_dependent_backups` or the documented `has_dependent_backup`.
    #[serde(alias = "has_dependent_backup")]
    pub has_dependent_backups: Option<bool>,
    pub service_metadata: Option<String>,
}

impl Sharing {
    /// Parses one sharing object and keeps its text as [`Sharing::raw`].
    pub fn from_raw(raw: &RawValue) -> Result<Self, serde_json::Error> {
        let text = raw.get();
        if !text.starts_with('{') {
            return Err(serde_json::Error::custom(format!(
                "expected a sharing object, found {}",
                json_kind(text)
            )));
        }
        let mut sharing: Sharing = serde_json::from_str(text)?;
        sharing.raw = text.into();
        Ok(sharing)
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

/// Parses a list or share answer: `{"shared": [Sharing, …]}`.
pub fn parse_list(body: &str) -> Result<Vec<Sharing>, BodyError> {
    let shared = envelope(body)?;
    let items: Vec<&RawValue> = serde_json::from_str(shared.get()).map_err(|_| {
        BodyError::Shape(format!(
            "\"shared\" should be a list, found {}",
            json_kind(shared.get())
        ))
    })?;
    items
        .into_iter()
        .enumerate()
        .map(|(index, raw)| {
            Sharing::from_raw(raw).map_err(|source| BodyError::Item { index, source })
        })
        .collect()
}

/// Parses a get-one answer: `{"shared": Sharing}`.
pub fn parse_one(body: &str) -> Result<Sharing, BodyError> {
    let shared = envelope(body)?;
    Sharing::from_raw(shared).map_err(|source| BodyError::Item { index: 0, source })
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
        Some(v) => v.as_u64().ok_or_else(|| {
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
