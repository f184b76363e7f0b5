//! Changes to the table: share a backup with projects, cancel sharings.

use serde::Serialize;

use super::{Envelope, MAX_TARGETS, Row, Store, to_json};
use crate::api::model::{ShareTargets, Sharing};
use crate::api::time::Timestamp;
use crate::server::reply::VbsError;

#[derive(Serialize)]
struct CreatedJson<'a> {
    backup_id: &'a Option<String>,
    deleted: bool,
    created_at: &'a Option<Timestamp>,
    updated_at: &'a Option<Timestamp>,
    to_project_id: &'a Option<String>,
    from_project_id: &'a Option<String>,
    deleted_at: Option<()>,
    id: &'a Option<String>,
}

pub(crate) use crate::api::ids::is_project_id;

impl Store {
    /// Shares a backup owned by `project`; all targets are checked before any is added.
    pub(crate) fn share(
        &mut self,
        project: &str,
        req: &ShareTargets,
        now: &Timestamp,
        new_id: &mut dyn FnMut() -> String,
    ) -> Result<String, VbsError> {
        self.invalidate_order();
        let targets = &req.to_project_ids;
        if targets.is_empty() || targets.len() > MAX_TARGETS {
            return Err(VbsError::target_count(format!(
                "to_project_ids must list 1 to {MAX_TARGETS} projects, not {}.",
                targets.len()
            )));
        }
        for (i, t) in targets.iter().enumerate() {
            if !is_project_id(t) {
                return Err(VbsError::bad_project(format!(
                    "Invalid project ID {t:?}: expected 32 lowercase hex characters."
                )));
            }
            if t == project {
                return Err(VbsError::bad_project(
                    "A backup cannot be shared with its own project.",
                ));
            }
            if targets[..i].contains(t) {
                return Err(VbsError::bad_project(format!(
                    "Project {t} is listed twice."
                )));
            }
        }
        let backup = match self.by_backup_id.get(&req.backup_id) {
            Some(&i) if self.backups[i].owner == project => i,
            _ => return Err(VbsError::backup_not_found(&req.backup_id)),
        };
        if let Some(dup) = targets.iter().find(|t| {
            self.rows.iter().any(|r| {
                r.backup == backup && r.sharing.to_project_id.as_deref() == Some(t.as_str())
            })
        }) {
            return Err(VbsError::conflict(format!(
                "Backup {} is already shared with project {dup}.",
                req.backup_id
            )));
        }
        let first = self.rows.len();
        for t in targets {
            let sharing = Sharing {
                id: Some(new_id()),
                backup_id: Some(req.backup_id.clone()),
                from_project_id: Some(project.to_owned()),
                to_project_id: Some(t.clone()),
                created_at: Some(now.clone()),
                ..Sharing::default()
            };
            self.rows.push(Row { sharing, backup });
        }
        let created: Vec<CreatedJson<'_>> = self.rows[first..]
            .iter()
            .map(|r| CreatedJson {
                backup_id: &r.sharing.backup_id,
                deleted: false,
                created_at: &r.sharing.created_at,
                updated_at: &r.sharing.updated_at,
                to_project_id: &r.sharing.to_project_id,
                from_project_id: &r.sharing.from_project_id,
                deleted_at: None,
                id: &r.sharing.id,
            })
            .collect();
        to_json(&Envelope { shared: created })
    }

    /// Cancels one sharing by its ID, or (`is_backup_id`) every sharing of a backup.
    pub(crate) fn cancel(
        &mut self,
        project: &str,
        id: &str,
        is_backup_id: bool,
    ) -> Result<(), VbsError> {
        self.invalidate_order();
        let mine = |r: &Row| r.sharing.from_project_id.as_deref() == Some(project);
        if is_backup_id {
            let key = |r: &Row| r.sharing.backup_id.as_deref() == Some(id) && mine(r);
            if !self.rows.iter().any(key) {
                return Err(VbsError::backup_not_found(id));
            }
            self.rows.retain(|r| !key(r));
            return Ok(());
        }
        let pos = self
            .rows
            .iter()
            .position(|r| r.sharing.id.as_deref() == Some(id))
            .ok_or_else(|| VbsError::sharing_not_found(id))?;
        let row = &self.rows[pos];
        if !mine(row) {
            return Err(if row.sharing.to_project_id.as_deref() == Some(project) {
                VbsError::not_owner(id)
            } else {
                VbsError::sharing_not_found(id)
            });
        }
        self.rows.remove(pos);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::model::parse_list;
    use crate::server::DEMO_PROJECT_ID as DEMO;
    use crate::server::seed::{PARTNER_PROJECTS, generate};

    #[test]
    fn share_validates_everything_first() {
        let data = generate(3, 50, 1_767_225_600);
        let own = data
            .iter()
            .find(|s| s.from_project_id.as_deref() == Some(DEMO))
            .unwrap();
        let theirs = data
            .iter()
            .find(|s| s.to_project_id.as_deref() == Some(DEMO))
            .unwrap();
        let (own_backup, their_backup) = (
            own.backup_id.clone().unwrap(),
            theirs.backup_id.clone().unwrap(),
        );
        let mut store = Store::new(data.clone());
        let mut n = 0;
        let mut new_id = || {
            n += 1;
            format!("new-{n}")
        };
        let now = Timestamp::from_unix(1_700_000_000, 0);
        let fresh = "f".repeat(32);
        let req = |b: &str, t: &[&str]| ShareTargets {
            backup_id: b.to_owned(),
            to_project_ids: t.iter().map(|s| (*s).to_owned()).collect(),
        };
        let code = |r: Result<String, VbsError>| r.unwrap_err().code;
        let mut s = |r: ShareTargets| store.share(DEMO, &r, &now, &mut new_id);
        assert_eq!(code(s(req(&own_backup, &[]))), "VolumeBackup.0004");
        assert_eq!(
            code(s(req(&own_backup, &[fresh.as_str(); 11]))),
            "VolumeBackup.0004"
        );
        assert_eq!(code(s(req(&own_backup, &["ABC"]))), "VolumeBackup.0003");
        assert_eq!(code(s(req(&own_backup, &[DEMO]))), "VolumeBackup.0003");
        assert_eq!(
            code(s(req(&own_backup, &[&fresh, &fresh]))),
            "VolumeBackup.0003"
        );
        assert_eq!(code(s(req(&their_backup, &[&fresh]))), "VolumeBackup.0009");
        let taken = own.to_project_id.as_deref().unwrap();
        assert_eq!(
            code(s(req(&own_backup, &[&fresh, taken]))),
            "VolumeBackup.0010"
        );
        let body = s(req(
            &own_backup,
            &[
                &fresh,
                PARTNER_PROJECTS.iter().find(|p| **p != taken).unwrap(),
            ],
        ))
        .unwrap();
        assert_eq!(parse_list(&body).unwrap().len(), 2);
        assert!(body.contains(r#""deleted":false"#) && body.contains(r#""deleted_at":null"#));
        assert_eq!(store.rows.len(), 52);
        assert_eq!(store.cancel(DEMO, "new-1", false), Ok(()));
        assert_eq!(
            store.cancel(DEMO, "new-1", false).unwrap_err().code,
            "VolumeBackup.0008"
        );
        assert_eq!(
            store
                .cancel(DEMO, theirs.id.as_deref().unwrap(), false)
                .unwrap_err()
                .code,
            "VolumeBackup.0011"
        );
        assert_eq!(
            store.cancel(DEMO, &their_backup, true).unwrap_err().code,
            "VolumeBackup.0009"
        );
        assert_eq!(store.cancel(DEMO, &own_backup, true), Ok(()));
        assert!(
            store
                .rows
                .iter()
                .all(|r| r.sharing.backup_id.as_deref() != Some(own_backup.as_str()))
        );
    }
}
