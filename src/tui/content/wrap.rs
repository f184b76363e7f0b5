//! Wrapping text to a column width, counting wide characters as two.

use unicode_width::UnicodeWidthChar;

use crate::text::width;

/// Wraps one line of (already sanitized) text to `cols` columns: at spaces where
/// possible, inside a word when a word is longer than a line. Always at least one line.
pub fn wrap(text: &str, cols: usize) -> Vec<String> {
    let cols = cols.max(1);
    let mut out = Vec::new();
    let mut line = String::new();
    let mut used = 0usize;
    let push = |out: &mut Vec<String>, line: &mut String| {
        let mut l = std::mem::take(line);
        l.truncate(l.trim_end_matches(' ').len());
        out.push(l);
    };
    for word in split_keep_spaces(text) {
        let w = width(word);
        if used == 0 && !out.is_empty() && word.starts_with(' ') {
            continue;
        }
        if used + w <= cols {
            line.push_str(word);
            used += w;
            continue;
        }
        if word.starts_with(' ') {
            // Spaces at the break are dropped.
            push(&mut out, &mut line);
            used = 0;
            continue;
        }
        if used > 0 {
            push(&mut out, &mut line);
            used = 0;
        }
        for c in word.chars() {
            let cw = c.width().unwrap_or(0);
            if used + cw > cols && used > 0 {
                push(&mut out, &mut line);
                used = 0;
            }
            line.push(c);
            used += cw;
        }
    }
    if !line.is_empty() || out.is_empty() {
        out.push(line);
    }
    out
}

/// Splits into words and runs of spaces, keeping both.
fn split_keep_spaces(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut start = 0;
    let mut in_space = None;
    for (i, c) in text.char_indices() {
        let space = c == ' ';
        if in_space.is_some_and(|s| s != space) {
            parts.push(&text[start..i]);
            start = i;
        }
        in_space = Some(space);
    }
    if start < text.len() {
        parts.push(&text[start..]);
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_spaces_and_inside_long_words() {
        assert_eq!(wrap("hello big world", 9), vec!["hello big", "world"]);
        assert_eq!(wrap("abcdefghij", 4), vec!["abcd", "efgh", "ij"]);
        assert_eq!(wrap("", 5), vec![""]);
        assert_eq!(wrap("ab cdefghijk", 4), vec!["ab", "cdef", "ghij", "k"]);
        assert_eq!(wrap("hello world", 7), vec!["hello", "world"]);
    }

    #[test]
    fn wide_characters_never_overflow() {
        for line in wrap("数据库备份数据库备份 ok", 5) {
            assert!(width(&line) <= 5, "{line}");
        }
        assert_eq!(wrap("x", 0), vec!["x"]);
    }
}
