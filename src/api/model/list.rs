//! A list answer, `{"shared": [Sharing, …]}`, read in one pass.
//!
//! The envelope is walked by hand, one JSON value at a time, so that each sharing is parsed
//! where it lies in the body and its text is known from where the parse started and ended:
//! the body is read once, not scanned for the list, again for its items and then parsed.
//! Only a sharing the strict reading refuses is scanned again, for the field-by-field
//! reading.

use serde::Deserialize;
use serde::de::IgnoredAny;
use serde_json::value::RawValue;

use super::lenient::{self, Key};
use super::{BodyError, Sharing, json_kind};

/// The most records room is made for ahead of reading them (a full page is 1,000).
const RESERVE_MAX: usize = 1024;

/// Parses `{"shared": [Sharing, …]}` (see [`super::parse_list`]).
pub(super) fn parse(body: &str) -> Result<Vec<Sharing>, BodyError> {
    let mut c = Cursor { text: body, pos: 0 };
    c.skip_ws();
    if c.peek() != Some(b'{') {
        return Err(not_an_object(body));
    }
    c.pos += 1;
    // `None`: not sent (or null); `Err`: sent as something other than a list.
    let mut shared: Option<Result<Vec<Sharing>, &'static str>> = None;
    c.skip_ws();
    if c.peek() == Some(b'}') {
        c.pos += 1;
    } else {
        loop {
            c.skip_ws();
            if c.peek() != Some(b'"') {
                return Err(c.syntax("a member name"));
            }
            let key: Key<'_> = c.value()?;
            c.skip_ws();
            c.expect(b':', "':'")?;
            c.skip_ws();
            if key.0 == "shared" {
                if shared.is_some() {
                    return Err(BodyError::Shape("duplicate field `shared`".into()));
                }
                shared = match c.peek() {
                    Some(b'[') => Some(Ok(c.items()?)),
                    Some(b'n') => c.value::<Option<IgnoredAny>>()?.map(|_| Ok(Vec::new())),
                    _ => {
                        let kind = json_kind(&c.text[c.pos..]);
                        c.value::<IgnoredAny>()?;
                        Some(Err(kind))
                    }
                };
            } else {
                c.value::<IgnoredAny>()?;
            }
            c.skip_ws();
            match c.peek() {
                Some(b',') => c.pos += 1,
                Some(b'}') => {
                    c.pos += 1;
                    break;
                }
                _ => return Err(c.syntax("',' or '}'")),
            }
        }
    }
    c.skip_ws();
    if c.pos < body.len() {
        return Err(c.syntax("the end of the body"));
    }
    match shared {
        None => Err(BodyError::MissingField("shared")),
        Some(Ok(rows)) => Ok(rows),
        Some(Err(kind)) => Err(BodyError::Shape(format!(
            "\"shared\" should be a list, found {kind}"
        ))),
    }
}

/// Why a body that does not start with `{` is refused: not JSON, or JSON of another shape.
fn not_an_object(body: &str) -> BodyError {
    match serde_json::from_str::<IgnoredAny>(body) {
        Err(e) => BodyError::NotJson(e.to_string()),
        Ok(_) => BodyError::Shape(format!(
            "expected an object with \"shared\", found {}",
            json_kind(body.trim_start())
        )),
    }
}

/// A place in the body.
struct Cursor<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn peek(&self) -> Option<u8> {
        self.text.as_bytes().get(self.pos).copied()
    }

    fn skip_ws(&mut self) {
        let b = self.text.as_bytes();
        while self.pos < b.len() && matches!(b[self.pos], b' ' | b'\n' | b'\r' | b'\t') {
            self.pos += 1;
        }
    }

    fn expect(&mut self, byte: u8, what: &str) -> Result<(), BodyError> {
        if self.peek() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.syntax(what))
        }
    }

    fn syntax(&self, expected: &str) -> BodyError {
        match self.peek() {
            None => BodyError::NotJson(format!("the body ends early, expected {expected}")),
            Some(_) => BodyError::NotJson(format!("expected {expected} at byte {}", self.pos)),
        }
    }

    /// Parses the value that starts here and moves past it.
    fn value<T: Deserialize<'a>>(&mut self) -> Result<T, BodyError> {
        match self.parse::<T>() {
            Some(Ok(v)) => Ok(v),
            Some(Err(e)) if e.is_data() => Err(BodyError::Shape(e.to_string())),
            Some(Err(e)) => Err(BodyError::NotJson(e.to_string())),
            None => Err(self.syntax("a value")),
        }
    }

    /// Parses the value that starts here, moving past it when it parses; `None` at the end
    /// of the body.
    fn parse<T: Deserialize<'a>>(&mut self) -> Option<Result<T, serde_json::Error>> {
        let mut values = serde_json::Deserializer::from_str(&self.text[self.pos..]).into_iter();
        let value = values.next()?;
        if value.is_ok() {
            self.pos += values.byte_offset();
        }
        Some(value)
    }

    /// Reads the list that starts here, each sharing with its text.
    fn items(&mut self) -> Result<Vec<Sharing>, BodyError> {
        self.pos += 1;
        let mut rows = Vec::new();
        self.skip_ws();
        if self.peek() == Some(b']') {
            self.pos += 1;
            return Ok(rows);
        }
        loop {
            self.skip_ws();
            let index = rows.len();
            let start = self.pos;
            rows.push(self.item(index)?);
            if index == 0 {
                // Records of one answer are of a similar size: room for as many as the
                // first one's length suggests, so the list is not copied as it grows.
                let each = (self.pos - start).max(1);
                rows.reserve(((self.text.len() - self.pos) / each).min(RESERVE_MAX));
            }
            self.skip_ws();
            match self.peek() {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(rows);
                }
                _ => return Err(self.syntax("',' or ']'")),
            }
        }
    }

    /// Reads the sharing that starts here: strictly in one pass, else field by field.
    fn item(&mut self, index: usize) -> Result<Sharing, BodyError> {
        let start = self.pos;
        if self.peek() != Some(b'{') {
            let raw: &RawValue = self.value()?;
            return Sharing::from_raw(raw).map_err(|source| BodyError::Item { index, source });
        }
        if let Some(Ok(mut sharing)) = self.parse::<Sharing>() {
            sharing.raw = self.text[start..self.pos].into();
            return Ok(sharing);
        }
        let raw: &RawValue = self.value()?;
        lenient::sharing(raw.get()).map_err(|source| BodyError::Item { index, source })
    }
}
