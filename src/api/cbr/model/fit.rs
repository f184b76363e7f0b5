//! Whether a vault can accept a shared backup, and which vault to offer.
//!
//! The rules come from the error codes and the user manual: a `backup` vault (not
//! replication), of the backup's object type (`server` for
//! `OS::Nova::Server`, `disk` for `OS::Cinder::Volume`; else 6713), `available` and neither
//! frozen nor locked (else 6712), with free space (`size` GB × 1024 − `used` MB) *greater
//! than* the backup's `resource_size` (GB × 1024). Anything unknown never fits: a vault or
//! backup whose size or type was not sent (or did not parse) is reported as such rather
//! than guessed.

use super::{Backup, ObjectType, Vault};

/// Whether a vault can take a backup, and if not, why.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fit {
    /// It fits, leaving this much free in the vault afterwards.
    Fits { free_after_mb: u64 },
    /// The vault holds another object type than the backup needs.
    WrongType {
        vault: ObjectType,
        backup: ObjectType,
    },
    /// The vault's or the backup's object type is not known.
    TypeUnknown,
    /// Not a `backup` vault (`replication`, `hybrid`, or not sent: `None`).
    NotBackupVault { protect_type: Option<String> },
    /// Not usable now: its status (`frozen`, `lock`, `deleting`, `error`, `unknown`), or
    /// `frozen` / `locked` when the status says available but the vault is.
    NotAvailable(String),
    /// Not enough free space.
    TooSmall { free_mb: u64, needed_mb: u64 },
    /// The vault's capacity or usage, or the backup's size, is not known.
    SizeUnknown,
}

impl Fit {
    /// Whether the backup fits.
    pub fn fits(&self) -> bool {
        matches!(self, Fit::Fits { .. })
    }

    /// One sentence for people: why it does not fit and what to do, or that it fits.
    pub fn reason(&self) -> String {
        match self {
            Fit::Fits { free_after_mb } => {
                format!("it fits, leaving {} free", size_text(*free_after_mb))
            }
            Fit::WrongType {
                backup: ObjectType::Other(kind),
                ..
            } => format!(
                "the backup is of {kind}, and only server and disk backups can be accepted \
                 into a vault: ask the owner to share a server or disk backup"
            ),
            Fit::WrongType { vault, backup } => format!(
                "this is a {vault} vault and the backup needs a {backup} vault: pick a {backup} \
                 vault"
            ),
            Fit::TypeUnknown => {
                "the vault's or the backup's type is not known: pick a vault of the backup's \
                 type (server or disk) by hand"
                    .to_owned()
            }
            Fit::NotBackupVault { protect_type } => match protect_type {
                Some(p) => format!(
                    "this is a {p} vault; only backup vaults accept shared backups: pick a \
                     backup vault"
                ),
                None => "the vault does not say it is a backup vault; only backup vaults \
                         accept shared backups: pick a backup vault"
                    .to_owned(),
            },
            Fit::NotAvailable(state) => {
                let state = if state == "unknown" {
                    "in an unknown state".to_owned()
                } else {
                    state.clone()
                };
                format!(
                    "the vault is {state}; only an available vault accepts a shared backup: \
                     pick another vault or wait until this one is available"
                )
            }
            Fit::TooSmall { free_mb, needed_mb } => {
                let (free, needed) = (size_text(*free_mb), size_text(*needed_mb));
                let more = if free_mb == needed_mb {
                    " and must have more free than that"
                } else {
                    ""
                };
                format!(
                    "the vault has {free} free, the backup needs {needed}{more}: expand the \
                     vault or pick one with more free space"
                )
            }
            Fit::SizeUnknown => "the vault's free space or the backup's size is not known, \
                                 so it cannot be shown to fit: pick a vault by hand"
                .to_owned(),
        }
    }
}

/// A size in MB as people read it: `512 MB`, `12 GB`, `39.9 GB` (rounded down, so free
/// space is never overstated).
pub fn size_text(mb: u64) -> String {
    if mb < 1024 {
        format!("{mb} MB")
    } else if mb.is_multiple_of(1024) {
        format!("{} GB", mb / 1024)
    } else {
        let tenths = mb.saturating_mul(10) / 1024;
        format!("{}.{} GB", tenths / 10, tenths % 10)
    }
}

impl Vault {
    /// Whether this vault can accept `backup`, checked in this order: a `backup` vault; of
    /// the object type the backup needs (`server` for `OS::Nova::Server`, `disk` for
    /// `OS::Cinder::Volume`); `available`, not frozen, not locked; with free space
    /// (`size` GB × 1024 − `used` MB) greater than `resource_size` GB × 1024. Anything
    /// unknown never fits.
    pub fn fit(&self, backup: &Backup) -> Fit {
        match self.protect_type() {
            Some(p) if p.trim().eq_ignore_ascii_case("backup") => {}
            other => {
                return Fit::NotBackupVault {
                    protect_type: other.map(str::to_owned),
                };
            }
        }
        let (Some(vault), Some(needs)) = (self.object_type(), backup.object_type()) else {
            return Fit::TypeUnknown;
        };
        if vault != needs || matches!(vault, ObjectType::Other(_)) {
            return Fit::WrongType {
                vault,
                backup: needs,
            };
        }
        match self.status() {
            Some(s) if s.trim().eq_ignore_ascii_case("available") => {}
            Some(s) => return Fit::NotAvailable(s.to_owned()),
            None => return Fit::NotAvailable("unknown".to_owned()),
        }
        let frozen = self
            .billing
            .as_ref()
            .and_then(|b| b.frozen_scene.as_deref())
            .is_some_and(|s| !s.trim().is_empty());
        if frozen {
            return Fit::NotAvailable("frozen".to_owned());
        }
        if self.locked == Some(true) {
            return Fit::NotAvailable("locked".to_owned());
        }
        let (Some(free_mb), Some(needed_mb)) = (self.free_mb(), backup.needed_mb()) else {
            return Fit::SizeUnknown;
        };
        if free_mb > needed_mb {
            Fit::Fits {
                free_after_mb: free_mb - needed_mb,
            }
        } else {
            Fit::TooSmall { free_mb, needed_mb }
        }
    }
}

/// The vault that fits `backup` with the most free space (the first of equals), or
/// `None` when none fits.
pub fn pick_vault<'v>(vaults: &'v [Vault], backup: &Backup) -> Option<&'v Vault> {
    let mut best: Option<(&Vault, u64)> = None;
    for vault in vaults {
        if let Fit::Fits { free_after_mb } = vault.fit(backup)
            && best.is_none_or(|(_, most)| free_after_mb > most)
        {
            best = Some((vault, free_after_mb));
        }
    }
    best.map(|(v, _)| v)
}
