//! Vaults, where a recipient accepts a shared backup.

use serde::Serialize;

use super::read::Fields;
use super::{ObjectType, Record, Timestamp, Unparsed};

/// One vault. Its capacity, usage, type and state are in [`Vault::billing`]; the helpers
/// ([`Vault::free_mb`], [`Vault::object_type`], [`Vault::fit`]) read them.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Vault {
    pub id: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub project_id: Option<String>,
    pub user_id: Option<String>,
    /// The same UUIDs as a backup's: server vault `0daac4c5…`, disk vault `d1603440…`.
    pub provider_id: Option<String>,
    pub created_at: Option<Timestamp>,
    pub billing: Option<Billing>,
    /// The servers or disks the vault protects.
    pub resources: Vec<VaultResource>,
    pub tags: Vec<Tag>,
    pub bind_rules: Option<BindRules>,
    pub auto_bind: Option<bool>,
    pub auto_expand: Option<bool>,
    /// `"0"` and `0` both read as `"0"`.
    pub enterprise_project_id: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub smn_notify: Option<bool>,
    /// Usage alarm threshold in percent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threshold: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub locked: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub availability_zone: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sys_lock_source_service: Option<String>,
    /// The object exactly as the server sent it (empty when built locally).
    #[serde(skip)]
    pub raw: Box<str>,
    /// The fields sent that could not be read, by path (`billing.used`, `resources.size`).
    #[serde(skip)]
    pub unparsed: Vec<Unparsed>,
}

/// `billing`: the vault's capacity, type and state. Units differ: `size` and `allocated`
/// are GB, `used` is MB.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Billing {
    /// Capacity in GB.
    pub size: Option<u64>,
    /// Used capacity in **MB**.
    pub used: Option<u64>,
    /// The summed size of the bound resources in GB (not the used space).
    pub allocated: Option<u64>,
    /// `server`, `disk`, `turbo`, … (see [`Vault::object_type`]).
    pub object_type: Option<String>,
    /// `backup`, `replication` or `hybrid`; only `backup` vaults accept shared backups.
    pub protect_type: Option<String>,
    /// `available`, `lock`, `frozen`, `deleting` or `error`.
    pub status: Option<String>,
    /// Why the vault is frozen, when it is.
    pub frozen_scene: Option<String>,
    /// `crash_consistent` or `app_consistent`.
    pub consistent_level: Option<String>,
    /// `post_paid` or `pre_paid`.
    pub charging_mode: Option<String>,
    /// `vault.backup.server.normal`, `vault.backup.volume.normal`, …
    pub spec_code: Option<String>,
    /// `public` or `hybrid`.
    pub cloud_type: Option<String>,
    pub order_id: Option<String>,
    pub product_id: Option<String>,
    pub storage_unit: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub is_multi_az: Option<bool>,
}

/// A server or disk bound to a vault (`ResourceResp`).
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct VaultResource {
    pub id: Option<String>,
    pub name: Option<String>,
    /// `OS::Nova::Server`, `OS::Cinder::Volume`, …
    #[serde(rename = "type")]
    pub resource_type: Option<String>,
    /// Allocated size in GB.
    pub size: Option<u64>,
    /// `available`, `error`, `protecting`, `restoring` or `removing`.
    pub protect_status: Option<String>,
    pub backup_size: Option<u64>,
    pub backup_count: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_protect: Option<bool>,
    /// The object exactly as sent (`extra_info` with its volume lists is only here).
    #[serde(skip)]
    pub raw: Box<str>,
}

/// A tag; OTC sends tags without a `value`.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Tag {
    pub key: Option<String>,
    pub value: Option<String>,
}

/// `bind_rules`: tags that bind resources to the vault automatically.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct BindRules {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<Tag>,
}

impl Vault {
    /// Reads one vault object and keeps its text; fails only when it is not an object.
    pub fn from_raw(raw: &serde_json::value::RawValue) -> Result<Self, super::BodyError> {
        super::from_raw(raw)
    }

    /// The vault as JSON: the server's exact text when there is one.
    pub fn to_json(&self) -> String {
        super::to_json(self, &self.raw)
    }

    /// What was sent for `field` (a path such as `billing.used`) when it could not be read.
    pub fn unparsed(&self, field: &str) -> Option<&Unparsed> {
        self.unparsed.iter().find(|u| u.field == field)
    }

    /// `billing.size`: the capacity in GB.
    pub fn size_gb(&self) -> Option<u64> {
        self.billing.as_ref()?.size
    }

    /// `billing.used`: the used capacity in MB.
    pub fn used_mb(&self) -> Option<u64> {
        self.billing.as_ref()?.used
    }

    /// Free space in MB: `size` GB × 1024 − `used` MB, 0 when overfull; `None` when either
    /// is unknown.
    pub fn free_mb(&self) -> Option<u64> {
        let size_mb = self.size_gb()?.checked_mul(1024)?;
        Some(size_mb.saturating_sub(self.used_mb()?))
    }

    /// What the vault protects (`billing.object_type`): server or disk (or other).
    pub fn object_type(&self) -> Option<ObjectType> {
        let b = self.billing.as_ref()?;
        b.object_type.as_deref().map(ObjectType::of_vault)
    }

    /// `billing.status`.
    pub fn status(&self) -> Option<&str> {
        self.billing.as_ref()?.status.as_deref()
    }

    /// `billing.protect_type`.
    pub fn protect_type(&self) -> Option<&str> {
        self.billing.as_ref()?.protect_type.as_deref()
    }
}

impl Record for Vault {
    const KIND: &'static str = "vault";

    fn from_object(text: &str) -> Self {
        let mut unparsed = Vec::new();
        let mut v = Vault {
            raw: text.into(),
            ..Vault::default()
        };
        if let Some(mut f) = Fields::of(text, None, &mut unparsed) {
            v.id = f.text("id");
            v.name = f.text("name");
            v.description = f.text("description");
            v.project_id = f.text("project_id");
            v.user_id = f.text("user_id");
            v.provider_id = f.text("provider_id");
            v.created_at = f.time("created_at");
            v.billing = f
                .nested("billing", "billing")
                .map(|(_, mut b)| billing(&mut b));
            v.resources = f
                .objects("resources")
                .unwrap_or_default()
                .into_iter()
                .filter_map(|raw| {
                    let mut r = Fields::of(raw, Some("resources"), f.sink())?;
                    Some(resource(raw, &mut r))
                })
                .collect();
            v.tags = tags(&mut f, "tags", "tags");
            v.bind_rules = f
                .nested("bind_rules", "bind_rules")
                .map(|(_, mut r)| BindRules {
                    tags: tags(&mut r, "tags", "bind_rules.tags"),
                });
            v.auto_bind = f.flag("auto_bind");
            v.auto_expand = f.flag("auto_expand");
            v.enterprise_project_id = f.text("enterprise_project_id");
            v.smn_notify = f.flag("smn_notify");
            v.threshold = f.number("threshold");
            v.locked = f.flag("locked");
            v.availability_zone = f.text("availability_zone");
            v.sys_lock_source_service = f.text("sys_lock_source_service");
        }
        v.unparsed = unparsed;
        v
    }

    fn unparsed(&self) -> &[Unparsed] {
        &self.unparsed
    }
}

fn billing(f: &mut Fields<'_, '_>) -> Billing {
    Billing {
        size: f.number("size"),
        used: f.number("used"),
        allocated: f.number("allocated"),
        object_type: f.text("object_type"),
        protect_type: f.text("protect_type"),
        status: f.text("status"),
        frozen_scene: f.text("frozen_scene"),
        consistent_level: f.text("consistent_level"),
        charging_mode: f.text("charging_mode"),
        spec_code: f.text("spec_code"),
        cloud_type: f.text("cloud_type"),
        order_id: f.text("order_id"),
        product_id: f.text("product_id"),
        storage_unit: f.text("storage_unit"),
        is_multi_az: f.flag("is_multi_az"),
    }
}

fn resource(raw: &str, f: &mut Fields<'_, '_>) -> VaultResource {
    VaultResource {
        id: f.text("id"),
        name: f.text("name"),
        resource_type: f.text("type"),
        size: f.number("size"),
        protect_status: f.text("protect_status"),
        backup_size: f.number("backup_size"),
        backup_count: f.number("backup_count"),
        auto_protect: f.flag("auto_protect"),
        raw: raw.into(),
    }
}

/// The tags in list member `key`, read under `prefix`.
fn tags(f: &mut Fields<'_, '_>, key: &str, prefix: &'static str) -> Vec<Tag> {
    f.objects(key)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|raw| {
            let mut t = Fields::of(raw, Some(prefix), f.sink())?;
            Some(Tag {
                key: t.text("key"),
                value: t.text("value"),
            })
        })
        .collect()
}
