//! What a project ID, a backup or sharing ID and a service URL look like: checked once
//! here, before anything is sent, and used by the command line, the browser's dialogs, the
//! settings and the embedded server alike.

use std::fmt;

/// Why a value given by the user is not a valid ID or URL.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Invalid(pub String);

/// What a project ID looks like, for messages.
pub const PROJECT_ID_RULE: &str = "a project ID is 32 hexadecimal characters";

/// Whether `s` is a project ID in its canonical form: 32 lowercase hexadecimal characters.
pub fn is_project_id(s: &str) -> bool {
    s.len() == 32 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// A project ID given by the user, in canonical form: 32 hexadecimal characters, any case,
/// surrounding white space ignored; answered in lower case.
pub fn project_id(s: &str) -> Result<String, Invalid> {
    let t = s.trim().to_ascii_lowercase();
    if is_project_id(&t) {
        Ok(t)
    } else {
        Err(Invalid(format!(
            "{} is not a project ID: {PROJECT_ID_RULE}",
            shown(s)
        )))
    }
}

/// What kind of resource an ID names, for messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Sharing,
    Backup,
    Vault,
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Kind::Sharing => "sharing",
            Kind::Backup => "backup",
            Kind::Vault => "vault",
        })
    }
}

/// A sharing or backup ID given by the user: a UUID (`8-4-4-4-12` hexadecimal digits),
/// surrounding white space ignored; answered in lower case.
pub fn resource_id(kind: Kind, s: &str) -> Result<String, Invalid> {
    let t = s.trim().to_ascii_lowercase();
    let groups: Vec<&str> = t.split('-').collect();
    let ok = groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.bytes().all(|b| b.is_ascii_hexdigit()));
    if ok {
        Ok(t)
    } else {
        Err(Invalid(format!(
            "{} is not a {kind} ID: a {kind} ID is a UUID such as \
             8332443e-9866-41d8-8a58-a898cf5db030",
            shown(s)
        )))
    }
}

/// An `http://` or `https://` URL that names a host; `what` says which setting it is.
/// A missing scheme gets a suggestion (`127.0.0.1:8776` → `http://127.0.0.1:8776`).
pub fn http_url(s: &str, what: &str) -> Result<reqwest::Url, Invalid> {
    let hint = |s: &str| {
        if s.contains("://") {
            String::new()
        } else {
            format!("; did you mean https://{s} (or http://{s} for a local server)?")
        }
    };
    match reqwest::Url::parse(s.trim()) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => Ok(u),
        Ok(_) => Err(Invalid(format!(
            "invalid {what} {}: it must start with http:// or https:// and name a host{}",
            shown(s),
            hint(s.trim())
        ))),
        Err(e) => Err(Invalid(format!(
            "invalid {what} {}: {e}{}",
            shown(s),
            hint(s.trim())
        ))),
    }
}

/// A user's value quoted for a message, safe for the terminal.
fn shown(s: &str) -> String {
    if s.is_empty() {
        "an empty value".to_owned()
    } else {
        format!("{:?}", crate::text::sanitize(s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn project_ids_are_normalised_or_refused() {
        assert_eq!(
            project_id(" C13F5220DC1949B0B741EA81A7CD5554\n").unwrap(),
            "c13f5220dc1949b0b741ea81a7cd5554"
        );
        for bad in [
            "",
            "c13f",
            "g13f5220dc1949b0b741ea81a7cd5554",
            "c13f5220-dc19",
        ] {
            assert!(project_id(bad).is_err(), "{bad}");
        }
        assert!(project_id("").unwrap_err().0.contains("an empty value"));
        assert!(is_project_id("c13f5220dc1949b0b741ea81a7cd5554"));
        assert!(!is_project_id("C13F5220DC1949B0B741EA81A7CD5554"));
    }

    #[test]
    fn resource_ids_are_uuids() {
        assert_eq!(
            resource_id(Kind::Sharing, "8332443E-9866-41d8-8a58-a898cf5db030").unwrap(),
            "8332443e-9866-41d8-8a58-a898cf5db030"
        );
        for bad in [
            "",
            "../detail",
            "8332443e98664 1d88a58a898cf5db030",
            "8332443e-9866-41d8-8a58-a898cf5db03",
            "8332443e-9866-41d8-8a58-a898cf5db030/x",
        ] {
            let e = resource_id(Kind::Backup, bad).unwrap_err();
            assert!(e.0.contains("not a backup ID"), "{e}");
        }
    }

    #[test]
    fn urls_need_a_scheme_and_a_host() {
        assert!(http_url("https://vbs.eu-de.otc.t-systems.com", "endpoint").is_ok());
        let e = http_url("127.0.0.1:8776", "endpoint").unwrap_err();
        assert!(e.0.contains("did you mean https://127.0.0.1:8776"), "{e}");
        let e = http_url("ftp://x", "endpoint").unwrap_err();
        assert!(e.0.contains("http:// or https://"), "{e}");
        assert!(http_url("not a url", "endpoint").is_err());
    }
}
