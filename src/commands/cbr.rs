//! CBR, Cloud Backup and Recovery: every subcommand through [`CbrClient`], built on the
//! session of the VBS client. An owner lists, counts, shares and unshares backups by their
//! members; a recipient lists what is shared with it, accepts a shared backup into a vault
//! (naming the vault, or `auto` for the roomiest one that fits) or rejects it. Re-running a
//! write is safe: what is already done says so and exits 0.

use anyhow::bail;

use crate::api::cbr::model::{UpdateMemberRequest, size_text};
use crate::api::cbr::{
    AdviceContext, Backup, BackupQuery, CbrClient, Fit, MemberStatus, OwnType, Vault, pick_vault,
};
use crate::cli::{Command, FilterArgs, Format, GetFormat};
use crate::output::safe::{JsonLists, Sink, shared_backup_json, write_json_body};
use crate::schema::View;
use crate::schema::cbr::{
    MEMBER, MemberRow, SHARED, SHARED_ALL, SharedRow, VAULT, VAULT_FIT, VaultRow,
};
use crate::text::sanitize;

use super::{Ctx, UsageError};

/// Shared backups asked for per page while looking one up.
const PAGE: u32 = 1000;

/// Refuses what makes no sense under CBR: nothing, as CBR has every subcommand. The
/// argument check of `unshare` comes in [`run`], after read-only mode, as it always has.
#[expect(
    clippy::unnecessary_wraps,
    reason = "the shape every service's check has"
)]
pub fn check(_command: &Command) -> Result<(), UsageError> {
    Ok(())
}

/// Runs `command` against CBR, starting with [`check`] so it stands alone. Read-only
/// mode is the caller's: a write reaches here only when it is off.
pub async fn run(command: &Command, ctx: &Ctx<'_>) -> anyhow::Result<()> {
    check(command)?;
    if let Command::Unshare { to, backup, .. } = command
        && to.is_empty()
        && !backup
    {
        return Err(UsageError(
            "with CBR, name the members to remove with --to PROJECT_ID, or remove every \
             member with --backup"
                .into(),
        )
        .into());
    }
    let settings = ctx.settings;
    let (id, sink, names) = (ctx.ids.id.as_str(), ctx.sink, &settings.project_names);
    let cbr = CbrClient::new(ctx.client.session(), &settings.cbr_endpoint)?;
    match command {
        Command::List {
            filters,
            output,
            all,
            ..
        } => {
            if filters.shared_with_me {
                list_shared(&cbr, filters, *all, *output, sink, names).await
            } else {
                let n = settings.concurrency;
                list_owned(&cbr, filters, n, *all, *output, sink, names).await
            }
        }
        Command::Count { filters, .. } => {
            if filters.shared_with_me {
                count_shared(&cbr, filters).await
            } else {
                count_owned(&cbr, filters, settings.concurrency).await
            }
        }
        Command::Get { output, .. } => get(&cbr, id, *output, sink, names).await,
        Command::Share { to, output, .. } => share(&cbr, id, to, names, *output, sink).await,
        Command::Unshare { to, backup, .. } => unshare(&cbr, id, to, *backup).await,
        Command::Accept { vault, .. } => accept(&cbr, id, vault).await,
        Command::Reject { .. } => reject(&cbr, id).await,
        Command::Vaults { fits, output, .. } => vaults(&cbr, fits.as_deref(), *output, sink).await,
        Command::Config { .. } | Command::Serve(_) | Command::Completions { .. } => {
            unreachable!("`{}` is the same for every service", command.name())
        }
    }
}

/// A shared backup and this project's status for it, found through the status-filtered
/// lists (a shared backup carries no status of its own).
async fn find_shared(
    client: &CbrClient,
    backup_id: &str,
) -> anyhow::Result<Option<(Backup, MemberStatus)>> {
    for status in [
        MemberStatus::Pending,
        MemberStatus::Accepted,
        MemberStatus::Rejected,
    ] {
        let mut offset = 0;
        loop {
            let q = BackupQuery {
                own_type: Some(OwnType::Shared),
                member_status: Some(status.clone()),
                limit: Some(PAGE),
                offset: Some(offset),
                ..BackupQuery::default()
            };
            let page = client.list_backups(&q).await?.page;
            let got = page.items.len() as u64;
            if let Some(b) = page
                .items
                .into_iter()
                .find(|b| b.id.as_deref() == Some(backup_id))
            {
                return Ok(Some((b, status)));
            }
            offset += got;
            if got == 0 || page.count.is_some_and(|c| offset >= c) {
                break;
            }
        }
    }
    Ok(None)
}

/// Every vault of this project.
async fn all_vaults(client: &CbrClient) -> anyhow::Result<Vec<Vault>> {
    Ok(crate::api::cbr::lists::all_vaults(client).await?)
}

/// `name (id)` of a backup or vault, safe for the terminal.
fn label(name: Option<&String>, id: Option<&String>) -> String {
    let id = id.map_or("?", String::as_str);
    match name.filter(|n| !n.is_empty()) {
        Some(n) => format!("{} ({})", sanitize(n), sanitize(id)),
        None => sanitize(id).into_owned(),
    }
}

fn not_shared(backup_id: &str) -> anyhow::Error {
    anyhow::anyhow!(
        "backup {backup_id} is not shared with this project (not pending, accepted or \
         rejected): check the ID, or ask its owner to share it"
    )
}

/// `accept BACKUP_ID --vault VAULT_ID|auto`.
async fn accept(client: &CbrClient, backup_id: &str, vault: &str) -> anyhow::Result<()> {
    let Some((backup, status)) = find_shared(client, backup_id).await? else {
        return Err(not_shared(backup_id));
    };
    let what = label(backup.name.as_ref(), backup.id.as_ref());
    match status {
        MemberStatus::Accepted => {
            eprintln!("backup {what} is already accepted; nothing to do");
            return Ok(());
        }
        MemberStatus::Rejected => bail!(
            "backup {what} was rejected by this project; to accept it, ask its owner to \
             remove this project and share it again"
        ),
        _ => {}
    }
    let vaults = all_vaults(client).await?;
    let chosen = if vault.eq_ignore_ascii_case("auto") {
        match pick_vault(&vaults, &backup) {
            Some(v) => {
                eprintln!(
                    "chose vault {}, the fitting vault with the most free space",
                    label(v.name.as_ref(), v.id.as_ref())
                );
                v
            }
            None => {
                let mut lines = vec![format!("no vault of this project can take backup {what}:")];
                for v in &vaults {
                    lines.push(format!(
                        "  {}: {}",
                        label(v.name.as_ref(), v.id.as_ref()),
                        v.fit(&backup).reason()
                    ));
                }
                bail!("{}", lines.join("\n"));
            }
        }
    } else {
        let id = crate::api::ids::resource_id(crate::api::ids::Kind::Vault, vault)
            .map_err(|e| UsageError(e.0))?;
        let Some(v) = vaults.iter().find(|v| v.id.as_deref() == Some(id.as_str())) else {
            bail!("vault {id} is not one of this project's vaults: see vbshare vaults");
        };
        if let fit @ (Fit::WrongType { .. }
        | Fit::TypeUnknown
        | Fit::NotBackupVault { .. }
        | Fit::NotAvailable(_)
        | Fit::TooSmall { .. }
        | Fit::SizeUnknown) = v.fit(&backup)
        {
            bail!(
                "vault {} cannot take backup {what}: {}; pick another with --vault auto or see \
                 vbshare vaults --fits {backup_id}",
                label(v.name.as_ref(), v.id.as_ref()),
                fit.reason()
            );
        }
        v
    };
    let vault_id = chosen.id.clone().unwrap_or_default();
    client
        .update_member_status(
            backup_id,
            &UpdateMemberRequest::accept(vault_id.clone()),
            &AdviceContext::accepting(chosen, &backup),
        )
        .await?;
    let free = client
        .show_vault(&vault_id)
        .await
        .ok()
        .and_then(|(v, _)| v.free_mb());
    eprintln!(
        "accepted backup {what} into vault {}{}",
        label(chosen.name.as_ref(), chosen.id.as_ref()),
        free.map(|f| format!("; the vault now has {} free", size_text(f)))
            .unwrap_or_default()
    );
    Ok(())
}

/// `reject BACKUP_ID`.
async fn reject(client: &CbrClient, backup_id: &str) -> anyhow::Result<()> {
    let Some((backup, status)) = find_shared(client, backup_id).await? else {
        return Err(not_shared(backup_id));
    };
    let what = label(backup.name.as_ref(), backup.id.as_ref());
    if status == MemberStatus::Rejected {
        eprintln!("backup {what} is already rejected; nothing to do");
        return Ok(());
    }
    client
        .update_member_status(
            backup_id,
            &UpdateMemberRequest::reject(),
            &AdviceContext::default(),
        )
        .await?;
    eprintln!("rejected backup {what}");
    Ok(())
}

/// `vaults [--fits BACKUP_ID]`: this project's vaults, and whether each can take a backup.
async fn vaults(
    client: &CbrClient,
    fits: Option<&str>,
    format: GetFormat,
    sink: Sink,
) -> anyhow::Result<()> {
    let backup = match fits {
        Some(id) => match find_shared(client, id).await? {
            Some((b, _)) => Some(b),
            None => return Err(not_shared(id)),
        },
        None => None,
    };
    let vaults = all_vaults(client).await?;
    let mut out = std::io::stdout().lock();
    match format {
        GetFormat::Json => {
            let raws: Vec<String> = vaults.iter().map(Vault::to_json).collect();
            let body = format!(
                "{{\"vaults\": [{}], \"count\": {}}}",
                raws.join(", "),
                raws.len()
            );
            write_json_body(&mut out, &body, sink)?;
        }
        GetFormat::Table => {
            let rows: Vec<VaultRow> = vaults
                .into_iter()
                .map(|v| {
                    let verdict = backup.as_ref().map(|b| {
                        let fit = v.fit(b);
                        if fit.fits() {
                            format!("fits: {}", fit.reason())
                        } else {
                            fit.reason()
                        }
                    });
                    VaultRow::new(v, verdict)
                })
                .collect();
            let schema = if backup.is_some() { &VAULT_FIT } else { &VAULT };
            if rows.is_empty() {
                eprintln!("this project has no vaults");
            } else {
                crate::output::write_table_of(&mut out, schema, &rows, View::default())?;
            }
        }
    }
    Ok(())
}

/// `share BACKUP_ID --to PROJECT…` as the owner: adds the projects that are not members
/// yet; those that are say so (a re-run is safe).
async fn share(
    client: &CbrClient,
    backup_id: &str,
    to: &[String],
    names: &std::collections::BTreeMap<String, String>,
    format: Format,
    sink: Sink,
) -> anyhow::Result<()> {
    let members = client.list_members(backup_id, None, None).await?.page.items;
    let is_member = |p: &String| {
        members
            .iter()
            .any(|m| m.dest_project_id.as_ref() == Some(p))
    };
    for p in to.iter().filter(|p| is_member(p)) {
        eprintln!("project {p} is already a member; nothing to do for it");
    }
    let new: Vec<String> = to.iter().filter(|p| !is_member(p)).cloned().collect();
    if new.is_empty() {
        return Ok(());
    }
    let added = client.add_members(backup_id, &new).await?;
    let backup_name = client
        .show_backup(backup_id)
        .await
        .ok()
        .and_then(|(b, _)| b.name);
    let mut out = std::io::stdout().lock();
    match format {
        Format::Json => write_json_body(&mut out, &added.body, sink)?,
        other => {
            let rows: Vec<MemberRow> = added
                .page
                .items
                .into_iter()
                .map(|m| MemberRow::new(m, backup_name.clone(), names))
                .collect();
            match other {
                Format::Csv => crate::output::csv::write_rows_of(&mut out, &MEMBER, &rows, sink)?,
                Format::Ndjson => {
                    for r in &rows {
                        let line = r.member.to_json();
                        write_json_body(&mut out, &line, sink)?;
                    }
                }
                _ => crate::output::write_table_of(&mut out, &MEMBER, &rows, View::default())?,
            }
        }
    }
    eprintln!(
        "shared backup {backup_id} with {} project{}; each must accept it into a vault",
        new.len(),
        if new.len() == 1 { "" } else { "s" }
    );
    Ok(())
}

/// `unshare BACKUP_ID --to PROJECT…` or `--backup` as the owner: removes members; those
/// that are not members say so, and a member that had accepted is warned about.
async fn unshare(
    client: &CbrClient,
    backup_id: &str,
    to: &[String],
    all: bool,
) -> anyhow::Result<()> {
    let members = client.list_members(backup_id, None, None).await?.page.items;
    let targets: Vec<String> = if all {
        members
            .iter()
            .filter_map(|m| m.dest_project_id.clone())
            .collect()
    } else {
        to.to_vec()
    };
    if all && targets.is_empty() {
        eprintln!("backup {backup_id} has no members; nothing to do");
        return Ok(());
    }
    for p in &targets {
        let Some(m) = members
            .iter()
            .find(|m| m.dest_project_id.as_ref() == Some(p))
        else {
            eprintln!("project {p} is not a member of backup {backup_id}; nothing to do for it");
            continue;
        };
        if m.status == Some(MemberStatus::Accepted) {
            eprintln!(
                "warning: project {p} had accepted the backup into vault {}; it loses it now",
                m.vault_id.as_deref().unwrap_or("?")
            );
        }
        client.delete_member(backup_id, p).await?;
        eprintln!("removed project {p} from backup {backup_id}");
    }
    Ok(())
}

/// The statuses `--member-status` names (`all`: every one, in this order).
fn statuses(member_status: Option<&str>) -> Vec<MemberStatus> {
    match member_status.unwrap_or("pending") {
        "all" => vec![
            MemberStatus::Pending,
            MemberStatus::Accepted,
            MemberStatus::Rejected,
        ],
        s => vec![MemberStatus::parse(s)],
    }
}

/// The filters CBR's ListBackups applies itself, and refusals for those with no meaning
/// for a recipient's list. `--name` and `--from-project` are applied locally.
fn shared_query(f: &FilterArgs) -> anyhow::Result<BackupQuery> {
    let refuse = |flag: &str, why: &str| -> anyhow::Result<BackupQuery> {
        Err(UsageError(format!(
            "{flag} has no meaning for CBR's shared-with-me list: {why}"
        ))
        .into())
    };
    if f.to_project.is_some() {
        return refuse(
            "--to-project",
            "the members of a backup are its owner's to see",
        );
    }
    if f.sort_key.is_some() || f.sort_dir.is_some() {
        return refuse("--sort-key/--sort-dir", "the list comes newest first");
    }
    Ok(BackupQuery {
        own_type: Some(OwnType::Shared),
        statuses: f.status.clone(),
        resource_az: f.az.clone(),
        resource_id: f.volume_id.clone(),
        ..BackupQuery::default()
    })
}

/// The filters applied locally (CBR cannot filter by substring or by the sharing project):
/// `--name` (case-insensitive substring), `--from-project`, `--backup-id`, applied by
/// [`crate::api::cbr::shared_matches`], the browser's rule too.
fn local_filters(f: &FilterArgs) -> crate::api::query::Filters {
    crate::api::query::Filters {
        name: f.name.clone().unwrap_or_default(),
        from_project_id: f.from_project.clone().unwrap_or_default(),
        backup_id: f.backup_id.clone().unwrap_or_default(),
        ..crate::api::query::Filters::default()
    }
}

fn any_local(f: &FilterArgs) -> bool {
    f.name.is_some() || f.from_project.is_some() || f.backup_id.is_some()
}

/// Every backup shared with this project in `status` that passes the local filters.
async fn all_shared(
    client: &CbrClient,
    base: &BackupQuery,
    status: &MemberStatus,
    f: &FilterArgs,
) -> anyhow::Result<Vec<Backup>> {
    let q = BackupQuery {
        member_status: Some(status.clone()),
        ..base.clone()
    };
    let all = crate::api::cbr::lists::all_backups(client, &q).await?;
    let local = local_filters(f);
    Ok(all
        .into_iter()
        .filter(|b| crate::api::cbr::shared_matches(&local, b))
        .collect())
}

/// `list --shared-with-me [--member-status S|all]` under CBR: one page (or every page with
/// `--all`). One status and no local filter is one call, its body printed as received with
/// `-o json`; otherwise every matching page is read, filtered, then paged locally, so a
/// page is never short and a count never wrong.
async fn list_shared(
    client: &CbrClient,
    f: &FilterArgs,
    all_pages: bool,
    format: Format,
    sink: Sink,
    names: &std::collections::BTreeMap<String, String>,
) -> anyhow::Result<()> {
    let base = shared_query(f)?;
    let wanted = statuses(f.member_status.as_deref());
    let limit = u64::from(f.limit.unwrap_or(50));
    let offset = f.offset.unwrap_or(0);
    let mut out = std::io::stdout().lock();
    if wanted.len() == 1 && !any_local(f) && !all_pages {
        let q = BackupQuery {
            member_status: Some(wanted[0].clone()),
            limit: Some(limit as u32),
            offset: Some(offset),
            ..base
        };
        let listed = client.list_backups(&q).await?;
        let rows: Vec<SharedRow> = listed
            .page
            .items
            .iter()
            .map(|b| SharedRow::new(b.clone(), Some(wanted[0].to_string()), names))
            .collect();
        match format {
            Format::Json => write_json_body(&mut out, &listed.body, sink)?,
            _ => write_shared(&mut out, &SHARED, &rows, format, sink)?,
        }
        drop(out);
        note_page(offset, rows.len() as u64, listed.page.count);
        return Ok(());
    }
    let mut rows = Vec::new();
    for status in &wanted {
        for b in all_shared(client, &base, status, f).await? {
            rows.push(SharedRow::new(b, Some(status.to_string()), names));
        }
    }
    let total = rows.len() as u64;
    let page: Vec<SharedRow> = if all_pages {
        rows
    } else {
        rows.into_iter()
            .skip(offset as usize)
            .take(limit as usize)
            .collect()
    };
    let schema = if wanted.len() > 1 {
        &SHARED_ALL
    } else {
        &SHARED
    };
    match format {
        Format::Json => {
            let mut doc = JsonLists::start(&mut out, sink)?;
            doc.list("backups")?;
            for r in &page {
                let status = r.member_status.as_deref().unwrap_or("");
                doc.item(&shared_backup_json(status, &r.backup.to_json()))?;
            }
            doc.finish()?;
        }
        _ => write_shared(&mut out, schema, &page, format, sink)?,
    }
    drop(out);
    if !all_pages {
        note_page(offset, page.len() as u64, Some(total));
    }
    Ok(())
}

fn write_shared(
    out: &mut impl std::io::Write,
    schema: &crate::schema::Schema<SharedRow>,
    rows: &[SharedRow],
    format: Format,
    sink: Sink,
) -> std::io::Result<()> {
    match format {
        Format::Csv => crate::output::csv::write_rows_of(out, schema, rows, sink),
        Format::Ndjson => rows
            .iter()
            .try_for_each(|r| write_json_body(out, &r.backup.to_json(), sink)),
        Format::Table if rows.is_empty() => Ok(()),
        _ => crate::output::write_table_of(out, schema, rows, View::default()),
    }
}

fn note_page(offset: u64, shown: u64, total: Option<u64>) {
    if let Some(note) = super::page_note(offset, shown, total) {
        let note = note.replace("sharings", "shared backups");
        eprintln!("{note}");
    }
}

/// `count --shared-with-me [--member-status S|all]` under CBR: one number, or with `all`
/// one line per status and the total.
async fn count_shared(client: &CbrClient, f: &FilterArgs) -> anyhow::Result<()> {
    let base = shared_query(f)?;
    let wanted = statuses(f.member_status.as_deref());
    let mut counts = Vec::new();
    for status in &wanted {
        let n = if any_local(f) {
            all_shared(client, &base, status, f).await?.len() as u64
        } else {
            let q = BackupQuery {
                member_status: Some(status.clone()),
                limit: Some(1),
                ..base.clone()
            };
            let page = client.list_backups(&q).await?.page;
            page.count.unwrap_or(page.items.len() as u64)
        };
        counts.push((status.to_string(), n));
    }
    if counts.len() == 1 {
        println!("{}", counts[0].1);
    } else {
        let total: u64 = counts.iter().map(|(_, n)| n).sum();
        for (s, n) in counts {
            println!("{s} {n}");
        }
        println!("total {total}");
    }
    Ok(())
}

/// What the owner's walk found: the member rows passing the filters, the backups whose
/// members could not be read, and the walk's summary.
struct Owned {
    rows: Vec<MemberRow>,
    errors: Vec<(Backup, String)>,
    summary: crate::api::cbr::WalkSummary,
}

/// Walks this project's backups (narrowed on the server where CBR can) and keeps the
/// members that pass the local filters, with progress on stderr.
async fn owned(
    client: &CbrClient,
    f: &FilterArgs,
    concurrency: u32,
    names: &std::collections::BTreeMap<String, String>,
) -> anyhow::Result<Owned> {
    use crate::api::cbr::{WalkEvent, walk_owner};
    if f.from_project.is_some() {
        return Err(UsageError(
            "--from-project has no meaning for the backups this project shares: it shares them"
                .into(),
        )
        .into());
    }
    if f.sort_key.is_some() || f.sort_dir.is_some() {
        return Err(UsageError(
            "--sort-key/--sort-dir have no meaning for CBR's shared-by-me list: members come \
             newest first"
                .into(),
        )
        .into());
    }
    let wanted = match f.member_status.as_deref() {
        None | Some("all") => None,
        Some(s) => Some(MemberStatus::parse(s)),
    };
    let base = BackupQuery {
        statuses: f.status.clone(),
        resource_az: f.az.clone(),
        resource_id: f.volume_id.clone(),
        ..BackupQuery::default()
    };
    let local = local_filters(f);
    let mut bar = super::progress::Bar::for_stderr();
    let mut rows: Vec<MemberRow> = Vec::new();
    let mut errors: Vec<(Backup, String)> = Vec::new();
    let summary = walk_owner(client, &base, concurrency, |e| match e {
        WalkEvent::Backups { read, total } => bar.update(crate::export::Progress {
            pages: 0,
            rows: read,
            total,
        }),
        WalkEvent::Members { backup, members } => {
            if !crate::api::cbr::shared_matches(&local, &backup) {
                return;
            }
            for m in members {
                let project_ok = f
                    .to_project
                    .as_deref()
                    .is_none_or(|p| m.dest_project_id.as_deref() == Some(p));
                let status_ok = wanted.as_ref().is_none_or(|w| m.status.as_ref() == Some(w));
                if project_ok && status_ok {
                    rows.push(
                        MemberRow::new(m, backup.name.clone(), names)
                            .with_backup_json(backup.to_json()),
                    );
                }
            }
        }
        WalkEvent::Failed { backup, error } => errors.push((backup, error.to_string())),
    })
    .await;
    bar.finish();
    Ok(Owned {
        rows,
        errors,
        summary: summary?,
    })
}

/// `count` (shared by me) under CBR: how many member rows pass the filters.
async fn count_owned(client: &CbrClient, f: &FilterArgs, concurrency: u32) -> anyhow::Result<()> {
    let Owned { rows, errors, .. } =
        owned(client, f, concurrency, &std::collections::BTreeMap::new()).await?;
    println!("{}", rows.len());
    if !errors.is_empty() {
        anyhow::bail!(
            "the members of {} backups could not be read: the count is too low",
            errors.len()
        );
    }
    Ok(())
}

/// `get BACKUP_ID` under CBR: the backup and its members for its owner, or the backup and
/// this project's status for a recipient.
async fn get(
    client: &CbrClient,
    backup_id: &str,
    format: GetFormat,
    sink: Sink,
    names: &std::collections::BTreeMap<String, String>,
) -> anyhow::Result<()> {
    let own = client.project_id().to_owned();
    let owned = match client.show_backup(backup_id).await {
        Ok((b, _)) if b.project_id.as_deref() == Some(own.as_str()) => Some(b),
        _ => None,
    };
    let mut out = std::io::stdout().lock();
    if let Some(backup) = owned {
        let members = client.list_members(backup_id, None, None).await?;
        match format {
            GetFormat::Json => {
                let body = format!(
                    "{{\"backup\": {}, \"members\": [{}]}}",
                    backup.to_json(),
                    members
                        .page
                        .items
                        .iter()
                        .map(crate::api::cbr::Member::to_json)
                        .collect::<Vec<_>>()
                        .join(", ")
                );
                write_json_body(&mut out, &body, sink)?;
            }
            GetFormat::Table => {
                let name = backup.name.clone();
                crate::output::write_detail_of(
                    &mut out,
                    &SHARED,
                    &SharedRow::new(backup, None, names),
                )?;
                let rows: Vec<MemberRow> = members
                    .page
                    .items
                    .into_iter()
                    .map(|m| MemberRow::new(m, name.clone(), names))
                    .collect();
                if rows.is_empty() {
                    drop(out);
                    eprintln!("this backup is not shared with any project");
                } else {
                    std::io::Write::write_all(&mut out, b"\n")?;
                    crate::output::write_table_of(&mut out, &MEMBER, &rows, View::default())?;
                }
            }
        }
        return Ok(());
    }
    let Some((backup, status)) = find_shared(client, backup_id).await? else {
        anyhow::bail!(
            "backup {backup_id} is neither this project's nor shared with it (it may have been \
             deleted, or its sharing removed)"
        );
    };
    match format {
        GetFormat::Json => {
            let body = format!(
                "{{\"member_status\": \"{status}\", \"backup\": {}}}",
                backup.to_json()
            );
            write_json_body(&mut out, &body, sink)?;
        }
        GetFormat::Table => crate::output::write_detail_of(
            &mut out,
            &SHARED,
            &SharedRow::new(backup, Some(status.to_string()), names),
        )?,
    }
    Ok(())
}

/// `list` (shared by me) under CBR: the owner's walk over this project's backups and the
/// members of each, within `--concurrency`. Members are filtered on the member project
/// (`--to-project`) and status (`--member-status`) locally; the backups by what CBR can
/// filter. Backups whose members could not be read are reported and make the exit 1.
async fn list_owned(
    client: &CbrClient,
    f: &FilterArgs,
    concurrency: u32,
    all_pages: bool,
    format: Format,
    sink: Sink,
    names: &std::collections::BTreeMap<String, String>,
) -> anyhow::Result<()> {
    let Owned {
        mut rows,
        errors,
        summary,
    } = owned(client, f, concurrency, names).await?;
    // Newest sharing first, then by backup, so the order does not depend on arrival.
    rows.sort_by(|a, b| {
        b.member
            .created_at
            .cmp(&a.member.created_at)
            .then_with(|| a.member.backup_id.cmp(&b.member.backup_id))
            .then_with(|| a.member.dest_project_id.cmp(&b.member.dest_project_id))
    });
    let total = rows.len() as u64;
    let offset = f.offset.unwrap_or(0);
    let page: Vec<MemberRow> = if all_pages {
        rows
    } else {
        rows.into_iter()
            .skip(offset as usize)
            .take(f.limit.unwrap_or(50) as usize)
            .collect()
    };
    let mut out = std::io::stdout().lock();
    match format {
        Format::Json => {
            let mut doc = JsonLists::start(&mut out, sink)?;
            doc.list("members")?;
            for r in &page {
                doc.item(&r.element_json())?;
            }
            doc.list("errors")?;
            for (b, e) in &errors {
                doc.item(&crate::schema::cbr::FailedBackup::json(b.id.as_deref(), e))?;
            }
            doc.finish()?;
        }
        Format::Csv => crate::output::csv::write_rows_of(&mut out, &MEMBER, &page, sink)?,
        Format::Ndjson => {
            for r in &page {
                write_json_body(&mut out, &r.element_json(), sink)?;
            }
        }
        Format::Table if page.is_empty() => {}
        Format::Table => crate::output::write_table_of(&mut out, &MEMBER, &page, View::default())?,
    }
    drop(out);
    eprintln!(
        "members of {} backups read · {} shared · {} member{}{}",
        crate::text::thousands(summary.backups),
        crate::text::thousands(summary.shared),
        crate::text::thousands(total),
        if total == 1 { "" } else { "s" },
        if all_pages || total <= page.len() as u64 + offset {
            String::new()
        } else {
            format!(" (showing {}–{})", offset + 1, offset + page.len() as u64)
        }
    );
    if !errors.is_empty() {
        for (b, e) in &errors {
            eprintln!(
                "  members of backup {} could not be read: {e}",
                b.id.as_deref().unwrap_or("?")
            );
        }
        anyhow::bail!(
            "the members of {} backup{} could not be read; the rows above are the rest",
            errors.len(),
            if errors.len() == 1 { "" } else { "s" }
        );
    }
    Ok(())
}
