//! The model of CBR share members, backups and vaults, tolerant of everything the service
//! and its documentation are known to send.
//!
//! A record never fails its page because of one field. Every field is optional (the API
//! Explorer examples send `null` where the OTC examples leave the key out), numbers sent as
//! strings are numbers (`enterprise_project_id` comes as `"0"` and as `0`), both timestamp
//! styles parse ([`Timestamp`]: naive microseconds as UTC, milliseconds with `+00:00`), the
//! old `accept`/`reject` spellings are read as `accepted`/`rejected`, and each object keeps
//! the exact JSON text it came from in its `raw` field, unknown fields included, for the
//! raw view and byte-exact `-o json` (see [`Member::to_json`]).
//!
//! # Fields that do not parse
//!
//! Each field is read on its own, by the same rules as VBS's sharings
//! ([`crate::api::model`]):
//!
//! | field type | read as the value | anything else (unparsed) |
//! |---|---|---|
//! | whole number (`resource_size`, `billing.size`, `count`, …) | a JSON integer ≥ 0, or a string of ASCII digits with optional surrounding whitespace (`"40"`, `" 0 "`) | `"ten"`, `""`, `-1`, `1.5`, `true`, objects |
//! | boolean | `true`/`false`, or those words as strings in any case | `1`, `"yes"`, `""`, objects |
//! | timestamp | a string [`Timestamp::parse`] accepts, or a bare date `YYYY-MM-DD` (midnight UTC) | `""`, `"yesterday"`, numbers |
//! | text | a JSON string, or a JSON number kept as its text (`0` reads `"0"`) | `true`, objects, lists |
//! | member status | any string: the known ones (either spelling) or [`MemberStatus::Unknown`] | numbers, objects |
//! | object (`billing`, `extend_info`, `bind_rules`) | an object, its fields read by these rules | anything but an object |
//! | list (`children`, `resources`, `tags`, …) | a list; each item that is an object | a non-list as a whole; each non-object item on its own |
//!
//! `null` and an absent field are `None` (an empty list for lists) and not counted. An
//! unparsed field is `None` too, and its record lists it in `unparsed` with the JSON text
//! of the value as sent, named by its path (`resource_size`, `billing.used`,
//! `extend_info.encrypted`). This is the VBS choice, kept for the same reason: every
//! consumer that compares, sorts, filters or does arithmetic (free space, fit) reads plain
//! `Option`s, where unknown is `None` and `None` never meets a condition, while the few
//! places that *show* a field can ask the record for what was sent instead
//! ([`Unparsed::marked`]). A backup's `children` are backups with their own `raw` and
//! `unparsed`.
//!
//! There is one reading path, field by field (VBS adds a strict serde fast path; CBR pages
//! are no larger, and one path cannot disagree with itself).
//!
//! Only a body that is not JSON, or not the documented envelope (`{"members": [...]}`,
//! `{"member": {...}}`, …, with object items), is an error ([`BodyError`]).
//!
//! The types serialize to the documented wire shape (`raw` and `unparsed` left out), so the
//! embedded server can answer with them.

use std::collections::HashMap;

use serde_json::value::RawValue;

pub use super::super::model::{BodyError, UNPARSED_MARK};
use super::super::time::Timestamp;

mod backup;
mod fit;
mod member;
mod read;
mod vault;

pub use backup::{Backup, ExtendInfo, ImageData, ObjectType, ReplicationRecord};
pub use fit::{Fit, pick_vault, size_text};
pub use member::{AddMembersRequest, Member, MemberStatus, UpdateMemberRequest};
pub use vault::{Billing, BindRules, Tag, Vault, VaultResource};

/// A field that was sent but could not be read as its documented type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unparsed {
    /// The field's path in its object: `resource_size`, `billing.used`, `tags`.
    pub field: String,
    /// The JSON text of the value exactly as sent: `""`, `"ten"`, `{"a":1}`, `1.5`.
    pub raw: Box<str>,
}

impl Unparsed {
    /// The value as plain text: a JSON string's content, anything else its JSON text.
    pub fn text(&self) -> std::borrow::Cow<'_, str> {
        match read::string(&self.raw) {
            Some(s) => s,
            None => std::borrow::Cow::Borrowed(&self.raw),
        }
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

/// The backup statuses CBR documents (ListBackups' repeatable `status` filter).
pub const BACKUP_STATUSES: [&str; 8] = [
    "available",
    "protecting",
    "deleting",
    "restoring",
    "error",
    "waiting_protect",
    "waiting_delete",
    "waiting_restore",
];

/// One page of a list answer.
#[derive(Clone, Debug, PartialEq)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// The total number of matches (not the page size) when the answer says; `None` when
    /// it is absent (AddMember never sends it), `null` or unreadable.
    pub count: Option<u64>,
}

/// What the envelope parser needs to know of each kind of record.
trait Record: Sized {
    /// What one is called in error messages.
    const KIND: &'static str;
    /// Reads an object (the caller has checked that `text` starts with `{`).
    fn from_object(text: &str) -> Self;
    fn unparsed(&self) -> &[Unparsed];
}

/// Reads one record from `raw`; fails (saying what was found) only when it is not an
/// object.
fn record<T: Record>(raw: &RawValue) -> Result<T, String> {
    let text = raw.get();
    if text.starts_with('{') {
        Ok(T::from_object(text))
    } else {
        Err(format!(
            "expected a {} object, found {}",
            T::KIND,
            json_kind(text)
        ))
    }
}

/// [`record`] for one object on its own.
fn from_raw<T: Record>(raw: &RawValue) -> Result<T, BodyError> {
    record(raw).map_err(BodyError::Shape)
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

/// The members of an envelope object, and the value of its `key` member.
fn envelope<'a>(
    body: &'a str,
    key: &'static str,
) -> Result<(HashMap<String, &'a RawValue>, &'a RawValue), BodyError> {
    if body.trim().is_empty() {
        return Err(BodyError::Empty);
    }
    let map: HashMap<String, &RawValue> = serde_json::from_str(body).map_err(|e| {
        if e.is_data() {
            BodyError::Shape(format!("expected an object with \"{key}\": {e}"))
        } else {
            BodyError::NotJson(e.to_string())
        }
    })?;
    match map.get(key).copied() {
        Some(value) if value.get() != "null" => Ok((map, value)),
        _ => Err(BodyError::MissingField(key)),
    }
}

fn parse_page<T: Record>(body: &str, key: &'static str) -> Result<Page<T>, BodyError> {
    let (map, list) = envelope(body, key)?;
    let items: Vec<&RawValue> = serde_json::from_str(list.get()).map_err(|_| {
        BodyError::Shape(format!(
            "\"{key}\" should be a list, found {}",
            json_kind(list.get())
        ))
    })?;
    let items = items
        .into_iter()
        .enumerate()
        .map(|(index, raw)| {
            record::<T>(raw).map_err(|e| BodyError::Shape(format!("{} {index}: {e}", T::KIND)))
        })
        .collect::<Result<Vec<T>, _>>()?;
    let count = map.get("count").and_then(|raw| {
        let n = read::number(raw.get());
        if n.is_none() && raw.get() != "null" {
            tracing::warn!(
                count = raw.get(),
                "the list's count is not a whole number; ignored"
            );
        }
        n
    });
    log_unparsed(&items);
    Ok(Page { items, count })
}

fn parse_single<T: Record>(body: &str, key: &'static str) -> Result<T, BodyError> {
    let (_, raw) = envelope(body, key)?;
    let one = from_raw::<T>(raw)?;
    log_unparsed(std::slice::from_ref(&one));
    Ok(one)
}

/// Logs once, for one answer, how many fields could not be read and which.
fn log_unparsed<T: Record>(items: &[T]) {
    let count: usize = items.iter().map(|r| r.unparsed().len()).sum();
    if count == 0 {
        return;
    }
    let mut paths: Vec<&str> = items
        .iter()
        .flat_map(|r| r.unparsed().iter().map(|u| u.field.as_str()))
        .collect();
    paths.sort_unstable();
    paths.dedup();
    tracing::warn!(
        count,
        kind = T::KIND,
        rows = items.len(),
        fields = %paths.join(", "),
        "fields could not be read as documented; shown as unknown, kept as sent in the raw JSON"
    );
}

/// Parses AddMember and ShowMembersDetail answers: `{"members": [Member, …], "count": N}`.
pub fn parse_members(body: &str) -> Result<Page<Member>, BodyError> {
    parse_page(body, "members")
}

/// Parses ShowMemberDetail and UpdateMemberStatus answers: `{"member": Member}`.
pub fn parse_member(body: &str) -> Result<Member, BodyError> {
    parse_single(body, "member")
}

/// Parses a ListBackups answer: `{"backups": [Backup, …], "count": N}`.
pub fn parse_backups(body: &str) -> Result<Page<Backup>, BodyError> {
    parse_page(body, "backups")
}

/// Parses a ShowBackup answer: `{"backup": Backup}`.
pub fn parse_backup(body: &str) -> Result<Backup, BodyError> {
    parse_single(body, "backup")
}

/// Parses a ListVault answer: `{"vaults": [Vault, …], "count": N}`.
pub fn parse_vaults(body: &str) -> Result<Page<Vault>, BodyError> {
    parse_page(body, "vaults")
}

/// Parses a ShowVault answer: `{"vault": Vault}`.
pub fn parse_vault(body: &str) -> Result<Vault, BodyError> {
    parse_single(body, "vault")
}

/// The object as JSON: the server's exact text when there is one, else serialized.
fn to_json<T: serde::Serialize>(value: &T, raw: &str) -> String {
    if raw.is_empty() {
        serde_json::to_string(value).unwrap_or_else(|_| "{}".to_owned())
    } else {
        raw.to_owned()
    }
}

#[cfg(test)]
mod tests;
