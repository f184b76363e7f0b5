//! The CBR model against every documented example body.

use super::*;

mod fit;
mod lenient;
mod properties;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/cbr");

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{FIXTURES}/{name}")).unwrap()
}

fn ts(text: &str) -> Timestamp {
    Timestamp::parse(text).unwrap()
}

/// The pending member both AddMember examples and both list examples show.
fn assert_pending_member(m: &Member) {
    assert_eq!(
        m.id.as_deref(),
        Some("3c5a3015-c3a0-4dc6-a1e2-917b90f62319")
    );
    assert_eq!(m.status, Some(MemberStatus::Pending));
    assert_eq!(
        m.backup_id.as_deref(),
        Some("0b07081e-3ec7-4e77-8571-54e2947da422")
    );
    assert_eq!(
        m.dest_project_id.as_deref(),
        Some("075e6035d300d48c2fd0c00b78b71ebf")
    );
    assert_eq!((m.vault_id.as_deref(), m.image_id.as_deref()), (None, None));
    assert_eq!(m.updated_at, None);
    assert!(m.unparsed.is_empty(), "{:?}", m.unparsed);
}

#[test]
fn add_and_list_member_examples_parse() {
    for (name, count) in [
        ("add_members_response.otc.json", None),
        ("add_members_response.apiexplorer.json", None),
        // The docs' artifact: `count: 50` beside one member. It is read as sent.
        ("list_members_response.otc.json", Some(50)),
        ("list_members_response.apiexplorer.json", Some(50)),
    ] {
        let page = parse_members(&fixture(name)).unwrap();
        assert_eq!(page.count, count, "{name}");
        assert_eq!(page.items.len(), 1, "{name}");
        assert_pending_member(&page.items[0]);
    }
    // Naive microseconds (UTC) and milliseconds with an offset name the same instant,
    // to the precision each keeps.
    let otc = &parse_members(&fixture("add_members_response.otc.json"))
        .unwrap()
        .items[0];
    let hw = &parse_members(&fixture("add_members_response.apiexplorer.json"))
        .unwrap()
        .items[0];
    let (otc_t, hw_t) = (
        otc.created_at.clone().unwrap(),
        hw.created_at.clone().unwrap(),
    );
    assert_eq!(otc_t, ts("2020-02-05T10:38:34.210Z"));
    assert_eq!(hw_t, ts("2020-02-05T10:38:34.209782Z"));
    assert_eq!(otc_t.secs, hw_t.secs);
    assert_eq!(&*otc_t.raw, "2020-02-05T10:38:34.210+00:00");
    assert_eq!(&*hw_t.raw, "2020-02-05T10:38:34.209782");
}

#[test]
fn show_and_update_member_examples_parse() {
    for name in [
        "show_member_response.otc.json",
        "show_member_response.apiexplorer.json",
        "update_member_status_response.otc.json",
        "update_member_status_response.apiexplorer.json",
    ] {
        let m = parse_member(&fixture(name)).unwrap();
        assert_eq!(
            m.id.as_deref(),
            Some("824a90b3-c562-448b-ab04-60ea4a97cf60"),
            "{name}"
        );
        assert_eq!(m.status, Some(MemberStatus::Accepted), "{name}");
        assert_eq!(
            m.backup_id.as_deref(),
            Some("17c9acd8-3af3-4401-bab9-ff1cfac15561")
        );
        assert_eq!(
            m.vault_id.as_deref(),
            Some("4b27c05b-8ad7-48c6-a886-526666c035f0")
        );
        assert_eq!(
            m.dest_project_id.as_deref(),
            Some("0761021b8900d2622f38c0115db0b331")
        );
        assert_eq!(
            m.created_at.as_ref().unwrap().secs,
            ts("2020-02-24T09:36:00Z").secs
        );
        assert_eq!(m.to_json(), &*m.raw);
        assert!(
            fixture(name).contains(&*m.raw),
            "{name}: raw is the object as sent"
        );
    }
}

#[test]
fn request_examples_round_trip() {
    let add: AddMembersRequest =
        serde_json::from_str(&fixture("add_members_request.otc.json")).unwrap();
    assert_eq!(add.members, ["075e6035d300d48c2fd0c00b78b71ebf"]);
    let accept: UpdateMemberRequest =
        serde_json::from_str(&fixture("update_member_status_accept_request.otc.json")).unwrap();
    assert_eq!(
        accept,
        UpdateMemberRequest::accept("4b27c05b-8ad7-48c6-a886-526666c035f0")
    );
    assert_eq!(
        serde_json::to_string(&accept).unwrap(),
        r#"{"status":"accepted","vault_id":"4b27c05b-8ad7-48c6-a886-526666c035f0"}"#
    );
    assert_eq!(
        serde_json::to_string(&UpdateMemberRequest::reject()).unwrap(),
        r#"{"status":"rejected"}"#
    );
    // An old client's body is read in the current spelling.
    let old: UpdateMemberRequest = serde_json::from_str(r#"{"status":"reject"}"#).unwrap();
    assert_eq!(old, UpdateMemberRequest::reject());
}

#[test]
fn list_backup_examples_parse() {
    for name in [
        "list_backups_response.otc.json",
        "list_backups_response.apiexplorer.json",
    ] {
        let page = parse_backups(&fixture(name)).unwrap();
        assert_eq!(page.count, Some(2), "{name}");
        let [server, disk] = &page.items[..] else {
            panic!("{name}: two backups expected");
        };
        assert_eq!(
            server.id.as_deref(),
            Some("b1c4afd9-e7a6-4888-9010-c2bac3aa7910")
        );
        assert_eq!(server.name.as_deref(), Some("autobk_b629"));
        assert_eq!(server.status.as_deref(), Some("available"));
        assert_eq!(
            server.project_id.as_deref(),
            Some("0605767b5780d5762fc5c0118072a564")
        );
        assert_eq!(
            server.vault_id.as_deref(),
            Some("cca85ea5-00a4-418d-9222-bd83985bc515")
        );
        assert_eq!(server.resource_name.as_deref(), Some("test001-02"));
        assert_eq!(server.resource_az.as_deref(), Some("br-iaas-odin1a"));
        assert_eq!(server.resource_size, Some(40));
        assert_eq!(server.needed_mb(), Some(40 * 1024));
        assert_eq!(server.object_type(), Some(ObjectType::Server));
        assert_eq!(server.image_type.as_deref(), Some("backup"));
        assert_eq!(server.description.as_deref(), Some(""));
        assert_eq!(server.parent_id, None);
        assert!(server.children.is_empty());
        assert_eq!(
            server.encrypted(),
            None,
            "{name}: the server backup does not say"
        );
        let info = server.extend_info.as_ref().unwrap();
        assert_eq!(info.contain_system_disk, Some(true));
        assert_eq!(info.supported_restore_mode.as_deref(), Some("backup"));
        assert_eq!(
            server.created_at.as_ref().unwrap().secs,
            ts("2020-02-21T07:00:54Z").secs
        );
        assert_eq!(
            server.expired_at.as_ref().unwrap().secs,
            ts("2020-05-21T07:00:54Z").secs
        );
        assert_eq!(disk.object_type(), Some(ObjectType::Disk));
        assert_eq!(disk.resource_type.as_deref(), Some("OS::Cinder::Volume"));
        assert_eq!(
            disk.provider_id.as_deref(),
            Some("d1603440-187d-4516-af25-121250c7cc97")
        );
        assert_eq!(disk.encrypted(), Some(false));
        let info = disk.extend_info.as_ref().unwrap();
        assert_eq!(info.bootable, Some(true));
        assert_eq!(
            info.snapshot_id.as_deref(),
            Some("e3def9a8-e4b4-4c12-b132-f4ba8ce9a34f")
        );
        for b in &page.items {
            assert!(b.unparsed.is_empty(), "{name}: {:?}", b.unparsed);
            assert!(fixture(name).contains(&*b.raw));
        }
    }
    // The Explorer form alone carries `progress`, `architecture` and explicit nulls.
    let hw = parse_backups(&fixture("list_backups_response.apiexplorer.json")).unwrap();
    let info = hw.items[1].extend_info.as_ref().unwrap();
    assert_eq!(
        (info.progress, info.supported_restore_mode.as_deref()),
        (Some(100), None)
    );
    let info = hw.items[0].extend_info.as_ref().unwrap();
    assert_eq!(info.architecture.as_deref(), Some("x86_64"));
    assert_eq!((info.bootable, info.os_images_data.as_ref()), (None, None));
    assert!(info.raw.contains("\"architecture\": \"x86_64\""));
}

#[test]
fn show_backup_examples_parse_with_children() {
    for (name, epid) in [
        ("show_backup_response.otc.json", "0"),
        ("show_backup_response.apiexplorer.json", "0"),
    ] {
        let b = parse_backup(&fixture(name)).unwrap();
        assert_eq!(
            b.id.as_deref(),
            Some("6df2b54c-dd62-4059-a07c-1b8f24f2725d"),
            "{name}"
        );
        assert_eq!(b.name.as_deref(), Some("backup_name"));
        assert_eq!(b.description.as_deref(), Some("backup_description"));
        assert_eq!(
            b.project_id.as_deref(),
            Some("4229d7a45436489f8c3dc2b1d35d4987")
        );
        assert_eq!(b.resource_az.as_deref(), Some("az1.dc1"));
        // `0` (OTC) and `"0"` (Huawei) both read as "0".
        assert_eq!(b.enterprise_project_id.as_deref(), Some(epid), "{name}");
        assert_eq!(b.expired_at, None, "{name}: kept forever");
        assert_eq!(b.children.len(), 1);
        let child = &b.children[0];
        assert_eq!(
            child.id.as_deref(),
            Some("5d822633-2bbf-4af8-a16e-5ab1c7705235")
        );
        assert_eq!(child.parent_id, b.id);
        assert_eq!(child.resource_type.as_deref(), Some("OS::Cinder::Volume"));
        assert_eq!(child.resource_az, None);
        assert_eq!(child.extend_info.as_ref().unwrap().encrypted, Some(true));
        // One encrypted disk makes the server backup encrypted.
        assert_eq!(b.encrypted(), Some(true), "{name}");
        assert!(b.raw.contains(&*child.raw));
        assert!(b.unparsed.is_empty() && child.unparsed.is_empty());
    }
}

#[test]
fn shared_backups_listing_parses() {
    let page = parse_backups(&fixture("synthetic/list_backups_shared_response.json")).unwrap();
    assert_eq!(page.count, Some(1));
    let b = &page.items[0];
    // On a shared backup, `project_id` is the sharer.
    assert_eq!(
        b.project_id.as_deref(),
        Some("0605767b5780d5762fc5c0118072a564")
    );
    assert_eq!(b.replication_records.as_deref(), Some(&[][..]));
    assert_eq!(b.protected_at.as_ref().unwrap().nanos, 432_117_000);
    assert_eq!(b.resource_az.as_deref(), Some("eu-de-01"));
}

#[test]
fn vault_examples_parse() {
    for name in [
        "list_vaults_response.otc.json",
        "list_vaults_response.apiexplorer.json",
    ] {
        let page = parse_vaults(&fixture(name)).unwrap();
        assert_eq!(page.count, Some(50), "{name}");
        let v = &page.items[0];
        assert_eq!(
            v.id.as_deref(),
            Some("a335f9e1-1628-4c64-a7be-38656e5ec19c")
        );
        assert_eq!(v.name.as_deref(), Some("vault-8538"));
        assert_eq!(v.enterprise_project_id.as_deref(), Some("0"));
        assert_eq!(
            v.user_id.as_deref(),
            Some("aa2999fa5ae640f28926f8fd79188934")
        );
        assert_eq!((v.auto_bind, v.auto_expand), (Some(false), Some(false)));
        assert_eq!(v.bind_rules, Some(BindRules::default()));
        assert!(v.resources.is_empty() && v.tags.is_empty());
        let billing = v.billing.as_ref().unwrap();
        assert_eq!(
            (billing.size, billing.used, billing.allocated),
            (Some(100), Some(0), Some(0))
        );
        assert_eq!(billing.charging_mode.as_deref(), Some("post_paid"));
        assert_eq!(
            billing.consistent_level.as_deref(),
            Some("crash_consistent")
        );
        assert_eq!(
            billing.spec_code.as_deref(),
            Some("vault.backup.server.normal")
        );
        assert_eq!(billing.frozen_scene, None);
        assert_eq!(v.object_type(), Some(ObjectType::Server));
        assert_eq!(
            (v.status(), v.protect_type()),
            (Some("available"), Some("backup"))
        );
        assert_eq!(v.free_mb(), Some(100 * 1024));
        assert!(v.unparsed.is_empty(), "{name}: {:?}", v.unparsed);
    }
    for name in [
        "show_vault_response.otc.json",
        "show_vault_response.apiexplorer.json",
    ] {
        let v = parse_vault(&fixture(name)).unwrap();
        assert_eq!(v.name.as_deref(), Some("sdk-vault1595581958"), "{name}");
        assert_eq!(v.auto_bind, Some(true));
        assert_eq!(v.size_gb(), Some(40));
        // OTC leaves the tag's value out; Huawei sends it as null.
        assert_eq!(
            v.tags,
            [Tag {
                key: Some("fds".into()),
                value: None
            }]
        );
        assert_eq!(v.created_at.unwrap().secs, ts("2020-07-24T09:12:49Z").secs);
    }
}

#[test]
fn vault_with_resources_and_allocated_apart_from_used() {
    // The chnsz/golangsdk fixture quoted in the reference (§2.8).
    let body = r#"{ "vaults" : [ { "backup_name_prefix": "", "provider_id" : "0daac4c5-6707-4851-97ba-169e36266b66",
    "description" : "vault_description", "tags" : [ { "value" : "value01", "key" : "key01" } ],
    "enterprise_project_id" : "0", "auto_bind" : false, "id" : "ad7627ae-5b0b-492e-b6bd-cd809b745197",
    "user_id" : "38d65be2ecd840d19046e239e841a734", "name" : "vault_name",
    "billing" : { "status" : "available", "used" : 0, "protect_type" : "backup", "object_type" : "server",
      "allocated" : 40, "spec_code" : "vault.backup.server.normal", "size" : 100, "cloud_type" : "public",
      "consistent_level" : "crash_consistent", "charging_mode" : "post_paid" },
    "created_at" : "2019-05-23T12:51:10.071232", "project_id" : "fc347bc64ccd4589ae52e4f44b7433c7",
    "resources" : [ { "name" : "ecs-b977-0002", "backup_size" : 0, "protect_status" : "available", "backup_count" : 0,
      "extra_info" : { "include_volumes" : [ { "os_version" : "CentOS 7.6 64bit", "id" : "73ee8446-bce7-4371-9650-b440b5f4c1d0" } ] },
      "type" : "OS::Nova::Server", "id" : "23a320a5-3efd-4568-b1aa-8dd9183cc64c", "size" : 40 } ] } ],
  "count" : 1 }"#;
    let page = parse_vaults(body).unwrap();
    let v = &page.items[0];
    assert_eq!(v.billing.as_ref().unwrap().allocated, Some(40));
    assert_eq!(v.free_mb(), Some(100 * 1024), "allocated is not used space");
    let r = &v.resources[0];
    assert_eq!(r.resource_type.as_deref(), Some("OS::Nova::Server"));
    assert_eq!((r.size, r.backup_count), (Some(40), Some(0)));
    assert!(r.raw.contains("CentOS 7.6 64bit"));
    assert_eq!(v.tags[0].value.as_deref(), Some("value01"));
    let json: serde_json::Value = serde_json::from_str(&serde_json::to_string(v).unwrap()).unwrap();
    assert_eq!(json["resources"][0]["type"], "OS::Nova::Server");
    assert_eq!(json["billing"]["used"], 0);
}

#[test]
fn error_bodies_are_not_envelopes() {
    for name in [
        "error_400_BackupService.9900.otc.json",
        "error_401_malformed_request_url.reconstructed.json",
        "error_404_BackupService.6500.otc.json",
        "synthetic/error_400_BackupService.6703.json",
    ] {
        let e = parse_members(&fixture(name)).unwrap_err();
        assert!(
            matches!(e, BodyError::MissingField("members")),
            "{name}: {e}"
        );
        assert!(parse_vault(&fixture(name)).is_err());
    }
}
