//! Reading a sharing field by field, so that no single field can fail the record.
//!
//! An object is first split into its members with each value kept as raw JSON text (no
//! `duplicate field` errors: the last one wins, as in `serde_json::Value`), then every known
//! member is read by the rules in the [module docs](super); what does not fit is recorded
//! as [`Unparsed`] with its text.

use std::borrow::Cow;
use std::fmt;

use serde::Deserialize;
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde_json::value::RawValue;

use super::{Backup, BackupField, Field, Sharing, SharingField, Unparsed};
use crate::api::time::Timestamp;

/// A member name, borrowed from the input unless it had escapes.
pub(super) struct Key<'de>(pub(super) Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a member name")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
        }
        d.deserialize_str(V)
    }
}

/// An object's members in order, each value as its raw JSON text.
struct Members<'de>(Vec<(Key<'de>, &'de RawValue)>);

impl<'de> Deserialize<'de> for Members<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Members<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Members<'de>, A::Error> {
                let mut members = Vec::with_capacity(map.size_hint().unwrap_or(16));
                while let Some(entry) = map.next_entry::<Key<'de>, &'de RawValue>()? {
                    members.push(entry);
                }
                Ok(Members(members))
            }
        }
        d.deserialize_map(V)
    }
}

/// The strict reading of `backup`: an object or `null`, never the list form serde accepts
/// for a struct by default.
pub(super) fn object_or_null<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Backup>, D::Error> {
    struct Obj;
    impl<'de> Visitor<'de> for Obj {
        type Value = Backup;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a backup object")
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Backup, A::Error> {
            Backup::deserialize(de::value::MapAccessDeserializer::new(map))
        }
    }
    struct Opt;
    impl<'de> Visitor<'de> for Opt {
        type Value = Option<Backup>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a backup object or null")
        }
        fn visit_none<E: de::Error>(self) -> Result<Option<Backup>, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<Backup>, D::Error> {
            d.deserialize_map(Obj).map(Some)
        }
    }
    d.deserialize_option(Opt)
}

/// The strict reading of a timestamp or `null`, without copying the text first.
pub(super) fn timestamp_or_null<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<Timestamp>, D::Error> {
    struct Text;
    impl Visitor<'_> for Text {
        type Value = Timestamp;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a timestamp")
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<Timestamp, E> {
            Timestamp::parse(v).map_err(E::custom)
        }
    }
    struct Opt;
    impl<'de> Visitor<'de> for Opt {
        type Value = Option<Timestamp>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a timestamp or null")
        }
        fn visit_none<E: de::Error>(self) -> Result<Option<Timestamp>, E> {
            Ok(None)
        }
        fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Option<Timestamp>, D::Error> {
            d.deserialize_str(Text).map(Some)
        }
    }
    d.deserialize_option(Opt)
}

/// Reads a sharing object (the caller has checked that `text` starts with `{`).
pub(super) fn sharing(text: &str) -> Result<Sharing, serde_json::Error> {
    use SharingField as S;
    let Members(members) = serde_json::from_str(text)?;
    let mut slot: [Option<&RawValue>; 9] = [None; 9];
    for (key, value) in members {
        let i = match key.0.as_ref() {
            "id" => 0,
            "backup_id" => 1,
            "from_project_id" => 2,
            "to_project_id" => 3,
            "created_at" => 4,
            "updated_at" => 5,
            "deleted" => 6,
            "deleted_at" => 7,
            "backup" => 8,
            _ => continue,
        };
        slot[i] = Some(value);
    }
    let mut r = Reader::default();
    let mut s = Sharing {
        id: r.read(S::Id, slot[0], text_of),
        backup_id: r.read(S::BackupId, slot[1], text_of),
        from_project_id: r.read(S::FromProjectId, slot[2], text_of),
        to_project_id: r.read(S::ToProjectId, slot[3], text_of),
        created_at: r.read(S::CreatedAt, slot[4], timestamp),
        updated_at: r.read(S::UpdatedAt, slot[5], timestamp),
        deleted: r.read(S::Deleted, slot[6], flag),
        deleted_at: r.read(S::DeletedAt, slot[7], timestamp),
        // Read after the sharing's own fields, so the backup's unparsed ones follow theirs.
        backup: match slot[8] {
            Some(raw) if raw.get().starts_with('{') => backup(raw.get(), &mut r),
            other => r.read(S::Backup, other, |_| None::<Backup>),
        },
        raw: text.into(),
        unparsed: Vec::new(),
    };
    s.unparsed = r.unparsed;
    Ok(s)
}

/// Reads a backup object (the caller has checked that `text` starts with `{`, so it is one).
fn backup(text: &str, r: &mut Reader) -> Option<Backup> {
    use BackupField as B;
    let Ok(Members(members)) = serde_json::from_str::<Members<'_>>(text) else {
        return None;
    };
    let mut slot: [Option<&RawValue>; 18] = [None; 18];
    for (key, value) in members {
        let i = match key.0.as_ref() {
            "id" => 0,
            "name" => 1,
            "status" => 2,
            "size" => 3,
            "volume_id" => 4,
            "snapshot_id" => 5,
            "availability_zone" => 6,
            "container" => 7,
            "description" => 8,
            "fail_reason" => 9,
            "created_at" => 10,
            "updated_at" => 11,
            "data_timestamp" => 12,
            "object_count" => 13,
            "is_incremental" => 14,
            "has_dependent_backups" => 15,
            "service_metadata" => 16,
            "has_dependent_backup" => 17,
            _ => continue,
        };
        slot[i] = Some(value);
    }
    Some(Backup {
        id: r.read(B::Id, slot[0], text_of),
        name: r.read(B::Name, slot[1], text_of),
        status: r.read(B::Status, slot[2], text_of),
        size: r.read(B::Size, slot[3], count),
        volume_id: r.read(B::VolumeId, slot[4], text_of),
        snapshot_id: r.read(B::SnapshotId, slot[5], text_of),
        availability_zone: r.read(B::AvailabilityZone, slot[6], text_of),
        container: r.read(B::Container, slot[7], text_of),
        description: r.read(B::Description, slot[8], text_of),
        fail_reason: r.read(B::FailReason, slot[9], text_of),
        created_at: r.read(B::CreatedAt, slot[10], timestamp),
        updated_at: r.read(B::UpdatedAt, slot[11], timestamp),
        data_timestamp: r.read(B::DataTimestamp, slot[12], timestamp),
        object_count: r.read(B::ObjectCount, slot[13], count),
        is_incremental: r.read(B::IsIncremental, slot[14], flag),
        // The examples' spelling wins over the field table's when both are sent.
        has_dependent_backups: r.read(B::HasDependentBackups, slot[15].or(slot[17]), flag),
        service_metadata: r.read(B::ServiceMetadata, slot[16], text_of),
    })
}

/// Collects the fields that did not parse.
#[derive(Default)]
struct Reader {
    unparsed: Vec<Unparsed>,
}

impl Reader {
    /// `None` for an absent field or `null`; the value when `parse` reads the raw text;
    /// otherwise `None`, with the text recorded as unparsed.
    fn read<T>(
        &mut self,
        field: impl Into<Field>,
        raw: Option<&RawValue>,
        parse: impl FnOnce(&str) -> Option<T>,
    ) -> Option<T> {
        let text = raw?.get();
        if text == "null" {
            return None;
        }
        let value = parse(text);
        if value.is_none() {
            self.unparsed.push(Unparsed {
                field: field.into(),
                raw: text.into(),
            });
        }
        value
    }
}

/// The content of a JSON string, or `None` for any other value (`raw` is valid JSON, so
/// text between quotes without a backslash is the content as is).
fn string(raw: &str) -> Option<Cow<'_, str>> {
    let inner = raw.strip_prefix('"')?.strip_suffix('"')?;
    if inner.contains('\\') {
        serde_json::from_str::<String>(raw).ok().map(Cow::Owned)
    } else {
        Some(Cow::Borrowed(inner))
    }
}

/// Text: a JSON string, or a JSON number kept as its text.
fn text_of(raw: &str) -> Option<String> {
    match raw.as_bytes().first() {
        Some(b'"') => string(raw).map(Cow::into_owned),
        Some(b'-' | b'0'..=b'9') => Some(raw.to_owned()),
        _ => None,
    }
}

/// A whole number written as ASCII digits, with optional surrounding whitespace.
pub(super) fn whole_number(s: &str) -> Option<u64> {
    let s = s.trim();
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// A whole number: a JSON integer ≥ 0 or a string of digits.
fn count(raw: &str) -> Option<u64> {
    match string(raw) {
        Some(s) => whole_number(&s),
        // Surrounding whitespace is not part of a raw value, so this is digits only.
        None => whole_number(raw),
    }
}

/// A boolean: `true`/`false`, or those words as a string in any case.
fn flag(raw: &str) -> Option<bool> {
    let s = match raw {
        "true" => return Some(true),
        "false" => return Some(false),
        _ => string(raw)?,
    };
    let s = s.trim();
    if s.eq_ignore_ascii_case("true") {
        Some(true)
    } else if s.eq_ignore_ascii_case("false") {
        Some(false)
    } else {
        None
    }
}

/// A timestamp in any form [`Timestamp::parse`] accepts.
fn timestamp(raw: &str) -> Option<Timestamp> {
    Timestamp::parse(&string(raw)?).ok()
}
