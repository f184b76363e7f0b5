//! The three ways to authenticate: a given token, AK/SK signing, and user/password
//! exchanged at IAM for a project-scoped token that is cached until shortly before expiry.

use std::fmt;

use serde::Deserialize;

use super::sign::AkSk;
use super::time::{Timestamp, now_unix};

/// A secret string: compared and used, never shown in `Debug` or `Display`.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Self {
        Self(s.into())
    }

    /// The secret text itself, for the one place it is needed (a header or a signature).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

/// User, password and domain for IAM's password method.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PasswordAuth {
    /// IAM base URL ending in `/v3`, e.g. `https://iam.eu-de.otc.t-systems.com/v3`.
    pub auth_url: String,
    pub user: String,
    pub password: Secret,
    pub domain: String,
}

/// How requests are authenticated.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Auth {
    /// A token sent as `X-Auth-Token`.
    Token(Secret),
    /// `SDK-HMAC-SHA256` signing with an access key pair.
    AkSk(AkSk),
    /// A token obtained from IAM with a password, renewed as needed.
    Password(PasswordAuth),
}

impl Auth {
    /// A short name for logs and the UI: `token`, `aksk` or `password`.
    pub fn scheme(&self) -> &'static str {
        match self {
            Auth::Token(_) => "token",
            Auth::AkSk(_) => "aksk",
            Auth::Password(_) => "password",
        }
    }
}

/// A token from IAM and when it stops being usable.
#[derive(Clone, Debug)]
pub(crate) struct CachedToken {
    pub token: Secret,
    pub expires_at: i64,
}

/// How long before `expires_at` a cached token is renewed.
pub const RENEW_MARGIN_SECS: i64 = 300;

impl CachedToken {
    pub fn is_fresh(&self) -> bool {
        now_unix() < self.expires_at - RENEW_MARGIN_SECS
    }
}

/// The body of `POST /v3/auth/tokens` for the password method, scoped to a project.
pub fn password_request_body(p: &PasswordAuth, project_id: &str) -> serde_json::Value {
    serde_json::json!({
        "auth": {
            "identity": {
                "methods": ["password"],
                "password": {
                    "user": {
                        "name": p.user,
                        "password": p.password.expose(),
                        "domain": { "name": p.domain }
                    }
                }
            },
            "scope": { "project": { "id": project_id } }
        }
    })
}

/// Reads `token.expires_at` from an IAM answer; a missing or odd value means 24 hours.
pub fn expires_at_from_body(body: &str) -> i64 {
    #[derive(Deserialize)]
    struct Body {
        token: Option<Inner>,
    }
    #[derive(Deserialize)]
    struct Inner {
        expires_at: Option<String>,
    }
    serde_json::from_str::<Body>(body)
        .ok()
        .and_then(|b| b.token?.expires_at)
        .and_then(|t| Timestamp::parse(&t).ok())
        .map_or_else(|| now_unix() + 86_400, |t| t.secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_never_show() {
        let p = PasswordAuth {
            auth_url: "https://iam/v3".into(),
            user: "u".into(),
            password: Secret::new("hunter2"),
            domain: "d".into(),
        };
        let dbg = format!(
            "{:?} {:?}",
            Auth::Password(p),
            Auth::Token(Secret::new("tok123"))
        );
        assert!(!dbg.contains("hunter2") && !dbg.contains("tok123"), "{dbg}");
    }

    #[test]
    fn request_body_has_the_documented_shape() {
        let p = PasswordAuth {
            auth_url: String::new(),
            user: "alice".into(),
            password: Secret::new("pw"),
            domain: "acme".into(),
        };
        let body = password_request_body(&p, "p1");
        assert_eq!(body["auth"]["identity"]["methods"][0], "password");
        assert_eq!(
            body["auth"]["identity"]["password"]["user"]["domain"]["name"],
            "acme"
        );
        assert_eq!(body["auth"]["scope"]["project"]["id"], "p1");
    }

    #[test]
    fn expiry_is_read_or_defaults_to_a_day() {
        let e = expires_at_from_body(r#"{"token":{"expires_at":"2030-01-01T00:00:00.000000Z"}}"#);
        assert_eq!(e, 1_893_456_000);
        let d = expires_at_from_body("{}");
        assert!((d - now_unix() - 86_400).abs() < 5);
        let fresh = CachedToken {
            token: Secret::new("t"),
            expires_at: now_unix() + 3600,
        };
        assert!(fresh.is_fresh());
        let stale = CachedToken {
            token: Secret::new("t"),
            expires_at: now_unix() + 60,
        };
        assert!(!stale.is_fresh());
    }
}
