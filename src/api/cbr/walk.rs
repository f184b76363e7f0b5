//! The owner's view of CBR sharing, which no single call gives: this project's backups
//! (ListBackups `own_type=private`, narrowed by the filters CBR supports), then the members
//! of each, at most `concurrency` requests in flight, reported as they arrive.
//!
//! A backup whose member list fails is reported with its error, never dropped silently.
//! An answer of 429 or 503 (after the session's own retries) lowers the concurrency for the
//! rest of the walk. Dropping the walk's future cancels every request in flight.

use std::collections::HashSet;
use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;

use super::client::{BackupQuery, CbrClient, OwnType};
use super::model::{Backup, Member};
use crate::api::ApiError;

/// Backups asked for per ListBackups page while walking.
pub const WALK_PAGE: u32 = 1000;

/// One member of one of this project's backups.
#[derive(Clone, Debug)]
pub struct MemberRow {
    pub backup: Backup,
    pub member: Member,
}

/// What the walk reports as it goes.
#[derive(Debug)]
pub enum WalkEvent {
    /// A page of backups was read: how many so far, of how many.
    Backups { read: u64, total: Option<u64> },
    /// The members of one backup (empty when it is not shared).
    Members {
        backup: Backup,
        members: Vec<Member>,
    },
    /// One backup's members could not be read.
    Failed { backup: Backup, error: ApiError },
}

/// What a walk did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct WalkSummary {
    /// Backups whose members were read (or failed).
    pub backups: u64,
    /// Backups that have at least one member.
    pub shared: u64,
    /// Member rows found.
    pub members: u64,
    /// Backups whose members could not be read.
    pub failed: u64,
    /// The concurrency the walk ended with (lower than asked after 429 or 503).
    pub concurrency: u32,
}

/// Walks this project's backups matching `filters` (its `own_type`, `limit` and `offset`
/// are the walk's own) and the members of each, calling `on` for every event.
pub async fn walk_owner(
    client: &CbrClient,
    filters: &BackupQuery,
    concurrency: u32,
    on: impl FnMut(WalkEvent),
) -> Result<WalkSummary, ApiError> {
    walk_owner_skipping(client, filters, concurrency, &HashSet::new(), on).await
}

/// [`walk_owner`], not asking for the members of the backups in `skip` (read by an earlier
/// walk that was interrupted): a walk resumes rather than restarts. Skipped backups count
/// as read in [`WalkEvent::Backups`] but get no other event and are not in the summary.
pub async fn walk_owner_skipping<S: std::hash::BuildHasher>(
    client: &CbrClient,
    filters: &BackupQuery,
    concurrency: u32,
    skip: &HashSet<String, S>,
    mut on: impl FnMut(WalkEvent),
) -> Result<WalkSummary, ApiError> {
    let concurrency = concurrency.clamp(1, 8);
    let permits = Arc::new(Semaphore::new(concurrency as usize));
    let mut summary = WalkSummary {
        concurrency,
        ..WalkSummary::default()
    };
    let mut tasks: JoinSet<(Backup, Result<Vec<Member>, ApiError>)> = JoinSet::new();
    let mut offset: u64 = 0;
    let mut read: u64 = 0;
    let mut total: Option<u64> = None;
    // Pages of backups, each fanned out as soon as it arrives.
    loop {
        let q = BackupQuery {
            own_type: Some(OwnType::Private),
            limit: Some(WALK_PAGE),
            offset: Some(offset),
            ..filters.clone()
        };
        let page = client.list_backups(&q).await?.page;
        total = page.count.or(total);
        let got = page.items.len() as u64;
        read += got;
        offset += got;
        on(WalkEvent::Backups { read, total });
        for backup in page.items {
            let Some(id) = backup.id.clone() else {
                continue;
            };
            if skip.contains(&id) {
                continue;
            }
            let client = client.clone();
            let gate = permits.clone();
            tasks.spawn(async move {
                let Ok(_permit) = gate.acquire_owned().await else {
                    return (backup, Ok(Vec::new()));
                };
                let members = client
                    .list_members(&id, None, None)
                    .await
                    .map(|l| l.page.items);
                (backup, members)
            });
            // Report what has finished while the page is still being fanned out.
            while let Some(done) = tasks.try_join_next() {
                report(done, &mut summary, &permits, &mut on);
            }
        }
        let done = got == 0 || total.is_some_and(|t| read >= t);
        if done {
            break;
        }
    }
    while let Some(done) = tasks.join_next().await {
        report(done, &mut summary, &permits, &mut on);
    }
    Ok(summary)
}

type Done = Result<(Backup, Result<Vec<Member>, ApiError>), tokio::task::JoinError>;

fn report(
    done: Done,
    summary: &mut WalkSummary,
    permits: &Semaphore,
    on: &mut impl FnMut(WalkEvent),
) {
    let Ok((backup, result)) = done else {
        return;
    };
    summary.backups += 1;
    match result {
        Ok(members) => {
            if !members.is_empty() {
                summary.shared += 1;
                summary.members += members.len() as u64;
            }
            on(WalkEvent::Members { backup, members });
        }
        Err(error) => {
            summary.failed += 1;
            if matches!(error.status(), Some(429 | 503)) && summary.concurrency > 1 {
                // The service is pushing back: one request fewer in flight from now on.
                permits.forget_permits(1);
                summary.concurrency -= 1;
                tracing::info!(
                    concurrency = summary.concurrency,
                    "lowering the walk's concurrency"
                );
            }
            on(WalkEvent::Failed { backup, error });
        }
    }
}
