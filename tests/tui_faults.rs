//! The browser under faults, in a real pseudo-terminal against the embedded server: once
//! the first page is on screen a fault is injected and `r` pressed. The error must show
//! (its code or cause on screen), the rows must stay, help must still open, and once the
//! injected faults are used up `r` must bring the page back. The process never panics.
//!
//! Every case gets its own server and browser, and all run at once.

#![allow(clippy::unwrap_used)]

use std::net::SocketAddr;
use std::path::Path;
use std::time::{Duration, Instant};

use tokio::runtime::Runtime;
use vbshare::server::{
    self, DEMO_ACCESS_KEY, DEMO_DOMAIN, DEMO_PASSWORD, DEMO_PROJECT_ID, DEMO_SECRET_KEY, DEMO_USER,
    Fault, RunningServer, ServerConfig,
};

#[path = "common/pty.rs"]
mod pty;

use pty::{Tui, footer, total};

/// The spinner's frames (the footer shows one while a request is pending).
/// A host that cannot resolve and costs no DNS query (a first label longer than DNS allows).
const UNRESOLVABLE_URL: &str =
    "http://vbshare-test-label-longer-than-dns-allows-so-no-query-is-ever-sent.invalid";

const SPINNER: [char; 10] = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/// A refresh is a list call and a count per direction (both tabs show their totals); a
/// retried call is tried four times.
const BOTH: u32 = 3;
const BOTH_RETRIED: u32 = 12;

#[derive(Clone, Copy, Debug)]
enum Creds {
    AkSk,
    Password,
    /// A token the server minted, valid for an hour.
    Token,
}

#[derive(Clone, Copy, Debug)]
enum Kind {
    /// `(fault, times)` injected after the first page; the error must show, then recover.
    Fault(&'static str, u32),
    /// Like `Fault`, but the browser rides it out: no error, the page refreshed.
    RidesOut(&'static str, u32),
    /// The server stops after the first page and comes back on the same port.
    Restart,
    /// Nothing works from the start (so there are no rows to keep): this endpoint suffix
    /// on the embedded server, or this endpoint outright.
    FromStart(Start),
}

#[derive(Clone, Copy, Debug)]
enum Start {
    WrongPath,
    Endpoint(&'static str),
}

#[derive(Clone, Copy, Debug)]
struct Case {
    name: &'static str,
    kind: Kind,
    creds: Creds,
    timeout: u64,
    /// Text the screen must show with the error (whitespace and borders squeezed).
    shows: &'static [&'static str],
}

fn case(name: &'static str, kind: Kind, shows: &'static [&'static str]) -> Case {
    Case {
        name,
        kind,
        creds: Creds::AkSk,
        timeout: 5,
        shows,
    }
}

fn cases() -> Vec<Case> {
    use Kind::{Fault as F, FromStart, Restart, RidesOut};
    let mut v = vec![
        case(
            "connection refused",
            Restart,
            &["✗ list failed", "cannot connect to 127.0.0.1:", "refused"],
        ),
        case(
            "name does not resolve",
            FromStart(Start::Endpoint(UNRESOLVABLE_URL)),
            &["✗ list failed", "cannot resolve vbshare-test-label-longer"],
        ),
        case(
            "404 APIGW.0101",
            FromStart(Start::WrongPath),
            &["HTTP 404", "APIGW.0101", "--endpoint"],
        ),
        Case {
            timeout: 2,
            ..case(
                "never answers",
                F("hang", BOTH),
                &["✗ list failed", "no complete answer", "--timeout"],
            )
        },
        Case {
            timeout: 2,
            ..case(
                "drips a byte a second",
                F("drip", BOTH),
                &["✗ list failed", "no complete answer", "--timeout"],
            )
        },
        Case {
            creds: Creds::Password,
            ..case(
                "expired token, password auth renews",
                RidesOut("expire-tokens", BOTH),
                &[],
            )
        },
        Case {
            creds: Creds::Token,
            ..case(
                "expired token, token auth",
                F("expire-tokens", BOTH),
                &["HTTP 401", "IAM.0066", "The token has expired."],
            )
        },
        case(
            "403",
            F("status-403", BOTH),
            &[
                "✗ list failed · HTTP 403",
                "VolumeBackup.0042",
                "permission",
            ],
        ),
        case(
            "429 every time",
            F("too-many-requests-1", BOTH_RETRIED),
            &["HTTP 429", "APIGW.0308", "too many requests"],
        ),
        case(
            "HTML error page",
            F("html-502", BOTH_RETRIED),
            &["HTTP 502", "HTML page \"502 Bad Gateway\""],
        ),
        case(
            "429 then an answer",
            RidesOut("too-many-requests-1", BOTH),
            &[],
        ),
        case("503 then an answer", RidesOut("status-503", BOTH), &[]),
        // One huge answer (list's or count's) keeps the memory this takes bounded.
        case(
            "body past the cap",
            F("huge-68157440", 1),
            &["failed", "larger than 64 MiB"],
        ),
    ];
    for (spelling, shows) in FIVE_XX {
        v.push(case(spelling, F(spelling, BOTH_RETRIED), shows));
    }
    v
}

/// The 5xx faults, with and without a body, and what the error panel shows for each.
const FIVE_XX: [(&str, &[&str]); 8] = [
    (
        "status-500",
        &[
            "✗ list failed · HTTP 500",
            "VolumeBackup.0900",
            "retry later",
        ],
    ),
    (
        "status-500-no-body",
        &["✗ list failed · HTTP 500", "request ID", "retry later"],
    ),
    (
        "status-502",
        &[
            "✗ list failed · HTTP 502",
            "VolumeBackup.0900",
            "bad answer",
        ],
    ),
    (
        "status-502-no-body",
        &["✗ list failed · HTTP 502", "request ID", "bad answer"],
    ),
    (
        "status-503",
        &[
            "✗ list failed · HTTP 503",
            "VolumeBackup.0900",
            "unavailable",
        ],
    ),
    (
        "status-503-no-body",
        &["✗ list failed · HTTP 503", "request ID", "unavailable"],
    ),
    (
        "status-504",
        &["✗ list failed · HTTP 504", "VolumeBackup.0900", "timed out"],
    ),
    (
        "status-504-no-body",
        &["✗ list failed · HTTP 504", "request ID", "timed out"],
    ),
];

/// A 200 whose body is not a VBS answer: today the panel shows `HTTP 200` with code,
/// message and request ID all `—`, and not the cause (`ErrorInfo::from_api` keeps a message
/// only for `ApiError::Status`; a fix belongs in `src/tui/app/error.rs`).
fn unreadable_body_cases() -> Vec<Case> {
    use Kind::Fault as F;
    vec![
        case(
            "truncated JSON",
            F("malformed-json", BOTH),
            &["✗ list failed", "HTTP 200", "not JSON"],
        ),
        case(
            "wrong types",
            F("wrong-types", BOTH),
            &["✗ list failed", "HTTP 200", "should be a list"],
        ),
        case(
            "empty 200",
            F("empty-200", BOTH),
            &["✗ list failed", "HTTP 200", "body is empty"],
        ),
    ]
}

async fn start_server(listen: SocketAddr) -> RunningServer {
    server::start(ServerConfig {
        listen,
        sharings: 100,
        ..ServerConfig::default()
    })
    .await
    .unwrap()
}

/// The screen as one line: borders dropped, whitespace squeezed, so that text the error
/// panel wraps reads on.
fn squeezed(screen: &str) -> String {
    screen
        .replace(['│', '┌', '┐', '└', '┘', '─'], " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn loading(screen: &str) -> bool {
    footer(screen).contains(SPINNER)
}

/// A failed list or count shows, in its panel or (hidden) in the footer.
fn has_error(s: &str) -> bool {
    s.contains("✗ list failed") || s.contains("✗ count failed")
}

/// The first page is on screen, settled, with no error.
fn page_shown(s: &str) -> bool {
    footer(s).contains("rows 1–") && total(footer(s)).is_some() && !loading(s) && !has_error(s)
}

/// The selected sharing's ID, from the detail pane.
fn selected_id(screen: &str) -> String {
    let is_uuid = |w: &&str| {
        w.len() == 36
            && w.char_indices()
                .all(|(i, c)| matches!(i, 8 | 13 | 18 | 23) == (c == '-'))
    };
    screen
        .split_whitespace()
        .find(is_uuid)
        .expect("a sharing ID in the detail pane")
        .to_owned()
}

/// The browser pointed at `endpoint` with the case's credentials, logging its calls to `log`.
fn browser(endpoint: &str, c: &Case, server: Option<&RunningServer>, log: &Path) -> Tui {
    let timeout = c.timeout.to_string();
    let args = [
        "--endpoint",
        endpoint,
        "--project-id",
        DEMO_PROJECT_ID,
        "--timeout",
        timeout.as_str(),
        "--log-file",
        log.to_str().unwrap(),
        "--log-level",
        "debug",
    ];
    let base = server.map(RunningServer::endpoint).unwrap_or_default();
    let auth_url = format!("{base}/v3");
    let token;
    let env: Vec<(&str, &str)> = match c.creds {
        Creds::AkSk => vec![
            ("HW_ACCESS_KEY", DEMO_ACCESS_KEY),
            ("HW_SECRET_KEY", DEMO_SECRET_KEY),
        ],
        Creds::Password => vec![
            ("HW_USER_NAME", DEMO_USER),
            ("HW_USER_PASSWORD", DEMO_PASSWORD),
            ("HW_DOMAIN_NAME", DEMO_DOMAIN),
            ("HW_AUTH_URL", auth_url.as_str()),
        ],
        Creds::Token => {
            token = server.unwrap().mint_token(DEMO_PROJECT_ID, 3600);
            vec![("HW_AUTH_TOKEN", token.as_str())]
        }
    };
    let mut env = env;
    env.push(("NO_COLOR", "1"));
    Tui::start_with(&args, &env)
}

/// Waits for the error, then checks what it shows, that `rows` (a row's ID) stayed, and that
/// help opens and closes over it.
fn error_shown(tui: &mut Tui, c: &Case, keep: Option<&str>) {
    let screen = tui.wait_for("the error", |s| has_error(s) && !loading(s));
    let text = squeezed(&screen);
    for want in c.shows {
        assert!(text.contains(want), "missing {want:?}; screen:\n{screen}");
    }
    if let Some(id) = keep {
        assert!(screen.contains(id), "row {id} is gone; screen:\n{screen}");
    }
    tui.send("?");
    tui.wait_text("Keys · Esc closes");
    tui.send("\x1b");
    tui.wait_for("help to close over the error", |s| {
        !s.contains("Keys · Esc closes") && has_error(s)
    });
}

/// Quits with `q`; the process must exit 0 and never have printed a panic.
fn quit(mut tui: Tui) {
    tui.send("q");
    let status = tui.wait_exit();
    let raw = String::from_utf8_lossy(&tui.raw.lock().unwrap()).into_owned();
    assert!(!raw.contains("panicked"), "panicked:\n{raw}");
    assert!(status.success(), "exit status {status:?}");
}

fn run_case(rt: &Runtime, c: &Case) {
    let any = "127.0.0.1:0".parse().unwrap();
    let logs = tempfile::tempdir().unwrap();
    let log = logs.path().join("vbshare.log");
    match c.kind {
        Kind::FromStart(start) => {
            let server = rt.block_on(start_server(any));
            let endpoint = match start {
                Start::WrongPath => format!("{}/not-vbs", server.endpoint()),
                Start::Endpoint(e) => e.to_owned(),
            };
            let mut tui = browser(&endpoint, c, Some(&server), &log);
            error_shown(&mut tui, c, None);
            quit(tui);
        }
        Kind::Fault(..) | Kind::RidesOut(..) | Kind::Restart => {
            let server = rt.block_on(start_server(any));
            let endpoint = server.endpoint();
            let mut tui = browser(&endpoint, c, Some(&server), &log);
            let first = tui.wait_for("the first page", page_shown);
            let id = selected_id(&first);
            // The page after it is fetched ahead; let that happen before faults are
            // queued, so the fault goes to the refresh (bounded: the 20 s cap).
            let t = Instant::now();
            while !prefetched(&log) && t.elapsed() < pty::CAP {
                std::thread::sleep(Duration::from_millis(20));
            }
            assert!(prefetched(&log), "the second page was not fetched ahead");
            let before = answered(&log);
            match c.kind {
                Kind::Fault(spelling, times) | Kind::RidesOut(spelling, times) => {
                    server.inject(spelling.parse::<Fault>().unwrap(), times);
                }
                _ => {
                    let addr = server.addr();
                    rt.block_on(server.shutdown());
                    tui.send("r");
                    error_shown(&mut tui, c, Some(&id));
                    let _back = rt.block_on(start_server(addr));
                    tui.send("r");
                    tui.wait_for("the page after the server is back", page_shown);
                    quit(tui);
                    return;
                }
            }
            tui.send("r");
            if c.timeout <= 2 {
                // The answer is slow in coming: the keys must not wait for it.
                tui.send("?");
                let screen = tui.wait_text("Keys · Esc closes");
                assert!(!has_error(&screen), "the error came before help:\n{screen}");
                tui.send("\x1b");
            }
            if let Kind::RidesOut(..) = c.kind {
                // Both calls of the refresh answered (after their fault), and the screen
                // shows the page again with no error.
                let screen = tui.wait_for("the refreshed page", |s| {
                    answered(&log) >= before + 2 && page_shown(s)
                });
                assert!(screen.contains(&id), "row {id} is gone; screen:\n{screen}");
                assert_eq!(rt.block_on(pending_faults(&endpoint)), 0, "faults not used");
            } else {
                error_shown(&mut tui, c, Some(&id));
                tui.send("r");
                tui.wait_for("the page after the faults are used up", page_shown);
            }
            quit(tui);
            drop(server);
        }
    }
}

/// How many VBS calls the browser's log shows answered with 200.
fn answered(log: &Path) -> usize {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .filter(|l| l.contains("vbs call") && l.ends_with("outcome=200"))
        .count()
}

/// Whether the log shows the second page fetched ahead and answered.
fn prefetched(log: &Path) -> bool {
    std::fs::read_to_string(log)
        .unwrap_or_default()
        .lines()
        .any(|l| l.contains("vbs call") && l.contains("offset=50") && l.ends_with("outcome=200"))
}

/// How many injected faults the server still holds (its admin endpoint).
async fn pending_faults(endpoint: &str) -> u64 {
    // Never through a proxy the environment may name: the server is on loopback.
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    let text = http
        .get(format!("{endpoint}/__vbshare/faults"))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    v["pending"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["times"].as_u64().unwrap())
        .sum()
}

/// Runs `cases` at once, each on its own thread; fails with every failure's screen.
fn run_all(cases: Vec<Case>) {
    let rt = Runtime::new().unwrap();
    let started = Instant::now();
    let results: Vec<(&'static str, Duration, Result<(), String>)> = std::thread::scope(|s| {
        let handles: Vec<_> = cases
            .into_iter()
            .map(|c| {
                let rt = &rt;
                s.spawn(move || {
                    let t = Instant::now();
                    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                        run_case(rt, &c);
                    }))
                    .map_err(|p| {
                        p.downcast_ref::<String>()
                            .cloned()
                            .or_else(|| p.downcast_ref::<&str>().map(|s| (*s).to_owned()))
                            .unwrap_or_default()
                    });
                    (c.name, t.elapsed(), r)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let mut failed = Vec::new();
    for (name, took, r) in &results {
        let verdict = if r.is_ok() { "ok" } else { "FAIL" };
        println!("{name:<40} {:>6} ms  {verdict}", took.as_millis());
        if let Err(e) = r {
            failed.push(format!("{name}: {e}"));
        }
    }
    println!("all cases in {:?}", started.elapsed());
    assert!(failed.is_empty(), "{}", failed.join("\n\n"));
}

#[test]
fn the_browser_shows_each_fault_keeps_its_rows_and_recovers() {
    run_all(cases());
}

#[test]
fn the_browser_shows_why_a_body_is_unreadable() {
    run_all(unreadable_body_cases());
}
