//! The owner's view of CBR sharing, which no single call gives: this project's backups
//! (ListBackups `own_type=private`, narrowed by the filters CBR supports) and the members
//! of each, at most `concurrency` requests in flight, reported as they arrive. Member calls
//! start as soon as the first (small) page of backups is in, while the next pages are read
//! (see `walk/pages.rs`): over a real network the walk costs one round trip more than its member
//! calls, not one per page.
//!
//! Every backup's members are asked for: a backup record says nothing of its sharing (CBR's
//! `BackupResp` has no member field), so no backup can be skipped as "not shared".
//! The walk's time is therefore about (backups / concurrency) round trips.
//!
//! A backup whose member list fails is reported with its error, never dropped silently.
//! An answer of 429 or 503 (after the session's own retries) lowers the concurrency for the
//! rest of the walk. Dropping the walk's future cancels every request in flight.

use std::collections::{HashSet, VecDeque};

use tokio::task::JoinSet;

use super::client::{BackupQuery, CbrClient, OwnType};
use super::model::{Backup, Member, Page};
use crate::api::ApiError;

mod pages;
mod slots;

use pages::{PageAsk, Pages};
use slots::Slots;

/// Backups asked for per ListBackups page while walking.
pub const WALK_PAGE: u32 = 1000;

/// Backups asked for by the walk's first page: few, so that member calls start one short
/// round trip in, while the first whole page is on its way.
pub const FIRST_PAGE: u32 = 100;

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

/// What one request of the walk brought back.
enum Done {
    Page(PageAsk, Result<Page<Backup>, ApiError>),
    Members(Box<Backup>, Result<Vec<Member>, ApiError>),
}

/// [`walk_owner`], not asking for the members of the backups in `skip` (read by an earlier
/// walk that was interrupted): a walk resumes rather than restarts. Skipped backups count
/// as read in [`WalkEvent::Backups`] but get no other event and are not in the summary.
///
/// Every request, pages and member lists alike, takes one of the `concurrency` slots; a
/// page the walk needs is queued before the member lists not yet queued, so the slots
/// never wait for work.
pub async fn walk_owner_skipping<S: std::hash::BuildHasher>(
    client: &CbrClient,
    filters: &BackupQuery,
    concurrency: u32,
    skip: &HashSet<String, S>,
    mut on: impl FnMut(WalkEvent),
) -> Result<WalkSummary, ApiError> {
    let concurrency = concurrency.clamp(1, 8);
    let mut summary = WalkSummary {
        concurrency,
        ..WalkSummary::default()
    };
    // Requests in flight are capped by the slots; each request is spawned a little ahead
    // and waits for its slot, so a slot that frees up starts the next request at once
    // instead of waiting for this loop to be scheduled.
    let slots = Slots::new(concurrency);
    let ahead = 2 * concurrency as usize;
    let mut pages = Pages::new(FIRST_PAGE, WALK_PAGE);
    // Backups read whose members are still to be asked for, in the order listed.
    let mut waiting: VecDeque<(String, Backup)> = VecDeque::new();
    let mut read: u64 = 0;
    let mut tasks: JoinSet<Done> = JoinSet::new();
    loop {
        while tasks.len() < ahead {
            let client = client.clone();
            let slots = slots.clone();
            if let Some(ask) = pages.next(waiting.len()) {
                let q = BackupQuery {
                    own_type: Some(OwnType::Private),
                    limit: Some(ask.limit),
                    offset: Some(ask.offset),
                    ..filters.clone()
                };
                tasks.spawn(async move {
                    let _slot = slots.take().await;
                    Done::Page(ask, client.list_backups(&q).await.map(|l| l.page))
                });
            } else if let Some((id, backup)) = waiting.pop_front() {
                tasks.spawn(async move {
                    let _slot = slots.take().await;
                    let members = client.list_members(&id, None, None).await;
                    Done::Members(Box::new(backup), members.map(|l| l.page.items))
                });
            } else {
                break;
            }
        }
        let Some(done) = tasks.join_next().await else {
            return Ok(summary);
        };
        match done.map_err(|e| ApiError::Other {
            host: client.host().to_owned(),
            detail: format!("the walk's request stopped: {e}"),
        })? {
            Done::Page(ask, page) => {
                let page = page?;
                let got = page.items.len() as u64;
                pages.answered(ask, got, page.count);
                read += got;
                on(WalkEvent::Backups {
                    read,
                    total: pages.total(),
                });
                waiting.extend(page.items.into_iter().filter_map(|b| {
                    let id = b.id.clone().filter(|id| !skip.contains(id))?;
                    Some((id, b))
                }));
            }
            Done::Members(backup, result) => {
                report(*backup, result, &mut summary, &slots, &mut on);
            }
        }
    }
}

fn report(
    backup: Backup,
    result: Result<Vec<Member>, ApiError>,
    summary: &mut WalkSummary,
    slots: &Slots,
    on: &mut impl FnMut(WalkEvent),
) {
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
                slots.give_up_one();
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
