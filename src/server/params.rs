//! Query parameters of list, count and cancel, read strictly: a bad value is a 400.
//!
//! The query is split with [`crate::api::query::parse_query`] (only `%XX` is decoded, `+`
//! stays a plus), the same reading the signature check uses. When a key repeats, its last
//! non-empty value wins; an empty value is the same as leaving the parameter out; unknown
//! keys are ignored.

use super::reply::VbsError;
use crate::api::query::{SortDir, SortKey};

/// The most rows one list answer holds, and the default page size.
pub const MAX_LIMIT: usize = 1000;

/// The eight filters of list and count.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct Criteria {
    pub share_to_me: bool,
    pub volume_id: Option<String>,
    /// Lower-cased: matched case-insensitively as a substring of the backup name.
    pub name: Option<String>,
    pub status: Option<String>,
    pub backup_id: Option<String>,
    pub from_project_id: Option<String>,
    pub to_project_id: Option<String>,
    /// From `avalilability_zone` and `availability_zone`; a row must match each one given.
    pub availability_zones: Vec<String>,
}

/// Filters plus sort and page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ListParams {
    pub criteria: Criteria,
    pub sort_key: SortKey,
    pub sort_dir: SortDir,
    pub limit: usize,
    pub offset: usize,
}

type Pairs = [(String, String)];

fn last<'a>(pairs: &'a Pairs, key: &str) -> Option<&'a str> {
    pairs
        .iter()
        .rev()
        .find(|(k, v)| k == key && !v.is_empty())
        .map(|(_, v)| v.as_str())
}

fn parse_bool(key: &str, value: &str) -> Result<bool, VbsError> {
    match value.to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" => Ok(true),
        "false" | "0" | "no" => Ok(false),
        _ => Err(VbsError::bad_param(format!(
            "Invalid value {value:?} for {key}: expected true or false."
        ))),
    }
}

/// A non-negative whole number; very large values saturate instead of failing.
fn parse_count(key: &str, value: &str) -> Result<u64, VbsError> {
    if value.bytes().all(|b| b.is_ascii_digit()) {
        Ok(value.parse::<u64>().unwrap_or(u64::MAX))
    } else {
        Err(VbsError::bad_param(format!(
            "Invalid value {value:?} for {key}: expected a non-negative whole number."
        )))
    }
}

/// Reads the filters (shared by list and count).
pub(crate) fn criteria(pairs: &Pairs) -> Result<Criteria, VbsError> {
    let text = |k: &str| last(pairs, k).map(str::to_owned);
    let share_to_me = match last(pairs, "share_to_me") {
        Some(v) => parse_bool("share_to_me", v)?,
        None => false,
    };
    let availability_zones = ["avalilability_zone", "availability_zone"]
        .iter()
        .filter_map(|k| text(k))
        .collect();
    Ok(Criteria {
        share_to_me,
        volume_id: text("volume_id"),
        name: last(pairs, "name").map(str::to_lowercase),
        status: text("status"),
        backup_id: text("backup_id"),
        from_project_id: text("from_project_id"),
        to_project_id: text("to_project_id"),
        availability_zones,
    })
}

/// Reads filters, sort and page of a list call.
pub(crate) fn list_params(pairs: &Pairs) -> Result<ListParams, VbsError> {
    let criteria = criteria(pairs)?;
    let sort_key = match last(pairs, "sort_key") {
        Some(v) => v
            .parse::<SortKey>()
            .map_err(|e| VbsError::bad_param(e.to_string()))?,
        None => SortKey::CreatedAt,
    };
    let sort_dir = match last(pairs, "sort_dir") {
        Some(v) => v
            .parse::<SortDir>()
            .map_err(|e| VbsError::bad_param(e.to_string()))?,
        None => SortDir::Desc,
    };
    let limit = match last(pairs, "limit") {
        Some(v) => usize::try_from(parse_count("limit", v)?)
            .unwrap_or(usize::MAX)
            .min(MAX_LIMIT),
        None => MAX_LIMIT,
    };
    let offset = match last(pairs, "offset") {
        Some(v) => usize::try_from(parse_count("offset", v)?).unwrap_or(usize::MAX),
        None => 0,
    };
    Ok(ListParams {
        criteria,
        sort_key,
        sort_dir,
        limit,
        offset,
    })
}

/// Reads `is_backup_id` of a cancel call (absent means `false`).
pub(crate) fn is_backup_id(pairs: &Pairs) -> Result<bool, VbsError> {
    last(pairs, "is_backup_id").map_or(Ok(false), |v| parse_bool("is_backup_id", v))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::query::parse_query;

    fn list(q: &str) -> Result<ListParams, VbsError> {
        list_params(&parse_query(q))
    }

    #[test]
    fn defaults() {
        let p = list("").unwrap();
        assert_eq!(
            (p.sort_key, p.sort_dir, p.limit, p.offset),
            (SortKey::CreatedAt, SortDir::Desc, 1000, 0)
        );
        assert_eq!(p.criteria, Criteria::default());
    }

    #[test]
    fn all_filters_read() {
        let p = list(
            "share_to_me=TRUE&volume_id=v&name=DB%20Prod&status=error&backup_id=b\
             &from_project_id=f&to_project_id=t&avalilability_zone=az1&availability_zone=az2\
             &sort_key=size&sort_dir=asc&limit=5000&offset=7&unknown=1",
        )
        .unwrap();
        let c = &p.criteria;
        assert!(c.share_to_me);
        assert_eq!(c.name.as_deref(), Some("db prod"));
        assert_eq!(c.availability_zones, ["az1", "az2"]);
        assert_eq!(
            (c.volume_id.as_deref(), c.status.as_deref()),
            (Some("v"), Some("error"))
        );
        assert_eq!(
            (c.from_project_id.as_deref(), c.to_project_id.as_deref()),
            (Some("f"), Some("t"))
        );
        assert_eq!(
            (p.sort_key, p.sort_dir, p.limit, p.offset),
            (SortKey::Size, SortDir::Asc, 1000, 7)
        );
    }

    #[test]
    fn empty_values_and_repeats() {
        let p = list("limit=5&limit=&name=&status=a&status=b").unwrap();
        assert_eq!(p.limit, 5);
        assert_eq!(p.criteria.name, None);
        assert_eq!(p.criteria.status.as_deref(), Some("b"));
        assert_eq!(
            list("offset=99999999999999999999999").unwrap().offset,
            usize::MAX
        );
    }

    #[test]
    fn bad_values_are_400() {
        for q in [
            "sort_key=bogus",
            "sort_dir=up",
            "limit=abc",
            "limit=-1",
            "limit=1.5",
            "offset=-3",
            "offset=x",
            "share_to_me=maybe",
        ] {
            let e = list(q).unwrap_err();
            assert_eq!(
                (e.status.as_u16(), e.code),
                (400, "VolumeBackup.0001"),
                "{q}"
            );
        }
        assert!(is_backup_id(&parse_query("is_backup_id=perhaps")).is_err());
        assert!(is_backup_id(&parse_query("is_backup_id=true")).unwrap());
        assert!(!is_backup_id(&parse_query("")).unwrap());
    }
}
