//! Properties of the canonical query string (the text that is both signed and sent):
//! 1. it contains only `A-Za-z0-9-_.~%=&`, with exactly one `=` per `&`-separated pair;
//! 2. its pairs are sorted by (encoded key, encoded value);
//! 3. `parse_query` of it gives back exactly the input pairs, in that order.
//!
//! Input: UTF-8 text of `key=value` pairs joined by `&` (the first `=` splits a pair; a
//! segment without `=` is a key with an empty value). A backslash makes the next character
//! literal, so keys and values can hold any character, `&`, `=` and `\` included. Nothing
//! is percent-decoded here: `%41` is the three characters `%41`. Empty input = no pairs.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vbshare::api::query::{canonical_query, parse_query, percent_encode};

fn split_pairs(text: &str) -> Vec<(String, String)> {
    let mut pairs = Vec::new();
    if text.is_empty() {
        return pairs;
    }
    let (mut key, mut value, mut in_value) = (String::new(), String::new(), false);
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        let c = match c {
            '\\' => chars.next().unwrap_or('\\'),
            '&' => {
                pairs.push((std::mem::take(&mut key), std::mem::take(&mut value)));
                in_value = false;
                continue;
            }
            '=' if !in_value => {
                in_value = true;
                continue;
            }
            c => c,
        };
        if in_value { &mut value } else { &mut key }.push(c);
    }
    pairs.push((key, value));
    pairs
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let pairs = split_pairs(text);
    let q = canonical_query(&pairs);

    // 1. Alphabet, and one `=` per pair.
    assert!(
        q.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"-_.~%=&".contains(&b)),
        "non-canonical byte in {q:?}"
    );
    let wire: Vec<(&str, &str)> = if q.is_empty() {
        Vec::new()
    } else {
        q.split('&')
            .map(|p| {
                assert_eq!(p.matches('=').count(), 1, "pair {p:?} in {q:?}");
                p.split_once('=').expect("one `=`")
            })
            .collect()
    };
    assert_eq!(wire.len(), pairs.len(), "pair count in {q:?}");

    // 2. Sorted by (key, value) as they appear on the wire.
    assert!(wire.windows(2).all(|w| w[0] <= w[1]), "not sorted: {q:?}");

    // 3. Round trip: decoded, the input pairs in (encoded key, encoded value) order.
    let mut expected: Vec<(String, String, &String, &String)> = pairs
        .iter()
        .map(|(k, v)| (percent_encode(k), percent_encode(v), k, v))
        .collect();
    expected.sort();
    let expected: Vec<(String, String)> = expected
        .into_iter()
        .map(|(_, _, k, v)| (k.clone(), v.clone()))
        .collect();
    assert_eq!(parse_query(&q), expected, "round trip of {q:?}");
});
