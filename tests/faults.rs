//! The fault matrix for the command line: the built binary runs `vbshare list` (and `count`
//! where a case needs it) against a server that misbehaves in one way per case — the
//! embedded server with an injected fault, a closed port, a name that does not resolve, or
//! a purpose-built TCP server — and must exit 1 within its timeout with one clear line on
//! stderr and nothing on stdout, or recover when the fault is one it is meant to ride out.
//!
//! Every case gets its own server (injected faults are one queue per server), and all cases
//! run at once, so the wall time is that of the slowest case (429 with `Retry-After: 1`,
//! retried three times).

#![allow(clippy::unwrap_used)]

use std::fmt::Write as _;
use std::net::SocketAddr;
use std::process::Output;

#[path = "common/cli.rs"]
mod cli;

use cli::vbshare;
use std::time::{Duration, Instant};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use vbshare::server::{
    self, DEMO_ACCESS_KEY, DEMO_DOMAIN, DEMO_PASSWORD, DEMO_PROJECT_ID, DEMO_SECRET_KEY, DEMO_USER,
    Fault, RunningServer, ServerConfig,
};

/// How the binary authenticates.
#[derive(Clone, Copy, Debug)]
enum Creds {
    AkSk,
    /// User and password exchanged at the server's IAM endpoint.
    Password,
    /// The same with a wrong password.
    WrongPassword,
    /// A token minted by the server, valid for this many seconds (negative: expired).
    Token(i64),
}

/// A purpose-built server: raw bytes over TCP, for what the embedded server cannot do.
#[derive(Clone, Copy, Debug)]
enum Raw {
    /// Accepts and then never reads or writes.
    Silent,
    /// Answers every request with a 200 carrying this JSON, then closes.
    Json(&'static str),
    /// Answers every request with these bytes, then closes.
    Reply(&'static str),
    /// A 200 without a length whose body streams this many bytes, then closes.
    Stream(usize),
}

/// Where the binary is pointed.
#[derive(Clone, Copy, Debug)]
enum Target {
    /// The embedded server, with `(fault, times)` injected before the run.
    Server(Option<(&'static str, u32)>),
    /// The embedded server under a path that is not the VBS API.
    WrongPath,
    /// A loopback port nothing listens on.
    Closed,
    /// A host name that cannot resolve (RFC 6761 `.invalid`).
    Unresolvable,
    Raw(Raw),
}

/// What the user must see.
#[derive(Clone, Debug)]
enum Expect {
    /// Exit 0 with rows on stdout, no sooner than this many milliseconds (proving a wait);
    /// on stderr only the page note, when the page is full.
    Rows { min_ms: u64 },
    /// Exit 0 with rows on stdout and exactly this line on stderr.
    RowsAndNote(&'static str),
    /// Exit 1, nothing on stdout, one line on stderr holding every one of these.
    Fails(Vec<String>),
}

fn fails(words: &[&str]) -> Expect {
    Expect::Fails(words.iter().map(|w| (*w).to_owned()).collect())
}

#[derive(Clone, Debug)]
struct Case {
    name: &'static str,
    target: Target,
    creds: Creds,
    /// The subcommand and its arguments.
    command: &'static [&'static str],
    /// `--timeout`, in seconds.
    timeout: u64,
    expect: Expect,
    /// The run must end within this.
    within: Duration,
}

/// A host name that cannot resolve and costs no DNS query: its first label is longer than
/// DNS allows, so the resolver library refuses it locally.
const UNRESOLVABLE: &str =
    "vbshare-test-label-longer-than-dns-allows-so-no-query-is-ever-sent.invalid";

const LIST: &[&str] = &["list", "--limit", "5"];

fn case(name: &'static str, target: Target, expect: Expect) -> Case {
    Case {
        name,
        target,
        creds: Creds::AkSk,
        command: LIST,
        timeout: 5,
        expect,
        within: Duration::from_secs(4),
    }
}

fn fault(spelling: &'static str, times: u32) -> Target {
    Target::Server(Some((spelling, times)))
}

/// The 5xx faults, with and without a body, and the status line each must name.
const FIVE_XX: [(&str, &str); 8] = [
    ("status-500", "HTTP 500 Internal Server Error"),
    ("status-500-no-body", "HTTP 500 Internal Server Error"),
    ("status-502", "HTTP 502 Bad Gateway"),
    ("status-502-no-body", "HTTP 502 Bad Gateway"),
    ("status-503", "HTTP 503 Service Unavailable"),
    ("status-503-no-body", "HTTP 503 Service Unavailable"),
    ("status-504", "HTTP 504 Gateway Timeout"),
    ("status-504-no-body", "HTTP 504 Gateway Timeout"),
];

/// Every case of the matrix.
fn cases() -> Vec<Case> {
    use Expect::Rows;
    // A GET is tried once and retried three times: four faults exhaust it.
    let retried = 4;
    let mut v = vec![
        case("healthy", Target::Server(None), Rows { min_ms: 0 }),
        case(
            "connection refused",
            Target::Closed,
            fails(&["cannot connect to 127.0.0.1:", "refused", "--endpoint"]),
        ),
        case(
            "name does not resolve",
            Target::Unresolvable,
            fails(&[&format!("cannot resolve {UNRESOLVABLE}"), "DNS"]),
        ),
        Case {
            timeout: 1,
            within: Duration::from_secs(3),
            ..case(
                "accepts and never answers",
                Target::Raw(Raw::Silent),
                fails(&[
                    "no complete answer from 127.0.0.1:",
                    "within 1s",
                    "--timeout",
                ]),
            )
        },
        Case {
            timeout: 1,
            within: Duration::from_secs(3),
            ..case(
                "answers headers and never a body",
                fault("hang", 1),
                fails(&["no complete answer", "within 1s", "--timeout"]),
            )
        },
        Case {
            timeout: 1,
            within: Duration::from_secs(3),
            ..case(
                "drips a byte a second",
                fault("drip", 1),
                fails(&["no complete answer", "within 1s", "--timeout"]),
            )
        },
        Case {
            creds: Creds::Password,
            ..case(
                "401 expired token, password auth renews once",
                fault("expire-tokens", 1),
                Rows { min_ms: 0 },
            )
        },
        Case {
            creds: Creds::Password,
            ..case(
                "401 expired token twice, password auth",
                fault("expire-tokens", 2),
                fails(&["HTTP 401 Unauthorized: IAM.0066", "expired"]),
            )
        },
        Case {
            creds: Creds::WrongPassword,
            ..case(
                "wrong password at IAM",
                Target::Server(None),
                fails(&[
                    "IAM sign-in failed: HTTP 401 Unauthorized: IAM.0001",
                    "HW_USER_PASSWORD",
                ]),
            )
        },
        Case {
            creds: Creds::Token(3600),
            ..case(
                "401 expired token, token auth",
                fault("expire-tokens", 1),
                fails(&["HTTP 401 Unauthorized: IAM.0066", "token has expired"]),
            )
        },
        Case {
            creds: Creds::Token(-60),
            ..case(
                "401 token past its expiry",
                Target::Server(None),
                fails(&["HTTP 401", "APIGW.0301", "token has expired", "token"]),
            )
        },
        case(
            "AK/SK is not affected by expired tokens",
            fault("expire-tokens", 1),
            Rows { min_ms: 0 },
        ),
        case(
            "403",
            fault("status-403", 1),
            fails(&["HTTP 403 Forbidden", "VolumeBackup.0042", "permission"]),
        ),
        case(
            "404 APIGW.0101 (not the VBS API)",
            Target::WrongPath,
            fails(&["HTTP 404 Not Found: APIGW.0101", "--endpoint", "request ID"]),
        ),
        case(
            "429 then success",
            fault("too-many-requests-1", 1),
            Rows { min_ms: 900 },
        ),
        Case {
            within: Duration::from_secs(6),
            ..case(
                "429 every time",
                fault("too-many-requests-1", retried),
                fails(&["HTTP 429 Too Many Requests: APIGW.0308", "retry"]),
            )
        },
        case(
            "503 then success",
            fault("status-503", 2),
            Rows { min_ms: 0 },
        ),
        case(
            "HTML error page",
            fault("html-502", retried),
            fails(&[
                "HTTP 502 Bad Gateway",
                "HTML page",
                "502 Bad Gateway\"",
                "retry",
            ]),
        ),
        case(
            "truncated JSON",
            fault("malformed-json", 1),
            fails(&["HTTP 200 from 127.0.0.1:", "not JSON", "--endpoint"]),
        ),
        case(
            "object where a list was promised",
            fault("wrong-types", 1),
            fails(&["HTTP 200", "\"shared\" should be a list"]),
        ),
        Case {
            command: &["count"],
            ..case(
                "count as a word",
                Target::Raw(Raw::Json(r#"{"count":"ten"}"#)),
                fails(&["HTTP 200", "\"count\" should be a whole number"]),
            )
        },
        // One odd field never empties the page: the row is listed.
        case(
            "size as a string",
            Target::Raw(Raw::Json(
                r#"{"shared":[{"id":"a","backup":{"size":"10"}}]}"#,
            )),
            Rows { min_ms: 0 },
        ),
        case(
            "an empty timestamp and a size in words",
            Target::Raw(Raw::Json(
                r#"{"shared":[{"id":"a","created_at":"","backup":{"name":"kept","size":"ten"}}]}"#,
            )),
            Expect::RowsAndNote(
                "note: 2 fields could not be read as documented and were shown as ?… in \
                 tables; -o json and -o csv keep them as sent",
            ),
        ),
        case(
            "empty 200",
            fault("empty-200", 1),
            fails(&["HTTP 200", "empty"]),
        ),
        // Retried like a refused connection (a GET is safe to repeat), then named.
        case(
            "connection closed mid-body",
            Target::Raw(Raw::Reply(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\
                 connection: close\r\n\r\n{\"shared\":[",
            )),
            fails(&[
                "the connection to 127.0.0.1:",
                "closed before the whole answer arrived",
                "retry later",
            ]),
        ),
        case(
            "body past the cap, with a length",
            fault("huge-73400320", 1),
            fails(&["larger than 64 MiB", "--limit"]),
        ),
        case(
            "body past the cap, streamed",
            Target::Raw(Raw::Stream(65 << 20)),
            fails(&["larger than 64 MiB", "--limit"]),
        ),
    ];
    for (spelling, line) in FIVE_XX {
        let mut words = vec![line, "request ID", "retry later"];
        if !spelling.ends_with("-no-body") {
            words.push(": VolumeBackup.0900: ");
        }
        v.push(case(spelling, fault(spelling, retried), fails(&words)));
    }
    v
}

async fn start_server() -> RunningServer {
    server::start(ServerConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        sharings: 100,
        ..ServerConfig::default()
    })
    .await
    .unwrap()
}

/// Serves `raw` on a fresh loopback port.
async fn raw_server(raw: Raw) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        loop {
            let Ok((stream, _)) = listener.accept().await else {
                continue;
            };
            tokio::spawn(serve_raw(stream, raw));
        }
    });
    addr
}

async fn serve_raw(mut stream: TcpStream, raw: Raw) {
    if let Raw::Silent = raw {
        // Hold the connection open, unread, until the runtime ends.
        std::future::pending::<()>().await;
    }
    let mut head = Vec::new();
    let mut buf = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        match stream.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => head.extend_from_slice(&buf[..n]),
        }
    }
    match raw {
        Raw::Silent => {}
        Raw::Json(body) => {
            let answer = format!(
                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
                 connection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(answer.as_bytes()).await;
        }
        Raw::Reply(bytes) => {
            let _ = stream.write_all(bytes.as_bytes()).await;
        }
        Raw::Stream(total) => {
            let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                        connection: close\r\n\r\n{\"shared\":[],\"pad\":\"";
            if stream.write_all(head.as_bytes()).await.is_err() {
                return;
            }
            let chunk = vec![b'x'; 64 * 1024];
            let mut sent = 0;
            while sent < total {
                if stream.write_all(&chunk).await.is_err() {
                    return; // the client gave up, as it should
                }
                sent += chunk.len();
            }
            let _ = stream.write_all(b"\"}").await;
        }
    }
    let _ = stream.shutdown().await;
}

/// A loopback port that refuses connections: bound but never listening, and held for as
/// long as the socket lives, so no other case's server can take it meanwhile (a port
/// merely freed again could be, and then "connection refused" met a healthy server).
fn closed_port() -> (SocketAddr, tokio::net::TcpSocket) {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    (socket.local_addr().unwrap(), socket)
}

/// Runs one case; returns what went wrong, if anything, and a line for the log.
async fn run_case(c: Case) -> Result<String, String> {
    let home = tempfile::tempdir().unwrap();
    let mut server = None;
    // The refusing port's socket, held until the case ends.
    let mut held = None;
    let endpoint = match c.target {
        Target::Server(f) => {
            let s = start_server().await;
            if let Some((spelling, times)) = f {
                s.inject(spelling.parse::<Fault>().unwrap(), times);
            }
            let e = s.endpoint();
            server = Some(s);
            e
        }
        Target::WrongPath => {
            let s = start_server().await;
            let e = format!("{}/not-vbs", s.endpoint());
            server = Some(s);
            e
        }
        Target::Closed => {
            let (addr, socket) = closed_port();
            held = Some(socket);
            format!("http://{addr}")
        }
        // A first label over DNS's 63 characters: the resolver library refuses it before
        // sending any query, so the test sends nothing beyond this machine.
        Target::Unresolvable => format!("http://{UNRESOLVABLE}"),
        Target::Raw(raw) => format!("http://{}", raw_server(raw).await),
    };
    let mut cmd = vbshare(home.path());
    cmd.args([
        "--endpoint",
        &endpoint,
        "--project-id",
        DEMO_PROJECT_ID,
        "--timeout",
        &c.timeout.to_string(),
    ]);
    match c.creds {
        Creds::AkSk => {
            cmd.env("HW_ACCESS_KEY", DEMO_ACCESS_KEY)
                .env("HW_SECRET_KEY", DEMO_SECRET_KEY);
        }
        Creds::Password | Creds::WrongPassword => {
            let base = server.as_ref().unwrap().endpoint();
            let password = if let Creds::Password = c.creds {
                DEMO_PASSWORD
            } else {
                "not-the-password"
            };
            cmd.env("HW_USER_NAME", DEMO_USER)
                .env("HW_USER_PASSWORD", password)
                .env("HW_DOMAIN_NAME", DEMO_DOMAIN)
                .env("HW_AUTH_URL", format!("{base}/v3"));
        }
        Creds::Token(ttl) => {
            let token = server.as_ref().unwrap().mint_token(DEMO_PROJECT_ID, ttl);
            cmd.env("HW_AUTH_TOKEN", token);
        }
    }
    cmd.env("RES_OPTIONS", "timeout:1 attempts:1")
        .args(c.command);
    let (out, took) = tokio::task::spawn_blocking(move || {
        let started = Instant::now();
        let out = cmd.output().unwrap();
        (out, started.elapsed())
    })
    .await
    .unwrap();
    drop((server, held));
    check(&c, &out, took)
}

fn check(c: &Case, out: &Output, took: Duration) -> Result<String, String> {
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    let log = format!(
        "{:<45} {:>5} ms  exit {:?}  {}",
        c.name,
        took.as_millis(),
        out.status.code(),
        stderr.trim_end()
    );
    let mut problems = Vec::new();
    if took > c.within {
        problems.push(format!("took {took:?}, more than {:?}", c.within));
    }
    if stderr.contains("panicked") {
        problems.push("panicked".to_owned());
    }
    match &c.expect {
        Expect::Rows { min_ms } => {
            if out.status.code() != Some(0) {
                problems.push("did not exit 0".to_owned());
            }
            if !stdout.starts_with("SHARING ID") || stdout.lines().count() < 2 {
                problems.push(format!("no rows on stdout: {stdout:?}"));
            }
            // The only thing on stderr is that a full page is not everything.
            let full = stdout.lines().count() == 6;
            let note = stderr.lines().count() == 1
                && stderr.starts_with("showing 1–5 of ")
                && stderr.ends_with("; use --all or --offset 5 for more\n");
            if (full && !note) || (!full && !stderr.is_empty()) {
                problems.push(format!("stderr is not just the page note: {stderr:?}"));
            }
            if took < Duration::from_millis(*min_ms) {
                problems.push(format!("answered after {took:?}, sooner than {min_ms} ms"));
            }
        }
        Expect::RowsAndNote(want) => {
            if out.status.code() != Some(0) {
                problems.push("did not exit 0".to_owned());
            }
            if !stdout.starts_with("SHARING ID") || stdout.lines().count() < 2 {
                problems.push(format!("no rows on stdout: {stdout:?}"));
            }
            if stderr.trim_end() != *want {
                problems.push(format!("stderr is not {want:?}: {stderr:?}"));
            }
        }
        Expect::Fails(words) => {
            if out.status.code() != Some(1) {
                problems.push("did not exit 1".to_owned());
            }
            if !stdout.is_empty() {
                problems.push(format!("stdout is not empty: {stdout:?}"));
            }
            if stderr.lines().count() != 1 || !stderr.ends_with('\n') {
                problems.push("stderr is not exactly one line".to_owned());
            }
            if !stderr.starts_with("vbshare: ") {
                problems.push("stderr does not start with `vbshare: `".to_owned());
            }
            for w in words {
                if !stderr.contains(w.as_str()) {
                    problems.push(format!("stderr lacks {w:?}"));
                }
            }
            if let Some(twice) = repeated_clause(&stderr) {
                problems.push(format!("says {twice:?} twice"));
            }
        }
    }
    if problems.is_empty() {
        Ok(log)
    } else {
        Err(format!("{log}\n    -> {}", problems.join("; ")))
    }
}

/// A clause (text between `: ` or `; ` separators) that appears twice in `line`.
fn repeated_clause(line: &str) -> Option<String> {
    let clauses: Vec<&str> = line
        .trim_end()
        .split([':', ';'])
        .map(str::trim)
        .filter(|s| s.len() > 8)
        .collect();
    clauses
        .iter()
        .enumerate()
        .find(|(i, c)| clauses[i + 1..].contains(c))
        .map(|(_, c)| (*c).to_owned())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fault_gives_one_clear_line_or_recovers() {
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for c in cases() {
        tasks.spawn(run_case(c));
    }
    let mut report = String::new();
    let mut failed = 0;
    while let Some(r) = tasks.join_next().await {
        match r.unwrap() {
            Ok(line) => writeln!(report, "ok   {line}").unwrap(),
            Err(line) => {
                failed += 1;
                writeln!(report, "FAIL {line}").unwrap();
            }
        }
    }
    println!("{report}all cases in {:?}", started.elapsed());
    assert_eq!(failed, 0, "{failed} case(s) failed:\n{report}");
}

#[test]
fn repeated_clauses_are_found() {
    assert_eq!(
        repeated_clause("a: the body is empty: the body is empty\n").as_deref(),
        Some("the body is empty")
    );
    assert_eq!(
        repeated_clause("vbshare: HTTP 503: retry later; retry"),
        None
    );
}

/// A connection kept alive after one answer and then closed by the server as the next
/// request arrives (a server restart, a proxy's idle timeout): the client must retry the
/// GET on a new connection, not fail with "connection closed before message completed".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pooled_connection_closed_by_the_server_is_retried() {
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use vbshare::api::{Auth, Client, ClientConfig, ListQuery, Secret};

    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let connections = Arc::new(AtomicUsize::new(0));
    let seen = connections.clone();
    tokio::spawn(async move {
        loop {
            let Ok((mut stream, _)) = listener.accept().await else {
                continue;
            };
            let first = seen.fetch_add(1, Ordering::SeqCst) == 0;
            tokio::spawn(async move {
                let body = r#"{"shared":[]}"#;
                let answer = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n{body}",
                    body.len()
                );
                let mut buf = [0u8; 8192];
                // The first connection answers once, then reads the next request and hangs up.
                for n in 0.. {
                    let mut head = Vec::new();
                    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
                        match stream.read(&mut buf).await {
                            Ok(0) | Err(_) => return,
                            Ok(k) => head.extend_from_slice(&buf[..k]),
                        }
                    }
                    if first && n == 1 {
                        return;
                    }
                    if stream.write_all(answer.as_bytes()).await.is_err() {
                        return;
                    }
                }
            });
        }
    });
    let mut cfg = ClientConfig::new(
        format!("http://{addr}"),
        DEMO_PROJECT_ID,
        Auth::Token(Secret::new("t")),
    );
    cfg.retry_base = Duration::from_millis(10);
    let client = Client::new(cfg).unwrap();
    client.list(&ListQuery::default()).await.unwrap();
    let second = client.list(&ListQuery::default()).await;
    assert!(second.is_ok(), "{}", second.unwrap_err());
    assert_eq!(
        connections.load(Ordering::SeqCst),
        2,
        "retried on a new connection"
    );
}
