//! Cloud Backup and Recovery (CBR) share members, served beside VBS on the same address.
//!
//! The nine calls under `/v3/{project_id}/`, with the same credentials as VBS: a token
//! scoped to the path's project (the demo user may get one for [`DEMO_PROJECT_ID`] or any of
//! [`PARTNER_PROJECTS`]), or an AK/SK signature by the demo key (demo project only). The
//! project in the path is always the caller's own.
//!
//! | call | method and path | answer |
//! |---|---|---|
//! | AddMember | `POST backups/{backup_id}/members`, body `{"members": [project_id…]}` | 200 `{"members": [new members]}` |
//! | ShowMembersDetail | `GET backups/{backup_id}/members` | 200 `{"members": […], "count": N}` |
//! | ShowMemberDetail | `GET backups/{backup_id}/members/{member_id}` | 200 `{"member": {…}}` |
//! | UpdateMemberStatus | `PUT backups/{backup_id}/members/{member_id}`, body `{"status": "accepted"\|"rejected", "vault_id": …}` | 200 `{"member": {…}}` |
//! | DeleteMember | `DELETE backups/{backup_id}/members/{member_id}` | 204, no body |
//! | ListBackups | `GET backups` | 200 `{"backups": […], "count": N}` |
//! | ShowBackup | `GET backups/{backup_id}` | 200 `{"backup": {…}}` |
//! | ListVault | `GET vaults` | 200 `{"vaults": […], "count": N}` |
//! | ShowVault | `GET vaults/{vault_id}` | 200 `{"vault": {…}}` |
//!
//! `member_id` is always the recipient's **project** ID. Bodies follow the API Explorer
//! examples: alphabetical keys, naive microsecond times (`2020-02-05T10:38:34.209782`),
//! explicit `null`s, `billing.size` and `allocated` in GB, `billing.used` in MB.
//!
//! # Semantics
//!
//! - ListBackups: `own_type=private` (default: the project's backups), `shared` (backups
//!   shared with it; without `member_status`, the pending and accepted ones), `all` or
//!   `all_granted` (both). `member_status=pending|accepted|rejected` (also `accept`,
//!   `reject`) narrows the shared ones and is ignored for private ones. Exact filters:
//!   `name`, `vault_id`, `resource_type`, `resource_az`, `resource_id`, `resource_name`,
//!   `checkpoint_id`, `image_type`; `status` may repeat (any of them). A shared backup shows
//!   the owner's `project_id` and, once accepted, the recipient's vault as `vault_id`.
//! - Sort: `sort=key[:asc|desc][,…]`, default direction `desc`, default `created_at:desc`;
//!   backup keys `created_at, updated_at, name, status, protected_at, id`, member keys
//!   `created_at, updated_at, status, id, dest_project_id`. Every order is completed by the
//!   ID in the last key's direction, so pages never overlap. Vaults come in a fixed order.
//! - Paging: `limit` 1 to 1000 (default 1000; more is capped, like VBS, also by
//!   [`crate::server::RunningServer::cap_limit`]), `offset` (default 0), `marker` (start
//!   after that ID). `count` is the number of matches before paging.
//! - Member filters: `dest_project_id`, `status`, `vault_id`, `image_id`; vault filters:
//!   `name`, `object_type`, `protect_type`, `status`, `id`.
//! - ShowBackup: the owner sees its backup; a recipient sees a pending or accepted share.
//!   ShowMemberDetail: the owner sees any member, a recipient its own.
//!
//! # Rules (each checked before anything changes)
//!
//! - Only the owner adds, lists and deletes members; a recipient gets `6707`, any other
//!   project `6200` (it learns nothing).
//! - Only the recipient accepts or rejects, with its own project as `member_id`; anyone
//!   else gets `6708`.
//! - AddMember: 1 to 10 IDs per request (`9900`, also for an ID listed twice), each 32
//!   lowercase hex and not the owner's own (`6704`); the backup `available` (`6702`) and
//!   not encrypted (`6709`); no ID already a member (`6703`); at most [`MAX_MEMBERS`] in
//!   all (`6701`). Any well-formed project may be added, as on a real cloud.
//! - **Encrypted backups** (`extend_info.encrypted`) **cannot be shared**: `6709`. This is
//!   OTC's documented rule until 2025-05-20; the later one (allowed once the KMS key is
//!   granted) cannot be checked by a mock.
//! - Accept (pending → accepted) needs `vault_id` (`9900`) naming a vault of the
//!   recipient's (`6105`) that is `available` (`6712`: frozen, locked, …), of protect type
//!   `backup` (`6713`: a replication vault), of the backup's object type (`6713`: server
//!   backup → server vault, disk backup → disk vault), with `size*1024 - used` MB at least
//!   the backup's `resource_size*1024` MB (`6114`). It adds that much to the vault's
//!   `used` and sets the member's `vault_id` and `updated_at`. `image_id` stays `null`
//!   (set only where the world says an image was registered).
//! - Reject works from pending or accepted (an accepted copy's space is given back);
//!   pending again, or accepted after rejected, is `6708`; the same status again changes
//!   nothing; a status other than accepted/rejected/pending is `6706`.
//! - DeleteMember gives an accepted copy's space back. A member with an image registered
//!   can be neither deleted nor rejected (`6710`).
//! - A deleted backup that members still point at answers every call about it (and only
//!   it) with 401 `{"unauthorized":{"code":"401","message":"Malformed request url"}}`.
//!
//! # Errors
//!
//! `{"error_code": "BackupService.NNNN", "error_msg": "…"}`:
//!
//! | status | code | when |
//! |---|---|---|
//! | 400 | `9900` | bad query value, body, path project ID, `vault_id` missing on accept, marker unknown |
//! | 400 | `6701` | more than 10 members in all |
//! | 400 | `6702` | backup not `available` |
//! | 400 | `6703` | already a member |
//! | 400 | `6704` | member ID malformed or the owner's own |
//! | 400 | `6706` | bad `status` in UpdateMemberStatus |
//! | 400 | `6707` | a recipient adding, listing, deleting or showing others' members |
//! | 400 | `6708` | PUT not by the recipient, or a transition that is not allowed |
//! | 400 | `6709` | encrypted backup |
//! | 400 | `6710` | an image was registered from the shared backup |
//! | 400 | `6712` | vault not `available` |
//! | 400 | `6713` | vault of the wrong object type, or not a backup vault |
//! | 400 | `6114` | vault has too little free space |
//! | 404 | `6200` | backup unknown or not visible (a rejected share included) |
//! | 404 | `6105` | vault unknown or another project's |
//! | 404 | `6705` | the backup is not shared with that project |
//! | 401 | `unauthorized` quirk | the backup was deleted |
//!
//! Authentication refusals (401 `APIGW.0301`), unknown paths (404 `APIGW.0101`),
//! `latency_ms`, `fail_rate` and injected faults are those of VBS; `status-NNN`,
//! `malformed-json`, `wrong-types` and `drip` answer in CBR's shapes.
//!
//! # The world
//!
//! Built from `ServerConfig::seed` and `ServerConfig::now` (every date is
//! before `now`, most within four months; nothing reads the wall clock except the times of
//! later writes, which are `now` plus the time since start):
//!
//! - Projects and names: [`project_names`]. The demo project and [`PARTNER_A`],
//!   [`PARTNER_B`] own vaults and backups; the other partners can log in and receive.
//! - Five vaults each ([`VAULTS`], [`VaultKind`], [`vault_id`]): servers (10 TB), disks
//!   (8 TB), a nearly full server vault (500 GB, 8 GB free), a frozen disk vault, a server
//!   replication vault. Servers and disks bound to them (`resources`, `allocated`).
//! - `cbr_backups` private server and disk backups of the demo project (every status,
//!   about 8 % encrypted); `cbr_shared_out` of them shared with one to three partners,
//!   the first (`golden-…-base`) with ten projects, the second accepted by `PARTNER_A`
//!   with an image registered. Each partner owns 40 backups more than the
//!   `cbr_shared_in` it shares with the demo project. Members in every status in both
//!   directions; accepted ones use their vault's space.
//! - Two deleted backups with a pending member each: [`DELETED_SHARED_WITH_DEMO`] (owned
//!   by `PARTNER_A`) and [`DELETED_SHARED_BY_DEMO`].
//!
//! [`DEMO_PROJECT_ID`]: crate::server::DEMO_PROJECT_ID
//! [`PARTNER_PROJECTS`]: crate::server::seed::PARTNER_PROJECTS

mod body;
mod catalog;
mod error;
mod list;
mod params;
mod routes;
mod rules;
mod seed;
mod world;

use std::sync::{Mutex, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::Instant;

pub use catalog::{
    DELETED_SHARED_BY_DEMO, DELETED_SHARED_WITH_DEMO, DEMO_DISK_VAULT, DEMO_FROZEN_VAULT,
    DEMO_REPLICA_VAULT, DEMO_SERVER_VAULT, DEMO_SMALL_VAULT, PARTNER_A, PARTNER_B, VAULTS,
    VaultKind, WORLD_PROJECTS, project_names, vault_id,
};
pub use error::GONE_BODY;
pub(crate) use routes::handle;
pub use world::ObjectType;

use super::ServerConfig;
use world::{Micros, World};

/// The most members a backup can have.
pub const MAX_MEMBERS: usize = 10;

/// The CBR part of the server's state.
#[derive(Debug)]
pub(crate) struct State {
    world: RwLock<World>,
    ids: Mutex<fastrand::Rng>,
    now: i64,
    started: Instant,
}

impl State {
    pub(crate) fn new(config: &ServerConfig) -> Self {
        let sizes = seed::Sizes {
            backups: config.cbr_backups,
            shared_out: config.cbr_shared_out,
            shared_in: config.cbr_shared_in,
        };
        Self {
            world: RwLock::new(seed::generate(config.seed, config.now, sizes)),
            ids: Mutex::new(fastrand::Rng::with_seed(config.seed ^ 0x1D5_CB12)),
            now: config.now,
            started: Instant::now(),
        }
    }

    /// The time of a write: "now" plus the time since the server started.
    fn clock(&self) -> Micros {
        let since = i64::try_from(self.started.elapsed().as_micros()).unwrap_or(i64::MAX);
        self.now.saturating_mul(1_000_000).saturating_add(since)
    }

    fn new_id(&self) -> String {
        let mut rng = self.ids.lock().unwrap_or_else(PoisonError::into_inner);
        super::seed::uuid_v4(&mut rng)
    }

    fn read(&self) -> RwLockReadGuard<'_, World> {
        self.world.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, World> {
        self.world.write().unwrap_or_else(PoisonError::into_inner)
    }
}

#[cfg(test)]
mod tests {
    use super::world::{MemberStatus, Role};
    use super::*;
    use crate::server::DEMO_PROJECT_ID as DEMO;

    const NOW: i64 = 1_767_225_600; // 2026-01-01T00:00:00Z

    fn world() -> World {
        let sizes = seed::Sizes {
            backups: 1200,
            shared_out: 30,
            shared_in: 50,
        };
        seed::generate(42, NOW, sizes)
    }

    #[test]
    fn same_seed_and_now_same_world_and_every_date_before_now() {
        let w = world();
        assert_eq!(w, world());
        let sizes = seed::Sizes {
            backups: 1200,
            shared_out: 30,
            shared_in: 50,
        };
        assert_ne!(w, seed::generate(43, NOW, sizes));
        let later = seed::generate(42, NOW + 86_400, sizes);
        assert_eq!(
            later.backups[0].created,
            w.backups[0].created + 86_400_000_000
        );
        let now = NOW * 1_000_000;
        for b in &w.backups {
            assert!(b.created <= b.updated && b.updated <= now, "{b:?}");
            assert!(b.expires.is_none_or(|e| e > now), "expired: {b:?}");
            assert!(now - b.created < 121 * 86_400_000_000);
        }
        assert!(w.members.iter().all(|m| m.created <= now));
        assert!(w.backups.iter().any(|b| now - b.created < 86_400_000_000));
    }

    #[test]
    fn sizes_statuses_and_directions() {
        let w = world();
        let own = |p: &str| w.backups.iter().filter(|b| b.project_id == p).count();
        assert_eq!(own(DEMO), 1200);
        assert_eq!(own(PARTNER_A) + own(PARTNER_B), 50 + 80);
        let shared_out: std::collections::HashSet<_> = w
            .members
            .iter()
            .filter(|m| w.backup(&m.backup_id).is_ok_and(|b| b.project_id == DEMO))
            .map(|m| &m.backup_id)
            .collect();
        assert_eq!(shared_out.len(), 30);
        let shared_in = w.members.iter().filter(|m| m.dest == DEMO).count();
        assert_eq!(shared_in, 50 + 1, "plus the deleted one");
        for status in [
            MemberStatus::Pending,
            MemberStatus::Accepted,
            MemberStatus::Rejected,
        ] {
            assert!(
                w.members
                    .iter()
                    .any(|m| m.dest == DEMO && m.status == status)
            );
            assert!(
                w.members
                    .iter()
                    .any(|m| m.dest == PARTNER_A && m.status == status)
            );
        }
        assert!(
            w.backups
                .iter()
                .any(|b| b.encrypted && b.status == "available")
        );
        assert!(w.backups.iter().any(|b| b.status == "error"));
        for t in [ObjectType::Server, ObjectType::Disk] {
            assert!(
                w.backups
                    .iter()
                    .any(|b| b.object_type == t && b.project_id == DEMO)
            );
        }
        let golden = w
            .backups
            .iter()
            .find(|b| b.name.starts_with("golden-"))
            .unwrap();
        assert_eq!(w.members_of(&golden.id).count(), MAX_MEMBERS);
        assert_eq!(w.members.iter().filter(|m| m.image_id.is_some()).count(), 1);
    }

    #[test]
    fn accepted_members_sit_in_a_fitting_vault_of_theirs() {
        let w = world();
        for m in w
            .members
            .iter()
            .filter(|m| m.status == MemberStatus::Accepted)
        {
            let b = w.backup(&m.backup_id).unwrap();
            let v = w.vault(&m.dest, m.vault_id.unwrap()).unwrap();
            assert_eq!(v.object_type, b.object_type);
            assert_eq!(v.protect_type, "backup");
        }
        for v in &w.vaults {
            assert!(v.used_mb <= v.size_gb * 1024, "{v:?}");
        }
        let small = w.vault(DEMO, DEMO_SMALL_VAULT).unwrap();
        assert_eq!(small.free_mb(), 8 * 1024);
    }

    #[test]
    fn roles_and_deleted_backups() {
        let w = world();
        let m = w
            .members
            .iter()
            .find(|m| m.dest == DEMO && w.backup(&m.backup_id).is_ok());
        let m = m.unwrap();
        assert!(matches!(
            w.role(DEMO, &m.backup_id),
            Ok((_, Role::Recipient(_)))
        ));
        let owner = w.backup(&m.backup_id).unwrap().project_id;
        assert!(matches!(w.role(owner, &m.backup_id), Ok((_, Role::Owner))));
        assert_eq!(
            w.owned(DEMO, &m.backup_id).unwrap_err().code(),
            "BackupService.6707"
        );
        let stranger = crate::server::seed::PARTNER_PROJECTS[5];
        if w.member_of(&m.backup_id, stranger).is_none() {
            assert_eq!(
                w.role(stranger, &m.backup_id).unwrap_err().code(),
                "BackupService.6200"
            );
        }
        for id in [DELETED_SHARED_WITH_DEMO, DELETED_SHARED_BY_DEMO] {
            assert_eq!(w.backup(id).unwrap_err(), error::CbrError::Gone);
            assert!(w.members.iter().any(|m| m.backup_id == id));
        }
    }
}
