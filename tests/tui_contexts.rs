//! Switching context in the browser (`:` or `P`), in a real pseudo-terminal: two profiles
//! of one config file point at two embedded servers and different projects. The picker
//! lists the profiles, "env" and the projects IAM returns; choosing one re-resolves,
//! signs in and reloads without leaving; a profile that cannot connect keeps the old
//! context and says why.

#![allow(clippy::unwrap_used)]

use vbshare::api::sign::AkSk;
use vbshare::api::{Auth, Client, ClientConfig, Filters};
use vbshare::server::cbr::PARTNER_A;
use vbshare::server::{
    self, DEMO_ACCESS_KEY, DEMO_PROJECT_ID, DEMO_SECRET_KEY, RunningServer, ServerConfig,
};

#[path = "common/pty.rs"]
mod pty;

use pty::{Tui, footer, total};

async fn start() -> RunningServer {
    server::start(ServerConfig {
        listen: "127.0.0.1:0".parse().unwrap(),
        sharings: 300,
        ..ServerConfig::default()
    })
    .await
    .unwrap()
}

async fn by_me_total(endpoint: &str, project: &str) -> u64 {
    let auth = Auth::AkSk(AkSk {
        access_key: DEMO_ACCESS_KEY.into(),
        secret_key: DEMO_SECRET_KEY.into(),
        security_token: None,
    });
    let mut config = ClientConfig::new(endpoint, project, auth);
    config.proxies = vbshare::api::Proxies::default();
    Client::new(config)
        .unwrap()
        .count(&Filters::default())
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_profiles_switch_in_the_browser_and_a_failed_switch_keeps_the_context() {
    let (one, two) = (start().await, start().await);
    let (e1, e2) = (one.endpoint(), two.endpoint());
    let total_one = by_me_total(&e1, DEMO_PROJECT_ID).await;
    let total_two = by_me_total(&e2, PARTNER_A).await;
    assert_ne!(
        total_one, total_two,
        "the two contexts must differ to be told apart"
    );
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("config.toml");
    let port_two = e2.rsplit(':').next().unwrap().to_owned();
    std::fs::write(
        &config,
        format!(
            r#"default_profile = "alpha"

[profiles.alpha]
endpoint = "{e1}"
auth_url = "{e1}/v3"
project_id = "{DEMO_PROJECT_ID}"
access_key = "{DEMO_ACCESS_KEY}"
secret_key = "{DEMO_SECRET_KEY}"

[profiles.beta]
endpoint = "{e2}"
project_id = "{PARTNER_A}"
access_key = "{DEMO_ACCESS_KEY}"
secret_key = "{DEMO_SECRET_KEY}"

[profiles.gone]
endpoint = "http://127.0.0.1:9"
project_id = "{DEMO_PROJECT_ID}"
access_key = "{DEMO_ACCESS_KEY}"
secret_key = "{DEMO_SECRET_KEY}"

[project_names]
{PARTNER_A} = "eu-de_analytics"
"#
        ),
    )
    .unwrap();
    let config = config.to_str().unwrap().to_owned();
    tokio::task::spawn_blocking(move || {
        let mut tui = Tui::start_with(&[], &[("VBSHARE_CONFIG", config.as_str())]);
        tui.wait_for("alpha's first page", |s| {
            s.contains("alpha") && total(footer(s)) == Some(total_one)
        });

        // The picker: the three profiles, "env", and the projects IAM lists for alpha.
        tui.send(":");
        let picker = tui.wait_for("the picker with IAM's projects", |s| {
            s.contains("Switch context") && s.contains("eu-de_finance")
        });
        for entry in [
            "● alpha",
            "beta",
            "gone",
            "env",
            "eu-de_analytics",
            "eu-de_demo",
        ] {
            assert!(picker.contains(entry), "{entry} missing:\n{picker}");
        }

        // A profile that cannot connect: the old context stays, and the footer says why.
        tui.send("j"); // beta
        tui.send("j"); // gone
        tui.send("\r");
        let failed = tui.wait_for("the failed switch", |s| footer(s).contains("could not"));
        assert!(failed.contains("alpha"), "{failed}");
        assert_eq!(total(footer(&failed)), Some(total_one), "{failed}");

        // beta: another server and project, by name in the header.
        tui.send("P");
        tui.wait_for("the picker again", |s| s.contains("Switch context"));
        tui.send("j");
        tui.send("\r");
        let beta = tui.wait_for("beta's first page", |s| {
            total(footer(s)) == Some(total_two) && !s.contains("Switch context")
        });
        let header = beta.lines().next().unwrap();
        assert!(header.contains("beta"), "{beta}");
        assert!(header.contains("eu-de_analytics"), "{beta}");
        assert!(header.contains(&port_two), "{beta}");
        // beta has no IAM URL: its projects cannot be listed, and the picker says so.
        tui.send(":");
        let picker = tui.wait_for("beta's picker", |s| s.contains("cannot list"));
        assert!(picker.contains("● beta"), "{picker}");
        // Back to alpha (k from beta), then one of the projects its IAM lists: the same
        // profile and server, another project (as --project-id would give).
        tui.send("k");
        tui.send("\r");
        tui.wait_for("alpha again", |s| {
            s.lines().next().is_some_and(|h| h.contains("alpha"))
                && total(footer(s)) == Some(total_one)
        });
        tui.send(":");
        tui.wait_for("alpha's picker with IAM's projects", |s| {
            s.contains("eu-de_finance")
        });
        tui.send("G"); // the last entry: eu-de_finance, by name
        tui.send("\r");
        let finance = tui.wait_for("alpha on eu-de_finance", |s| {
            s.lines()
                .next()
                .is_some_and(|h| h.contains("alpha") && h.contains("eu-de_finance"))
                && total(footer(s)).is_some()
        });
        assert_ne!(total(footer(&finance)), Some(total_one), "{finance}");
        tui.send(":");
        tui.wait_for("the picker on the project", |s| {
            s.contains("● eu-de_finance")
        });
        tui.send("\x1b");
        // (waiting, so that q is not read as Alt+q)
        tui.wait_for("the picker to close", |s| !s.contains("Switch context"));
        tui.send("q");
        tui.wait_exit();
    })
    .await
    .unwrap();
    one.shutdown().await;
    two.shutdown().await;
}
