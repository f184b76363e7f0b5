//! Typed errors at the API boundary, read from any of the three error body shapes.

use std::fmt;
use std::time::Duration;

use serde_json::Value;

use super::model::BodyError;

/// How much of a non-JSON error body is kept (a gateway's HTML page, say).
pub const RAW_EXCERPT_CHARS: usize = 300;

/// What the server said in an error answer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ErrorBody {
    pub code: Option<String>,
    pub message: Option<String>,
    pub request_id: Option<String>,
    /// The body as text when it was not JSON: cut to [`RAW_EXCERPT_CHARS`] characters, or for
    /// an HTML page its title as `HTML page "…"` (at most 13 characters more).
    pub raw: Option<String>,
}

/// Reads an error body: (`error_code`, `error_msg`), else (`code`, `message`), else the same
/// one level down in any nested object (`error`, `badRequest`, `itemNotFound`, …).
pub fn parse_error_body(body: &str) -> ErrorBody {
    let trimmed = body.trim();
    let Ok(Value::Object(map)) = serde_json::from_str::<Value>(trimmed) else {
        let raw = (!trimmed.is_empty())
            .then(|| html_summary(trimmed).unwrap_or_else(|| excerpt(trimmed)));
        return ErrorBody {
            raw,
            ..ErrorBody::default()
        };
    };
    let text = |v: Option<&Value>| -> Option<String> {
        match v? {
            Value::String(s) if !s.is_empty() => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    };
    let mut out = ErrorBody {
        request_id: text(map.get("request_id")),
        ..ErrorBody::default()
    };
    let top = (text(map.get("error_code")), text(map.get("error_msg")));
    let flat = (text(map.get("code")), text(map.get("message")));
    if top.0.is_some() || top.1.is_some() {
        (out.code, out.message) = top;
    } else if flat.0.is_some() || flat.1.is_some() {
        (out.code, out.message) = flat;
    } else {
        for v in map.values() {
            if let Value::Object(inner) = v {
                let pair = (
                    text(inner.get("code")).or_else(|| text(inner.get("error_code"))),
                    text(inner.get("message")).or_else(|| text(inner.get("error_msg"))),
                );
                if pair.0.is_some() || pair.1.is_some() {
                    (out.code, out.message) = pair;
                    out.request_id = out.request_id.or_else(|| text(inner.get("request_id")));
                    break;
                }
            }
        }
    }
    if out.code.is_none() && out.message.is_none() {
        out.raw = Some(excerpt(trimmed));
    }
    out
}

/// `HTML page "title"` (or the page's text when it has no title) for a body that is an
/// HTML document, as proxies and gateways send; `None` for anything else.
fn html_summary(body: &str) -> Option<String> {
    let head: String = body
        .chars()
        .take(200)
        .collect::<String>()
        .to_ascii_lowercase();
    if !(head.starts_with('<') && (head.contains("<html") || head.contains("<!doctype html"))) {
        return None;
    }
    let lower = body.to_ascii_lowercase();
    let title = lower.find("<title").and_then(|start| {
        let open_end = start + lower[start..].find('>')? + 1;
        let close = open_end + lower[open_end..].find("</title")?;
        Some(excerpt(&body[open_end..close]))
    });
    Some(match title.filter(|t| !t.is_empty()) {
        Some(t) => format!("HTML page \"{t}\""),
        None => format!("HTML page: {}", excerpt(&strip_tags(body))),
    })
}

/// The text of an HTML fragment: tags dropped, each replaced by a space.
fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match (in_tag, c) {
            (false, '<') => in_tag = true,
            (true, '>') => {
                in_tag = false;
                out.push(' ');
            }
            (false, c) => out.push(c),
            (true, _) => {}
        }
    }
    out
}

/// The first [`RAW_EXCERPT_CHARS`] characters of `s` on one line, with `…` when cut.
pub fn excerpt(s: &str) -> String {
    let one_line: String = s
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect::<String>();
    let squeezed = one_line.split_whitespace().collect::<Vec<_>>().join(" ");
    if squeezed.chars().count() > RAW_EXCERPT_CHARS {
        let cut: String = squeezed.chars().take(RAW_EXCERPT_CHARS).collect();
        format!("{cut}…")
    } else {
        squeezed
    }
}

/// An answer outside 2xx.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusError {
    pub status: u16,
    /// Boxed: it is the largest part of an error, and errors travel in every `Result`.
    pub body: Box<ErrorBody>,
    /// The `Retry-After` header, when the server sent one.
    pub retry_after: Option<Duration>,
    /// The call that was answered, when it changes what to try.
    pub call: Option<Call>,
    /// Advice worked out by the service that answered (it overrides the generic hint).
    pub advice: Option<String>,
}

/// A write whose refusals need their own advice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Call {
    Share,
    Cancel,
}

impl StatusError {
    /// The server's code, if it sent one.
    pub fn code(&self) -> Option<&str> {
        self.body.code.as_deref()
    }

    /// One sentence on what to try for this status and code.
    pub fn hint(&self) -> &str {
        if let Some(a) = &self.advice {
            return a;
        }
        let code = self.code().unwrap_or("");
        match (self.status, self.call) {
            (403, Some(Call::Cancel)) => {
                return "only the project that shared a backup can cancel its sharings; a \
                        sharing made with this project is not this project's to cancel";
            }
            (403, Some(Call::Share)) => {
                return "only the project that owns a backup can share it, and the credentials \
                        need permission to share in this project";
            }
            (409, Some(Call::Share)) => {
                return "the backup is already shared with one of these projects: see its \
                        sharings with `vbshare list --backup-id ID` and leave that project out";
            }
            _ => {}
        }
        match (self.status, code) {
            (404, "APIGW.0101") => {
                "the endpoint does not offer this API: check --endpoint and --region (VBS may not exist in that region: backups are shared with CBR there, --service cbr)"
            }
            (401, "IAM.0066") => {
                "the token has expired: get a new one or use AK/SK or password credentials"
            }
            (401, "APIGW.0301") => {
                "check the credentials: a token may have expired or belong to another project; for AK/SK, check both keys and that this machine's clock is within 15 minutes of real time"
            }
            (400, _) => "a filter or argument was rejected: check the values given",
            (401, _) => {
                "check the credentials (token, AK/SK or password) and, for AK/SK, the machine's clock"
            }
            (403, _) => {
                "the credentials lack permission for VBS in this project: ask for the VBS roles (e.g. VBS Administrator)"
            }
            (404, _) => "not found: check the sharing or backup ID and the project ID",
            (405, _) => "the server does not allow this method here: check --endpoint",
            (406, _) => "the server cannot answer in JSON: check --endpoint",
            (407, _) => "a proxy wants authentication: check HTTPS_PROXY and its credentials",
            (408, _) => "the server timed out waiting for the request: try again",
            (409, _) => {
                "the request conflicts with the current state (already shared or being changed): refresh and retry"
            }
            (429, _) => "too many requests: wait a moment and retry",
            (500, _) => "the service failed internally: retry later",
            (501, _) => "the service does not implement this call at this endpoint",
            (502, _) => "the gateway got a bad answer from VBS: retry later",
            (503, _) => "the service is unavailable: retry later",
            (504, _) => "the gateway timed out waiting for VBS: retry later",
            _ => "see the server's message",
        }
    }
}

impl StatusError {
    /// The status, the server's code and message (or its body) and the request ID, without
    /// the hint: `HTTP 404 Not Found: APIGW.0101: The API does not exist (request ID …)`.
    pub fn summary(&self) -> String {
        use fmt::Write as _;
        let mut out = format!("HTTP {}", self.status);
        if let Some(reason) = reason_phrase(self.status) {
            let _ = write!(out, " {reason}");
        }
        let detail = match (&self.body.code, &self.body.message) {
            (Some(c), Some(m)) => Some(format!("{c}: {m}")),
            (Some(t), None) | (None, Some(t)) => Some(t.clone()),
            (None, None) => self.body.raw.clone(),
        };
        if let Some(d) = detail {
            let _ = write!(out, ": {d}");
        }
        if let Some(id) = &self.body.request_id {
            let _ = write!(out, " (request ID {id})");
        }
        out
    }
}

impl fmt::Display for StatusError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}; {}", self.summary(), self.hint())
    }
}

fn reason_phrase(status: u16) -> Option<&'static str> {
    Some(match status {
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        406 => "Not Acceptable",
        407 => "Proxy Authentication Required",
        408 => "Request Timeout",
        409 => "Conflict",
        429 => "Too Many Requests",
        500 => "Internal Server Error",
        501 => "Not Implemented",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => return None,
    })
}

/// Everything a call to VBS (or IAM) can fail with.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    /// The server answered outside 2xx.
    #[error("{0}")]
    Status(StatusError),
    /// No connection could be made.
    #[error(
        "cannot connect to {host}: {detail}; check --endpoint and that the service is running and reachable"
    )]
    Connect { host: String, detail: String },
    /// The host name did not resolve.
    #[error(
        "cannot resolve {host}: {detail}; check the spelling of --endpoint or --region, and DNS"
    )]
    Dns { host: String, detail: String },
    /// TLS failed (unknown CA, bad certificate, a server that does not speak TLS).
    #[error("TLS handshake with {host} failed: {detail}; {}", tls_hint(.detail))]
    Tls { host: String, detail: String },
    /// No complete answer within the timeout (none at all, or a body still arriving).
    #[error(
        "no complete answer from {host} within {}s; the server or the network may be slow: retry, or raise --timeout",
        .after.as_secs_f32()
    )]
    Timeout { host: String, after: Duration },
    /// The answer was larger than the body cap.
    #[error(
        "the answer from {host} is larger than {} MiB; refusing to read it: ask for fewer rows (--limit, filters) or check --endpoint",
        .limit / (1024 * 1024)
    )]
    TooLarge { host: String, limit: usize },
    /// A 2xx answer whose body is not the documented shape.
    /// (`reason` is in the message, and deliberately not the error's `source()`, so that a
    /// caller printing the whole chain does not say it twice.)
    #[error(
        "HTTP {status} from {host} with an unreadable body: {reason}; check that --endpoint is a VBS endpoint, or retry later"
    )]
    Body {
        host: String,
        status: u16,
        reason: BodyError,
    },
    /// The connection closed (or was reset) before the whole answer arrived: a stale
    /// pooled connection, a proxy or server going away mid-answer.
    #[error(
        "the connection to {host} closed before the whole answer arrived ({detail}); retry later"
    )]
    Closed { host: String, detail: String },
    /// The proxy failed: unreachable, wanting authentication, or refusing the tunnel.
    #[error(
        "proxy {proxy}: {detail}; check --proxy, the profile's proxy or HTTPS_PROXY/HTTP_PROXY/ALL_PROXY, and NO_PROXY (vbshare config shows which is used)"
    )]
    Proxy { proxy: String, detail: String },
    /// The service does not exist where the settings point (VBS in a CBR-only region).
    #[error("{0}")]
    NotOffered(String),
    /// Signing-in at IAM did not yield a token.
    #[error("IAM sign-in failed: {0}")]
    Auth(String),
    /// The client could not be set up (a CA certificate that is not one, a bad endpoint URL).
    #[error("{0}")]
    Config(String),
    /// Anything else reqwest reports.
    #[error("request to {host} failed: {detail}")]
    Other { host: String, detail: String },
}

/// What to try after a TLS failure, read from rustls's description of it.
fn tls_hint(detail: &str) -> &'static str {
    let d = detail.to_ascii_lowercase();
    if d.contains("unknownissuer") || d.contains("badsignature") || d.contains("unknown issuer") {
        "if a proxy inspects TLS or the service uses a private CA, trust the CA that issued the \
         certificate in one of three ways: --ca-cert FILE.pem (or ca_cert in the profile), \
         SSL_CERT_FILE or SSL_CERT_DIR, or the operating system's certificate store"
    } else if d.contains("expired") || d.contains("notvalidyet") || d.contains("not valid yet") {
        "check this machine's clock; otherwise the server's certificate must be renewed"
    } else if d.contains("not valid for name") || d.contains("notvalidforname") {
        "use the host name the certificate was issued for in --endpoint"
    } else if d.contains("corrupt message") || d.contains("invalidcontenttype") {
        "the server does not speak TLS on this port: is the endpoint http:// rather than https://?"
    } else {
        "check --endpoint; for a private CA, trust it with --ca-cert FILE.pem, SSL_CERT_FILE or \
         SSL_CERT_DIR, or the operating system's certificate store"
    }
}

impl ApiError {
    /// The HTTP status, for answers that had one.
    pub fn status(&self) -> Option<u16> {
        match self {
            ApiError::Status(s) => Some(s.status),
            ApiError::Body { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// The server's error code, when it sent one.
    pub fn code(&self) -> Option<&str> {
        match self {
            ApiError::Status(s) => s.code(),
            _ => None,
        }
    }

    /// The request ID, when the server sent one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            ApiError::Status(s) => s.body.request_id.as_deref(),
            _ => None,
        }
    }

    /// The error, marked as the answer to `call` (for advice that depends on it).
    #[must_use]
    pub fn in_call(self, call: Call) -> ApiError {
        match self {
            ApiError::Status(mut s) => {
                s.call = Some(call);
                ApiError::Status(s)
            }
            other => other,
        }
    }

    /// Whether a GET failing this way is worth retrying.
    pub fn is_retryable(&self) -> bool {
        match self {
            ApiError::Status(s) => matches!(s.status, 429 | 500 | 502 | 503 | 504),
            ApiError::Connect { .. } | ApiError::Closed { .. } => true,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/errors");

    fn fixture(name: &str) -> ErrorBody {
        parse_error_body(&std::fs::read_to_string(format!("{FIXTURES}/{name}")).unwrap())
    }

    #[test]
    fn all_three_shapes() {
        let gw = fixture("apigw_0101_api_not_exist.json");
        assert_eq!(gw.code.as_deref(), Some("APIGW.0101"));
        assert_eq!(
            gw.request_id.as_deref(),
            Some("06110fb86d21efd4f9139b30d7cded73")
        );
        let vbs = fixture("vbs_error_object.json");
        assert_eq!(
            (vbs.code.as_deref(), vbs.message.as_deref()),
            (Some("XXX"), Some("XXXX"))
        );
        let native = fixture("vbs_native_badrequest.json");
        assert_eq!(native.code.as_deref(), Some("XXXX"));
        let nf = fixture("vbs_native_itemnotfound.json");
        assert_eq!(nf.code.as_deref(), Some("404"));
        assert!(nf.message.unwrap().contains("could not be found"));
        let iam = fixture("iam_0001_unauthorized.json");
        assert_eq!(iam.code.as_deref(), Some("IAM.0001"));
        let ks = fixture("iam_keystone_style_404.json");
        assert_eq!(ks.code.as_deref(), Some("404"));
        let gw301 = fixture("apigw_0301_get_secretkey_failed.json");
        assert_eq!(gw301.code.as_deref(), Some("APIGW.0301"));
    }

    #[test]
    fn non_json_is_kept_short_and_on_one_line() {
        let html = format!(
            "<html>\n<body>502 Bad Gateway</body>{}</html>",
            "x".repeat(1000)
        );
        let b = parse_error_body(&html);
        let raw = b.raw.unwrap();
        assert!(raw.starts_with("HTML page: 502 Bad Gateway xxx"), "{raw}");
        assert!(raw.chars().count() <= RAW_EXCERPT_CHARS + 13 && raw.ends_with('…'));
        assert_eq!(parse_error_body("").raw, None);
        assert!(parse_error_body("[1,2]").raw.is_some());
        let text = "upstream connect error or disconnect/reset before headers";
        assert_eq!(parse_error_body(text).raw.as_deref(), Some(text));
    }

    #[test]
    fn html_pages_are_named_by_their_title() {
        let nginx = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n\
            <center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
        assert_eq!(
            parse_error_body(nginx).raw.as_deref(),
            Some("HTML page \"502 Bad Gateway\"")
        );
        let doctype = "<!DOCTYPE html><HTML><TITLE>\n  Service\n Unavailable </TITLE></HTML>";
        assert_eq!(
            parse_error_body(doctype).raw.as_deref(),
            Some("HTML page \"Service Unavailable\"")
        );
        let untitled = "<html><title></title><p>down for <b>maintenance</b></p></html>";
        assert_eq!(
            parse_error_body(untitled).raw.as_deref(),
            Some("HTML page: down for maintenance")
        );
        let e = StatusError {
            status: 502,
            body: Box::new(parse_error_body(nginx)),
            retry_after: None,
            call: None,
            advice: None,
        };
        assert_eq!(
            e.to_string(),
            "HTTP 502 Bad Gateway: HTML page \"502 Bad Gateway\"; the gateway got a bad answer from VBS: retry later"
        );
        assert_eq!(
            e.summary(),
            "HTTP 502 Bad Gateway: HTML page \"502 Bad Gateway\""
        );
    }

    #[test]
    fn tls_failures_say_what_to_try() {
        let tls = |detail: &str| {
            ApiError::Tls {
                host: "h:1".into(),
                detail: detail.into(),
            }
            .to_string()
        };
        assert!(tls("invalid peer certificate: UnknownIssuer").contains("--ca-cert"));
        assert!(tls("invalid peer certificate: certificate expired: …").contains("clock"));
        assert!(tls("certificate not valid for name \"x\"").contains("--endpoint"));
        assert!(tls("received corrupt message of type InvalidContentType").contains("http://"));
        assert!(tls("anything else").contains("--ca-cert"));
    }

    #[test]
    fn body_errors_state_their_reason_once() {
        let e = ApiError::Body {
            host: "h:1".into(),
            status: 200,
            reason: BodyError::Empty,
        };
        assert!(std::error::Error::source(&e).is_none());
        assert_eq!(
            e.to_string(),
            "HTTP 200 from h:1 with an unreadable body: the response body is empty; \
             check that --endpoint is a VBS endpoint, or retry later"
        );
    }

    #[test]
    fn messages_name_code_request_and_hint() {
        let e = StatusError {
            status: 404,
            body: Box::new(fixture("apigw_0101_api_not_exist.json")),
            retry_after: None,
            call: None,
            advice: None,
        };
        let text = e.to_string();
        assert!(
            text.starts_with("HTTP 404 Not Found: APIGW.0101: The API does not exist"),
            "{text}"
        );
        assert!(text.contains("request ID 06110fb86d21efd4f9139b30d7cded73"));
        assert!(text.contains("--region"));
        for status in [
            400, 401, 403, 404, 405, 406, 407, 408, 409, 500, 501, 502, 503, 504,
        ] {
            let e = StatusError {
                status,
                body: Box::default(),
                retry_after: None,
                call: None,
                advice: None,
            };
            assert_ne!(e.hint(), "see the server's message", "{status} has no hint");
            assert!(!e.to_string().contains('\n'));
        }
        let e401 = StatusError {
            status: 401,
            body: Box::new(fixture("apigw_0301_get_secretkey_failed.json")),
            retry_after: None,
            call: None,
            advice: None,
        };
        assert!(e401.to_string().contains("clock"));
    }

    #[test]
    fn retryable_statuses() {
        let mk = |status| {
            ApiError::Status(StatusError {
                status,
                body: Box::default(),
                retry_after: None,
                call: None,
                advice: None,
            })
        };
        for s in [429, 500, 502, 503, 504] {
            assert!(mk(s).is_retryable(), "{s}");
        }
        for s in [400, 401, 403, 404, 409, 501] {
            assert!(!mk(s).is_retryable(), "{s}");
        }
        let closed = ApiError::Closed {
            host: "h:1".into(),
            detail: "connection closed before message completed".into(),
        };
        assert!(closed.is_retryable());
        let timeout = ApiError::Timeout {
            host: "h:1".into(),
            after: Duration::from_secs(1),
        };
        assert!(
            !timeout.is_retryable(),
            "a timeout already took the user's whole budget"
        );
    }
}
