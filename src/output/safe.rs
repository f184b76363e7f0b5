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

/// Bytes that may start an unsafe character: ASCII controls and DEL, and the UTF-8 lead
/// bytes of every unsafe character beyond ASCII (C1 controls and soft hyphen `C2`, U+034F
/// `CD`, U+061C `D8`, U+115F–U+180E `E1`, U+200B–U+206F `E2`, U+3164 `E3`, U+FEFF–U+FFFB
/// `EF`, U+1BCA0 and U+1D173 `F0`, tags `F3`). Any other byte, continuation bytes
/// included, is never the start of one.
static SUSPECT: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        t[b] = true;
        b += 1;
    }
    t[0x7f] = true;
    let leads = [0xC2, 0xCD, 0xD8, 0xE1, 0xE2, 0xE3, 0xEF, 0xF0, 0xF3];
    let mut i = 0;
    while i < leads.len() {
        t[leads[i]] = true;
        i += 1;
    }
    t
};

/// `json` with every unsafe character (C0/C1 controls, DEL, bidi controls, U+2028/U+2029
/// and invisible format characters, see [`is_unsafe`]) written as a `\uXXXX` escape, as a
/// surrogate pair above U+FFFF. Inside strings (keys too) this is the same data once
/// parsed; between tokens only JSON's own whitespace (space, tab, LF, CR) is left as is.
/// Escapes already in the text (`\u001b`) are left alone: they are safe as written.
///
/// Borrows `json` when nothing needs escaping; it does not allocate then.
pub fn json_for_terminal(json: &str) -> Cow<'_, str> {
    // The common case, a compact row of plain text, is decided 8 bytes at a time; only a
    // text with a suspect byte is walked with its strings tracked.
    if !has_suspect_byte(json.as_bytes()) {
        return Cow::Borrowed(json);
    }
    let bytes = json.as_bytes();
    let mut out: Option<String> = None;
    // Bytes before `copied` are in `out` already (when it exists).
    let mut copied = 0;
    let mut in_string = false;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            b'"' => in_string = !in_string,
            // An escaped quote or backslash neither ends the string nor escapes the next.
            b'\\' if in_string && matches!(bytes.get(i + 1), Some(b'"' | b'\\')) => i += 1,
            b'\t' | b'\n' | b'\r' if !in_string => {}
            b if SUSPECT[usize::from(b)] => {
                // `i` is on a char boundary: an ASCII byte or a lead byte, never a
                // continuation byte.
                let c = json[i..]
                    .chars()
                    .next()
                    .unwrap_or(char::REPLACEMENT_CHARACTER);
                if is_unsafe(c) {
                    let o = out.get_or_insert_with(|| String::with_capacity(json.len() + 32));
                    o.push_str(&json[copied..i]);
                    push_u_escape(o, c);
                    copied = i + c.len_utf8();
                }
                i += c.len_utf8() - 1;
            }
            _ => {}
        }
        i += 1;
    }
    match out {
        None => Cow::Borrowed(json),
        Some(mut o) => {
            o.push_str(&json[copied..]);
            Cow::Owned(o)
        }
    }
}

/// Whether any byte of `bytes` is [`SUSPECT`]; printable ASCII is passed 8 bytes at a time.
fn has_suspect_byte(bytes: &[u8]) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut chunks = bytes.chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let w = u64::from_le_bytes(word);
        // A byte below 0x20, a DEL or a byte beyond ASCII (no false negatives).
        let below_space = w.wrapping_sub(0x20 * ONES) & !w;
        let del = (w ^ (0x7f * ONES)).wrapping_sub(ONES) & !(w ^ (0x7f * ONES));
        if (below_space | del | w) & HIGH != 0 && chunk.iter().any(|&b| SUSPECT[usize::from(b)]) {
            return true;
        }
    }
    chunks.remainder().iter().any(|&b| SUSPECT[usize::from(b)])
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

/// A JSON object of named lists, `{"backups": [e, e], "errors": []}`, written element by
/// element (the `-o json` documents of CBR's lists, in the CLI and the browser's export), so
/// a long list is never held twice and a writer may stop or report between elements.
///
/// Each element is JSON text (the server's, as sent); on a terminal sink it is re-escaped
/// as [`write_json_body`] does. The bytes are those `write_json_body` writes for the same
/// document built as one string: `{"a": [x, y], "b": []}` and a newline.
#[derive(Debug)]
pub struct JsonLists<'w, W: Write> {
    out: &'w mut W,
    sink: Sink,
    /// A list is open.
    open: bool,
    /// Elements in the open list so far.
    items: usize,
}

impl<'w, W: Write> JsonLists<'w, W> {
    /// Starts the document.
    pub fn start(out: &'w mut W, sink: Sink) -> io::Result<Self> {
        out.write_all(b"{")?;
        Ok(JsonLists {
            out,
            sink,
            open: false,
            items: 0,
        })
    }

    /// Ends the open list, if any, and opens the list named `key` (our own ASCII name,
    /// written as it is).
    pub fn list(&mut self, key: &str) -> io::Result<()> {
        if self.open {
            self.out.write_all(b"], ")?;
        }
        write!(self.out, "\"{key}\": [")?;
        self.open = true;
        self.items = 0;
        Ok(())
    }

    /// Writes one element of the open list.
    pub fn item(&mut self, json: &str) -> io::Result<()> {
        if self.items > 0 {
            self.out.write_all(b", ")?;
        }
        self.items += 1;
        if self.sink.terminal {
            self.out.write_all(json_for_terminal(json).as_bytes())
        } else {
            self.out.write_all(json.as_bytes())
        }
    }

    /// Ends the open list and the document, and writes the newline.
    pub fn finish(self) -> io::Result<()> {
        if self.open {
            self.out.write_all(b"]")?;
        }
        self.out.write_all(b"}\n")
    }
}

/// One element of CBR's shared-with-me list in `-o json`: `{"member_status": "…",
/// "backup": {…}}`, the backup's JSON as sent, the status one of CBR's words.
pub fn shared_backup_json(member_status: &str, backup: &str) -> String {
    format!("{{\"member_status\": \"{member_status}\", \"backup\": {backup}}}")
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
    fn every_unsafe_character_starts_with_a_suspect_byte() {
        let mut buf = [0u8; 4];
        for c in (0..=u32::from(char::MAX)).filter_map(char::from_u32) {
            if is_unsafe(c) {
                let first = c.encode_utf8(&mut buf).as_bytes()[0];
                assert!(SUSPECT[usize::from(first)], "{c:?}");
            }
        }
    }

    #[test]
    fn every_suspect_byte_is_found_wherever_it_is() {
        assert!(!has_suspect_byte(
            b"plain ascii text, \"quotes\" and \\ too"
        ));
        assert!(!has_suspect_byte("数据库 café".as_bytes()));
        for len in 1..20 {
            for at in 0..len {
                for b in 0..=255u8 {
                    let mut text = vec![b'a'; len];
                    text[at] = b;
                    assert_eq!(has_suspect_byte(&text), SUSPECT[usize::from(b)], "{b:#x}");
                }
            }
        }
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

    /// The lists document is byte for byte what the CLI wrote before it streamed: the
    /// joined body through `write_json_body`, on a file and on a terminal.
    #[test]
    fn json_lists_write_what_the_joined_body_would() {
        let items = [
            "{\"name\":\"a\\u001b\",\"raw\":\"esc\u{1b}]0;x\u{7}\",\"bidi\":\"\u{202e}\"}",
            r#"{"q":"a\"b\\","n":1.5}"#,
        ];
        let errors = ["{\"backup_id\":null,\"error\":\"\u{200b}\"}"];
        for sink in [Sink::file(), TERMINAL] {
            let mut streamed = Vec::new();
            let mut doc = JsonLists::start(&mut streamed, sink).unwrap();
            doc.list("members").unwrap();
            for i in items {
                doc.item(i).unwrap();
            }
            doc.list("errors").unwrap();
            for e in errors {
                doc.item(e).unwrap();
            }
            doc.finish().unwrap();
            let body = format!(
                "{{\"members\": [{}], \"errors\": [{}]}}",
                items.join(", "),
                errors.join(", ")
            );
            let mut joined = Vec::new();
            write_json_body(&mut joined, &body, sink).unwrap();
            assert_eq!(
                String::from_utf8(streamed).unwrap(),
                String::from_utf8(joined).unwrap()
            );
        }
        let mut empty = Vec::new();
        let mut doc = JsonLists::start(&mut empty, Sink::file()).unwrap();
        doc.list("backups").unwrap();
        doc.finish().unwrap();
        assert_eq!(empty, b"{\"backups\": []}\n");
        let one = shared_backup_json("pending", r#"{"id":"b"}"#);
        let v: Value = serde_json::from_str(&one).unwrap();
        assert_eq!(
            (&v["member_status"], &v["backup"]["id"]),
            (&"pending".into(), &"b".into())
        );
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
