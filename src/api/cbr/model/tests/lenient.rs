//! Fields of the wrong type, old spellings, both number and timestamp styles.

use super::*;

fn member(object: &str) -> Member {
    let mut page = parse_members(&format!(r#"{{"members":[{object}]}}"#)).unwrap();
    page.items.remove(0)
}

fn backup(object: &str) -> Backup {
    parse_backup(&format!(r#"{{"backup":{object}}}"#)).unwrap()
}

fn vault(object: &str) -> Vault {
    parse_vault(&format!(r#"{{"vault":{object}}}"#)).unwrap()
}

fn paths(unparsed: &[Unparsed]) -> Vec<&str> {
    unparsed.iter().map(|u| u.field.as_str()).collect()
}

#[test]
fn old_and_new_status_spellings() {
    for (sent, read) in [
        ("pending", MemberStatus::Pending),
        ("accepted", MemberStatus::Accepted),
        ("accept", MemberStatus::Accepted),
        ("rejected", MemberStatus::Rejected),
        ("reject", MemberStatus::Rejected),
        ("ACCEPTED", MemberStatus::Accepted),
        (" reject ", MemberStatus::Rejected),
    ] {
        let m = member(&format!(r#"{{"status":"{sent}"}}"#));
        assert_eq!(m.status.as_ref(), Some(&read), "{sent}");
        assert!(m.unparsed.is_empty());
    }
    // Only the -ed forms are ever sent.
    assert_eq!(MemberStatus::parse("accept").as_query(), Some("accepted"));
    assert_eq!(MemberStatus::parse("reject").as_query(), Some("rejected"));
    assert_eq!(MemberStatus::Pending.as_query(), Some("pending"));
    let odd = member(r#"{"status":"expired"}"#);
    assert_eq!(odd.status, Some(MemberStatus::Unknown("expired".into())));
    assert_eq!(odd.status.as_ref().unwrap().as_query(), None);
    assert_eq!(odd.status.unwrap().to_string(), "expired");
    let number = member(r#"{"status":1}"#);
    assert_eq!(number.status, None);
    assert_eq!(number.unparsed("status").unwrap().raw.as_ref(), "1");
    assert_eq!(
        MemberStatus::KNOWN.map(|s| s.to_string()),
        ["pending", "accepted", "rejected"]
    );
}

#[test]
fn numbers_sent_as_strings_are_numbers() {
    let quoted = backup(r#"{"resource_size":"40","version":" 3 ","enterprise_project_id":"0"}"#);
    let plain = backup(r#"{"resource_size":40,"version":3,"enterprise_project_id":0}"#);
    for b in [&quoted, &plain] {
        assert_eq!((b.resource_size, b.version), (Some(40), Some(3)));
        assert_eq!(b.enterprise_project_id.as_deref(), Some("0"));
        assert!(b.unparsed.is_empty());
    }
    let v = vault(r#"{"billing":{"size":"100","used":"2048","allocated":"40"},"threshold":"80"}"#);
    assert_eq!(
        (v.size_gb(), v.used_mb(), v.threshold),
        (Some(100), Some(2048), Some(80))
    );
    assert_eq!(v.free_mb(), Some(100 * 1024 - 2048));
    let page = parse_members(r#"{"members":[],"count":"0"}"#).unwrap();
    assert_eq!((page.items.len(), page.count), (0, Some(0)));
}

#[test]
fn wrong_types_are_unknown_and_kept_as_sent() {
    let text = r#"{"id":"b","resource_size":"forty","status":false,"created_at":"",
        "children":[7,{"id":"c","resource_size":-1}],"extend_info":{"encrypted":"yes","progress":1.5},
        "replication_records":{"a":1},"incremental":"1"}"#;
    let b = backup(text);
    assert_eq!(b.id.as_deref(), Some("b"), "the rest of the record is read");
    assert_eq!(
        (b.resource_size, b.status.as_deref(), b.created_at.as_ref()),
        (None, None, None)
    );
    assert_eq!(
        paths(&b.unparsed),
        [
            "status",
            "resource_size",
            "created_at",
            "children",
            "extend_info.encrypted",
            "extend_info.progress",
            "replication_records",
            "incremental"
        ]
    );
    assert_eq!(b.unparsed("resource_size").unwrap().marked(), "?forty");
    assert_eq!(b.unparsed("created_at").unwrap().marked(), r#"?"""#);
    assert_eq!(
        b.unparsed("extend_info.progress").unwrap().raw.as_ref(),
        "1.5"
    );
    assert_eq!(b.unparsed("children").unwrap().raw.as_ref(), "7");
    // The child that is an object is a backup with its own unknown fields.
    assert_eq!(b.children.len(), 1);
    assert_eq!(paths(&b.children[0].unparsed), ["resource_size"]);
    assert_eq!(b.replication_records, None);
    assert_eq!(&*b.raw, text);
    for u in &b.unparsed {
        assert!(text.contains(&*u.raw), "{u:?}");
    }
}

#[test]
fn vault_parts_of_the_wrong_type() {
    let v = vault(
        r#"{"billing":"big","tags":[{"key":1,"value":true},"x"],"resources":[{"size":"1e3"}],
            "bind_rules":{"tags":[{"key":"k","value":{}}]},"locked":"no"}"#,
    );
    assert_eq!(v.billing, None);
    assert_eq!(v.free_mb(), None);
    assert_eq!(v.tags[0].key.as_deref(), Some("1"), "a number is text");
    assert_eq!(v.resources[0].size, None);
    assert_eq!(
        v.bind_rules.as_ref().unwrap().tags[0].key.as_deref(),
        Some("k")
    );
    assert_eq!(
        paths(&v.unparsed),
        [
            "billing",
            "resources.size",
            "tags",
            "tags.value",
            "bind_rules.tags.value",
            "locked"
        ]
    );
    let m = vault(r#"{"billing":{"used":-5,"size":10,"status":["x"]}}"#);
    assert_eq!(paths(&m.unparsed), ["billing.used", "billing.status"]);
    assert_eq!(
        (m.size_gb(), m.used_mb(), m.free_mb()),
        (Some(10), None, None)
    );
}

#[test]
fn timestamps_in_both_styles_and_bare_dates() {
    let b = backup(
        r#"{"created_at":"2020-02-21T07:00:54.065135","updated_at":"2020-02-21T07:00:54.065+00:00",
            "expired_at":"2020-02-21T09:00:54+02:00","protected_at":"2020-02-21"}"#,
    );
    let created = b.created_at.unwrap();
    let updated = b.updated_at.unwrap();
    assert_eq!(created.secs, updated.secs);
    assert_eq!((created.nanos, updated.nanos), (65_135_000, 65_000_000));
    assert_eq!(
        b.expired_at.unwrap().secs,
        created.secs,
        "an offset is applied"
    );
    let protected = b.protected_at.unwrap();
    assert_eq!(protected, ts("2020-02-21T00:00:00Z"));
    assert_eq!(&*protected.raw, "2020-02-21", "kept as sent");
    let bad = member(r#"{"created_at":"yesterday","updated_at":1582268454}"#);
    assert_eq!(paths(&bad.unparsed), ["created_at", "updated_at"]);
}

#[test]
fn nulls_and_absent_fields_are_none_and_not_counted() {
    let m = member(r#"{"id":null,"status":null,"vault_id":null,"updated_at":null}"#);
    assert_eq!(
        m,
        Member {
            raw: m.raw.clone(),
            ..Member::default()
        }
    );
    let b = backup(r#"{"children":null,"extend_info":null,"replication_records":null}"#);
    assert!(b.children.is_empty() && b.extend_info.is_none() && b.unparsed.is_empty());
    assert_eq!(backup("{}").encrypted(), None);
}

#[test]
fn repeated_members_take_the_last_and_unknown_fields_stay_raw() {
    let m = member(r#"{"id":"a","id":"b","status":"x","status":"accepted","new":{"n":[1]}}"#);
    assert_eq!(m.id.as_deref(), Some("b"));
    assert_eq!(m.status, Some(MemberStatus::Accepted));
    assert!(m.raw.contains(r#""new":{"n":[1]}"#));
    assert_eq!(m.to_json(), &*m.raw);
    let escaped = member(r#"{"\u0069d":"x\"y"}"#);
    assert_eq!(escaped.id.as_deref(), Some("x\"y"));
}

#[test]
fn built_records_serialize_to_the_wire_shape() {
    let m = Member {
        id: Some("m".into()),
        status: Some(MemberStatus::Accepted),
        created_at: Some(Timestamp::from_unix(1_580_899_114, 209_782_000)),
        ..Member::default()
    };
    assert_eq!(
        m.to_json(),
        r#"{"id":"m","status":"accepted","backup_id":null,"dest_project_id":null,"vault_id":null,"image_id":null,"created_at":"2020-02-05T10:38:34.209782","updated_at":null}"#
    );
    // What the model writes, it reads back the same.
    let back = member(&m.to_json());
    assert_eq!(
        back,
        Member {
            raw: back.raw.clone(),
            ..m
        }
    );
    let b = Backup {
        resource_size: Some(40),
        children: vec![Backup::default()],
        ..Backup::default()
    };
    let again = backup(&b.to_json());
    assert_eq!((again.resource_size, again.children.len()), (Some(40), 1));
    assert!(again.unparsed.is_empty());
    let v = Vault {
        billing: Some(Billing {
            size: Some(10),
            used: Some(512),
            ..Billing::default()
        }),
        ..Vault::default()
    };
    assert_eq!(vault(&v.to_json()).free_mb(), Some(10 * 1024 - 512));
}

#[test]
fn wrong_envelopes_are_clean_errors() {
    assert!(matches!(parse_members(""), Err(BodyError::Empty)));
    assert!(matches!(
        parse_backups("<html>502</html>"),
        Err(BodyError::NotJson(_))
    ));
    assert!(matches!(
        parse_vaults(r#"{"vaults":[{"id":"#),
        Err(BodyError::NotJson(_))
    ));
    assert!(matches!(
        parse_member("{}"),
        Err(BodyError::MissingField("member"))
    ));
    assert!(matches!(
        parse_backup(r#"{"backup":null}"#),
        Err(BodyError::MissingField("backup"))
    ));
    let e = parse_members(r#"{"members":{"id":"x"}}"#).unwrap_err();
    assert_eq!(
        e.to_string(),
        "unexpected shape: \"members\" should be a list, found an object"
    );
    let e = parse_backups(r#"{"backups":[{},7]}"#).unwrap_err();
    assert_eq!(
        e.to_string(),
        "unexpected shape: backup 1: expected a backup object, found a number"
    );
    let e = parse_vault(r#"{"vault":[]}"#).unwrap_err();
    assert!(
        e.to_string()
            .contains("expected a vault object, found a list"),
        "{e}"
    );
    let e = parse_members("[]").unwrap_err();
    assert!(
        e.to_string()
            .contains("expected an object with \"members\""),
        "{e}"
    );
    // An unreadable count does not lose the page.
    let page = parse_members(r#"{"members":[{}],"count":"many"}"#).unwrap();
    assert_eq!((page.items.len(), page.count), (1, None));
}
