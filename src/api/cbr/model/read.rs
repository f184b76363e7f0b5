//! Reading a CBR object field by field, so that no single field can fail the record.
//!
//! An object is split into its members with each value kept as raw JSON text (a repeated
//! member: the last one wins, as in `serde_json::Value`); each known member is then read by
//! the rules in the [module docs](super), and what does not fit is recorded as an
//! [`Unparsed`] with the text exactly as sent.

use std::borrow::Cow;
use std::collections::HashMap;

use serde_json::value::RawValue;

use super::{MemberStatus, Unparsed};
use crate::api::time::Timestamp;

/// The members of one JSON object, each value as its raw text, plus where unparsed
/// fields go.
pub(super) struct Fields<'a, 'u> {
    members: HashMap<String, &'a RawValue>,
    /// Prepended to field names in [`Unparsed::field`] (`billing` gives `billing.size`).
    prefix: Option<&'static str>,
    unparsed: &'u mut Vec<Unparsed>,
}

impl<'a, 'u> Fields<'a, 'u> {
    /// The members of `text`, or `None` when `text` is not a JSON object.
    pub(super) fn of(
        text: &'a str,
        prefix: Option<&'static str>,
        unparsed: &'u mut Vec<Unparsed>,
    ) -> Option<Self> {
        if !text.trim_start().starts_with('{') {
            return None;
        }
        let members = serde_json::from_str(text).ok()?;
        Some(Self {
            members,
            prefix,
            unparsed,
        })
    }

    fn path(&self, key: &str) -> String {
        match self.prefix {
            Some(p) => format!("{p}.{key}"),
            None => key.to_owned(),
        }
    }

    fn record(&mut self, key: &str, raw: &str) {
        let field = self.path(key);
        self.unparsed.push(Unparsed {
            field,
            raw: raw.into(),
        });
    }

    /// `None` for an absent member or `null`; the value when `parse` reads the raw text;
    /// otherwise `None`, with the text recorded as unparsed.
    pub(super) fn read<T>(
        &mut self,
        key: &str,
        parse: impl FnOnce(&'a str) -> Option<T>,
    ) -> Option<T> {
        let text = self.members.get(key)?.get();
        if text == "null" {
            return None;
        }
        let value = parse(text);
        if value.is_none() {
            self.record(key, text);
        }
        value
    }

    pub(super) fn text(&mut self, key: &str) -> Option<String> {
        self.read(key, text_of)
    }

    pub(super) fn number(&mut self, key: &str) -> Option<u64> {
        self.read(key, number)
    }

    pub(super) fn flag(&mut self, key: &str) -> Option<bool> {
        self.read(key, flag)
    }

    pub(super) fn time(&mut self, key: &str) -> Option<Timestamp> {
        self.read(key, timestamp)
    }

    pub(super) fn status(&mut self, key: &str) -> Option<MemberStatus> {
        self.read(key, |raw| string(raw).map(|s| MemberStatus::parse(&s)))
    }

    /// The raw text of an object member (`None` and unparsed when it is not an object).
    pub(super) fn object(&mut self, key: &str) -> Option<&'a str> {
        self.read(key, |raw| raw.starts_with('{').then_some(raw))
    }

    /// The raw text of each object in a list member. A member that is not a list is
    /// unparsed as a whole; an item that is not an object is unparsed on its own (under
    /// the list's name) and left out.
    pub(super) fn objects(&mut self, key: &str) -> Option<Vec<&'a str>> {
        let items: Vec<&'a RawValue> = self.read(key, |raw| serde_json::from_str(raw).ok())?;
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            let text = item.get();
            if text.starts_with('{') {
                out.push(text);
            } else if text != "null" {
                self.record(key, text);
            }
        }
        Some(out)
    }

    /// The fields of an object member, read under `prefix`.
    pub(super) fn nested<'s>(
        &'s mut self,
        key: &str,
        prefix: &'static str,
    ) -> Option<(&'a str, Fields<'a, 's>)> {
        let text = self.object(key)?;
        Fields::of(text, Some(prefix), self.unparsed).map(|f| (text, f))
    }

    /// Where this object's unparsed fields go (for the objects of a list member).
    pub(super) fn sink(&mut self) -> &mut Vec<Unparsed> {
        self.unparsed
    }
}

/// The content of a JSON string, or `None` for any other value.
pub(super) fn string(raw: &str) -> Option<Cow<'_, str>> {
    let inner = raw.strip_prefix('"')?.strip_suffix('"')?;
    if inner.contains('\\') {
        serde_json::from_str::<String>(raw).ok().map(Cow::Owned)
    } else {
        Some(Cow::Borrowed(inner))
    }
}

/// Text: a JSON string, or a JSON number kept as its text (`0` reads `"0"`).
pub(super) fn text_of(raw: &str) -> Option<String> {
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

/// A whole number: a JSON integer ≥ 0, or a string of digits (`"40"`).
pub(super) fn number(raw: &str) -> Option<u64> {
    match string(raw) {
        Some(s) => whole_number(&s),
        None => whole_number(raw),
    }
}

/// A boolean: `true`/`false`, or those words as a string in any case.
pub(super) fn flag(raw: &str) -> Option<bool> {
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

/// A timestamp in any form [`Timestamp::parse`] accepts, or a bare date `YYYY-MM-DD`
/// (`protected_at` is declared a date), read as midnight UTC and kept as sent.
pub(super) fn timestamp(raw: &str) -> Option<Timestamp> {
    let s = string(raw)?;
    if let Ok(t) = Timestamp::parse(&s) {
        return Some(t);
    }
    if s.len() == 10 {
        let mut t = Timestamp::parse(&format!("{s}T00:00:00")).ok()?;
        t.raw = s.as_ref().into();
        return Some(t);
    }
    None
}
