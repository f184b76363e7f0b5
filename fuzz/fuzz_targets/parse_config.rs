//! The config parser takes any text and answers Ok or Err (naming the file), never panics.
#![no_main]

use std::path::Path;

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match vbshare::config::parse_config(text, Path::new("fuzz.toml")) {
        Ok(file) => {
            let _ = format!("{file:?}");
        }
        Err(e) => {
            let msg = e.to_string();
            assert!(
                msg.contains("fuzz.toml"),
                "error does not name the file: {msg}"
            );
        }
    }
});
