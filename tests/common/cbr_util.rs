//! Helpers for black-box tests of the embedded server's CBR calls: act as the demo project
//! (AK/SK) or as a partner (password token), and find rows of the demo world.

#![allow(dead_code, clippy::unwrap_used)]

use serde_json::Value;
use vbshare::server::{DEMO_PROJECT_ID, ServerConfig};

use super::server_util::{Answer, Harness, config, query, send, start_with};

/// 2026-01-01T00:00:00Z: the "now" of every test world.
pub const NOW: i64 = 1_767_225_600;

/// Who makes a call: the demo project by signature, or a project by token.
#[derive(Clone, Debug)]
pub enum Who {
    Demo,
    Token(&'static str, String),
}

impl Who {
    pub fn project(&self) -> &str {
        match self {
            Who::Demo => DEMO_PROJECT_ID,
            Who::Token(p, _) => p,
        }
    }
}

/// A server with the default CBR world at [`NOW`].
pub async fn start_cbr() -> Harness {
    start_with(cbr_config()).await
}

pub fn cbr_config() -> ServerConfig {
    ServerConfig {
        now: NOW,
        sharings: 10,
        ..config()
    }
}

/// A token for `project` as a [`Who`].
pub async fn login(h: &Harness, project: &'static str) -> Who {
    Who::Token(project, h.token(project).await)
}

/// `method /v3/{who's project}/{tail}?{params}` with an optional JSON body.
pub async fn call(
    h: &Harness,
    who: &Who,
    method: &str,
    tail: &str,
    params: &[(&str, &str)],
    body: Option<Value>,
) -> Answer {
    let path = format!("/v3/{}/{tail}", who.project());
    let q = query(params);
    let bytes = body.map(|b| b.to_string().into_bytes()).unwrap_or_default();
    let rb = match who {
        Who::Demo => h.signed(method, &path, &q, &bytes),
        Who::Token(_, token) => {
            let rb = h.with_token(method, &path, &q, token);
            if bytes.is_empty() {
                rb
            } else {
                rb.header("content-type", "application/json;charset=UTF-8")
                    .body(bytes)
            }
        }
    };
    send(rb).await
}

/// A GET that must answer 200; its JSON.
pub async fn get(h: &Harness, who: &Who, tail: &str, params: &[(&str, &str)]) -> Value {
    let a = call(h, who, "GET", tail, params, None).await;
    assert_eq!(a.status, 200, "GET {tail}: {}", a.body);
    a.json()
}

/// A call with a JSON body and no query.
pub async fn write(h: &Harness, who: &Who, method: &str, tail: &str, body: Value) -> Answer {
    call(h, who, method, tail, &[], Some(body)).await
}

/// `error_code` of a CBR error body.
pub fn code(a: &Answer) -> String {
    a.json()["error_code"].as_str().unwrap_or("").to_owned()
}

/// `(status, error_code)` of an answer.
pub fn refusal(a: &Answer) -> (u16, String) {
    (a.status, code(a))
}

/// `error_msg` of a CBR error body.
pub fn message(a: &Answer) -> String {
    a.json()["error_msg"].as_str().unwrap_or("").to_owned()
}

/// The `id` of a JSON row.
pub fn id_of(v: &Value) -> String {
    v["id"].as_str().unwrap().to_owned()
}

/// Every backup of a ListBackups query, walked in pages of `page` rows; also checks that
/// `count` is the same on every page.
pub async fn all_backups(
    h: &Harness,
    who: &Who,
    params: &[(&str, &str)],
    page: usize,
) -> Vec<Value> {
    let mut out: Vec<Value> = Vec::new();
    let mut count = None;
    loop {
        let (limit, offset) = (page.to_string(), out.len().to_string());
        let mut p = params.to_vec();
        p.extend([("limit", limit.as_str()), ("offset", offset.as_str())]);
        let v = get(h, who, "backups", &p).await;
        let n = v["count"].as_u64().unwrap();
        assert_eq!(*count.get_or_insert(n), n, "count changed between pages");
        let rows = v["backups"].as_array().unwrap();
        assert!(rows.len() <= page);
        if rows.is_empty() {
            assert_eq!(out.len() as u64, n, "count equals the walked length");
            return out;
        }
        out.extend(rows.iter().cloned());
    }
}

/// The IDs of `rows`.
pub fn ids(rows: &[Value]) -> Vec<String> {
    rows.iter()
        .map(|r| r["id"].as_str().unwrap().to_owned())
        .collect()
}

/// A private backup of `who` with no members yet that can be shared: available,
/// unencrypted, of `resource_type`.
pub async fn fresh_backup(h: &Harness, who: &Who, resource_type: &str) -> Value {
    let p = [
        ("status", "available"),
        ("resource_type", resource_type),
        ("limit", "60"),
    ];
    let v = get(h, who, "backups", &p).await;
    for b in v["backups"].as_array().unwrap() {
        if b["extend_info"]["encrypted"] == false {
            let id = b["id"].as_str().unwrap();
            let m = get(h, who, &format!("backups/{id}/members"), &[]).await;
            if m["count"] == 0 {
                return b.clone();
            }
        }
    }
    panic!("no fresh {resource_type} backup");
}

/// The newest backup shared with `who` in `status`, of `resource_type` (`null` if none).
pub async fn shared_with(h: &Harness, who: &Who, status: &str, resource_type: &str) -> Value {
    let p = [
        ("own_type", "shared"),
        ("member_status", status),
        ("resource_type", resource_type),
    ];
    let v = get(h, who, "backups", &p).await;
    v["backups"][0].clone()
}

/// `billing.used` (MB) of `who`'s vault `id`.
pub async fn used_mb(h: &Harness, who: &Who, id: &str) -> u64 {
    let v = get(h, who, &format!("vaults/{id}"), &[]).await;
    v["vault"]["billing"]["used"].as_u64().unwrap()
}
