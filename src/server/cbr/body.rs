//! Response bodies shaped like the API Explorer examples (`cbr-fixtures/*.apiexplorer.json`):
//! keys in alphabetical order, naive microsecond timestamps, explicit `null`s.

use serde_json::{Value, json};

use super::world::{Backup, Member, Micros, ObjectType, Vault, World};
use crate::api::time::Timestamp;

/// `YYYY-MM-DDTHH:MM:SS.ffffff`, no zone.
pub(crate) fn stamp(at: Micros) -> String {
    Timestamp {
        secs: at.div_euclid(1_000_000),
        nanos: (at.rem_euclid(1_000_000) * 1000) as u32,
        raw: "".into(),
    }
    .to_vbs_string()
}

/// A backup as `project_id`'s owner sees it, or as a recipient does with `vault_id` the
/// vault it was accepted into.
pub(crate) fn backup(b: &Backup, vault_id: &str) -> Value {
    let extend_info = match b.object_type {
        ObjectType::Server => json!({
            "architecture": "x86_64",
            "auto_trigger": b.auto_trigger,
            "bootable": null,
            "contain_system_disk": true,
            "encrypted": b.encrypted,
            "os_images_data": null,
            "progress": null,
            "snapshot_id": null,
            "support_lld": true,
            "supported_restore_mode": "backup",
            "system_disk": false,
        }),
        ObjectType::Disk => json!({
            "auto_trigger": b.auto_trigger,
            "bootable": false,
            "encrypted": b.encrypted,
            "os_images_data": null,
            "progress": 100,
            "snapshot_id": b.snapshot_id,
            "support_lld": true,
            "supported_restore_mode": null,
            "system_disk": false,
        }),
    };
    json!({
        "checkpoint_id": b.checkpoint_id,
        "children": [],
        "created_at": stamp(b.created),
        "description": b.description,
        "enterprise_project_id": "0",
        "expired_at": b.expires.map(stamp),
        "extend_info": extend_info,
        "id": b.id,
        "image_type": "backup",
        "name": b.name,
        "parent_id": null,
        "project_id": b.project_id,
        "protected_at": b.protected.map(stamp),
        "provider_id": b.object_type.provider_id(),
        "resource_az": b.resource_az,
        "resource_id": b.resource_id,
        "resource_name": b.resource_name,
        "resource_size": b.size_gb,
        "resource_type": b.object_type.resource_type(),
        "status": b.status,
        "updated_at": stamp(b.updated),
        "vault_id": vault_id,
    })
}

pub(crate) fn member(m: &Member) -> Value {
    json!({
        "backup_id": m.backup_id,
        "created_at": stamp(m.created),
        "dest_project_id": m.dest,
        "id": m.id,
        "image_id": m.image_id,
        "status": m.status.as_str(),
        "updated_at": m.updated.map(stamp),
        "vault_id": m.vault_id,
    })
}

/// A fake but stable IAM user ID for a project (its ID reversed).
fn user_id(project: &str) -> String {
    project.chars().rev().collect()
}

/// A vault with its bound resources; `allocated` is the sum of their sizes (GB).
pub(crate) fn vault(v: &Vault, w: &World) -> Value {
    let mut allocated = 0;
    let resources: Vec<Value> = w
        .resources
        .iter()
        .filter(|r| r.vault_id == v.id)
        .map(|r| {
            allocated += r.size_gb;
            let (count, gb) = w
                .backups
                .iter()
                .filter(|b| b.resource_id == r.id)
                .fold((0u64, 0u64), |(c, s), b| (c + 1, s + b.size_gb));
            json!({
                "backup_count": count,
                "backup_size": gb,
                "extra_info": {},
                "id": r.id,
                "name": r.name,
                "protect_status": "available",
                "size": r.size_gb,
                "type": r.object_type.resource_type(),
            })
        })
        .collect();
    let spec_code = match (v.protect_type, v.object_type) {
        ("replication", _) => "vault.replication.server.normal",
        (_, ObjectType::Server) => "vault.backup.server.normal",
        (_, ObjectType::Disk) => "vault.backup.volume.normal",
    };
    json!({
        "auto_bind": false,
        "auto_expand": false,
        "billing": {
            "allocated": allocated,
            "charging_mode": "post_paid",
            "cloud_type": "public",
            "consistent_level": "crash_consistent",
            "frozen_scene": null,
            "object_type": v.object_type.as_str(),
            "order_id": null,
            "product_id": null,
            "protect_type": v.protect_type,
            "size": v.size_gb,
            "spec_code": spec_code,
            "status": v.status,
            "storage_unit": null,
            "used": v.used_mb,
        },
        "bind_rules": {},
        "created_at": stamp(v.created),
        "description": null,
        "enterprise_project_id": "0",
        "id": v.id,
        "name": v.name,
        "project_id": v.project_id,
        "provider_id": v.object_type.provider_id(),
        "resources": resources,
        "tags": [],
        "user_id": user_id(v.project_id),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_are_naive_microseconds() {
        assert_eq!(stamp(1_582_268_454_065_135), "2020-02-21T07:00:54.065135");
        assert_eq!(stamp(0), "1970-01-01T00:00:00.000000");
    }
}
