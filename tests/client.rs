//! The client over real sockets against a scripted HTTP server started in each test:
//! exact requests for each call and auth scheme, the IAM exchange and renewal, retries,
//! every error body shape, and the limits (body cap, timeout).

#![allow(clippy::unwrap_used)]

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Method, Request, StatusCode, Uri};
use axum::response::Response;
use vbshare::api::sign::{self, AkSk, SignInput};
use vbshare::api::{
    ApiError, Auth, Client, ClientConfig, Filters, ListQuery, PasswordAuth, Secret, SortDir,
    SortKey,
};

/// What the scripted server saw.
#[derive(Clone, Debug)]
struct Seen {
    method: Method,
    path: String,
    query: String,
    headers: HeaderMap,
    body: Vec<u8>,
}

/// A canned answer.
#[derive(Clone)]
struct Reply {
    status: u16,
    headers: Vec<(&'static str, String)>,
    body: String,
    delay: Duration,
}

fn reply(status: u16, body: &str) -> Reply {
    Reply {
        status,
        headers: vec![],
        body: body.to_owned(),
        delay: Duration::ZERO,
    }
}

#[derive(Clone, Default)]
struct Script {
    seen: Arc<Mutex<Vec<Seen>>>,
    replies: Arc<Mutex<VecDeque<Reply>>>,
    /// Answers for IAM's /v3/auth/tokens, in order.
    iam: Arc<Mutex<VecDeque<Reply>>>,
    /// A token answered with 401 "token expired" on every call that carries it.
    expired_token: Arc<Mutex<Option<String>>>,
    /// The client address of every request, in order.
    peers: Arc<Mutex<Vec<std::net::SocketAddr>>>,
}

impl Script {
    fn push(&self, r: Reply) -> &Self {
        self.replies.lock().unwrap().push_back(r);
        self
    }
    fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
    fn vbs_seen(&self) -> Vec<Seen> {
        self.seen()
            .into_iter()
            .filter(|s| !s.path.starts_with("/v3/"))
            .collect()
    }
}

async fn handle(script: Script, req: Request<Body>) -> Response {
    let (parts, body) = req.into_parts();
    let body: Bytes = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let uri: &Uri = &parts.uri;
    let seen = Seen {
        method: parts.method.clone(),
        path: uri.path().to_owned(),
        query: uri.query().unwrap_or("").to_owned(),
        headers: parts.headers.clone(),
        body: body.to_vec(),
    };
    let is_iam = seen.path.starts_with("/v3/");
    if let Some(ConnectInfo(peer)) = parts.extensions.get::<ConnectInfo<std::net::SocketAddr>>() {
        script.peers.lock().unwrap().push(*peer);
    }
    let expired = script.expired_token.lock().unwrap().clone();
    let carries_expired = expired.is_some_and(|t| header(&seen, "x-auth-token") == t);
    script.seen.lock().unwrap().push(seen);
    if carries_expired {
        return reply_with(reply(
            401,
            r#"{"error_code":"IAM.0066","error_msg":"token expired"}"#,
        ));
    }
    let queue = if is_iam { &script.iam } else { &script.replies };
    let r = queue
        .lock()
        .unwrap()
        .pop_front()
        .unwrap_or_else(|| reply(200, r#"{"shared":[]}"#));
    tokio::time::sleep(r.delay).await;
    reply_with(r)
}

fn reply_with(r: Reply) -> Response {
    let mut resp = Response::builder().status(StatusCode::from_u16(r.status).unwrap());
    for (k, v) in &r.headers {
        resp = resp.header(*k, v);
    }
    resp.body(Body::from(r.body)).unwrap()
}

async fn start(script: &Script) -> String {
    let s = script.clone();
    let app = Router::new().fallback(move |req: Request<Body>| handle(s.clone(), req));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
    tokio::spawn(async move { axum::serve(listener, app).await.unwrap() });
    format!("http://{addr}")
}

const PROJECT: &str = "c13f5220dc1949b0b741ea81a7cd5554";
const AK: &str = "TESTAKTESTAKTESTAK00";
const SK: &str = "test-secret-key-0123456789";

fn config(endpoint: &str, auth: Auth) -> ClientConfig {
    let mut c = ClientConfig::new(endpoint, PROJECT, auth);
    c.retry_base = Duration::from_millis(5);
    c.timeout = Duration::from_secs(5);
    c
}

fn token_client(endpoint: &str) -> Client {
    Client::new(config(endpoint, Auth::Token(Secret::new("tok-abc")))).unwrap()
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/tests/fixtures/{name}",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}

fn header<'a>(s: &'a Seen, name: &str) -> &'a str {
    s.headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

#[tokio::test]
async fn list_sends_the_exact_path_and_canonical_query() {
    let script = Script::default();
    script.push(reply(200, &fixture("doc_list_response.json")));
    let endpoint = start(&script).await;
    let q = ListQuery {
        filters: Filters {
            share_to_me: true,
            name: "db nightly+1".into(),
            availability_zone: "eu-de-01".into(),
            status: String::new(),
            ..Filters::default()
        },
        sort_key: Some(SortKey::Size),
        sort_dir: Some(SortDir::Asc),
        limit: Some(50),
        offset: Some(100),
    };
    let rows = token_client(&endpoint).list(&q).await.unwrap();
    assert_eq!(rows.len(), 2);
    let seen = &script.seen()[0];
    assert_eq!(seen.method, Method::GET);
    assert_eq!(
        seen.path,
        format!("/v2/{PROJECT}/os-vendor-backup-sharing/detail")
    );
    assert_eq!(
        seen.query,
        "availability_zone=eu-de-01&avalilability_zone=eu-de-01&limit=50&name=db%20nightly%2B1\
         &offset=100&share_to_me=true&sort_dir=asc&sort_key=size"
    );
    assert_eq!(header(seen, "x-auth-token"), "tok-abc");
    assert_eq!(
        header(seen, "user-agent"),
        concat!("vbshare/", env!("CARGO_PKG_VERSION"))
    );
}

#[tokio::test]
async fn count_get_share_and_cancel_requests() {
    let script = Script::default();
    script
        .push(reply(200, r#"{"count": 1234}"#))
        .push(reply(200, &fixture("doc_get_response.json")))
        .push(reply(200, &fixture("doc_create_response.json")))
        .push(reply(204, ""))
        .push(reply(200, ""));
    let endpoint = start(&script).await;
    let c = token_client(&endpoint);
    let f = Filters {
        status: "error".into(),
        ..Filters::default()
    };
    assert_eq!(c.count(&f).await.unwrap(), 1234);
    let one = c.get("8332443e-9866-41d8-8a58-a898cf5db030").await.unwrap();
    assert_eq!(one.name(), "lbf");
    let targets = vec!["722513ed0a324dadaabe5b2d0fe848c9".to_owned()];
    let made = c
        .share("066b1e37-9305-4057-97e5-2e99b21fc71d", &targets)
        .await
        .unwrap();
    assert_eq!(
        made[0].id.as_deref(),
        Some("8332443e-9866-41d8-8a58-a898cf5db030")
    );
    c.cancel("8332443e-9866-41d8-8a58-a898cf5db030", false)
        .await
        .unwrap();
    c.cancel("066b1e37-9305-4057-97e5-2e99b21fc71d", true)
        .await
        .unwrap();

    let seen = script.seen();
    let base = format!("/v2/{PROJECT}/os-vendor-backup-sharing");
    assert_eq!(
        (seen[0].path.clone(), seen[0].query.as_str()),
        (format!("{base}/count"), "status=error")
    );
    assert_eq!(
        seen[1].path,
        format!("{base}/8332443e-9866-41d8-8a58-a898cf5db030")
    );
    assert_eq!(
        (seen[2].method.clone(), seen[2].path.clone()),
        (Method::POST, base.clone())
    );
    let body: serde_json::Value = serde_json::from_slice(&seen[2].body).unwrap();
    assert_eq!(
        body["shared"]["backup_id"],
        "066b1e37-9305-4057-97e5-2e99b21fc71d"
    );
    assert_eq!(
        body["shared"]["to_project_ids"][0],
        "722513ed0a324dadaabe5b2d0fe848c9"
    );
    assert!(header(&seen[2], "content-type").starts_with("application/json"));
    assert_eq!(seen[3].method, Method::DELETE);
    assert_eq!(seen[3].query, "is_backup_id=false");
    assert_eq!(seen[4].query, "is_backup_id=true");
}

#[tokio::test]
async fn aksk_requests_carry_a_verifiable_signature() {
    let script = Script::default();
    let endpoint = start(&script).await;
    let creds = AkSk {
        access_key: AK.into(),
        secret_key: SK.into(),
        security_token: Some("sec-tok".into()),
    };
    let c = Client::new(config(&endpoint, Auth::AkSk(creds))).unwrap();
    let q = ListQuery {
        filters: Filters {
            name: "备份 a+b/c=d&e*f~g".into(),
            ..Filters::default()
        },
        ..ListQuery::default()
    };
    c.list(&q).await.unwrap();
    let seen = &script.seen()[0];
    let auth = sign::parse_authorization(header(seen, "authorization")).unwrap();
    assert_eq!(auth.access, AK);
    assert_eq!(
        auth.signed_headers,
        ["host", "x-project-id", "x-sdk-date", "x-security-token"]
    );
    assert_eq!(header(seen, "x-project-id"), PROJECT);
    assert_eq!(header(seen, "x-security-token"), "sec-tok");
    let date = header(seen, "x-sdk-date");
    assert_eq!(date.len(), 16);
    // Recompute as a gateway would, from the request as received.
    let signed: Vec<(&str, &str)> = auth
        .signed_headers
        .iter()
        .map(|h| (h.as_str(), header(seen, h)))
        .collect();
    let input = SignInput {
        method: "GET",
        path: &seen.path,
        query: &seen.query,
        headers: &signed,
        body: &seen.body,
    };
    assert_eq!(sign::signature(&input, date, SK), auth.signature);
    assert_ne!(sign::signature(&input, date, "wrong"), auth.signature);
    assert!(seen.headers.get("x-auth-token").is_none());
}

/// IAM's answer carrying token `tok`.
fn iam_ok(tok: &str) -> Reply {
    Reply {
        status: 201,
        headers: vec![("x-subject-token", tok.to_owned())],
        body: r#"{"token":{"expires_at":"2099-01-01T00:00:00.000000Z"}}"#.into(),
        delay: Duration::ZERO,
    }
}

fn password_client(endpoint: &str) -> Client {
    let auth = Auth::Password(PasswordAuth {
        auth_url: format!("{endpoint}/v3"),
        user: "alice".into(),
        password: Secret::new("pw-1"),
        domain: "acme".into(),
    });
    Client::new(config(endpoint, auth)).unwrap()
}

/// Calls made at once on a session without a token, then all refused the same expired
/// token, cause one sign-in and one renewal between them, not one each, and all succeed.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_calls_sign_in_once_and_renew_an_expired_token_once() {
    let script = Script::default();
    let endpoint = start(&script).await;
    script
        .iam
        .lock()
        .unwrap()
        .extend(["tok-1", "tok-2", "tok-3", "tok-4"].map(iam_ok));
    let c = password_client(&endpoint);
    let all_at_once = |c: &Client| {
        let mut calls = tokio::task::JoinSet::new();
        for _ in 0..12 {
            let c = c.clone();
            calls.spawn(async move { c.list(&ListQuery::default()).await });
        }
        calls.join_all()
    };
    for r in all_at_once(&c).await {
        r.unwrap();
    }
    let iam_calls = |s: &Script| {
        s.seen()
            .iter()
            .filter(|s| s.path == "/v3/auth/tokens")
            .count()
    };
    assert_eq!(iam_calls(&script), 1, "one sign-in for twelve calls");

    // IAM revokes tok-1: every call carrying it is refused.
    *script.expired_token.lock().unwrap() = Some("tok-1".into());
    for r in all_at_once(&c).await {
        r.unwrap();
    }
    assert_eq!(iam_calls(&script), 2, "one renewal for twelve refusals");
    let last = script.vbs_seen();
    let last = last.last().unwrap();
    assert_eq!(header(last, "x-auth-token"), "tok-2");
}

/// Calls reuse the connection of the calls before them (keep-alive), so a session pays
/// the TCP (and TLS) handshake once per connection, not once per call.
#[tokio::test]
async fn calls_reuse_their_connections() {
    let script = Script::default();
    let endpoint = start(&script).await;
    let c = token_client(&endpoint);
    for _ in 0..10 {
        c.list(&ListQuery::default()).await.unwrap();
    }
    let peers = script.peers.lock().unwrap().clone();
    assert_eq!(peers.len(), 10);
    assert!(
        peers.iter().all(|p| *p == peers[0]),
        "ten calls over one connection: {peers:?}"
    );
}

#[tokio::test]
async fn password_auth_exchanges_caches_and_renews_once_on_401() {
    let script = Script::default();
    let endpoint = start(&script).await;
    let iam_ok = |tok: &str| Reply {
        status: 201,
        headers: vec![("x-subject-token", tok.to_owned())],
        body: r#"{"token":{"expires_at":"2099-01-01T00:00:00.000000Z"}}"#.into(),
        delay: Duration::ZERO,
    };
    script
        .iam
        .lock()
        .unwrap()
        .extend([iam_ok("tok-1"), iam_ok("tok-2")]);
    script
        .push(reply(200, r#"{"count":1}"#))
        .push(reply(200, r#"{"count":2}"#))
        .push(reply(
            401,
            r#"{"error_code":"IAM.0066","error_msg":"token expired"}"#,
        ))
        .push(reply(200, r#"{"count":3}"#));
    let auth = Auth::Password(PasswordAuth {
        auth_url: format!("{endpoint}/v3"),
        user: "alice".into(),
        password: Secret::new("pw-1"),
        domain: "acme".into(),
    });
    let c = Client::new(config(&endpoint, auth)).unwrap();
    let f = Filters::default();
    assert_eq!(c.count(&f).await.unwrap(), 1);
    assert_eq!(c.count(&f).await.unwrap(), 2);
    assert_eq!(c.count(&f).await.unwrap(), 3);

    let seen = script.seen();
    let iam: Vec<&Seen> = seen
        .iter()
        .filter(|s| s.path == "/v3/auth/tokens")
        .collect();
    assert_eq!(iam.len(), 2, "one sign-in, cached, then one renewal");
    let body: serde_json::Value = serde_json::from_slice(&iam[0].body).unwrap();
    assert_eq!(
        body["auth"]["identity"]["password"]["user"]["name"],
        "alice"
    );
    assert_eq!(body["auth"]["scope"]["project"]["id"], PROJECT);
    let tokens: Vec<&str> = script
        .vbs_seen()
        .iter()
        .map(|s| header(s, "x-auth-token").to_owned())
        .map(|t| if t == "tok-1" { "1" } else { "2" })
        .collect();
    assert_eq!(tokens, ["1", "1", "1", "2"]);
}

#[tokio::test]
async fn password_auth_gives_up_after_one_renewal() {
    let script = Script::default();
    let endpoint = start(&script).await;
    for t in ["a", "b", "c"] {
        script.iam.lock().unwrap().push_back(Reply {
            status: 201,
            headers: vec![("x-subject-token", t.to_owned())],
            body: "{}".into(),
            delay: Duration::ZERO,
        });
    }
    for _ in 0..3 {
        script.push(reply(
            401,
            r#"{"error_code":"IAM.0067","error_msg":"invalid token"}"#,
        ));
    }
    let auth = Auth::Password(PasswordAuth {
        auth_url: format!("{endpoint}/v3/"),
        user: "u".into(),
        password: Secret::new("p"),
        domain: "d".into(),
    });
    let e = Client::new(config(&endpoint, auth))
        .unwrap()
        .count(&Filters::default())
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(401));
    assert_eq!(script.vbs_seen().len(), 2);
}

#[tokio::test]
async fn iam_refusal_is_an_auth_error() {
    let script = Script::default();
    let endpoint = start(&script).await;
    script
        .iam
        .lock()
        .unwrap()
        .push_back(reply(401, &fixture("errors/iam_0001_unauthorized.json")));
    let auth = Auth::Password(PasswordAuth {
        auth_url: format!("{endpoint}/v3"),
        user: "u".into(),
        password: Secret::new("secret-pw-value"),
        domain: "d".into(),
    });
    let e = Client::new(config(&endpoint, auth))
        .unwrap()
        .count(&Filters::default())
        .await
        .unwrap_err();
    let text = e.to_string();
    assert!(
        text.starts_with("IAM sign-in failed: HTTP 401 Unauthorized: IAM.0001"),
        "{text}"
    );
    assert!(!text.contains("secret-pw-value"));
    assert!(script.vbs_seen().is_empty());
}

#[tokio::test]
async fn gets_retry_on_5xx_and_429_then_succeed() {
    let script = Script::default();
    for status in [500, 502, 503] {
        script.push(reply(status, ""));
    }
    script.push(reply(200, r#"{"count":7}"#));
    let endpoint = start(&script).await;
    assert_eq!(
        token_client(&endpoint)
            .count(&Filters::default())
            .await
            .unwrap(),
        7
    );
    assert_eq!(script.seen().len(), 4);
}

#[tokio::test]
async fn retries_stop_at_the_limit() {
    let script = Script::default();
    for _ in 0..10 {
        script.push(reply(504, ""));
    }
    let endpoint = start(&script).await;
    let e = token_client(&endpoint)
        .count(&Filters::default())
        .await
        .unwrap_err();
    assert_eq!(e.status(), Some(504));
    assert_eq!(script.seen().len(), 4, "one try and three retries");
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let script = Script::default();
    script.push(Reply {
        status: 429,
        headers: vec![("retry-after", "1".into())],
        body: String::new(),
        delay: Duration::ZERO,
    });
    script.push(reply(200, r#"{"count":1}"#));
    let endpoint = start(&script).await;
    let started = Instant::now();
    assert_eq!(
        token_client(&endpoint)
            .count(&Filters::default())
            .await
            .unwrap(),
        1
    );
    assert!(
        started.elapsed() >= Duration::from_millis(950),
        "waited {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn no_retry_on_other_4xx_nor_on_writes() {
    let script = Script::default();
    script.push(reply(404, &fixture("errors/vbs_native_itemnotfound.json")));
    script.push(reply(503, ""));
    let endpoint = start(&script).await;
    let c = token_client(&endpoint);
    let e = c.get("nope").await.unwrap_err();
    assert_eq!((e.status(), e.code()), (Some(404), Some("404")));
    let e = c.cancel("x", false).await.unwrap_err();
    assert_eq!(e.status(), Some(503));
    assert_eq!(script.seen().len(), 2);
}

#[tokio::test]
async fn every_error_shape_names_code_message_and_request_id() {
    let cases = [
        (
            404,
            "errors/apigw_0101_api_not_exist.json",
            "APIGW.0101",
            "The API does not exist",
        ),
        (
            401,
            "errors/apigw_0301_get_secretkey_failed.json",
            "APIGW.0301",
            "Incorrect IAM",
        ),
        (
            401,
            "errors/iam_0001_unauthorized.json",
            "IAM.0001",
            "requires authentication",
        ),
        (400, "errors/vbs_error_object.json", "XXX", "XXXX"),
        (400, "errors/vbs_native_badrequest.json", "XXXX", "XXX"),
        (
            404,
            "errors/iam_keystone_style_404.json",
            "404",
            "Could not find agency",
        ),
    ];
    for (status, file, code, message) in cases {
        let script = Script::default();
        script.push(Reply {
            status,
            headers: vec![("x-request-id", "req-123".into())],
            body: fixture(file),
            delay: Duration::ZERO,
        });
        let endpoint = start(&script).await;
        let e = token_client(&endpoint)
            .list(&ListQuery::default())
            .await
            .unwrap_err();
        assert_eq!((e.status(), e.code()), (Some(status), Some(code)), "{file}");
        let text = e.to_string();
        assert!(text.contains(message), "{file}: {text}");
        assert!(text.contains("request ID"), "{file}: {text}");
        assert!(!text.contains('\n'));
    }
}

#[tokio::test]
async fn html_502_page_is_kept_as_short_text() {
    let script = Script::default();
    let page = format!(
        "<html><head><title>502 Bad Gateway</title></head><body>{}</body></html>",
        "x".repeat(5000)
    );
    for _ in 0..4 {
        script.push(reply(502, &page));
    }
    let endpoint = start(&script).await;
    let e = token_client(&endpoint)
        .list(&ListQuery::default())
        .await
        .unwrap_err();
    let text = e.to_string();
    assert!(
        text.starts_with("HTTP 502 Bad Gateway: HTML page \"502 Bad Gateway\""),
        "{text}"
    );
    assert!(text.len() < 600, "{} chars", text.len());
}

#[tokio::test]
async fn unreadable_success_bodies_are_body_errors() {
    for (body, expect) in [
        ("", "empty"),
        ("<html>oops</html>", "not JSON"),
        (r#"{"shared":[{"id":"a"},"b"]}"#, "sharing 1"),
        (r#"{"shared":{"id":"x"}}"#, "should be a list"),
        (r#"{"shared":[{"id":"#, "not JSON"),
    ] {
        let script = Script::default();
        script.push(reply(200, body));
        let endpoint = start(&script).await;
        let e = token_client(&endpoint)
            .list(&ListQuery::default())
            .await
            .unwrap_err();
        assert!(
            matches!(e, ApiError::Body { status: 200, .. }),
            "{body}: {e:?}"
        );
        assert!(e.to_string().contains(expect), "{body}: {e}");
    }
    // A field of the wrong type is not an unreadable body: the row is listed.
    let script = Script::default();
    script.push(reply(
        200,
        r#"{"shared":[{"id":"a","backup":{"size":"big"}}]}"#,
    ));
    let endpoint = start(&script).await;
    let rows = token_client(&endpoint)
        .list(&ListQuery::default())
        .await
        .unwrap();
    assert_eq!(rows[0].id.as_deref(), Some("a"));
    assert_eq!(rows[0].unparsed_fields(), 1);
}

#[tokio::test]
async fn bodies_over_the_cap_are_refused() {
    let script = Script::default();
    script.push(reply(
        200,
        &format!(r#"{{"shared":[],"pad":"{}"}}"#, "x".repeat(10_000)),
    ));
    let endpoint = start(&script).await;
    let mut cfg = config(&endpoint, Auth::Token(Secret::new("t")));
    cfg.max_body_bytes = 4096;
    let e = Client::new(cfg)
        .unwrap()
        .list(&ListQuery::default())
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::TooLarge { limit: 4096, .. }), "{e:?}");
}

#[tokio::test]
async fn a_server_that_never_answers_times_out() {
    let script = Script::default();
    script.push(Reply {
        status: 200,
        headers: vec![],
        body: "{}".into(),
        delay: Duration::from_secs(30),
    });
    let endpoint = start(&script).await;
    let mut cfg = config(&endpoint, Auth::Token(Secret::new("t")));
    cfg.timeout = Duration::from_millis(300);
    let started = Instant::now();
    let e = Client::new(cfg)
        .unwrap()
        .count(&Filters::default())
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::Timeout { .. }), "{e:?}");
    assert!(e.to_string().contains("--timeout"));
    assert!(started.elapsed() < Duration::from_secs(5));
}

#[tokio::test]
async fn connection_refused_is_named() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    drop(listener);
    let mut cfg = config(&format!("http://{addr}"), Auth::Token(Secret::new("t")));
    cfg.max_retries = 1;
    let e = Client::new(cfg)
        .unwrap()
        .count(&Filters::default())
        .await
        .unwrap_err();
    assert!(matches!(e, ApiError::Connect { .. }), "{e:?}");
    assert!(
        e.to_string()
            .starts_with(&format!("cannot connect to {addr}")),
        "{e}"
    );
}

#[test]
fn bad_endpoints_are_rejected_up_front() {
    for bad in ["not a url", "ftp://host", "http://"] {
        assert!(
            Client::new(ClientConfig::new(bad, "p", Auth::Token(Secret::new("t")))).is_err(),
            "{bad}"
        );
    }
}
