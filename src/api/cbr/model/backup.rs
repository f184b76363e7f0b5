//! Backups (`BackupResp`), as ListBackups and ShowBackup return them to owner and recipient.

use std::fmt;

use serde::Serialize;

use super::read::Fields;
use super::{Record, Timestamp, Unparsed};

/// One backup. On a backup shared with this project, `project_id` is the sharer's project,
/// and no field carries this project's member status (ask ListBackups per `member_status`).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Backup {
    pub id: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    /// `available, protecting, deleting, restoring, error, waiting_protect, …`
    pub status: Option<String>,
    /// The owning (sharing) project.
    pub project_id: Option<String>,
    /// The vault holding it (the recipient's vault once accepted, as the recipient sees it).
    pub vault_id: Option<String>,
    /// Which kind of resource the backup is of (server, disk, SFS Turbo … UUIDs).
    pub provider_id: Option<String>,
    pub resource_id: Option<String>,
    pub resource_name: Option<String>,
    /// `OS::Nova::Server`, `OS::Cinder::Volume`, … (see [`Backup::object_type`]).
    pub resource_type: Option<String>,
    pub resource_az: Option<String>,
    /// The size of the source server or disk in GB (not the backup's bytes).
    pub resource_size: Option<u64>,
    /// `backup` or `replication`.
    pub image_type: Option<String>,
    pub checkpoint_id: Option<String>,
    /// Set on the per-disk children of a server backup.
    pub parent_id: Option<String>,
    pub created_at: Option<Timestamp>,
    pub updated_at: Option<Timestamp>,
    /// `None` also when sent as `null`: kept forever.
    pub expired_at: Option<Timestamp>,
    pub protected_at: Option<Timestamp>,
    /// The disk backups inside a server backup (usually empty in lists).
    pub children: Vec<Backup>,
    pub extend_info: Option<ExtendInfo>,
    /// Present with `show_replication=true` (Huawei).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replication_records: Option<Vec<ReplicationRecord>>,
    /// `"0"` and `0` both read as `"0"`.
    pub enterprise_project_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub incremental: Option<bool>,
    /// The backup snapshot type (read-only, 3 by default).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<u64>,
    /// The object exactly as the server sent it (empty when built locally).
    #[serde(skip)]
    pub raw: Box<str>,
    /// The fields sent that could not be read, by path (`extend_info.encrypted`); a
    /// child's are in the child.
    #[serde(skip)]
    pub unparsed: Vec<Unparsed>,
}

/// `extend_info`: flags of the backup, all optional.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ExtendInfo {
    pub auto_trigger: Option<bool>,
    pub bootable: Option<bool>,
    pub contain_system_disk: Option<bool>,
    pub encrypted: Option<bool>,
    pub is_multi_az: Option<bool>,
    pub incremental: Option<bool>,
    pub support_lld: Option<bool>,
    pub system_disk: Option<bool>,
    pub snapshot_id: Option<String>,
    /// `na`, `backup` or `snapshot`.
    pub supported_restore_mode: Option<String>,
    pub architecture: Option<String>,
    /// Percent done while protecting.
    pub progress: Option<u64>,
    pub os_images_data: Option<Vec<ImageData>>,
    /// The object exactly as sent (keys not read above, such as `app_consistency`,
    /// are only here).
    #[serde(skip)]
    pub raw: Box<str>,
}

/// An image registered from a backup (`extend_info.os_images_data[]`).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct ImageData {
    pub image_id: Option<String>,
}

/// A replication of the backup to another region (Huawei, `show_replication=true`).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct ReplicationRecord {
    pub id: Option<String>,
    pub status: Option<String>,
    pub created_at: Option<Timestamp>,
    pub source_backup_id: Option<String>,
    pub source_checkpoint_id: Option<String>,
    pub source_project_id: Option<String>,
    pub source_region: Option<String>,
    pub destination_backup_id: Option<String>,
    pub destination_checkpoint_id: Option<String>,
    pub destination_project_id: Option<String>,
    pub destination_region: Option<String>,
    pub destination_vault_id: Option<String>,
    pub vault_id: Option<String>,
    /// The object exactly as sent.
    #[serde(skip)]
    pub raw: Box<str>,
}

/// What a vault protects (`billing.object_type`), and so which backups it can take.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum ObjectType {
    /// `server` vaults hold `OS::Nova::Server` backups.
    Server,
    /// `disk` vaults hold `OS::Cinder::Volume` backups.
    Disk,
    /// Anything else: a vault's other `object_type` (`turbo`, `workspace`, …) or a
    /// backup's other `resource_type` (`OS::Sfs::Turbo`, …), as sent.
    Other(String),
}

impl ObjectType {
    /// The object type a vault declares (`billing.object_type`).
    pub fn of_vault(object_type: &str) -> ObjectType {
        match object_type.trim() {
            t if t.eq_ignore_ascii_case("server") => ObjectType::Server,
            t if t.eq_ignore_ascii_case("disk") => ObjectType::Disk,
            _ => ObjectType::Other(object_type.to_owned()),
        }
    }

    /// The vault type a backup of `resource_type` needs: `server` for
    /// `OS::Nova::Server`, `disk` for `OS::Cinder::Volume`; any other resource type is
    /// `Other` (and CBR shares only server and disk backups).
    pub fn for_resource(resource_type: &str) -> ObjectType {
        match resource_type.trim() {
            "OS::Nova::Server" => ObjectType::Server,
            "OS::Cinder::Volume" => ObjectType::Disk,
            _ => ObjectType::Other(resource_type.to_owned()),
        }
    }

    /// `server`, `disk`, or the other text.
    pub fn as_str(&self) -> &str {
        match self {
            ObjectType::Server => "server",
            ObjectType::Disk => "disk",
            ObjectType::Other(s) => s,
        }
    }
}

impl fmt::Display for ObjectType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Backup {
    /// Reads one backup object and keeps its text; fails only when it is not an object.
    pub fn from_raw(raw: &serde_json::value::RawValue) -> Result<Self, super::BodyError> {
        super::from_raw(raw)
    }

    /// The backup as JSON: the server's exact text when there is one.
    pub fn to_json(&self) -> String {
        super::to_json(self, &self.raw)
    }

    /// What was sent for `field` (a path such as `extend_info.encrypted`) when it could
    /// not be read.
    pub fn unparsed(&self, field: &str) -> Option<&Unparsed> {
        self.unparsed.iter().find(|u| u.field == field)
    }

    /// The vault type this backup needs, from its `resource_type` (`None` when not sent).
    pub fn object_type(&self) -> Option<ObjectType> {
        self.resource_type.as_deref().map(ObjectType::for_resource)
    }

    /// Whether the backup (or any of its disks) is encrypted: `Some(true)` when any says
    /// so, `Some(false)` when the backup says not and no disk says so, else `None`.
    pub fn encrypted(&self) -> Option<bool> {
        let own = self.extend_info.as_ref().and_then(|e| e.encrypted);
        let children: Vec<Option<bool>> = self.children.iter().map(Backup::encrypted).collect();
        if own == Some(true) || children.contains(&Some(true)) {
            Some(true)
        } else {
            own
        }
    }

    /// The space the backup takes in a vault, in MB: `resource_size` GB × 1024 (the
    /// service does not say which size it compares; this is the conservative bound).
    pub fn needed_mb(&self) -> Option<u64> {
        self.resource_size.and_then(|gb| gb.checked_mul(1024))
    }
}

impl Record for Backup {
    const KIND: &'static str = "backup";

    fn from_object(text: &str) -> Self {
        let mut unparsed = Vec::new();
        let mut b = Backup {
            raw: text.into(),
            ..Backup::default()
        };
        if let Some(mut f) = Fields::of(text, None, &mut unparsed) {
            b.id = f.text("id");
            b.name = f.text("name");
            b.description = f.text("description");
            b.status = f.text("status");
            b.project_id = f.text("project_id");
            b.vault_id = f.text("vault_id");
            b.provider_id = f.text("provider_id");
            b.resource_id = f.text("resource_id");
            b.resource_name = f.text("resource_name");
            b.resource_type = f.text("resource_type");
            b.resource_az = f.text("resource_az");
            b.resource_size = f.number("resource_size");
            b.image_type = f.text("image_type");
            b.checkpoint_id = f.text("checkpoint_id");
            b.parent_id = f.text("parent_id");
            b.created_at = f.time("created_at");
            b.updated_at = f.time("updated_at");
            b.expired_at = f.time("expired_at");
            b.protected_at = f.time("protected_at");
            b.children = f
                .objects("children")
                .unwrap_or_default()
                .into_iter()
                .map(Backup::from_object)
                .collect();
            b.extend_info = f
                .nested("extend_info", "extend_info")
                .map(|(raw, mut e)| extend_info(raw, &mut e));
            b.replication_records = f.objects("replication_records").map(|items| {
                items
                    .into_iter()
                    .filter_map(|raw| {
                        let mut r = Fields::of(raw, Some("replication_records"), f.sink())?;
                        Some(replication_record(raw, &mut r))
                    })
                    .collect()
            });
            b.enterprise_project_id = f.text("enterprise_project_id");
            b.incremental = f.flag("incremental");
            b.version = f.number("version");
        }
        b.unparsed = unparsed;
        b
    }

    fn unparsed(&self) -> &[Unparsed] {
        &self.unparsed
    }
}

fn extend_info(raw: &str, f: &mut Fields<'_, '_>) -> ExtendInfo {
    ExtendInfo {
        auto_trigger: f.flag("auto_trigger"),
        bootable: f.flag("bootable"),
        contain_system_disk: f.flag("contain_system_disk"),
        encrypted: f.flag("encrypted"),
        is_multi_az: f.flag("is_multi_az"),
        incremental: f.flag("incremental"),
        support_lld: f.flag("support_lld"),
        system_disk: f.flag("system_disk"),
        snapshot_id: f.text("snapshot_id"),
        supported_restore_mode: f
            .text("supported_restore_mode")
            .map(|s| s.trim().to_owned()),
        architecture: f.text("architecture"),
        progress: f.number("progress"),
        os_images_data: f.objects("os_images_data").map(|items| {
            items
                .into_iter()
                .filter_map(|raw| {
                    let mut i = Fields::of(raw, Some("extend_info.os_images_data"), f.sink())?;
                    Some(ImageData {
                        image_id: i.text("image_id"),
                    })
                })
                .collect()
        }),
        raw: raw.into(),
    }
}

fn replication_record(raw: &str, f: &mut Fields<'_, '_>) -> ReplicationRecord {
    ReplicationRecord {
        id: f.text("id"),
        status: f.text("status"),
        created_at: f.time("created_at"),
        source_backup_id: f.text("source_backup_id"),
        source_checkpoint_id: f.text("source_checkpoint_id"),
        source_project_id: f.text("source_project_id"),
        source_region: f.text("source_region"),
        destination_backup_id: f.text("destination_backup_id"),
        destination_checkpoint_id: f.text("destination_checkpoint_id"),
        destination_project_id: f.text("destination_project_id"),
        destination_region: f.text("destination_region"),
        destination_vault_id: f.text("destination_vault_id"),
        vault_id: f.text("vault_id"),
        raw: raw.into(),
    }
}
