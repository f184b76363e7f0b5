//! The backup-sharing services vbshare speaks, listed once. A new service is one entry
//! here, one module beside `client` (its calls and model), its row schemas, and its
//! commands beside `commands/vbs.rs` (the `commands` module says how they plug in).

use std::fmt;
use std::str::FromStr;

use super::region::{self, Service};

/// A backup-sharing API.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum SharingService {
    /// The legacy Volume Backup Service: sharings under `/v2/{project}/os-vendor-backup-sharing`.
    #[default]
    Vbs,
    /// Cloud Backup and Recovery: share members under `/v3/{project}/backups/{id}/members`.
    Cbr,
}

impl SharingService {
    /// Every service, in the order the browser cycles through them.
    pub const ALL: [SharingService; 2] = [SharingService::Vbs, SharingService::Cbr];

    /// The name on the command line and in the config file.
    pub fn name(self) -> &'static str {
        match self {
            SharingService::Vbs => "vbs",
            SharingService::Cbr => "cbr",
        }
    }

    /// The name people write: `VBS`, `CBR` (the browser's header, messages).
    pub fn label(self) -> &'static str {
        match self {
            SharingService::Vbs => "VBS",
            SharingService::Cbr => "CBR",
        }
    }

    /// The backup statuses the service documents: what `--status` and the browser's
    /// status picker accept.
    pub fn backup_statuses(self) -> &'static [&'static str] {
        match self {
            SharingService::Vbs => &super::model::STATUSES,
            SharingService::Cbr => &super::cbr::model::BACKUP_STATUSES,
        }
    }

    /// The region table's entry for this service's hosts.
    pub fn hosts(self) -> Service {
        match self {
            SharingService::Vbs => Service::Vbs,
            SharingService::Cbr => Service::Cbr,
        }
    }

    /// The service to use in `region` when none is chosen: CBR where VBS is retired or
    /// absent, VBS elsewhere (and without a region).
    pub fn default_for(region: Option<&str>) -> SharingService {
        match region {
            Some(r) if region::vbs_unavailable(r).is_some() => SharingService::Cbr,
            _ => SharingService::Vbs,
        }
    }
}

impl fmt::Display for SharingService {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for SharingService {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SharingService::ALL
            .into_iter()
            .find(|x| x.name().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| format!("unknown service {s:?}: use vbs or cbr"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cbr_is_the_default_where_vbs_is_gone() {
        for r in ["eu-de", "eu-nl", "eu-ch2", "eu-west-101"] {
            assert_eq!(
                SharingService::default_for(Some(r)),
                SharingService::Cbr,
                "{r}"
            );
        }
        assert_eq!(
            SharingService::default_for(Some("ap-southeast-1")),
            SharingService::Vbs
        );
        assert_eq!(SharingService::default_for(None), SharingService::Vbs);
        assert_eq!("CBR".parse::<SharingService>(), Ok(SharingService::Cbr));
        assert!("ebs".parse::<SharingService>().is_err());
    }
}
