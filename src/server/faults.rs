//! Faults the server can be told to answer with, and the queue of injected ones.

use std::collections::VecDeque;
use std::fmt;
use std::str::FromStr;
use std::sync::{Mutex, PoisonError};

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;

use super::reply::{VbsError, empty, gateway_error, json};

/// The biggest body [`Fault::Huge`] sends (256 MiB); larger requests are cut to this.
pub const MAX_HUGE_BYTES: usize = 256 << 20;
/// The body size of `huge` without a number (16 MiB).
pub const DEFAULT_HUGE_BYTES: usize = 16 << 20;

/// Every spelling [`Fault::from_str`] accepts (`NNN` a status from 200 to 599, `SECS` and
/// `BYTES` whole numbers; case is ignored).
pub const FAULT_SPELLINGS: &str = "malformed-json, html-502, hang, empty-200, status-NNN, \
     status-NNN-no-body, too-many-requests[-SECS], wrong-types, drip, huge[-BYTES], expire-tokens";

/// A misbehaviour the server can show instead of a normal answer.
#[derive(Clone, Debug, PartialEq)]
pub enum Fault {
    /// 200 with a JSON body cut off in the middle (`malformed-json`).
    MalformedJson,
    /// 502 with an HTML page, as a proxy sends it (`html-502`).
    Html502,
    /// No answer at all until the server stops (`hang`).
    Hang,
    /// 200 with an empty body (`empty-200`).
    EmptyBody200,
    /// That status (200 to 599) with a VBS error body (`status-503`).
    Status(u16),
    /// That status with no body (`status-503-no-body`).
    StatusNoBody(u16),
    /// 429 with `Retry-After` and a gateway throttling body (`too-many-requests-5`).
    TooManyRequests { retry_after_secs: u64 },
    /// 200 whose `size` is the string `"10"`, `shared` an object and `count` a string
    /// (`wrong-types`).
    WrongTypes,
    /// 200 whose headers come at once and whose body comes one byte per second (`drip`).
    Drip,
    /// 200 with a valid JSON body of exactly `bytes` bytes (`huge-1000000`).
    Huge { bytes: usize },
    /// 401 `IAM.0066` (token expired) for requests that carry `X-Auth-Token`; requests signed
    /// with AK/SK pass (`expire-tokens`).
    ExpireTokens,
}

/// A fault spelling that is not one of [`FAULT_SPELLINGS`].
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown fault {0:?}: expected one of {FAULT_SPELLINGS}")]
pub struct ParseFaultError(pub String);

fn status_code(s: &str) -> Option<u16> {
    let n: u16 = s.parse().ok()?;
    (s.len() == 3 && (200..=599).contains(&n)).then_some(n)
}

impl FromStr for Fault {
    type Err = ParseFaultError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let err = || ParseFaultError(s.to_owned());
        let t = s.trim().to_ascii_lowercase();
        Ok(match t.as_str() {
            "malformed-json" => Fault::MalformedJson,
            "html-502" => Fault::Html502,
            "hang" => Fault::Hang,
            "empty-200" => Fault::EmptyBody200,
            "wrong-types" => Fault::WrongTypes,
            "drip" => Fault::Drip,
            "expire-tokens" => Fault::ExpireTokens,
            "too-many-requests" => Fault::TooManyRequests {
                retry_after_secs: 1,
            },
            "huge" => Fault::Huge {
                bytes: DEFAULT_HUGE_BYTES,
            },
            _ => {
                if let Some(rest) = t.strip_prefix("status-") {
                    match rest.strip_suffix("-no-body") {
                        Some(code) => Fault::StatusNoBody(status_code(code).ok_or_else(err)?),
                        None => Fault::Status(status_code(rest).ok_or_else(err)?),
                    }
                } else if let Some(secs) = t.strip_prefix("too-many-requests-") {
                    Fault::TooManyRequests {
                        retry_after_secs: secs.parse().map_err(|_| err())?,
                    }
                } else if let Some(bytes) = t.strip_prefix("huge-") {
                    let bytes: usize = bytes.parse().map_err(|_| err())?;
                    Fault::Huge {
                        bytes: bytes.min(MAX_HUGE_BYTES),
                    }
                } else {
                    return Err(err());
                }
            }
        })
    }
}

impl fmt::Display for Fault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Fault::MalformedJson => f.write_str("malformed-json"),
            Fault::Html502 => f.write_str("html-502"),
            Fault::Hang => f.write_str("hang"),
            Fault::EmptyBody200 => f.write_str("empty-200"),
            Fault::Status(c) => write!(f, "status-{c}"),
            Fault::StatusNoBody(c) => write!(f, "status-{c}-no-body"),
            Fault::TooManyRequests { retry_after_secs } => {
                write!(f, "too-many-requests-{retry_after_secs}")
            }
            Fault::WrongTypes => f.write_str("wrong-types"),
            Fault::Drip => f.write_str("drip"),
            Fault::Huge { bytes } => write!(f, "huge-{bytes}"),
            Fault::ExpireTokens => f.write_str("expire-tokens"),
        }
    }
}

/// Faults injected for the next requests, first in first out.
#[derive(Debug, Default)]
pub(crate) struct FaultQueue {
    pending: Mutex<VecDeque<(Fault, u32)>>,
}

impl FaultQueue {
    pub(crate) fn push(&self, fault: Fault, times: u32) {
        if times > 0 {
            self.lock().push_back((fault, times));
        }
    }

    /// Takes one use of the oldest pending fault.
    pub(crate) fn next(&self) -> Option<Fault> {
        let mut q = self.lock();
        let (fault, left) = q.front_mut()?;
        let fault = fault.clone();
        *left -= 1;
        if *left == 0 {
            q.pop_front();
        }
        Some(fault)
    }

    pub(crate) fn clear(&self) {
        self.lock().clear();
    }

    pub(crate) fn pending(&self) -> Vec<(Fault, u32)> {
        self.lock().iter().cloned().collect()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, VecDeque<(Fault, u32)>> {
        self.pending.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// What the request handler does about a fault.
pub(crate) enum Outcome {
    /// Send this instead of the normal answer.
    Reply(Response),
    /// Send nothing until the server stops.
    Hang,
    /// Send this with the connection's writes slowed to one byte a second.
    Drip(Response),
    /// The fault does not apply to this request: answer normally.
    Pass,
}

/// The status of a `status-NNN` fault; codes outside 200..=599 become 500.
fn status(code: u16) -> StatusCode {
    match code {
        200..=599 => StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
        _ => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

/// The VBS error a plain status fault carries.
pub(crate) fn status_error(code: StatusCode) -> VbsError {
    let (code_text, message) = match code.as_u16() {
        400 => ("VolumeBackup.0001", "Invalid request (injected fault)."),
        401 => (
            "VolumeBackup.0041",
            "The token's roles are invalid (injected fault).",
        ),
        403 => (
            "VolumeBackup.0042",
            "The role is not allowed to do this (injected fault).",
        ),
        404 => (
            "VolumeBackup.0008",
            "The resource could not be found (injected fault).",
        ),
        409 => ("VolumeBackup.0010", "Conflict (injected fault)."),
        _ => return VbsError::unavailable(code),
    };
    VbsError {
        status: code,
        code: code_text,
        message: message.to_owned(),
    }
}

const HTML_502: &str = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n\
    <center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
const MALFORMED: &str =
    r#"{"shared":[{"id":"8332443e-9866-41d8-8a58-a898cf5db030","backup":{"name":"trunc"#;
const WRONG_TYPES: &str = r#"{"shared":{"id":"8332443e-9866-41d8-8a58-a898cf5db030","backup_id":"066b1e37-9305-4057-97e5-2e99b21fc71d","created_at":"2017-08-22T08:43:16.699374","updated_at":null,"backup":{"id":"066b1e37-9305-4057-97e5-2e99b21fc71d","name":"wrong types","status":"available","size":"10","object_count":"many","is_incremental":"no"}},"count":"10"}"#;
/// A body valid for list and count answers (empty), sent by `drip`.
pub(crate) const DRIP_BODY: &str = r#"{"shared":[],"count":0}"#;

fn huge_body(bytes: usize) -> Vec<u8> {
    let (head, tail) = (br#"{"shared":[],"count":0,"padding":""#, br#""}"#);
    if bytes < head.len() + tail.len() {
        return vec![b' '; bytes];
    }
    let mut body = Vec::with_capacity(bytes);
    body.extend_from_slice(head);
    body.resize(bytes - tail.len(), b'x');
    body.extend_from_slice(tail);
    body
}

/// How the server answers a request under `fault`.
pub(crate) fn apply(fault: &Fault, token_auth: bool, request_id: &str) -> Outcome {
    let reply = match fault {
        Fault::MalformedJson => json(StatusCode::OK, MALFORMED),
        Fault::Html502 => {
            let mut r = json(StatusCode::BAD_GATEWAY, HTML_502);
            r.headers_mut()
                .insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html"));
            r
        }
        Fault::Hang => return Outcome::Hang,
        Fault::EmptyBody200 => json(StatusCode::OK, ""),
        Fault::Status(code) => status_error(status(*code)).response(),
        Fault::StatusNoBody(code) => empty(status(*code)),
        Fault::TooManyRequests { retry_after_secs } => {
            let mut r = gateway_error(
                StatusCode::TOO_MANY_REQUESTS,
                "APIGW.0308",
                "The throttling threshold has been reached: policy user over ratelimit,limit:100,time:1 minute",
                request_id,
            );
            r.headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from(*retry_after_secs));
            r
        }
        Fault::WrongTypes => json(StatusCode::OK, WRONG_TYPES),
        Fault::Drip => {
            let mut r = json(StatusCode::OK, DRIP_BODY);
            r.headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
            return Outcome::Drip(r);
        }
        Fault::Huge { bytes } => json(StatusCode::OK, huge_body((*bytes).min(MAX_HUGE_BYTES))),
        Fault::ExpireTokens if token_auth => gateway_error(
            StatusCode::UNAUTHORIZED,
            "IAM.0066",
            "The token has expired.",
            request_id,
        ),
        Fault::ExpireTokens => return Outcome::Pass,
    };
    Outcome::Reply(reply)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_round_trip() {
        let all = [
            Fault::MalformedJson,
            Fault::Html502,
            Fault::Hang,
            Fault::EmptyBody200,
            Fault::Status(503),
            Fault::StatusNoBody(404),
            Fault::TooManyRequests {
                retry_after_secs: 7,
            },
            Fault::WrongTypes,
            Fault::Drip,
            Fault::Huge { bytes: 12345 },
            Fault::ExpireTokens,
        ];
        for f in all {
            assert_eq!(f.to_string().parse::<Fault>().unwrap(), f, "{f}");
        }
        assert_eq!(
            "too-many-requests".parse(),
            Ok(Fault::TooManyRequests {
                retry_after_secs: 1
            })
        );
        assert_eq!(
            "HUGE".parse(),
            Ok(Fault::Huge {
                bytes: DEFAULT_HUGE_BYTES
            })
        );
        assert_eq!(
            "huge-99999999999".parse(),
            Ok(Fault::Huge {
                bytes: MAX_HUGE_BYTES
            })
        );
        for bad in [
            "",
            "status-5",
            "status-abc",
            "status-1000",
            "status-099",
            "status-101",
            "status-600",
            "nope",
            "huge-x",
        ] {
            assert!(bad.parse::<Fault>().is_err(), "{bad}");
        }
    }

    #[test]
    fn queue_counts_down_in_order() {
        let q = FaultQueue::default();
        q.push(Fault::Hang, 0);
        q.push(Fault::Html502, 2);
        q.push(Fault::Drip, 1);
        assert_eq!(q.pending().len(), 2);
        assert_eq!(q.next(), Some(Fault::Html502));
        assert_eq!(q.next(), Some(Fault::Html502));
        assert_eq!(q.next(), Some(Fault::Drip));
        assert_eq!(q.next(), None);
        q.push(Fault::Drip, 5);
        q.clear();
        assert_eq!(q.next(), None);
    }

    #[test]
    fn huge_bodies_have_the_exact_size_and_parse() {
        for n in [0, 10, 38, 1000, 100_000] {
            let b = huge_body(n);
            assert_eq!(b.len(), n);
            if n >= 38 {
                let v: serde_json::Value = serde_json::from_slice(&b).unwrap();
                assert_eq!(v["count"], 0);
            }
        }
    }

    #[test]
    fn malformed_fails_the_model_and_wrong_types_only_its_envelope() {
        use crate::api::model::{parse_count, parse_list, parse_one};
        assert!(parse_list(MALFORMED).is_err());
        // `shared` is an object where a list answer needs a list …
        assert!(parse_list(WRONG_TYPES).is_err());
        // … but its fields of the wrong type never fail a record: "10" reads as 10, the
        // rest is unknown and kept as sent.
        let one = parse_one(WRONG_TYPES).unwrap();
        assert_eq!(one.backup.as_ref().and_then(|b| b.size), Some(10));
        assert_eq!(one.unparsed_fields(), 2);
        assert_eq!(parse_count(WRONG_TYPES).unwrap(), 10);
        assert_eq!(parse_list(DRIP_BODY).unwrap().len(), 0);
    }
}
