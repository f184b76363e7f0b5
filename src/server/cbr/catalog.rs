//! The fixed part of the CBR world, the same for every seed and every "now": the projects
//! and their names, the vaults and their IDs, and the IDs of the deleted backups.

use super::world::ObjectType;
use crate::server::DEMO_PROJECT_ID;
use crate::server::seed::PARTNER_PROJECTS;

/// The first partner (`eu-de_analytics`): it has vaults and backups, shares with the demo
/// project and is shared with.
pub const PARTNER_A: &str = PARTNER_PROJECTS[0];
/// The second partner (`eu-de_finance`), like [`PARTNER_A`].
pub const PARTNER_B: &str = PARTNER_PROJECTS[1];
/// The projects that own vaults and backups.
pub const WORLD_PROJECTS: [&str; 3] = [DEMO_PROJECT_ID, PARTNER_A, PARTNER_B];

/// Projects outside the demo logins that one demo backup is shared with, so that it has
/// the full ten members.
pub(crate) const EXTERNAL_PROJECTS: [&str; 4] = [
    "7c2e9a4f1b6d4e8a9c3f5b7d2e4a6c81",
    "8d3f0b5a2c7e4f9b0d4a6c8e3f5b7d92",
    "9e4a1c6b3d8f4a0c1e5b7d9f4a6c8ea3",
    "af5b2d7c4e9a4b1d2f6c8e0a5b7d9fb4",
];

/// Every project the demo logins reach, with a readable name: the demo project, then the
/// six partners (the first two of which own vaults and backups).
pub fn project_names() -> Vec<(&'static str, &'static str)> {
    vec![
        (DEMO_PROJECT_ID, "eu-de_demo"),
        (PARTNER_PROJECTS[0], "eu-de_analytics"),
        (PARTNER_PROJECTS[1], "eu-de_finance"),
        (PARTNER_PROJECTS[2], "eu-de_research"),
        (PARTNER_PROJECTS[3], "eu-de_logistics"),
        (PARTNER_PROJECTS[4], "eu-de_marketing"),
        (PARTNER_PROJECTS[5], "eu-de_support"),
    ]
}

/// The five vaults each of [`WORLD_PROJECTS`] has.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VaultKind {
    /// `{p}-servers`: server backup vault, available, 10 TB, room to spare.
    Server,
    /// `{p}-disks`: disk backup vault, available, 8 TB, room to spare.
    Disk,
    /// `{p}-servers-small`: server backup vault, available, 500 GB of which 8 GB are free.
    NearlyFull,
    /// `{p}-disks-frozen`: disk backup vault, frozen.
    Frozen,
    /// `{p}-replica`: server *replication* vault, available (not a backup vault).
    Replica,
}

/// What a vault kind is: name suffix, object type, protect type, status, size GB, used MB
/// (before accepted shares add to it).
pub(crate) struct KindSpec {
    pub suffix: &'static str,
    pub object_type: ObjectType,
    pub protect_type: &'static str,
    pub status: &'static str,
    pub size_gb: u64,
    pub used_mb: u64,
}

impl VaultKind {
    pub(crate) fn spec(self) -> KindSpec {
        let (suffix, object_type, protect_type, status, size_gb, used_gb) = match self {
            VaultKind::Server => (
                "servers",
                ObjectType::Server,
                "backup",
                "available",
                10_240,
                1_800,
            ),
            VaultKind::Disk => (
                "disks",
                ObjectType::Disk,
                "backup",
                "available",
                8_192,
                1_280,
            ),
            VaultKind::NearlyFull => (
                "servers-small",
                ObjectType::Server,
                "backup",
                "available",
                500,
                492,
            ),
            VaultKind::Frozen => (
                "disks-frozen",
                ObjectType::Disk,
                "backup",
                "frozen",
                2_048,
                700,
            ),
            VaultKind::Replica => (
                "replica",
                ObjectType::Server,
                "replication",
                "available",
                10_240,
                2_600,
            ),
        };
        KindSpec {
            suffix,
            object_type,
            protect_type,
            status,
            size_gb,
            used_mb: used_gb * 1024,
        }
    }
}

/// The demo project's server backup vault (the one to accept shared server backups into).
pub const DEMO_SERVER_VAULT: &str = "db5b5fab-8f4d-4e27-9da1-494c73cf256d";
/// The demo project's disk backup vault (the one to accept shared disk backups into).
pub const DEMO_DISK_VAULT: &str = "73ab4876-7734-47c1-87fd-e805ec99108d";
/// The demo project's nearly full server vault (8 GB free).
pub const DEMO_SMALL_VAULT: &str = "309d6b79-965e-4a32-9ae4-45508201e2bd";
/// The demo project's frozen disk vault.
pub const DEMO_FROZEN_VAULT: &str = "79cb9e86-830c-41c2-8dcc-69292f45e678";
/// The demo project's server replication vault.
pub const DEMO_REPLICA_VAULT: &str = "2fa91425-cb00-4853-9d2c-67eda13ffe79";

/// Every vault: owner, kind and ID, in the order vault lists show them per project.
pub const VAULTS: [(&str, VaultKind, &str); 15] = [
    (DEMO_PROJECT_ID, VaultKind::Server, DEMO_SERVER_VAULT),
    (DEMO_PROJECT_ID, VaultKind::Disk, DEMO_DISK_VAULT),
    (DEMO_PROJECT_ID, VaultKind::NearlyFull, DEMO_SMALL_VAULT),
    (DEMO_PROJECT_ID, VaultKind::Frozen, DEMO_FROZEN_VAULT),
    (DEMO_PROJECT_ID, VaultKind::Replica, DEMO_REPLICA_VAULT),
    (
        PARTNER_A,
        VaultKind::Server,
        "244caf9c-4dab-4481-b253-edc618187993",
    ),
    (
        PARTNER_A,
        VaultKind::Disk,
        "e3eff9c0-cf44-4d3f-89e7-d15f17362f25",
    ),
    (
        PARTNER_A,
        VaultKind::NearlyFull,
        "986e86cb-0ab8-4b67-a26b-7f62b1852f27",
    ),
    (
        PARTNER_A,
        VaultKind::Frozen,
        "73f778aa-f6fa-4db8-a56a-bd72fb710734",
    ),
    (
        PARTNER_A,
        VaultKind::Replica,
        "a66b0d38-9d95-447e-bd29-9753a7677796",
    ),
    (
        PARTNER_B,
        VaultKind::Server,
        "d4ea65d0-03d7-4684-9f85-58a628518867",
    ),
    (
        PARTNER_B,
        VaultKind::Disk,
        "09208a65-0f3e-4dd3-902b-938b8743feb6",
    ),
    (
        PARTNER_B,
        VaultKind::NearlyFull,
        "99809225-3def-4a38-a12b-2b8f30b17d0b",
    ),
    (
        PARTNER_B,
        VaultKind::Frozen,
        "5387f613-76c4-48ae-8732-1cc007b37e14",
    ),
    (
        PARTNER_B,
        VaultKind::Replica,
        "320094ea-d7a9-4ded-9749-1e2370c6a5b8",
    ),
];

/// The ID of `project`'s vault of `kind` (`None` for a project without vaults).
pub fn vault_id(project: &str, kind: VaultKind) -> Option<&'static str> {
    VAULTS
        .iter()
        .find(|(p, k, _)| *p == project && *k == kind)
        .map(|(_, _, id)| *id)
}

/// A backup of [`PARTNER_A`] shared with the demo project (pending) and then deleted:
/// every call about it answers the 401 "Malformed request url" quirk.
pub const DELETED_SHARED_WITH_DEMO: &str = "4b4d8474-a3ea-484d-bbd0-334684e55160";
/// A backup of the demo project shared with [`PARTNER_A`] (pending) and then deleted.
pub const DELETED_SHARED_BY_DEMO: &str = "15c1d2df-a996-4aef-812d-0ea67ff12229";

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::ids::is_project_id;

    #[test]
    fn every_world_project_has_each_kind_once_and_names_are_unique() {
        for p in WORLD_PROJECTS {
            for k in [
                VaultKind::Server,
                VaultKind::Disk,
                VaultKind::NearlyFull,
                VaultKind::Frozen,
                VaultKind::Replica,
            ] {
                assert_eq!(VAULTS.iter().filter(|v| v.0 == p && v.1 == k).count(), 1);
            }
        }
        let names = project_names();
        let mut ids: Vec<_> = names.iter().map(|n| n.0).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), 7);
        assert!(EXTERNAL_PROJECTS.iter().all(|p| is_project_id(p)));
        assert_eq!(vault_id(PARTNER_PROJECTS[3], VaultKind::Server), None);
        let free_gb = {
            let s = VaultKind::NearlyFull.spec();
            (s.size_gb * 1024 - s.used_mb) / 1024
        };
        assert_eq!(free_gb, 8);
    }
}
