//! One resolution order for every setting: flags > environment > config file > defaults.
//!
//! Secrets come only from the environment or the config file, never from flags.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::api::sign::AkSk;
use crate::api::{Auth, ClientConfig, PasswordAuth, Secret};

/// Settings given on the command line (never secrets).
#[derive(Clone, Debug, Default)]
pub struct Overrides {
    pub endpoint: Option<String>,
    pub region: Option<String>,
    pub project_id: Option<String>,
    pub auth_url: Option<String>,
    pub profile: Option<String>,
    pub config: Option<PathBuf>,
    pub insecure: bool,
    pub ca_cert: Option<PathBuf>,
    pub timeout_secs: Option<f64>,
    pub retries: Option<u32>,
    pub read_only: bool,
}

/// The config file: `default_profile` and `[profiles.NAME]` tables.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConfigFile {
    pub default_profile: Option<String>,
    pub profiles: BTreeMap<String, Profile>,
}

/// One named profile. Every key is optional.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Profile {
    pub region: Option<String>,
    pub endpoint: Option<String>,
    pub project_id: Option<String>,
    pub auth_url: Option<String>,
    pub auth_token: Option<SecretString>,
    pub access_key: Option<String>,
    pub secret_key: Option<SecretString>,
    pub security_token: Option<SecretString>,
    pub user: Option<String>,
    pub password: Option<SecretString>,
    pub domain: Option<String>,
    pub insecure: Option<bool>,
    pub ca_cert: Option<PathBuf>,
    pub timeout_secs: Option<f64>,
    pub read_only: Option<bool>,
}

/// A secret read from the config file; `Debug` shows `<redacted>`.
#[derive(Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(transparent)]
pub struct SecretString(pub String);

impl fmt::Debug for SecretString {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

impl Profile {
    fn has_secrets(&self) -> bool {
        self.auth_token.is_some()
            || self.secret_key.is_some()
            || self.security_token.is_some()
            || self.password.is_some()
    }
}

/// Why settings could not be resolved.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("config file {path}: {message}")]
    Malformed { path: String, message: String },
    #[error("cannot read {what} {path}: {source}")]
    Read {
        what: &'static str,
        path: String,
        #[source]
        source: std::io::Error,
    },
    #[error("profile {0:?} is not in the config file{1}")]
    UnknownProfile(String, String),
    #[error("{0}")]
    Missing(String),
    #[error("{0}")]
    Invalid(String),
}

/// Everything a command needs, resolved.
#[derive(Clone, Debug)]
pub struct Settings {
    pub endpoint: String,
    pub project_id: String,
    pub region: Option<String>,
    /// The profile used, if any.
    pub profile: Option<String>,
    pub auth: Auth,
    pub insecure: bool,
    pub ca_cert: Option<PathBuf>,
    pub timeout: Duration,
    /// Retries of a failed GET.
    pub retries: u32,
    pub read_only: bool,
    /// Things the user should know (loose file permissions…), printed on stderr.
    pub warnings: Vec<String>,
}

/// The environment, as a lookup function (so tests need not touch the process's).
pub type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

/// Reads the real process environment, treating empty values as unset.
pub fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

fn first(env: Env<'_>, names: &[&str]) -> Option<String> {
    names.iter().find_map(|n| env(n))
}

fn truthy(v: &str) -> bool {
    matches!(
        v.trim().to_ascii_lowercase().as_str(),
        "1" | "true" | "yes" | "on"
    )
}

/// The default config path: `$VBSHARE_CONFIG`, else `<config dir>/vbshare/config.toml`.
pub fn default_config_path(env: Env<'_>) -> Option<PathBuf> {
    env("VBSHARE_CONFIG")
        .map(PathBuf::from)
        .or_else(|| dirs::config_dir().map(|d| d.join("vbshare").join("config.toml")))
}

/// Parses config text; errors name the file and line.
pub fn parse_config(text: &str, path: &Path) -> Result<ConfigFile, ConfigError> {
    toml::from_str(text).map_err(|e| {
        let line = e
            .span()
            .map(|s| text[..s.start.min(text.len())].lines().count().max(1));
        let msg = e.message().to_owned();
        ConfigError::Malformed {
            path: path.display().to_string(),
            message: match line {
                Some(l) => format!("line {l}: {msg}"),
                None => msg,
            },
        }
    })
}

/// Loads the config file: a missing default file means defaults; an explicit one must exist.
pub fn load_config(path: &Path, explicit: bool) -> Result<(ConfigFile, Vec<String>), ConfigError> {
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && !explicit => {
            return Ok((ConfigFile::default(), Vec::new()));
        }
        Err(source) => {
            return Err(ConfigError::Read {
                what: "config file",
                path: path.display().to_string(),
                source,
            });
        }
    };
    let file = parse_config(&text, path)?;
    let mut warnings = Vec::new();
    if file.profiles.values().any(Profile::has_secrets) && loosely_readable(path) {
        warnings.push(format!(
            "warning: {} holds secrets and is readable by group or others; run: chmod 600 {}",
            path.display(),
            path.display()
        ));
    }
    Ok((file, warnings))
}

#[cfg(unix)]
fn loosely_readable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o077 != 0)
}

#[cfg(not(unix))]
fn loosely_readable(_: &Path) -> bool {
    false
}

/// The VBS endpoint a region implies (Open Telekom Cloud regions get their own domain).
pub fn endpoint_for_region(region: &str) -> String {
    if matches!(region, "eu-de" | "eu-nl" | "eu-ch2") {
        format!("https://vbs.{region}.otc.t-systems.com")
    } else {
        format!("https://vbs.{region}.myhuaweicloud.com")
    }
}

/// The IAM URL a region implies.
pub fn auth_url_for_region(region: &str) -> String {
    if matches!(region, "eu-de" | "eu-nl" | "eu-ch2") {
        format!("https://iam.{region}.otc.t-systems.com/v3")
    } else {
        format!("https://iam.{region}.myhuaweicloud.com/v3")
    }
}

/// Resolves flags, environment and config file into [`Settings`].
pub fn resolve(flags: &Overrides, env: Env<'_>) -> Result<Settings, ConfigError> {
    let (path, explicit) = match &flags.config {
        Some(p) => (Some(p.clone()), true),
        None => (default_config_path(env), env("VBSHARE_CONFIG").is_some()),
    };
    let (file, warnings) = match &path {
        Some(p) => load_config(p, explicit)?,
        None => (ConfigFile::default(), Vec::new()),
    };
    resolve_with(flags, env, &file, warnings)
}

/// [`resolve`] with the config file already loaded.
pub fn resolve_with(
    flags: &Overrides,
    env: Env<'_>,
    file: &ConfigFile,
    warnings: Vec<String>,
) -> Result<Settings, ConfigError> {
    let wanted = flags.profile.clone().or_else(|| env("VBSHARE_PROFILE"));
    let (profile_name, profile) = match wanted {
        Some(name) => match file.profiles.get(&name) {
            Some(p) => (Some(name), p.clone()),
            None => {
                let known: Vec<&str> = file.profiles.keys().map(String::as_str).collect();
                let hint = if known.is_empty() {
                    String::new()
                } else {
                    format!(" (known: {})", known.join(", "))
                };
                return Err(ConfigError::UnknownProfile(name, hint));
            }
        },
        None => {
            let name = file
                .default_profile
                .clone()
                .unwrap_or_else(|| "default".to_owned());
            match file.profiles.get(&name) {
                Some(p) => (Some(name), p.clone()),
                None => (None, Profile::default()),
            }
        }
    };
    let p = &profile;

    let region = flags
        .region
        .clone()
        .or_else(|| first(env, &["HW_REGION_NAME", "OS_REGION_NAME"]))
        .or_else(|| p.region.clone());
    let endpoint = flags
        .endpoint
        .clone()
        .or_else(|| env("VBSHARE_ENDPOINT"))
        .or_else(|| p.endpoint.clone())
        .or_else(|| region.as_deref().map(endpoint_for_region))
        .ok_or_else(|| {
            ConfigError::Missing(
                "no endpoint: pass --region or --endpoint, set HW_REGION_NAME (or OS_REGION_NAME), \
                 or add region to the config profile"
                    .into(),
            )
        })?;
    validate_url(&endpoint, "endpoint")?;
    let project_id = flags
        .project_id
        .clone()
        .or_else(|| {
            first(
                env,
                &[
                    "HW_PROJECT_ID",
                    "OS_PROJECT_ID",
                    "HUAWEICLOUD_SDK_PROJECT_ID",
                ],
            )
        })
        .or_else(|| p.project_id.clone())
        .ok_or_else(|| {
            ConfigError::Missing(
                "no project ID: pass --project-id or set HW_PROJECT_ID (or OS_PROJECT_ID, \
                 HUAWEICLOUD_SDK_PROJECT_ID)"
                    .into(),
            )
        })?;
    let auth_url = flags
        .auth_url
        .clone()
        .or_else(|| first(env, &["HW_AUTH_URL", "OS_AUTH_URL"]))
        .or_else(|| p.auth_url.clone())
        .or_else(|| region.as_deref().map(auth_url_for_region));

    let auth = resolve_auth(env, p, auth_url)?;
    let insecure = flags.insecure
        || first(env, &["HW_INSECURE", "OS_INSECURE"]).is_some_and(|v| truthy(&v))
        || p.insecure.unwrap_or(false);
    let timeout_secs = flags.timeout_secs.or(p.timeout_secs).unwrap_or(30.0);
    if !(timeout_secs.is_finite() && timeout_secs > 0.0 && timeout_secs <= 3600.0) {
        return Err(ConfigError::Invalid(format!(
            "timeout must be between 0 and 3600 seconds, got {timeout_secs}"
        )));
    }
    Ok(Settings {
        endpoint,
        project_id,
        region,
        profile: profile_name,
        auth,
        insecure,
        ca_cert: flags.ca_cert.clone().or_else(|| p.ca_cert.clone()),
        timeout: Duration::from_secs_f64(timeout_secs),
        retries: flags.retries.unwrap_or(3),
        read_only: flags.read_only
            || env("VBSHARE_READ_ONLY").is_some_and(|v| truthy(&v))
            || p.read_only.unwrap_or(false),
        warnings,
    })
}

fn resolve_auth(env: Env<'_>, p: &Profile, auth_url: Option<String>) -> Result<Auth, ConfigError> {
    let secret = |names: &[&str], file: &Option<SecretString>| {
        first(env, names)
            .or_else(|| file.as_ref().map(|s| s.0.clone()))
            .filter(|s| !s.is_empty())
    };
    if let Some(token) = secret(&["HW_AUTH_TOKEN", "OS_AUTH_TOKEN"], &p.auth_token) {
        return Ok(Auth::Token(Secret::new(token)));
    }
    let ak = first(
        env,
        &["HW_ACCESS_KEY", "OS_ACCESS_KEY", "HUAWEICLOUD_SDK_AK"],
    )
    .or_else(|| p.access_key.clone());
    let sk = secret(
        &["HW_SECRET_KEY", "OS_SECRET_KEY", "HUAWEICLOUD_SDK_SK"],
        &p.secret_key,
    );
    match (ak, sk) {
        (Some(access_key), Some(secret_key)) => {
            let security_token = secret(
                &[
                    "HW_SECURITY_TOKEN",
                    "OS_SECURITY_TOKEN",
                    "HUAWEICLOUD_SDK_SECURITY_TOKEN",
                ],
                &p.security_token,
            );
            return Ok(Auth::AkSk(AkSk {
                access_key,
                secret_key,
                security_token,
            }));
        }
        (Some(_), None) => {
            return Err(ConfigError::Missing(
                "an access key is set but no secret key: set HW_SECRET_KEY (or OS_SECRET_KEY, \
                 HUAWEICLOUD_SDK_SK)"
                    .into(),
            ));
        }
        (None, Some(_)) => {
            return Err(ConfigError::Missing(
                "a secret key is set but no access key: set HW_ACCESS_KEY (or OS_ACCESS_KEY, \
                 HUAWEICLOUD_SDK_AK)"
                    .into(),
            ));
        }
        (None, None) => {}
    }
    let user = first(env, &["HW_USER_NAME", "OS_USERNAME"]).or_else(|| p.user.clone());
    let password = secret(&["HW_USER_PASSWORD", "OS_PASSWORD"], &p.password);
    let domain = first(
        env,
        &["HW_DOMAIN_NAME", "OS_DOMAIN_NAME", "OS_USER_DOMAIN_NAME"],
    )
    .or_else(|| p.domain.clone());
    match (user, password, domain) {
        (Some(user), Some(password), Some(domain)) => {
            let auth_url = auth_url.ok_or_else(|| {
                ConfigError::Missing(
                    "password sign-in needs an IAM URL: set --auth-url, HW_AUTH_URL or a region"
                        .into(),
                )
            })?;
            validate_url(&auth_url, "auth URL")?;
            Ok(Auth::Password(PasswordAuth {
                auth_url,
                user,
                password: Secret::new(password),
                domain,
            }))
        }
        (None, None, _) => Err(ConfigError::Missing(
            "no credentials: set HW_ACCESS_KEY and HW_SECRET_KEY, or HW_AUTH_TOKEN, or \
             HW_USER_NAME, HW_USER_PASSWORD and HW_DOMAIN_NAME (OS_* and HUAWEICLOUD_SDK_* \
             names work too), or put them in a config profile"
                .into(),
        )),
        (u, pw, d) => {
            let mut missing = Vec::new();
            if u.is_none() {
                missing.push("HW_USER_NAME");
            }
            if pw.is_none() {
                missing.push("HW_USER_PASSWORD");
            }
            if d.is_none() {
                missing.push("HW_DOMAIN_NAME");
            }
            Err(ConfigError::Missing(format!(
                "password sign-in is incomplete: set {}",
                missing.join(" and ")
            )))
        }
    }
}

fn validate_url(url: &str, what: &str) -> Result<(), ConfigError> {
    match reqwest::Url::parse(url) {
        Ok(u) if matches!(u.scheme(), "http" | "https") && u.host_str().is_some() => Ok(()),
        Ok(_) => Err(ConfigError::Invalid(format!(
            "invalid {what} {url:?}: it must start with http:// or https:// and name a host"
        ))),
        Err(e) => Err(ConfigError::Invalid(format!("invalid {what} {url:?}: {e}"))),
    }
}

impl Settings {
    /// The client configuration these settings describe (reads the CA certificate file).
    pub fn client_config(&self) -> Result<ClientConfig, ConfigError> {
        let mut c = ClientConfig::new(&self.endpoint, &self.project_id, self.auth.clone());
        c.timeout = self.timeout;
        c.max_retries = self.retries;
        c.insecure = self.insecure;
        if let Some(path) = &self.ca_cert {
            c.ca_cert_pem = Some(std::fs::read(path).map_err(|source| ConfigError::Read {
                what: "CA certificate",
                path: path.display().to_string(),
                source,
            })?);
        }
        Ok(c)
    }
}

#[cfg(test)]
#[path = "config/tests.rs"]
mod tests;
