//! The demo data set: backup sharings around [`DEMO_PROJECT_ID`], fully determined by a seed.
//!
//! [`generate`] returns `n` sharings in the api model's shape, each carrying its source
//! backup. About half are shared *by* the demo project (to one to four of
//! [`PARTNER_PROJECTS`]), the rest are shared *with* it by a partner. The data is meant to
//! exercise a UI: every backup status, sizes from 1 GB to 32768 GB (mostly small, many
//! equal sizes so ties matter), timestamps over five years at mixed precision, `null`s
//! wherever VBS sends them, JSON text in `description` and `service_metadata`, and names in
//! CJK, emoji, 200+ characters, empty, or carrying terminal escape sequences and bidi
//! overrides. Every date lies in the five years before the `now` given (the server's
//! `--now`, by default the current time, so a demo account looks live). Nothing depends on
//! the wall clock or on hash order: the same `(seed, n, now)` always gives the same list.

use std::collections::HashMap;

use fastrand::Rng;

mod words;

use words::{APPS, CJK_NAMES, DESCRIPTIONS, EMOJI_NAMES, ENVS, FAIL_REASONS, KINDS, special_names};

use super::DEMO_PROJECT_ID;
use crate::api::model::{Backup, STATUSES, Sharing};
use crate::api::time::Timestamp;

/// The projects the demo project shares with and receives sharings from.
pub const PARTNER_PROJECTS: [&str; 6] = [
    "0b5a2f6e4c8d4e1f9a3b7c6d5e4f3a21",
    "1c9e8d7f6a5b4c3d2e1f0a9b8c7d6e52",
    "2d4f6a8c0e1b3d5f7a9c2e4b6d8f0a13",
    "3e7a1c5f9b2d6e0a4c8f3b7d1e5a9c64",
    "4f0b3e6a9d2c5f8b1e4a7d0c3f6b9e85",
    "5a8c1f4d7b0e3a6c9f2d5b8e1a4c7f96",
];

/// The availability zones backups live in.
pub const AVAILABILITY_ZONES: [&str; 4] = ["eu-de-01", "eu-de-02", "eu-de-03", "ap-southeast-1a"];

/// Five years, over which backups are spread.
const SPAN_SECS: i64 = 5 * 365 * 86_400;

/// Sizes (GB) that real disks often have; drawn often so sorting by size has many ties.
const ROUND_SIZES: [u64; 10] = [10, 20, 40, 50, 100, 200, 500, 1000, 2048, 4096];

/// A UUID-v4-shaped identifier drawn from `rng`.
pub fn uuid_v4(rng: &mut Rng) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut v = rng.u128(..);
    v = (v & !(0xF << 76)) | (0x4 << 76);
    v = (v & !(0x3 << 62)) | (0x2 << 62);
    let mut out = String::with_capacity(36);
    for i in 0..32 {
        if matches!(i, 8 | 12 | 16 | 20) {
            out.push('-');
        }
        out.push(char::from(HEX[((v >> (124 - 4 * i)) & 0xF) as usize]));
    }
    out
}

/// Generates the `n` sharings for `seed`, dated in the five years before `now` (Unix
/// seconds; never read from the wall clock here); see the module docs for what they contain.
pub fn generate(seed: u64, n: usize, now: i64) -> Vec<Sharing> {
    let mut g = Gen {
        now,
        dates: HashMap::new(),
        rng: Rng::with_seed(seed),
        volumes: Vec::new(),
        specials: special_names(),
    };
    let mut out = Vec::with_capacity(n);
    let (mut outgoing, mut incoming) = (0usize, 0usize);
    let mut backup_no = 0usize;
    while out.len() < n {
        let share_out = g.rng.u8(..10) < if outgoing <= incoming { 7 } else { 3 };
        let (owner, targets): (&str, Vec<&str>) = if share_out {
            let mut partners = PARTNER_PROJECTS;
            g.rng.shuffle(&mut partners);
            let k = match g.rng.u8(..20) {
                0..9 => 1,
                9..15 => 2,
                15..18 => 3,
                _ => 4,
            };
            (DEMO_PROJECT_ID, partners[..k.min(n - out.len())].to_vec())
        } else {
            (
                PARTNER_PROJECTS[g.rng.usize(..PARTNER_PROJECTS.len())],
                vec![DEMO_PROJECT_ID],
            )
        };
        let backup = g.backup(backup_no);
        backup_no += 1;
        let backup_created = backup.created_at.as_ref().map_or(now, |t| t.secs);
        for to in targets {
            // Nothing is dated after `now`, so a demo account never shows the future.
            let created = (backup_created + g.rng.i64(60..30 * 86_400)).min(now);
            let updated =
                (g.rng.u8(..100) >= 35).then(|| (created + g.rng.i64(1..200 * 86_400)).min(now));
            let sharing = Sharing {
                id: Some(uuid_v4(&mut g.rng)),
                backup_id: backup.id.clone(),
                from_project_id: Some(owner.to_owned()),
                to_project_id: Some(to.to_owned()),
                created_at: Some(g.stamp(created)),
                updated_at: updated.map(|u| g.stamp(u)),
                backup: Some(backup.clone()),
                ..Sharing::default()
            };
            if share_out {
                outgoing += 1;
            } else {
                incoming += 1;
            }
            out.push(sharing);
        }
    }
    out
}

/// Appends `n` as exactly `width` decimal digits.
fn push_digits(out: &mut String, n: u32, width: u32) {
    for p in (0..width).rev() {
        out.push(char::from(b'0' + (n / 10u32.pow(p) % 10) as u8));
    }
}

struct Gen {
    /// The instant every date is before.
    now: i64,
    rng: Rng,
    /// `YYYY-MM-DD` by day number (a cache only: output never depends on its order).
    dates: HashMap<i64, [u8; 10]>,
    /// Volumes seen so far with their AZ; later backups often reuse one.
    volumes: Vec<(String, &'static str)>,
    specials: [String; 13],
}

impl Gen {
    fn backup(&mut self, no: usize) -> Backup {
        let created = self.now - self.rng.i64(86_400..SPAN_SECS);
        let (volume_id, az) = self.volume();
        let status = self.status();
        let failed = status.starts_with("error");
        let stale_reason = status == "available" && self.rng.u8(..50) == 0;
        let fail_reason = (failed || stale_reason)
            .then(|| FAIL_REASONS[self.rng.usize(..FAIL_REASONS.len())].to_owned());
        let created_at = self.stamp(created);
        let later = (created + self.rng.i64(5..3 * 86_400)).min(self.now);
        let updated_at = self.stamp(later);
        let data_timestamp = if self.rng.u8(..5) == 0 {
            let earlier = created - self.rng.i64(60..6 * 3600);
            self.stamp(earlier)
        } else {
            created_at.clone()
        };
        Backup {
            id: Some(uuid_v4(&mut self.rng)),
            name: Some(self.name(no, created)),
            status: Some(status.to_owned()),
            size: Some(self.size()),
            volume_id: Some(volume_id),
            snapshot_id: (self.rng.u8(..10) < 3).then(|| uuid_v4(&mut self.rng)),
            availability_zone: Some(az.to_owned()),
            container: (self.rng.u8(..5) == 0).then(|| uuid_v4(&mut self.rng)),
            description: self.description(),
            fail_reason,
            updated_at: Some(updated_at),
            created_at: Some(created_at),
            data_timestamp: Some(data_timestamp),
            object_count: self.rng.bool().then(|| self.rng.u64(0..5000)),
            is_incremental: self.maybe_bool(),
            has_dependent_backups: self.maybe_bool(),
            service_metadata: self.service_metadata(),
        }
    }

    fn volume(&mut self) -> (String, &'static str) {
        if !self.volumes.is_empty() && self.rng.u8(..10) < 6 {
            return self.volumes[self.rng.usize(..self.volumes.len())].clone();
        }
        let v = (
            uuid_v4(&mut self.rng),
            AVAILABILITY_ZONES[self.rng.usize(..AVAILABILITY_ZONES.len())],
        );
        self.volumes.push(v.clone());
        v
    }

    fn status(&mut self) -> &'static str {
        // available 64%, then 6% or 8% each for the others.
        match self.rng.u8(..50) {
            0..32 => STATUSES[0],
            32..35 => STATUSES[1],
            35..39 => STATUSES[2],
            39..42 => STATUSES[3],
            42..46 => STATUSES[4],
            _ => STATUSES[5],
        }
    }

    fn size(&mut self) -> u64 {
        if self.rng.u8(..10) < 4 {
            return ROUND_SIZES[self.rng.usize(..ROUND_SIZES.len())];
        }
        let r = self.rng.f64();
        (32768f64.powf(r * r).round() as u64).clamp(1, 32768)
    }

    fn name(&mut self, no: usize, created: i64) -> String {
        if let Some(s) = self.specials.get(no) {
            return s.clone();
        }
        match self.rng.u8(..100) {
            0..5 => CJK_NAMES[self.rng.usize(..CJK_NAMES.len())].to_owned(),
            5..8 => EMOJI_NAMES[self.rng.usize(..EMOJI_NAMES.len())].to_owned(),
            8 => self.specials[3 + self.rng.usize(..6)].clone(),
            _ => {
                let date = self.date(created);
                let date = std::str::from_utf8(&date).unwrap_or_default();
                let name = format!(
                    "{}-{}-{}-{date}",
                    APPS[self.rng.usize(..APPS.len())],
                    ENVS[self.rng.usize(..ENVS.len())],
                    KINDS[self.rng.usize(..KINDS.len())],
                );
                if self.rng.u8(..10) == 0 {
                    name.to_uppercase()
                } else {
                    name
                }
            }
        }
    }

    fn description(&mut self) -> Option<String> {
        match self.rng.u8(..20) {
            0..12 => None,
            12..15 => Some(format!(
                r#"{{"owner":"team-{}","ticket":"OPS-{}"}}"#,
                self.rng.alphabetic().to_ascii_lowercase(),
                self.rng.u32(1000..10_000)
            )),
            15 => Some(String::new()),
            _ => Some(DESCRIPTIONS[self.rng.usize(..DESCRIPTIONS.len())].to_owned()),
        }
    }

    fn service_metadata(&mut self) -> Option<String> {
        (self.rng.u8(..5) < 2).then(|| {
            format!(
                r#"{{"type":"{}","platform":"KVM","progress":"100","snapshot_id":"{}"}}"#,
                if self.rng.bool() {
                    "backup"
                } else {
                    "incremental"
                },
                uuid_v4(&mut self.rng)
            )
        })
    }

    fn maybe_bool(&mut self) -> Option<bool> {
        (self.rng.u8(..10) >= 4).then(|| self.rng.bool())
    }

    /// `YYYY-MM-DD` of `secs`, formatted once per day.
    fn date(&mut self, secs: i64) -> [u8; 10] {
        *self
            .dates
            .entry(secs.div_euclid(86_400))
            .or_insert_with(|| {
                let mut bytes = [0u8; 10];
                bytes.copy_from_slice(&Timestamp::from_unix(secs, 0).raw.as_bytes()[..10]);
                bytes
            })
    }

    /// A timestamp in one of the precisions VBS writes: micro, `.000000`, or none.
    fn stamp(&mut self, secs: i64) -> Timestamp {
        let micros = match self.rng.u8(..20) {
            0..12 => Some(self.rng.u32(0..1_000_000)),
            12..17 => Some(0),
            _ => None,
        };
        let date = self.date(secs);
        let tod = secs.rem_euclid(86_400);
        let mut raw = String::with_capacity(26);
        raw.extend(date.iter().map(|&b| char::from(b)));
        raw.push('T');
        for (i, n) in [tod / 3600, tod % 3600 / 60, tod % 60]
            .into_iter()
            .enumerate()
        {
            if i > 0 {
                raw.push(':');
            }
            push_digits(&mut raw, n as u32, 2);
        }
        if let Some(us) = micros {
            raw.push('.');
            push_digits(&mut raw, us, 6);
        }
        Timestamp {
            secs,
            nanos: micros.unwrap_or(0) * 1000,
            raw: raw.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::{HashMap, HashSet};

    /// 2025-06-01T00:00:00Z.
    const NOW: i64 = 1_748_736_000;

    #[test]
    fn same_seed_same_data_and_exact_count() {
        let a = generate(7, 500, NOW);
        assert_eq!(a.len(), 500);
        assert_eq!(a, generate(7, 500, NOW));
        assert_ne!(a, generate(8, 500, NOW));
        assert!(generate(1, 0, NOW).is_empty());
        assert_eq!(generate(1, 1, NOW).len(), 1);
    }

    #[test]
    fn both_directions_about_half() {
        let data = generate(42, 2000, NOW);
        let out = data
            .iter()
            .filter(|s| s.from_project_id.as_deref() == Some(DEMO_PROJECT_ID))
            .count();
        let inc = data
            .iter()
            .filter(|s| s.to_project_id.as_deref() == Some(DEMO_PROJECT_ID))
            .count();
        assert_eq!(out + inc, 2000);
        assert!((800..1200).contains(&out), "{out}");
        let partners: HashSet<_> = data
            .iter()
            .filter_map(|s| s.to_project_id.as_deref())
            .collect();
        assert_eq!(partners.len(), PARTNER_PROJECTS.len() + 1);
    }

    #[test]
    fn backups_shared_with_up_to_four_projects() {
        let data = generate(42, 2000, NOW);
        let mut per_backup: HashMap<&str, usize> = HashMap::new();
        for s in &data {
            *per_backup
                .entry(s.backup_id.as_deref().unwrap())
                .or_default() += 1;
        }
        let max = per_backup.values().max().copied().unwrap();
        assert_eq!(max, 4);
        assert!(per_backup.values().filter(|&&c| c > 1).count() > 50);
    }

    #[test]
    fn covers_statuses_names_nulls_and_precisions() {
        let data = generate(42, 2000, NOW);
        let backups: Vec<&Backup> = data.iter().map(|s| s.backup.as_ref().unwrap()).collect();
        for status in STATUSES {
            assert!(
                backups.iter().any(|b| b.status.as_deref() == Some(status)),
                "{status}"
            );
        }
        for b in &backups {
            if b.status.as_deref().unwrap().starts_with("error") {
                assert!(b.fail_reason.is_some());
            }
            assert!((1..=32768).contains(&b.size.unwrap()));
        }
        let names: HashSet<&str> = backups.iter().map(|b| b.name.as_deref().unwrap()).collect();
        for special in special_names() {
            assert!(names.contains(special.as_str()), "{special:?}");
        }
        assert!(names.iter().any(|n| n.chars().count() > 200));
        assert!(
            backups
                .iter()
                .any(|b| b.description.as_deref().is_some_and(|d| d.starts_with('{')))
        );
        assert!(backups.iter().any(|b| b.service_metadata.is_some()));
        assert!(
            backups
                .iter()
                .any(|b| b.object_count.is_none() && b.is_incremental.is_none())
        );
        assert!(data.iter().any(|s| s.updated_at.is_none()));
        let raws: Vec<&str> = data
            .iter()
            .map(|s| &*s.created_at.as_ref().unwrap().raw)
            .collect();
        assert!(raws.iter().any(|r| r.len() == 19));
        assert!(raws.iter().any(|r| r.ends_with(".000000")));
        assert!(
            raws.iter()
                .any(|r| r.len() == 26 && !r.ends_with(".000000"))
        );
        let small = backups.iter().filter(|b| b.size.unwrap() <= 100).count();
        assert!(small > backups.len() / 2, "sizes skew small");
    }

    #[test]
    fn every_date_is_before_now_and_some_are_recent() {
        for now in [NOW, NOW + 400 * 86_400] {
            let data = generate(42, 2000, now);
            let mut newest = i64::MIN;
            for s in &data {
                let b = s.backup.as_ref().unwrap();
                for t in [&s.created_at, &s.updated_at, &b.created_at, &b.updated_at]
                    .into_iter()
                    .flatten()
                {
                    assert!(t.secs <= now, "{} is after now", t.raw);
                    assert!(t.secs > now - SPAN_SECS - 86_400, "{}", t.raw);
                    newest = newest.max(t.secs);
                }
            }
            // A live-looking account: something happened in the last week.
            assert!(newest > now - 7 * 86_400, "{newest} vs {now}");
        }
    }

    #[test]
    fn stamps_parse_back_to_themselves() {
        let mut g = Gen {
            now: NOW,
            rng: Rng::with_seed(5),
            dates: HashMap::new(),
            volumes: Vec::new(),
            specials: special_names(),
        };
        for secs in [0, 1_502_367_940, NOW - 1, NOW - SPAN_SECS + 86_399] {
            for _ in 0..20 {
                let t = g.stamp(secs);
                assert_eq!(Timestamp::parse(&t.raw).unwrap(), t, "{}", t.raw);
                assert_eq!(
                    &*t.raw,
                    &Timestamp::from_unix(t.secs, t.nanos).raw[..t.raw.len()]
                );
            }
        }
    }

    #[test]
    fn ids_look_like_uuid_v4() {
        let mut rng = Rng::with_seed(1);
        let id = uuid_v4(&mut rng);
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "4");
        assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"));
    }
}
