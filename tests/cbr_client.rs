//! The CBR client against the embedded server over loopback: the owner (the demo project,
//! signing with AK/SK) and a recipient (a partner, with a password token) share one backup,
//! find it, pick a vault that fits and accept it; errors carry CBR's advice, and the 401
//! "Malformed request url" quirk reads as "gone" without renewing the token.

#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use vbshare::api::cbr::AdviceContext;
use vbshare::api::cbr::model::UpdateMemberRequest;
use vbshare::api::cbr::{BackupQuery, CbrClient, Fit, MemberStatus, OwnType, pick_vault};
use vbshare::api::session::Session;
use vbshare::api::sign::AkSk;
use vbshare::api::{ApiError, Auth, ClientConfig, PasswordAuth, Secret};
use vbshare::server::cbr::{DELETED_SHARED_BY_DEMO, PARTNER_A};
use vbshare::server::{
    self, DEMO_ACCESS_KEY, DEMO_DOMAIN, DEMO_PASSWORD, DEMO_PROJECT_ID, DEMO_SECRET_KEY, DEMO_USER,
    RunningServer, ServerConfig,
};

async fn start() -> RunningServer {
    server::start(ServerConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        now: 1_767_225_600,
        ..ServerConfig::default()
    })
    .await
    .unwrap()
}

fn client(server: &RunningServer, project: &str, auth: Auth) -> CbrClient {
    let mut config = ClientConfig::new(server.endpoint(), project, auth);
    config.max_retries = 0;
    let session = Arc::new(Session::new(config).unwrap());
    CbrClient::new(session, &server.endpoint()).unwrap()
}

fn owner(server: &RunningServer) -> CbrClient {
    let auth = Auth::AkSk(AkSk {
        access_key: DEMO_ACCESS_KEY.into(),
        secret_key: DEMO_SECRET_KEY.into(),
        security_token: None,
    });
    client(server, DEMO_PROJECT_ID, auth)
}

fn recipient(server: &RunningServer) -> CbrClient {
    let auth = Auth::Password(PasswordAuth {
        auth_url: format!("{}/v3", server.endpoint()),
        user: DEMO_USER.into(),
        password: Secret::new(DEMO_PASSWORD.to_owned()),
        domain: DEMO_DOMAIN.into(),
    });
    client(server, PARTNER_A, auth)
}

fn advice(e: &ApiError) -> String {
    match e {
        ApiError::Status(s) => s.hint().to_owned(),
        other => panic!("not an answer: {other}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn share_find_fit_and_accept_into_a_vault() {
    let server = start().await;
    let (owner, them) = (owner(&server), recipient(&server));

    // The owner picks an available, unencrypted backup of its own that nobody has yet.
    let mine = owner
        .list_backups(&BackupQuery {
            own_type: Some(OwnType::Private),
            statuses: vec!["available".into()],
            limit: Some(200),
            ..BackupQuery::default()
        })
        .await
        .unwrap();
    assert!(mine.page.count.unwrap() >= mine.page.items.len() as u64);
    let mut chosen = None;
    for b in &mine.page.items {
        let id = b.id.clone().unwrap();
        if b.encrypted() != Some(true)
            && owner
                .list_members(&id, None, None)
                .await
                .unwrap()
                .page
                .items
                .is_empty()
        {
            chosen = Some(b.clone());
            break;
        }
    }
    let backup = chosen.expect("an unshared, unencrypted backup");
    let id = backup.id.clone().unwrap();
    let added = owner
        .add_members(&id, &[PARTNER_A.to_owned()])
        .await
        .unwrap();
    assert_eq!(added.page.items.len(), 1);
    assert_eq!(
        added.page.items[0].dest_project_id.as_deref(),
        Some(PARTNER_A)
    );
    let (member, _) = owner.show_member(&id, PARTNER_A).await.unwrap();
    assert_eq!(member.status, Some(MemberStatus::Pending));

    // Sharing twice is refused with advice about members, not a retry.
    let again = owner
        .add_members(&id, &[PARTNER_A.to_owned()])
        .await
        .unwrap_err();
    assert!(
        advice(&again).to_lowercase().contains("member"),
        "{}",
        advice(&again)
    );

    // The recipient finds it among its pending shares.
    let pending = them
        .list_backups(&BackupQuery {
            own_type: Some(OwnType::Shared),
            member_status: Some(MemberStatus::Pending),
            limit: Some(1000),
            ..BackupQuery::default()
        })
        .await
        .unwrap();
    let shared = pending
        .page
        .items
        .iter()
        .find(|b| b.id.as_deref() == Some(id.as_str()))
        .expect("the new share is pending for the recipient")
        .clone();

    // Only some of its vaults can take it, and each refusal says why.
    let vaults = them.list_vaults(None, None).await.unwrap().page.items;
    assert!(vaults.len() >= 3);
    let verdicts: Vec<Fit> = vaults.iter().map(|v| v.fit(&shared)).collect();
    assert!(verdicts.iter().any(Fit::fits), "{verdicts:?}");
    assert!(verdicts.iter().any(|f| !f.fits()), "{verdicts:?}");
    let vault = pick_vault(&vaults, &shared).unwrap().clone();
    let vault_id = vault.id.clone().unwrap();
    let before = vault.used_mb().unwrap();

    let (accepted, _) = them
        .update_member_status(
            &id,
            &UpdateMemberRequest::accept(vault_id.clone()),
            &AdviceContext::default(),
        )
        .await
        .unwrap();
    assert_eq!(accepted.status, Some(MemberStatus::Accepted));
    assert_eq!(accepted.vault_id.as_deref(), Some(vault_id.as_str()));
    let (after, _) = them.show_vault(&vault_id).await.unwrap();
    assert!(
        after.used_mb().unwrap() > before,
        "accepting uses the vault's space"
    );

    // Only the owner may list members: the recipient is told so.
    let e = them.list_members(&id, None, None).await.unwrap_err();
    assert!(advice(&e).contains("own"), "{}", advice(&e));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deleted_backup_reads_as_gone_and_never_renews_the_token() {
    let server = start().await;
    let owner = owner(&server);
    let e = owner
        .list_members(DELETED_SHARED_BY_DEMO, None, None)
        .await
        .unwrap_err();
    let ApiError::Status(s) = &e else {
        panic!("{e}")
    };
    assert_eq!(s.status, 401);
    let text = e.to_string();
    assert!(
        text.contains("no longer") || text.contains("not found") || text.contains("deleted"),
        "{text}"
    );
    assert!(!text.to_lowercase().contains("token"), "{text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_owner_walk_finds_every_member_and_reports_failures() {
    use vbshare::api::cbr::{WalkEvent, walk_owner};
    let server = start().await;
    let owner = owner(&server);
    let mut backups_seen = 0;
    let mut rows = 0;
    let mut last_read = (0, None);
    let summary = walk_owner(&owner, &BackupQuery::default(), 4, |e| match e {
        WalkEvent::Backups { read, total } => last_read = (read, total),
        WalkEvent::Members { members, .. } => {
            backups_seen += 1;
            rows += members.len();
        }
        WalkEvent::Failed { error, .. } => panic!("{error}"),
    })
    .await
    .unwrap();
    // Every backup of the project was read, and each one's members asked for once.
    assert_eq!(Some(last_read.0), last_read.1);
    assert_eq!(summary.backups, last_read.0);
    assert_eq!(backups_seen, summary.backups);
    assert_eq!(rows as u64, summary.members);
    assert!(
        summary.shared >= 20 && summary.members > summary.shared,
        "{summary:?}"
    );
    assert_eq!((summary.failed, summary.concurrency), (0, 4));

    // Throttling: the walk goes on, says which backups failed, and slows down.
    let mut failed = Vec::new();
    let mut injected = false;
    let summary = walk_owner(&owner, &BackupQuery::default(), 4, |e| match e {
        // Once the last page of backups is in, every request left is a member list.
        WalkEvent::Backups { read, total } if !injected && Some(read) == total => {
            injected = true;
            server.inject("too-many-requests-0".parse().unwrap(), 3);
        }
        WalkEvent::Failed { backup, error } => {
            assert_eq!(error.status(), Some(429), "{error}");
            failed.push(backup.id.unwrap());
        }
        _ => {}
    })
    .await
    .unwrap();
    assert_eq!(failed.len(), 3);
    assert_eq!(summary.failed, 3);
    assert!(summary.concurrency < 4, "{summary:?}");
    assert_eq!(summary.backups, last_read.0, "no backup dropped");
}

/// Member lists start while backups are still being listed, and a gateway that caps page
/// sizes makes the walk ask again for what it left out: every backup is read exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_owner_walk_overlaps_paging_and_survives_capped_pages() {
    use std::collections::HashSet;
    use vbshare::api::cbr::{WalkEvent, walk_owner};
    let server = start().await;
    let owner = owner(&server);
    let mut members_before_last_page = 0;
    let mut seen = HashSet::new();
    let mut last_read = (0, None);
    let summary = walk_owner(&owner, &BackupQuery::default(), 4, |e| match e {
        WalkEvent::Backups { read, total } => last_read = (read, total),
        WalkEvent::Members { backup, .. } => {
            if last_read.1 != Some(last_read.0) {
                members_before_last_page += 1;
            }
            assert!(seen.insert(backup.id.unwrap()), "a backup read twice");
        }
        WalkEvent::Failed { error, .. } => panic!("{error}"),
    })
    .await
    .unwrap();
    let total = last_read.1.unwrap();
    assert!(
        total > 1100,
        "more backups than the first two pages hold: {total}"
    );
    assert_eq!(seen.len() as u64, total);
    assert!(
        members_before_last_page >= 100,
        "member lists waited for the whole list: {members_before_last_page} before it"
    );

    // A gateway answering at most 70 rows per page.
    server.cap_limit(70);
    seen.clear();
    let mut pages_read = 0;
    let summary_capped = walk_owner(&owner, &BackupQuery::default(), 4, |e| match e {
        WalkEvent::Backups { read, total } => {
            pages_read += 1;
            last_read = (read, total);
        }
        WalkEvent::Members { backup, .. } => {
            assert!(seen.insert(backup.id.unwrap()), "a backup read twice");
        }
        WalkEvent::Failed { error, .. } => panic!("{error}"),
    })
    .await
    .unwrap();
    assert_eq!(last_read, (total, Some(total)));
    assert_eq!(seen.len() as u64, total, "every backup, none skipped");
    assert!(pages_read > total / 70, "{pages_read} pages of at most 70");
    assert_eq!(summary_capped, summary);
}

/// Many calls at once on a session without a token sign in once: the first call's
/// exchange is awaited by the others, never repeated by each.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_calls_share_one_token_exchange() {
    let server = start().await;
    let recipient = recipient(&server);
    let mut calls = tokio::task::JoinSet::new();
    for _ in 0..16 {
        let c = recipient.clone();
        calls.spawn(async move {
            let q = BackupQuery {
                own_type: Some(OwnType::Shared),
                limit: Some(5),
                ..BackupQuery::default()
            };
            c.list_backups(&q).await.map(|l| l.page.items.len())
        });
    }
    while let Some(done) = calls.join_next().await {
        assert!(done.unwrap().unwrap() > 0, "a shared backup listed");
    }
    assert_eq!(
        server.token_requests_received(),
        1,
        "one sign-in for 16 calls"
    );
    assert_eq!(server.requests_received(), 17);
}

/// Dropping a walk stops it: no request is sent after, however many backups were left.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_the_owner_walk_stops_its_requests() {
    use vbshare::api::cbr::{WalkEvent, walk_owner};
    let server = server::start(ServerConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        now: 1_767_225_600,
        latency_ms: 20,
        ..ServerConfig::default()
    })
    .await
    .unwrap();
    let owner = owner(&server);
    let enough = Arc::new(tokio::sync::Notify::new());
    let (mut done, mut total) = (0u64, None);
    let all = BackupQuery::default();
    let walk = walk_owner(&owner, &all, 4, |e| match e {
        WalkEvent::Backups { total: t, .. } => total = t,
        WalkEvent::Members { .. } | WalkEvent::Failed { .. } => {
            done += 1;
            if done == 12 {
                enough.notify_one();
            }
        }
    });
    tokio::select! {
        r = walk => panic!("the walk ended before it was dropped: {r:?}"),
        () = enough.notified() => {}
    }
    // Requests already on the wire may still arrive; then nothing more.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    let after_drop = server.requests_received();
    tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    assert_eq!(
        server.requests_received(),
        after_drop,
        "requests after the drop"
    );
    let backups = total.unwrap();
    assert!(
        after_drop < 40 && backups > 1000,
        "{after_drop} requests for a walk of {backups} backups"
    );
}

/// The built binary as the demo project against `server`, speaking CBR.
fn cli(server: &RunningServer, home: &std::path::Path) -> std::process::Command {
    #[path = "common/cli.rs"]
    mod common_cli;
    let mut c = common_cli::vbshare(home);
    c.env("HW_ACCESS_KEY", DEMO_ACCESS_KEY)
        .env("HW_SECRET_KEY", DEMO_SECRET_KEY)
        .args([
            "--endpoint",
            &server.endpoint(),
            "--project-id",
            DEMO_PROJECT_ID,
            "--service",
            "cbr",
        ]);
    c
}

async fn output(mut c: std::process::Command) -> (Option<i32>, String) {
    let out = tokio::task::spawn_blocking(move || c.output().unwrap())
        .await
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Runs the binary as the demo project against `server`: exit code, stdout, stderr.
async fn run_cli(
    server: &RunningServer,
    home: &std::path::Path,
    args: &[&str],
) -> (Option<i32>, String, String) {
    let mut c = cli(server, home);
    c.args(args);
    let out = tokio::task::spawn_blocking(move || c.output().unwrap())
        .await
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Backups shared with the demo project and still pending.
async fn pending_for_demo(server: &RunningServer) -> Vec<vbshare::api::cbr::Backup> {
    owner(server)
        .list_backups(&BackupQuery {
            own_type: Some(OwnType::Shared),
            member_status: Some(MemberStatus::Pending),
            limit: Some(1000),
            ..BackupQuery::default()
        })
        .await
        .unwrap()
        .page
        .items
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accept_and_reject_from_the_command_line_and_every_rerun() {
    use vbshare::server::cbr::{DEMO_FROZEN_VAULT, DEMO_REPLICA_VAULT};
    let server = start().await;
    let home = tempfile::tempdir().unwrap();
    let pending = pending_for_demo(&server).await;
    assert!(pending.len() >= 3, "{}", pending.len());
    let (a, b) = (
        pending[0].id.clone().unwrap(),
        pending[1].id.clone().unwrap(),
    );

    // `vaults --fits` gives each vault's verdict for the backup.
    let mut c = cli(&server, home.path());
    c.args(["vaults", "--fits", &a]);
    let out = tokio::task::spawn_blocking(move || c.output().unwrap())
        .await
        .unwrap();
    let table = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        table.starts_with("VAULT ID") && table.contains("FOR THIS BACKUP"),
        "{table}"
    );
    assert!(table.contains("fits:"), "{table}");
    assert!(
        table.contains("frozen") && table.contains("backup vault"),
        "{table}"
    );
    // Vaults that cannot take it are refused with their reason, before any write.
    for (vault, why) in [
        (DEMO_FROZEN_VAULT, "frozen"),
        (DEMO_REPLICA_VAULT, "backup vault"),
    ] {
        let mut c = cli(&server, home.path());
        c.args(["accept", &a, "--vault", vault]);
        let (code, err) = output(c).await;
        assert_eq!(code, Some(1), "{err}");
        assert!(
            err.contains("cannot take backup") && err.contains(why),
            "{err}"
        );
    }
    let mut c = cli(&server, home.path());
    c.args(["accept", &a, "--vault", "auto"]);
    let (code, err) = output(c).await;
    assert_eq!(code, Some(0), "{err}");
    assert!(
        err.contains("chose vault") && err.contains("the vault now has"),
        "{err}"
    );
    let mut c = cli(&server, home.path());
    c.args(["accept", &a, "--vault", "auto"]);
    let (code, err) = output(c).await;
    assert_eq!(
        (
            code,
            err.trim_end().ends_with("already accepted; nothing to do")
        ),
        (Some(0), true),
        "{err}"
    );

    for expect in ["rejected backup", "already rejected; nothing to do"] {
        let mut c = cli(&server, home.path());
        c.args(["reject", &b]);
        let (code, err) = output(c).await;
        assert_eq!(code, Some(0), "{err}");
        assert!(err.contains(expect), "{err}");
    }
    let mut c = cli(&server, home.path());
    c.args(["accept", &b, "--vault", "auto"]);
    let (code, err) = output(c).await;
    assert_eq!(code, Some(1));
    assert!(err.contains("was rejected"), "{err}");

    // VBS has no accept step; read-only refuses; an unknown backup is named.
    let mut c = cli(&server, home.path());
    c.args(["accept", &a, "--vault", "auto", "--service", "vbs"]);
    assert_eq!(output(c).await.0, Some(2));
    let mut c = cli(&server, home.path());
    c.args(["--read-only", "reject", &pending[2].id.clone().unwrap()]);
    let (code, err) = output(c).await;
    assert_eq!(code, Some(1));
    assert!(err.contains("read-only"), "{err}");
    let mut c = cli(&server, home.path());
    c.args(["reject", "8332443e-9866-41d8-8a58-a898cf5db030"]);
    let (code, err) = output(c).await;
    assert_eq!(code, Some(1));
    assert!(err.contains("is not shared with this project"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn share_and_unshare_members_from_the_command_line_and_every_rerun() {
    use vbshare::server::cbr::PARTNER_B;
    let server = start().await;
    let home = tempfile::tempdir().unwrap();
    let owner = owner(&server);
    // An available, unencrypted backup of the demo project with no members yet.
    let mine = owner
        .list_backups(&BackupQuery {
            own_type: Some(OwnType::Private),
            statuses: vec!["available".into()],
            limit: Some(100),
            ..BackupQuery::default()
        })
        .await
        .unwrap()
        .page
        .items;
    let mut id = None;
    for b in mine.iter().filter(|b| b.encrypted() != Some(true)) {
        let b_id = b.id.clone().unwrap();
        if owner
            .list_members(&b_id, None, None)
            .await
            .unwrap()
            .page
            .items
            .is_empty()
        {
            id = Some(b_id);
            break;
        }
    }
    let id = id.unwrap();
    // The user's names for projects.
    let dir = home.path().join(".config/vbshare");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("config.toml"),
        format!("[project_names]\n{PARTNER_A} = \"analytics-prod\"\n"),
    )
    .unwrap();
    let run = |args: Vec<String>| {
        let mut c = cli(&server, home.path());
        c.args(args);
        async move {
            let out = tokio::task::spawn_blocking(move || c.output().unwrap())
                .await
                .unwrap();
            (
                out.status.code(),
                String::from_utf8_lossy(&out.stdout).into_owned(),
                String::from_utf8_lossy(&out.stderr).into_owned(),
            )
        }
    };
    let args = |a: &[&str]| a.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();

    let (code, table, err) = run(args(&["share", &id, "--to", PARTNER_A, "--to", PARTNER_B])).await;
    assert_eq!(code, Some(0), "{err}");
    assert!(
        table.starts_with("BACKUP") && table.lines().count() == 3,
        "{table}"
    );
    // A project is shown by name where one is known, by ID otherwise.
    assert!(
        table.contains(PARTNER_B) && !table.contains(PARTNER_A) && table.contains("pending"),
        "{table}"
    );
    assert!(
        table.contains("analytics-prod"),
        "the member's name is shown: {table}"
    );
    assert!(err.contains("with 2 projects"), "{err}");
    // Sharing again changes nothing and says so.
    let (code, table, err) = run(args(&["share", &id, "--to", PARTNER_A])).await;
    assert_eq!((code, table.as_str()), (Some(0), ""), "{err}");
    assert!(err.contains("already a member; nothing to do"), "{err}");

    let (code, _, err) = run(args(&["unshare", &id, "--to", PARTNER_A])).await;
    assert_eq!(code, Some(0), "{err}");
    assert!(
        err.contains(&format!("removed project {PARTNER_A}")),
        "{err}"
    );
    let (code, _, err) = run(args(&["unshare", &id, "--to", PARTNER_A])).await;
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("is not a member"), "{err}");
    let (code, _, err) = run(args(&["unshare", &id, "--backup"])).await;
    assert_eq!(code, Some(0), "{err}");
    assert!(
        err.contains(&format!("removed project {PARTNER_B}")),
        "{err}"
    );
    let (code, _, err) = run(args(&["unshare", &id, "--backup"])).await;
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("has no members; nothing to do"), "{err}");

    // Without --to or --backup, CBR cannot tell whom to remove; VBS takes no --to.
    assert_eq!(run(args(&["unshare", &id])).await.0, Some(2));
    assert_eq!(
        run(args(&[
            "unshare",
            &id,
            "--to",
            PARTNER_A,
            "--service",
            "vbs"
        ]))
        .await
        .0,
        Some(2)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_and_count_what_is_shared_with_this_project() {
    let server = start().await;
    let home = tempfile::tempdir().unwrap();
    let run = |args: &'static [&'static str]| run_cli(&server, home.path(), args);
    // Counts per status add up, and the default status is pending.
    let (code, text, err) = run(&["count", "--shared-with-me", "--member-status", "all"]).await;
    assert_eq!(code, Some(0), "{err}");
    let n = |word: &str| -> u64 {
        text.lines()
            .find_map(|l| l.strip_prefix(&format!("{word} ")))
            .unwrap()
            .parse()
            .unwrap()
    };
    assert_eq!(n("pending") + n("accepted") + n("rejected"), n("total"));
    let (_, pending, _) = run(&["count", "--shared-with-me"]).await;
    assert_eq!(pending.trim().parse::<u64>().unwrap(), n("pending"));

    // One status, one call: -o json is the server's body.
    let (code, body, err) = run(&["list", "--shared-with-me", "-o", "json", "--limit", "3"]).await;
    assert_eq!(code, Some(0), "{err}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["backups"].as_array().unwrap().len(), 3);
    assert_eq!(v["count"].as_u64(), Some(n("pending")));

    // A local filter (a substring of the name) still fills the page and counts right.
    let (code, table, err) = run(&[
        "list",
        "--shared-with-me",
        "--member-status",
        "all",
        "--name",
        "AUTOBK",
        "--limit",
        "4",
    ])
    .await;
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(table.lines().count(), 5, "{table}");
    assert!(table.lines().next().unwrap().ends_with("MINE"), "{table}");
    assert!(err.starts_with("showing 1–4 of "), "{err}");

    // Flags with no meaning for the service are refused, never ignored.
    for args in [
        &["list", "--shared-with-me", "--to-project", PARTNER_A][..],
        &["list", "--member-status", "all", "--service", "vbs"],
    ] {
        assert_eq!(run(args).await.0, Some(2), "{args:?}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn list_what_this_project_shares_by_walking_its_backups() {
    let server = start().await;
    let home = tempfile::tempdir().unwrap();
    let run = |args: &'static [&'static str]| run_cli(&server, home.path(), args);
    let (code, body, err) = run(&["list", "--all", "-o", "json", "--concurrency", "8"]).await;
    assert_eq!(code, Some(0), "{err}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    let members = v["members"].as_array().unwrap();
    assert!(members.len() > 30, "{}", members.len());
    assert_eq!(v["errors"].as_array().unwrap().len(), 0);
    assert_eq!(
        members[0]["member"]["backup_id"],
        members[0]["backup"]["id"]
    );
    assert!(
        err.contains("members of 1,200 backups read")
            && err.contains(&format!("{} members", members.len())),
        "{err}"
    );
    // Filters on the member apply locally, and pages are cut from the whole walk.
    let (code, table, err) = run(&[
        "list",
        "--member-status",
        "accepted",
        "--to-project",
        PARTNER_A,
        "--limit",
        "3",
    ])
    .await;
    assert_eq!(code, Some(0), "{err}");
    let rows: Vec<&str> = table.lines().skip(1).collect();
    assert!(!rows.is_empty() && rows.len() <= 3, "{table}");
    assert!(
        rows.iter()
            .all(|r| r.contains(PARTNER_A) && r.contains("accepted")),
        "{table}"
    );
    assert_eq!(run(&["list", "--from-project", PARTNER_A]).await.0, Some(2));
    assert_eq!(run(&["list", "--sort-key", "size"]).await.0, Some(2));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_a_backup_as_its_owner_or_its_recipient_and_count_members() {
    let server = start().await;
    let home = tempfile::tempdir().unwrap();
    let (server_ref, home_ref) = (&server, home.path());
    let run = |args: Vec<String>| async move {
        let a: Vec<&str> = args.iter().map(String::as_str).collect();
        run_cli(server_ref, home_ref, &a).await
    };
    let v = |a: &[&str]| a.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    // The owner's count of members equals the rows of the whole walk.
    let (code, count, err) = run(v(&["count"])).await;
    assert_eq!(code, Some(0), "{err}");
    let (_, body, _) = run(v(&["list", "--all", "-o", "json"])).await;
    let all: serde_json::Value = serde_json::from_str(&body).unwrap();
    let members = all["members"].as_array().unwrap();
    assert_eq!(count.trim().parse::<usize>().unwrap(), members.len());

    // The owner sees the backup and its members.
    let id = members[0]["member"]["backup_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (code, text, err) = run(v(&["get", &id])).await;
    assert_eq!(code, Some(0), "{err}");
    assert!(
        text.starts_with("id ") && text.contains("MEMBER PROJECT"),
        "{text}"
    );
    let (_, json, _) = run(v(&["get", &id, "-o", "json"])).await;
    let j: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(j["backup"]["id"], id.as_str());
    assert!(!j["members"].as_array().unwrap().is_empty());

    // A recipient sees the backup and its own status.
    let shared = pending_for_demo(&server).await;
    let sid = shared[0].id.clone().unwrap();
    let (code, json, err) = run(v(&["get", &sid, "-o", "json"])).await;
    assert_eq!(code, Some(0), "{err}");
    let j: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        (j["member_status"].as_str(), j["backup"]["id"].as_str()),
        (Some("pending"), Some(sid.as_str()))
    );

    // Neither: said so.
    let (code, _, err) = run(v(&["get", "8332443e-9866-41d8-8a58-a898cf5db030"])).await;
    assert_eq!(code, Some(1));
    assert!(
        err.contains("neither this project's nor shared with it"),
        "{err}"
    );
}
