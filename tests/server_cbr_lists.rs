//! Black-box tests of the embedded server's CBR reads over loopback: ListBackups by
//! own_type and member_status with filters, sort and paging, vaults, determinism from the
//! seed and "now", and the credentials, faults and latency CBR shares with VBS.

#![allow(clippy::unwrap_used)]

#[path = "common/cbr_util.rs"]
mod cbr_util;
#[path = "common/server_util.rs"]
mod server_util;

use std::collections::HashSet;

use cbr_util::{
    NOW, Who, all_backups, call, cbr_config, get, id_of, ids, login, refusal, start_cbr,
};
use serde_json::json;
use server_util::start_with;
use vbshare::server::cbr::{
    DEMO_DISK_VAULT, DEMO_FROZEN_VAULT, DEMO_REPLICA_VAULT, DEMO_SERVER_VAULT, DEMO_SMALL_VAULT,
    PARTNER_A, PARTNER_B, VaultKind, vault_id,
};
use vbshare::server::{DEMO_PROJECT_ID as DEMO, Fault, ServerConfig};

/// `count` of a ListBackups query (one row fetched).
async fn count(h: &server_util::Harness, who: &Who, params: &[(&str, &str)]) -> usize {
    let mut p = params.to_vec();
    p.push(("limit", "1"));
    get(h, who, "backups", &p).await["count"].as_u64().unwrap() as usize
}

fn bad(code: &str) -> (u16, String) {
    (400, code.to_owned())
}

#[tokio::test]
async fn list_backups_by_own_type_and_member_status_pages_without_overlap() {
    let h = start_cbr().await;
    let private = all_backups(&h, &Who::Demo, &[], 1000).await;
    assert_eq!(private.len(), 1200);
    assert!(private.iter().all(|b| b["project_id"] == DEMO));
    let paged = all_backups(&h, &Who::Demo, &[], 97).await;
    assert_eq!(ids(&paged), ids(&private), "pages of 97 join into one list");
    let unique: HashSet<_> = ids(&paged).into_iter().collect();
    assert_eq!(unique.len(), 1200, "pages never overlap");
    let times: Vec<&str> = private
        .iter()
        .map(|b| b["created_at"].as_str().unwrap())
        .collect();
    assert!(times.windows(2).all(|w| w[0] >= w[1]), "newest first");

    let shared = |s| [("own_type", "shared"), ("member_status", s)];
    let mut by_status = Vec::new();
    for s in ["pending", "accepted", "rejected"] {
        let rows = all_backups(&h, &Who::Demo, &shared(s), 7).await;
        assert!(!rows.is_empty(), "{s}");
        let owners = rows.iter().map(|b| b["project_id"].as_str().unwrap());
        assert!(owners.clone().all(|p| p == PARTNER_A || p == PARTNER_B));
        by_status.push(ids(&rows));
    }
    assert_eq!(by_status.iter().map(Vec::len).sum::<usize>(), 50);
    let old = all_backups(&h, &Who::Demo, &shared("accept"), 1000).await;
    assert_eq!(ids(&old), by_status[1], "accept = accepted");
    let default = count(&h, &Who::Demo, &[("own_type", "shared")]).await;
    assert_eq!(
        default,
        by_status[0].len() + by_status[1].len(),
        "no rejected ones"
    );
    let all = count(&h, &Who::Demo, &[("own_type", "all_granted")]).await;
    assert_eq!(all, 1200 + default);
    let p = [("own_type", "all"), ("member_status", "rejected")];
    assert_eq!(count(&h, &Who::Demo, &p).await, 1200 + by_status[2].len());
    let p = [("own_type", "private"), ("member_status", "rejected")];
    assert_eq!(count(&h, &Who::Demo, &p).await, 1200, "ignored for private");
    // A partner sees the demo project's shares with it.
    let a = login(&h, PARTNER_A).await;
    let to_a = all_backups(&h, &a, &shared("pending"), 1000).await;
    assert!(!to_a.is_empty() && to_a.iter().all(|b| b["project_id"] == DEMO));
}

#[tokio::test]
async fn list_backups_filters_and_sorts_as_documented() {
    let h = start_cbr().await;
    let all = all_backups(&h, &Who::Demo, &[], 1000).await;
    let pick = &all[17];
    for key in [
        "name",
        "vault_id",
        "resource_type",
        "resource_az",
        "resource_id",
    ] {
        let want = pick[key].as_str().unwrap();
        let rows = all_backups(&h, &Who::Demo, &[(key, want)], 1000).await;
        assert_eq!(
            rows.len(),
            all.iter().filter(|b| b[key] == want).count(),
            "{key}"
        );
        assert!(rows.iter().any(|b| b["id"] == pick["id"]), "{key}");
    }
    let two = count(
        &h,
        &Who::Demo,
        &[("status", "error"), ("status", "deleting")],
    )
    .await;
    let want = all
        .iter()
        .filter(|b| b["status"] == "error" || b["status"] == "deleting");
    assert!(two > 0 && two == want.count(), "status repeats as any-of");
    let asc = get(
        &h,
        &Who::Demo,
        "backups",
        &[("sort", "created_at:asc"), ("limit", "50")],
    )
    .await;
    let mut oldest = ids(&all);
    oldest.reverse();
    assert_eq!(ids(asc["backups"].as_array().unwrap()), oldest[..50]);
    let by_name = all_backups(&h, &Who::Demo, &[("sort", "name:asc")], 1000).await;
    let names: Vec<&str> = by_name
        .iter()
        .map(|b| b["name"].as_str().unwrap())
        .collect();
    assert!(names.windows(2).all(|w| w[0] <= w[1]));
    for (k, v) in [
        ("sort", "size"),
        ("own_type", "mine"),
        ("limit", "0"),
        ("member_status", "no"),
    ] {
        let r = call(&h, &Who::Demo, "GET", "backups", &[(k, v)], None).await;
        assert_eq!(refusal(&r), bad("BackupService.9900"), "{k}={v}");
    }
    let shown = get(&h, &Who::Demo, &format!("backups/{}", id_of(pick)), &[]).await;
    assert_eq!(&shown["backup"], pick, "ShowBackup answers the listed body");
    for k in [
        "checkpoint_id",
        "extend_info",
        "provider_id",
        "resource_size",
        "expired_at",
    ] {
        assert!(pick.get(k).is_some(), "{k}");
    }
}

#[tokio::test]
async fn members_list_sorts_and_pages() {
    let h = start_cbr().await;
    let all = all_backups(&h, &Who::Demo, &[], 1000).await;
    let golden = all
        .iter()
        .find(|b| b["name"].as_str().unwrap().starts_with("golden-"));
    let tail = format!("backups/{}/members", id_of(golden.unwrap()));
    let sorted = get(&h, &Who::Demo, &tail, &[("sort", "dest_project_id:asc")]).await;
    let dests: Vec<&str> = sorted["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["dest_project_id"].as_str().unwrap())
        .collect();
    assert_eq!(dests.len(), 10);
    assert!(dests.windows(2).all(|w| w[0] < w[1]));
    let p = [
        ("sort", "dest_project_id:asc"),
        ("limit", "3"),
        ("offset", "3"),
    ];
    let page = get(&h, &Who::Demo, &tail, &p).await;
    assert_eq!(page["count"], 10, "count is the unpaged total");
    assert_eq!(
        page["members"],
        json!(sorted["members"].as_array().unwrap()[3..6])
    );
    let pending = get(&h, &Who::Demo, &tail, &[("status", "pending")]).await;
    let n = pending["count"].as_u64().unwrap() as usize;
    assert!(
        n > 0
            && n < 10
            && pending["members"]
                .as_array()
                .unwrap()
                .iter()
                .all(|m| m["status"] == "pending")
    );
}

#[tokio::test]
async fn vaults_show_type_state_and_space() {
    let h = start_cbr().await;
    let v = get(&h, &Who::Demo, "vaults", &[]).await;
    assert_eq!(v["count"], 5);
    let vaults = v["vaults"].as_array().unwrap();
    let billing = |id: &str| vaults.iter().find(|x| x["id"] == id).unwrap()["billing"].clone();
    assert_eq!(billing(DEMO_FROZEN_VAULT)["status"], "frozen");
    assert_eq!(billing(DEMO_REPLICA_VAULT)["protect_type"], "replication");
    assert_eq!(billing(DEMO_DISK_VAULT)["object_type"], "disk");
    let small = billing(DEMO_SMALL_VAULT);
    let free = small["size"].as_u64().unwrap() * 1024 - small["used"].as_u64().unwrap();
    assert_eq!(free, 8 * 1024, "8 GB free");
    let server = billing(DEMO_SERVER_VAULT);
    assert!(server["allocated"].as_u64().unwrap() > 0);
    assert_eq!(server["spec_code"], "vault.backup.server.normal");
    let disks = get(&h, &Who::Demo, "vaults", &[("object_type", "disk")]).await;
    assert_eq!(disks["count"], 2);
    let one = get(&h, &Who::Demo, &format!("vaults/{DEMO_SMALL_VAULT}"), &[]).await;
    assert_eq!(one["vault"]["billing"], small);
    let theirs = vault_id(PARTNER_B, VaultKind::Server).unwrap();
    let r = call(
        &h,
        &Who::Demo,
        "GET",
        &format!("vaults/{theirs}"),
        &[],
        None,
    )
    .await;
    assert_eq!(refusal(&r), (404, "BackupService.6105".to_owned()));
    let b = login(&h, PARTNER_B).await;
    let own = get(&h, &b, &format!("vaults/{theirs}"), &[]).await;
    assert_eq!(own["vault"]["project_id"], PARTNER_B);
}

#[tokio::test]
async fn the_same_seed_and_now_give_the_same_bodies() {
    let (one, two) = (start_cbr().await, start_cbr().await);
    let later = start_with(ServerConfig {
        now: NOW + 86_400,
        ..cbr_config()
    })
    .await;
    for (tail, params) in [
        ("backups", vec![("limit", "300")]),
        (
            "backups",
            vec![("own_type", "shared"), ("member_status", "accepted")],
        ),
        ("vaults", vec![]),
    ] {
        let a = call(&one, &Who::Demo, "GET", tail, &params, None).await;
        let b = call(&two, &Who::Demo, "GET", tail, &params, None).await;
        assert_eq!(a.body, b.body, "{tail} {params:?}");
        let c = call(&later, &Who::Demo, "GET", tail, &params, None).await;
        assert_ne!(a.body, c.body, "a day later, the dates move");
    }
    let newest = get(&later, &Who::Demo, "backups", &[("limit", "1")]).await;
    let at = newest["backups"][0]["created_at"].as_str().unwrap();
    let at = vbshare::api::time::Timestamp::parse(at).unwrap();
    assert!(at.secs <= NOW + 86_400 && at.secs > NOW, "dates follow now");
}

#[tokio::test]
async fn credentials_faults_and_latency_apply_as_for_vbs() {
    let h = start_cbr().await;
    let path = format!("/v3/{DEMO}/vaults");
    let bare = server_util::send(h.http.get(h.url(&path, ""))).await;
    assert_eq!((bare.status, bare.code()), (401, "APIGW.0301".into()));
    let Who::Token(_, token) = login(&h, PARTNER_A).await else {
        unreachable!()
    };
    let wrong = server_util::send(h.with_token("GET", &path, "", &token)).await;
    assert_eq!(
        wrong.status, 401,
        "a partner token is not the demo project's"
    );
    let demo_token = login(&h, DEMO).await;
    assert_eq!(
        get(&h, &demo_token, "vaults", &[]).await["count"],
        5,
        "a demo token works"
    );
    let faulted = h
        .signed("GET", &path, "", b"")
        .header("x-vbshare-fault", "status-503");
    let r = server_util::send(faulted).await;
    assert_eq!(refusal(&r), (503, "BackupService.9910".into()));
    h.server.inject(Fault::Html502, 1);
    let once = [("limit", "1")];
    assert_eq!(
        call(&h, &Who::Demo, "GET", "backups", &once, None)
            .await
            .status,
        502
    );
    assert_eq!(
        call(&h, &Who::Demo, "GET", "backups", &once, None)
            .await
            .status,
        200
    );
    let nowhere = call(&h, &Who::Demo, "GET", "checkpoints", &[], None).await;
    assert_eq!((nowhere.status, nowhere.code()), (404, "APIGW.0101".into()));
    let slow = start_with(ServerConfig {
        latency_ms: 150,
        ..cbr_config()
    })
    .await;
    let t = std::time::Instant::now();
    assert_eq!(
        call(&slow, &Who::Demo, "GET", "vaults", &[], None)
            .await
            .status,
        200
    );
    assert!(t.elapsed() >= std::time::Duration::from_millis(150));
}
