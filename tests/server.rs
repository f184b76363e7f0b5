//! Black-box tests of the embedded VBS server over loopback: filters, sort and paging
//! against an independent reading of the seed, error shapes, both auth schemes, the
//! share/cancel round trip, and every fault as a raw HTTP client sees it.

// Helpers outside `#[test]` functions are test code too.
#![allow(clippy::unwrap_used)]

#[path = "common/server_util.rs"]
mod server_util;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use server_util::{
    Answer, Harness, Signing, base, expected, ids, password_body, query, send, start, start_with,
};
use vbshare::api::model::{Sharing, parse_list, parse_one};
use vbshare::api::time::{Timestamp, now_unix};
use vbshare::server::seed::PARTNER_PROJECTS;
use vbshare::server::{DEMO_PROJECT_ID as DEMO, Fault, ServerConfig};

const N: usize = 1500;

fn data() -> Vec<Sharing> {
    server_util::data_set(N)
}

fn detail() -> String {
    format!("{}/detail", base(DEMO))
}

/// A volume, backup and name that several demo rows share, for filter cases.
fn pick(data: &[Sharing]) -> (String, String) {
    let out: Vec<&Sharing> = data
        .iter()
        .filter(|s| s.from_project_id.as_deref() == Some(DEMO))
        .collect();
    let volume = out
        .iter()
        .map(|s| s.backup.as_ref().unwrap().volume_id.clone().unwrap())
        .find(|v| {
            out.iter()
                .filter(|s| s.backup.as_ref().unwrap().volume_id.as_ref() == Some(v))
                .count()
                > 2
        })
        .unwrap();
    let backup = out
        .iter()
        .map(|s| s.backup_id.clone().unwrap())
        .find(|b| {
            out.iter()
                .filter(|s| s.backup_id.as_ref() == Some(b))
                .count()
                > 2
        })
        .unwrap();
    (volume, backup)
}

#[tokio::test]
async fn each_filter_alone_and_combined_matches_an_independent_reading() {
    let h = start(N).await;
    let data = data();
    let (volume, backup) = pick(&data);
    let p = PARTNER_PROJECTS[1];
    let cases: Vec<Vec<(&str, &str)>> = vec![
        vec![],
        vec![("share_to_me", "true")],
        vec![("share_to_me", "false")],
        vec![("volume_id", &volume)],
        vec![("name", "prod")],
        vec![("name", "PROD")],
        vec![("name", "数据库")],
        vec![("name", "🚀")],
        vec![("name", "\u{1b}[31m")],
        vec![("status", "available")],
        vec![("status", "creating")],
        vec![("status", "error")],
        vec![("status", "restoring")],
        vec![("status", "deleting")],
        vec![("status", "error_restoring")],
        vec![("backup_id", &backup)],
        vec![("to_project_id", p)],
        vec![("share_to_me", "true"), ("from_project_id", p)],
        vec![("from_project_id", p)],
        vec![("availability_zone", "eu-de-02")],
        vec![("avalilability_zone", "eu-de-02")],
        vec![
            ("avalilability_zone", "ap-southeast-1a"),
            ("availability_zone", "ap-southeast-1a"),
        ],
        vec![
            ("avalilability_zone", "eu-de-01"),
            ("availability_zone", "eu-de-02"),
        ],
        vec![
            ("share_to_me", "true"),
            ("status", "available"),
            ("availability_zone", "eu-de-01"),
        ],
        vec![
            ("name", "db"),
            ("status", "available"),
            ("to_project_id", p),
        ],
        vec![("status", "nonexistent")],
    ];
    let mut nonempty = 0;
    for params in &cases {
        let want = ids(&expected(&data, DEMO, params));
        if !want.is_empty() {
            nonempty += 1;
        }
        assert_eq!(h.list_all(params, 1000).await, want, "{params:?}");
        assert_eq!(h.count(params).await, want.len() as u64, "{params:?}");
    }
    assert!(nonempty >= cases.len() - 3, "cases should select rows");
    let all =
        expected(&data, DEMO, &[]).len() + expected(&data, DEMO, &[("share_to_me", "true")]).len();
    assert_eq!(all, N, "every seeded row involves the demo project");
}

#[tokio::test]
async fn pages_concatenate_to_the_sorted_list_for_every_key_and_direction() {
    let h = start(N).await;
    let data = data();
    for key in [
        "created_at",
        "updated_at",
        "name",
        "status",
        "size",
        "id",
        "container_format",
        "disk_format",
    ] {
        for dir in ["asc", "desc"] {
            let params = [("sort_key", key), ("sort_dir", dir)];
            let want = ids(&expected(&data, DEMO, &params));
            assert_eq!(h.list_all(&params, 97).await, want, "{key} {dir}");
        }
    }
    let params = [
        ("share_to_me", "true"),
        ("sort_key", "size"),
        ("sort_dir", "asc"),
    ];
    assert_eq!(
        h.list_all(&params, 250).await,
        ids(&expected(&data, DEMO, &params))
    );
}

#[tokio::test]
async fn rows_are_the_seed_verbatim_and_limits_apply() {
    let h = start(2600).await;
    let data = server_util::data_set(2600);
    let a = send(h.signed("GET", &detail(), "", b"")).await;
    let rows = parse_list(&a.body).unwrap();
    assert_eq!(rows.len(), 1000, "default limit is 1000");
    for row in &rows {
        let mut row = row.clone();
        let raw = std::mem::take(&mut row.raw);
        let id = row.id.clone().unwrap();
        assert_eq!(
            raw.contains("\"os-vendor:extra\""),
            id.ends_with('7'),
            "{raw}"
        );
        assert_eq!(&row, data.iter().find(|s| s.id == row.id).unwrap());
    }
    let one = send(h.signed(
        "GET",
        &format!("{}/{}", base(DEMO), rows[3].id.as_deref().unwrap()),
        "",
        b"",
    ))
    .await;
    let mut got = parse_one(&one.body).unwrap();
    got.raw = "".into();
    assert_eq!(got, data.iter().find(|s| s.id == got.id).unwrap().clone());
    for (q, len) in [
        ("limit=5000", 1000),
        ("limit=0", 0),
        ("offset=100000", 0),
        ("limit=3&offset=1", 3),
    ] {
        let a = send(h.signed("GET", &detail(), q, b"")).await;
        assert_eq!(a.json()["shared"].as_array().unwrap().len(), len, "{q}");
    }
}

async fn expect_error(rb: reqwest::RequestBuilder, status: u16, code: &str) -> Answer {
    let a = send(rb).await;
    assert_eq!((a.status, a.code().as_str()), (status, code), "{}", a.body);
    let v = a.json();
    if code.starts_with("VolumeBackup") {
        assert!(
            v["error"]["message"]
                .as_str()
                .is_some_and(|m| !m.is_empty()),
            "{v}"
        );
    } else {
        assert!(
            v["error_msg"].is_string()
                && v["request_id"] == a.headers["x-request-id"].to_str().unwrap()
        );
    }
    a
}

#[tokio::test]
async fn bad_values_answer_documented_errors() {
    let h = start(300).await;
    let data = server_util::data_set(300);
    let (d, c) = (detail(), format!("{}/count", base(DEMO)));
    for q in [
        "sort_key=bogus",
        "sort_dir=up",
        "limit=abc",
        "limit=-1",
        "offset=-5",
        "offset=1e3",
    ] {
        expect_error(h.signed("GET", &d, q, b""), 400, "VolumeBackup.0001").await;
    }
    let own = data
        .iter()
        .find(|s| s.from_project_id.as_deref() == Some(DEMO))
        .unwrap();
    let theirs = data
        .iter()
        .find(|s| s.to_project_id.as_deref() == Some(DEMO))
        .unwrap();
    let (own_b, taken) = (
        own.backup_id.as_deref().unwrap(),
        own.to_project_id.as_deref().unwrap(),
    );
    let their_b = theirs.backup_id.as_deref().unwrap();
    let (fresh, upper) = ("a".repeat(32), DEMO.to_uppercase());
    let share = |b: &str, to: &[&str]| {
        let body = serde_json::json!({"shared": {"backup_id": b, "to_project_ids": to}});
        h.signed("POST", &base(DEMO), "", body.to_string().as_bytes())
    };
    let raw_share = |body: &str| h.signed("POST", &base(DEMO), "", body.as_bytes());
    let missing = format!("{}/0000-missing", base(DEMO));
    let theirs_path = format!("{}/{}", base(DEMO), theirs.id.as_deref().unwrap());
    let bad_project = "/v2/NOT-A-PROJECT/os-vendor-backup-sharing/detail";
    let no_header = Signing {
        project_header: None,
        ..Signing::default()
    };
    let cases = [
        (
            h.signed("GET", &c, "share_to_me=maybe", b""),
            400,
            "VolumeBackup.0001",
        ),
        (raw_share("{not json"), 400, "VolumeBackup.0002"),
        (
            raw_share(r#"{"shared":{"backup_id":"x"}}"#),
            400,
            "VolumeBackup.0002",
        ),
        (
            share(own_b, &[fresh.as_str(); 11]),
            400,
            "VolumeBackup.0004",
        ),
        (share(own_b, &[]), 400, "VolumeBackup.0004"),
        (share(own_b, &["not-a-project"]), 400, "VolumeBackup.0003"),
        (share(own_b, &[upper.as_str()]), 400, "VolumeBackup.0003"),
        (share(own_b, &[DEMO]), 400, "VolumeBackup.0003"),
        (share(own_b, &[&fresh, &fresh]), 400, "VolumeBackup.0003"),
        (share(their_b, &[&fresh]), 404, "VolumeBackup.0009"),
        (share("no-such-backup", &[&fresh]), 404, "VolumeBackup.0009"),
        (share(own_b, &[&fresh, taken]), 409, "VolumeBackup.0010"),
        (h.signed("GET", &missing, "", b""), 404, "VolumeBackup.0008"),
        (
            h.signed("DELETE", &missing, "", b""),
            404,
            "VolumeBackup.0008",
        ),
        (
            h.signed("DELETE", &missing, "is_backup_id=true", b""),
            404,
            "VolumeBackup.0009",
        ),
        (
            h.signed("DELETE", &missing, "is_backup_id=perhaps", b""),
            400,
            "VolumeBackup.0001",
        ),
        (
            h.signed("DELETE", &theirs_path, "", b""),
            403,
            "VolumeBackup.0011",
        ),
        (
            h.signed_with("GET", bad_project, "", b"", &no_header),
            400,
            "VolumeBackup.0003",
        ),
    ];
    for (rb, status, code) in cases {
        expect_error(rb, status, code).await;
    }
    // Nothing was added by the refused shares.
    let before = data.iter().filter(|s| s.backup_id == own.backup_id).count() as u64;
    assert_eq!(h.count(&[("backup_id", own_b)]).await, before);
}

#[tokio::test]
async fn unknown_paths_and_methods_are_apigw_0101() {
    let h = start(50).await;
    for (m, p) in [
        ("GET", "/".to_owned()),
        ("GET", "/v2".to_owned()),
        (
            "GET",
            format!("/v2/{DEMO}/os-vendor-backup-sharings/detail"),
        ),
        ("GET", base(DEMO)),
        ("PUT", format!("{}/x", base(DEMO))),
        ("GET", format!("{}/a/b", base(DEMO))),
        ("GET", "/v3/auth/tokens".to_owned()),
        ("POST", format!("/v1/{DEMO}/os-vendor-backup-sharing")),
    ] {
        let a = expect_error(
            h.http.request(m.parse().unwrap(), h.url(&p, "")),
            404,
            "APIGW.0101",
        )
        .await;
        assert_eq!(
            a.json()["error_msg"],
            "The API does not exist or has not been published in the environment"
        );
    }
}

#[tokio::test]
async fn tokens_are_issued_checked_and_scoped() {
    let h = start(200).await;
    let a = send(
        h.http
            .post(h.url("/v3/auth/tokens", ""))
            .body(password_body("demo", "demo-password", DEMO)),
    )
    .await;
    assert_eq!(a.status, 201, "{}", a.body);
    let token = a.headers["x-subject-token"].to_str().unwrap().to_owned();
    let v = a.json();
    assert_eq!(v["token"]["project"]["id"], DEMO);
    let expires = Timestamp::parse(v["token"]["expires_at"].as_str().unwrap()).unwrap();
    assert!(v["token"]["expires_at"].as_str().unwrap().ends_with('Z'));
    assert!((expires.secs - now_unix() - 86_400).abs() < 60);
    assert_eq!(
        send(h.with_token("GET", &detail(), "limit=1", &token))
            .await
            .status,
        200
    );
    // An auth URL without /v3 is answered as IAM would: 404.
    let short = send(h.http.post(h.url("/auth/tokens", "")).body(password_body(
        "demo",
        "demo-password",
        DEMO,
    )))
    .await;
    assert_eq!(short.status, 404, "{}", short.body);
    // A partner token sees the partner's side.
    let partner = PARTNER_PROJECTS[0];
    let pt = send(
        h.http
            .post(h.url("/v3/auth/tokens", ""))
            .body(password_body("demo", "demo-password", partner)),
    )
    .await;
    let pt = pt.headers["x-subject-token"].to_str().unwrap().to_owned();
    let a = send(h.with_token(
        "GET",
        &format!("{}/count", base(partner)),
        "share_to_me=true",
        &pt,
    ))
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    let data = server_util::data_set(200);
    let want = data
        .iter()
        .filter(|s| s.to_project_id.as_deref() == Some(partner))
        .count();
    assert_eq!(a.json()["count"], want);
    for bad in [
        pt.as_str(),
        "MIIunknown-token",
        &h.server.mint_token(DEMO, -5),
    ] {
        expect_error(h.with_token("GET", &detail(), "", bad), 401, "APIGW.0301").await;
    }
    for (u, p) in [("demo", "wrong"), ("nobody", "demo-password")] {
        let a = send(
            h.http
                .post(h.url("/v3/auth/tokens", ""))
                .body(password_body(u, p, DEMO)),
        )
        .await;
        assert_eq!((a.status, a.code().as_str()), (401, "IAM.0001"));
        assert!(a.headers.get("x-subject-token").is_none());
    }
    let a = send(h.http.post(h.url("/v3/auth/tokens", "")).body("{")).await;
    assert_eq!(a.status, 400);
}

#[tokio::test]
async fn signatures_are_recomputed_from_the_request() {
    let h = start(200).await;
    let d = detail();
    let ok = |how: Signing| h.signed_with("GET", &d, "limit=2", b"", &how);
    assert_eq!(send(ok(Signing::default())).await.status, 200);
    let q = query(&[("name", "a b+c/数据库 🚀"), ("limit", "1")]);
    assert_eq!(
        send(h.signed("GET", &d, &q, b"")).await.status,
        200,
        "special characters sign"
    );
    let within = Signing {
        date_secs: now_unix() - 14 * 60,
        ..Signing::default()
    };
    assert_eq!(send(ok(within)).await.status, 200);
    let token_signed = Signing {
        security_token: Some(("temp-token".into(), true)),
        ..Signing::default()
    };
    assert_eq!(send(ok(token_signed)).await.status, 200);
    let with = |f: &dyn Fn(&mut Signing)| {
        let mut how = Signing::default();
        f(&mut how);
        how
    };
    let refused = [
        with(&|s| s.date_secs = now_unix() - 16 * 60),
        with(&|s| s.date_secs = now_unix() + 16 * 60),
        with(&|s| s.secret_key = "x".repeat(40)),
        with(&|s| s.access_key = "AAAAAAAAAAAAAAAAAAAA".into()),
        with(&|s| s.project_header = Some(PARTNER_PROJECTS[0].into())),
        with(&|s| s.security_token = Some(("temp-token".into(), false))),
        with(&|s| s.unsigned = vec!["x-sdk-date"]),
    ];
    for how in refused {
        expect_error(ok(how.clone()), 401, "APIGW.0301").await;
    }
    // The demo key may not touch another project, even when everything else is right.
    let partner = PARTNER_PROJECTS[2];
    let how = Signing {
        project_header: Some(partner.into()),
        ..Signing::default()
    };
    expect_error(
        h.signed_with("GET", &format!("{}/detail", base(partner)), "", b"", &how),
        401,
        "APIGW.0301",
    )
    .await;
    // Tampering: another query, another body, a flipped signature character, no auth at all.
    let mut req = h.signed("GET", &d, "limit=2", b"").build().unwrap();
    *req.url_mut() = h.url(&d, "limit=3").parse().unwrap();
    expect_refused(&h, req).await;
    let body = br#"{"shared":{"backup_id":"x","to_project_ids":[]}}"#;
    let mut req = h.signed("POST", &base(DEMO), "", body).build().unwrap();
    *req.body_mut() = Some(
        br#"{"shared":{"backup_id":"y","to_project_ids":[]}}"#
            .to_vec()
            .into(),
    );
    expect_refused(&h, req).await;
    let mut req = h.signed("GET", &d, "", b"").build().unwrap();
    let auth = req.headers()["authorization"].to_str().unwrap().to_owned();
    let last = if auth.ends_with('0') { '1' } else { '0' };
    let flipped = format!("{}{last}", &auth[..auth.len() - 1]);
    req.headers_mut()
        .insert("authorization", flipped.parse().unwrap());
    expect_refused(&h, req).await;
    expect_refused(&h, h.http.get(h.url(&d, "")).build().unwrap()).await;
    let mut req = h.signed("GET", &d, "", b"").build().unwrap();
    req.headers_mut()
        .insert("authorization", "Basic ZGVtbzpkZW1v".parse().unwrap());
    expect_refused(&h, req).await;
}

async fn expect_refused(h: &Harness, req: reqwest::Request) {
    let a = server_util::read(h.http.execute(req).await.unwrap()).await;
    assert_eq!(
        (a.status, a.code().as_str()),
        (401, "APIGW.0301"),
        "{}",
        a.body
    );
    let msg = a.json()["error_msg"].as_str().unwrap().to_owned();
    assert!(
        msg.starts_with("Incorrect IAM authentication information: "),
        "{msg}"
    );
    assert!(
        !msg.contains(vbshare::server::DEMO_SECRET_KEY) && !msg.contains("Signature="),
        "{msg}"
    );
}

#[tokio::test]
async fn share_get_cancel_round_trip() {
    let h = start(300).await;
    let data = server_util::data_set(300);
    let own = data
        .iter()
        .find(|s| s.from_project_id.as_deref() == Some(DEMO))
        .unwrap();
    let backup = own.backup_id.clone().unwrap();
    let before = h.count(&[("backup_id", &backup)]).await;
    let targets = ["ab".repeat(16), "cd".repeat(16)];
    let body =
        serde_json::json!({"shared": {"backup_id": backup, "to_project_ids": targets}}).to_string();
    let a = send(h.signed("POST", &base(DEMO), "", body.as_bytes())).await;
    assert_eq!(a.status, 200, "{}", a.body);
    let created = a.json()["shared"].as_array().unwrap().clone();
    assert_eq!(created.len(), 2);
    let keys: HashSet<&str> = created[0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let doc: serde_json::Value =
        serde_json::from_str(include_str!("fixtures/doc_create_response.json")).unwrap();
    let doc_keys: HashSet<&str> = doc["shared"][0]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(keys, doc_keys, "same shape as the documented answer");
    assert_eq!(h.count(&[("backup_id", &backup)]).await, before + 2);
    // Get each; the new sharing carries the backup it shares.
    let token = h.token(DEMO).await;
    for (row, target) in created.iter().zip(&targets) {
        let id = row["id"].as_str().unwrap();
        assert_eq!(row["to_project_id"], target.as_str());
        assert_eq!(row["from_project_id"], DEMO);
        let one = send(h.with_token("GET", &format!("{}/{id}", base(DEMO)), "", &token)).await;
        let got = parse_one(&one.body).unwrap();
        assert_eq!(got.backup.unwrap().id.as_deref(), Some(backup.as_str()));
    }
    // Sharing again is a conflict; cancel one by sharing ID, then the rest by backup ID.
    assert_eq!(
        send(h.signed("POST", &base(DEMO), "", body.as_bytes()))
            .await
            .status,
        409
    );
    let first = format!("{}/{}", base(DEMO), created[0]["id"].as_str().unwrap());
    let a = send(h.signed("DELETE", &first, "is_backup_id=false", b"")).await;
    assert_eq!((a.status, a.body.as_str()), (200, ""));
    assert_eq!(send(h.signed("GET", &first, "", b"")).await.status, 404);
    assert_eq!(h.count(&[("backup_id", &backup)]).await, before + 1);
    let by_backup = format!("{}/{backup}", base(DEMO));
    let a = send(h.with_token("DELETE", &by_backup, "is_backup_id=true", &token)).await;
    assert_eq!((a.status, a.body.as_str()), (200, ""));
    assert_eq!(h.count(&[("backup_id", &backup)]).await, 0);
    // The backup still belongs to the project, so it can be shared again.
    let again =
        serde_json::json!({"shared": {"backup_id": backup, "to_project_ids": [targets[0]]}})
            .to_string();
    assert_eq!(
        send(h.signed("POST", &base(DEMO), "", again.as_bytes()))
            .await
            .status,
        200
    );
}

fn faulted(h: &Harness, spelling: &str) -> reqwest::RequestBuilder {
    h.signed("GET", &detail(), "limit=1", b"")
        .header("x-vbshare-fault", spelling)
}

#[tokio::test]
async fn every_fault_is_visible_to_a_raw_client() {
    let h = start(100).await;
    let a = send(faulted(&h, "malformed-json")).await;
    assert_eq!(a.status, 200);
    assert!(serde_json::from_str::<serde_json::Value>(&a.body).is_err());
    let a = send(faulted(&h, "html-502")).await;
    assert_eq!(a.status, 502);
    assert!(
        a.headers["content-type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
            && a.body.contains("<html>")
    );
    let a = send(faulted(&h, "empty-200")).await;
    assert_eq!((a.status, a.body.as_str()), (200, ""));
    let a = send(faulted(&h, "status-503")).await;
    assert_eq!((a.status, a.code().as_str()), (503, "VolumeBackup.0900"));
    let a = send(faulted(&h, "status-404-no-body")).await;
    assert_eq!((a.status, a.body.as_str()), (404, ""));
    let a = send(faulted(&h, "too-many-requests-7")).await;
    assert_eq!((a.status, a.code().as_str()), (429, "APIGW.0308"));
    assert_eq!(a.headers["retry-after"], "7");
    let a = send(faulted(&h, "wrong-types")).await;
    let v = a.json();
    assert_eq!(
        (a.status, &v["shared"]["backup"]["size"]),
        (200, &serde_json::json!("10"))
    );
    assert!(v["shared"].is_object() && parse_list(&a.body).is_err());
    let a = send(faulted(&h, "huge-300000")).await;
    assert_eq!((a.status, a.body.len()), (200, 300_000));
    assert_eq!(a.json()["shared"], serde_json::json!([]));
    let a = send(faulted(&h, "no-such-fault")).await;
    assert_eq!((a.status, a.code().as_str()), (400, "VolumeBackup.0001"));
    // Hang: nothing comes back.
    let r = faulted(&h, "hang")
        .timeout(Duration::from_millis(300))
        .send()
        .await;
    assert!(r.unwrap_err().is_timeout());
    // Drip: the head at once, then one byte per second.
    let t = Instant::now();
    let mut resp = faulted(&h, "drip").send().await.unwrap();
    assert_eq!(resp.status(), 200);
    assert_eq!(resp.headers()["content-length"], "23");
    let first = resp.chunk().await.unwrap().unwrap();
    assert_eq!(&first[..], b"{");
    assert!(
        t.elapsed() < Duration::from_millis(900),
        "{:?}",
        t.elapsed()
    );
    assert!(
        tokio::time::timeout(Duration::from_millis(1300), resp.bytes())
            .await
            .is_err()
    );
    // Expired tokens: token requests refused with IAM.0066, AK/SK requests pass.
    let token = h.token(DEMO).await;
    let a = send(
        h.with_token("GET", &detail(), "", &token)
            .header("x-vbshare-fault", "expire-tokens"),
    )
    .await;
    assert_eq!((a.status, a.code().as_str()), (401, "IAM.0066"));
    assert_eq!(send(faulted(&h, "expire-tokens")).await.status, 200);
}

#[tokio::test]
async fn injected_faults_count_down_in_order() {
    let h = start(100).await;
    let ok = || h.signed("GET", &detail(), "limit=1", b"");
    h.server.inject(Fault::Status(500), 2);
    h.server.inject(
        Fault::TooManyRequests {
            retry_after_secs: 3,
        },
        1,
    );
    h.server.inject(Fault::ExpireTokens, 1);
    assert_eq!(send(ok()).await.status, 500);
    assert_eq!(send(ok()).await.status, 500);
    assert_eq!(send(ok()).await.headers["retry-after"], "3");
    let token = h.token(DEMO).await;
    assert_eq!(
        send(h.with_token("GET", &detail(), "", &token))
            .await
            .code(),
        "IAM.0066"
    );
    assert_eq!(
        send(h.with_token("GET", &detail(), "", &token))
            .await
            .status,
        200
    );
    // The admin endpoint queues the same way.
    let admin = h.url("/__vbshare/faults", "");
    let a = send(
        h.http
            .post(&admin)
            .body(r#"{"fault":"html-502","times":2}"#),
    )
    .await;
    assert_eq!(a.status, 200, "{}", a.body);
    assert_eq!(
        a.json()["pending"][0],
        serde_json::json!({"fault": "html-502", "times": 2})
    );
    assert_eq!(send(ok()).await.status, 502);
    assert_eq!(send(ok()).await.status, 502);
    assert_eq!(send(ok()).await.status, 200);
    send(h.http.post(&admin).body(r#"{"fault":"status-503"}"#)).await;
    send(h.http.post(&admin).body(r#"{"fault":"clear"}"#)).await;
    assert_eq!(send(ok()).await.status, 200);
    assert_eq!(
        send(h.http.post(&admin).body(r#"{"fault":"bogus"}"#))
            .await
            .status,
        400
    );
    assert_eq!(send(h.http.post(&admin).body("nope")).await.status, 400);
    assert_eq!(
        send(h.http.get(&admin)).await.json()["pending"],
        serde_json::json!([])
    );
    // Only VBS calls use up injected faults.
    h.server.inject(Fault::Html502, 1);
    assert_eq!(send(h.http.get(h.url("/elsewhere", ""))).await.status, 404);
    h.token(DEMO).await;
    assert_eq!(send(ok()).await.status, 502);
}

#[tokio::test]
async fn fail_rate_and_latency_apply_to_vbs_calls() {
    let failing = start_with(ServerConfig {
        fail_rate: 1.0,
        sharings: 20,
        ..server_util::config()
    })
    .await;
    for _ in 0..6 {
        let a = send(failing.signed("GET", &detail(), "", b"")).await;
        assert!(matches!(a.status, 500 | 503), "{}", a.status);
        assert_eq!(a.code(), "VolumeBackup.0900");
    }
    let slow = start_with(ServerConfig {
        latency_ms: 150,
        sharings: 20,
        ..server_util::config()
    })
    .await;
    let t = Instant::now();
    assert_eq!(
        send(slow.signed("GET", &detail(), "", b"")).await.status,
        200
    );
    let took = t.elapsed();
    assert!(
        took >= Duration::from_millis(150) && took < Duration::from_secs(2),
        "{took:?}"
    );
}

#[tokio::test]
async fn shutdown_ends_hanging_requests_and_frees_the_port() {
    let h = start(20).await;
    let endpoint = h.server.endpoint();
    let hanging = tokio::spawn(faulted(&h, "hang").send());
    tokio::time::sleep(Duration::from_millis(100)).await;
    let t = Instant::now();
    h.server.shutdown().await;
    assert!(t.elapsed() < Duration::from_secs(3), "{:?}", t.elapsed());
    let r = tokio::time::timeout(Duration::from_secs(3), hanging)
        .await
        .unwrap()
        .unwrap();
    assert!(r.is_err() || r.unwrap().status() == 503);
    assert!(
        h.http.get(format!("{endpoint}/")).send().await.is_err(),
        "no longer listening"
    );
}

/// IAM's `GET /v3/auth/projects` lists the three projects the demo logins reach, to a token
/// of any of them or the demo key's signature, and to nobody else; the key signs for
/// those three projects and no other.
#[tokio::test]
async fn iam_lists_the_projects_the_demo_credentials_reach() {
    let h = start(50).await;
    let names = |a: &Answer| {
        let mut n: Vec<String> = a.json()["projects"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap().to_owned())
            .collect();
        n.sort();
        n
    };
    let want = ["eu-de_analytics", "eu-de_demo", "eu-de_finance"];
    let signed = send(h.signed("GET", "/v3/auth/projects", "", b"")).await;
    assert_eq!(signed.status, 200, "{}", signed.body);
    assert_eq!(names(&signed), want);
    let token = h.token(PARTNER_PROJECTS[0]).await;
    let by_token = send(h.with_token("GET", "/v3/auth/projects", "", &token)).await;
    assert_eq!(names(&by_token), want);
    expect_error(
        h.with_token("GET", "/v3/auth/projects", "", "MIIbogus"),
        401,
        "APIGW.0301",
    )
    .await;
    expect_error(
        h.http.get(h.url("/v3/auth/projects", "")),
        401,
        "APIGW.0301",
    )
    .await;
    // The key reaches a listed partner's sharings, but not an unlisted partner's.
    for (project, status) in [(PARTNER_PROJECTS[0], 200), (PARTNER_PROJECTS[2], 401)] {
        let how = Signing {
            project_header: Some(project.into()),
            ..Signing::default()
        };
        let path = format!("{}/detail", base(project));
        let a = send(h.signed_with("GET", &path, "limit=1", b"", &how)).await;
        assert_eq!(a.status, status, "{project}: {}", a.body);
    }
}
