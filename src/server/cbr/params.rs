//! Query parameters of the three CBR list calls, read strictly: a bad value is a 400
//! `BackupService.9900`.
//!
//! As for VBS, only `%XX` is decoded, an empty value means "not given", the last value of
//! a repeated key wins (except `status` of ListBackups, which is a list) and unknown keys
//! are ignored.

use super::error::CbrError;
use super::world::MemberStatus;

type Pairs = [(String, String)];

fn last<'a>(pairs: &'a Pairs, key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .rev()
        .find(|(k, v)| k == key && !v.is_empty())
        .map(|(_, v)| v.as_str())
}

fn text(pairs: &Pairs, key: &str) -> Option<String> {
    last(pairs, key).map(str::to_owned)
}

/// One sort key and whether it runs downwards.
pub(crate) type SortSpec = Vec<(&'static str, bool)>;

/// Reads `key[:asc|desc][,key[:dir]…]` (direction default `desc`) over `keys`.
fn sort(pairs: &Pairs, keys: &[&'static str]) -> Result<SortSpec, CbrError> {
    let Some(raw) = last(pairs, "sort") else {
        return Ok(vec![("created_at", true)]);
    };
    if raw.len() > 255 {
        return Err(CbrError::param("sort is longer than 255 characters."));
    }
    raw.split(',')
        .map(|part| {
            let (key, dir) = part.split_once(':').unwrap_or((part, "desc"));
            let key = keys.iter().find(|k| **k == key.trim()).ok_or_else(|| {
                CbrError::param(format!(
                    "Invalid sort key {key:?}: expected one of {}.",
                    keys.join(", ")
                ))
            })?;
            match dir.trim() {
                "desc" => Ok((*key, true)),
                "asc" => Ok((*key, false)),
                d => Err(CbrError::param(format!(
                    "Invalid sort direction {d:?}: expected asc or desc."
                ))),
            }
        })
        .collect()
}

/// Which rows of the sorted list to answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Page {
    pub limit: usize,
    pub offset: usize,
    /// Start after the row with this ID.
    pub marker: Option<String>,
}

fn number(key: &str, value: &str) -> Result<usize, CbrError> {
    if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
        Ok(value.parse::<usize>().unwrap_or(usize::MAX))
    } else {
        Err(CbrError::param(format!(
            "Invalid value {value:?} for {key}: expected a whole number."
        )))
    }
}

/// `limit` (1 to 1000, default and cap `max`), `offset` (default 0) and `marker`.
fn page(pairs: &Pairs, max: usize) -> Result<Page, CbrError> {
    let limit = match last(pairs, "limit") {
        Some(v) => match number("limit", v)? {
            0 => return Err(CbrError::param("limit must be between 1 and 1000.")),
            n => n.min(max),
        },
        None => max,
    };
    let offset = last(pairs, "offset").map_or(Ok(0), |v| number("offset", v))?;
    Ok(Page {
        limit,
        offset,
        marker: text(pairs, "marker"),
    })
}

/// Which backups a project sees.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum OwnType {
    Private,
    Shared,
    All,
}

/// ListBackups' parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct BackupQuery {
    pub own_type: OwnType,
    pub member_status: Option<MemberStatus>,
    /// Exact-match filters by field name (`name`, `vault_id`, `resource_type`, …).
    pub exact: Vec<(&'static str, String)>,
    /// Any of these statuses (empty: all).
    pub statuses: Vec<String>,
    pub sort: SortSpec,
    pub page: Page,
}

/// The exact-match filters ListBackups takes.
pub(crate) const BACKUP_FILTERS: [&str; 8] = [
    "name",
    "vault_id",
    "resource_type",
    "resource_az",
    "resource_id",
    "resource_name",
    "checkpoint_id",
    "image_type",
];
const BACKUP_SORT: [&str; 6] = [
    "created_at",
    "updated_at",
    "name",
    "status",
    "protected_at",
    "id",
];

fn member_status(pairs: &Pairs, key: &str) -> Result<Option<MemberStatus>, CbrError> {
    last(pairs, key)
        .map(|v| {
            MemberStatus::parse_lenient(v).ok_or_else(|| {
                CbrError::param(format!(
                    "Invalid {key} {v:?}: expected pending, accepted or rejected."
                ))
            })
        })
        .transpose()
}

pub(crate) fn backups(pairs: &Pairs, max: usize) -> Result<BackupQuery, CbrError> {
    let own_type = match last(pairs, "own_type") {
        None | Some("private") => OwnType::Private,
        Some("shared") => OwnType::Shared,
        Some("all" | "all_granted") => OwnType::All,
        Some(v) => {
            return Err(CbrError::param(format!(
                "Invalid own_type {v:?}: expected private, shared or all_granted."
            )));
        }
    };
    Ok(BackupQuery {
        own_type,
        member_status: member_status(pairs, "member_status")?,
        exact: BACKUP_FILTERS
            .iter()
            .filter_map(|k| text(pairs, k).map(|v| (*k, v)))
            .collect(),
        statuses: pairs
            .iter()
            .filter(|(k, v)| k == "status" && !v.is_empty())
            .map(|(_, v)| v.clone())
            .collect(),
        sort: sort(pairs, &BACKUP_SORT)?,
        page: page(pairs, max)?,
    })
}

/// ShowMembersDetail's parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct MemberQuery {
    pub dest_project_id: Option<String>,
    pub status: Option<MemberStatus>,
    pub vault_id: Option<String>,
    pub image_id: Option<String>,
    pub sort: SortSpec,
    pub page: Page,
}

pub(crate) fn members(pairs: &Pairs, max: usize) -> Result<MemberQuery, CbrError> {
    Ok(MemberQuery {
        dest_project_id: text(pairs, "dest_project_id"),
        status: member_status(pairs, "status")?,
        vault_id: text(pairs, "vault_id"),
        image_id: text(pairs, "image_id"),
        sort: sort(
            pairs,
            &[
                "created_at",
                "updated_at",
                "status",
                "id",
                "dest_project_id",
            ],
        )?,
        page: page(pairs, max)?,
    })
}

/// ListVault's parameters.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct VaultQuery {
    /// Exact-match filters: `name`, `object_type`, `protect_type`, `status`, `id`.
    pub exact: Vec<(&'static str, String)>,
    pub page: Page,
}

pub(crate) fn vaults(pairs: &Pairs, max: usize) -> Result<VaultQuery, CbrError> {
    Ok(VaultQuery {
        exact: ["name", "object_type", "protect_type", "status", "id"]
            .iter()
            .filter_map(|k| text(pairs, k).map(|v| (*k, v)))
            .collect(),
        page: page(pairs, max)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::query::parse_query;

    fn q(s: &str) -> Result<BackupQuery, CbrError> {
        backups(&parse_query(s), 1000)
    }

    #[test]
    fn defaults_and_spellings() {
        let d = q("").unwrap();
        assert_eq!(d.own_type, OwnType::Private);
        assert_eq!(d.sort, vec![("created_at", true)]);
        assert_eq!((d.page.limit, d.page.offset), (1000, 0));
        let s = q("own_type=shared&member_status=accept&status=available&status=error&name=a%20b")
            .unwrap();
        assert_eq!(s.member_status, Some(MemberStatus::Accepted));
        assert_eq!(s.statuses, ["available", "error"]);
        assert_eq!(s.exact, [("name", "a b".to_owned())]);
        assert_eq!(q("own_type=all_granted").unwrap().own_type, OwnType::All);
        assert_eq!(
            q("sort=name:asc,id").unwrap().sort,
            vec![("name", false), ("id", true)]
        );
        assert_eq!(q("limit=5000").unwrap().page.limit, 1000);
    }

    #[test]
    fn bad_values_are_9900() {
        for bad in [
            "own_type=mine",
            "member_status=maybe",
            "sort=size",
            "sort=name:up",
            "limit=0",
            "limit=-1",
            "offset=x",
        ] {
            assert_eq!(q(bad).unwrap_err().code(), "BackupService.9900", "{bad}");
        }
    }
}
