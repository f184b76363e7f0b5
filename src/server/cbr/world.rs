//! What the CBR world holds (vaults, the resources bound to them, backups, share members)
//! and how a project may reach a backup.

use std::collections::HashMap;

use super::error::CbrError;

/// Microseconds since the Unix epoch: every CBR date is held like this.
pub(crate) type Micros = i64;

/// What a vault protects, and so which backups it can take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ObjectType {
    /// Cloud servers (`OS::Nova::Server`).
    Server,
    /// Disks (`OS::Cinder::Volume`).
    Disk,
}

impl ObjectType {
    /// `server` or `disk`, as `billing.object_type` says it.
    pub fn as_str(self) -> &'static str {
        match self {
            ObjectType::Server => "server",
            ObjectType::Disk => "disk",
        }
    }

    /// The `resource_type` of a backup of this kind.
    pub fn resource_type(self) -> &'static str {
        match self {
            ObjectType::Server => "OS::Nova::Server",
            ObjectType::Disk => "OS::Cinder::Volume",
        }
    }

    /// The `provider_id` of vaults and backups of this kind.
    pub(crate) fn provider_id(self) -> &'static str {
        match self {
            ObjectType::Server => "0daac4c5-6707-4851-97ba-169e36266b66",
            ObjectType::Disk => "d1603440-187d-4516-af25-121250c7cc97",
        }
    }

    /// The resource's words in messages.
    pub(crate) fn noun(self) -> &'static str {
        match self {
            ObjectType::Server => "cloud server",
            ObjectType::Disk => "disk",
        }
    }
}

/// Where a share member stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum MemberStatus {
    Pending,
    Accepted,
    Rejected,
}

impl MemberStatus {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            MemberStatus::Pending => "pending",
            MemberStatus::Accepted => "accepted",
            MemberStatus::Rejected => "rejected",
        }
    }

    /// Reads a status, also in the old `accept`/`reject` spellings of query parameters.
    pub(crate) fn parse_lenient(s: &str) -> Option<Self> {
        match s {
            "pending" => Some(MemberStatus::Pending),
            "accepted" | "accept" => Some(MemberStatus::Accepted),
            "rejected" | "reject" => Some(MemberStatus::Rejected),
            _ => None,
        }
    }
}

/// A vault of one project.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Vault {
    pub id: &'static str,
    pub name: String,
    pub project_id: &'static str,
    pub object_type: ObjectType,
    /// `backup` or `replication`.
    pub protect_type: &'static str,
    /// `available`, `frozen`, `lock`, …
    pub status: &'static str,
    pub size_gb: u64,
    pub used_mb: u64,
    pub created: Micros,
}

impl Vault {
    /// Space left in MB: `size` GB less `used` MB (never below zero).
    pub(crate) fn free_mb(&self) -> u64 {
        (self.size_gb * 1024).saturating_sub(self.used_mb)
    }
}

/// A server or disk bound to a vault; backups are made of these.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Resource {
    pub project_id: &'static str,
    pub id: String,
    pub name: String,
    pub object_type: ObjectType,
    pub size_gb: u64,
    pub az: &'static str,
    pub vault_id: &'static str,
}

/// A backup (a CBR checkpoint item) owned by `project_id`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Backup {
    pub id: String,
    pub project_id: &'static str,
    pub vault_id: &'static str,
    pub name: String,
    pub description: String,
    pub resource_id: String,
    pub resource_name: String,
    pub resource_az: &'static str,
    pub object_type: ObjectType,
    /// `resource_size`: the source's size in GB.
    pub size_gb: u64,
    pub status: &'static str,
    pub encrypted: bool,
    pub auto_trigger: bool,
    pub checkpoint_id: String,
    pub snapshot_id: Option<String>,
    pub created: Micros,
    pub updated: Micros,
    pub protected: Option<Micros>,
    pub expires: Option<Micros>,
}

/// A share member: `backup_id` shared with the project `dest`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Member {
    pub id: String,
    pub backup_id: String,
    pub dest: String,
    pub status: MemberStatus,
    pub vault_id: Option<&'static str>,
    pub image_id: Option<String>,
    pub created: Micros,
    pub updated: Option<Micros>,
}

/// A project's relation to a backup that exists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Role {
    /// The project owns the backup.
    Owner,
    /// The backup is shared with the project (member index).
    Recipient(usize),
}

/// The whole CBR world.
#[derive(Clone, Debug, Default, PartialEq)]
pub(crate) struct World {
    pub vaults: Vec<Vault>,
    pub resources: Vec<Resource>,
    pub backups: Vec<Backup>,
    pub members: Vec<Member>,
    /// Backups that were deleted while members still pointed at them.
    pub deleted: Vec<&'static str>,
    index: HashMap<String, usize>,
}

impl World {
    pub(crate) fn new(
        vaults: Vec<Vault>,
        resources: Vec<Resource>,
        backups: Vec<Backup>,
        members: Vec<Member>,
        deleted: Vec<&'static str>,
    ) -> Self {
        let index = backups
            .iter()
            .enumerate()
            .map(|(i, b)| (b.id.clone(), i))
            .collect();
        Self {
            vaults,
            resources,
            backups,
            members,
            deleted,
            index,
        }
    }

    /// The backup `id`: 401 "Malformed request url" if it was deleted, 404 `6200` if it
    /// never existed.
    pub(crate) fn backup(&self, id: &str) -> Result<&Backup, CbrError> {
        if let Some(&i) = self.index.get(id) {
            return Ok(&self.backups[i]);
        }
        if self.deleted.contains(&id) {
            return Err(CbrError::Gone);
        }
        Err(CbrError::backup_not_found(id))
    }

    /// The member index of `dest` on backup `backup_id`.
    pub(crate) fn member_of(&self, backup_id: &str, dest: &str) -> Option<usize> {
        self.members
            .iter()
            .position(|m| m.backup_id == backup_id && m.dest == dest)
    }

    /// The members of `backup_id`, in the order they were added.
    pub(crate) fn members_of<'a>(&'a self, backup_id: &'a str) -> impl Iterator<Item = usize> {
        self.members
            .iter()
            .enumerate()
            .filter(move |(_, m)| m.backup_id == backup_id)
            .map(|(i, _)| i)
    }

    /// How `project` relates to backup `id` (any member status); a project with no relation
    /// gets 404 `6200`, so a stranger learns nothing.
    pub(crate) fn role(&self, project: &str, id: &str) -> Result<(&Backup, Role), CbrError> {
        let b = self.backup(id)?;
        if b.project_id == project {
            return Ok((b, Role::Owner));
        }
        match self.member_of(id, project) {
            Some(m) => Ok((b, Role::Recipient(m))),
            None => Err(CbrError::backup_not_found(id)),
        }
    }

    /// The backup `id` for its owner `project`, refusing a recipient with `6707`.
    pub(crate) fn owned(&self, project: &str, id: &str) -> Result<&Backup, CbrError> {
        match self.role(project, id)? {
            (b, Role::Owner) => Ok(b),
            (b, Role::Recipient(_)) => Err(CbrError::owner_only(&b.id, b.project_id)),
        }
    }

    /// The vault `id` of `project`, or 404 `6105`.
    pub(crate) fn vault(&self, project: &str, id: &str) -> Result<&Vault, CbrError> {
        self.vaults
            .iter()
            .find(|v| v.id == id && v.project_id == project)
            .ok_or_else(|| CbrError::vault_not_found(id))
    }

    pub(crate) fn vault_mut(&mut self, id: &str) -> Option<&mut Vault> {
        self.vaults.iter_mut().find(|v| v.id == id)
    }
}
