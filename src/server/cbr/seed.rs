//! Builds the CBR world from a seed and a "now": the same `(seed, now, sizes)` always gives
//! the same world, and every date lies before "now" (most within the last four months).

use fastrand::Rng;

use super::catalog::{
    DELETED_SHARED_BY_DEMO, DELETED_SHARED_WITH_DEMO, EXTERNAL_PROJECTS, PARTNER_A, PARTNER_B,
    VAULTS, VaultKind, WORLD_PROJECTS, vault_id,
};
use super::world::{Backup, Member, MemberStatus, Micros, ObjectType, Resource, Vault, World};
use crate::server::DEMO_PROJECT_ID;
use crate::server::seed::{AVAILABILITY_ZONES, PARTNER_PROJECTS, uuid_v4};

const SEC: Micros = 1_000_000;
const DAY: Micros = 86_400 * SEC;

/// How many backups the world holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Sizes {
    /// Private backups of the demo project.
    pub backups: usize,
    /// How many of them are shared (have members).
    pub shared_out: usize,
    /// Backups of the two partners shared with the demo project.
    pub shared_in: usize,
}

/// Backups each partner owns besides the ones it shares with the demo project.
const PARTNER_OWN: usize = 40;

const APPS: [&str; 10] = [
    "web", "db", "api", "erp", "crm", "mail", "git", "kafka", "redis", "search",
];
const ENVS: [&str; 3] = ["prod", "staging", "dev"];
const SERVER_GB: [u64; 7] = [40, 40, 50, 80, 100, 100, 200];
const DISK_GB: [u64; 8] = [10, 20, 50, 100, 100, 200, 500, 1000];
const MANUAL: [&str; 5] = [
    "manual",
    "pre-upgrade",
    "before-migration",
    "keep-forever",
    "release",
];
const DESCRIPTIONS: [&str; 4] = [
    "before the kernel upgrade",
    "kept for the quarterly audit",
    "golden copy for new environments",
    "",
];

/// Generates the world; see the module docs.
pub(crate) fn generate(seed: u64, now_secs: i64, sizes: Sizes) -> World {
    let now = now_secs.saturating_mul(SEC);
    let mut g = Gen {
        rng: Rng::with_seed(seed ^ 0xCB2_5EED),
        now,
    };
    let mut vaults: Vec<Vault> = VAULTS
        .iter()
        .map(|&(project, kind, id)| {
            let s = kind.spec();
            let short = short_name(project);
            Vault {
                id,
                name: format!("{short}-{}", s.suffix),
                project_id: project,
                object_type: s.object_type,
                protect_type: s.protect_type,
                status: s.status,
                size_gb: s.size_gb,
                used_mb: s.used_mb,
                created: now - g.rng.i64(200 * DAY..900 * DAY),
            }
        })
        .collect();
    let mut resources = Vec::new();
    for project in WORLD_PROJECTS {
        let (servers, disks) = if project == DEMO_PROJECT_ID {
            (36, 24)
        } else {
            (12, 8)
        };
        for n in 0..servers {
            resources.push(g.resource(project, ObjectType::Server, n));
        }
        for n in 0..disks {
            resources.push(g.resource(project, ObjectType::Disk, n));
        }
    }
    let in_a = sizes.shared_in.div_ceil(2);
    let counts = [
        (DEMO_PROJECT_ID, sizes.backups),
        (PARTNER_A, in_a + PARTNER_OWN),
        (PARTNER_B, sizes.shared_in - in_a + PARTNER_OWN),
    ];
    let mut backups = Vec::new();
    for (project, n) in counts {
        let own: Vec<&Resource> = resources
            .iter()
            .filter(|r| r.project_id == project)
            .collect();
        for _ in 0..n {
            backups.push(g.backup(project, &own));
        }
    }
    let mut members = Vec::new();
    // Shared by the demo project.
    let mut picks = g.shareable(&backups, DEMO_PROJECT_ID);
    picks.truncate(sizes.shared_out);
    let mut cycle = 0;
    for (n, &i) in picks.iter().enumerate() {
        let targets: Vec<&str> = match n {
            0 => {
                let b = &mut backups[i];
                b.name = format!("golden-{}-base", b.object_type.as_str());
                DESCRIPTIONS[2].clone_into(&mut b.description);
                PARTNER_PROJECTS
                    .iter()
                    .chain(&EXTERNAL_PROJECTS)
                    .copied()
                    .collect()
            }
            1 => vec![PARTNER_A],
            _ => g.targets(),
        };
        for dest in targets {
            let status = if n == 1 {
                MemberStatus::Accepted
            } else if dest == PARTNER_A || dest == PARTNER_B {
                cycle += 1;
                g.status(cycle - 1)
            } else if g.rng.u8(..3) == 0 {
                MemberStatus::Rejected
            } else {
                MemberStatus::Pending
            };
            let mut m = g.member(&backups[i], dest, status, &mut vaults);
            if n == 1 && m.status == MemberStatus::Accepted {
                m.image_id = Some(uuid_v4(&mut g.rng));
            }
            members.push(m);
        }
    }
    // Shared with the demo project.
    let mut cycle = 0;
    for (partner, n) in [(PARTNER_A, in_a), (PARTNER_B, sizes.shared_in - in_a)] {
        let mut picks = g.shareable(&backups, partner);
        picks.truncate(n);
        for i in picks {
            cycle += 1;
            let status = g.status(cycle - 1);
            members.push(g.member(&backups[i], DEMO_PROJECT_ID, status, &mut vaults));
        }
    }
    // Shares whose backups were deleted since.
    for (backup_id, dest) in [
        (DELETED_SHARED_WITH_DEMO, DEMO_PROJECT_ID),
        (DELETED_SHARED_BY_DEMO, PARTNER_A),
    ] {
        members.push(Member {
            id: uuid_v4(&mut g.rng),
            backup_id: backup_id.to_owned(),
            dest: dest.to_owned(),
            status: MemberStatus::Pending,
            vault_id: None,
            image_id: None,
            created: now - g.rng.i64(2 * DAY..9 * DAY),
            updated: None,
        });
    }
    World::new(
        vaults,
        resources,
        backups,
        members,
        vec![DELETED_SHARED_WITH_DEMO, DELETED_SHARED_BY_DEMO],
    )
}

/// `analytics` of `eu-de_analytics`.
fn short_name(project: &str) -> &'static str {
    super::catalog::project_names()
        .into_iter()
        .find(|(p, _)| *p == project)
        .map_or("vault", |(_, n)| n.trim_start_matches("eu-de_"))
}

struct Gen {
    rng: Rng,
    now: Micros,
}

impl Gen {
    fn resource(&mut self, project: &'static str, t: ObjectType, n: usize) -> Resource {
        let app = APPS[self.rng.usize(..APPS.len())];
        let env = ENVS[self.rng.usize(..ENVS.len())];
        let (name, size_gb, kind) = match t {
            ObjectType::Server => (
                format!("ecs-{app}-{env}-{:02}", n + 1),
                SERVER_GB[self.rng.usize(..SERVER_GB.len())],
                if n % 6 == 5 {
                    VaultKind::NearlyFull
                } else {
                    VaultKind::Server
                },
            ),
            ObjectType::Disk => (
                format!("evs-{app}-{env}-data-{:02}", n + 1),
                DISK_GB[self.rng.usize(..DISK_GB.len())],
                if n % 5 == 4 {
                    VaultKind::Frozen
                } else {
                    VaultKind::Disk
                },
            ),
        };
        Resource {
            project_id: project,
            id: uuid_v4(&mut self.rng),
            name,
            object_type: t,
            size_gb,
            az: AVAILABILITY_ZONES[self.rng.usize(..3)],
            vault_id: vault_id(project, kind).unwrap_or_default(),
        }
    }

    fn backup(&mut self, project: &'static str, own: &[&Resource]) -> Backup {
        let r = own[self.rng.usize(..own.len())];
        let retention_days =
            [Some(7), Some(30), Some(30), Some(90), Some(365), None][self.rng.usize(..6)];
        let max_age = retention_days.map_or(120 * DAY, |d: i64| (d * DAY).min(120 * DAY));
        let age = if self.rng.u8(..10) < 3 {
            self.rng.i64(60 * SEC..2 * DAY)
        } else {
            self.rng.i64(60 * SEC..max_age)
        };
        let created = self.now - age;
        let status = if age < 3 * 3600 * SEC && self.rng.bool() {
            "protecting"
        } else {
            match self.rng.u8(..100) {
                0..88 => "available",
                88..92 => "error",
                92..94 => "deleting",
                94..96 => "restoring",
                96..97 => "waiting_protect",
                97..98 => "waiting_delete",
                _ => "waiting_restore",
            }
        };
        let done = !matches!(status, "protecting" | "waiting_protect" | "error");
        let protected = done.then(|| (created + self.rng.i64(20 * SEC..1800 * SEC)).min(self.now));
        let updated = (protected.unwrap_or(created) + self.rng.i64(0..120 * SEC)).min(self.now);
        let auto_trigger = self.rng.u8(..10) < 8;
        let (name, description) = if auto_trigger {
            (format!("autobk_{:04x}", self.rng.u16(..)), String::new())
        } else {
            (
                format!("{}-{}", r.name, MANUAL[self.rng.usize(..MANUAL.len())]),
                DESCRIPTIONS[self.rng.usize(..DESCRIPTIONS.len())].to_owned(),
            )
        };
        Backup {
            id: uuid_v4(&mut self.rng),
            project_id: project,
            vault_id: r.vault_id,
            name,
            description,
            resource_id: r.id.clone(),
            resource_name: r.name.clone(),
            resource_az: r.az,
            object_type: r.object_type,
            size_gb: r.size_gb,
            status,
            encrypted: self.rng.u8(..100) < 8,
            auto_trigger,
            checkpoint_id: uuid_v4(&mut self.rng),
            snapshot_id: (r.object_type == ObjectType::Disk).then(|| uuid_v4(&mut self.rng)),
            created,
            updated,
            protected,
            expires: retention_days.map(|d| created + d * DAY),
        }
    }

    /// `project`'s available, unencrypted backups in a seeded random order.
    fn shareable(&mut self, backups: &[Backup], project: &str) -> Vec<usize> {
        let mut picks: Vec<usize> = (0..backups.len())
            .filter(|&i| {
                let b = &backups[i];
                b.project_id == project && b.status == "available" && !b.encrypted
            })
            .collect();
        self.rng.shuffle(&mut picks);
        picks
    }

    /// One to three projects a demo backup is shared with, mostly the two partners.
    fn targets(&mut self) -> Vec<&'static str> {
        let pool = [
            PARTNER_A,
            PARTNER_B,
            PARTNER_A,
            PARTNER_B,
            PARTNER_PROJECTS[2],
            PARTNER_PROJECTS[3],
            PARTNER_PROJECTS[4],
            PARTNER_PROJECTS[5],
        ];
        let k = [1, 1, 1, 2, 2, 3][self.rng.usize(..6)];
        let mut out: Vec<&'static str> = Vec::new();
        while out.len() < k {
            let p = pool[self.rng.usize(..pool.len())];
            if !out.contains(&p) {
                out.push(p);
            }
        }
        out
    }

    /// The status of the `n`th share in one direction: pending, accepted, rejected first,
    /// so that every status exists, then 40/40/20.
    fn status(&mut self, n: usize) -> MemberStatus {
        match (n, self.rng.u8(..5)) {
            (0, _) | (3.., 0..2) => MemberStatus::Pending,
            (1, _) | (3.., 2..4) => MemberStatus::Accepted,
            _ => MemberStatus::Rejected,
        }
    }

    /// A member of `b` for `dest`; an accepted one goes into `dest`'s vault of the right
    /// type and uses its space (or stays pending when `dest` has no room or no vault).
    fn member(
        &mut self,
        b: &Backup,
        dest: &str,
        status: MemberStatus,
        vaults: &mut [Vault],
    ) -> Member {
        let created = (b.created + self.rng.i64(10 * 60 * SEC..3 * DAY)).min(self.now);
        let mut m = Member {
            id: uuid_v4(&mut self.rng),
            backup_id: b.id.clone(),
            dest: dest.to_owned(),
            status,
            vault_id: None,
            image_id: None,
            created,
            updated: None,
        };
        if status == MemberStatus::Accepted {
            let kind = match b.object_type {
                ObjectType::Server => VaultKind::Server,
                ObjectType::Disk => VaultKind::Disk,
            };
            let need = b.size_gb * 1024;
            let id = vault_id(dest, kind);
            match vaults.iter_mut().find(|v| Some(v.id) == id) {
                Some(v) if v.free_mb() >= need => {
                    v.used_mb += need;
                    m.vault_id = Some(v.id);
                }
                _ => m.status = MemberStatus::Pending,
            }
        }
        if m.status != MemberStatus::Pending {
            m.updated = Some((created + self.rng.i64(60 * SEC..2 * DAY)).min(self.now));
        }
        m
    }
}
