//! The nine CBR calls: routing, then latency, faults, body, project ID and authentication
//! exactly as for VBS, then the call itself.

use std::sync::Arc;
use std::sync::atomic::Ordering;

use axum::body::Body;
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::response::Response;
use serde_json::{Value, json};

use super::error::CbrError;
use super::{body, list, params, rules};
use crate::api::ids::is_project_id;
use crate::api::query::{parse_query, percent_decode};
use crate::api::time::now_unix;
use crate::server::drip::Peer;
use crate::server::faults::{self, Fault, Outcome};
use crate::server::reply::{self, VbsError, api_not_found, auth_refused};
use crate::server::routes::{delay, pick_fault, read_body};
use crate::server::{Shared, auth};

/// The nine calls, with their (decoded) path IDs.
#[derive(Debug, PartialEq, Eq)]
enum Call {
    ListBackups,
    ShowBackup(String),
    AddMembers(String),
    ListMembers(String),
    ShowMember(String, String),
    UpdateMember(String, String),
    DeleteMember(String, String),
    ListVaults,
    ShowVault(String),
}

fn route(method: &Method, rest: &[&str]) -> Option<Call> {
    let d = |s: &str| percent_decode(s);
    Some(match (method, rest) {
        (&Method::GET, ["backups"]) => Call::ListBackups,
        (&Method::GET, ["backups", b]) => Call::ShowBackup(d(b)),
        (&Method::POST, ["backups", b, "members"]) => Call::AddMembers(d(b)),
        (&Method::GET, ["backups", b, "members"]) => Call::ListMembers(d(b)),
        (&Method::GET, ["backups", b, "members", m]) => Call::ShowMember(d(b), d(m)),
        (&Method::PUT, ["backups", b, "members", m]) => Call::UpdateMember(d(b), d(m)),
        (&Method::DELETE, ["backups", b, "members", m]) => Call::DeleteMember(d(b), d(m)),
        (&Method::GET, ["vaults"]) => Call::ListVaults,
        (&Method::GET, ["vaults", v]) => Call::ShowVault(d(v)),
        _ => return None,
    })
}

/// `/v3/{project}/{rest…}`: a CBR call, or 404 `APIGW.0101` for any other path or method
/// (without latency or faults).
pub(crate) async fn handle(
    shared: &Arc<Shared>,
    peer: &Peer,
    parts: &Parts,
    body: Body,
    project: &str,
    rest: &[&str],
    request_id: &str,
) -> Response {
    let Some(call) = route(&parts.method, rest) else {
        return api_not_found(request_id);
    };
    if let Some(r) = delay_and_fault(shared, peer, parts, request_id).await {
        return r;
    }
    let Ok(body) = read_body(body).await else {
        return CbrError::param("The request body is unreadable or over 1 MiB.").response();
    };
    if !is_project_id(project) {
        return CbrError::param(format!(
            "Invalid project ID {:?} in the path: expected 32 lowercase hex characters.",
            percent_decode(project)
        ))
        .response();
    }
    if let Err(reason) = auth::verify(parts, &body, Some(project), &shared.tokens, now_unix()) {
        return auth_refused(&reason, request_id);
    }
    answer(shared, parts, &body, project, call).unwrap_or_else(|e| e.response())
}

/// Latency (plus up to 20 % jitter), then this request's fault, as VBS calls get them;
/// `Some` is the answer to send instead of the call's.
async fn delay_and_fault(
    shared: &Shared,
    peer: &Peer,
    parts: &Parts,
    request_id: &str,
) -> Option<Response> {
    delay(shared).await;
    let fault = match pick_fault(shared, parts) {
        Err(e) => return Some(e.response()),
        Ok(f) => f?,
    };
    match apply(
        &fault,
        parts.headers.contains_key("x-auth-token"),
        request_id,
    ) {
        Outcome::Reply(r) => Some(r),
        Outcome::Drip(r) => {
            peer.start_drip();
            Some(r)
        }
        Outcome::Hang => {
            let mut stop = shared.stop.clone();
            let _ = stop.wait_for(|s| *s).await;
            Some(VbsError::unavailable(StatusCode::SERVICE_UNAVAILABLE).response())
        }
        Outcome::Pass => None,
    }
}

const MALFORMED: &str = r#"{"backups":[{"id":"b1c4afd9-e7a6-4888-9010-c2bac3aa7910","name":"trunc"#;
const WRONG_TYPES: &str = r#"{"backups":{"id":"b1c4afd9-e7a6-4888-9010-c2bac3aa7910","name":"wrong types","resource_size":"40","status":"available","created_at":"2020-02-21T07:00:54.065135","extend_info":"none"},"count":"10"}"#;
const DRIP_BODY: &str = r#"{"backups":[],"count":0}"#;

/// A fault as a CBR client meets it: the faults whose body is shaped by the API get CBR's
/// shapes; the rest answer as for VBS.
fn apply(fault: &Fault, token_auth: bool, request_id: &str) -> Outcome {
    match fault {
        Fault::MalformedJson => Outcome::Reply(reply::json(StatusCode::OK, MALFORMED)),
        Fault::WrongTypes => Outcome::Reply(reply::json(StatusCode::OK, WRONG_TYPES)),
        Fault::Drip => {
            let mut r = reply::json(StatusCode::OK, DRIP_BODY);
            r.headers_mut()
                .insert(header::CONNECTION, HeaderValue::from_static("close"));
            Outcome::Drip(r)
        }
        Fault::Status(code) => {
            let status = StatusCode::from_u16(*code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let (code, msg) = match code {
                400 => ("BackupService.9900", "Parameter verification failed"),
                401 | 403 => ("BackupService.8600", "Not authenticated"),
                404 => ("BackupService.6200", "The backup does not exist"),
                _ => ("BackupService.9910", "Unknown error"),
            };
            let body = json!({"error_code": code, "error_msg": format!("{msg} (injected fault).")});
            Outcome::Reply(reply::json(status, body.to_string()))
        }
        _ => faults::apply(fault, token_auth, request_id),
    }
}

fn ok(v: &Value) -> Response {
    reply::json(StatusCode::OK, v.to_string())
}

fn answer(
    shared: &Shared,
    parts: &Parts,
    body: &[u8],
    project: &str,
    call: Call,
) -> Result<Response, CbrError> {
    let cbr = &shared.cbr;
    let pairs = parse_query(parts.uri.query().unwrap_or(""));
    let max = shared.max_limit.load(Ordering::Relaxed);
    Ok(match call {
        Call::ListBackups => {
            let q = params::backups(&pairs, max)?;
            let l = list::backups(&cbr.read(), project, &q)?;
            ok(&json!({"backups": l.rows, "count": l.count}))
        }
        Call::ShowBackup(id) => {
            ok(&json!({"backup": rules::show_backup(&cbr.read(), project, &id)?}))
        }
        Call::ListMembers(id) => {
            let w = cbr.read();
            w.owned(project, &id)?;
            let l = list::members(&w, &id, &params::members(&pairs, max)?)?;
            ok(&json!({"members": l.rows, "count": l.count}))
        }
        Call::AddMembers(id) => {
            let now = cbr.clock();
            let mut new_id = || cbr.new_id();
            let rows = rules::add_members(&mut cbr.write(), project, &id, body, now, &mut new_id)?;
            ok(&json!({ "members": rows }))
        }
        Call::ShowMember(b, m) => {
            ok(&json!({"member": rules::show_member(&cbr.read(), project, &b, &m)?}))
        }
        Call::UpdateMember(b, m) => {
            let now = cbr.clock();
            let member = rules::update_member(&mut cbr.write(), project, &b, &m, body, now)?;
            ok(&json!({ "member": member }))
        }
        Call::DeleteMember(b, m) => {
            rules::delete_member(&mut cbr.write(), project, &b, &m)?;
            reply::empty(StatusCode::NO_CONTENT)
        }
        Call::ListVaults => {
            let l = list::vaults(&cbr.read(), project, &params::vaults(&pairs, max)?)?;
            ok(&json!({"vaults": l.rows, "count": l.count}))
        }
        Call::ShowVault(id) => {
            let w = cbr.read();
            ok(&json!({"vault": body::vault(w.vault(project, &id)?, &w)}))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        let get = &Method::GET;
        assert_eq!(route(get, &["backups"]), Some(Call::ListBackups));
        assert_eq!(
            route(&Method::PUT, &["backups", "b", "members", "p"]),
            Some(Call::UpdateMember("b".into(), "p".into()))
        );
        assert_eq!(
            route(get, &["vaults", "a%2Db"]),
            Some(Call::ShowVault("a-b".into()))
        );
        assert_eq!(route(&Method::POST, &["backups"]), None);
        assert_eq!(route(get, &["tokens"]), None);
        assert_eq!(route(&Method::DELETE, &["backups", "b", "members"]), None);
    }

    #[test]
    fn faults_take_cbr_shapes() {
        let Outcome::Reply(r) = apply(&Fault::Status(404), false, "r") else {
            panic!("reply expected")
        };
        assert_eq!(r.status(), StatusCode::NOT_FOUND);
        assert!(serde_json::from_str::<Value>(MALFORMED).is_err());
        let v: Value = serde_json::from_str(WRONG_TYPES).unwrap();
        assert!(v["backups"].is_object());
        assert!(matches!(apply(&Fault::Drip, false, "r"), Outcome::Drip(_)));
        assert!(matches!(
            apply(&Fault::ExpireTokens, false, "r"),
            Outcome::Pass
        ));
    }
}
