//! The built binary as a plain process, for the command-line tests.

#![allow(dead_code)]

use std::path::Path;
use std::process::Command;

/// The binary with a clean environment: no credentials, config or profile but what a test
/// gives, HOME and the config directory in `home`, and no colours.
pub fn vbshare(home: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_vbshare"));
    for (k, _) in std::env::vars() {
        if ["HW_", "OS_", "HUAWEICLOUD_", "VBSHARE_"]
            .iter()
            .any(|p| k.starts_with(p))
        {
            c.env_remove(k);
        }
    }
    c.env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("NO_COLOR", "1");
    c
}
