//! Proxies and trust as an enterprise laptop has them: the built binary through a real
//! forward proxy (written for the tests, recording what passes) and against an HTTPS server
//! whose CA is trusted only through `SSL_CERT_FILE` or `SSL_CERT_DIR`.
//!
//! Every byte stays on loopback: the service is called by a made-up name (`vbs.test`) that
//! only the test proxy resolves, to 127.0.0.1.

#![allow(clippy::unwrap_used)]

use std::path::Path;
use std::process::{Command, Output};

#[path = "common/cli.rs"]
mod cli;
#[path = "common/proxy.rs"]
mod proxy;
#[path = "common/tls.rs"]
mod tls;

use proxy::Mode;
use vbshare::server::{self, DEMO_PROJECT_ID, ServerConfig};

/// The binary with the demo AK/SK, pointed at `endpoint`, failing at once.
fn vbshare(home: &Path, endpoint: &str) -> Command {
    let mut c = cli::with_demo_keys(home, endpoint);
    c.args(["--retries", "0"]);
    c
}

async fn run(c: Command) -> Output {
    let mut c = c;
    tokio::task::spawn_blocking(move || c.output().unwrap())
        .await
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// An HTTPS server for `vbs.test` and its CA's PEM in `dir/ca.pem`.
async fn https_vbs_test(dir: &Path) -> (u16, std::path::PathBuf) {
    let pki = tls::pki(&["vbs.test"], false);
    let ca = dir.join("ca.pem");
    std::fs::write(&ca, &pki.ca_pem).unwrap();
    (tls::https_server(pki.server).await.port(), ca)
}

/// A loopback port that refuses connections, and the socket that holds it (bound, never
/// listening) so that no server another test starts can take it while it is used.
fn closed_port() -> (u16, tokio::net::TcpSocket) {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    (socket.local_addr().unwrap().port(), socket)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn https_goes_through_the_proxy_by_connect_and_lowercase_wins() {
    let home = tempfile::tempdir().unwrap();
    let (port, ca) = https_vbs_test(home.path()).await;
    let good = proxy::start(Mode::Open).await;
    let (closed, _held) = closed_port();
    let mut c = vbshare(home.path(), &format!("https://vbs.test:{port}"));
    c.arg("--ca-cert")
        .arg(&ca)
        .args(["list", "-o", "json"])
        // Both spellings set: the lowercase one is used, as curl does.
        .env("https_proxy", good.url())
        .env("HTTPS_PROXY", format!("http://127.0.0.1:{closed}"));
    let out = run(c).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "{\"shared\":[]}\n");
    assert_eq!(good.seen(), [format!("CONNECT vbs.test:{port}")]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plain_http_is_forwarded_and_signed_for_the_real_host() {
    let server = server::start(ServerConfig {
        sharings: 40,
        ..ServerConfig::default()
    })
    .await
    .unwrap();
    let port = server.addr().port();
    let home = tempfile::tempdir().unwrap();
    let p = proxy::start(Mode::Open).await;
    let mut c = vbshare(home.path(), &format!("http://vbs.test:{port}"));
    c.arg("count").env("HTTP_PROXY", p.url());
    let out = run(c).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).trim().parse::<u64>().unwrap() > 0);
    let seen = p.seen();
    assert_eq!(seen.len(), 1, "{seen:?}");
    assert!(
        seen[0].starts_with(&format!(
            "GET http://vbs.test:{port}/v2/{DEMO_PROJECT_ID}/os-vendor-backup-sharing/count"
        )),
        "{seen:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn all_proxy_may_be_socks5h_which_resolves_names_at_the_proxy() {
    let home = tempfile::tempdir().unwrap();
    let (port, ca) = https_vbs_test(home.path()).await;
    let socks = proxy::start_socks5().await;
    let mut c = vbshare(home.path(), &format!("https://vbs.test:{port}"));
    c.arg("--ca-cert")
        .arg(&ca)
        .args(["list", "-o", "json"])
        .env("ALL_PROXY", format!("socks5h://{}", socks.addr));
    let out = run(c).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(text(&out.stdout), "{\"shared\":[]}\n");
    // The name went to the proxy unresolved: only it knows `vbs.test`.
    assert_eq!(socks.seen(), [format!("SOCKS5 vbs.test:{port}")]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_flag_overrides_the_environment_and_no_proxy_turns_proxies_off() {
    let home = tempfile::tempdir().unwrap();
    let (port, ca) = https_vbs_test(home.path()).await;
    let flagged = proxy::start(Mode::Open).await;
    let env_proxy = proxy::start(Mode::Open).await;
    let mut c = vbshare(home.path(), &format!("https://vbs.test:{port}"));
    c.arg("--ca-cert")
        .arg(&ca)
        .args(["--proxy", &flagged.url(), "list", "-o", "json"])
        .env("HTTPS_PROXY", env_proxy.url());
    let out = run(c).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(flagged.seen().len(), 1);
    assert!(env_proxy.seen().is_empty());

    // NO_PROXY naming the host: the proxy sees nothing. (The direct attempt then cannot
    // resolve the host; the proxy's silence is what this checks, so the host is a name the
    // resolver refuses without sending a query.)
    let unresolvable = "vbshare-test-label-longer-than-dns-allows-so-no-query-is-ever-sent.test";
    let mut c = vbshare(home.path(), &format!("http://{unresolvable}:{port}"));
    c.args(["count"])
        .env("HTTP_PROXY", env_proxy.url())
        .env("NO_PROXY", ".test");
    let out = run(c).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("cannot resolve"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(env_proxy.seen().len(), 0, "NO_PROXY bypassed the proxy");

    // --no-proxy: the same, whatever the environment says.
    let mut c = vbshare(home.path(), &format!("http://{unresolvable}:{port}"));
    c.args(["--no-proxy", "count"])
        .env("HTTP_PROXY", env_proxy.url())
        .env("ALL_PROXY", env_proxy.url());
    let out = run(c).await;
    assert!(
        text(&out.stderr).contains("cannot resolve"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(env_proxy.seen().len(), 0, "--no-proxy bypassed the proxy");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn proxy_failures_are_named_as_proxy_failures_without_credentials() {
    let home = tempfile::tempdir().unwrap();
    let (port, ca) = https_vbs_test(home.path()).await;
    let endpoint = format!("https://vbs.test:{port}");
    let guarded = proxy::start(Mode::RequireAuth {
        user: "alice".into(),
        password: "pr0xy-s3cret".into(),
    })
    .await;
    let refusing = proxy::start(Mode::RefuseTunnels).await;
    let with_creds = |pw: &str| format!("http://alice:{pw}@{}", guarded.addr);
    let (closed_at, _held) = closed_port();
    let closed = format!("http://127.0.0.1:{closed_at}");
    let cases: Vec<(&str, String, Option<&[&str]>)> = vec![
        (
            "407 without credentials",
            guarded.url(),
            Some(&[
                "proxy http://127.0.0.1:",
                "requires authentication",
                "user:password@",
            ]),
        ),
        (
            "407 with a wrong password",
            with_creds("wrong-pw"),
            Some(&[
                "proxy http://alice:****@127.0.0.1:",
                "refused the user and password",
            ]),
        ),
        ("right credentials", with_creds("pr0xy-s3cret"), None),
        (
            "tunnel refused",
            refusing.url(),
            Some(&["refused to open a tunnel (CONNECT) to vbs.test:"]),
        ),
        (
            "proxy not listening",
            closed,
            Some(&["cannot reach the proxy", "refused", "HTTPS_PROXY"]),
        ),
    ];
    for (name, proxy_url, expect) in cases {
        let mut c = vbshare(home.path(), &endpoint);
        c.arg("--ca-cert")
            .arg(&ca)
            .args(["--log-file"])
            .arg(home.path().join("log"))
            .args(["--log-level", "trace", "list", "-o", "json"])
            .env("HTTPS_PROXY", &proxy_url);
        let out = run(c).await;
        let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
        let log = std::fs::read_to_string(home.path().join("log")).unwrap_or_default();
        for place in [&stdout, &stderr, &log] {
            assert!(
                !place.contains("pr0xy-s3cret") && !place.contains("wrong-pw"),
                "{name}: {place}"
            );
        }
        match expect {
            None => assert_eq!(out.status.code(), Some(0), "{name}: {stderr}"),
            Some(words) => {
                assert_eq!(out.status.code(), Some(1), "{name}: {stderr}");
                assert_eq!(stderr.lines().count(), 1, "{name}: {stderr}");
                for w in words {
                    assert!(stderr.contains(w), "{name}: {stderr} lacks {w:?}");
                }
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_and_loopback_are_reached_directly_whatever_the_proxy() {
    let home = tempfile::tempdir().unwrap();
    let (dead_at, _held) = closed_port();
    let dead = format!("http://127.0.0.1:{dead_at}");
    let mut c = cli::vbshare(home.path());
    c.args(["--demo", "count"])
        .env("HTTP_PROXY", &dead)
        .env("HTTPS_PROXY", &dead)
        .env("ALL_PROXY", "socks5://127.0.0.1:9");
    let out = run(c).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(text(&out.stdout).trim().parse::<u64>().unwrap() > 0);

    // A loopback endpoint by name: `localhost` is direct too.
    let server = server::start(ServerConfig::default()).await.unwrap();
    let watcher = proxy::start(Mode::Open).await;
    let mut c = vbshare(
        home.path(),
        &format!("http://localhost:{}", server.addr().port()),
    );
    c.arg("count").env("HTTP_PROXY", watcher.url());
    let out = run(c).await;
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(watcher.seen().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ca_given_only_through_ssl_cert_file_or_dir_is_trusted() {
    let home = tempfile::tempdir().unwrap();
    let pki = tls::pki(&["127.0.0.1"], false);
    let port = tls::https_server(pki.server).await.port();
    let file = home.path().join("corp-ca.pem");
    std::fs::write(&file, &pki.ca_pem).unwrap();
    let endpoint = format!("https://127.0.0.1:{port}");
    let list = |env: Option<(&str, &Path)>| {
        let mut c = vbshare(home.path(), &endpoint);
        c.env_remove("SSL_CERT_FILE")
            .env_remove("SSL_CERT_DIR")
            .args(["list", "-o", "json"]);
        if let Some((k, v)) = env {
            c.env(k, v);
        }
        c
    };
    let out = run(list(None)).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("SSL_CERT_FILE"),
        "{}",
        text(&out.stderr)
    );
    for env in [
        ("SSL_CERT_FILE", file.as_path()),
        ("SSL_CERT_DIR", home.path()),
    ] {
        let out = run(list(Some(env))).await;
        assert_eq!(out.status.code(), Some(0), "{env:?}: {}", text(&out.stderr));
        assert_eq!(text(&out.stdout), "{\"shared\":[]}\n");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn config_shows_the_proxy_masked_and_where_it_came_from() {
    let home = tempfile::tempdir().unwrap();
    let mut c = cli::vbshare(home.path());
    c.args([
        "config",
        "--region",
        "eu-de",
        "--project-id",
        DEMO_PROJECT_ID,
    ])
    .env("HW_AUTH_TOKEN", "tok")
    .env(
        "HTTPS_PROXY",
        "http://alice:pr0xy-s3cret@proxy.corp.test:3128",
    )
    .env("NO_PROXY", ".corp.test");
    let out = run(c).await;
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(!stdout.contains("pr0xy-s3cret"), "{stdout}");
    assert!(
        stdout.contains("http://alice:****@proxy.corp.test:3128")
            && stdout.contains("env HTTPS_PROXY"),
        "{stdout}"
    );
    assert!(stdout.contains("corp.test"), "{stdout}");
}
