//! Who may call: tokens this server issued, or `SDK-HMAC-SHA256` signatures by the demo key.
//!
//! Reasons for a refusal name the rule that failed and never echo a token, a signature or
//! a key.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use serde_json::{Value, json};

use super::cbr::{WORLD_PROJECTS, project_names};
use super::reply::{gateway_error, json};
use super::seed::PARTNER_PROJECTS;
use super::{
    DEMO_ACCESS_KEY, DEMO_DOMAIN, DEMO_PASSWORD, DEMO_PROJECT_ID, DEMO_SECRET_KEY, DEMO_USER,
};
use crate::api::query::percent_decode;
use crate::api::sign::{self, SignInput};
use crate::api::time::{Timestamp, parse_sdk_date};

/// How long an issued token lives.
pub const TOKEN_TTL_SECS: i64 = 24 * 3600;
/// The largest accepted difference between `X-Sdk-Date` and the server clock.
pub const MAX_SKEW_SECS: i64 = 15 * 60;

/// The demo domain's ID.
const DOMAIN_ID: &str = "d0a1e2f3a4b5c6d7e8f9a0b1c2d3e4f5";

/// How a request proved who it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Method {
    Token,
    Signature,
}

struct Issued {
    project_id: String,
    expires_at: i64,
}

/// Tokens this server has issued.
pub(crate) struct Tokens {
    issued: Mutex<HashMap<String, Issued>>,
    rng: Mutex<fastrand::Rng>,
}

impl Tokens {
    pub(crate) fn new() -> Self {
        Self {
            issued: Mutex::new(HashMap::new()),
            rng: Mutex::new(fastrand::Rng::new()),
        }
    }

    /// Issues a token for `project_id` that expires `ttl_secs` after `now`.
    pub(crate) fn issue(&self, project_id: &str, now: i64, ttl_secs: i64) -> (String, i64) {
        let token: String = {
            let mut rng = self.rng.lock().unwrap_or_else(PoisonError::into_inner);
            let body: String = std::iter::repeat_with(|| rng.alphanumeric())
                .take(180)
                .collect();
            format!("MIIvbs{body}")
        };
        let expires_at = now.saturating_add(ttl_secs);
        let mut issued = self.issued.lock().unwrap_or_else(PoisonError::into_inner);
        issued.retain(|_, t| t.expires_at > now);
        issued.insert(
            token.clone(),
            Issued {
                project_id: project_id.to_owned(),
                expires_at,
            },
        );
        (token, expires_at)
    }

    /// Checks `token` for `project`, or (with `None`) for any project: IAM's own calls take
    /// a token of any scope.
    fn check(&self, token: &str, project: Option<&str>, now: i64) -> Result<(), &'static str> {
        let issued = self.issued.lock().unwrap_or_else(PoisonError::into_inner);
        let t = issued.get(token).ok_or("the token is not valid")?;
        if t.expires_at <= now {
            return Err("the token has expired");
        }
        if project.is_some_and(|p| t.project_id != p) {
            return Err("the token is scoped to another project");
        }
        Ok(())
    }
}

fn header<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers.get(name).and_then(|v| v.to_str().ok())
}

/// Checks the credentials of a request for `project` (with `None`, IAM's own calls: any
/// project the caller may reach); `Err` holds the reason.
pub(crate) fn verify(
    parts: &Parts,
    body: &[u8],
    project: Option<&str>,
    tokens: &Tokens,
    now: i64,
) -> Result<Method, String> {
    if let Some(token) = parts.headers.get("x-auth-token") {
        let token = token
            .to_str()
            .map_err(|_| "the token is not valid".to_owned())?;
        return tokens
            .check(token, project, now)
            .map(|()| Method::Token)
            .map_err(str::to_owned);
    }
    verify_signature(parts, body, project, now).map(|()| Method::Signature)
}

fn verify_signature(
    parts: &Parts,
    body: &[u8],
    project: Option<&str>,
    now: i64,
) -> Result<(), String> {
    let h = &parts.headers;
    let Some(auth) = header(h, "authorization") else {
        return Err("no X-Auth-Token and no Authorization header".into());
    };
    let parsed = sign::parse_authorization(auth)
        .ok_or("the Authorization header is not a valid SDK-HMAC-SHA256 authorization")?;
    if parsed.access != DEMO_ACCESS_KEY {
        return Err("Get secretKey failed,ak:******,err:ak not exist".into());
    }
    let signed = &parsed.signed_headers;
    for required in ["host", "x-sdk-date"] {
        if !signed.iter().any(|s| s == required) {
            return Err(format!("the header {required} must be signed"));
        }
    }
    if h.contains_key("x-security-token") && !signed.iter().any(|s| s == "x-security-token") {
        return Err("the header x-security-token must be signed".into());
    }
    let date = header(h, "x-sdk-date").ok_or("the X-Sdk-Date header is missing")?;
    let at = parse_sdk_date(date).ok_or("X-Sdk-Date is not of the form YYYYMMDDTHHMMSSZ")?;
    if (now - at).abs() > MAX_SKEW_SECS {
        return Err("X-Sdk-Date differs from the server time by more than 15 minutes".into());
    }
    if let Some(project) = project {
        if header(h, "x-project-id").is_some_and(|p| p != project) {
            return Err("X-Project-Id does not match the project in the path".into());
        }
        if !WORLD_PROJECTS.contains(&project) {
            return Err("the access key has no permission for this project".into());
        }
    }
    let mut pairs: Vec<(&str, &str)> = Vec::with_capacity(signed.len());
    for name in signed {
        let value =
            header(h, name).ok_or_else(|| format!("the signed header {name} is missing"))?;
        pairs.push((name.as_str(), value));
    }
    let path = percent_decode(parts.uri.path());
    let input = SignInput {
        method: parts.method.as_str(),
        path: &path,
        query: parts.uri.query().unwrap_or(""),
        headers: &pairs,
        body,
    };
    let expected = sign::signature(&input, date, DEMO_SECRET_KEY);
    if sign::constant_time_eq(&expected, &parsed.signature.to_ascii_lowercase()) {
        Ok(())
    } else {
        Err("the signature does not match the request".into())
    }
}

fn iam_error(status: StatusCode, code: &str, message: &str, request_id: &str) -> Response {
    gateway_error(status, code, message, request_id)
}

fn text<'a>(v: &'a Value, path: &[&str]) -> Option<&'a str> {
    path.iter()
        .try_fold(v, |v, k| v.get(*k))
        .and_then(Value::as_str)
}

/// `POST /v3/auth/tokens`: password authentication scoped to a project.
pub(crate) fn issue_token(tokens: &Tokens, body: &[u8], request_id: &str, now: i64) -> Response {
    let bad = |msg: &str| iam_error(StatusCode::BAD_REQUEST, "IAM.0011", msg, request_id);
    let Ok(v) = serde_json::from_slice::<Value>(body) else {
        return bad("Request parameter error: the body is not JSON.");
    };
    let identity = &v["auth"]["identity"];
    let methods = identity["methods"].as_array();
    if !methods.is_some_and(|m| m.iter().any(|x| x == "password")) {
        return bad("Request parameter error: auth.identity.methods must contain \"password\".");
    }
    let (Some(name), Some(password)) = (
        text(identity, &["password", "user", "name"]),
        text(identity, &["password", "user", "password"]),
    ) else {
        return bad("Request parameter error: user name and password are required.");
    };
    let domain = text(identity, &["password", "user", "domain", "name"]);
    let ok = sign::constant_time_eq(name, DEMO_USER)
        & sign::constant_time_eq(password, DEMO_PASSWORD)
        & domain.is_none_or(|d| d == DEMO_DOMAIN);
    if !ok {
        return iam_error(
            StatusCode::UNAUTHORIZED,
            "IAM.0001",
            "The request you have made requires authentication.",
            request_id,
        );
    }
    let scope = &v["auth"]["scope"]["project"];
    let project = match (text(scope, &["id"]), text(scope, &["name"])) {
        (Some(id), _) if id == DEMO_PROJECT_ID || PARTNER_PROJECTS.contains(&id) => id,
        (Some(_), _) => {
            return iam_error(
                StatusCode::UNAUTHORIZED,
                "IAM.0001",
                "The request you have made requires authentication: no access to the project.",
                request_id,
            );
        }
        (None, Some(_)) => DEMO_PROJECT_ID,
        (None, None) => return bad("Request parameter error: auth.scope.project is required."),
    };
    let (token, expires) = tokens.issue(project, now, TOKEN_TTL_SECS);
    let domain_obj = json!({"id": DOMAIN_ID, "name": DEMO_DOMAIN});
    let body = json!({"token": {
        "expires_at": Timestamp::from_unix(expires, 0).to_rfc3339(),
        "issued_at": Timestamp::from_unix(now, 0).to_rfc3339(),
        "methods": ["password"],
        "project": {"id": project, "name": "eu-de", "domain": domain_obj},
        "user": {"id": "e1f2a3b4c5d6e7f8a9b0c1d2e3f4a5b6", "name": DEMO_USER, "domain": domain_obj},
        "catalog": [],
    }});
    let mut resp = json(StatusCode::CREATED, body.to_string());
    if let Ok(v) = HeaderValue::from_str(&token) {
        resp.headers_mut().insert("x-subject-token", v);
    }
    resp
}

/// `GET /v3/auth/projects`: the projects the caller may reach (the demo key's and the demo
/// user's: [`WORLD_PROJECTS`]), in IAM's shape. Any token this server issued will do, or a
/// signature by the demo key.
pub(crate) fn list_projects(
    parts: &Parts,
    tokens: &Tokens,
    request_id: &str,
    now: i64,
) -> Response {
    if let Err(why) = verify(parts, &[], None, tokens, now) {
        return super::reply::auth_refused(&why, request_id);
    }
    let names = project_names();
    let projects: Vec<Value> = WORLD_PROJECTS
        .iter()
        .map(|id| {
            let name = names.iter().find(|(i, _)| i == id).map_or(*id, |(_, n)| *n);
            json!({
                "id": id,
                "name": name,
                "enabled": true,
                "is_domain": false,
                "description": "",
                "domain_id": DOMAIN_ID,
                "parent_id": DOMAIN_ID,
                "links": {"self": format!("/v3/projects/{id}")},
            })
        })
        .collect();
    let body = json!({"projects": projects, "links": {"self": "/v3/auth/projects"}});
    json(StatusCode::OK, body.to_string())
}
