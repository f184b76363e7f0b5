//! What each subcommand does, given parsed arguments. `main.rs` only wires.

use std::io::Write;
use std::time::Duration;

use anyhow::Context as _;

use crate::api::cbr::CbrClient;
use crate::api::ids::Kind;
use crate::api::service::SharingService;
use crate::api::sign::AkSk;
use crate::api::{Auth, Client};
use crate::cli::{Cli, Command, ConnectionArgs, Format, GetFormat, MAX_SHARE_TARGETS, ServeArgs};
use crate::config::{self, Settings};
use crate::output;
use crate::output::safe::{Sink, write_json_body};
use crate::server::{self, RunningServer, ServerConfig};

mod cbr;
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
    let recipient_only = matches!(
        cli.command,
        Some(Command::Accept { .. } | Command::Reject { .. } | Command::Vaults { .. })
    );
    if recipient_only && settings.service == SharingService::Vbs {
        return Err(UsageError(format!(
            "`{}` is a CBR command: VBS has no accept step (a backup shared with this project \
             is usable at once) and no vaults; pass --service cbr",
            cli.command.as_ref().map_or("", Command::name)
        ))
        .into());
    }
    if settings.service == SharingService::Cbr
        && !matches!(
            cli.command,
            Some(
                Command::Config { .. }
                    | Command::Accept { .. }
                    | Command::Reject { .. }
                    | Command::Vaults { .. }
                    | Command::Share { .. }
                    | Command::Unshare { .. }
                    | Command::List { .. }
                    | Command::Count { .. }
                    | Command::Get { .. }
            )
        )
    {
        let what = cli
            .command
            .as_ref()
            .map_or_else(|| "the browser".to_owned(), |c| format!("`{}`", c.name()));
        return Err(anyhow::anyhow!(
            "{what} does not speak CBR in this build yet (the service is cbr from {}); the \
             CBR commands are list, count, get, share, unshare, accept, reject and vaults: \
             pass --service vbs for VBS, or run vbshare config to see the settings",
            settings
                .origin("service")
                .map_or_else(|| "the settings".to_owned(), ToString::to_string)
        ));
    }
    let filters = match &cli.command {
        Some(Command::List { filters, .. } | Command::Count { filters, .. }) => filters,
        _ => &cli.filters,
    };
    crate::cli::check_statuses(&filters.status, settings.service).map_err(UsageError)?;
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
        latency_ms: args.latency_ms,
        fail_rate: args.fail_rate,
        now: args.now.unwrap_or_else(|| ServerConfig::default().now),
        ..ServerConfig::default()
    };
    server::serve_until_signal(cfg)
        .await
        .with_context(|| format!("cannot serve on {listen}"))
}

async fn dispatch(cli: &Cli, settings: &Settings, client: Client, ids: &Ids) -> anyhow::Result<()> {
    let stdout = std::io::stdout();
    // Where output goes decides how server text is made safe for it.
    let csv_raw = matches!(
        &cli.command,
        Some(Command::List { csv_raw: true, .. } | Command::Share { csv_raw: true, .. })
    );
    let sink = Sink::stdout(csv_raw);
    match &cli.command {
        None => {
            let options = crate::tui::Options {
                header: crate::tui::HeaderInfo {
                    profile: settings.profile.clone().unwrap_or_else(|| "env".into()),
                    region: settings.region.clone().unwrap_or_else(|| "—".into()),
                    project_id: settings.project_id.clone(),
                    endpoint_host: client.host().to_owned(),
                    insecure: settings.insecure,
                },
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
            };
            crate::tui::run(client, options).await
        }
        Some(Command::List {
            filters,
            output,
            all,
            ..
        }) if settings.service == SharingService::Cbr => {
            let cbr = CbrClient::new(client.session(), &settings.cbr_endpoint)?;
            let names = &settings.project_names;
            if filters.shared_with_me {
                cbr::list_shared(&cbr, filters, *all, *output, sink, names).await
            } else {
                let n = settings.concurrency;
                cbr::list_owned(&cbr, filters, n, *all, *output, sink, names).await
            }
        }
        Some(Command::Count { filters, .. }) if settings.service == SharingService::Cbr => {
            let cbr = CbrClient::new(client.session(), &settings.cbr_endpoint)?;
            if filters.shared_with_me {
                cbr::count_shared(&cbr, filters).await
            } else {
                cbr::count_owned(&cbr, filters, settings.concurrency).await
            }
        }
        Some(Command::List { filters, .. } | Command::Count { filters, .. })
            if filters.member_status.is_some() =>
        {
            Err(UsageError(
                "--member-status is for CBR (a recipient accepts or rejects a shared backup); \
                 VBS has no such status: pass --service cbr"
                    .into(),
            )
            .into())
        }
        Some(Command::List {
            filters,
            output,
            all: true,
            ..
        }) => vbs::list_all(&client, filters, *output, sink).await,
        Some(Command::List {
            filters, output, ..
        }) => vbs::list_page(&client, filters, *output, sink).await,
        Some(Command::Share { to, output, .. }) if settings.service == SharingService::Cbr => {
            if settings.read_only {
                return Err(ReadOnlyError("share").into());
            }
            let cbr = CbrClient::new(client.session(), &settings.cbr_endpoint)?;
            cbr::share(&cbr, &ids.id, to, &settings.project_names, *output, sink).await
        }
        Some(Command::Unshare { to, backup, .. }) if settings.service == SharingService::Cbr => {
            if settings.read_only {
                return Err(ReadOnlyError("remove members").into());
            }
            if to.is_empty() && !backup {
                return Err(UsageError(
                    "with CBR, name the members to remove with --to PROJECT_ID, or remove every \
                     member with --backup"
                        .into(),
                )
                .into());
            }
            let cbr = CbrClient::new(client.session(), &settings.cbr_endpoint)?;
            cbr::unshare(&cbr, &ids.id, to, *backup).await
        }
        Some(Command::Unshare { to, .. }) if !to.is_empty() => Err(UsageError(
            "--to is for CBR members; a VBS sharing is cancelled by its sharing ID, or every \
             sharing of a backup with --backup"
                .into(),
        )
        .into()),
        Some(Command::Share { to, output, .. }) => {
            if settings.read_only {
                return Err(ReadOnlyError("share").into());
            }
            let made = client.share(&ids.id, to).await?;
            let mut out = stdout.lock();
            match output {
                Format::Table => output::write_table(&mut out, &made, false)?,
                other => vbs::write_rows(&mut out, vbs::export_format(*other, false), sink, &made)?,
            }
            Ok(())
        }
        Some(Command::Unshare { backup, .. }) => {
            if settings.read_only {
                return Err(ReadOnlyError("cancel a sharing").into());
            }
            client.cancel(&ids.id, *backup).await?;
            if *backup {
                eprintln!("cancelled every sharing of backup {}", ids.id);
            } else {
                eprintln!("cancelled sharing {}", ids.id);
            }
            Ok(())
        }
        Some(Command::Count { filters, .. }) => {
            let n = client.count(&filters.filters()).await?;
            writeln!(stdout.lock(), "{n}")?;
            Ok(())
        }
        Some(Command::Get { output, .. }) if settings.service == SharingService::Cbr => {
            let cbr = CbrClient::new(client.session(), &settings.cbr_endpoint)?;
            cbr::get(&cbr, &ids.id, *output, sink, &settings.project_names).await
        }
        Some(Command::Get { output, .. }) => {
            let (one, body) = client.get_with_body(&ids.id).await?;
            let mut out = stdout.lock();
            match output {
                GetFormat::Json => write_json_body(&mut out, &body, sink)?,
                GetFormat::Table => output::write_detail(&mut out, &one)?,
            }
            if let Some(note) = output::unparsed_note(std::slice::from_ref(&one)) {
                eprintln!("{note}");
            }
            Ok(())
        }
        Some(Command::Accept { vault, .. }) => {
            if settings.read_only {
                return Err(ReadOnlyError("accept a shared backup").into());
            }
            let cbr = CbrClient::new(client.session(), &settings.cbr_endpoint)?;
            cbr::accept(&cbr, &ids.id, vault).await
        }
        Some(Command::Reject { .. }) => {
            if settings.read_only {
                return Err(ReadOnlyError("reject a shared backup").into());
            }
            let cbr = CbrClient::new(client.session(), &settings.cbr_endpoint)?;
            cbr::reject(&cbr, &ids.id).await
        }
        Some(Command::Vaults { fits, output, .. }) => {
            let cbr = CbrClient::new(client.session(), &settings.cbr_endpoint)?;
            cbr::vaults(&cbr, fits.as_deref(), *output, sink).await
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
        // The embedded server speaks both services at one address.
        cbr_endpoint: server.endpoint(),
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
