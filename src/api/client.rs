//! The HTTP client for the five sharing calls: one `reqwest::Client`, auth applied per
//! request, bounded retries for GETs, and a cap on how much of a body is read.

use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::{Method, Url};
use tokio::sync::Mutex;

use super::auth::{
    Auth, CachedToken, PasswordAuth, Secret, expires_at_from_body, password_request_body,
};
use super::error::{ApiError, Call, StatusError, parse_error_body};
use super::model::{self, ShareRequest, ShareTargets, Sharing};
use super::query::{Filters, ListQuery, percent_encode};
use super::sign::{SignInput, authorization};
use super::time::{now_unix, sdk_date};
use super::transport::{Proxies, Transport, TransportConfig, Trust, host_header};

/// Default cap on a response body.
pub const DEFAULT_MAX_BODY: usize = 64 * 1024 * 1024;

/// Everything needed to build a [`Client`].
#[derive(Clone, Debug)]
pub struct ClientConfig {
    /// Base URL, e.g. `https://vbs.eu-de.otc.t-systems.com`.
    pub endpoint: String,
    pub project_id: String,
    pub auth: Auth,
    /// Whole-request timeout (connect, send, and read the body).
    pub timeout: Duration,
    pub connect_timeout: Duration,
    /// Retries after the first try, for GETs only.
    pub max_retries: u32,
    /// Which CAs are trusted (or none checked, when insecure).
    pub trust: Trust,
    /// The proxies in force.
    pub proxies: Proxies,
    pub max_body_bytes: usize,
    /// First retry delay; each further retry doubles it (with jitter).
    pub retry_base: Duration,
    /// Why the service cannot be used where the settings point (VBS in a region that only
    /// has CBR): every call fails with this message instead of being sent.
    pub not_offered: Option<String>,
}

impl ClientConfig {
    /// A configuration with the defaults: 30 s timeout, 10 s connect, 3 retries, 64 MiB cap,
    /// the system's and the bundled CAs, no proxy.
    pub fn new(endpoint: impl Into<String>, project_id: impl Into<String>, auth: Auth) -> Self {
        Self {
            endpoint: endpoint.into(),
            project_id: project_id.into(),
            auth,
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            max_retries: 3,
            trust: Trust {
                system: true,
                ..Trust::default()
            },
            proxies: Proxies::default(),
            max_body_bytes: DEFAULT_MAX_BODY,
            retry_base: Duration::from_millis(250),
            not_offered: None,
        }
    }
}

/// A VBS backup-sharing client; cheap to clone.
#[derive(Clone, Debug)]
pub struct Client {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    transport: Transport,
    base: Url,
    host: String,
    config: ClientConfig,
    token: Mutex<Option<CachedToken>>,
}

/// One answer: status, headers, body text.
struct Answer {
    status: u16,
    body: String,
}

impl Client {
    /// Builds the client; fails on a malformed endpoint or CA certificate.
    pub fn new(config: ClientConfig) -> Result<Client, ApiError> {
        let base = parse_base(&config.endpoint)?;
        let host = host_header(&base);
        let transport = Transport::new(&TransportConfig {
            trust: config.trust.clone(),
            proxies: config.proxies.clone(),
            timeout: config.timeout,
            connect_timeout: config.connect_timeout,
        })?;
        Ok(Client {
            inner: Arc::new(Inner {
                transport,
                base,
                host,
                config,
                token: Mutex::new(None),
            }),
        })
    }

    /// The proxy calls to the endpoint go through, if any (masked for display).
    pub fn proxy(&self) -> Option<String> {
        self.inner
            .transport
            .proxy_for(&self.inner.base)
            .map(ToString::to_string)
    }

    /// The endpoint this client talks to.
    pub fn endpoint(&self) -> &str {
        &self.inner.config.endpoint
    }

    /// The project whose sharings are listed.
    pub fn project_id(&self) -> &str {
        &self.inner.config.project_id
    }

    /// The `host[:port]` of the endpoint.
    pub fn host(&self) -> &str {
        &self.inner.host
    }

    /// Lists one page of sharings.
    pub async fn list(&self, q: &ListQuery) -> Result<Vec<Sharing>, ApiError> {
        Ok(self.list_with_body(q).await?.0)
    }

    /// Lists one page, also returning the body exactly as received.
    pub async fn list_with_body(&self, q: &ListQuery) -> Result<(Vec<Sharing>, String), ApiError> {
        let a = self
            .call(Method::GET, "/detail", &q.canonical_query(), None)
            .await?;
        let list =
            model::parse_list(&a.body).map_err(|source| self.body_error(a.status, source))?;
        Ok((list, a.body))
    }

    /// Counts the sharings matching `f`.
    pub async fn count(&self, f: &Filters) -> Result<u64, ApiError> {
        let a = self
            .call(Method::GET, "/count", &f.canonical_query(), None)
            .await?;
        model::parse_count(&a.body).map_err(|source| self.body_error(a.status, source))
    }

    /// Gets one sharing by ID.
    pub async fn get(&self, sharing_id: &str) -> Result<Sharing, ApiError> {
        Ok(self.get_with_body(sharing_id).await?.0)
    }

    /// Gets one sharing, also returning the body exactly as received.
    pub async fn get_with_body(&self, sharing_id: &str) -> Result<(Sharing, String), ApiError> {
        let suffix = format!("/{}", percent_encode(sharing_id));
        let a = self.call(Method::GET, &suffix, "", None).await?;
        let one = model::parse_one(&a.body).map_err(|source| self.body_error(a.status, source))?;
        Ok((one, a.body))
    }

    /// Shares `backup_id` with each of `to`; answers the sharings created.
    pub async fn share(&self, backup_id: &str, to: &[String]) -> Result<Vec<Sharing>, ApiError> {
        let req = ShareRequest {
            shared: ShareTargets {
                backup_id: backup_id.to_owned(),
                to_project_ids: to.to_vec(),
            },
        };
        let body = serde_json::to_vec(&req).unwrap_or_default();
        let a = self
            .call(Method::POST, "", "", Some(body))
            .await
            .map_err(|e| e.in_call(Call::Share))?;
        model::parse_list(&a.body).map_err(|source| self.body_error(a.status, source))
    }

    /// Cancels one sharing (`is_backup_id = false`) or every sharing of a backup.
    pub async fn cancel(&self, id: &str, is_backup_id: bool) -> Result<(), ApiError> {
        let suffix = format!("/{}", percent_encode(id));
        let query = format!("is_backup_id={is_backup_id}");
        self.call(Method::DELETE, &suffix, &query, None)
            .await
            .map(|_| ())
            .map_err(|e| e.in_call(Call::Cancel))
    }

    fn body_error(&self, status: u16, reason: model::BodyError) -> ApiError {
        ApiError::Body {
            host: self.inner.host.clone(),
            status,
            reason,
        }
    }

    /// Sends one call with retries (GET only) and one token renewal on 401 (password auth).
    async fn call(
        &self,
        method: Method,
        suffix: &str,
        query: &str,
        body: Option<Vec<u8>>,
    ) -> Result<Answer, ApiError> {
        let cfg = &self.inner.config;
        if let Some(why) = &cfg.not_offered {
            return Err(ApiError::NotOffered(format!(
                "{why}; pass --endpoint to use a VBS endpoint anyway"
            )));
        }
        let path = format!(
            "{}/v2/{}/os-vendor-backup-sharing{suffix}",
            self.inner.base.path().trim_end_matches('/'),
            percent_encode(&cfg.project_id)
        );
        let retries = if method == Method::GET {
            cfg.max_retries
        } else {
            0
        };
        let mut renewed = false;
        let mut attempt = 0;
        loop {
            let started = Instant::now();
            let result = self.send_once(&method, &path, query, body.as_deref()).await;
            tracing::debug!(
                method = %method, path = %path, query = %query, attempt,
                elapsed_ms = started.elapsed().as_millis() as u64,
                outcome = %match &result { Ok(a) => a.status.to_string(), Err(e) => e.to_string() },
                "vbs call"
            );
            match result {
                Ok(a) => return Ok(a),
                Err(ApiError::Status(s))
                    if s.status == 401 && !renewed && matches!(cfg.auth, Auth::Password(_)) =>
                {
                    tracing::info!("401 with an IAM token: renewing it once and retrying");
                    *self.inner.token.lock().await = None;
                    renewed = true;
                }
                Err(e) if attempt < retries && e.is_retryable() => {
                    let delay = self.backoff(attempt, &e);
                    tracing::info!(attempt, delay_ms = delay.as_millis() as u64, error = %e, "retrying");
                    tokio::time::sleep(delay).await;
                    attempt += 1;
                }
                Err(e) => return Err(e),
            }
        }
    }

    fn backoff(&self, attempt: u32, e: &ApiError) -> Duration {
        if let ApiError::Status(StatusError {
            retry_after: Some(d),
            ..
        }) = e
        {
            return (*d).min(Duration::from_secs(60));
        }
        let base = self
            .inner
            .config
            .retry_base
            .saturating_mul(1 << attempt.min(6));
        let capped = base.min(Duration::from_secs(8));
        // Full jitter between half and all of the delay.
        capped.mul_f64(0.5 + fastrand::f64() * 0.5)
    }

    async fn send_once(
        &self,
        method: &Method,
        path: &str,
        query: &str,
        body: Option<&[u8]>,
    ) -> Result<Answer, ApiError> {
        let cfg = &self.inner.config;
        let mut url = self.inner.base.clone();
        url.set_path(path);
        url.set_query((!query.is_empty()).then_some(query));
        let mut headers = HeaderMap::new();
        headers.insert("accept", HeaderValue::from_static("application/json"));
        if body.is_some() {
            headers.insert(
                "content-type",
                HeaderValue::from_static("application/json;charset=UTF-8"),
            );
        }
        match &cfg.auth {
            Auth::Token(t) => insert_secret(&mut headers, "x-auth-token", t)?,
            Auth::Password(p) => {
                let token = self.token(p).await?;
                insert_secret(&mut headers, "x-auth-token", &token)?;
            }
            Auth::AkSk(creds) => {
                let date = sdk_date(now_unix());
                let mut signed: Vec<(&str, &str)> = vec![
                    ("host", self.inner.host.as_str()),
                    ("x-sdk-date", date.as_str()),
                    ("x-project-id", cfg.project_id.as_str()),
                ];
                if let Some(st) = &creds.security_token {
                    signed.push(("x-security-token", st.as_str()));
                }
                let decoded_path = super::query::percent_decode(path);
                let input = SignInput {
                    method: method.as_str(),
                    path: &decoded_path,
                    query,
                    headers: &signed,
                    body: body.unwrap_or_default(),
                };
                let auth = authorization(&input, &date, creds);
                for (k, v) in &signed[1..] {
                    headers.insert(*k, header_value(v)?);
                }
                headers.insert("authorization", header_value(&auth)?);
            }
        }
        let mut req = self
            .inner
            .transport
            .http
            .request(method.clone(), url.clone())
            .headers(headers);
        if let Some(b) = body {
            req = req.body(b.to_vec());
        }
        let resp = req
            .send()
            .await
            .map_err(|e| self.inner.transport.classify(&e, &url))?;
        if let Some(e) = self
            .inner
            .transport
            .proxy_status(resp.status().as_u16(), &url)
        {
            return Err(e);
        }
        self.read_answer(resp, &url).await
    }

    async fn read_answer(
        &self,
        mut resp: reqwest::Response,
        url: &Url,
    ) -> Result<Answer, ApiError> {
        let status = resp.status().as_u16();
        let header = |name: &str| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let request_id = header("x-request-id");
        let retry_after = header("retry-after")
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let cap = self.inner.config.max_body_bytes;
        let too_large = || ApiError::TooLarge {
            host: self.inner.host.clone(),
            limit: cap,
        };
        if resp.content_length().is_some_and(|n| n > cap as u64) {
            return Err(too_large());
        }
        let mut buf = Vec::new();
        while let Some(chunk) = resp
            .chunk()
            .await
            .map_err(|e| self.inner.transport.classify(&e, url))?
        {
            if buf.len() + chunk.len() > cap {
                return Err(too_large());
            }
            buf.extend_from_slice(&chunk);
        }
        let body = String::from_utf8_lossy(&buf).into_owned();
        if (200..300).contains(&status) {
            return Ok(Answer { status, body });
        }
        let mut parsed = parse_error_body(&body);
        if parsed.request_id.is_none() {
            parsed.request_id = request_id;
        }
        Err(ApiError::Status(StatusError {
            status,
            body: parsed,
            retry_after,
            call: None,
        }))
    }

    /// A valid IAM token: the cached one, or a new one from `POST {auth_url}/auth/tokens`.
    async fn token(&self, p: &PasswordAuth) -> Result<Secret, ApiError> {
        let mut cache = self.inner.token.lock().await;
        if let Some(t) = cache.as_ref().filter(|t| t.is_fresh()) {
            return Ok(t.token.clone());
        }
        let url = format!("{}/auth/tokens", p.auth_url.trim_end_matches('/'));
        let url =
            Url::parse(&url).map_err(|e| ApiError::Auth(format!("bad auth URL {url:?}: {e}")))?;
        let body = password_request_body(p, &self.inner.config.project_id).to_string();
        tracing::debug!(url = %url, user = %p.user, "requesting an IAM token");
        let transport = &self.inner.transport;
        let resp = transport
            .http
            .post(url.clone())
            .header("content-type", "application/json;charset=UTF-8")
            .body(body)
            .send()
            .await
            .map_err(|e| transport.classify(&e, &url))?;
        if let Some(e) = transport.proxy_status(resp.status().as_u16(), &url) {
            return Err(e);
        }
        let token = resp
            .headers()
            .get("x-subject-token")
            .and_then(|v| v.to_str().ok())
            .map(Secret::new);
        let answer = self.read_answer(resp, &url).await.map_err(|e| match e {
            ApiError::Status(s) if matches!(s.status, 400 | 401 | 403 | 404) => {
                ApiError::Auth(format!(
                    "{}; check the user name, password and domain (HW_USER_NAME, \
                     HW_USER_PASSWORD, HW_DOMAIN_NAME), the project and the IAM URL (--auth-url)",
                    s.summary()
                ))
            }
            ApiError::Status(s) => ApiError::Auth(s.to_string()),
            other => other,
        })?;
        let token = token.ok_or_else(|| {
            ApiError::Auth(format!(
                "HTTP {} from IAM without an X-Subject-Token header",
                answer.status
            ))
        })?;
        let expires_at = expires_at_from_body(&answer.body);
        *cache = Some(CachedToken {
            token: token.clone(),
            expires_at,
        });
        Ok(token)
    }
}

fn parse_base(endpoint: &str) -> Result<Url, ApiError> {
    super::ids::http_url(endpoint, "endpoint URL").map_err(|e| ApiError::Config(e.0))
}

fn header_value(v: &str) -> Result<HeaderValue, ApiError> {
    HeaderValue::from_str(v).map_err(|_| ApiError::Other {
        host: String::new(),
        detail: "a header value has characters HTTP does not allow".into(),
    })
}

fn insert_secret(h: &mut HeaderMap, name: &'static str, s: &Secret) -> Result<(), ApiError> {
    let mut v = HeaderValue::from_str(s.expose()).map_err(|_| ApiError::Other {
        host: String::new(),
        detail: format!("the {name} value has characters HTTP does not allow"),
    })?;
    v.set_sensitive(true);
    h.insert(name, v);
    Ok(())
}
