//! An embedded VBS-compatible server for `--demo`, `vbshare serve` and the tests.
//!
//! It speaks the five backup-sharing calls under `/v2/{project_id}/os-vendor-backup-sharing`
//! and IAM's `POST /v3/auth/tokens` and `GET /v3/auth/projects` (the three projects of the
//! demo world, to any token it issued or the demo key's signature), over a deterministic data set from [`seed::generate`],
//! with both authentication schemes checked for real and faults on demand. CBR's share
//! members live beside it under `/v3/{project_id}/`: see [`cbr`].
//!
//! # Credentials
//!
//! | what | value |
//! |---|---|
//! | project | [`DEMO_PROJECT_ID`] |
//! | access key / secret key | [`DEMO_ACCESS_KEY`] / [`DEMO_SECRET_KEY`] (for [`DEMO_PROJECT_ID`] and the two partners that own backups, the projects `GET /v3/auth/projects` lists) |
//! | user / password / domain | [`DEMO_USER`] / [`DEMO_PASSWORD`] / [`DEMO_DOMAIN`] |
//!
//! A token (24 h) may be scoped to [`DEMO_PROJECT_ID`] or any of
//! [`seed::PARTNER_PROJECTS`] (`scope.project.id`); a scope by project *name* gets
//! [`DEMO_PROJECT_ID`]. As on a real cloud, the token endpoint is only `/v3/auth/tokens`: an
//! auth URL without `/v3` gets a 404, the mistake it would get from IAM.
//!
//! # Semantics
//!
//! - `share_to_me=true` lists sharings whose `to_project_id` is the path project; otherwise
//!   those whose `from_project_id` is. `name` matches a case-insensitive substring of the
//!   backup name; every other filter matches exactly. The AZ is read under both
//!   `avalilability_zone` and `availability_zone` (a row must match each one given).
//! - Sort keys: `created_at`, `updated_at` (the **sharing's** timestamps; a null
//!   `updated_at` sorts first), `name` (the backup name, lower-cased, then code-point
//!   order), `status` and `size` (the backup's), `id` (the sharing ID), and
//!   `container_format`, `disk_format` (accepted; no backup has them, so the order is the
//!   sharing ID). Default `created_at` `desc`. Every key is completed by the sharing ID, and
//!   `desc` reverses the whole order, so pages never overlap or skip.
//! - `limit` defaults to 1000 and is capped at 1000 (or lower, as some gateways do, after
//!   [`RunningServer::cap_limit`]); `limit=0` gives an empty list;
//!   `offset` past the end gives an empty list. `count` takes the eight filters (it ignores
//!   sort and page) and always equals the length of the unpaged list.
//! - Query values are `%XX`-decoded only (`+` is a plus); an empty value means "not given";
//!   for a repeated key the last value wins; unknown keys are ignored. Booleans accept
//!   `true`/`false`/`1`/`0`/`yes`/`no` in any case.
//! - Rows whose sharing ID ends in `7` carry an extra `"os-vendor:extra"` string field.
//! - Share: the backup must be owned by the path project; 1 to 10 targets, each 32 lowercase
//!   hex, none the own project, none listed twice, none already shared with (all checked
//!   before anything is added). Answer 200 `{"shared": [{backup_id, deleted, created_at,
//!   updated_at, to_project_id, from_project_id, deleted_at, id}, …]}`.
//! - Cancel: `is_backup_id=true` removes every sharing of that backup made by the project;
//!   otherwise the ID is a sharing ID, which only its sharing project may cancel. Answer 200
//!   with an empty body. Get shows a sharing to the project that gave or received it.
//!
//! # Errors
//!
//! | status | body | when |
//! |---|---|---|
//! | 400 | `VolumeBackup.0001` | bad query value: sort key/dir, limit/offset not a non-negative integer, boolean, bad `X-Vbshare-Fault` |
//! | 400 | `VolumeBackup.0002` | body not JSON of the documented shape, or over 1 MiB |
//! | 400 | `VolumeBackup.0003` | project ID in the path or in `to_project_ids` not 32 lowercase hex, own project, listed twice |
//! | 400 | `VolumeBackup.0004` | `to_project_ids` empty or more than 10 |
//! | 401 | `APIGW.0301` (gateway shape) | missing, unknown, expired or other-project token; bad, stale (>15 min) or foreign-project signature |
//! | 401 | `IAM.0001` (gateway shape) | token request with wrong user, password, domain or project |
//! | 400 | `IAM.0011` (gateway shape) | token request body malformed |
//! | 403 | `VolumeBackup.0011` | cancelling a sharing that was shared *with* the project |
//! | 404 | `VolumeBackup.0008` | sharing ID unknown (or not visible to the project) |
//! | 404 | `VolumeBackup.0009` | backup not owned by the project (share), or no sharings of it (cancel by backup) |
//! | 404 | `APIGW.0101` (gateway shape) | any other path or method |
//! | 409 | `VolumeBackup.0010` | the backup is already shared with a target |
//! | 500/503 | `VolumeBackup.0900` | `fail_rate` |
//!
//! VBS bodies are `{"error": {"message", "code"}}`; gateway bodies are `{"error_code",
//! "error_msg", "request_id"}`. Every response carries `X-Request-Id`.
//!
//! # Faults
//!
//! `latency_ms` (plus up to 20 % jitter) delays every VBS call; `fail_rate` answers that
//! share of them with 500 or 503 `VolumeBackup.0900`. A single request asks for a fault
//! with the header `X-Vbshare-Fault: SPELLING`; the next N requests get one through
//! [`RunningServer::inject`] or, from any loopback client, through
//! `POST /__vbshare/faults` with `{"fault": "html-502", "times": 3}` (`times` defaults to 1;
//! `{"fault": "clear"}` empties the queue; `GET` lists it; no auth; other addresses get a
//! 404). Faults apply before authentication. Spellings ([`FAULT_SPELLINGS`]):
//!
//! | spelling | answer |
//! |---|---|
//! | `malformed-json` | 200, JSON cut off mid-object |
//! | `html-502` | 502, `text/html` proxy page |
//! | `hang` | nothing until the server stops |
//! | `empty-200` | 200, empty body |
//! | `status-503` (any NNN from 200 to 599) | that status, VBS error body (`VolumeBackup.0900` for 5xx) |
//! | `status-503-no-body` | that status, empty body |
//! | `too-many-requests[-SECS]` | 429, `Retry-After: SECS` (default 1), `APIGW.0308` body |
//! | `wrong-types` | 200, `"size": "10"`, `"shared"` an object, `"count": "10"` |
//! | `drip` | 200, `{"shared":[],"count":0}` sent one byte per second, `Connection: close` |
//! | `huge[-BYTES]` | 200, valid JSON of exactly BYTES bytes (default 16 MiB, at most 256 MiB) |
//! | `expire-tokens` | 401 `IAM.0066` when the request carries `X-Auth-Token`; AK/SK requests pass (an injected use is spent either way) |
//!
//! Only the five VBS calls and the nine [`cbr`] calls are delayed, faulted or use up
//! injected faults; the token endpoint, the admin endpoint and unknown paths (even under
//! `/v2/` or `/v3/`) never are.

mod auth;
pub mod cbr;
mod drip;
mod faults;
mod params;
mod reply;
mod routes;
pub mod seed;
mod store;

use std::fmt;
use std::io::{self, Write as _};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use std::time::Duration;

use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

pub use faults::{FAULT_SPELLINGS, Fault, ParseFaultError};
pub use params::MAX_LIMIT;
pub use routes::FAULT_HEADER;
pub use store::{EXTRA_FIELD, MAX_TARGETS};

/// The demo project (the one the API docs' examples share from).
pub const DEMO_PROJECT_ID: &str = "c13f5220dc1949b0b741ea81a7cd5554";
/// The demo access key; it may sign requests for [`DEMO_PROJECT_ID`] only.
pub const DEMO_ACCESS_KEY: &str = "VBSDEMO7KQ2M4X9RT3LP";
/// The demo secret key.
pub const DEMO_SECRET_KEY: &str = "DemoSK4vbshareXq7Lm2Np9Rt5Vw8Zy3Bc6Df1Gh";
/// The demo IAM user name.
pub const DEMO_USER: &str = "demo";
/// The demo IAM password.
pub const DEMO_PASSWORD: &str = "demo-password";
/// The demo IAM domain (account) name.
pub const DEMO_DOMAIN: &str = "demo-domain";

/// How to run the server.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// Where to listen; port 0 picks a free port.
    pub listen: SocketAddr,
    /// Seed of the data set.
    pub seed: u64,
    /// Number of sharings in the data set.
    pub sharings: usize,
    /// Delay added to every VBS call (plus up to 20 % jitter).
    pub latency_ms: u64,
    /// Probability (0 to 1) that a VBS call fails with 500 or 503.
    pub fail_rate: f64,
    /// The instant (Unix seconds) every VBS and CBR date is relative to; default: the current
    /// time.
    pub now: i64,
    /// Private CBR backups of the demo project.
    pub cbr_backups: usize,
    /// How many of them are shared (at most the available, unencrypted ones).
    pub cbr_shared_out: usize,
    /// CBR backups the partners share with the demo project.
    pub cbr_shared_in: usize,
}

impl Default for ServerConfig {
    fn default() -> Self {
        Self {
            listen: SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), 8776),
            seed: 42,
            sharings: 2000,
            latency_ms: 0,
            fail_rate: 0.0,
            now: crate::api::time::now_unix(),
            cbr_backups: 1200,
            cbr_shared_out: 30,
            cbr_shared_in: 50,
        }
    }
}

/// State shared by all requests.
pub(crate) struct Shared {
    pub(crate) config: ServerConfig,
    /// The largest page a list call answers ([`MAX_LIMIT`] unless a test caps it lower
    /// with [`RunningServer::cap_limit`]).
    pub(crate) max_limit: AtomicUsize,
    pub(crate) store: RwLock<store::Store>,
    pub(crate) tokens: auth::Tokens,
    pub(crate) faults: faults::FaultQueue,
    pub(crate) stop: watch::Receiver<bool>,
    pub(crate) ids: Mutex<fastrand::Rng>,
    pub(crate) cbr: cbr::State,
    /// Requests received so far, of any kind.
    pub(crate) received: AtomicU64,
    /// `POST …/auth/tokens` requests received so far.
    pub(crate) token_requests: AtomicU64,
}

/// A server running on the current tokio runtime; it stops on [`RunningServer::shutdown`]
/// or when dropped.
pub struct RunningServer {
    addr: SocketAddr,
    shared: Arc<Shared>,
    stop: watch::Sender<bool>,
    task: Option<JoinHandle<io::Result<()>>>,
}

impl fmt::Debug for RunningServer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RunningServer")
            .field("addr", &self.addr)
            .field("config", &self.shared.config)
            .finish_non_exhaustive()
    }
}

impl RunningServer {
    /// The address the server listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The endpoint to give a client, e.g. `http://127.0.0.1:8776` (a wildcard listen
    /// address is shown as loopback).
    pub fn endpoint(&self) -> String {
        let ip = match self.addr.ip() {
            IpAddr::V4(ip) if ip.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
            IpAddr::V6(ip) if ip.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
            ip => ip,
        };
        format!("http://{}", SocketAddr::new(ip, self.addr.port()))
    }

    /// Makes the next `times` VBS requests answer with `fault` (after any queued before).
    pub fn inject(&self, fault: Fault, times: u32) {
        self.shared.faults.push(fault, times);
    }

    /// How many requests the server has received so far (any path, answered or not); for
    /// tests that something stopped sending.
    pub fn requests_received(&self) -> u64 {
        self.shared.received.load(Ordering::Relaxed)
    }

    /// How many token requests (`POST /v3/auth/tokens`, answered or not) the server has
    /// received so far; for tests that concurrent calls share one token exchange.
    pub fn token_requests_received(&self) -> u64 {
        self.shared.token_requests.load(Ordering::Relaxed)
    }

    /// Answers list calls with at most `max` rows (at most [`MAX_LIMIT`]) whatever `limit`
    /// asks for, as a gateway that caps page sizes does; for tests of paging.
    pub fn cap_limit(&self, max: usize) {
        self.shared
            .max_limit
            .store(max.min(MAX_LIMIT), Ordering::Relaxed);
    }

    /// Issues a token for `project_id` valid for `ttl_secs` from now (negative: already
    /// expired), as if obtained from `/v3/auth/tokens`; for tests of expiry.
    pub fn mint_token(&self, project_id: &str, ttl_secs: i64) -> String {
        self.shared
            .tokens
            .issue(project_id, crate::api::time::now_unix(), ttl_secs)
            .0
    }

    /// Stops accepting, ends hanging and dripping answers, and waits (up to 5 s) for open
    /// requests to finish.
    pub async fn shutdown(mut self) {
        self.stop.send_replace(true);
        if let Some(task) = self.task.take() {
            let abort = task.abort_handle();
            match tokio::time::timeout(Duration::from_secs(5), task).await {
                Ok(Ok(Err(e))) => tracing::warn!(error = %e, "server stopped with an error"),
                Ok(_) => {}
                Err(_) => abort.abort(),
            }
        }
    }
}

impl Drop for RunningServer {
    fn drop(&mut self) {
        self.stop.send_replace(true);
    }
}

/// Binds `config.listen`, builds the data set and serves on the current tokio runtime;
/// returns as soon as the server accepts connections.
pub async fn start(config: ServerConfig) -> io::Result<RunningServer> {
    if !(0.0..=1.0).contains(&config.fail_rate) {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "fail_rate must be between 0 and 1, not {}",
                config.fail_rate
            ),
        ));
    }
    let listener = TcpListener::bind(config.listen).await?;
    let addr = listener.local_addr()?;
    let (stop, stop_rx) = watch::channel(false);
    let store = store::Store::new(seed::generate(config.seed, config.sharings, config.now));
    let shared = Arc::new(Shared {
        ids: Mutex::new(fastrand::Rng::with_seed(config.seed ^ 0x5EED_5EED)),
        cbr: cbr::State::new(&config),
        config,
        max_limit: AtomicUsize::new(MAX_LIMIT),
        store: RwLock::new(store),
        tokens: auth::Tokens::new(),
        faults: faults::FaultQueue::default(),
        stop: stop_rx.clone(),
        received: AtomicU64::new(0),
        token_requests: AtomicU64::new(0),
    });
    let app = Router::new()
        .fallback(routes::handle)
        .with_state(Arc::clone(&shared))
        .layer(axum::middleware::map_request_with_state(
            Arc::clone(&shared),
            count_token_requests,
        ));
    let listener = drip::DripListener {
        inner: listener,
        stop: stop_rx.clone(),
    };
    let mut signal = stop_rx;
    let task = tokio::spawn(async move {
        axum::serve(
            listener,
            app.into_make_service_with_connect_info::<drip::Peer>(),
        )
        .with_graceful_shutdown(async move {
            let _ = signal.wait_for(|s| *s).await;
        })
        .await
    });
    Ok(RunningServer {
        addr,
        shared,
        stop,
        task: Some(task),
    })
}

/// Counts the token requests before routing (which answers them).
async fn count_token_requests(
    axum::extract::State(shared): axum::extract::State<Arc<Shared>>,
    req: axum::extract::Request,
) -> axum::extract::Request {
    if req.method() == axum::http::Method::POST
        && req
            .uri()
            .path()
            .trim_end_matches('/')
            .ends_with("/auth/tokens")
    {
        shared.token_requests.fetch_add(1, Ordering::Relaxed);
    }
    req
}

/// Runs the server for `vbshare serve`: prints `endpoint`, `project_id`, `access_key`,
/// `secret_key`, `user`, `password` and `domain` as `key: value` lines, then serves until
/// Ctrl-C or SIGTERM.
pub async fn serve_until_signal(config: ServerConfig) -> io::Result<()> {
    let server = start(config).await?;
    {
        let mut out = io::stdout().lock();
        out.write_all(banner(&format!("http://{}", server.addr)).as_bytes())?;
        out.flush()?;
    }
    wait_for_signal().await?;
    server.shutdown().await;
    Ok(())
}

/// The `key: value` lines `vbshare serve` prints, in a fixed order.
fn banner(endpoint: &str) -> String {
    use std::fmt::Write as _;
    let mut out = String::new();
    for (k, v) in [
        ("endpoint", endpoint),
        ("project_id", DEMO_PROJECT_ID),
        ("access_key", DEMO_ACCESS_KEY),
        ("secret_key", DEMO_SECRET_KEY),
        ("user", DEMO_USER),
        ("password", DEMO_PASSWORD),
        ("domain", DEMO_DOMAIN),
    ] {
        let _ = writeln!(out, "{k}: {v}");
    }
    // The other projects a user/password token may be scoped to: the recipients and owners
    // of CBR shares in the demo world.
    for (id, name) in cbr::project_names() {
        if id != DEMO_PROJECT_ID {
            let _ = writeln!(out, "partner: {id} {name}");
        }
    }
    out
}

async fn wait_for_signal() -> io::Result<()> {
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
        tokio::select! {
            r = tokio::signal::ctrl_c() => r,
            _ = term.recv() => Ok(()),
        }
    }
    #[cfg(not(unix))]
    {
        tokio::signal::ctrl_c().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credential_shapes() {
        assert_eq!(DEMO_PROJECT_ID.len(), 32);
        assert!(
            DEMO_PROJECT_ID
                .bytes()
                .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
        );
        assert_eq!(DEMO_ACCESS_KEY.len(), 20);
        assert!(
            DEMO_ACCESS_KEY
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        );
        assert_eq!(DEMO_SECRET_KEY.len(), 40);
        for p in seed::PARTNER_PROJECTS {
            assert_eq!(p.len(), 32);
            assert!(
                p.bytes()
                    .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
            );
        }
    }

    #[test]
    fn banner_lists_the_credentials_in_order() {
        let text = banner("http://127.0.0.1:9");
        let keys: Vec<&str> = text
            .lines()
            .map(|l| l.split_once(": ").unwrap().0)
            .collect();
        assert_eq!(
            keys,
            [
                "endpoint",
                "project_id",
                "access_key",
                "secret_key",
                "user",
                "password",
                "domain",
                "partner",
                "partner",
                "partner",
                "partner",
                "partner",
                "partner"
            ]
        );
        assert!(text.contains(&format!(
            "partner: {} eu-de_analytics\n",
            seed::PARTNER_PROJECTS[0]
        )));
        assert!(text.starts_with("endpoint: http://127.0.0.1:9\nproject_id: c13f"));
        assert!(text.contains(&format!("secret_key: {DEMO_SECRET_KEY}\n")));
    }

    #[tokio::test]
    async fn starts_on_a_free_port_and_stops() {
        let config = ServerConfig {
            listen: "127.0.0.1:0".parse().unwrap(),
            sharings: 10,
            ..ServerConfig::default()
        };
        let server = start(config).await.unwrap();
        assert_ne!(server.addr().port(), 0);
        assert!(server.endpoint().starts_with("http://127.0.0.1:"));
        assert!(format!("{server:?}").contains("RunningServer"));
        server.shutdown().await;
        let bad = ServerConfig {
            fail_rate: 1.5,
            ..ServerConfig::default()
        };
        assert!(start(bad).await.is_err());
    }
}
