//! VBS, the legacy Volume Backup Service: its sharings listed, counted, shown, made and
//! cancelled through [`Client`].

use std::io::Write;

use crate::api::Client;
use crate::cli::{FilterArgs, Format};
use crate::export::{self, ExportFormat};
use crate::output;
use crate::output::safe::{Sink, write_json_body};

use super::{page_note, progress};

/// `list` without `--all`: one page, and on stderr what else there is.
pub(super) async fn list_page(
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

pub(super) fn write_rows(
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

pub(super) fn export_format(f: Format, share_to_me: bool) -> ExportFormat {
    match f {
        Format::Json => ExportFormat::Json,
        Format::Ndjson => ExportFormat::Ndjson,
        Format::Csv => ExportFormat::Csv,
        Format::Table => ExportFormat::Table { share_to_me },
    }
}

/// `list --all`: every page streamed to stdout, progress on stderr when it is a terminal.
pub(super) async fn list_all(
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
    if let Some(note) = output::unparsed_note_for(summary.unparsed_fields) {
        eprintln!("{note}");
    }
    Ok(())
}
