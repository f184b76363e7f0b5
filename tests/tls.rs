//! TLS as a user meets it: the built binary (`vbshare list`, and the browser in a pty)
//! against a tiny HTTPS server started in the test (tokio-rustls; a private CA and server
//! certificates made with rcgen for 127.0.0.1 and localhost). A certificate from an
//! unknown CA is refused with a TLS message pointing at `--ca-cert`; `--ca-cert ca.pem`
//! trusts it; `--insecure` accepts anything with a loud warning; expired certificates,
//! wrong names, unusable CA files and the wrong scheme each say what is wrong.

#![allow(clippy::unwrap_used)]

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Output;

#[path = "common/cli.rs"]
mod cli;
use std::time::{Duration, Instant};

use vbshare::server::{self, DEMO_ACCESS_KEY, DEMO_PROJECT_ID, DEMO_SECRET_KEY, ServerConfig};

#[path = "common/pty.rs"]
mod pty;
#[path = "common/tls.rs"]
mod tls;
use tls::{https_server, pki};

use cli::with_demo_keys as vbshare;

/// What a case must print.
#[derive(Debug)]
enum Expect {
    /// Exit 0 with exactly this on stdout, and this on stderr.
    Prints {
        stdout: &'static str,
        stderr: &'static [&'static str],
    },
    /// Exit 1, nothing on stdout, one line on stderr with all of these.
    Fails(Vec<String>),
    /// As `Fails`, but exit 2: the settings are wrong and nothing was sent.
    Refused(Vec<String>),
}

#[derive(Debug)]
struct Case {
    name: &'static str,
    endpoint: String,
    args: Vec<String>,
    expect: Expect,
}

/// Everything the cases point at: servers and PEM files.
struct World {
    home: tempfile::TempDir,
    /// Serves a certificate from `ca`.
    good: SocketAddr,
    /// Serves an expired certificate from `expired_ca`.
    expired: SocketAddr,
    /// Serves a certificate for `example.com` only, from `wrong_name_ca`.
    wrong_name: SocketAddr,
    /// The embedded server (plain HTTP).
    plain: server::RunningServer,
}

impl World {
    fn file(&self, name: &str) -> String {
        self.home.path().join(name).display().to_string()
    }
}

async fn world() -> World {
    let home = tempfile::tempdir().unwrap();
    let write = |name: &str, text: &str| std::fs::write(home.path().join(name), text).unwrap();
    let good = pki(&["127.0.0.1", "localhost"], false);
    let expired = pki(&["127.0.0.1"], true);
    let wrong_name = pki(&["example.com"], false);
    write("ca.pem", &good.ca_pem);
    write("expired-ca.pem", &expired.ca_pem);
    write("wrong-name-ca.pem", &wrong_name.ca_pem);
    // Another CA of the same name: the signature, not the name, must decide.
    write("other-ca.pem", &pki(&["127.0.0.1"], false).ca_pem);
    write("not-pem.pem", "this is not a certificate\n");
    let plain = server::start(ServerConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        sharings: 10,
        ..ServerConfig::default()
    })
    .await
    .unwrap();
    World {
        good: https_server(good.server).await,
        expired: https_server(expired.server).await,
        wrong_name: https_server(wrong_name.server).await,
        plain,
        home,
    }
}

fn fails(words: &[&str]) -> Expect {
    Expect::Fails(words.iter().map(|w| (*w).to_owned()).collect())
}

fn cases(w: &World) -> Vec<Case> {
    let https = format!("https://{}", w.good);
    let ca = |file: &str| vec!["--ca-cert".to_owned(), w.file(file)];
    let c = |name, endpoint: &str, args: Vec<String>, expect| Case {
        name,
        endpoint: endpoint.to_owned(),
        args,
        expect,
    };
    let missing = w.file("missing.pem");
    vec![
        c(
            "private CA, not trusted",
            &https,
            vec![],
            fails(&[
                "vbshare: TLS handshake with 127.0.0.1:",
                // Which certificate was rejected, and the three ways to trust its CA.
                "certificate for \"CN=vbshare test server\" (issuer \"CN=vbshare test CA\")",
                "is not issued by a CA this machine trusts",
                "--ca-cert",
                "SSL_CERT_FILE or SSL_CERT_DIR",
                "operating system's certificate store",
            ]),
        ),
        c(
            "private CA, --ca-cert",
            &https,
            ca("ca.pem"),
            Expect::Prints {
                stdout: "{\"shared\":[]}\n",
                stderr: &[],
            },
        ),
        c(
            "private CA, --ca-cert, by name",
            &format!("https://localhost:{}", w.good.port()),
            ca("ca.pem"),
            Expect::Prints {
                stdout: "{\"shared\":[]}\n",
                stderr: &[],
            },
        ),
        c(
            "private CA, --insecure",
            &https,
            vec!["--insecure".to_owned()],
            Expect::Prints {
                stdout: "{\"shared\":[]}\n",
                stderr: &["WARNING", "--insecure", "NOT verified"],
            },
        ),
        c(
            "--ca-cert of another CA",
            &https,
            ca("other-ca.pem"),
            fails(&["TLS handshake", "not signed by the trusted CA", "--ca-cert"]),
        ),
        c(
            "--ca-cert that is not PEM",
            &https,
            ca("not-pem.pem"),
            fails(&["--ca-cert", "holds no PEM certificate", "BEGIN CERTIFICATE"]),
        ),
        c(
            "--ca-cert that does not exist",
            &https,
            vec!["--ca-cert".to_owned(), missing.clone()],
            Expect::Refused(vec![
                "cannot read CA certificate".to_owned(),
                missing,
                "No such file".to_owned(),
            ]),
        ),
        c(
            "expired certificate",
            &format!("https://{}", w.expired),
            ca("expired-ca.pem"),
            fails(&["TLS handshake", "expired", "clock"]),
        ),
        c(
            "certificate for another name",
            &format!("https://{}", w.wrong_name),
            ca("wrong-name-ca.pem"),
            fails(&["TLS handshake", "not valid for name", "--endpoint"]),
        ),
        c(
            "https:// to a plain HTTP server",
            &w.plain.endpoint().replace("http://", "https://"),
            vec![],
            fails(&["TLS handshake", "not TLS", "http://"]),
        ),
        c(
            "http:// to an HTTPS server",
            &format!("http://{}", w.good),
            vec![],
            fails(&["not HTTP", "https://"]),
        ),
    ]
}

fn run(home: &Path, c: &Case) -> (Output, Duration) {
    let mut cmd = vbshare(home, &c.endpoint);
    cmd.args(&c.args).args(["list", "-o", "json"]);
    let started = Instant::now();
    let out = cmd.output().unwrap();
    (out, started.elapsed())
}

fn check(c: &Case, out: &Output, took: Duration) -> Vec<String> {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let mut problems = Vec::new();
    // No case waits for a retry or a timeout.
    if took > Duration::from_secs(3) {
        problems.push(format!("took {took:?}"));
    }
    if stderr.lines().count() > 1 || stderr.contains("panicked") {
        problems.push("more than one line on stderr".to_owned());
    }
    match &c.expect {
        Expect::Prints {
            stdout: want,
            stderr: words,
        } => {
            if out.status.code() != Some(0) {
                problems.push("did not exit 0".to_owned());
            }
            if stdout != *want {
                problems.push(format!("stdout {stdout:?}"));
            }
            if words.is_empty() && !stderr.is_empty() {
                problems.push("stderr is not empty".to_owned());
            }
            for w in *words {
                if !stderr.contains(w) {
                    problems.push(format!("stderr lacks {w:?}"));
                }
            }
        }
        Expect::Fails(words) | Expect::Refused(words) => {
            let code = if matches!(c.expect, Expect::Refused(_)) {
                2
            } else {
                1
            };
            if out.status.code() != Some(code) {
                problems.push(format!("did not exit {code}"));
            }
            if !stdout.is_empty() {
                problems.push(format!("stdout {stdout:?}"));
            }
            if !stderr.starts_with("vbshare: ") || !stderr.ends_with('\n') {
                problems.push("stderr is not one `vbshare: …` line".to_owned());
            }
            for w in words {
                if !stderr.contains(w.as_str()) {
                    problems.push(format!("stderr lacks {w:?}"));
                }
            }
            let clauses: Vec<&str> = stderr
                .split([':', ';'])
                .map(str::trim)
                .filter(|s| s.len() > 8)
                .collect();
            if let Some((i, _)) = clauses
                .iter()
                .enumerate()
                .find(|(i, c)| clauses[i + 1..].contains(c))
            {
                problems.push(format!("says {:?} twice", clauses[i]));
            }
        }
    }
    problems
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_command_line_over_tls() {
    let w = world().await;
    let mut tasks = tokio::task::JoinSet::new();
    for c in cases(&w) {
        let home: PathBuf = w.home.path().to_owned();
        tasks.spawn_blocking(move || {
            let (out, took) = run(&home, &c);
            let problems = check(&c, &out, took);
            (
                c.name,
                took,
                String::from_utf8_lossy(&out.stderr).into_owned(),
                problems,
            )
        });
    }
    let mut report = String::new();
    let mut failed = 0;
    while let Some(r) = tasks.join_next().await {
        let (name, took, stderr, problems) = r.unwrap();
        let verdict = if problems.is_empty() { "ok  " } else { "FAIL" };
        failed += usize::from(!problems.is_empty());
        writeln!(
            report,
            "{verdict} {name:<32} {:>5} ms  {}",
            took.as_millis(),
            stderr.trim_end()
        )
        .unwrap();
        if !problems.is_empty() {
            writeln!(report, "     -> {}", problems.join("; ")).unwrap();
        }
    }
    println!("{report}");
    assert_eq!(failed, 0, "{report}");
}

/// The browser against the untrusted server shows the TLS failure and stays usable; with
/// `--ca-cert` it shows the (empty) page.
#[test]
fn the_browser_over_tls() {
    let rt = tokio::runtime::Runtime::new().unwrap();
    let w = rt.block_on(world());
    let endpoint = format!("https://{}", w.good);
    let ca = w.file("ca.pem");
    let start = |extra: &[&str]| {
        let mut args = vec!["--endpoint", &endpoint, "--project-id", DEMO_PROJECT_ID];
        args.extend_from_slice(extra);
        pty::Tui::start_with(
            &args,
            &[
                ("HW_ACCESS_KEY", DEMO_ACCESS_KEY),
                ("HW_SECRET_KEY", DEMO_SECRET_KEY),
                ("NO_COLOR", "1"),
            ],
        )
    };
    let mut refused = start(&[]);
    let trusted = start(&["--ca-cert", &ca]);

    let screen = refused.wait_for("the TLS error", |s| s.contains("✗ list failed"));
    let text = screen
        .replace('│', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for want in ["TLS handshake with 127.0.0.1:", "--ca-cert"] {
        assert!(text.contains(want), "missing {want:?}:\n{screen}");
    }
    refused.send("?");
    refused.wait_text("Keys · Esc closes");
    refused.send("\x1b");
    refused.wait_for("help to close", |s| !s.contains("Keys · Esc closes"));

    trusted.wait_for("the empty page", |s| {
        pty::footer(s).contains("0 rows") && !s.contains("✗ list failed")
    });

    for mut tui in [refused, trusted] {
        tui.send("q");
        let started = Instant::now();
        let status = loop {
            if let Some(status) = tui.child.try_wait().unwrap() {
                break status;
            }
            assert!(
                started.elapsed() < pty::CAP,
                "did not quit:\n{}",
                tui.screen()
            );
            std::thread::sleep(Duration::from_millis(30));
        };
        assert!(status.success(), "{status:?}");
        let raw = String::from_utf8_lossy(&tui.raw.lock().unwrap()).into_owned();
        assert!(!raw.contains("panicked"), "{raw}");
    }
}
