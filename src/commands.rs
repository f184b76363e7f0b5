//! What each subcommand does, given parsed arguments. `main.rs` only wires.

use std::io::Write;
use std::time::Duration;

use anyhow::Context as _;

use crate::api::sign::AkSk;
use crate::api::{Auth, Client};
use crate::cli::{Cli, Command, FilterArgs, Format, GlobalArgs, MAX_SHARE_TARGETS};
use crate::config::{self, Settings};
use crate::export::{self, ExportFormat};
use crate::output;
use crate::server::{self, RunningServer, ServerConfig};

mod progress;

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
    if let Some(Command::Completions { shell }) = &cli.command {
        let mut cmd = <Cli as clap::CommandFactory>::command();
        clap_complete::generate(*shell, &mut cmd, "vbshare", &mut std::io::stdout());
        return Ok(());
    }
    if let Some(Command::Share { to, .. }) = &cli.command {
        check_targets(to)?;
    }
    if let Some(Command::Serve(args)) = &cli.command {
        let cfg = ServerConfig {
            listen: args.listen,
            seed: args.seed,
            sharings: args.sharings,
            latency_ms: args.latency_ms,
            fail_rate: args.fail_rate,
        };
        return server::serve_until_signal(cfg)
            .await
            .with_context(|| format!("cannot serve on {}", args.listen));
    }
    let (settings, demo) = settings_for(&cli.global).await?;
    for w in &settings.warnings {
        eprintln!("{w}");
    }
    if settings.insecure {
        eprintln!(
            "WARNING: --insecure: TLS certificates are NOT verified; anyone on the network path \
             can read and change this traffic, credentials included."
        );
    }
    let client = Client::new(settings.client_config()?)?;
    let result = dispatch(&cli, &settings, client).await;
    if let Some(server) = demo {
        server.shutdown().await;
    }
    result
}

async fn dispatch(cli: &Cli, settings: &Settings, client: Client) -> anyhow::Result<()> {
    let stdout = std::io::stdout();
    match &cli.command {
        None => {
            let options = crate::tui::Options {
                header: crate::tui::HeaderInfo {
                    profile: settings.profile.clone().unwrap_or_else(|| {
                        if cli.global.demo {
                            "demo".into()
                        } else {
                            "env".into()
                        }
                    }),
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
                debounce: Duration::from_millis(cli.global.debounce_ms),
                mouse: cli.global.mouse,
                no_color: std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()),
                read_only: settings.read_only,
                refresh: cli.global.refresh.map(Duration::from_secs),
            };
            crate::tui::run(client, options).await
        }
        Some(Command::List {
            filters,
            output,
            all: true,
        }) => list_all(&client, filters, *output).await,
        Some(Command::List {
            filters,
            output,
            all: false,
        }) => {
            let q = filters.list_query();
            let (rows, body) = client.list_with_body(&q).await?;
            let mut out = stdout.lock();
            match output {
                Format::Json => writeln!(out, "{}", body.trim_end())?,
                Format::Table => output::write_table(&mut out, &rows, q.filters.share_to_me)?,
                Format::Ndjson | Format::Csv => {
                    write_rows(&mut out, export_format(*output, false), &rows)?;
                }
            }
            out.flush()?;
            Ok(())
        }
        Some(Command::Share {
            backup_id,
            to,
            output,
        }) => {
            if settings.read_only {
                return Err(ReadOnlyError("share").into());
            }
            let made = client.share(backup_id, to).await?;
            let mut out = stdout.lock();
            match output {
                Format::Table => output::write_table(&mut out, &made, false)?,
                other => write_rows(&mut out, export_format(*other, false), &made)?,
            }
            Ok(())
        }
        Some(Command::Unshare { id, backup }) => {
            if settings.read_only {
                return Err(ReadOnlyError("cancel a sharing").into());
            }
            client.cancel(id, *backup).await?;
            if *backup {
                eprintln!("cancelled every sharing of backup {id}");
            } else {
                eprintln!("cancelled sharing {id}");
            }
            Ok(())
        }
        Some(Command::Count { filters }) => {
            let n = client.count(&filters.filters()).await?;
            writeln!(stdout.lock(), "{n}")?;
            Ok(())
        }
        Some(Command::Get { sharing_id, output }) => {
            let (one, body) = client.get_with_body(sharing_id).await?;
            let mut out = stdout.lock();
            match output {
                Format::Json => writeln!(out, "{}", body.trim_end())?,
                Format::Table => output::write_detail(&mut out, &one)?,
                other => write_rows(&mut out, export_format(*other, false), &[one])?,
            }
            Ok(())
        }
        Some(Command::Serve(_) | Command::Completions { .. }) => {
            unreachable!("handled before settings are resolved")
        }
    }
}

fn write_rows(
    out: &mut impl Write,
    format: ExportFormat,
    rows: &[crate::api::Sharing],
) -> std::io::Result<()> {
    let mut w = export::RowWriter::new(format, output::safe::Sink::stdout(false));
    w.begin(out)?;
    for r in rows {
        w.row(out, r)?;
    }
    w.end(out)
}

fn export_format(f: Format, share_to_me: bool) -> ExportFormat {
    match f {
        Format::Json => ExportFormat::Json,
        Format::Ndjson => ExportFormat::Ndjson,
        Format::Csv => ExportFormat::Csv,
        Format::Table => ExportFormat::Table { share_to_me },
    }
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

/// `list --all`: every page streamed to stdout, progress on stderr when it is a terminal.
async fn list_all(client: &Client, filters: &FilterArgs, format: Format) -> anyhow::Result<()> {
    let q = filters.list_query();
    let sort = (
        q.sort_key.unwrap_or_default(),
        q.sort_dir.unwrap_or_default(),
    );
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, stdout.lock());
    let mut bar = progress::Bar::for_stderr();
    let summary = export::export_all(
        client,
        &q.filters,
        sort,
        export_format(format, q.filters.share_to_me),
        output::safe::Sink::stdout(false),
        &mut out,
        |p| bar.update(p),
    )
    .await;
    bar.finish();
    let summary = summary?;
    out.flush()?;
    if let Some(w) = summary.consistency_warning() {
        eprintln!("{w}");
    }
    Ok(())
}

/// Resolves settings; with `--demo`, starts the embedded server and points at it.
async fn settings_for(g: &GlobalArgs) -> anyhow::Result<(Settings, Option<RunningServer>)> {
    if !g.demo {
        let s = config::resolve(&g.overrides(), &config::process_env)?;
        return Ok((s, None));
    }
    let cfg = ServerConfig {
        listen: ([127, 0, 0, 1], 0).into(),
        ..ServerConfig::default()
    };
    let server = server::start(cfg)
        .await
        .context("cannot start the demo server")?;
    let settings = Settings {
        endpoint: server.endpoint(),
        project_id: server::DEMO_PROJECT_ID.to_owned(),
        region: Some("demo-region-1".to_owned()),
        profile: Some("demo".to_owned()),
        auth: Auth::AkSk(AkSk {
            access_key: server::DEMO_ACCESS_KEY.to_owned(),
            secret_key: server::DEMO_SECRET_KEY.to_owned(),
            security_token: None,
        }),
        insecure: false,
        ca_cert: None,
        timeout: Duration::from_secs_f64(g.timeout.unwrap_or(30.0)),
        retries: g.retries.unwrap_or(3),
        read_only: g.read_only,
        warnings: Vec::new(),
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
            body: crate::api::error::parse_error_body(body),
            retry_after: None,
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
