use super::*;

const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures");

fn fixture(name: &str) -> String {
    std::fs::read_to_string(format!("{FIXTURES}/{name}")).unwrap()
}

const CALLS: [CbrCall; 9] = [
    CbrCall::AddMember,
    CbrCall::ListMembers,
    CbrCall::ShowMember,
    CbrCall::UpdateMemberStatus,
    CbrCall::DeleteMember,
    CbrCall::ListBackups,
    CbrCall::ShowBackup,
    CbrCall::ListVaults,
    CbrCall::ShowVault,
];

/// Every sharing-related code of the reference's error table, with its documented status.
const CODES: [(u16, &str); 24] = [
    (400, "6700"),
    (400, "6701"),
    (400, "6702"),
    (400, "6703"),
    (400, "6704"),
    (404, "6705"),
    (400, "6706"),
    (400, "6707"),
    (400, "6708"),
    (400, "6709"),
    (400, "6710"),
    (400, "6711"),
    (400, "6712"),
    (400, "6713"),
    (400, "6714"),
    (400, "6114"),
    (400, "6129"),
    (400, "9900"),
    (404, "6200"),
    (404, "6105"),
    (403, "8600"),
    (500, "9998"),
    (500, "9910"),
    (401, "quirk"),
];

/// Words that tell a person what to do.
const ACTIONS: [&str; 17] = [
    "check", " use ", "pick", "wait", "remove", "ask", "grant", "retry", "delete", "expand",
    "leave", "refresh", "share a ", "give", "send", "report", "contact",
];

fn body(code: &str) -> ErrorBody {
    if code == "quirk" {
        return parse_error_body(&fixture(
            "cbr/error_401_malformed_request_url.reconstructed.json",
        ));
    }
    ErrorBody {
        code: Some(format!("BackupService.{code}")),
        message: Some("as the server words it".into()),
        ..ErrorBody::default()
    }
}

fn say(status: u16, code: &str, call: CbrCall) -> String {
    advice(status, &body(code), call, &AdviceContext::default())
}

#[test]
fn every_code_says_what_to_do_for_every_call() {
    for (status, code) in CODES {
        for call in CALLS {
            let text = say(status, code, call);
            assert!(
                !text.is_empty() && !text.contains('\n'),
                "{code} {call:?}: {text}"
            );
            assert!(!text.ends_with('.'), "{code} {call:?}: {text}");
            assert!(
                ACTIONS.iter().any(|a| text.contains(a)),
                "{code} {call:?} says nothing to do: {text}"
            );
            let generic = by_status(status, "", call);
            assert_ne!(text, generic, "{code} {call:?} falls back to the status");
        }
    }
}

#[test]
fn codes_say_what_they_mean() {
    use CbrCall as C;
    let cases: [(&str, CbrCall, &str); 22] = [
        (
            "6700",
            C::AddMember,
            "only backups of cloud servers and disks",
        ),
        ("6701", C::AddMember, "at most 10 projects"),
        ("6702", C::AddMember, "only available backups"),
        ("6703", C::AddMember, "already shared with that project"),
        ("6704", C::AddMember, "recipient's project ID"),
        (
            "6705",
            C::UpdateMemberStatus,
            "only the recipient accepts or rejects",
        ),
        ("6705", C::DeleteMember, "removed already"),
        ("6705", C::ShowMember, "not the member record's ID"),
        (
            "6706",
            C::UpdateMemberStatus,
            "accepted with a vault ID, or rejected",
        ),
        ("6707", C::AddMember, "contact support"),
        ("6708", C::UpdateMemberStatus, "refresh and retry"),
        ("6709", C::AddMember, "KMS key"),
        (
            "6710",
            C::DeleteMember,
            "delete that image, then remove the member",
        ),
        ("6711", C::DeleteMember, "remove its members"),
        ("6712", C::UpdateMemberStatus, "pick an available vault"),
        ("6712", C::AddMember, "the vault holding the backup"),
        (
            "6713",
            C::UpdateMemberStatus,
            "pick a server vault for a server backup",
        ),
        (
            "9900",
            C::UpdateMemberStatus,
            "to accept, give the ID of one of this project's vaults",
        ),
        ("9900", C::AddMember, "1 to 10 recipient project IDs"),
        (
            "6200",
            C::AddMember,
            "only the project that owns a backup can add, list or remove",
        ),
        ("6200", C::ShowBackup, "check the backup ID"),
        ("6105", C::UpdateMemberStatus, "check the vault ID"),
    ];
    for (code, call, expect) in cases {
        let status = CODES.iter().find(|(_, c)| *c == code).unwrap().0;
        let text = say(status, code, call);
        assert!(text.contains(expect), "{code} {call:?}: {text}");
    }
    assert!(say(403, "8600", C::DeleteMember).contains("cbr:member:delete"));
    assert!(say(403, "8600", C::ListVaults).contains("cbr:vaults:list"));
}

#[test]
fn a_full_vault_names_both_sizes_when_known() {
    let ctx = AdviceContext {
        vault_free_mb: Some(12 * 1024),
        backup_size_gb: Some(40),
        ..AdviceContext::default()
    };
    for code in ["6114", "6129"] {
        let text = advice(400, &body(code), CbrCall::UpdateMemberStatus, &ctx);
        assert_eq!(
            text,
            "the vault has 12 GB free, the backup needs 40 GB: expand the vault or pick one \
             with more free space"
        );
    }
    let only_size = AdviceContext {
        backup_size_gb: Some(40),
        ..AdviceContext::default()
    };
    let text = advice(400, &body("6114"), CbrCall::UpdateMemberStatus, &only_size);
    assert!(text.contains("needs 40 GB"), "{text}");
    let only_free = AdviceContext {
        vault_free_mb: Some(512),
        ..AdviceContext::default()
    };
    let text = advice(400, &body("6114"), CbrCall::UpdateMemberStatus, &only_free);
    assert!(text.starts_with("the vault has 512 MB free"), "{text}");
    assert!(say(400, "6114", CbrCall::UpdateMemberStatus).contains("not enough free space"));
}

#[test]
fn context_from_the_models_makes_advice_concrete() {
    let vaults = crate::api::cbr::parse_vaults(&fixture("cbr/list_vaults_response.otc.json"));
    let mut vault = vaults.unwrap().items.remove(0);
    if let Some(b) = vault.billing.as_mut() {
        b.object_type = Some("disk".into());
        b.used = Some(88 * 1024);
    }
    let backups = crate::api::cbr::parse_backups(&fixture("cbr/list_backups_response.otc.json"));
    let backup = backups.unwrap().items.remove(0);
    let ctx = AdviceContext::accepting(&vault, &backup);
    assert_eq!(ctx.vault_free_mb, Some(12 * 1024));
    assert_eq!(ctx.backup_size_gb, Some(40));
    let wrong = parse_error_body(&fixture("cbr/synthetic/error_400_BackupService.6713.json"));
    assert_eq!(
        advice(400, &wrong, CbrCall::UpdateMemberStatus, &ctx),
        "this is a disk vault and the backup needs a server vault: pick a server vault"
    );
    let full = advice(400, &body("6114"), CbrCall::UpdateMemberStatus, &ctx);
    assert!(
        full.starts_with("the vault has 12 GB free, the backup needs 40 GB"),
        "{full}"
    );
    let turbo = AdviceContext {
        backup_type: Some(ObjectType::Other("OS::Sfs::Turbo".into())),
        ..AdviceContext::default()
    };
    let text = advice(400, &body("6700"), CbrCall::AddMember, &turbo);
    assert!(text.contains("(this one is of OS::Sfs::Turbo)"), "{text}");
}

#[test]
fn the_malformed_url_answer_means_gone_not_a_new_token() {
    let quirk = fixture("cbr/error_401_malformed_request_url.reconstructed.json");
    assert!(is_not_found_quirk(401, &quirk));
    assert!(is_not_found_quirk(
        401,
        r#"{"unauthorized":{"message":" malformed request URL "}}"#
    ));
    // Only with 401, and only this message.
    assert!(!is_not_found_quirk(400, &quirk));
    assert!(!is_not_found_quirk(404, &quirk));
    for other in [
        fixture("errors/iam_0001_unauthorized.json"),
        fixture("errors/apigw_0301_get_secretkey_failed.json"),
        r#"{"unauthorized":{"code":"401","message":"The request you have made requires authentication."}}"#.into(),
        r#"{"unauthorized":{"code":"403","message":"Malformed request url"}}"#.into(),
        String::new(),
        "Malformed request url".into(),
    ] {
        assert!(!is_not_found_quirk(401, &other), "{other}");
    }
    for call in CALLS {
        let text = say(401, "quirk", call);
        assert!(
            text.contains("the credentials are fine"),
            "{call:?}: {text}"
        );
        assert!(!text.contains("token"), "{call:?}: {text}");
    }
    assert!(say(401, "quirk", CbrCall::ShowBackup).contains("no longer shared"));
    // Any other 401 is about the credentials.
    let expired = parse_error_body(&fixture("errors/apigw_0301_get_secretkey_failed.json"));
    let text = advice(
        401,
        &expired,
        CbrCall::ListBackups,
        &AdviceContext::default(),
    );
    assert!(text.contains("clock"), "{text}");
}

#[test]
fn the_documented_bodies_read_through_the_shared_parser() {
    let invalid = parse_error_body(&fixture("cbr/error_400_BackupService.9900.otc.json"));
    assert_eq!(invalid.code.as_deref(), Some("BackupService.9900"));
    let text = advice(
        400,
        &invalid,
        CbrCall::UpdateMemberStatus,
        &AdviceContext::default(),
    );
    assert!(text.contains("vault"), "{text}");
    for (name, status, call, expect) in [
        (
            "synthetic/error_400_BackupService.6703.json",
            400,
            CbrCall::AddMember,
            "already shared",
        ),
        (
            "synthetic/error_404_BackupService.6705.json",
            404,
            CbrCall::DeleteMember,
            "members",
        ),
        (
            "synthetic/error_404_BackupService.6200.json",
            404,
            CbrCall::ShowBackup,
            "backup ID",
        ),
    ] {
        let b = parse_error_body(&fixture(&format!("cbr/{name}")));
        let text = advice(status, &b, call, &AdviceContext::default());
        assert!(text.contains(expect), "{name}: {text}");
    }
    // A code not in the table falls back to the status, per call.
    let log = parse_error_body(&fixture("cbr/error_404_BackupService.6500.otc.json"));
    let text = advice(404, &log, CbrCall::ShowVault, &AdviceContext::default());
    assert_eq!(text, "not found: check the vault ID and the project");
    // Lower-case prefixes are read too; a code that only starts alike is not.
    let lower = ErrorBody {
        code: Some("backupservice.6701".into()),
        ..ErrorBody::default()
    };
    assert!(advice(400, &lower, CbrCall::AddMember, &AdviceContext::default()).contains("10"));
}

#[test]
fn statuses_without_a_known_code_still_advise_per_call() {
    let none = ErrorBody::default();
    let ctx = AdviceContext::default();
    let owner = advice(403, &none, CbrCall::AddMember, &ctx);
    assert!(
        owner.starts_with("only the project that owns the backup"),
        "{owner}"
    );
    assert!(owner.contains("cbr:member:create"));
    let recipient = advice(403, &none, CbrCall::UpdateMemberStatus, &ctx);
    assert!(recipient.starts_with("only the recipient project can accept or reject"));
    for status in [400, 401, 403, 404, 409, 429, 500, 502, 503, 504] {
        for call in CALLS {
            let text = advice(status, &none, call, &ctx);
            assert!(
                ACTIONS.iter().any(|a| text.contains(a)),
                "{status} {call:?}: {text}"
            );
        }
    }
    let gateway = ErrorBody {
        code: Some("APIGW.0101".into()),
        ..ErrorBody::default()
    };
    assert!(advice(404, &gateway, CbrCall::ListBackups, &ctx).contains("CBR endpoint"));
    let err = StatusError {
        status: 400,
        body: Box::new(body("6701")),
        retry_after: None,
        call: None,
        advice: None,
    };
    assert_eq!(
        advice_for(&err, CbrCall::AddMember, &ctx),
        say(400, "6701", CbrCall::AddMember)
    );
}
