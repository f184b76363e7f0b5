//! Output safety: what may reach the place output goes to.
//!
//! Server text is another tenant's text (a backup shared with you carries its owner's
//! name). On a terminal it must not act: escape sequences could set the title, write the
//! clipboard (OSC 52) or plant hyperlinks, and invisible characters could make two IDs look
//! the same. In a file or a pipe it must stay the data it is. So:
//!
//! - `table`: always sanitised ([`crate::text::sanitize`]), it is for people.
//! - `json`/`ndjson`: on a terminal, [`json_for_terminal`] re-escapes unsafe characters as
//!   `\uXXXX` (still valid JSON, the same data); elsewhere the server's bytes.
//! - `csv`: formula-guarded unless `csv_raw` (see [`crate::output::csv`]); on a terminal
//!   also sanitised.

use std::borrow::Cow;
use std::fmt::Write as _;
use std::io::{self, IsTerminal, Write};

use crate::text::is_unsafe;

/// Where output goes, and what that asks of it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Sink {
    /// Output reaches a terminal: nothing in it may act as a control sequence or hide.
    pub terminal: bool,
    /// Write CSV cells exactly as they are, without formula guarding (`--csv-raw`).
    pub csv_raw: bool,
}

impl Sink {
    /// Standard output: a terminal when [`IsTerminal`] says so.
    pub fn stdout(csv_raw: bool) -> Self {
        Sink {
            terminal: io::stdout().is_terminal(),
            csv_raw,
        }
    }

    /// A file or pipe, CSV formula-guarded (the browser's export).
    pub fn file() -> Self {
        Sink::default()
    }
}

/// `json` with every unsafe character (C0/C1 controls, DEL, bidi controls, U+2028/U+2029
/// and invisible format characters, see [`is_unsafe`]) written as a `\uXXXX` escape, as a
/// surrogate pair above U+FFFF. Inside strings (keys too) this is the same data once
/// parsed; between tokens only JSON's own whitespace (space, tab, LF, CR) is left as is.
/// Escapes already in the text (`\u001b`) are left alone: they are safe as written.
///
/// Borrows `json` when nothing needs escaping; it does not allocate then.
pub fn json_for_terminal(json: &str) -> Cow<'_, str> {
    let bytes = json.as_bytes();
    let mut out: Option<String> = None;
    // Bytes before `copied` are in `out` already (when it exists).
    let mut copied = 0;
    let mut in_string = false;
    let mut escaped = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let (c, len) = if b < 0x80 {
            (char::from(b), 1)
        } else {
            // `i` is always on a char boundary: it moves by whole chars.
            let c = json[i..]
                .chars()
                .next()
                .unwrap_or(char::REPLACEMENT_CHARACTER);
            (c, c.len_utf8())
        };
        let was_escaped = std::mem::replace(&mut escaped, false);
        match c {
            '"' if !was_escaped => in_string = !in_string,
            '\\' if in_string && !was_escaped => escaped = true,
            ' ' | '\t' | '\n' | '\r' if !in_string => {}
            c if is_unsafe(c) => {
                let o = out.get_or_insert_with(|| String::with_capacity(json.len() + 32));
                o.push_str(&json[copied..i]);
                push_u_escape(o, c);
                copied = i + len;
            }
            _ => {}
        }
        i += len;
    }
    match out {
        None => Cow::Borrowed(json),
        Some(mut o) => {
            o.push_str(&json[copied..]);
            Cow::Owned(o)
        }
    }
}

/// Appends `c` as `\uXXXX`, or as a UTF-16 surrogate pair of two such escapes.
fn push_u_escape(out: &mut String, c: char) {
    let mut units = [0u16; 2];
    for u in c.encode_utf16(&mut units) {
        let _ = write!(out, "\\u{u:04x}");
    }
}

/// Writes the server's JSON `body` (the `-o json` of one page or one sharing) and a
/// newline: its exact text, trailing whitespace trimmed, re-escaped for a terminal sink.
pub fn write_json_body(out: &mut impl Write, body: &str, sink: Sink) -> io::Result<()> {
    let body = body.trim_end();
    if sink.terminal {
        out.write_all(json_for_terminal(body).as_bytes())?;
    } else {
        out.write_all(body.as_bytes())?;
    }
    out.write_all(b"\n")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::Value;

    const TERMINAL: Sink = Sink {
        terminal: true,
        csv_raw: false,
    };

    /// Characters a terminal must never receive raw from JSON output.
    fn raw_unsafe(text: &str) -> Option<char> {
        text.chars()
            .find(|&c| is_unsafe(c) && !matches!(c, '\n' | '\t' | '\r'))
    }

    #[test]
    fn clean_json_is_borrowed() {
        let body = r#"{"shared":[{"name":"db-prod 数据库 🚀 ❤️","esc":"\u001b[31m"}]}"#;
        assert!(matches!(json_for_terminal(body), Cow::Borrowed(_)));
        let pretty = "{\n\t\"a\": [1, 2],\r\n  \"b\": \"x\"\n}\n";
        assert!(matches!(json_for_terminal(pretty), Cow::Borrowed(_)));
    }

    #[test]
    fn hostile_characters_are_re_escaped_as_the_same_data() {
        let body = "{\"na\u{200b}me\":\"title\u{1b}]0;pwned\u{7}\u{202e}txt\u{feff}\u{85}\u{7f}\u{2028}\u{e0041}\",\n \"q\":\"a\\\"\u{1b}\\\\\u{200b}\"}";
        let safe = json_for_terminal(body);
        assert_eq!(
            safe,
            "{\"na\\u200bme\":\"title\\u001b]0;pwned\\u0007\\u202etxt\\ufeff\\u0085\\u007f\\u2028\\udb40\\udc41\",\n \"q\":\"a\\\"\\u001b\\\\\\u200b\"}"
        );
        assert_eq!(raw_unsafe(&safe), None);
        // Raw ESC and BEL in a string are not JSON; escaped, they are the same characters.
        let after: Value = serde_json::from_str(&safe).unwrap();
        assert_eq!(
            after,
            serde_json::json!({
                "na\u{200b}me": "title\u{1b}]0;pwned\u{7}\u{202e}txt\u{feff}\u{85}\u{7f}\u{2028}\u{e0041}",
                "q": "a\"\u{1b}\\\u{200b}",
            })
        );
    }

    #[test]
    fn raw_controls_outside_strings_are_escaped_too() {
        // Not JSON, but it must not reach the terminal as what it is either.
        assert_eq!(json_for_terminal("{}\u{1b}[2J\n"), "{}\\u001b[2J\n");
    }

    #[test]
    fn json_bodies_are_exact_off_a_terminal_and_safe_on_one() {
        let body = "{\"shared\":[{\"name\":\"a\u{202e}b\u{200b}\"}]}\n\n";
        let mut file = Vec::new();
        write_json_body(&mut file, body, Sink::file()).unwrap();
        assert_eq!(
            file,
            "{\"shared\":[{\"name\":\"a\u{202e}b\u{200b}\"}]}\n".as_bytes()
        );
        let mut tty = Vec::new();
        write_json_body(&mut tty, body, TERMINAL).unwrap();
        let tty = String::from_utf8(tty).unwrap();
        assert_eq!(tty, "{\"shared\":[{\"name\":\"a\\u202eb\\u200b\"}]}\n");
    }

    /// Text rich in what matters: quotes, backslashes, controls, bidi, invisible, astral.
    fn hostile_string() -> impl Strategy<Value = String> {
        let special = prop::sample::select(vec![
            '"',
            '\\',
            '\u{1b}',
            '\u{7}',
            '\n',
            '\t',
            '\r',
            '\u{7f}',
            '\u{85}',
            '\u{9b}',
            '\u{202e}',
            '\u{2066}',
            '\u{200b}',
            '\u{200d}',
            '\u{feff}',
            '\u{ad}',
            '\u{2028}',
            '\u{2029}',
            '\u{e0041}',
            '\u{fe0f}',
            '🚀',
            '数',
            'a',
            ' ',
        ]);
        prop::collection::vec(prop_oneof![special, any::<char>()], 0..24)
            .prop_map(|v| v.into_iter().collect())
    }

    fn json_value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            hostile_string().prop_map(Value::String),
        ];
        leaf.prop_recursive(3, 32, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::btree_map(hostile_string(), inner, 0..6)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        /// Re-escaped JSON, compact or pretty, parses to the same value and holds no
        /// character a terminal would act on.
        #[test]
        fn re_escaped_json_is_the_same_data(v in json_value(), pretty in any::<bool>()) {
            let text = if pretty {
                serde_json::to_string_pretty(&v).unwrap()
            } else {
                serde_json::to_string(&v).unwrap()
            };
            let safe = json_for_terminal(&text);
            prop_assert_eq!(raw_unsafe(&safe), None);
            let back: Value = serde_json::from_str(&safe).unwrap();
            prop_assert_eq!(back, v);
            if raw_unsafe(&text).is_none() {
                prop_assert!(matches!(safe, Cow::Borrowed(_)));
            }
        }
    }
}
