//! Who may do what to a shared backup, and the checks each write makes before it changes
//! anything (see the module docs of [`super`] for the list).

use serde::Deserialize;
use serde_json::Value;

use super::MAX_MEMBERS;
use super::body;
use super::error::CbrError;
use super::world::{Member, MemberStatus, Micros, Role, World};
use crate::api::ids::is_project_id;

fn parse<'a, T: Deserialize<'a>>(body: &'a [u8], shape: &str) -> Result<T, CbrError> {
    serde_json::from_slice(body)
        .map_err(|e| CbrError::param(format!("Invalid request body ({e}); expected {shape}.")))
}

/// ShowBackup: the owner sees its backup; a recipient sees a pending or accepted share,
/// with the vault it accepted it into.
pub(crate) fn show_backup(w: &World, project: &str, id: &str) -> Result<Value, CbrError> {
    match w.role(project, id)? {
        (b, Role::Owner) => Ok(body::backup(b, b.vault_id)),
        (b, Role::Recipient(i)) => {
            let m = &w.members[i];
            if m.status == MemberStatus::Rejected {
                return Err(CbrError::backup_not_found(id));
            }
            Ok(body::backup(b, m.vault_id.unwrap_or(b.vault_id)))
        }
    }
}

/// ShowMemberDetail: the owner sees any member, a recipient only its own.
pub(crate) fn show_member(
    w: &World,
    project: &str,
    backup_id: &str,
    member_id: &str,
) -> Result<Value, CbrError> {
    match w.role(project, backup_id)? {
        (_, Role::Owner) => w
            .member_of(backup_id, member_id)
            .map(|i| body::member(&w.members[i]))
            .ok_or_else(|| CbrError::member_not_found(backup_id, member_id)),
        (_, Role::Recipient(i)) if member_id == project => Ok(body::member(&w.members[i])),
        (b, Role::Recipient(_)) => Err(CbrError::owner_only(&b.id, b.project_id)),
    }
}

#[derive(Deserialize)]
struct AddRequest {
    members: Option<Vec<String>>,
}

/// AddMember: checks everything, then adds every listed project as a pending member;
/// answers the new members.
pub(crate) fn add_members(
    w: &mut World,
    project: &str,
    backup_id: &str,
    body: &[u8],
    now: Micros,
    new_id: &mut dyn FnMut() -> String,
) -> Result<Vec<Value>, CbrError> {
    let b = w.owned(project, backup_id)?;
    let req: AddRequest = parse(body, r#"{"members": ["project ID", …]}"#)?;
    let targets = req.members.unwrap_or_default();
    if targets.is_empty() || targets.len() > MAX_MEMBERS {
        return Err(CbrError::param(format!(
            "members must list 1 to {MAX_MEMBERS} project IDs, not {}.",
            targets.len()
        )));
    }
    for (i, t) in targets.iter().enumerate() {
        if !is_project_id(t) {
            return Err(CbrError::bad_member(format!(
                "{t:?} is not a project ID (32 lowercase hex characters)."
            )));
        }
        if t == project {
            return Err(CbrError::bad_member(format!(
                "{t} is the project that owns the backup; a project cannot share with itself."
            )));
        }
        if targets[..i].contains(t) {
            return Err(CbrError::param(format!("members lists {t} twice.")));
        }
    }
    if b.status != "available" {
        return Err(CbrError::unavailable(&b.id, b.status));
    }
    if b.encrypted {
        return Err(CbrError::encrypted(&b.id));
    }
    if let Some(t) = targets.iter().find(|t| w.member_of(backup_id, t).is_some()) {
        return Err(CbrError::already_member(backup_id, t));
    }
    let have = w.members_of(backup_id).count();
    if have + targets.len() > MAX_MEMBERS {
        return Err(CbrError::too_many(backup_id, have, targets.len()));
    }
    let added: Vec<Member> = targets
        .into_iter()
        .map(|dest| Member {
            id: new_id(),
            backup_id: backup_id.to_owned(),
            dest,
            status: MemberStatus::Pending,
            vault_id: None,
            image_id: None,
            created: now,
            updated: None,
        })
        .collect();
    let out = added.iter().map(body::member).collect();
    w.members.extend(added);
    Ok(out)
}

#[derive(Deserialize)]
struct UpdateRequest {
    status: Option<String>,
    vault_id: Option<String>,
}

/// UpdateMemberStatus by the recipient (`project == member_id`): pending → accepted (into
/// a fitting vault, whose used space grows by the backup's size) or rejected; accepted →
/// rejected (frees the space, unless an image was registered); the same status again
/// changes nothing. Answers the member.
pub(crate) fn update_member(
    w: &mut World,
    project: &str,
    backup_id: &str,
    member_id: &str,
    body: &[u8],
    now: Micros,
) -> Result<Value, CbrError> {
    let (b, role) = w.role(project, backup_id)?;
    if member_id != project {
        return Err(CbrError::recipient_only(member_id));
    }
    let Role::Recipient(i) = role else {
        return Err(CbrError::member_not_found(backup_id, member_id));
    };
    let req: UpdateRequest = parse(body, r#"{"status": "accepted", "vault_id": "…"}"#)?;
    let Some(status) = req.status else {
        return Err(CbrError::param("status is required."));
    };
    let want = match status.as_str() {
        "accepted" => MemberStatus::Accepted,
        "rejected" => MemberStatus::Rejected,
        "pending" => MemberStatus::Pending,
        other => return Err(CbrError::bad_status(other)),
    };
    let (kind, need_mb) = (b.object_type, b.size_gb * 1024);
    let m = &w.members[i];
    match (m.status, want) {
        (MemberStatus::Accepted, MemberStatus::Accepted) => {
            if let Some(v) = req.vault_id.as_deref().filter(|v| Some(*v) != m.vault_id) {
                return Err(CbrError::transition(format!(
                    "the backup is already accepted into vault {}, not {v}.",
                    m.vault_id.unwrap_or_default()
                )));
            }
        }
        (from, to) if from == to => {}
        (_, MemberStatus::Pending) => {
            return Err(CbrError::transition(format!(
                "a share that is {} cannot go back to pending.",
                m.status.as_str()
            )));
        }
        (MemberStatus::Rejected, MemberStatus::Accepted) => {
            return Err(CbrError::transition(
                "a rejected share cannot be accepted; the owner must delete the member and add it again.",
            ));
        }
        (MemberStatus::Pending, MemberStatus::Accepted) => {
            let Some(vault_id) = req.vault_id else {
                return Err(CbrError::param(
                    "vault_id is required to accept a shared backup.",
                ));
            };
            let v = w.vault(project, &vault_id)?;
            if v.status != "available" {
                return Err(CbrError::vault_status(v.id, v.status));
            }
            if v.protect_type != "backup" {
                return Err(CbrError::vault_type(format!(
                    "vault {} is a {} vault; a shared backup can only be accepted into a backup vault.",
                    v.id, v.protect_type
                )));
            }
            if v.object_type != kind {
                return Err(CbrError::vault_type(format!(
                    "vault {} holds {} backups and backup {backup_id} is of a {}.",
                    v.id,
                    v.object_type.as_str(),
                    kind.noun()
                )));
            }
            if v.free_mb() < need_mb {
                return Err(CbrError::vault_full(v.id, v.free_mb(), need_mb));
            }
            let id = v.id;
            if let Some(v) = w.vault_mut(id) {
                v.used_mb += need_mb;
            }
            let m = &mut w.members[i];
            m.vault_id = Some(id);
            m.status = MemberStatus::Accepted;
            m.updated = Some(now);
        }
        (from, MemberStatus::Rejected) => {
            if let Some(image) = &m.image_id {
                return Err(CbrError::image_registered(backup_id, image));
            }
            if from == MemberStatus::Accepted {
                release(w, i, need_mb);
            }
            let m = &mut w.members[i];
            m.status = MemberStatus::Rejected;
            m.vault_id = None;
            m.updated = Some(now);
        }
    }
    Ok(body::member(&w.members[i]))
}

/// Gives back the space member `i`'s accepted copy used in its vault.
fn release(w: &mut World, i: usize, need_mb: u64) {
    if let Some(id) = w.members[i].vault_id
        && let Some(v) = w.vault_mut(id)
    {
        v.used_mb = v.used_mb.saturating_sub(need_mb);
    }
}

/// DeleteMember by the owner: the recipient loses the share (and the space an accepted
/// copy used comes back), unless it registered an image from it.
pub(crate) fn delete_member(
    w: &mut World,
    project: &str,
    backup_id: &str,
    member_id: &str,
) -> Result<(), CbrError> {
    let need_mb = w.owned(project, backup_id)?.size_gb * 1024;
    let i = w
        .member_of(backup_id, member_id)
        .ok_or_else(|| CbrError::member_not_found(backup_id, member_id))?;
    if let Some(image) = &w.members[i].image_id {
        return Err(CbrError::image_registered(backup_id, image));
    }
    if w.members[i].status == MemberStatus::Accepted {
        release(w, i, need_mb);
    }
    w.members.remove(i);
    Ok(())
}
