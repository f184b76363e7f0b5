//! Helpers for black-box tests of the embedded server: start it, sign and send requests.

#![allow(dead_code, clippy::unwrap_used)]

use reqwest::header::HeaderMap;
use vbshare::api::query::canonical_query;
use vbshare::api::sign::{self, AkSk, SignInput};
use vbshare::api::time::{now_unix, sdk_date};
use vbshare::server::{
    self, DEMO_ACCESS_KEY, DEMO_PROJECT_ID, DEMO_SECRET_KEY, RunningServer, ServerConfig,
};

/// A running server and a client for it.
pub struct Harness {
    pub server: RunningServer,
    pub http: reqwest::Client,
    /// `127.0.0.1:PORT`, the `host` header value the client sends and signs.
    pub host: String,
}

/// An answer read to the end.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: HeaderMap,
    pub body: String,
}

impl Answer {
    /// The body as JSON (panics with the body when it is not).
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.body))
    }

    /// `error.code` of a VBS body or `error_code` of a gateway body.
    pub fn code(&self) -> String {
        let v = self.json();
        v["error"]["code"]
            .as_str()
            .or(v["error_code"].as_str())
            .unwrap_or("")
            .to_owned()
    }
}

/// How to sign a request; the defaults make a valid demo signature.
#[derive(Clone, Debug)]
pub struct Signing {
    pub date_secs: i64,
    pub project_header: Option<String>,
    pub access_key: String,
    pub secret_key: String,
    pub security_token: Option<(String, bool)>,
    /// Headers to leave out of `SignedHeaders`.
    pub unsigned: Vec<&'static str>,
}

impl Default for Signing {
    fn default() -> Self {
        Self {
            date_secs: now_unix(),
            project_header: Some(DEMO_PROJECT_ID.to_owned()),
            access_key: DEMO_ACCESS_KEY.to_owned(),
            secret_key: DEMO_SECRET_KEY.to_owned(),
            security_token: None,
            unsigned: Vec::new(),
        }
    }
}

/// Starts a server with `sharings` rows on a free loopback port.
pub async fn start(sharings: usize) -> Harness {
    start_with(ServerConfig {
        sharings,
        ..config()
    })
    .await
}

/// 2026-01-01T00:00:00Z: the data set's "now" in tests, so its dates never move with the
/// wall clock.
pub const NOW: i64 = 1_767_225_600;

/// The data set a server started with [`config`] and `n` sharings serves.
pub fn data_set(n: usize) -> Vec<vbshare::api::Sharing> {
    let c = config();
    vbshare::server::seed::generate(c.seed, n, c.now)
}

/// The default config on a free loopback port.
pub fn config() -> ServerConfig {
    ServerConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        now: NOW,
        ..ServerConfig::default()
    }
}

pub async fn start_with(config: ServerConfig) -> Harness {
    let server = server::start(config).await.unwrap();
    let host = server.addr().to_string();
    let http = reqwest::Client::builder().no_proxy().build().unwrap();
    Harness { server, http, host }
}

/// `/v2/{project}/os-vendor-backup-sharing`.
pub fn base(project: &str) -> String {
    format!("/v2/{project}/os-vendor-backup-sharing")
}

/// The canonical query string of `params` (sent exactly like this).
pub fn query(params: &[(&str, &str)]) -> String {
    canonical_query(params)
}

impl Harness {
    pub fn url(&self, path: &str, query: &str) -> String {
        if query.is_empty() {
            format!("{}{path}", self.server.endpoint())
        } else {
            format!("{}{path}?{query}", self.server.endpoint())
        }
    }

    /// A request signed with `how`.
    pub fn signed_with(
        &self,
        method: &str,
        path: &str,
        query: &str,
        body: &[u8],
        how: &Signing,
    ) -> reqwest::RequestBuilder {
        let date = sdk_date(how.date_secs);
        let mut sent: Vec<(&str, String)> = vec![("x-sdk-date", date.clone())];
        if let Some(p) = &how.project_header {
            sent.push(("x-project-id", p.clone()));
        }
        if let Some((t, _)) = &how.security_token {
            sent.push(("x-security-token", t.clone()));
        }
        let mut signed: Vec<(&str, &str)> = vec![("host", self.host.as_str())];
        for (k, v) in &sent {
            let token_unsigned = *k == "x-security-token"
                && how
                    .security_token
                    .as_ref()
                    .is_some_and(|(_, sign_it)| !sign_it);
            if !how.unsigned.contains(k) && !token_unsigned {
                signed.push((k, v.as_str()));
            }
        }
        let input = SignInput {
            method,
            path,
            query,
            headers: &signed,
            body,
        };
        let creds = AkSk {
            access_key: how.access_key.clone(),
            secret_key: how.secret_key.clone(),
            security_token: None,
        };
        let auth = sign::authorization(&input, &date, &creds);
        let mut rb = self
            .http
            .request(method.parse().unwrap(), self.url(path, query))
            .header("authorization", auth)
            .body(body.to_vec());
        for (k, v) in sent {
            rb = rb.header(k, v);
        }
        if !body.is_empty() {
            rb = rb.header("content-type", "application/json");
        }
        rb
    }

    /// A request validly signed with the demo key.
    pub fn signed(
        &self,
        method: &str,
        path: &str,
        query: &str,
        body: &[u8],
    ) -> reqwest::RequestBuilder {
        self.signed_with(method, path, query, body, &Signing::default())
    }

    /// A request carrying `token`.
    pub fn with_token(
        &self,
        method: &str,
        path: &str,
        query: &str,
        token: &str,
    ) -> reqwest::RequestBuilder {
        self.http
            .request(method.parse().unwrap(), self.url(path, query))
            .header("x-auth-token", token)
    }

    /// Gets a token by password for `project`.
    pub async fn token(&self, project: &str) -> String {
        let a = send(
            self.http
                .post(self.url("/v3/auth/tokens", ""))
                .body(password_body(
                    server::DEMO_USER,
                    server::DEMO_PASSWORD,
                    project,
                )),
        )
        .await;
        assert_eq!(a.status, 201, "{}", a.body);
        a.headers["x-subject-token"].to_str().unwrap().to_owned()
    }

    /// A signed GET of the demo project's list, all pages of `page` rows, as sharing IDs.
    pub async fn list_all(&self, params: &[(&str, &str)], page: usize) -> Vec<String> {
        let mut out = Vec::new();
        loop {
            let (limit, offset) = (page.to_string(), out.len().to_string());
            let mut p = params.to_vec();
            p.push(("limit", &limit));
            p.push(("offset", &offset));
            let path = format!("{}/detail", base(DEMO_PROJECT_ID));
            let a = send(self.signed("GET", &path, &query(&p), b"")).await;
            assert_eq!(a.status, 200, "{}", a.body);
            let rows = a.json()["shared"].as_array().unwrap().clone();
            assert!(rows.len() <= page);
            if rows.is_empty() {
                return out;
            }
            out.extend(rows.iter().map(|r| r["id"].as_str().unwrap().to_owned()));
        }
    }

    /// A signed count of the demo project.
    pub async fn count(&self, params: &[(&str, &str)]) -> u64 {
        let path = format!("{}/count", base(DEMO_PROJECT_ID));
        let a = send(self.signed("GET", &path, &query(params), b"")).await;
        assert_eq!(a.status, 200, "{}", a.body);
        a.json()["count"].as_u64().unwrap()
    }
}

/// The IAM password-auth body.
pub fn password_body(user: &str, password: &str, project: &str) -> String {
    serde_json::json!({"auth": {
        "identity": {"methods": ["password"], "password": {"user": {
            "name": user, "password": password, "domain": {"name": server::DEMO_DOMAIN}}}},
        "scope": {"project": {"id": project}}
    }})
    .to_string()
}

/// Sends and reads the whole answer; every answer must carry a 32-hex `X-Request-Id`.
pub async fn send(rb: reqwest::RequestBuilder) -> Answer {
    read(rb.send().await.unwrap()).await
}

/// Reads a response to the end; every answer must carry a 32-hex `X-Request-Id`.
pub async fn read(resp: reqwest::Response) -> Answer {
    let status = resp.status().as_u16();
    let headers = resp.headers().clone();
    let body = resp.text().await.unwrap();
    let rid = headers
        .get("x-request-id")
        .expect("X-Request-Id on every answer");
    let rid = rid.to_str().unwrap();
    assert!(
        rid.len() == 32 && rid.bytes().all(|b| b.is_ascii_hexdigit()),
        "{rid}"
    );
    Answer {
        status,
        headers,
        body,
    }
}

/// The expected rows, written independently of the server: `params` are list parameters
/// with plain values, `project` the path project.
pub fn expected<'a>(
    data: &'a [vbshare::api::model::Sharing],
    project: &str,
    params: &[(&str, &str)],
) -> Vec<&'a vbshare::api::model::Sharing> {
    let get = |k: &str| {
        params
            .iter()
            .rev()
            .find(|(kk, v)| *kk == k && !v.is_empty())
            .map(|(_, v)| *v)
    };
    let exact = |have: Option<&String>, k: &str| {
        get(k).is_none_or(|want| have.map(String::as_str) == Some(want))
    };
    let to_me = get("share_to_me") == Some("true");
    let mut rows: Vec<_> = data
        .iter()
        .filter(|s| {
            let b = s.backup.as_ref().unwrap();
            let own = if to_me {
                &s.to_project_id
            } else {
                &s.from_project_id
            };
            own.as_deref() == Some(project)
                && exact(b.volume_id.as_ref(), "volume_id")
                && exact(b.status.as_ref(), "status")
                && exact(s.backup_id.as_ref(), "backup_id")
                && exact(s.from_project_id.as_ref(), "from_project_id")
                && exact(s.to_project_id.as_ref(), "to_project_id")
                && exact(b.availability_zone.as_ref(), "availability_zone")
                && exact(b.availability_zone.as_ref(), "avalilability_zone")
                && get("name").is_none_or(|n| {
                    b.name
                        .as_deref()
                        .unwrap_or("")
                        .to_lowercase()
                        .contains(&n.to_lowercase())
                })
        })
        .collect();
    let key = get("sort_key").unwrap_or("created_at");
    let desc = get("sort_dir").unwrap_or("desc") == "desc";
    rows.sort_by(|a, b| {
        let (ba, bb) = (a.backup.as_ref().unwrap(), b.backup.as_ref().unwrap());
        let o = match key {
            "created_at" => a.created_at.cmp(&b.created_at),
            "updated_at" => a.updated_at.cmp(&b.updated_at),
            "name" => ba
                .name
                .as_ref()
                .map(|n| n.to_lowercase())
                .cmp(&bb.name.as_ref().map(|n| n.to_lowercase())),
            "status" => ba.status.cmp(&bb.status),
            "size" => ba.size.cmp(&bb.size),
            _ => std::cmp::Ordering::Equal,
        }
        .then_with(|| a.id.cmp(&b.id));
        if desc { o.reverse() } else { o }
    });
    rows
}

/// The IDs of `rows`.
pub fn ids(rows: &[&vbshare::api::model::Sharing]) -> Vec<String> {
    rows.iter().map(|s| s.id.clone().unwrap()).collect()
}
