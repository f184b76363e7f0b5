//! What every service's client shares: the transport, the credentials and the IAM token
//! they yield (fetched once, shared by every call), retries with backoff, the body cap,
//! and the reading of an answer into a body or an [`ApiError`].

use std::time::{Duration, Instant};

use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::{Method, Url};
use tokio::sync::Mutex;

use super::auth::{
    Auth, CachedToken, PasswordAuth, Secret, expires_at_from_body, password_request_body,
};
use super::client::ClientConfig;
use super::error::{ApiError, StatusError, parse_error_body};
use super::request_log::{RequestLog, RequestRecord};
use super::sign::{SignInput, authorization};
use super::time::{now_unix, sdk_date};
use super::transport::{Transport, TransportConfig, host_header};

/// Where a service lives: its base URL and the `Host` header (signed with AK/SK).
#[derive(Clone, Debug)]
pub struct Target {
    pub base: Url,
    pub host: String,
}

impl Target {
    /// The target of an endpoint URL; fails on one that is not `http(s)://host…`.
    pub fn parse(endpoint: &str, what: &str) -> Result<Target, ApiError> {
        let base = super::ids::http_url(endpoint, what).map_err(|e| ApiError::Config(e.0))?;
        let host = host_header(&base);
        Ok(Target { base, host })
    }
}

/// One answer: status and body text.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub body: String,
    /// The server's `X-Request-Id`, when it sent one.
    pub request_id: Option<String>,
}

/// The shared half of every client; cheap to share behind an `Arc`.
#[derive(Debug)]
pub struct Session {
    pub(crate) transport: Transport,
    pub(crate) config: ClientConfig,
    token: Mutex<Option<CachedToken>>,
    /// The last requests, for the browser's request log.
    log: RequestLog,
}

/// Whether a 401 is CBR's "Malformed request url" (a deleted or unshared resource).
fn is_malformed_url(s: &StatusError) -> bool {
    s.body
        .message
        .as_deref()
        .is_some_and(|m| m.eq_ignore_ascii_case("Malformed request url"))
}

impl Session {
    /// Builds the transport the configuration describes.
    pub fn new(config: ClientConfig) -> Result<Session, ApiError> {
        let transport = Transport::new(&TransportConfig {
            trust: config.trust.clone(),
            proxies: config.proxies.clone(),
            timeout: config.timeout,
            connect_timeout: config.connect_timeout,
        })?;
        Ok(Session {
            transport,
            config,
            token: Mutex::new(None),
            log: RequestLog::default(),
        })
    }

    /// The last requests this session made (shared: every client of the session adds to
    /// it).
    pub fn request_log(&self) -> &RequestLog {
        &self.log
    }

    /// The project every call is made for.
    pub fn project_id(&self) -> &str {
        &self.config.project_id
    }

    /// Sends one call to `path` under `target`'s base path, with retries (GET only) and
    /// one token renewal on a 401 (password auth). A 401 "Malformed request url" is CBR's
    /// answer for a deleted resource, not an expired token: it is never renewed.
    pub async fn call(
        &self,
        target: &Target,
        method: Method,
        path: &str,
        query: &str,
        body: Option<Vec<u8>>,
        what: &'static str,
    ) -> Result<Answer, ApiError> {
        let cfg = &self.config;
        let path = format!("{}{path}", target.base.path().trim_end_matches('/'));
        let retries = if method == Method::GET {
            cfg.max_retries
        } else {
            0
        };
        let mut renewed = false;
        let mut attempt = 0;
        loop {
            let started = Instant::now();
            // The IAM token this attempt carried, if any.
            let mut carried = None;
            let result = self
                .send_once(target, &method, &path, query, body.as_deref(), &mut carried)
                .await;
            let elapsed_ms = started.elapsed().as_millis() as u64;
            tracing::debug!(
                method = %method, path = %path, query = %query, attempt, elapsed_ms,
                outcome = %match &result { Ok(a) => a.status.to_string(), Err(e) => e.to_string() },
                "{what}"
            );
            self.log.push(RequestRecord {
                at: crate::api::time::now_unix(),
                method: method.to_string(),
                target: if query.is_empty() {
                    path.clone()
                } else {
                    format!("{path}?{query}")
                },
                status: match &result {
                    Ok(a) => Some(a.status),
                    Err(e) => e.status(),
                },
                failure: result
                    .as_ref()
                    .err()
                    .filter(|e| e.status().is_none())
                    .map(ToString::to_string),
                latency_ms: elapsed_ms,
                bytes: result.as_ref().map_or(0, |a| a.body.len()),
                attempt: attempt + 1,
                request_id: match &result {
                    Ok(a) => a.request_id.clone(),
                    Err(ApiError::Status(s)) => s.body.request_id.clone(),
                    Err(_) => None,
                },
            });
            match result {
                Ok(a) => return Ok(a),
                Err(ApiError::Status(s))
                    if s.status == 401
                        && !renewed
                        && matches!(cfg.auth, Auth::Password(_))
                        && !is_malformed_url(&s) =>
                {
                    tracing::info!("401 with an IAM token: renewing it once and retrying");
                    self.forget_token(carried.as_ref()).await;
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
        let base = self.config.retry_base.saturating_mul(1 << attempt.min(6));
        let capped = base.min(Duration::from_secs(8));
        // Full jitter between half and all of the delay.
        capped.mul_f64(0.5 + fastrand::f64() * 0.5)
    }

    /// Drops the cached token if it is still `rejected`: when many calls are refused the
    /// same expired token at once, the first renews it and the others retry with the
    /// renewed one instead of each asking IAM again.
    async fn forget_token(&self, rejected: Option<&Secret>) {
        let mut cache = self.token.lock().await;
        if cache.as_ref().map(|t| &t.token) == rejected {
            *cache = None;
        }
    }

    /// Sends one attempt; `carried` is set to the IAM token it carried (password auth).
    async fn send_once(
        &self,
        target: &Target,
        method: &Method,
        path: &str,
        query: &str,
        body: Option<&[u8]>,
        carried: &mut Option<Secret>,
    ) -> Result<Answer, ApiError> {
        let cfg = &self.config;
        let mut url = target.base.clone();
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
                *carried = Some(token);
            }
            Auth::AkSk(creds) => {
                let date = sdk_date(now_unix());
                let mut signed: Vec<(&str, &str)> = vec![
                    ("host", target.host.as_str()),
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
            .map_err(|e| self.transport.classify(&e, &url))?;
        if let Some(e) = self.transport.proxy_status(resp.status().as_u16(), &url) {
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
        let cap = self.config.max_body_bytes;
        let too_large = || ApiError::TooLarge {
            host: host_header(url),
            limit: cap,
        };
        if resp.content_length().is_some_and(|n| n > cap as u64) {
            return Err(too_large());
        }
        // Sized by the announced length (at most the cap), so a page is not copied as it
        // grows; the text is taken as is when it is UTF-8, as it nearly always is.
        let announced = resp.content_length().map_or(0, |n| n as usize);
        let mut buf = Vec::with_capacity(announced);
        while let Some(chunk) = resp
            .chunk()
            .await
            .map_err(|e| self.transport.classify(&e, url))?
        {
            if buf.len() + chunk.len() > cap {
                return Err(too_large());
            }
            buf.extend_from_slice(&chunk);
        }
        let body = String::from_utf8(buf)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
        if (200..300).contains(&status) {
            return Ok(Answer {
                status,
                body,
                request_id,
            });
        }
        let mut parsed = parse_error_body(&body);
        if parsed.request_id.is_none() {
            parsed.request_id = request_id;
        }
        Err(ApiError::Status(StatusError {
            status,
            body: Box::new(parsed),
            retry_after,
            call: None,
            advice: None,
        }))
    }

    /// A valid IAM token: the cached one, or a new one from `POST {auth_url}/auth/tokens`.
    /// The cache stays locked during the exchange, so calls that find no fresh token wait
    /// for the one exchange in progress rather than each starting their own.
    async fn token(&self, p: &PasswordAuth) -> Result<Secret, ApiError> {
        let mut cache = self.token.lock().await;
        if let Some(t) = cache.as_ref().filter(|t| t.is_fresh()) {
            return Ok(t.token.clone());
        }
        let url = format!("{}/auth/tokens", p.auth_url.trim_end_matches('/'));
        let url =
            Url::parse(&url).map_err(|e| ApiError::Auth(format!("bad auth URL {url:?}: {e}")))?;
        let body = password_request_body(p, &self.config.project_id).to_string();
        tracing::debug!(url = %url, user = %p.user, "requesting an IAM token");
        let transport = &self.transport;
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
