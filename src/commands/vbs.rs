//! VBS, the legacy Volume Backup Service: its sharings listed, counted, shown, made and
//! cancelled through [`Client`]. What VBS has no notion of (accepting, vaults, CBR's
//! members and member statuses) is refused here as a usage error that points to
//! `--service cbr`.

use std::io::Write;

use crate::api::Client;
use crate::cli::{Command, FilterArgs, Format, GetFormat};
use crate::export::{self, ExportFormat};
use crate::output;
use crate::output::safe::{Sink, write_json_body};

use super::{Ctx, UsageError, page_note, progress};

/// Refuses what makes no sense under VBS. `commands.rs` calls this before a client is built
/// or read-only mode is consulted, so such a command is told what to do instead first.
pub fn check(command: &Command) -> Result<(), UsageError> {
    match command {
        Command::Accept { .. } | Command::Reject { .. } | Command::Vaults { .. } => {
            Err(UsageError(format!(
                "`{}` is a CBR command: VBS has no accept step (a backup shared with this \
                 project is usable at once) and no vaults; pass --service cbr",
                command.name()
            )))
        }
        Command::List { filters, .. } | Command::Count { filters, .. }
            if filters.member_status.is_some() =>
        {
            Err(UsageError(
                "--member-status is for CBR (a recipient accepts or rejects a shared backup); \
                 VBS has no such status: pass --service cbr"
                    .into(),
            ))
        }
        Command::Unshare { to, .. } if !to.is_empty() => Err(UsageError(
            "--to is for CBR members; a VBS sharing is cancelled by its sharing ID, or every \
             sharing of a backup with --backup"
                .into(),
        )),
        _ => Ok(()),
    }
}

/// Runs `command` against VBS, starting with [`check`] so it stands alone. Read-only
/// mode is the caller's: a write reaches here only when it is off.
pub async fn run(command: &Command, ctx: &Ctx<'_>) -> anyhow::Result<()> {
    check(command)?;
    let (client, id, sink) = (ctx.client, ctx.ids.id.as_str(), ctx.sink);
    match command {
        Command::List {
            filters,
            output,
            all: true,
            ..
        } => list_all(client, filters, *output, sink).await,
        Command::List {
            filters, output, ..
        } => list_page(client, filters, *output, sink).await,
        Command::Count { filters, .. } => {
            let n = client.count(&filters.filters()).await?;
            writeln!(std::io::stdout().lock(), "{n}")?;
            Ok(())
        }
        Command::Get { output, .. } => {
            let (one, body) = client.get_with_body(id).await?;
            let mut out = std::io::stdout().lock();
            match output {
                GetFormat::Json => write_json_body(&mut out, &body, sink)?,
                GetFormat::Table => output::write_detail(&mut out, &one)?,
            }
            if let Some(note) = output::unparsed_note(std::slice::from_ref(&one)) {
                eprintln!("{note}");
            }
            Ok(())
        }
        Command::Share { to, output, .. } => {
            let made = client.share(id, to).await?;
            let mut out = std::io::stdout().lock();
            match output {
                Format::Table => output::write_table(&mut out, &made, false)?,
                other => write_rows(&mut out, export_format(*other, false), sink, &made)?,
            }
            Ok(())
        }
        Command::Unshare { backup, .. } => {
            client.cancel(id, *backup).await?;
            if *backup {
                eprintln!("cancelled every sharing of backup {id}");
            } else {
                eprintln!("cancelled sharing {id}");
            }
            Ok(())
        }
        // Refused by `check` above.
        Command::Accept { .. } | Command::Reject { .. } | Command::Vaults { .. } => {
            unreachable!("`{}` is refused under VBS", command.name())
        }
        Command::Config { .. } | Command::Serve(_) | Command::Completions { .. } => {
            unreachable!("`{}` is the same for every service", command.name())
        }
    }
}

/// `list` without `--all`: one page, and on stderr what else there is.
async fn list_page(
    client: &Client,
    filters: &FilterArgs,
    format: Format,
    sink: Sink,
) -> anyhow::Result<()> {
    let q = filters.list_query();
    let (rows, body) = client.list_with_body(&q).await?;
    let mut out = std::io::stdout().lock();
    match format {
        Format::Json => write_json_body(&mut out, &body, sink)?,
        Format::Table if rows.is_empty() => {}
        Format::Table => output::write_table(&mut out, &rows, q.filters.share_to_me)?,
        Format::Ndjson | Format::Csv => {
            write_rows(&mut out, export_format(format, false), sink, &rows)?;
        }
    }
    out.flush()?;
    drop(out);
    // A full page (or an empty one past the start) may not be everything: ask for the total
    // so the user hears so, instead of taking one page for the whole set.
    let offset = q.offset.unwrap_or(0);
    let shown = rows.len() as u64;
    let full = shown > 0 && shown >= u64::from(q.limit.unwrap_or(export::PAGE_SIZE));
    let total = if full || (shown == 0 && offset > 0) {
        client.count(&q.filters).await.ok()
    } else {
        Some(offset + shown)
    };
    // An empty page is said in words where a table would have shown a bare header; JSON,
    // NDJSON and CSV already say "nothing" in their own form.
    if let Some(note) =
        page_note(offset, shown, total).filter(|_| shown > 0 || format == Format::Table)
    {
        eprintln!("{note}");
    }
    if let Some(note) = output::unparsed_note(&rows) {
        eprintln!("{note}");
    }
    Ok(())
}

fn write_rows(
    out: &mut impl Write,
    format: ExportFormat,
    sink: Sink,
    rows: &[crate::api::Sharing],
) -> std::io::Result<()> {
    let mut w = export::RowWriter::new(format, sink);
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

/// `list --all`: every page streamed to stdout, progress on stderr when it is a terminal.
async fn list_all(
    client: &Client,
    filters: &FilterArgs,
    format: Format,
    sink: Sink,
) -> anyhow::Result<()> {
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
        sink,
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
    if let Some(note) = summary.throttle_note(client.concurrency()) {
        eprintln!("{note}");
    }
    if let Some(note) = output::unparsed_note_for(summary.unparsed_fields) {
        eprintln!("{note}");
    }
    Ok(())
}
