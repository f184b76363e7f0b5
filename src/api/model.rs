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
mod tests {
    use super::*;

    const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

    fn fixture(name: &str) -> String {
        std::fs::read_to_string(format!("{FIXTURES}/{name}")).unwrap()
    }

    #[test]
    fn doc_list_parses_with_nulls() {
        let list = parse_list(&fixture("doc_list_response.json")).unwrap();
        assert_eq!(list.len(), 2);
        let first = &list[0];
        assert_eq!(
            first.id.as_deref(),
            Some("e842bf23-1e05-4c2c-b0f9-25222f4686da")
        );
        assert_eq!(first.name(), "lbf");
        let backup = first.backup.as_ref().unwrap();
        assert_eq!(backup.size, Some(1));
        assert_eq!(backup.object_count, None);
        assert_eq!(backup.is_incremental, None);
        assert_eq!(list[1].updated_at, None);
        assert!(first.raw.contains("\"service_metadata\": null"));
    }

    #[test]
    fn doc_get_create_and_count_parse() {
        let one = parse_one(&fixture("doc_get_response.json")).unwrap();
        assert_eq!(one.backup.unwrap().object_count, Some(0));
        let created = parse_list(&fixture("doc_create_response.json")).unwrap();
        assert_eq!(
            created[0].to_project_id.as_deref(),
            Some("722513ed0a324dadaabe5b2d0fe848c9")
        );
        assert_eq!(created[0].deleted, None);
        assert!(created[0].backup.is_none());
        assert_eq!(parse_count(&fixture("doc_count_response.json")).unwrap(), 2);
        let req: ShareRequest = serde_json::from_str(&fixture("doc_create_request.json")).unwrap();
        assert_eq!(req.shared.to_project_ids.len(), 2);
    }

    #[test]
    fn absent_fields_and_both_dependent_spellings() {
        let a = parse_one(r#"{"shared":{"backup":{"has_dependent_backup":true}}}"#).unwrap();
        assert_eq!(a.backup.unwrap().has_dependent_backups, Some(true));
        let b = parse_one(r#"{"shared":{"backup":{"has_dependent_backups":false}}}"#).unwrap();
        assert_eq!(b.backup.unwrap().has_dependent_backups, Some(false));
        let empty = parse_one(r#"{"shared":{}}"#).unwrap();
        assert_eq!(empty.id, None);
        assert_eq!(empty.name(), "");
    }

    #[test]
    fn unknown_fields_are_kept_verbatim() {
        let body = r#"{"shared":[{"id":"x","extra":{"nested":[1,2]},"backup":{"new_field":7}}]}"#;
        let list = parse_list(body).unwrap();
        assert_eq!(
            &*list[0].raw,
            r#"{"id":"x","extra":{"nested":[1,2]},"backup":{"new_field":7}}"#
        );
        assert_eq!(list[0].to_json(), &*list[0].raw);
    }

    #[test]
    fn timestamps_in_every_form() {
        let body = r#"{"shared":{"created_at":"2017-08-10T12:25:40Z","updated_at":"2017-08-10T12:25:40.000+00:00","backup":{"created_at":"2017-08-10T12:25:40.1"}}}"#;
        let s = parse_one(body).unwrap();
        assert_eq!(s.created_at, s.updated_at);
        assert_eq!(s.backup.unwrap().created_at.unwrap().nanos, 100_000_000);
    }

    #[test]
    fn wrong_shapes_are_clean_errors() {
        assert!(matches!(parse_list(""), Err(BodyError::Empty)));
        assert!(matches!(
            parse_list("<html>502</html>"),
            Err(BodyError::NotJson(_))
        ));
        assert!(matches!(
            parse_list(r#"{"shared":[{"id":"#),
            Err(BodyError::NotJson(_))
        ));
        assert!(matches!(
            parse_list("{}"),
            Err(BodyError::MissingField("shared"))
        ));
        let e = parse_list(r#"{"shared":{"id":"x"}}"#).unwrap_err();
        assert!(
            e.to_string().contains("should be a list, found an object"),
            "{e}"
        );
        let e = parse_list(r#"{"shared":[{"backup":{"size":"10"}}]}"#).unwrap_err();
        assert!(e.to_string().starts_with("sharing 0:"), "{e}");
        let e = parse_list(r#"{"shared":[7]}"#).unwrap_err();
        assert!(e.to_string().contains("found a number"), "{e}");
        assert!(parse_count(r#"{"count":null}"#).is_err());
        assert!(parse_count(r#"{"count":"3"}"#).is_err());
        assert!(parse_count("[]").is_err());
    }

    mod properties {
        use super::super::*;
        use proptest::prelude::*;
        use serde_json::{Map, Value, json};

        fn json_value() -> impl Strategy<Value = Value> {
            let leaf = prop_oneof![
                Just(Value::Null),
                any::<bool>().prop_map(Value::Bool),
                any::<i64>().prop_map(Value::from),
                any::<f64>()
                    .prop_filter("finite", |f| f.is_finite())
                    .prop_map(Value::from),
                ".{0,10}".prop_map(Value::String),
                Just(Value::String("2017-08-10T12:25:40.480424".into())),
            ];
            let keys = prop::sample::select(vec![
                "id",
                "backup",
                "name",
                "size",
                "status",
                "created_at",
                "updated_at",
                "object_count",
                "is_incremental",
                "has_dependent_backup",
                "shared",
                "count",
                "x",
            ]);
            leaf.prop_recursive(4, 48, 6, move |inner| {
                prop_oneof![
                    proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                    proptest::collection::vec((keys.clone(), inner), 0..6).prop_map(|kv| {
                        Value::Object(
                            kv.into_iter()
                                .map(|(k, v)| (k.to_owned(), v))
                                .collect::<Map<_, _>>(),
                        )
                    }),
                ]
            })
        }

        proptest! {
            #[test]
            fn any_json_is_a_sharing_or_a_clean_error(v in json_value()) {
                for body in [
                    json!({ "shared": [v.clone()] }).to_string(),
                    json!({ "shared": v.clone() }).to_string(),
                    json!({ "count": v.clone() }).to_string(),
                    v.to_string(),
                ] {
                    // Neither panics; errors carry a message.
                    if let Err(e) = parse_list(&body) { prop_assert!(!e.to_string().is_empty()); }
                    if let Err(e) = parse_one(&body) { prop_assert!(!e.to_string().is_empty()); }
                    if let Err(e) = parse_count(&body) { prop_assert!(!e.to_string().is_empty()); }
                }
                if let Ok(list) = parse_list(&json!({ "shared": [v.clone()] }).to_string()) {
                    // What parsed keeps the exact text it came from.
                    prop_assert_eq!(list[0].raw.as_ref(), v.to_string());
                }
            }
        }
    }
}
