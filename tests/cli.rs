//! The built binary against the embedded server over loopback: what a user sees on stdout,
//! stderr and in the exit status for each subcommand.

#![allow(clippy::unwrap_used)]

use std::collections::HashSet;
use std::process::{Command, Output};

#[path = "common/cli.rs"]
mod cli;

use cli::vbshare;

use vbshare::api::sign::AkSk;
use vbshare::api::{Auth, Client, ClientConfig, Sharing};
use vbshare::output::csv;
use vbshare::server::{
    self, DEMO_ACCESS_KEY, DEMO_PROJECT_ID, DEMO_SECRET_KEY, RunningServer, ServerConfig,
};

const PARTNER: &str = "0123456789abcdef0123456789abcdef";

/// 2026-01-01T00:00:00Z: the data set's dates do not move with the wall clock.
const NOW: i64 = 1_767_225_600;

async fn start(sharings: usize) -> RunningServer {
    server::start(ServerConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        sharings,
        now: NOW,
        ..ServerConfig::default()
    })
    .await
    .unwrap()
}

/// The binary pointed at `server` with the demo AK/SK in the environment.
fn signed(server: &RunningServer, home: &std::path::Path) -> Command {
    let mut c = vbshare(home);
    c.env("HW_ACCESS_KEY", DEMO_ACCESS_KEY)
        .env("HW_SECRET_KEY", DEMO_SECRET_KEY)
        .args([
            "--endpoint",
            &server.endpoint(),
            "--project-id",
            DEMO_PROJECT_ID,
        ]);
    c
}

async fn run(mut c: Command) -> Output {
    tokio::task::spawn_blocking(move || c.output().unwrap())
        .await
        .unwrap()
}

fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

fn stderr(o: &Output) -> String {
    String::from_utf8(o.stderr.clone()).unwrap()
}

fn client(server: &RunningServer) -> Client {
    let auth = Auth::AkSk(AkSk {
        access_key: DEMO_ACCESS_KEY.into(),
        secret_key: DEMO_SECRET_KEY.into(),
        security_token: None,
    });
    Client::new(ClientConfig::new(server.endpoint(), DEMO_PROJECT_ID, auth)).unwrap()
}

/// The sharings the demo project made, from the data set itself.
fn shared_by_demo(n: usize) -> Vec<Sharing> {
    server::seed::generate(ServerConfig::default().seed, n, NOW)
        .into_iter()
        .filter(|s| s.from_project_id.as_deref() == Some(DEMO_PROJECT_ID))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_json_with_aksk_from_the_environment_prints_the_server_body() {
    let server = start(300).await;
    let home = tempfile::tempdir().unwrap();
    let mut c = signed(&server, home.path());
    c.args([
        "list",
        "-o",
        "json",
        "--limit",
        "20",
        "--status",
        "available",
    ]);
    let out = run(c).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let rows = v["shared"].as_array().unwrap();
    assert_eq!(rows.len(), 20);
    assert!(rows.iter().all(|r| r["backup"]["status"] == "available"));
    // Byte-exact: the CLI prints what a direct client call receives.
    let q = vbshare::api::ListQuery {
        filters: vbshare::api::Filters {
            status: "available".into(),
            ..Default::default()
        },
        limit: Some(20),
        ..Default::default()
    };
    let (_, body) = client(&server).list_with_body(&q).await.unwrap();
    assert_eq!(stdout(&out).trim_end(), body.trim_end());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn count_get_and_table_output() {
    let server = start(300).await;
    let home = tempfile::tempdir().unwrap();
    let mut c = signed(&server, home.path());
    c.args(["count", "--shared-with-me"]);
    let out = run(c).await;
    let expected = server::seed::generate(ServerConfig::default().seed, 300, NOW)
        .iter()
        .filter(|s| s.to_project_id.as_deref() == Some(DEMO_PROJECT_ID))
        .count();
    assert_eq!(stdout(&out).trim(), expected.to_string());

    let first = &shared_by_demo(300)[0];
    let id = first.id.clone().unwrap();
    let mut c = signed(&server, home.path());
    c.args(["get", &id]);
    let out = run(c).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with(&format!("id                            {id}\n")),
        "{text}"
    );
    assert!(text.contains("backup.has_dependent_backups"));
    assert!(!text.contains('\u{1b}'), "table output is sanitised");

    let mut c = signed(&server, home.path());
    c.args(["list", "--limit", "5"]);
    let out = run(c).await;
    let lines: Vec<String> = stdout(&out).lines().map(str::to_owned).collect();
    assert_eq!(lines.len(), 6);
    assert!(lines[0].starts_with("SHARING ID") && lines[0].contains("TO PROJECT"));
}

/// `[project_names]` shows in VBS tables (the name) and in `get` (the ID and the name);
/// CSV keeps the ID alone.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn project_names_show_where_project_ids_do() {
    let server = start(300).await;
    let home = tempfile::tempdir().unwrap();
    let first = &shared_by_demo(300)[0];
    let to = first.to_project_id.clone().unwrap();
    let dir = home.path().join(".config/vbshare");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("config.toml"),
        format!("[project_names]\n{to} = \"team-analytics\"\n"),
    )
    .unwrap();

    let mut c = signed(&server, home.path());
    c.args(["get", first.id.as_deref().unwrap()]);
    let out = run(c).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains(&format!(
            "to_project_id                 {to} (team-analytics)\n"
        )),
        "{text}"
    );

    let mut c = signed(&server, home.path());
    c.args(["list", "--all"]);
    let out = run(c).await;
    let text = stdout(&out);
    let named = text
        .lines()
        .filter(|l| l.contains("team-analytics"))
        .count();
    let expected = shared_by_demo(300)
        .iter()
        .filter(|s| s.to_project_id.as_deref() == Some(to.as_str()))
        .count();
    assert_eq!(named, expected, "{text}");
    assert!(
        !text.contains(&to),
        "the table shows the name instead of the ID"
    );

    let mut c = signed(&server, home.path());
    c.args(["list", "--all", "-o", "csv"]);
    let out = run(c).await;
    let text = stdout(&out);
    assert!(text.contains(&to) && !text.contains("team-analytics"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn failures_exit_1_with_one_line_and_usage_errors_exit_2() {
    let server = start(50).await;
    let home = tempfile::tempdir().unwrap();
    let mut c = vbshare(home.path());
    c.env("HW_ACCESS_KEY", DEMO_ACCESS_KEY)
        .env("HW_SECRET_KEY", "wrong-secret")
        .args([
            "--endpoint",
            &server.endpoint(),
            "--project-id",
            DEMO_PROJECT_ID,
            "count",
        ]);
    let out = run(c).await;
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("vbshare: HTTP 401 Unauthorized: APIGW.0301"),
        "{err}"
    );
    assert!(
        err.contains("clock") && !err.contains("wrong-secret"),
        "{err}"
    );

    let mut c = vbshare(home.path());
    c.args(["--region", "eu-de", "--project-id", DEMO_PROJECT_ID, "list"]);
    let out = run(c).await;
    // Missing settings are the caller's to fix, like a bad flag: nothing was sent.
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("HW_ACCESS_KEY"), "{}", stderr(&out));

    for args in [
        &["list", "--limit", "-1"][..],
        &["list", "--sort-key", "colour"],
        &["--endpoint", "nope", "count"],
    ] {
        let mut c = signed(&server, home.path());
        c.args(args);
        let out = run(c).await;
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stdout(&out).is_empty());
    }
    let eleven: Vec<String> = (0..11).map(|i| format!("{i:032x}")).collect();
    let mut c = signed(&server, home.path());
    c.args(["share", "b"]);
    for p in &eleven {
        c.args(["--to", p]);
    }
    let out = run(c).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("at most 10"), "{}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_all_over_ten_thousand_equals_the_full_set_in_every_format() {
    let n = 10_000;
    let server = start(n).await;
    let home = tempfile::tempdir().unwrap();
    let expected = shared_by_demo(n);
    let expected_ids: HashSet<String> = expected.iter().map(|s| s.id.clone().unwrap()).collect();
    assert!(
        expected.len() > 4000,
        "the data set splits directions about evenly"
    );

    for format in ["ndjson", "json", "csv", "table"] {
        let mut c = signed(&server, home.path());
        c.args(["list", "--all", "-o", format]);
        let out = run(c).await;
        assert!(out.status.success(), "{format}: {}", stderr(&out));
        assert!(
            stderr(&out).is_empty(),
            "{format}: no progress or warning off a terminal: {}",
            stderr(&out)
        );
        let text = stdout(&out);
        let ids: Vec<String> = match format {
            "ndjson" => text
                .lines()
                .map(|l| {
                    serde_json::from_str::<serde_json::Value>(l).unwrap()["id"]
                        .as_str()
                        .unwrap()
                        .to_owned()
                })
                .collect(),
            "json" => serde_json::from_str::<serde_json::Value>(&text).unwrap()["shared"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["id"].as_str().unwrap().to_owned())
                .collect(),
            "csv" => {
                let records = csv::parse(&text);
                assert_eq!(records[0], csv::COLUMNS);
                // Names round-trip exactly, commas, quotes, newlines and CJK included;
                // only a name a spreadsheet would run gets its guarding `'`.
                let by_id: std::collections::HashMap<&str, &Sharing> = expected
                    .iter()
                    .map(|s| (s.id.as_deref().unwrap(), s))
                    .collect();
                for r in &records[1..] {
                    let name = by_id[r[0].as_str()].name();
                    let written = match name.strip_prefix(['=', '+', '-', '@', '\t', '\r']) {
                        Some(_) => format!("'{name}"),
                        None => name.to_owned(),
                    };
                    assert_eq!(r[7], written, "name of {}", r[0]);
                }
                records[1..].iter().map(|r| r[0].clone()).collect()
            }
            _ => text
                .lines()
                .skip(1)
                .map(|l| l.split_whitespace().next().unwrap().to_owned())
                .collect(),
        };
        assert_eq!(ids.len(), expected.len(), "{format}: one row per sharing");
        assert_eq!(
            ids.iter().cloned().collect::<HashSet<_>>(),
            expected_ids,
            "{format}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn share_list_unshare_round_trip_and_read_only_refuses() {
    let server = start(200).await;
    let home = tempfile::tempdir().unwrap();
    let backup = shared_by_demo(200)[0].backup_id.clone().unwrap();

    let mut c = signed(&server, home.path());
    c.args(["--read-only", "share", &backup, "--to", PARTNER]);
    let out = run(c).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("read-only"), "{}", stderr(&out));

    let mut c = signed(&server, home.path());
    c.args(["share", &backup, "--to", PARTNER, "-o", "ndjson"]);
    let out = run(c).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let made: serde_json::Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    let sharing_id = made["id"].as_str().unwrap().to_owned();
    assert_eq!(made["to_project_id"], PARTNER);

    let mut c = signed(&server, home.path());
    c.args([
        "list",
        "--to-project",
        PARTNER,
        "--backup-id",
        &backup,
        "-o",
        "ndjson",
    ]);
    let listed = stdout(&run(c).await);
    assert!(listed.contains(&sharing_id), "{listed}");

    let mut c = signed(&server, home.path());
    c.env("VBSHARE_READ_ONLY", "1")
        .args(["unshare", &sharing_id]);
    let out = run(c).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("read-only"));

    let mut c = signed(&server, home.path());
    c.args(["unshare", &sharing_id]);
    let out = run(c).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let mut c = signed(&server, home.path());
    c.args(["get", &sharing_id]);
    let out = run(c).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("404"), "{}", stderr(&out));

    // Cancelling by backup removes every sharing of it.
    let mut c = signed(&server, home.path());
    c.args(["unshare", "--backup", &backup]);
    assert!(run(c).await.status.success());
    let mut c = signed(&server, home.path());
    c.args(["count", "--backup-id", &backup]);
    assert_eq!(stdout(&run(c).await).trim(), "0");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_set_that_changes_between_pages_is_warned_about() {
    use vbshare::api::{Filters, SortDir, SortKey};
    use vbshare::export::{ExportFormat, export_all};
    let server = start(3000).await;
    let c = client(&server);
    let victim = shared_by_demo(3000)[0].id.clone().unwrap();
    let c2 = c.clone();
    let mut out = Vec::new();
    let mut removed = false;
    let summary = export_all(
        &c,
        &Filters::default(),
        (SortKey::CreatedAt, SortDir::Desc),
        ExportFormat::Ndjson,
        vbshare::output::safe::Sink::file(),
        &mut out,
        |p| {
            if p.pages == 1 && !removed {
                removed = true;
                let h = tokio::runtime::Handle::current();
                tokio::task::block_in_place(|| h.block_on(c2.cancel(&victim, false))).unwrap();
            }
        },
    )
    .await
    .unwrap();
    let warning = summary
        .consistency_warning()
        .expect("a removal mid-export is detected");
    assert!(
        warning.contains("changed while they were being read"),
        "{warning}"
    );
    let ids: Vec<&str> = std::str::from_utf8(&out).unwrap().lines().collect();
    let unique: HashSet<&&str> = ids.iter().collect();
    assert_eq!(unique.len(), ids.len(), "no row written twice");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demo_flag_works_with_every_command() {
    let home = tempfile::tempdir().unwrap();
    let mut c = vbshare(home.path());
    c.args(["--demo", "count", "--shared-with-me"]);
    let out = run(c).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let n: u64 = stdout(&out).trim().parse().unwrap();
    assert!(n > 500, "{n}");
    let mut c = vbshare(home.path());
    c.args(["--demo", "list", "-o", "json", "--limit", "3"]);
    let v: serde_json::Value = serde_json::from_str(&stdout(&run(c).await)).unwrap();
    let id = v["shared"][0]["id"].as_str().unwrap().to_owned();
    let mut c = vbshare(home.path());
    c.args(["--demo", "get", &id, "-o", "json"]);
    let one: serde_json::Value = serde_json::from_str(&stdout(&run(c).await)).unwrap();
    assert_eq!(one["shared"]["id"], id.as_str());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn completions_and_help_for_every_subcommand() {
    let home = tempfile::tempdir().unwrap();
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let mut c = vbshare(home.path());
        c.args(["completions", shell]);
        let out = run(c).await;
        assert!(out.status.success());
        let text = stdout(&out);
        assert!(
            text.contains("vbshare") && text.contains("shared-with-me"),
            "{shell}"
        );
    }
    for sub in [
        "list",
        "count",
        "get",
        "share",
        "unshare",
        "serve",
        "completions",
    ] {
        let mut c = vbshare(home.path());
        c.args([sub, "--help"]);
        let text = stdout(&run(c).await);
        assert!(text.contains("Example"), "{sub} --help has an example");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_subcommand_shows_and_accepts_only_what_it_uses() {
    let home = tempfile::tempdir().unwrap();
    let help = |args: &[&str]| {
        let mut c = vbshare(home.path());
        c.args(args).arg("--help");
        c
    };
    let serve = stdout(&run(help(&["serve"])).await);
    for absent in [
        "--mouse",
        "--refresh",
        "--debounce-ms",
        "--demo",
        "--endpoint",
    ] {
        assert!(!serve.contains(absent), "serve --help lists {absent}");
    }
    assert!(serve.contains("--allow-remote") && serve.contains("--log-file"));
    let completions = stdout(&run(help(&["completions"])).await);
    for absent in ["--demo", "--mouse", "--log-file", "--endpoint"] {
        assert!(
            !completions.contains(absent),
            "completions --help lists {absent}"
        );
    }
    let get = stdout(&run(help(&["get"])).await);
    assert!(!get.contains("ndjson") && !get.contains("--all") && !get.contains("--mouse"));
    let list = stdout(&run(help(&["list"])).await);
    assert!(list.contains("--csv-raw") && list.contains("--proxy") && !list.contains("--mouse"));
    // …and refuses what it does not use, wherever it is given.
    for args in [
        &["list", "--mouse"][..],
        &["--mouse", "list"],
        &["--refresh", "5", "count"],
        &["get", "x", "-o", "ndjson"],
        &["--endpoint", "http://127.0.0.1:9", "serve"],
        &["--demo", "completions", "bash"],
        &["--name", "db", "count"],
    ] {
        let mut c = vbshare(home.path());
        c.args(args);
        let out = run(c).await;
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ids_are_checked_and_normalised_before_anything_is_sent() {
    let home = tempfile::tempdir().unwrap();
    // Nothing listens here: a request would fail with exit 1, a refusal is exit 2.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    for args in [
        &["get", ""][..],
        &["unshare", ""],
        &["unshare", "--backup", "../detail"],
        &["share", "not-a-uuid", "--to", PARTNER],
        &["count", "--project-id", "C13F"],
    ] {
        let mut c = vbshare(home.path());
        c.env("HW_AUTH_TOKEN", "t")
            .env("HW_PROJECT_ID", DEMO_PROJECT_ID)
            .args(["--endpoint", &endpoint])
            .args(args);
        let out = run(c).await;
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("is not a") && !stderr(&out).contains("cannot connect"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    // An upper-case project ID is the same project.
    let server = start(50).await;
    let mut c = vbshare(home.path());
    c.env("HW_ACCESS_KEY", DEMO_ACCESS_KEY)
        .env("HW_SECRET_KEY", DEMO_SECRET_KEY)
        .args(["--endpoint", &server.endpoint(), "count", "--project-id"])
        .arg(DEMO_PROJECT_ID.to_ascii_uppercase());
    let out = run(c).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_says_when_a_page_is_not_everything_or_nothing_matched() {
    let server = start(2000).await;
    let home = tempfile::tempdir().unwrap();
    let mut c = signed(&server, home.path());
    c.args(["count"]);
    let total: u64 = stdout(&run(c).await).trim().parse().unwrap();
    assert!(total > 1000);
    let mut c = signed(&server, home.path());
    c.args(["list", "--shared-by-me", "-o", "ndjson"]);
    let out = run(c).await;
    assert_eq!(stdout(&out).lines().count(), 1000);
    assert_eq!(
        stderr(&out),
        format!(
            "showing 1–1,000 of {}; use --all or --offset 1000 for more\n",
            vbshare::text::thousands(total)
        )
    );
    let mut c = signed(&server, home.path());
    c.args(["list", "--name", "no-such-backup-name"]);
    let out = run(c).await;
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), "", "no bare header");
    assert_eq!(stderr(&out), "no sharings match\n");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn misleading_messages_now_say_what_to_do() {
    let server = start(200).await;
    let home = tempfile::tempdir().unwrap();
    let usage = |args: &[&str]| {
        let mut c = vbshare(home.path());
        c.args(args);
        c
    };
    let out = run(usage(&["--timeout", "0", "count"])).await;
    assert!(stderr(&out).contains("more than 0"), "{}", stderr(&out));
    let out = run(usage(&["--endpoint", "127.0.0.1:8776", "count"])).await;
    assert!(
        stderr(&out).contains("did you mean https://127.0.0.1:8776"),
        "{}",
        stderr(&out)
    );
    let out = run(usage(&[
        "--demo",
        "--endpoint",
        "http://127.0.0.1:9",
        "count",
    ]))
    .await;
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--demo") && stderr(&out).contains("--endpoint"));
    let out = run(usage(&["serve", "--listen", "0.0.0.0:0"])).await;
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--allow-remote"), "{}", stderr(&out));
    // VBS where only CBR exists: a message pointing to CBR, not a bare 404.
    let mut c = vbshare(home.path());
    c.env("HW_AUTH_TOKEN", "t").args([
        "--region",
        "eu-ch2",
        "--project-id",
        DEMO_PROJECT_ID,
        "--service",
        "vbs",
        "count",
    ]);
    let out = run(c).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("not offered in eu-ch2") && stderr(&out).contains("CBR"));
    // There CBR is the default service, and config says where that came from.
    let mut c = vbshare(home.path());
    c.env("HW_AUTH_TOKEN", "t").args([
        "--region",
        "eu-ch2",
        "--project-id",
        DEMO_PROJECT_ID,
        "config",
    ]);
    let out = run(c).await;
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let line = text.lines().find(|l| l.starts_with("service")).unwrap();
    assert!(
        line.contains("cbr") && line.contains("default in eu-ch2"),
        "{text}"
    );

    // Sharing twice, and cancelling a sharing made with this project.
    let backup = shared_by_demo(200)[0].backup_id.clone().unwrap();
    let to = shared_by_demo(200)[0].to_project_id.clone().unwrap();
    let mut c = signed(&server, home.path());
    c.args(["share", &backup, "--to", &to]);
    let out = run(c).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("already shared") && !stderr(&out).contains("refresh and retry"),
        "{}",
        stderr(&out)
    );
    let mut c = signed(&server, home.path());
    c.args(["list", "--shared-with-me", "--limit", "1", "-o", "ndjson"]);
    let with_me: serde_json::Value = serde_json::from_str(stdout(&run(c).await).trim()).unwrap();
    let mut c = signed(&server, home.path());
    c.args(["unshare", with_me["id"].as_str().unwrap()]);
    let out = run(c).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("not this project's to cancel") && !stderr(&out).contains("roles"),
        "{}",
        stderr(&out)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_resolves_names_and_prints_the_address_it_bound() {
    use std::io::{BufRead, BufReader};
    let home = tempfile::tempdir().unwrap();
    let mut c = vbshare(home.path());
    c.args(["serve", "--listen", "localhost:0", "--sharings", "10"])
        .stdout(std::process::Stdio::piped());
    let mut child = c.spawn().unwrap();
    let line = tokio::task::spawn_blocking({
        let out = child.stdout.take().unwrap();
        move || {
            let mut line = String::new();
            BufReader::new(out).read_line(&mut line).unwrap();
            line
        }
    });
    let line = tokio::time::timeout(std::time::Duration::from_secs(20), line)
        .await
        .unwrap()
        .unwrap();
    child.kill().unwrap();
    let _ = child.wait();
    let endpoint = line.trim().strip_prefix("endpoint: ").unwrap();
    let addr: std::net::SocketAddr = endpoint.strip_prefix("http://").unwrap().parse().unwrap();
    assert!(addr.ip().is_loopback() && addr.port() != 0, "{line}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn config_check_says_ok_against_the_embedded_server_and_shows_what_wins() {
    let server = start(50).await;
    let home = tempfile::tempdir().unwrap();
    let dir = home.path().join(".config/vbshare");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("config.toml"),
        format!(
            "[profiles.local]\nendpoint = \"{}\"\nproject_id = \"{DEMO_PROJECT_ID}\"\n\
             access_key = \"{DEMO_ACCESS_KEY}\"\nsecret_key = \"{DEMO_SECRET_KEY}\"\n",
            server.endpoint()
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(
            dir.join("config.toml"),
            std::fs::Permissions::from_mode(0o600),
        )
        .unwrap();
    }
    let mut c = vbshare(home.path());
    c.args(["config", "--check", "--profile", "local"])
        .env("HW_AUTH_TOKEN", "stray-token")
        .env("HW_PROJECT_ID", PARTNER);
    let out = run(c).await;
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(text.contains("check: ok"), "{text}");
    assert!(
        text.contains(&format!("access key ****{}", &DEMO_ACCESS_KEY[16..])),
        "{text}"
    );
    assert!(
        !text.contains(DEMO_SECRET_KEY) && !text.contains("stray-token"),
        "{text}"
    );
    assert!(
        text.contains("env HW_AUTH_TOKEN") && text.contains("env HW_PROJECT_ID"),
        "{text}"
    );
    assert!(text.contains("profile local in"), "{text}");
}

/// Piped output stays the data, except that spreadsheet formulas are guarded; tables are
/// for people and show invisible characters (a name with a zero-width space, a BOM).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn piped_csv_guards_formulas_and_tables_show_invisible_characters() {
    let home = tempfile::tempdir().unwrap();
    let (mut csv_text, mut table) = (String::new(), String::new());
    for direction in [&[][..], &["--shared-with-me"][..]] {
        for (format, text) in [("csv", &mut csv_text), ("table", &mut table)] {
            let mut c = vbshare(home.path());
            c.args(["--demo", "list", "--all", "-o", format])
                .args(direction);
            let out = run(c).await;
            assert!(out.status.success(), "{}", stderr(&out));
            text.push_str(&stdout(&out));
        }
    }
    let names: Vec<String> = csv::parse(&csv_text)
        .into_iter()
        .filter(|r| r[0] != "id")
        .map(|r| r[7].clone())
        .collect();
    assert!(names.contains(&"'=HYPERLINK(\"https://example.invalid\",\"open\")".to_owned()));
    assert!(!names.iter().any(|n| n.starts_with(['=', '+', '-', '@'])));
    // Everything else is the server's text, escape bytes and invisible characters included.
    assert!(names.contains(&"evil\u{1b}[31mred\u{1b}[0m".to_owned()));
    assert!(names.contains(&"\u{feff}bom-archive".to_owned()));
    // --csv-raw writes the cell as sent.
    let mut c = vbshare(home.path());
    c.args(["--demo", "list", "--all", "-o", "csv", "--csv-raw"]);
    let raw = stdout(&run(c).await);
    let raw_names: Vec<String> = csv::parse(&raw).into_iter().map(|r| r[7].clone()).collect();
    assert!(raw_names.contains(&"=HYPERLINK(\"https://example.invalid\",\"open\")".to_owned()));

    assert!(
        table.contains("  db-prod-nightly\\u{200b}-2024-03…  "),
        "{table}"
    );
    assert!(table.contains("\\u{feff}bom-archive"));
    assert!(!table.contains(['\u{200b}', '\u{feff}', '\u{1b}']));
}

/// The log may hold request details: only its owner may read it.
#[cfg(unix)]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_log_file_is_created_private() {
    use std::os::unix::fs::PermissionsExt;
    let home = tempfile::tempdir().unwrap();
    let log = home.path().join("vbshare.log");
    let mut c = vbshare(home.path());
    c.args(["--demo", "count", "--log-file"]).arg(&log);
    let out = run(c).await;
    assert!(out.status.success(), "{}", stderr(&out));
    let mode = std::fs::metadata(&log).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600, "{mode:o}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_fails_closed_for_the_demo_too() {
    let home = tempfile::tempdir().unwrap();
    let any = "8332443e-9866-41d8-8a58-a898cf5db030";
    for (value, warns) in [("1", false), ("y", true), ("enabled", true)] {
        let mut c = vbshare(home.path());
        c.env("VBSHARE_READ_ONLY", value)
            .args(["--demo", "unshare", any]);
        let out = run(c).await;
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{value}: {err}");
        assert!(err.contains("read-only mode is on"), "{value}: {err}");
        assert_eq!(
            err.contains("treating it as read-only"),
            warns,
            "{value}: {err}"
        );
    }
    // Only the spellings of "no" make it writable: the demo then answers (404, not ours).
    let mut c = vbshare(home.path());
    c.env("VBSHARE_READ_ONLY", "off")
        .args(["--demo", "unshare", any]);
    let out = run(c).await;
    assert!(!stderr(&out).contains("read-only"), "{}", stderr(&out));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn read_only_refuses_every_write_of_each_service_after_its_usage_errors() {
    let home = tempfile::tempdir().unwrap();
    let id = "8332443e-9866-41d8-8a58-a898cf5db030";
    let cases: [(&str, &[&str], i32, &str); 12] = [
        (
            "vbs",
            &["share", id, "--to", PARTNER],
            1,
            "refusing to share:",
        ),
        ("vbs", &["unshare", id], 1, "refusing to cancel a sharing:"),
        (
            "vbs",
            &["unshare", id, "--to", PARTNER],
            2,
            "--to is for CBR members",
        ),
        (
            "vbs",
            &["accept", id, "--vault", "auto"],
            2,
            "`accept` is a CBR command",
        ),
        ("vbs", &["reject", id], 2, "`reject` is a CBR command"),
        (
            "vbs",
            &["list", "--member-status", "all"],
            2,
            "--member-status is for CBR",
        ),
        (
            "cbr",
            &["share", id, "--to", PARTNER],
            1,
            "refusing to share:",
        ),
        (
            "cbr",
            &["unshare", id, "--to", PARTNER],
            1,
            "refusing to remove members:",
        ),
        (
            "cbr",
            &["unshare", id, "--backup"],
            1,
            "refusing to remove members:",
        ),
        ("cbr", &["unshare", id], 1, "refusing to remove members:"),
        (
            "cbr",
            &["accept", id, "--vault", "auto"],
            1,
            "refusing to accept a shared backup:",
        ),
        (
            "cbr",
            &["reject", id],
            1,
            "refusing to reject a shared backup:",
        ),
    ];
    for (service, args, code, says) in cases {
        let mut c = vbshare(home.path());
        c.args(["--demo", "--read-only", "--service", service])
            .args(args);
        let out = run(c).await;
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(code), "{service} {args:?}: {err}");
        assert!(err.contains(says), "{service} {args:?}: {err}");
        assert!(stdout(&out).is_empty(), "{service} {args:?}");
    }
    // Reads go on in read-only mode.
    let mut c = vbshare(home.path());
    c.args(["--demo", "--read-only", "--service", "cbr", "vaults"]);
    let out = run(c).await;
    assert!(out.status.success(), "{}", stderr(&out));
}
