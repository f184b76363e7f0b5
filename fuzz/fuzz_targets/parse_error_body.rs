//! Error bodies: any text parses to an `ErrorBody`, and any status with it renders.
//!
//! Input: the first two bytes are the status (big-endian u16, any value), the rest the body.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vbshare::api::error::{RAW_EXCERPT_CHARS, StatusError, parse_error_body};

/// The longest `raw` seen from the code: the excerpt (RAW_EXCERPT_CHARS + `…`) inside
/// `HTML page "…"` is RAW_EXCERPT_CHARS + 13 (the unit test in src/api/error.rs says + 12;
/// regressions/parse_error_body/html_title_over_300_chars reaches 313).
const MAX_RAW_CHARS: usize = RAW_EXCERPT_CHARS + 13;

fuzz_target!(|data: &[u8]| {
    let (status, rest) = match data {
        [a, b, rest @ ..] => (u16::from_be_bytes([*a, *b]), rest),
        _ => return,
    };
    let Ok(text) = std::str::from_utf8(rest) else {
        return;
    };
    let body = parse_error_body(text);
    if let Some(raw) = &body.raw {
        // Bounded and on one line: an excerpt is at most RAW_EXCERPT_CHARS characters plus
        // `…`; an HTML body's summary wraps one in `HTML page: …` or `HTML page "…"`.
        assert!(
            raw.chars().count() <= MAX_RAW_CHARS,
            "raw is {} chars: {raw:?}",
            raw.chars().count()
        );
        assert!(
            !raw.chars().any(char::is_control),
            "control char in raw: {raw:?}"
        );
    }
    let e = StatusError {
        status,
        body,
        retry_after: None,
    };
    let shown = e.to_string();
    assert!(shown.starts_with(&format!("HTTP {status}")), "{shown}");
    let _ = (e.code(), e.hint());
});
