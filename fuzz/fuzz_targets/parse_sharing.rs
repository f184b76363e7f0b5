//! The sharing-body parsers take any text and answer Ok or Err, never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use vbshare::api::model::{parse_count, parse_list, parse_one};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(list) = parse_list(text) {
        for s in &list {
            // `raw` is the exact text of the item, so it must be in the body.
            assert!(text.contains(&*s.raw), "raw not a slice of the body");
            let _ = (s.to_json(), s.name(), s.status());
        }
    }
    match parse_one(text) {
        Ok(s) => {
            assert!(text.contains(&*s.raw), "raw not a slice of the body");
            let _ = (s.to_json(), s.name(), s.status());
        }
        Err(e) => {
            let _ = e.to_string();
        }
    }
    if let Err(e) = parse_count(text) {
        let _ = e.to_string();
    }
});
