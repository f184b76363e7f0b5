//! Free space in mixed units, every `Fit` branch, and picking a vault.

use super::*;

/// An available backup vault of `object_type` with `size` GB of which `used` MB are used.
fn vault(name: &str, object_type: &str, size: Option<u64>, used: Option<u64>) -> Vault {
    Vault {
        name: Some(name.into()),
        billing: Some(Billing {
            size,
            used,
            object_type: Some(object_type.into()),
            protect_type: Some("backup".into()),
            status: Some("available".into()),
            ..Billing::default()
        }),
        ..Vault::default()
    }
}

fn backup(resource_type: &str, gb: Option<u64>) -> Backup {
    Backup {
        resource_type: Some(resource_type.into()),
        resource_size: gb,
        ..Backup::default()
    }
}

fn server(gb: u64) -> Backup {
    backup("OS::Nova::Server", Some(gb))
}

fn with_billing(mut v: Vault, edit: impl FnOnce(&mut Billing)) -> Vault {
    if let Some(b) = v.billing.as_mut() {
        edit(b);
    }
    v
}

#[test]
fn free_space_is_size_in_gb_less_used_in_mb() {
    assert_eq!(
        vault("v", "server", Some(100), Some(0)).free_mb(),
        Some(102_400)
    );
    assert_eq!(
        vault("v", "server", Some(40), Some(1536)).free_mb(),
        Some(40_960 - 1536)
    );
    assert_eq!(
        vault("v", "server", Some(1), Some(5000)).free_mb(),
        Some(0),
        "overfull"
    );
    assert_eq!(vault("v", "server", None, Some(0)).free_mb(), None);
    assert_eq!(vault("v", "server", Some(10), None).free_mb(), None);
    assert_eq!(Vault::default().free_mb(), None);
    // From the wire: 100 GB vault, 30 GB allocated, 20480 MB used → 80 GB free.
    let v = parse_vault(r#"{"vault":{"billing":{"size":100,"allocated":30,"used":20480}}}"#);
    assert_eq!(v.unwrap().free_mb(), Some(80 * 1024));
}

#[test]
fn a_vault_of_the_right_type_with_room_fits() {
    let v = vault("v", "server", Some(100), Some(10 * 1024));
    let fit = v.fit(&server(40));
    assert_eq!(
        fit,
        Fit::Fits {
            free_after_mb: 50 * 1024
        }
    );
    assert!(fit.fits());
    assert_eq!(fit.reason(), "it fits, leaving 50 GB free");
    let disk = vault("d", "disk", Some(50), Some(0));
    assert!(disk.fit(&backup("OS::Cinder::Volume", Some(40))).fits());
}

#[test]
fn wrong_type_names_both_and_what_to_pick() {
    let disk = vault("d", "disk", Some(500), Some(0));
    let fit = disk.fit(&server(40));
    assert_eq!(
        fit,
        Fit::WrongType {
            vault: ObjectType::Disk,
            backup: ObjectType::Server
        }
    );
    assert_eq!(
        fit.reason(),
        "this is a disk vault and the backup needs a server vault: pick a server vault"
    );
    let turbo = backup("OS::Sfs::Turbo", Some(1));
    let fit = vault("s", "server", Some(500), Some(0)).fit(&turbo);
    assert!(
        matches!(&fit, Fit::WrongType { backup: ObjectType::Other(t), .. } if t == "OS::Sfs::Turbo")
    );
    assert!(
        fit.reason().contains("only server and disk backups"),
        "{}",
        fit.reason()
    );
    // A vault of another object type never fits, even a backup "of the same" kind.
    let other = vault("t", "turbo", Some(500), Some(0));
    assert!(matches!(other.fit(&turbo), Fit::WrongType { .. }));
}

#[test]
fn unknown_types_never_fit() {
    let v = vault("v", "server", Some(100), Some(0));
    assert_eq!(
        v.fit(&Backup {
            resource_size: Some(1),
            ..Backup::default()
        }),
        Fit::TypeUnknown
    );
    let untyped = with_billing(v, |b| b.object_type = None);
    assert_eq!(untyped.fit(&server(1)), Fit::TypeUnknown);
    assert!(Fit::TypeUnknown.reason().contains("pick a vault"));
}

#[test]
fn only_backup_vaults_accept() {
    let v = with_billing(vault("r", "server", Some(100), Some(0)), |b| {
        b.protect_type = Some("replication".into());
    });
    let fit = v.fit(&server(1));
    assert_eq!(
        fit,
        Fit::NotBackupVault {
            protect_type: Some("replication".into())
        }
    );
    assert!(
        fit.reason()
            .starts_with("this is a replication vault; only backup vaults")
    );
    let unsaid = with_billing(v, |b| b.protect_type = None);
    assert_eq!(
        unsaid.fit(&server(1)),
        Fit::NotBackupVault { protect_type: None }
    );
    assert_eq!(
        Vault::default().fit(&server(1)),
        Fit::NotBackupVault { protect_type: None }
    );
}

#[test]
fn unavailable_frozen_and_locked_vaults_do_not_fit() {
    let base = vault("v", "server", Some(100), Some(0));
    let frozen = with_billing(base.clone(), |b| b.status = Some("frozen".into()));
    assert_eq!(frozen.fit(&server(1)), Fit::NotAvailable("frozen".into()));
    assert!(
        frozen
            .fit(&server(1))
            .reason()
            .starts_with("the vault is frozen; only an available")
    );
    let scene = with_billing(base.clone(), |b| b.frozen_scene = Some("Poweroff".into()));
    assert_eq!(scene.fit(&server(1)), Fit::NotAvailable("frozen".into()));
    let locked = Vault {
        locked: Some(true),
        ..base.clone()
    };
    assert_eq!(locked.fit(&server(1)), Fit::NotAvailable("locked".into()));
    let unknown = with_billing(base, |b| b.status = None);
    let fit = unknown.fit(&server(1));
    assert_eq!(fit, Fit::NotAvailable("unknown".into()));
    assert!(
        fit.reason().contains("in an unknown state"),
        "{}",
        fit.reason()
    );
}

#[test]
fn too_small_says_both_sizes_and_what_to_do() {
    let v = vault("v", "server", Some(40), Some(28 * 1024));
    let fit = v.fit(&server(40));
    assert_eq!(
        fit,
        Fit::TooSmall {
            free_mb: 12 * 1024,
            needed_mb: 40 * 1024
        }
    );
    assert_eq!(
        fit.reason(),
        "the vault has 12 GB free, the backup needs 40 GB: expand the vault or pick one with \
         more free space"
    );
    // The free space must be greater than the backup: equal is too small.
    let exact = vault("v", "server", Some(40), Some(0)).fit(&server(40));
    assert_eq!(
        exact,
        Fit::TooSmall {
            free_mb: 40_960,
            needed_mb: 40_960
        }
    );
    assert!(exact.reason().contains("must have more free than that"));
    // Free space is rounded down, never overstated.
    let almost = vault("v", "server", Some(40), Some(1)).fit(&server(40));
    assert!(
        almost.reason().starts_with("the vault has 39.9 GB free"),
        "{}",
        almost.reason()
    );
}

#[test]
fn unknown_sizes_never_fit() {
    for (v, b) in [
        (vault("v", "server", None, Some(0)), server(1)),
        (vault("v", "server", Some(100), None), server(1)),
        (
            vault("v", "server", Some(100), Some(0)),
            backup("OS::Nova::Server", None),
        ),
    ] {
        assert_eq!(v.fit(&b), Fit::SizeUnknown);
    }
    assert!(Fit::SizeUnknown.reason().contains("cannot be shown to fit"));
}

#[test]
fn sizes_read_naturally() {
    assert_eq!(size_text(0), "0 MB");
    assert_eq!(size_text(512), "512 MB");
    assert_eq!(size_text(12 * 1024), "12 GB");
    assert_eq!(size_text(1536), "1.5 GB");
    assert_eq!(size_text(40 * 1024 - 1), "39.9 GB");
}

#[test]
fn the_fitting_vault_with_most_room_is_picked() {
    let vaults = [
        vault("small", "server", Some(50), Some(0)),
        vault("disk", "disk", Some(900), Some(0)),
        with_billing(vault("frozen", "server", Some(900), Some(0)), |b| {
            b.status = Some("frozen".into());
        }),
        vault("big", "server", Some(200), Some(1024)),
        vault("big-too", "server", Some(200), Some(1024)),
        vault("full", "server", Some(40), Some(0)),
    ];
    let picked = pick_vault(&vaults, &server(40)).unwrap();
    assert_eq!(picked.name.as_deref(), Some("big"), "the first of equals");
    assert_eq!(
        pick_vault(&vaults[..1], &server(40))
            .unwrap()
            .name
            .as_deref(),
        Some("small")
    );
    assert!(pick_vault(&vaults, &server(1000)).is_none());
    assert!(pick_vault(&[], &server(1)).is_none());
    assert_eq!(
        pick_vault(&vaults, &backup("OS::Cinder::Volume", Some(40)))
            .unwrap()
            .name
            .as_deref(),
        Some("disk")
    );
}
