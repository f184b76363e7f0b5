//! The sharing table: filter, sort and page per request without copying rows.
//!
//! Backups are stored once and referenced by index; a list call collects the indices of
//! matching rows, partially sorts them just far enough for the requested page, and
//! serializes only that page.

use std::cmp::Ordering;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use serde::Serialize;

mod edit;

use super::params::{Criteria, ListParams};
use super::reply::VbsError;
use crate::api::model::{Backup, Sharing};
use crate::api::query::{SortDir, SortKey};
use crate::api::time::Timestamp;
pub(crate) use edit::is_project_id;

/// The most projects one share call may name.
pub const MAX_TARGETS: usize = 10;

/// Value of the unknown field some rows carry (those whose sharing ID ends in `7`).
pub const EXTRA_FIELD: (&str, &str) = ("os-vendor:extra", "replicated-from=eu-nl;tier=gold");

struct StoredBackup {
    /// The project that owns the backup (the `from_project_id` of its sharings).
    owner: String,
    backup: Backup,
    name_lower: Option<String>,
}

struct Row {
    /// The sharing without its backup (`backup` is `None`; see `Row::backup`).
    sharing: Sharing,
    backup: usize,
}

/// All sharings and the backups they point to.
pub(crate) struct Store {
    backups: Vec<StoredBackup>,
    by_backup_id: HashMap<String, usize>,
    rows: Vec<Row>,
    /// The full order of the last list query, so walking its pages (`list --all`) sorts
    /// once instead of once per page. Cleared by every write.
    last_order: Mutex<Option<Order>>,
}

/// The sorted row indices of one query.
struct Order {
    project: String,
    criteria: Criteria,
    key: SortKey,
    dir: SortDir,
    idx: Arc<Vec<usize>>,
}

#[derive(Serialize)]
struct Envelope<T> {
    shared: T,
}

#[derive(Serialize)]
struct RowJson<'a> {
    backup: &'a Backup,
    backup_id: &'a Option<String>,
    created_at: &'a Option<Timestamp>,
    from_project_id: &'a Option<String>,
    id: &'a Option<String>,
    to_project_id: &'a Option<String>,
    updated_at: &'a Option<Timestamp>,
    #[serde(rename = "os-vendor:extra", skip_serializing_if = "Option::is_none")]
    extra: Option<&'static str>,
}

fn eq(field: Option<&String>, want: Option<&String>) -> bool {
    want.is_none_or(|w| field == Some(w))
}

impl Store {
    /// Builds the table from sharings that carry their backups (as [`super::seed::generate`]
    /// returns them); sharings of the same backup share one stored copy.
    pub(crate) fn new(sharings: Vec<Sharing>) -> Self {
        let mut store = Self {
            backups: Vec::new(),
            by_backup_id: HashMap::new(),
            rows: Vec::new(),
            last_order: Mutex::new(None),
        };
        store.rows.reserve(sharings.len());
        for mut sharing in sharings {
            let backup = sharing.backup.take().unwrap_or_default();
            let key = sharing
                .backup_id
                .clone()
                .or_else(|| backup.id.clone())
                .unwrap_or_default();
            let index = match store.by_backup_id.get(&key) {
                Some(&i) => i,
                None => {
                    store.backups.push(StoredBackup {
                        owner: sharing.from_project_id.clone().unwrap_or_default(),
                        name_lower: backup.name.as_deref().map(str::to_lowercase),
                        backup,
                    });
                    store.by_backup_id.insert(key, store.backups.len() - 1);
                    store.backups.len() - 1
                }
            };
            store.rows.push(Row {
                sharing,
                backup: index,
            });
        }
        store
    }

    fn matches(&self, row: &Row, project: &str, c: &Criteria) -> bool {
        let s = &row.sharing;
        let own = if c.share_to_me {
            &s.to_project_id
        } else {
            &s.from_project_id
        };
        if own.as_deref() != Some(project) {
            return false;
        }
        let stored = &self.backups[row.backup];
        let b = &stored.backup;
        eq(s.backup_id.as_ref(), c.backup_id.as_ref())
            && eq(s.from_project_id.as_ref(), c.from_project_id.as_ref())
            && eq(s.to_project_id.as_ref(), c.to_project_id.as_ref())
            && eq(b.volume_id.as_ref(), c.volume_id.as_ref())
            && eq(b.status.as_ref(), c.status.as_ref())
            && c.availability_zones
                .iter()
                .all(|az| b.availability_zone.as_ref() == Some(az))
            && c.name.as_ref().is_none_or(|n| {
                stored
                    .name_lower
                    .as_deref()
                    .is_some_and(|have| have.contains(n.as_str()))
            })
    }

    /// How many sharings of `project` match `c` (always the length of the unpaged list).
    pub(crate) fn count(&self, project: &str, c: &Criteria) -> usize {
        self.rows
            .iter()
            .filter(|r| self.matches(r, project, c))
            .count()
    }

    fn compare(&self, a: usize, b: usize, key: SortKey) -> Ordering {
        let (ra, rb) = (&self.rows[a], &self.rows[b]);
        let (ba, bb) = (&self.backups[ra.backup], &self.backups[rb.backup]);
        let primary = match key {
            SortKey::CreatedAt => ra.sharing.created_at.cmp(&rb.sharing.created_at),
            SortKey::UpdatedAt => ra.sharing.updated_at.cmp(&rb.sharing.updated_at),
            SortKey::Name => ba.name_lower.cmp(&bb.name_lower),
            SortKey::Status => ba.backup.status.cmp(&bb.backup.status),
            SortKey::Size => ba.backup.size.cmp(&bb.backup.size),
            SortKey::Id | SortKey::ContainerFormat | SortKey::DiskFormat => Ordering::Equal,
        };
        primary.then_with(|| ra.sharing.id.cmp(&rb.sharing.id))
    }

    fn row_json<'a>(&'a self, row: &'a Row) -> RowJson<'a> {
        let s = &row.sharing;
        RowJson {
            backup: &self.backups[row.backup].backup,
            backup_id: &s.backup_id,
            created_at: &s.created_at,
            from_project_id: &s.from_project_id,
            id: &s.id,
            to_project_id: &s.to_project_id,
            updated_at: &s.updated_at,
            extra: s
                .id
                .as_deref()
                .is_some_and(|id| id.ends_with('7'))
                .then_some(EXTRA_FIELD.1),
        }
    }

    /// Forgets the cached order; every write calls this.
    pub(crate) fn invalidate_order(&mut self) {
        *self
            .last_order
            .get_mut()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = None;
    }

    /// The matching rows of a query in their full order, from the cache when the last
    /// query was the same.
    fn order(&self, project: &str, p: &ListParams) -> Arc<Vec<usize>> {
        let lock = || {
            self.last_order
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner)
        };
        if let Some(o) = lock().as_ref()
            && o.project == project
            && o.criteria == p.criteria
            && o.key == p.sort_key
            && o.dir == p.sort_dir
        {
            return Arc::clone(&o.idx);
        }
        // Sorted without the lock held, so other queries are not held up meanwhile.
        let mut idx: Vec<usize> = (0..self.rows.len())
            .filter(|&i| self.matches(&self.rows[i], project, &p.criteria))
            .collect();
        idx.sort_unstable_by(|a, b| {
            let o = self.compare(*a, *b, p.sort_key);
            if p.sort_dir == SortDir::Desc {
                o.reverse()
            } else {
                o
            }
        });
        let idx = Arc::new(idx);
        *lock() = Some(Order {
            project: project.to_owned(),
            criteria: p.criteria.clone(),
            key: p.sort_key,
            dir: p.sort_dir,
            idx: Arc::clone(&idx),
        });
        idx
    }

    /// The list answer `{"shared": [...]}` for one page.
    pub(crate) fn list_json(&self, project: &str, p: &ListParams) -> Result<String, VbsError> {
        let idx = self.order(project, p);
        let end = p.offset.saturating_add(p.limit).min(idx.len());
        let page: &[usize] = if p.offset >= end {
            &[]
        } else {
            &idx[p.offset..end]
        };
        let rows: Vec<RowJson<'_>> = page.iter().map(|&i| self.row_json(&self.rows[i])).collect();
        to_json(&Envelope { shared: rows })
    }

    /// The get answer `{"shared": {...}}`: a sharing `project` gave or received.
    pub(crate) fn get_json(&self, project: &str, id: &str) -> Result<String, VbsError> {
        let row = self
            .rows
            .iter()
            .find(|r| {
                let s = &r.sharing;
                s.id.as_deref() == Some(id)
                    && (s.from_project_id.as_deref() == Some(project)
                        || s.to_project_id.as_deref() == Some(project))
            })
            .ok_or_else(|| VbsError::sharing_not_found(id))?;
        to_json(&Envelope {
            shared: self.row_json(row),
        })
    }
}

fn to_json(value: &impl Serialize) -> Result<String, VbsError> {
    serde_json::to_string(value).map_err(|e| {
        let mut err = VbsError::unavailable(axum::http::StatusCode::INTERNAL_SERVER_ERROR);
        err.message = format!("Could not encode the answer: {e}");
        err
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::model::parse_list;
    use crate::server::params::list_params;
    use crate::server::seed::generate;
    use crate::server::{DEMO_PROJECT_ID as DEMO, params::criteria};

    fn params(q: &str) -> ListParams {
        list_params(&crate::api::query::parse_query(q)).unwrap()
    }

    fn ids(store: &Store, q: &str) -> Vec<String> {
        let body = store.list_json(DEMO, &params(q)).unwrap();
        parse_list(&body)
            .unwrap()
            .into_iter()
            .map(|s| s.id.unwrap())
            .collect()
    }

    #[test]
    fn writes_invalidate_the_cached_order() {
        let mut store = Store::new(generate(5, 300, 1_767_225_600));
        let q = "sort_key=created_at&limit=1000";
        let before = ids(&store, q);
        let backup = store
            .rows
            .iter()
            .find(|r| r.sharing.from_project_id.as_deref() == Some(DEMO))
            .unwrap()
            .sharing
            .backup_id
            .clone()
            .unwrap();
        let req = crate::api::model::ShareTargets {
            backup_id: backup,
            to_project_ids: vec!["0123456789abcdef0123456789abcdef".into()],
        };
        let now = Timestamp::from_unix(4_000_000_000, 0);
        store
            .share(DEMO, &req, &now, &mut || {
                "ffffffff-0000-4000-8000-000000000001".into()
            })
            .unwrap();
        let after = ids(&store, q);
        assert_eq!(after.len(), before.len() + 1);
        assert_eq!(
            after[0], "ffffffff-0000-4000-8000-000000000001",
            "newest first"
        );
        store
            .cancel(DEMO, "ffffffff-0000-4000-8000-000000000001", false)
            .unwrap();
        assert_eq!(ids(&store, q), before);
    }

    #[test]
    fn pages_concatenate_to_the_full_order_and_desc_reverses_asc() {
        let store = Store::new(generate(3, 400, 1_767_225_600));
        for key in ["size", "name", "updated_at", "status", "disk_format"] {
            let asc = ids(&store, &format!("sort_key={key}&sort_dir=asc"));
            let mut desc = ids(&store, &format!("sort_key={key}&sort_dir=desc"));
            desc.reverse();
            assert_eq!(asc, desc, "{key}");
            let mut paged = Vec::new();
            for offset in (0..asc.len() + 20).step_by(17) {
                paged.extend(ids(
                    &store,
                    &format!("sort_key={key}&sort_dir=asc&limit=17&offset={offset}"),
                ));
            }
            assert_eq!(paged, asc, "{key}");
        }
        assert!(ids(&store, "offset=100000").is_empty());
        assert!(ids(&store, "limit=0").is_empty());
    }

    #[test]
    fn count_agrees_with_list() {
        let store = Store::new(generate(3, 400, 1_767_225_600));
        for q in [
            "",
            "share_to_me=true",
            "status=error",
            "name=PROD",
            "availability_zone=eu-de-02",
        ] {
            let c = criteria(&crate::api::query::parse_query(q)).unwrap();
            assert_eq!(store.count(DEMO, &c), ids(&store, q).len(), "{q}");
        }
    }

    #[test]
    fn rows_keep_nulls_and_some_carry_the_extra_field() {
        let store = Store::new(generate(42, 2000, 1_767_225_600));
        let body = store.list_json(DEMO, &params("limit=1000")).unwrap();
        assert!(body.contains(r#""os-vendor:extra":"replicated-from"#));
        assert!(body.contains(r#""updated_at":null"#));
        assert!(body.contains(r#""snapshot_id":null"#));
    }
}
