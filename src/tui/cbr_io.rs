//! Making the browser's CBR calls: each [`CbrEffect`] runs as its own task and reports
//! [`CbrNews`] on a channel; the owner walk streams its events as they arrive and stops
//! (every request in flight dropped) when its handle is aborted.

use std::collections::HashSet;
use std::time::Instant;

use tokio::sync::mpsc::UnboundedSender;
use tokio::task::JoinHandle;

use super::backend::short_name;
use super::msg::{CbrEffect, CbrNews};
use crate::api::cbr::lists::{all_shared, all_vaults};
use crate::api::cbr::model::UpdateMemberRequest;
use crate::api::cbr::{
    AdviceContext, BackupQuery, CbrClient, MemberStatus, WalkEvent, model::size_text,
    walk_owner_skipping,
};

/// Starts `effect` against `client` (the walk within `concurrency`), reporting on `news`.
/// Returns the task's handle ([`CbrEffect::StopWalk`] is the caller's to do: abort the
/// walk's handle).
pub fn spawn(
    client: &CbrClient,
    effect: CbrEffect,
    concurrency: u32,
    news: UnboundedSender<CbrNews>,
) -> JoinHandle<()> {
    let client = client.clone();
    tokio::spawn(async move {
        let send = |n: CbrNews| {
            let _ = news.send(n);
        };
        match effect {
            CbrEffect::LoadShared { generation } => {
                let started = Instant::now();
                let (p, a, r) = tokio::join!(
                    all_shared(&client, MemberStatus::Pending),
                    all_shared(&client, MemberStatus::Accepted),
                    all_shared(&client, MemberStatus::Rejected),
                );
                let result = p.and_then(|p| Ok([p, a?, r?]));
                send(CbrNews::Shared {
                    generation,
                    result,
                    latency: started.elapsed(),
                });
            }
            CbrEffect::Walk { generation, skip } => {
                let skip: HashSet<String> = skip.into_iter().collect();
                let result = walk_owner_skipping(
                    &client,
                    &BackupQuery::default(),
                    concurrency,
                    &skip,
                    |event| {
                        send(CbrNews::Walk {
                            generation,
                            event: Box::new(event),
                        });
                    },
                )
                .await;
                send(CbrNews::WalkEnded { generation, result });
            }
            CbrEffect::StopWalk => {}
            CbrEffect::RefreshMembers {
                generation,
                backups,
            } => {
                // A few backups, one after another (watch mode must stay light).
                for backup in backups {
                    let Some(id) = backup.id.clone() else {
                        continue;
                    };
                    let event = match client.list_members(&id, None, None).await {
                        Ok(l) => WalkEvent::Members {
                            backup,
                            members: l.page.items,
                        },
                        Err(error) => WalkEvent::Failed { backup, error },
                    };
                    send(CbrNews::Walk {
                        generation,
                        event: Box::new(event),
                    });
                }
                send(CbrNews::WalkEnded {
                    generation,
                    result: Ok(crate::api::cbr::WalkSummary::default()),
                });
            }
            CbrEffect::LoadVaults { backup_id } => {
                let result = all_vaults(&client).await;
                send(CbrNews::Vaults { backup_id, result });
            }
            CbrEffect::Accept { backup, vault } => {
                let vault_id = vault.id.clone().unwrap_or_default();
                let result = client
                    .update_member_status(
                        backup.id.as_deref().unwrap_or_default(),
                        &UpdateMemberRequest::accept(vault_id.clone()),
                        &AdviceContext::accepting(&vault, &backup),
                    )
                    .await
                    .map(|_| ());
                let result = match result {
                    Ok(()) => {
                        // The vault's free space after the accept, read back.
                        let free = client
                            .show_vault(&vault_id)
                            .await
                            .ok()
                            .and_then(|(v, _)| v.free_mb());
                        Ok(format!(
                            "accepted {} into vault {}{}",
                            short_name(backup.name.as_deref().unwrap_or("")),
                            short_name(vault.name.as_deref().unwrap_or(&vault_id)),
                            free.map(|f| format!(" (now {} free)", size_text(f)))
                                .unwrap_or_default()
                        ))
                    }
                    Err(e) => Err(e),
                };
                send(CbrNews::Wrote {
                    call: "accept",
                    result,
                });
            }
            CbrEffect::Reject { backup } => {
                let result = client
                    .update_member_status(
                        backup.id.as_deref().unwrap_or_default(),
                        &UpdateMemberRequest::reject(),
                        &AdviceContext::default(),
                    )
                    .await
                    .map(|_| {
                        format!(
                            "rejected {}",
                            short_name(backup.name.as_deref().unwrap_or(""))
                        )
                    });
                send(CbrNews::Wrote {
                    call: "reject",
                    result,
                });
            }
            CbrEffect::AddMembers {
                backup_id,
                backup_name,
                to,
            } => {
                let result = client.add_members(&backup_id, &to).await.map(|_| {
                    format!(
                        "shared {} with {} project{}",
                        short_name(&backup_name),
                        to.len(),
                        if to.len() == 1 { "" } else { "s" }
                    )
                });
                send(CbrNews::Wrote {
                    call: "share",
                    result,
                });
            }
            CbrEffect::DeleteMembers {
                backup_id,
                backup_name,
                projects,
            } => {
                let mut result = Ok(());
                for p in &projects {
                    if let Err(e) = client.delete_member(&backup_id, p).await {
                        result = Err(e);
                        break;
                    }
                }
                let result = result.map(|()| {
                    format!(
                        "stopped sharing {} with {} project{}",
                        short_name(&backup_name),
                        projects.len(),
                        if projects.len() == 1 { "" } else { "s" }
                    )
                });
                send(CbrNews::Wrote {
                    call: "remove members",
                    result,
                });
            }
        }
    })
}
