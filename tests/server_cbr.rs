//! Black-box tests of the embedded server's CBR share members over loopback, with real
//! AK/SK signatures (the demo project) and password tokens (the partners): every member
//! call, every sharing rule with its error code, and the deleted-backup quirk.

#![allow(clippy::unwrap_used)]

#[path = "common/cbr_util.rs"]
mod cbr_util;
#[path = "common/server_util.rs"]
mod server_util;

use std::collections::HashSet;

use cbr_util::{
    Who, all_backups, call, fresh_backup, get, id_of, ids, login, message, refusal, shared_with,
    start_cbr, used_mb, write,
};
use serde_json::{Value, json};
use vbshare::server::DEMO_PROJECT_ID as DEMO;
use vbshare::server::cbr::{
    DELETED_SHARED_BY_DEMO, DELETED_SHARED_WITH_DEMO, DEMO_DISK_VAULT, DEMO_FROZEN_VAULT,
    DEMO_REPLICA_VAULT, DEMO_SERVER_VAULT, DEMO_SMALL_VAULT, GONE_BODY, PARTNER_A, PARTNER_B,
    VaultKind, vault_id,
};
use vbshare::server::seed::PARTNER_PROJECTS;

const SERVER: &str = "OS::Nova::Server";
const DISK: &str = "OS::Cinder::Volume";

fn is_naive_micros(v: &Value) -> bool {
    let s = v.as_str().unwrap_or("");
    s.len() == 26 && s.as_bytes()[10] == b'T' && s.as_bytes()[19] == b'.'
}

fn err(code: &str) -> (u16, String) {
    let status = match code {
        "BackupService.6200" | "BackupService.6105" | "BackupService.6705" => 404,
        _ => 400,
    };
    (status, code.to_owned())
}

#[tokio::test]
async fn owner_adds_lists_shows_and_deletes_members() {
    let h = start_cbr().await;
    let id = id_of(&fresh_backup(&h, &Who::Demo, SERVER).await);
    let members = format!("backups/{id}/members");
    let (c, d) = (PARTNER_PROJECTS[2], PARTNER_PROJECTS[3]);
    let a = write(&h, &Who::Demo, "POST", &members, json!({"members": [c, d]})).await;
    assert_eq!(a.status, 200, "{}", a.body);
    let added = a.json()["members"].as_array().unwrap().clone();
    assert_eq!(added.len(), 2);
    let first = &added[0];
    assert_eq!(
        (
            &first["dest_project_id"],
            &first["status"],
            &first["backup_id"]
        ),
        (&json!(c), &json!("pending"), &json!(id))
    );
    assert!(first["vault_id"].is_null() && first["updated_at"].is_null());
    assert!(is_naive_micros(&first["created_at"]));

    let list = get(&h, &Who::Demo, &members, &[]).await;
    assert_eq!(list["count"], 2);
    let dests: HashSet<&str> = list["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["dest_project_id"].as_str().unwrap())
        .collect();
    assert_eq!(dests, HashSet::from([c, d]));
    let one = get(&h, &Who::Demo, &format!("{members}/{c}"), &[]).await;
    assert_eq!(one["member"]["id"], first["id"]);
    let only_d = get(&h, &Who::Demo, &members, &[("dest_project_id", d)]).await;
    assert_eq!(only_d["count"], 1);
    assert_eq!(only_d["members"][0]["dest_project_id"], d);

    let del = call(
        &h,
        &Who::Demo,
        "DELETE",
        &format!("{members}/{c}"),
        &[],
        None,
    )
    .await;
    assert_eq!((del.status, del.body.as_str()), (204, ""));
    let gone = call(&h, &Who::Demo, "GET", &format!("{members}/{c}"), &[], None).await;
    assert_eq!(refusal(&gone), err("BackupService.6705"));
    assert_eq!(get(&h, &Who::Demo, &members, &[]).await["count"], 1);
    // The remaining recipient sees the backup, with the owner as its project.
    let them = login(&h, d).await;
    let shown = get(&h, &them, &format!("backups/{id}"), &[]).await;
    assert_eq!(shown["backup"]["project_id"], DEMO);
}

#[tokio::test]
async fn only_the_owner_manages_and_only_the_recipient_decides() {
    let h = start_cbr().await;
    let a = login(&h, PARTNER_A).await;
    let b = shared_with(&h, &a, "pending", SERVER).await;
    assert_eq!(b["project_id"], DEMO);
    let members = format!("backups/{}/members", id_of(&b));
    let add = Some(json!({"members": [PARTNER_PROJECTS[4]]}));
    for (method, tail, body) in [
        ("POST", members.clone(), add),
        ("GET", members.clone(), None),
        ("DELETE", format!("{members}/{PARTNER_A}"), None),
        ("GET", format!("{members}/{DEMO}"), None),
    ] {
        let r = call(&h, &a, method, &tail, &[], body).await;
        assert_eq!(refusal(&r), err("BackupService.6707"), "{method} {tail}");
        assert!(message(&r).contains("only the project that owns"));
    }
    let own = get(&h, &a, &format!("{members}/{PARTNER_A}"), &[]).await;
    assert_eq!(
        own["member"]["status"], "pending",
        "a recipient sees its own"
    );
    // The owner cannot accept for the recipient, nor the recipient for another project.
    let accept = json!({"status": "accepted", "vault_id": DEMO_SERVER_VAULT});
    let r = write(
        &h,
        &Who::Demo,
        "PUT",
        &format!("{members}/{PARTNER_A}"),
        accept,
    )
    .await;
    assert_eq!(refusal(&r), err("BackupService.6708"));
    assert!(message(&r).contains("only project"));
    let reject = json!({"status": "rejected"});
    let r = write(&h, &a, "PUT", &format!("{members}/{DEMO}"), reject).await;
    assert_eq!(refusal(&r), err("BackupService.6708"));
    // A project the backup is not shared with learns nothing.
    let listed = get(&h, &Who::Demo, &members, &[]).await.to_string();
    let stranger = PARTNER_PROJECTS[2..]
        .iter()
        .find(|p| !listed.contains(*p))
        .unwrap();
    let s = login(&h, stranger).await;
    let r = call(&h, &s, "GET", &format!("backups/{}", id_of(&b)), &[], None).await;
    assert_eq!(refusal(&r), err("BackupService.6200"));
    let r = call(&h, &s, "GET", &members, &[], None).await;
    assert_eq!(refusal(&r), err("BackupService.6200"));
}

#[tokio::test]
async fn at_most_ten_members_never_twice_never_self() {
    let h = start_cbr().await;
    let all = all_backups(&h, &Who::Demo, &[], 1000).await;
    let golden = all
        .iter()
        .find(|b| b["name"].as_str().unwrap().starts_with("golden-"))
        .unwrap();
    let members = format!("backups/{}/members", id_of(golden));
    assert_eq!(get(&h, &Who::Demo, &members, &[]).await["count"], 10);
    let eleventh = json!({"members": ["0123456789abcdef0123456789abcdef"]});
    let r = write(&h, &Who::Demo, "POST", &members, eleventh).await;
    assert_eq!(refusal(&r), err("BackupService.6701"));
    assert_eq!(get(&h, &Who::Demo, &members, &[]).await["count"], 10);

    let members = format!(
        "backups/{}/members",
        id_of(&fresh_backup(&h, &Who::Demo, DISK).await)
    );
    let ten: Vec<String> = (0..10)
        .map(|i| format!("{i:02}{}", "ab".repeat(15)))
        .collect();
    let eleven: Vec<String> = (0..11)
        .map(|i| format!("{i:02}{}", "cd".repeat(15)))
        .collect();
    let post = |body: Value| write(&h, &Who::Demo, "POST", &members, body);
    let r = post(json!({ "members": eleven })).await;
    assert_eq!(refusal(&r), err("BackupService.9900"), "11 in one request");
    let r = post(json!({"members": ten[..9]})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let r = post(json!({"members": [ten[0]]})).await;
    assert_eq!(refusal(&r), err("BackupService.6703"), "already a member");
    assert!(message(&r).contains(&ten[0]));
    let r = post(json!({"members": [&ten[9], PARTNER_B]})).await;
    assert_eq!(refusal(&r), err("BackupService.6701"), "9 + 2 > 10");
    assert!(message(&r).contains("has 9 of at most 10"));
    assert_eq!(get(&h, &Who::Demo, &members, &[]).await["count"], 9);
    for (body, want) in [
        (json!({ "members": [DEMO] }), "BackupService.6704"),
        (json!({"members": ["NOT-A-PROJECT"]}), "BackupService.6704"),
        (
            json!({"members": [PARTNER_B, PARTNER_B]}),
            "BackupService.9900",
        ),
        (json!({"members": []}), "BackupService.9900"),
        (json!({"domains": ["x"]}), "BackupService.9900"),
    ] {
        let r = post(body.clone()).await;
        assert_eq!(refusal(&r), err(want), "{body}");
    }
    assert_eq!(get(&h, &Who::Demo, &members, &[]).await["count"], 9);
    let r = post(json!({"members": [&ten[9]]})).await;
    assert_eq!(r.status, 200, "the tenth fits");
}

#[tokio::test]
async fn only_available_unencrypted_backups_are_shared() {
    let h = start_cbr().await;
    let all = all_backups(&h, &Who::Demo, &[], 1000).await;
    let error = all.iter().find(|b| b["status"] == "error").unwrap();
    let encrypted = all
        .iter()
        .find(|b| b["status"] == "available" && b["extend_info"]["encrypted"] == true)
        .unwrap();
    for (b, want) in [
        (error, "BackupService.6702"),
        (encrypted, "BackupService.6709"),
    ] {
        let tail = format!("backups/{}/members", id_of(b));
        let r = write(
            &h,
            &Who::Demo,
            "POST",
            &tail,
            json!({"members": [PARTNER_A]}),
        )
        .await;
        assert_eq!(refusal(&r), err(want), "{}", r.body);
        assert_eq!(get(&h, &Who::Demo, &tail, &[]).await["count"], 0);
    }
}

#[tokio::test]
async fn accepting_needs_a_fitting_vault_and_uses_its_space() {
    let h = start_cbr().await;
    let b = shared_with(&h, &Who::Demo, "pending", SERVER).await;
    let (id, owner) = (id_of(&b), b["project_id"].as_str().unwrap());
    let size_mb = b["resource_size"].as_u64().unwrap() * 1024;
    assert!(size_mb > 8 * 1024, "bigger than the small vault's 8 GB");
    let me = format!("backups/{id}/members/{DEMO}");
    let other = vault_id(PARTNER_A, VaultKind::Server).unwrap();
    for (vault, want, says) in [
        (Some(DEMO_SMALL_VAULT), "BackupService.6114", "8192 MB free"),
        (Some(DEMO_FROZEN_VAULT), "BackupService.6712", "frozen"),
        (
            Some(DEMO_DISK_VAULT),
            "BackupService.6713",
            "holds disk backups",
        ),
        (
            Some(DEMO_REPLICA_VAULT),
            "BackupService.6713",
            "replication vault",
        ),
        (Some(other), "BackupService.6105", other),
        (None, "BackupService.9900", "vault_id is required"),
    ] {
        let body = json!({"status": "accepted", "vault_id": vault});
        let r = write(&h, &Who::Demo, "PUT", &me, body).await;
        assert_eq!(refusal(&r), err(want), "{vault:?}: {}", r.body);
        assert!(message(&r).contains(says), "{}", r.body);
    }
    let before = used_mb(&h, &Who::Demo, DEMO_SERVER_VAULT).await;
    let accept = json!({"status": "accepted", "vault_id": DEMO_SERVER_VAULT});
    let r = write(&h, &Who::Demo, "PUT", &me, accept.clone()).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let m = &r.json()["member"];
    assert_eq!(
        (&m["status"], &m["vault_id"]),
        (&json!("accepted"), &json!(DEMO_SERVER_VAULT))
    );
    assert!(is_naive_micros(&m["updated_at"]));
    let used = used_mb(&h, &Who::Demo, DEMO_SERVER_VAULT).await;
    assert_eq!(used, before + size_mb, "the vault's used space grew");
    let r = write(&h, &Who::Demo, "PUT", &me, accept).await;
    assert_eq!(r.status, 200, "accepting again changes nothing");
    assert_eq!(used_mb(&h, &Who::Demo, DEMO_SERVER_VAULT).await, used);
    // The recipient's views move it from pending to accepted, in its own vault.
    let shown = &get(&h, &Who::Demo, &format!("backups/{id}"), &[]).await["backup"];
    assert_eq!(
        (&shown["vault_id"], &shown["project_id"]),
        (&json!(DEMO_SERVER_VAULT), &json!(owner))
    );
    let shared = |s| [("own_type", "shared"), ("member_status", s)];
    let pending = all_backups(&h, &Who::Demo, &shared("pending"), 1000).await;
    assert!(!ids(&pending).contains(&id));
    let mut p = shared("accepted").to_vec();
    p.push(("vault_id", DEMO_SERVER_VAULT));
    assert!(ids(&all_backups(&h, &Who::Demo, &p, 1000).await).contains(&id));
    // The owner sees the decision.
    let owner = login(
        &h,
        [PARTNER_A, PARTNER_B]
            .into_iter()
            .find(|p| *p == owner)
            .unwrap(),
    )
    .await;
    let seen = &get(&h, &owner, &format!("backups/{id}/members/{DEMO}"), &[]).await["member"];
    assert_eq!(
        (&seen["status"], &seen["vault_id"]),
        (&json!("accepted"), &json!(DEMO_SERVER_VAULT))
    );
}

#[tokio::test]
async fn a_partner_accepts_a_disk_backup_then_rejects_it() {
    let h = start_cbr().await;
    let a = login(&h, PARTNER_A).await;
    let b = shared_with(&h, &a, "pending", DISK).await;
    let id = id_of(&b);
    let size_mb = b["resource_size"].as_u64().unwrap() * 1024;
    let me = format!("backups/{id}/members/{PARTNER_A}");
    let disk = vault_id(PARTNER_A, VaultKind::Disk).unwrap();
    let before = used_mb(&h, &a, disk).await;
    let r = write(
        &h,
        &a,
        "PUT",
        &me,
        json!({"status": "accepted", "vault_id": disk}),
    )
    .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(used_mb(&h, &a, disk).await, before + size_mb);
    let r = write(&h, &a, "PUT", &me, json!({"status": "rejected"})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["member"]["status"], "rejected");
    assert_eq!(
        used_mb(&h, &a, disk).await,
        before,
        "rejecting gives the space back"
    );
    let r = call(&h, &a, "GET", &format!("backups/{id}"), &[], None).await;
    assert_eq!(
        refusal(&r),
        err("BackupService.6200"),
        "a rejected share is gone"
    );
    let old = [("own_type", "shared"), ("member_status", "reject")];
    assert!(
        ids(&all_backups(&h, &a, &old, 1000).await).contains(&id),
        "old spelling"
    );
    for (status, want) in [
        ("accepted", "BackupService.6708"),
        ("pending", "BackupService.6708"),
        ("maybe", "BackupService.6706"),
    ] {
        let r = write(
            &h,
            &a,
            "PUT",
            &me,
            json!({"status": status, "vault_id": disk}),
        )
        .await;
        assert_eq!(refusal(&r), err(want), "{status}");
    }
}

#[tokio::test]
async fn a_registered_image_blocks_unsharing() {
    let h = start_cbr().await;
    let a = login(&h, PARTNER_A).await;
    let accepted = all_backups(
        &h,
        &a,
        &[("own_type", "shared"), ("member_status", "accepted")],
        1000,
    )
    .await;
    let mut blocked = None;
    for b in &accepted {
        let m = &get(
            &h,
            &a,
            &format!("backups/{}/members/{PARTNER_A}", id_of(b)),
            &[],
        )
        .await["member"];
        if !m["image_id"].is_null() {
            blocked = Some(id_of(b));
        }
    }
    let id = blocked.expect("one accepted share has an image registered");
    let tail = format!("backups/{id}/members/{PARTNER_A}");
    let r = call(&h, &Who::Demo, "DELETE", &tail, &[], None).await;
    assert_eq!(refusal(&r), err("BackupService.6710"));
    let r = write(&h, &a, "PUT", &tail, json!({"status": "rejected"})).await;
    assert_eq!(refusal(&r), err("BackupService.6710"));
}

#[tokio::test]
async fn a_deleted_backup_answers_the_401_quirk_and_the_credentials_still_work() {
    let h = start_cbr().await;
    let (with_me, by_me) = (DELETED_SHARED_WITH_DEMO, DELETED_SHARED_BY_DEMO);
    let cases = [
        ("GET", format!("backups/{with_me}"), None),
        (
            "PUT",
            format!("backups/{with_me}/members/{DEMO}"),
            Some(json!({"status": "rejected"})),
        ),
        ("GET", format!("backups/{by_me}/members"), None),
        (
            "POST",
            format!("backups/{by_me}/members"),
            Some(json!({"members": [PARTNER_B]})),
        ),
        (
            "DELETE",
            format!("backups/{by_me}/members/{PARTNER_A}"),
            None,
        ),
    ];
    for (method, tail, body) in cases {
        let r = call(&h, &Who::Demo, method, &tail, &[], body).await;
        assert_eq!(
            (r.status, r.body.as_str()),
            (401, GONE_BODY),
            "{method} {tail}"
        );
    }
    assert_eq!(
        get(&h, &Who::Demo, "vaults", &[]).await["count"],
        5,
        "still signed in"
    );
    let shared = all_backups(&h, &Who::Demo, &[("own_type", "shared")], 1000).await;
    assert!(!ids(&shared).contains(&with_me.to_owned()), "not listed");
    let unknown = "backups/00000000-0000-4000-8000-000000000000";
    let r = call(&h, &Who::Demo, "GET", unknown, &[], None).await;
    assert_eq!(refusal(&r), err("BackupService.6200"), "never existed: 404");
}
