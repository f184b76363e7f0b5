//! The public regions of Huawei Cloud and Open Telekom Cloud, and the hosts each one
//! implies: declared once here and read by the settings, `vbshare config` and the tests.
//!
//! A host is `{service}.{region}.{domain}`, except where a region says otherwise (Swiss
//! Open Telekom Cloud's IAM is `iam-pub.eu-ch2.sc.otc.t-systems.com`). A region missing from
//! the table still works: it is taken as a Huawei Cloud region under `myhuaweicloud.com`,
//! and `vbshare config` says it is not a known region.

/// The services whose hosts a region implies.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Service {
    /// The legacy Volume Backup Service.
    Vbs,
    /// Cloud Backup and Recovery.
    Cbr,
    /// Identity and Access Management (tokens).
    Iam,
}

impl Service {
    /// The service's host label (`vbs`, `cbr`, `iam`).
    pub fn label(self) -> &'static str {
        match self {
            Service::Vbs => "vbs",
            Service::Cbr => "cbr",
            Service::Iam => "iam",
        }
    }
}

/// Whether VBS answers in a region.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Vbs {
    /// Offered (closed to new accounts on Huawei Cloud, still served to existing ones).
    Offered,
    /// Ended on the given date; CBR took over.
    Retired(&'static str),
    /// Never offered in this region.
    NotOffered,
}

/// One public region.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Region {
    pub name: &'static str,
    /// The cloud it belongs to, for people.
    pub cloud: &'static str,
    /// The domain under which `{service}.{region}.` hosts live.
    pub domain: &'static str,
    /// An IAM host that does not follow the pattern.
    pub iam_host: Option<&'static str>,
    pub vbs: Vbs,
}

const HUAWEI: &str = "Huawei Cloud";
const OTC: &str = "Open Telekom Cloud";

const fn huawei(name: &'static str) -> Region {
    Region {
        name,
        cloud: HUAWEI,
        domain: "myhuaweicloud.com",
        iam_host: None,
        vbs: Vbs::Offered,
    }
}

/// Every public region of both clouds.
pub const REGIONS: &[Region] = &[
    huawei("af-south-1"),
    huawei("ap-southeast-1"),
    huawei("ap-southeast-2"),
    huawei("ap-southeast-3"),
    huawei("ap-southeast-4"),
    huawei("ae-ad-1"),
    huawei("cn-east-2"),
    huawei("cn-east-3"),
    huawei("cn-north-1"),
    huawei("cn-north-2"),
    huawei("cn-north-4"),
    huawei("cn-north-9"),
    huawei("cn-south-1"),
    huawei("cn-south-2"),
    huawei("cn-south-4"),
    huawei("cn-southwest-2"),
    huawei("eu-west-0"),
    Region {
        name: "eu-west-101",
        cloud: "Huawei Cloud Europe",
        domain: "myhuaweicloud.eu",
        iam_host: None,
        vbs: Vbs::NotOffered,
    },
    huawei("la-north-2"),
    huawei("la-south-2"),
    huawei("me-east-1"),
    huawei("na-mexico-1"),
    huawei("sa-brazil-1"),
    huawei("tr-west-1"),
    Region {
        name: "eu-de",
        cloud: OTC,
        domain: "otc.t-systems.com",
        iam_host: None,
        vbs: Vbs::Retired("2025-08-01"),
    },
    Region {
        name: "eu-nl",
        cloud: OTC,
        domain: "otc.t-systems.com",
        iam_host: None,
        vbs: Vbs::Retired("2025-08-01"),
    },
    Region {
        name: "eu-ch2",
        cloud: "Open Telekom Cloud Switzerland",
        domain: "sc.otc.t-systems.com",
        iam_host: Some("iam-pub.eu-ch2.sc.otc.t-systems.com"),
        vbs: Vbs::NotOffered,
    },
];

/// The table entry of a known region.
pub fn find(name: &str) -> Option<&'static Region> {
    REGIONS.iter().find(|r| r.name == name)
}

/// The region a name stands for: the table's entry, or a Huawei Cloud region of that name.
fn lookup(name: &str) -> Region {
    find(name).copied().unwrap_or(Region {
        name: "",
        ..huawei("")
    })
}

/// The base URL of `service` in `region`, e.g. `https://vbs.eu-de.otc.t-systems.com`;
/// IAM's ends in `/v3`.
pub fn url(service: Service, region: &str) -> String {
    let r = lookup(region);
    match (service, r.iam_host) {
        (Service::Iam, Some(host)) => format!("https://{host}/v3"),
        (Service::Iam, None) => format!("https://iam.{region}.{}/v3", r.domain),
        (s, _) => format!("https://{}.{region}.{}", s.label(), r.domain),
    }
}

/// Why VBS cannot be used in `region`, pointing to CBR; `None` where it is offered or the
/// region is unknown.
pub fn vbs_unavailable(region: &str) -> Option<String> {
    let r = find(region)?;
    match r.vbs {
        Vbs::Offered => None,
        Vbs::Retired(date) => Some(format!(
            "VBS was retired in {region} ({}) on {date}; backups are shared with Cloud Backup \
             and Recovery (CBR) there",
            r.cloud
        )),
        Vbs::NotOffered => Some(format!(
            "VBS is not offered in {region} ({}); backups are shared with Cloud Backup and \
             Recovery (CBR) there",
            r.cloud
        )),
    }
}

/// The region whose VBS, CBR or IAM host `host` is (`vbs.eu-de.otc.t-systems.com` → `eu-de`).
pub fn of_host(host: &str) -> Option<&'static str> {
    REGIONS.iter().map(|r| r.name).find(|name| {
        [Service::Vbs, Service::Cbr, Service::Iam]
            .iter()
            .any(|s| url(*s, name).split('/').nth(2) == Some(host))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_follow_each_cloud() {
        assert_eq!(
            url(Service::Vbs, "eu-de"),
            "https://vbs.eu-de.otc.t-systems.com"
        );
        assert_eq!(
            url(Service::Iam, "eu-nl"),
            "https://iam.eu-nl.otc.t-systems.com/v3"
        );
        assert_eq!(
            url(Service::Cbr, "eu-ch2"),
            "https://cbr.eu-ch2.sc.otc.t-systems.com"
        );
        assert_eq!(
            url(Service::Iam, "eu-ch2"),
            "https://iam-pub.eu-ch2.sc.otc.t-systems.com/v3"
        );
        assert_eq!(
            url(Service::Vbs, "eu-west-101"),
            "https://vbs.eu-west-101.myhuaweicloud.eu"
        );
        assert_eq!(
            url(Service::Iam, "eu-west-101"),
            "https://iam.eu-west-101.myhuaweicloud.eu/v3"
        );
        assert_eq!(
            url(Service::Cbr, "ap-southeast-1"),
            "https://cbr.ap-southeast-1.myhuaweicloud.com"
        );
        // An unknown region is taken as Huawei Cloud's.
        assert_eq!(
            url(Service::Vbs, "xx-new-1"),
            "https://vbs.xx-new-1.myhuaweicloud.com"
        );
    }

    #[test]
    fn vbs_availability_points_to_cbr() {
        for r in ["eu-de", "eu-nl", "eu-ch2", "eu-west-101"] {
            let why = vbs_unavailable(r).unwrap();
            assert!(why.contains("CBR") && why.contains(r), "{why}");
        }
        assert!(vbs_unavailable("eu-de").unwrap().contains("2025-08-01"));
        assert_eq!(vbs_unavailable("ap-southeast-1"), None);
        assert_eq!(vbs_unavailable("xx-new-1"), None);
    }

    #[test]
    fn names_are_unique_and_hosts_map_back() {
        for (i, r) in REGIONS.iter().enumerate() {
            assert!(
                REGIONS[i + 1..].iter().all(|o| o.name != r.name),
                "{}",
                r.name
            );
            for s in [Service::Vbs, Service::Cbr, Service::Iam] {
                let host = url(s, r.name).split('/').nth(2).unwrap().to_owned();
                assert_eq!(of_host(&host), Some(r.name));
            }
        }
        assert_eq!(of_host("127.0.0.1:8776"), None);
    }
}
