//! The built binary as a plain process, for the command-line tests.

#![allow(dead_code)]

use std::path::Path;
use std::process::Command;

/// The proxy variables, in both spellings: a test sets the ones it means.
pub const PROXY_VARS: [&str; 8] = [
    "http_proxy",
    "HTTP_PROXY",
    "https_proxy",
    "HTTPS_PROXY",
    "all_proxy",
    "ALL_PROXY",
    "no_proxy",
    "NO_PROXY",
];

/// The binary with a clean environment: no credentials, config, profile or proxy but what a
/// test gives, HOME and the config directory in `home`, and no colours.
pub fn vbshare(home: &Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_vbshare"));
    for (k, _) in std::env::vars() {
        if ["HW_", "OS_", "HUAWEICLOUD_", "VBSHARE_"]
            .iter()
            .any(|p| k.starts_with(p))
            || PROXY_VARS.contains(&k.as_str())
        {
            c.env_remove(k);
        }
    }
    c.env("HOME", home)
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("NO_COLOR", "1");
    c
}

/// The binary with the demo AK/SK in its environment, pointed at `endpoint` for the demo
/// project, with a 5 s timeout.
pub fn with_demo_keys(home: &Path, endpoint: &str) -> Command {
    use vbshare::server::{DEMO_ACCESS_KEY, DEMO_PROJECT_ID, DEMO_SECRET_KEY};
    let mut c = vbshare(home);
    c.env("HW_ACCESS_KEY", DEMO_ACCESS_KEY)
        .env("HW_SECRET_KEY", DEMO_SECRET_KEY)
        .args([
            "--endpoint",
            endpoint,
            "--project-id",
            DEMO_PROJECT_ID,
            "--timeout",
            "5",
        ]);
    c
}
