//! Request dispatch: one handler reads the path and sends each call where it belongs.
//!
//! A VBS request goes through latency, fault injection, body, project ID, authentication
//! and then the call itself, in that order; every answer gets an `X-Request-Id`.

use std::sync::{Arc, PoisonError};
use std::time::Duration;

use axum::body::{Body, to_bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::request::Parts;
use axum::http::{HeaderValue, Method, StatusCode};
use axum::response::Response;
use serde::Deserialize;
use serde_json::json;

use super::drip::Peer;
use super::faults::{FAULT_SPELLINGS, Fault, Outcome};
use super::reply::{self, VbsError, api_not_found, auth_refused};
use super::{Shared, auth, cbr, faults, params, seed, store};
use crate::api::model::ShareRequest;
use crate::api::query::{parse_query, percent_decode};
use crate::api::time::{Timestamp, now_unix};

/// The largest request body read (1 MiB).
const MAX_BODY: usize = 1 << 20;
/// The request header that asks for a fault on this one request.
pub const FAULT_HEADER: &str = "x-vbshare-fault";

/// The five VBS calls.
enum Call {
    List,
    Count,
    Get(String),
    Share,
    Cancel(String),
}

fn route(method: &Method, rest: &[&str]) -> Option<Call> {
    Some(match (method, rest) {
        (&Method::GET, ["detail"]) => Call::List,
        (&Method::GET, ["count"]) => Call::Count,
        (&Method::GET, [id]) => Call::Get(percent_decode(id)),
        (&Method::POST, []) => Call::Share,
        (&Method::DELETE, [id]) => Call::Cancel(percent_decode(id)),
        _ => return None,
    })
}

/// The path's segments; one trailing `/` is ignored.
fn segments(path: &str) -> Vec<&str> {
    let mut segs: Vec<&str> = path.strip_prefix('/').unwrap_or(path).split('/').collect();
    if segs.len() > 1 && segs.last() == Some(&"") {
        segs.pop();
    }
    segs
}

/// The one handler behind every path.
pub(crate) async fn handle(
    State(shared): State<Arc<Shared>>,
    ConnectInfo(peer): ConnectInfo<Peer>,
    req: Request,
) -> Response {
    shared
        .received
        .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let request_id = reply::new_request_id();
    let (method, path) = (req.method().clone(), req.uri().path().to_owned());
    let mut resp = dispatch(&shared, &peer, req, &request_id).await;
    if let Ok(v) = HeaderValue::from_str(&request_id) {
        resp.headers_mut().insert("x-request-id", v);
    }
    tracing::debug!(%method, %path, status = resp.status().as_u16(), %request_id, "request");
    resp
}

async fn dispatch(shared: &Arc<Shared>, peer: &Peer, req: Request, request_id: &str) -> Response {
    let path = req.uri().path().to_owned();
    let segs = segments(&path);
    let (parts, body) = req.into_parts();
    match (&parts.method, segs.as_slice()) {
        (&Method::POST, ["v3" | "v3.0", "auth", "tokens"]) => {
            delay(shared).await;
            match read_body(body).await {
                Ok(bytes) => auth::issue_token(&shared.tokens, &bytes, request_id, now_unix()),
                Err(e) => e.response(),
            }
        }
        (&Method::GET, ["v3" | "v3.0", "auth", "projects"]) => {
            delay(shared).await;
            auth::list_projects(&parts, &shared.tokens, request_id, now_unix())
        }
        (_, ["__vbshare", "faults"]) if peer.addr.ip().is_loopback() => {
            admin_faults(shared, &parts.method, body).await
        }
        (_, ["v2", project, "os-vendor-backup-sharing", rest @ ..]) => {
            match route(&parts.method, rest) {
                Some(call) => vbs(shared, peer, &parts, body, project, call, request_id).await,
                None => api_not_found(request_id),
            }
        }
        (_, ["v3", project, rest @ ..]) => {
            cbr::handle(shared, peer, &parts, body, project, rest, request_id).await
        }
        _ => api_not_found(request_id),
    }
}

/// The configured latency plus up to 20 % jitter, as every call (IAM's too) waits it.
pub(super) async fn delay(shared: &Shared) {
    let latency = shared.config.latency_ms;
    if latency > 0 {
        let jitter = (latency as f64 * 0.2 * fastrand::f64()) as u64;
        tokio::time::sleep(Duration::from_millis(latency.saturating_add(jitter))).await;
    }
}

pub(super) async fn read_body(body: Body) -> Result<axum::body::Bytes, VbsError> {
    to_bytes(body, MAX_BODY).await.map_err(|_| {
        VbsError::bad_body(format!(
            "The request body is unreadable or over {MAX_BODY} bytes."
        ))
    })
}

/// Which fault, if any, this request gets: its header, else the queue, else `fail_rate`.
pub(super) fn pick_fault(shared: &Shared, parts: &Parts) -> Result<Option<Fault>, VbsError> {
    if let Some(v) = parts.headers.get(FAULT_HEADER) {
        let text = v.to_str().unwrap_or("");
        return text
            .parse()
            .map(Some)
            .map_err(|e: faults::ParseFaultError| {
                VbsError::bad_param(format!("Invalid X-Vbshare-Fault: {e}"))
            });
    }
    if let Some(f) = shared.faults.next() {
        return Ok(Some(f));
    }
    let rate = shared.config.fail_rate;
    if rate > 0.0 && fastrand::f64() < rate {
        return Ok(Some(Fault::Status(if fastrand::bool() {
            500
        } else {
            503
        })));
    }
    Ok(None)
}

async fn vbs(
    shared: &Arc<Shared>,
    peer: &Peer,
    parts: &Parts,
    body: Body,
    project: &str,
    call: Call,
    request_id: &str,
) -> Response {
    delay(shared).await;
    match pick_fault(shared, parts) {
        Err(e) => return e.response(),
        Ok(None) => {}
        Ok(Some(fault)) => {
            let token_auth = parts.headers.contains_key("x-auth-token");
            match faults::apply(&fault, token_auth, request_id) {
                Outcome::Reply(r) => return r,
                Outcome::Drip(r) => {
                    peer.start_drip();
                    return r;
                }
                Outcome::Hang => {
                    let mut stop = shared.stop.clone();
                    let _ = stop.wait_for(|s| *s).await;
                    return VbsError::unavailable(StatusCode::SERVICE_UNAVAILABLE).response();
                }
                Outcome::Pass => {}
            }
        }
    }
    let body = match read_body(body).await {
        Ok(b) => b,
        Err(e) => return e.response(),
    };
    if !store::is_project_id(project) {
        return VbsError::bad_project(format!(
            "Invalid project ID {:?} in the path: expected 32 lowercase hex characters.",
            percent_decode(project)
        ))
        .response();
    }
    let now = now_unix();
    if let Err(reason) = auth::verify(parts, &body, Some(project), &shared.tokens, now) {
        return auth_refused(&reason, request_id);
    }
    match answer(shared, parts, &body, project, call) {
        Ok(resp) => resp,
        Err(e) => e.response(),
    }
}

fn answer(
    shared: &Shared,
    parts: &Parts,
    body: &[u8],
    project: &str,
    call: Call,
) -> Result<Response, VbsError> {
    let pairs = parse_query(parts.uri.query().unwrap_or(""));
    let ok = |text: String| reply::json(StatusCode::OK, text);
    let read = || shared.store.read().unwrap_or_else(PoisonError::into_inner);
    let write = || shared.store.write().unwrap_or_else(PoisonError::into_inner);
    match call {
        Call::List => {
            let mut p = params::list_params(&pairs)?;
            p.limit = p
                .limit
                .min(shared.max_limit.load(std::sync::atomic::Ordering::Relaxed));
            Ok(ok(read().list_json(project, &p)?))
        }
        Call::Count => {
            let c = params::criteria(&pairs)?;
            Ok(ok(json!({ "count": read().count(project, &c) }).to_string()))
        }
        Call::Get(id) => Ok(ok(read().get_json(project, &id)?)),
        Call::Share => {
            let req: ShareRequest = serde_json::from_slice(body).map_err(|e| {
                VbsError::bad_body(format!(
                    "Invalid body ({e}); expected {{\"shared\": {{\"backup_id\": …, \"to_project_ids\": […]}}}}."
                ))
            })?;
            let now = Timestamp::from_unix(now_unix(), fastrand::u32(0..1_000_000) * 1000);
            let mut new_id = || {
                let mut rng = shared.ids.lock().unwrap_or_else(PoisonError::into_inner);
                seed::uuid_v4(&mut rng)
            };
            Ok(ok(write().share(
                project,
                &req.shared,
                &now,
                &mut new_id,
            )?))
        }
        Call::Cancel(id) => {
            let by_backup = params::is_backup_id(&pairs)?;
            write().cancel(project, &id, by_backup)?;
            Ok(reply::empty(StatusCode::OK))
        }
    }
}

#[derive(Deserialize)]
struct FaultOrder {
    fault: String,
    times: Option<u32>,
}

/// `GET|POST /__vbshare/faults` (loopback only): list or queue injected faults.
async fn admin_faults(shared: &Shared, method: &Method, body: Body) -> Response {
    let listing = || {
        let pending: Vec<_> = shared
            .faults
            .pending()
            .into_iter()
            .map(|(f, times)| json!({"fault": f.to_string(), "times": times}))
            .collect();
        reply::json(StatusCode::OK, json!({ "pending": pending }).to_string())
    };
    match *method {
        Method::GET => listing(),
        Method::POST => {
            let bytes = match read_body(body).await {
                Ok(b) => b,
                Err(e) => return e.response(),
            };
            let order: FaultOrder = match serde_json::from_slice(&bytes) {
                Ok(o) => o,
                Err(e) => {
                    return VbsError::bad_body(format!(
                        "Invalid body ({e}); expected {{\"fault\": \"html-502\", \"times\": 3}}."
                    ))
                    .response();
                }
            };
            if matches!(order.fault.as_str(), "clear" | "none") {
                shared.faults.clear();
                return listing();
            }
            match order.fault.parse::<Fault>() {
                Ok(f) => {
                    shared.faults.push(f, order.times.unwrap_or(1));
                    listing()
                }
                Err(e) => VbsError::bad_param(format!("{e}")).response(),
            }
        }
        _ => VbsError::bad_param(format!(
            "Use GET to list or POST {{\"fault\": …, \"times\": N}} to queue; faults: {FAULT_SPELLINGS}, clear."
        ))
        .response(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_and_routes() {
        assert_eq!(
            segments("/v2/p/os-vendor-backup-sharing/detail/"),
            ["v2", "p", "os-vendor-backup-sharing", "detail"]
        );
        assert_eq!(segments("/"), [""]);
        assert!(matches!(route(&Method::GET, &["detail"]), Some(Call::List)));
        assert!(matches!(route(&Method::GET, &["count"]), Some(Call::Count)));
        assert!(matches!(route(&Method::GET, &["a%20b"]), Some(Call::Get(id)) if id == "a b"));
        assert!(matches!(route(&Method::POST, &[]), Some(Call::Share)));
        assert!(matches!(
            route(&Method::DELETE, &["x"]),
            Some(Call::Cancel(_))
        ));
        assert!(route(&Method::PUT, &["x"]).is_none());
        assert!(route(&Method::GET, &[]).is_none());
        assert!(route(&Method::GET, &["a", "b"]).is_none());
    }
}
