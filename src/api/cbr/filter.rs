//! The filters CBR cannot apply itself, applied to backups read whole: a name substring
//! (CBR matches names exactly), the sharing project, and the exact fields. One rule for
//! the CLI (`list`/`count --shared-with-me` with local filters) and the browser.

use super::Backup;
use crate::api::query::Filters;

/// Whether a backup passes `f`'s filters on the backup itself: name a case-insensitive
/// substring; status, AZ, disk and backup ID exact (ignoring case); empty means any.
pub fn backup_matches(f: &Filters, b: &Backup) -> bool {
    let eq = |want: &str, have: Option<&str>| {
        want.trim().is_empty() || have.is_some_and(|h| h.eq_ignore_ascii_case(want.trim()))
    };
    let name_ok = f.name.trim().is_empty()
        || b.name
            .as_deref()
            .is_some_and(|n| n.to_lowercase().contains(&f.name.trim().to_lowercase()));
    name_ok
        && eq(&f.status, b.status.as_deref())
        && eq(&f.availability_zone, b.resource_az.as_deref())
        && eq(&f.volume_id, b.resource_id.as_deref())
        && eq(&f.backup_id, b.id.as_deref())
}

/// Whether a backup shared with this project passes `f`: [`backup_matches`], the sharing
/// project as `from_project_id`, and no `to_project_id` (shared with this project, it
/// can name no other).
pub fn shared_matches(f: &Filters, b: &Backup) -> bool {
    backup_matches(f, b)
        && (f.from_project_id.trim().is_empty()
            || b.project_id.as_deref() == Some(f.from_project_id.trim()))
        && f.to_project_id.trim().is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn backup(name: &str, project: &str) -> Backup {
        crate::api::cbr::parse_backup(&format!(
            r#"{{"backup":{{"id":"b1","name":"{name}","status":"available","project_id":"{project}","resource_az":"eu-de-01"}}}}"#
        ))
        .unwrap()
    }

    #[test]
    fn names_are_substrings_and_the_rest_exact() {
        let b = backup("DB-Prod-Nightly", "p1");
        let f = |edit: fn(&mut Filters)| {
            let mut f = Filters::default();
            edit(&mut f);
            f
        };
        assert!(shared_matches(&f(|f| f.name = "prod".into()), &b));
        assert!(!shared_matches(&f(|f| f.name = "qa".into()), &b));
        assert!(shared_matches(
            &f(|f| f.from_project_id = " p1 ".into()),
            &b
        ));
        assert!(!shared_matches(&f(|f| f.from_project_id = "p2".into()), &b));
        assert!(!shared_matches(&f(|f| f.to_project_id = "p1".into()), &b));
        assert!(shared_matches(
            &f(|f| f.availability_zone = "EU-DE-01".into()),
            &b
        ));
        assert!(!shared_matches(&f(|f| f.backup_id = "b2".into()), &b));
        assert!(shared_matches(&f(|f| f.status = "available".into()), &b));
    }
}
