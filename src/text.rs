//! Making server-supplied text safe and measurable for a terminal.
//!
//! Every string that came from a server passes through [`sanitize`] before it reaches a
//! screen or a table: C0 and C1 controls, escape sequences (CSI, OSC, …), bidi overrides and
//! invisible format characters are shown as visible escapes such as `\x1b`, `\u{202e}` or
//! `\u{200b}`, so hostile names cannot change colours, titles or the cursor, reorder the
//! text around them, or make two different IDs or names look the same.

use std::borrow::Cow;
use std::fmt::Write as _;

use unicode_width::UnicodeWidthStr;

/// Whether `c` must not reach a terminal as-is: C0, DEL and C1 controls, bidi controls, the
/// line and paragraph separators, and characters that draw nothing.
///
/// "Draw nothing" is Unicode's default-ignorable set (soft hyphen, zero-width space and
/// joiners, word joiner, invisible operators, BOM, Hangul fillers, tag characters, …) plus
/// the interlinear annotation controls, except the variation selectors (U+FE00–U+FE0F,
/// U+E0100–U+E01EF, Mongolian U+180B–U+180D and U+180F), which emoji and CJK text need and
/// which only choose how the character before them looks. The zero-width joiner is shown
/// too, so a ZWJ emoji sequence (👩‍💻) reads as its parts joined by `\u{200d}`.
pub fn is_unsafe(c: char) -> bool {
    if (' '..='~').contains(&c) {
        return false; // printable ASCII: the common case, decided at once
    }
    c.is_control() // C0, DEL and C1 (U+0080–U+009F)
        || matches!(
            c,
            // bidi controls
            '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}'
            // line and paragraph separators
            | '\u{2028}' | '\u{2029}'
            // invisible: soft hyphen, combining grapheme joiner, Hangul fillers, Khmer
            // inherent vowels, Mongolian vowel separator, zero-width space/non-joiner/joiner,
            // word joiner, invisible operators, deprecated format controls, BOM, interlinear
            // annotation, shorthand and musical format controls, tags
            | '\u{00AD}'
            | '\u{034F}'
            | '\u{115F}' | '\u{1160}' | '\u{3164}' | '\u{FFA0}'
            | '\u{17B4}' | '\u{17B5}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200D}'
            | '\u{2060}'..='\u{2065}'
            | '\u{206A}'..='\u{206F}'
            | '\u{FEFF}'
            | '\u{FFF0}'..='\u{FFFB}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E00FF}'
            | '\u{E01F0}'..='\u{E0FFF}'
        )
}

/// Replaces every unsafe character by a visible escape (`\x1b`, `\n`, `\u{202e}`).
/// Returns the input unchanged (borrowed) when nothing needs escaping.
pub fn sanitize(s: &str) -> Cow<'_, str> {
    if !s.chars().any(is_unsafe) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if !is_unsafe(c) {
            out.push(c);
            continue;
        }
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x100 => {
                let _ = write!(out, "\\x{:02x}", c as u32);
            }
            c => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
        }
    }
    Cow::Owned(out)
}

/// The number of terminal columns `s` occupies (CJK and emoji count two).
pub fn width(s: &str) -> usize {
    UnicodeWidthStr::width(s)
}

/// Cuts `s` to at most `max` columns, ending in `…` when cut; never splits a wide char.
pub fn truncate(s: &str, max: usize) -> Cow<'_, str> {
    if width(s) <= max {
        return Cow::Borrowed(s);
    }
    if max == 0 {
        return Cow::Borrowed("");
    }
    let mut out = String::new();
    let mut used = 0;
    for c in s.chars() {
        let w = unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
        if used + w > max - 1 {
            break;
        }
        out.push(c);
        used += w;
    }
    out.push('…');
    Cow::Owned(out)
}

/// Pads `s` with spaces on the right to exactly `cols` columns (cutting it when longer).
pub fn pad(s: &str, cols: usize) -> String {
    let t = truncate(s, cols);
    let w = width(&t);
    let mut out = t.into_owned();
    out.extend(std::iter::repeat_n(' ', cols.saturating_sub(w)));
    out
}

/// A size given in GB as human units: `512 GB`, `1.5 TB`, `32 TB`.
pub fn human_gb(gb: u64) -> String {
    if gb < 1024 {
        format!("{gb} GB")
    } else {
        let tb = gb as f64 / 1024.0;
        if (tb - tb.round()).abs() < 0.05 {
            format!("{} TB", tb.round() as u64)
        } else {
            format!("{tb:.1} TB")
        }
    }
}

/// An integer with thousands separators: `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_borrowed() {
        assert!(matches!(sanitize("db-prod 数据库 🚀"), Cow::Borrowed(_)));
    }

    #[test]
    fn escapes_become_visible() {
        assert_eq!(
            sanitize("evil\u{1b}[31mred\u{1b}[0m"),
            "evil\\x1b[31mred\\x1b[0m"
        );
        assert_eq!(
            sanitize("title\u{1b}]0;pwned\u{7}"),
            "title\\x1b]0;pwned\\x07"
        );
        assert_eq!(sanitize("a\tb\nc\rd"), "a\\tb\\nc\\rd");
        assert_eq!(sanitize("c1\u{9b}31m"), "c1\\x9b31m");
        assert_eq!(
            sanitize("bidi\u{202e}evil\u{2066}"),
            "bidi\\u{202e}evil\\u{2066}"
        );
        assert_eq!(sanitize("del\u{7f}"), "del\\x7f");
        for s in ["\u{1b}[2J", "\u{1b}P…\u{1b}\\", "\u{85}"] {
            assert!(!sanitize(s).chars().any(is_unsafe), "{s:?}");
        }
    }

    #[test]
    fn invisible_characters_become_visible() {
        // Two IDs that look the same on screen when the invisible characters pass.
        assert_eq!(sanitize("ab\u{200b}cd"), "ab\\u{200b}cd");
        assert_eq!(sanitize("\u{feff}id"), "\\u{feff}id");
        assert_eq!(sanitize("soft\u{ad}hyphen"), "soft\\xadhyphen");
        assert_eq!(sanitize("a\u{2060}b\u{200c}c"), "a\\u{2060}b\\u{200c}c");
        assert_eq!(sanitize("👩\u{200d}💻"), "👩\\u{200d}💻");
        assert_eq!(sanitize("tag\u{e0041}\u{e007f}"), "tag\\u{e0041}\\u{e007f}");
        for c in [
            '\u{180e}',
            '\u{2061}',
            '\u{2064}',
            '\u{206a}',
            '\u{206f}',
            '\u{fff9}',
            '\u{fffb}',
            '\u{e0001}',
            '\u{e0020}',
            '\u{3164}',
            '\u{115f}',
            '\u{34f}',
            '\u{1d173}',
        ] {
            assert!(is_unsafe(c), "{c:?}");
            assert!(!sanitize(&c.to_string()).chars().any(is_unsafe), "{c:?}");
        }
    }

    #[test]
    fn emoji_and_scripts_stay_as_they_are() {
        for s in [
            "❤\u{fe0f} heart",
            "葛\u{e0100}",
            "🚀 release",
            "数据库备份",
            "ウェブサーバー",
            "백업 테스트",
            "café ñ",
            "€ ™ — …",
        ] {
            assert!(matches!(sanitize(s), Cow::Borrowed(_)), "{s:?}");
        }
    }

    #[test]
    fn widths_count_wide_chars() {
        assert_eq!(width("abc"), 3);
        assert_eq!(width("数据"), 4);
        assert_eq!(width("🚀"), 2);
        assert_eq!(truncate("数据库备份", 5), "数据…");
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("abc", 3), "abc");
        assert_eq!(pad("数", 4), "数  ");
        assert_eq!(width(&pad("数据库备份", 5)), 5);
    }

    #[test]
    fn sizes_and_counts() {
        assert_eq!(human_gb(1), "1 GB");
        assert_eq!(human_gb(1536), "1.5 TB");
        assert_eq!(human_gb(32768), "32 TB");
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(1234), "1,234");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }
}
