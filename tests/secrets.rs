//! Secrets never leave where they belong: every command, with each auth scheme, run with a
//! trace-level log file; no secret's text may appear in the log, stdout or stderr.

#![allow(clippy::unwrap_used)]

use std::process::Command;

#[path = "common/cli.rs"]
mod cli;

use vbshare::server::{
    self, DEMO_ACCESS_KEY, DEMO_DOMAIN, DEMO_PASSWORD, DEMO_PROJECT_ID, DEMO_SECRET_KEY, DEMO_USER,
    RunningServer, ServerConfig,
};

const PARTNER: &str = "0123456789abcdef0123456789abcdef";

fn base(home: &std::path::Path, server: &RunningServer, log: &std::path::Path) -> Command {
    let mut c = cli::vbshare(home);
    c.args([
        "--endpoint",
        &server.endpoint(),
        "--project-id",
        DEMO_PROJECT_ID,
        "--log-file",
        log.to_str().unwrap(),
        "--log-level",
        "trace",
    ]);
    c
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn no_secret_in_logs_output_or_errors() {
    let config = ServerConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        sharings: 100,
        ..ServerConfig::default()
    };
    let first = server::seed::generate(config.seed, 100, config.now)
        .into_iter()
        .find(|s| s.from_project_id.as_deref() == Some(DEMO_PROJECT_ID))
        .unwrap();
    let server = server::start(config).await.unwrap();
    let token = server.mint_token(DEMO_PROJECT_ID, 3600);
    let home = tempfile::tempdir().unwrap();
    let log = home.path().join("trace.log");
    let sharing_id = first.id.clone().unwrap();
    let backup_id = first.backup_id.clone().unwrap();

    let schemes: Vec<(&str, Vec<(&str, String)>)> = vec![
        ("token", vec![("HW_AUTH_TOKEN", token.clone())]),
        (
            "aksk",
            vec![
                ("HW_ACCESS_KEY", DEMO_ACCESS_KEY.to_owned()),
                ("HW_SECRET_KEY", DEMO_SECRET_KEY.to_owned()),
            ],
        ),
        (
            "password",
            vec![
                ("HW_USER_NAME", DEMO_USER.to_owned()),
                ("HW_USER_PASSWORD", DEMO_PASSWORD.to_owned()),
                ("HW_DOMAIN_NAME", DEMO_DOMAIN.to_owned()),
                ("HW_AUTH_URL", format!("{}/v3", server.endpoint())),
            ],
        ),
    ];
    let commands: Vec<Vec<&str>> = vec![
        vec!["list", "--limit", "5"],
        vec!["list", "--limit", "5", "-o", "json"],
        vec!["list", "--all", "-o", "ndjson"],
        vec!["count", "--shared-with-me"],
        vec!["get", &sharing_id],
        vec!["get", "no-such-sharing"],
        vec!["share", &backup_id, "--to", PARTNER],
        vec!["unshare", "--backup", &backup_id],
        vec!["--timeout", "0.001", "count"],
    ];
    let mut runs = 0;
    for (scheme, env) in &schemes {
        for args in &commands {
            let mut c = base(home.path(), &server, &log);
            c.envs(env.iter().map(|(k, v)| (*k, v.as_str()))).args(args);
            let out = tokio::task::spawn_blocking(move || c.output().unwrap())
                .await
                .unwrap();
            let text = format!(
                "{}\n{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            for secret in [token.as_str(), DEMO_SECRET_KEY, DEMO_PASSWORD] {
                assert!(
                    !text.contains(secret),
                    "{scheme} {args:?} printed a secret:\n{text}"
                );
            }
            runs += 1;
        }
    }
    // A wrong secret must not be echoed either.
    let mut c = base(home.path(), &server, &log);
    c.env("HW_ACCESS_KEY", DEMO_ACCESS_KEY)
        .env("HW_SECRET_KEY", "wrong-secret-9f8e7d")
        .arg("count");
    let out = c.output().unwrap();
    assert!(!String::from_utf8_lossy(&out.stderr).contains("wrong-secret-9f8e7d"));

    let logged = std::fs::read_to_string(&log).unwrap();
    assert!(
        logged.lines().count() > runs,
        "the trace log was written ({} lines)",
        logged.lines().count()
    );
    assert!(logged.contains("vbs call"), "requests are logged");
    for secret in [
        token.as_str(),
        DEMO_SECRET_KEY,
        DEMO_PASSWORD,
        "wrong-secret-9f8e7d",
    ] {
        assert!(!logged.contains(secret), "the log holds a secret");
    }
}
