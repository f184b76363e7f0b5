//! The three list calls: filter, sort (every order completed by the ID, so pages never
//! overlap or skip), then page; `count` is the number of rows before paging.

use std::cmp::Ordering;

use serde_json::Value;

use super::body;
use super::error::CbrError;
use super::params::{BackupQuery, MemberQuery, OwnType, Page, SortSpec, VaultQuery};
use super::world::{Backup, Member, MemberStatus, Micros, World};

/// One page of a list and the total it was cut from.
#[derive(Debug)]
pub(crate) struct Listed {
    pub rows: Vec<Value>,
    pub count: usize,
}

/// A value to sort by; only values of one key are ever compared.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum Key<'a> {
    Time(Option<Micros>),
    Text(&'a str),
}

/// Sorts by `spec`, then by `id` in the direction of the last key.
fn order<T>(
    rows: &mut [T],
    spec: &SortSpec,
    key: impl for<'r> Fn(&'r T, &str) -> Key<'r>,
    id: fn(&T) -> &str,
) {
    let last_desc = spec.last().is_none_or(|(_, desc)| *desc);
    rows.sort_by(|a, b| {
        spec.iter()
            .map(|(k, desc)| {
                let o = key(a, k).cmp(&key(b, k));
                if *desc { o.reverse() } else { o }
            })
            .find(|o| *o != Ordering::Equal)
            .unwrap_or_else(|| {
                let o = id(a).cmp(id(b));
                if last_desc { o.reverse() } else { o }
            })
    });
}

/// The page of `rows` (already sorted) that `page` asks for.
fn cut<T>(rows: Vec<T>, page: &Page, id: fn(&T) -> &str) -> Result<Vec<T>, CbrError> {
    let start = match &page.marker {
        Some(marker) => {
            rows.iter().position(|r| id(r) == marker).ok_or_else(|| {
                CbrError::param(format!("Invalid marker {marker:?}: no such record."))
            })? + 1
        }
        None => 0,
    };
    Ok(rows
        .into_iter()
        .skip(start)
        .skip(page.offset)
        .take(page.limit)
        .collect())
}

/// A backup as the path project sees it: its own, or shared with it through a member.
struct View<'a> {
    b: &'a Backup,
    m: Option<&'a Member>,
}

impl View<'_> {
    /// The vault shown: the recipient's once accepted, else the owner's.
    fn vault_id(&self) -> &str {
        self.m.and_then(|m| m.vault_id).unwrap_or(self.b.vault_id)
    }

    fn field(&self, key: &str) -> &str {
        let b = self.b;
        match key {
            "name" => &b.name,
            "vault_id" => self.vault_id(),
            "resource_type" => b.object_type.resource_type(),
            "resource_az" => b.resource_az,
            "resource_id" => &b.resource_id,
            "resource_name" => &b.resource_name,
            "checkpoint_id" => &b.checkpoint_id,
            "image_type" => "backup",
            _ => "",
        }
    }

    fn key(&self, key: &str) -> Key<'_> {
        let b = self.b;
        match key {
            "created_at" => Key::Time(Some(b.created)),
            "updated_at" => Key::Time(Some(b.updated)),
            "protected_at" => Key::Time(b.protected),
            "name" => Key::Text(&b.name),
            "status" => Key::Text(b.status),
            _ => Key::Text(&b.id),
        }
    }
}

/// ListBackups for `project`. `own_type=shared` without `member_status` lists pending and
/// accepted shares (not rejected ones); `member_status` is ignored for private backups.
pub(crate) fn backups(w: &World, project: &str, q: &BackupQuery) -> Result<Listed, CbrError> {
    let mut rows: Vec<View> = Vec::new();
    if q.own_type != OwnType::Shared {
        rows.extend(
            w.backups
                .iter()
                .filter(|b| b.project_id == project)
                .map(|b| View { b, m: None }),
        );
    }
    if q.own_type != OwnType::Private {
        for m in w.members.iter().filter(|m| m.dest == project) {
            let wanted = q
                .member_status
                .map_or(m.status != MemberStatus::Rejected, |s| s == m.status);
            if let (true, Ok(b)) = (wanted, w.backup(&m.backup_id)) {
                rows.push(View { b, m: Some(m) });
            }
        }
    }
    rows.retain(|v| {
        q.exact.iter().all(|(k, want)| v.field(k) == want)
            && (q.statuses.is_empty() || q.statuses.iter().any(|s| s == v.b.status))
    });
    order(&mut rows, &q.sort, View::key, |v| &v.b.id);
    let count = rows.len();
    let rows = cut(rows, &q.page, |v| &v.b.id)?
        .iter()
        .map(|v| body::backup(v.b, v.vault_id()))
        .collect();
    Ok(Listed { rows, count })
}

/// ShowMembersDetail: the members of `backup_id` (the caller has been checked as owner).
pub(crate) fn members(w: &World, backup_id: &str, q: &MemberQuery) -> Result<Listed, CbrError> {
    let mut rows: Vec<&Member> = w
        .members_of(backup_id)
        .map(|i| &w.members[i])
        .filter(|m| {
            q.dest_project_id.as_ref().is_none_or(|d| *d == m.dest)
                && q.status.is_none_or(|s| s == m.status)
                && q.vault_id.as_deref().is_none_or(|v| m.vault_id == Some(v))
                && q.image_id
                    .as_deref()
                    .is_none_or(|i| m.image_id.as_deref() == Some(i))
        })
        .collect();
    let id: for<'r> fn(&'r &Member) -> &'r str = |m| &m.id;
    order(&mut rows, &q.sort, member_key, id);
    let count = rows.len();
    let rows = cut(rows, &q.page, id)?
        .into_iter()
        .map(body::member)
        .collect();
    Ok(Listed { rows, count })
}

fn member_key<'r>(m: &'r &Member, key: &str) -> Key<'r> {
    match key {
        "created_at" => Key::Time(Some(m.created)),
        "updated_at" => Key::Time(m.updated),
        "status" => Key::Text(m.status.as_str()),
        "dest_project_id" => Key::Text(&m.dest),
        _ => Key::Text(&m.id),
    }
}

/// ListVault: `project`'s vaults in catalog order.
pub(crate) fn vaults(w: &World, project: &str, q: &VaultQuery) -> Result<Listed, CbrError> {
    let rows: Vec<_> = w
        .vaults
        .iter()
        .filter(|v| v.project_id == project)
        .filter(|v| {
            q.exact.iter().all(|(k, want)| {
                want == match *k {
                    "name" => v.name.as_str(),
                    "object_type" => v.object_type.as_str(),
                    "protect_type" => v.protect_type,
                    "status" => v.status,
                    _ => v.id,
                }
            })
        })
        .collect();
    let count = rows.len();
    let rows = cut(rows, &q.page, |v| v.id)?
        .into_iter()
        .map(|v| body::vault(v, w))
        .collect();
    Ok(Listed { rows, count })
}
