//! What each subcommand does, given parsed arguments. `main.rs` only wires.
//!
//! [`run`] does what is the same for every service, once: usage checks, settings, the
//! `--status` check, read-only mode for every write ([`Command::write_action`] names them),
//! and the commands that are not per service (`config`, `serve`, `completions`, and the
//! browser). The rest goes to the module of the service in use, `vbs` or `cbr` beside this
//! file. Each has the same two entry points:
//!
//! - `check(&Command) -> Result<(), UsageError>`: refuses what makes no sense for the
//!   service (`accept` under VBS, say), before a client is built or read-only mode is
//!   consulted, so the user hears what to do instead first;
//! - `run(&Command, &Ctx) -> anyhow::Result<()>`: every subcommand against the service,
//!   given the settings, the client (whose session a service's own client is built on), the
//!   checked IDs and the output sink in `Ctx`.
//!
//! A third service touches four files here: its new `commands/<service>.rs` with those
//! two functions; this file (its `mod` line and one arm in each `match settings.service`);
//! its entry in the service list, `api/service.rs`; and `cli.rs`, whose
//! [`Command::write_action`] words its `unshare` for a read-only refusal and whose
//! [`check_statuses`](crate::cli::check_statuses) knows its backup statuses. The compiler
//! points at each match once the entry is in the list. Its API client and row schemas are
//! modules of their own under `api/` and `schema/`, as `api/service.rs` says.

use std::io::Write;
use std::time::Duration;

use anyhow::Context as _;

use crate::api::ids::Kind;
use crate::api::service::SharingService;
use crate::api::sign::AkSk;
use crate::api::{Auth, Client};
use crate::cli::{Cli, Command, ConnectionArgs, MAX_SHARE_TARGETS, ServeArgs};
use crate::config::{self, Settings};
use crate::output::safe::Sink;
use crate::server::{self, RunningServer, ServerConfig};

mod cbr;
mod contexts;
mod progress;
mod show_config;
mod vbs;

/// A mistake in how vbshare was called, found after parsing: exits with status 2.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct UsageError(pub String);

/// A write refused because of read-only mode.
#[derive(Debug, thiserror::Error)]
#[error(
    "refusing to {0}: read-only mode is on (--read-only, VBSHARE_READ_ONLY or read_only in the config profile)"
)]
pub struct ReadOnlyError(pub &'static str);

/// An error as the one line the CLI prints: each cause in the chain once (a cause whose text
/// an outer message already holds is skipped), control characters as spaces.
pub fn error_line(e: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if text.is_empty() || line.contains(&text) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    // Causes may carry a server's words: line breaks become spaces, and any other control
    // character, escape sequence or bidi override is shown, never sent to the terminal.
    let line: String = line
        .chars()
        .map(|c| {
            if matches!(c, '\n' | '\r' | '\t') {
                ' '
            } else {
                c
            }
        })
        .collect();
    let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
    crate::text::sanitize(&line).into_owned()
}

/// Runs the command line; errors are printed by the caller as one line ([`error_line`]).
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    if let Some(why) = cli.misplaced() {
        return Err(UsageError(why).into());
    }
    match &cli.command {
        Some(Command::Completions { shell }) => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(*shell, &mut cmd, "vbshare", &mut std::io::stdout());
            return Ok(());
        }
        Some(Command::Serve(args)) => return serve(args).await,
        Some(Command::Share { to, .. }) => check_targets(to)?,
        _ => {}
    }
    let conn = cli.connection();
    let conflicts = conn.demo_conflicts();
    if !conflicts.is_empty() {
        return Err(UsageError(format!(
            "--demo uses the embedded server and its own settings; it cannot be combined with {}",
            conflicts.join(", ")
        ))
        .into());
    }
    let ids = Ids::of(cli.command.as_ref())?;
    let (settings, demo) = settings_for(&conn).await?;
    crate::schema::names::install(settings.project_names.clone());
    for w in &settings.warnings {
        eprintln!("{w}");
    }
    if settings.insecure {
        eprintln!(
            "WARNING: --insecure: TLS certificates are NOT verified; anyone on the network path \
             can read and change this traffic, credentials included."
        );
    }
    let filters = match &cli.command {
        Some(Command::List { filters, .. } | Command::Count { filters, .. }) => filters,
        _ => &cli.filters,
    };
    crate::cli::check_statuses(&filters.status, settings.service).map_err(UsageError)?;
    // What the service cannot do is said before anything else can fail or refuse.
    if let Some(command) = &cli.command {
        match settings.service {
            SharingService::Vbs => vbs::check(command)?,
            SharingService::Cbr => cbr::check(command)?,
        }
    }
    let client = Client::new(settings.client_config()?)?;
    let result = dispatch(&cli, &settings, client, &ids).await;
    if let Some(server) = demo {
        server.shutdown().await;
    }
    result
}

/// The IDs a command was given, checked and normalised before anything is sent.
#[derive(Debug, Default)]
struct Ids {
    id: String,
}

impl Ids {
    fn of(command: Option<&Command>) -> Result<Ids, UsageError> {
        let id = match command {
            Some(Command::Get { sharing_id, .. }) => Some((Kind::Sharing, sharing_id)),
            Some(Command::Share { backup_id, .. }) => Some((Kind::Backup, backup_id)),
            Some(Command::Unshare { id, backup, to, .. }) => {
                let backup = *backup || !to.is_empty();
                Some((if backup { Kind::Backup } else { Kind::Sharing }, id))
            }
            Some(Command::Accept { backup_id, .. } | Command::Reject { backup_id, .. }) => {
                Some((Kind::Backup, backup_id))
            }
            _ => None,
        };
        Ok(Ids {
            id: match id {
                Some((kind, id)) => {
                    crate::api::ids::resource_id(kind, id).map_err(|e| UsageError(e.0))?
                }
                None => String::new(),
            },
        })
    }
}

/// `vbshare serve`: resolves the listen address and refuses a non-loopback one unless
/// `--allow-remote` says the public demo credentials may be exposed.
async fn serve(args: &ServeArgs) -> anyhow::Result<()> {
    let listen = tokio::net::lookup_host(args.listen.as_str())
        .await
        .map_err(|e| UsageError(format!("cannot resolve --listen {}: {e}", args.listen)))?
        .next()
        .ok_or_else(|| UsageError(format!("--listen {} resolves to no address", args.listen)))?;
    if !listen.ip().is_loopback() {
        if !args.allow_remote {
            return Err(UsageError(format!(
                "--listen {} is reachable from other machines, and the demo server hands out \
                 fixed, public credentials; pass --allow-remote if that is what you want",
                args.listen
            ))
            .into());
        }
        eprintln!(
            "WARNING: serving on {listen}: anyone who can reach this address can use the demo \
             credentials printed below."
        );
    }
    let cfg = ServerConfig {
        listen,
        seed: args.seed,
        sharings: args.sharings,
        cbr_backups: args.cbr_backups as usize,
        latency_ms: args.latency_ms,
        fail_rate: args.fail_rate,
        now: args.now.unwrap_or_else(|| ServerConfig::default().now),
        ..ServerConfig::default()
    };
    server::serve_until_signal(cfg)
        .await
        .with_context(|| format!("cannot serve on {listen}"))
}

/// What a service's `run` is given besides the command.
#[derive(Debug)]
struct Ctx<'a> {
    settings: &'a Settings,
    /// The VBS client; another service builds its own on this one's [`Client::session`]
    /// (transport, credentials, token).
    client: &'a Client,
    ids: &'a Ids,
    /// Where output goes, which decides how server text is made safe for it.
    sink: Sink,
}

/// Runs a command once settings are resolved and the client is built: read-only mode for
/// every write, then the browser and `config` here, the rest in the service's module.
async fn dispatch(cli: &Cli, settings: &Settings, client: Client, ids: &Ids) -> anyhow::Result<()> {
    let stdout = std::io::stdout();
    // Where output goes decides how server text is made safe for it.
    let csv_raw = matches!(
        &cli.command,
        Some(Command::List { csv_raw: true, .. } | Command::Share { csv_raw: true, .. })
    );
    let sink = Sink::stdout(csv_raw);
    // Read-only mode, for every write of every service, before the service runs it.
    if let Some(what) = cli
        .command
        .as_ref()
        .and_then(|c| c.write_action(settings.service))
        && settings.read_only
    {
        return Err(ReadOnlyError(what).into());
    }
    match &cli.command {
        None => {
            let contexts = contexts::Contexts::new(
                &cli.connection().overrides(),
                cli.connection().demo,
                settings,
                &client,
            );
            let mut options = crate::tui::Options {
                initial: {
                    let mut q = cli.filters.list_query();
                    q.limit = q.limit.or(Some(50));
                    q
                },
                debounce: Duration::from_millis(cli.browser.debounce_ms.unwrap_or(200)),
                mouse: cli.browser.mouse,
                no_color: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
                read_only: settings.read_only,
                refresh: cli.browser.refresh.map(Duration::from_secs),
                service: settings.service,
                cbr: contexts::cbr_client(settings, &client),
                concurrency: settings.concurrency,
                log_file: cli.log().log_file,
                request_log: Some(client.session().request_log().clone()),
                ..crate::tui::Options::default()
            };
            contexts.apply(&mut options);
            crate::tui::run(client, options, Some(std::sync::Arc::new(contexts))).await
        }
        Some(Command::Config { check, .. }) => {
            let mut out = stdout.lock();
            write!(out, "{}", show_config::render(settings, &client))?;
            out.flush()?;
            if *check {
                drop(out);
                show_config::check(&client).await?;
            }
            Ok(())
        }
        Some(Command::Serve(_) | Command::Completions { .. }) => {
            unreachable!("handled before settings are resolved")
        }
        Some(command) => {
            let ctx = Ctx {
                settings,
                client: &client,
                ids,
                sink,
            };
            match settings.service {
                SharingService::Vbs => vbs::run(command, &ctx).await,
                SharingService::Cbr => cbr::run(command, &ctx).await,
            }
        }
    }
}

/// What `list` says on stderr about the page it printed: that nothing matched, or which rows
/// of how many it showed when there are more.
pub fn page_note(offset: u64, shown: u64, total: Option<u64>) -> Option<String> {
    use crate::text::thousands;
    if shown == 0 {
        return Some(match total {
            Some(t) if t > 0 => format!(
                "no sharings at offset {}; {} match (try a smaller --offset)",
                thousands(offset),
                thousands(t)
            ),
            _ => "no sharings match".to_owned(),
        });
    }
    let total = total?;
    let last = offset + shown;
    (last < total).then(|| {
        format!(
            "showing {}–{} of {}; use --all or --offset {last} for more",
            thousands(offset + 1),
            thousands(last),
            thousands(total),
        )
    })
}

fn check_targets(to: &[String]) -> Result<(), UsageError> {
    let mut seen = std::collections::HashSet::new();
    if let Some(dup) = to.iter().find(|t| !seen.insert(t.as_str())) {
        return Err(UsageError(format!("project {dup} is given twice")));
    }
    if to.len() > MAX_SHARE_TARGETS {
        return Err(UsageError(format!(
            "a backup can be shared with at most {MAX_SHARE_TARGETS} projects at once ({} given)",
            to.len()
        )));
    }
    Ok(())
}

/// Resolves settings; with `--demo`, starts the embedded server and points at it.
async fn settings_for(c: &ConnectionArgs) -> anyhow::Result<(Settings, Option<RunningServer>)> {
    if !c.demo {
        let s = config::resolve(&c.overrides(), &config::process_env)?;
        return Ok((s, None));
    }
    let cfg = ServerConfig {
        listen: ([127, 0, 0, 1], 0).into(),
        ..ServerConfig::default()
    };
    let server = server::start(cfg)
        .await
        .context("cannot start the demo server")?;
    let mut warnings = Vec::new();
    let env_read_only = config::read_only_from_env(
        config::process_env("VBSHARE_READ_ONLY").as_deref(),
        &mut warnings,
    );
    let demo = || config::Origin::Demo;
    let settings = Settings {
        endpoint: server.endpoint(),
        project_id: server::DEMO_PROJECT_ID.to_owned(),
        region: Some("demo-region-1".to_owned()),
        profile: Some("demo".to_owned()),
        config_file: None,
        auth: Auth::AkSk(AkSk {
            access_key: server::DEMO_ACCESS_KEY.to_owned(),
            secret_key: server::DEMO_SECRET_KEY.to_owned(),
            security_token: None,
        }),
        insecure: c.insecure,
        ca_cert: c.ca_cert.clone(),
        ssl_cert_file: None,
        ssl_cert_dirs: Vec::new(),
        // The embedded server is on loopback, which is always reached directly.
        proxies: crate::api::Proxies::default(),
        timeout: Duration::from_secs_f64(c.timeout.unwrap_or(30.0)),
        retries: c.retries.unwrap_or(3),
        read_only: c.read_only || env_read_only,
        vbs_unavailable: None,
        service: match c
            .service
            .as_deref()
            .map(str::to_owned)
            .or_else(|| config::process_env("VBSHARE_SERVICE"))
        {
            Some(v) => v.parse().map_err(UsageError)?,
            None => crate::api::service::SharingService::default(),
        },
        // The embedded server speaks both services (and IAM) at one address.
        cbr_endpoint: server.endpoint(),
        iam_url: Some(format!("{}/v3", server.endpoint())),
        concurrency: c.concurrency.unwrap_or(config::DEFAULT_CONCURRENCY),
        project_names: server::cbr::project_names()
            .into_iter()
            .map(|(id, name)| (id.to_owned(), name.to_owned()))
            .collect(),
        origins: vec![
            ("region", demo()),
            ("endpoint", demo()),
            ("project_id", demo()),
            ("credentials", demo()),
            (
                "service",
                if c.service.is_some() {
                    config::Origin::Flag("--service")
                } else if config::process_env("VBSHARE_SERVICE").is_some() {
                    config::Origin::Env("VBSHARE_SERVICE")
                } else {
                    config::Origin::Default
                },
            ),
        ],
        ignored: Vec::new(),
        warnings,
    };
    Ok((settings, Some(server)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_lines_say_each_cause_once_on_one_line() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "No such file");
        // A message that already holds its cause, as `ConfigError::Read` does.
        let e = anyhow::Error::new(io).context("cannot read /x: No such file");
        assert_eq!(error_line(&e), "cannot read /x: No such file");
        let e = anyhow::anyhow!("inner\ncause").context("outer");
        assert_eq!(error_line(&e), "outer: inner cause");
    }

    #[test]
    fn a_hostile_server_message_cannot_reach_the_terminal() {
        let body =
            r#"{"error":{"code":"X\u001b[31m","message":"title\u001b]0;pwned\u0007 \u202eevil"}}"#;
        let status = crate::api::error::StatusError {
            status: 400,
            body: Box::new(crate::api::error::parse_error_body(body)),
            retry_after: None,
            call: None,
            advice: None,
        };
        let line = error_line(&anyhow::Error::new(crate::api::ApiError::Status(status)));
        assert!(!line.contains(['\u{1b}', '\u{7}', '\u{202e}']), "{line:?}");
        assert!(
            line.contains("title\\x1b]0;pwned\\x07 \\u{202e}evil"),
            "{line}"
        );
        assert!(line.contains("X\\x1b[31m"), "{line}");
    }
}
