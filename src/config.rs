//! Settings from flags, the environment and the config file, resolved into one coherent
//! [`Settings`], each value remembering where it came from (`vbshare config` prints that).
//!
//! The layers, highest first: flags; then an explicitly chosen profile (`--profile` or
//! `VBSHARE_PROFILE`); then the environment (`HW_*`, `OS_*`, `HUAWEICLOUD_SDK_*`); then the
//! default profile (`default_profile`, else `[profiles.default]`). Three groups resolve as
//! units from one layer, never mixed:
//! - credentials: a token, an AK/SK pair (with its security token), or user, password and
//!   domain all come from the first layer that holds a token, a key or a password;
//! - where to call: region, endpoint and IAM URL come from the first layer that sets a
//!   region or an endpoint; an explicit `--region` derives its own endpoint and IAM URL
//!   unless `--endpoint` or `--auth-url` is also given;
//! - proxies: `--proxy`/`--no-proxy`, else the profile's `proxy`, else the environment.
//!
//! Secrets come only from the environment or the config file, never from flags.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::api::region::{self, Service};
use crate::api::service::SharingService;
use crate::api::sign::AkSk;
use crate::api::transport::Trust;
use crate::api::{Auth, ClientConfig, NoProxy, PasswordAuth, Proxies, ProxyUrl, Secret, ids};

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
    pub proxy: Option<String>,
    pub no_proxy: bool,
    pub timeout_secs: Option<f64>,
    pub retries: Option<u32>,
    pub read_only: bool,
    pub service: Option<String>,
    pub cbr_endpoint: Option<String>,
    pub concurrency: Option<u32>,
}

/// The config file: `default_profile` and `[profiles.NAME]` tables.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ConfigFile {
    pub default_profile: Option<String>,
    pub profiles: BTreeMap<String, Profile>,
    /// Names people know projects by (`id = "name"`), shown wherever a project ID is.
    pub project_names: BTreeMap<String, String>,
    /// Where it was read from.
    #[serde(skip)]
    pub path: Option<PathBuf>,
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
    /// A proxy for every call of this profile (overrides `HTTPS_PROXY` and friends).
    pub proxy: Option<String>,
    /// Hosts reached without the proxy, as `NO_PROXY` (overrides it).
    pub no_proxy: Option<String>,
    /// The sharing service: `vbs` or `cbr` (default: `cbr` where VBS is gone).
    pub service: Option<String>,
    /// The CBR endpoint (overrides what the region implies).
    pub cbr_endpoint: Option<String>,
    /// How many requests a walk may have in flight (1–8, default 4).
    pub concurrency: Option<u32>,
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

/// Where a resolved value came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    /// A command-line flag, e.g. `--region`.
    Flag(&'static str),
    /// The exact environment variable.
    Env(&'static str),
    /// A key of a profile in a config file.
    Profile { name: String, file: String },
    /// Implied by another setting (the region implies its endpoints).
    Derived(String),
    /// vbshare's default.
    Default,
    /// `--demo`: the embedded server.
    Demo,
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::Flag(flag) => write!(f, "flag {flag}"),
            Origin::Env(var) => write!(f, "env {var}"),
            Origin::Profile { name, file } => write!(f, "profile {name} in {file}"),
            Origin::Derived(why) => write!(f, "{why}"),
            Origin::Default => f.write_str("default"),
            Origin::Demo => f.write_str("--demo"),
        }
    }
}

/// A setting a layer may hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(clippy::enum_variant_names)] // AccessKey and SecretKey are the settings' names
enum Key {
    Region,
    Endpoint,
    AuthUrl,
    ProjectId,
    Token,
    AccessKey,
    SecretKey,
    SecurityToken,
    User,
    Password,
    Domain,
    Insecure,
    CaCert,
    Timeout,
    ReadOnly,
    Service,
    CbrEndpoint,
    Concurrency,
}

impl Key {
    /// The environment variables for this key, in the order they are read.
    fn env_names(self) -> &'static [&'static str] {
        match self {
            Key::Region => &["HW_REGION_NAME", "OS_REGION_NAME"],
            Key::Endpoint => &["VBSHARE_ENDPOINT"],
            Key::AuthUrl => &["HW_AUTH_URL", "OS_AUTH_URL"],
            Key::ProjectId => &[
                "HW_PROJECT_ID",
                "OS_PROJECT_ID",
                "HUAWEICLOUD_SDK_PROJECT_ID",
            ],
            Key::Token => &["HW_AUTH_TOKEN", "OS_AUTH_TOKEN"],
            Key::AccessKey => &["HW_ACCESS_KEY", "OS_ACCESS_KEY", "HUAWEICLOUD_SDK_AK"],
            Key::SecretKey => &["HW_SECRET_KEY", "OS_SECRET_KEY", "HUAWEICLOUD_SDK_SK"],
            Key::SecurityToken => &[
                "HW_SECURITY_TOKEN",
                "OS_SECURITY_TOKEN",
                "HUAWEICLOUD_SDK_SECURITY_TOKEN",
            ],
            Key::User => &["HW_USER_NAME", "OS_USERNAME"],
            Key::Password => &["HW_USER_PASSWORD", "OS_PASSWORD"],
            Key::Domain => &["HW_DOMAIN_NAME", "OS_DOMAIN_NAME", "OS_USER_DOMAIN_NAME"],
            Key::Insecure => &["HW_INSECURE", "OS_INSECURE"],
            Key::CaCert => &["OS_CACERT"],
            Key::ReadOnly => &["VBSHARE_READ_ONLY"],
            Key::Service => &["VBSHARE_SERVICE"],
            Key::CbrEndpoint => &["VBSHARE_CBR_ENDPOINT"],
            Key::Concurrency => &["VBSHARE_CONCURRENCY"],
            Key::Timeout => &[],
        }
    }

    /// The key's name in a profile.
    fn profile_key(self) -> &'static str {
        match self {
            Key::Region => "region",
            Key::Endpoint => "endpoint",
            Key::AuthUrl => "auth_url",
            Key::ProjectId => "project_id",
            Key::Token => "auth_token",
            Key::AccessKey => "access_key",
            Key::SecretKey => "secret_key",
            Key::SecurityToken => "security_token",
            Key::User => "user",
            Key::Password => "password",
            Key::Domain => "domain",
            Key::Insecure => "insecure",
            Key::CaCert => "ca_cert",
            Key::Timeout => "timeout_secs",
            Key::ReadOnly => "read_only",
            Key::Service => "service",
            Key::CbrEndpoint => "cbr_endpoint",
            Key::Concurrency => "concurrency",
        }
    }
}

/// One source of settings.
enum Layer<'a> {
    Flags(&'a Overrides),
    Env(Env<'a>),
    Profile {
        name: &'a str,
        file: &'a str,
        profile: &'a Profile,
    },
}

impl Layer<'_> {
    fn get(&self, key: Key) -> Option<(String, Origin)> {
        match self {
            Layer::Flags(f) => {
                let (value, flag) = match key {
                    Key::Region => (f.region.clone(), "--region"),
                    Key::Endpoint => (f.endpoint.clone(), "--endpoint"),
                    Key::AuthUrl => (f.auth_url.clone(), "--auth-url"),
                    Key::ProjectId => (f.project_id.clone(), "--project-id"),
                    Key::Insecure => (f.insecure.then(|| "true".to_owned()), "--insecure"),
                    Key::CaCert => (
                        f.ca_cert.as_ref().map(|p| p.display().to_string()),
                        "--ca-cert",
                    ),
                    Key::Timeout => (f.timeout_secs.map(|t| t.to_string()), "--timeout"),
                    Key::ReadOnly => (f.read_only.then(|| "true".to_owned()), "--read-only"),
                    Key::Service => (f.service.clone(), "--service"),
                    Key::CbrEndpoint => (f.cbr_endpoint.clone(), "--cbr-endpoint"),
                    Key::Concurrency => (f.concurrency.map(|c| c.to_string()), "--concurrency"),
                    _ => (None, ""),
                };
                value.map(|v| (v, Origin::Flag(flag)))
            }
            Layer::Env(env) => key
                .env_names()
                .iter()
                .find_map(|n| env(n).map(|v| (v, Origin::Env(n)))),
            Layer::Profile {
                name,
                file,
                profile: p,
            } => {
                let secret = |s: &Option<SecretString>| s.as_ref().map(|s| s.0.clone());
                let value = match key {
                    Key::Region => p.region.clone(),
                    Key::Endpoint => p.endpoint.clone(),
                    Key::AuthUrl => p.auth_url.clone(),
                    Key::ProjectId => p.project_id.clone(),
                    Key::Token => secret(&p.auth_token),
                    Key::AccessKey => p.access_key.clone(),
                    Key::SecretKey => secret(&p.secret_key),
                    Key::SecurityToken => secret(&p.security_token),
                    Key::User => p.user.clone(),
                    Key::Password => secret(&p.password),
                    Key::Domain => p.domain.clone(),
                    Key::Insecure => p.insecure.map(|b| b.to_string()),
                    Key::CaCert => p.ca_cert.as_ref().map(|c| c.display().to_string()),
                    Key::Timeout => p.timeout_secs.map(|t| t.to_string()),
                    Key::ReadOnly => p.read_only.map(|b| b.to_string()),
                    Key::Service => p.service.clone(),
                    Key::CbrEndpoint => p.cbr_endpoint.clone(),
                    Key::Concurrency => p.concurrency.map(|c| c.to_string()),
                };
                value.filter(|v| !v.is_empty()).map(|v| {
                    (
                        v,
                        Origin::Profile {
                            name: (*name).to_owned(),
                            file: (*file).to_owned(),
                        },
                    )
                })
            }
        }
    }

    fn describe(&self) -> String {
        match self {
            Layer::Flags(_) => "the command line".to_owned(),
            Layer::Env(_) => "the environment".to_owned(),
            Layer::Profile { name, file, .. } => format!("profile {name} in {file}"),
        }
    }

    /// How this layer names `key` in a message: `HW_SECRET_KEY` or `secret_key`.
    fn key_name(&self, key: Key) -> String {
        match self {
            Layer::Env(_) => match key.env_names() {
                [first, rest @ ..] if !rest.is_empty() => {
                    format!("{first} (or {})", rest.join(", "))
                }
                names => names.join(""),
            },
            _ => key.profile_key().to_owned(),
        }
    }
}

/// Everything a command needs, resolved.
#[derive(Clone, Debug)]
pub struct Settings {
    pub endpoint: String,
    pub project_id: String,
    pub region: Option<String>,
    /// The profile used, if any.
    pub profile: Option<String>,
    /// The config file read, if one was.
    pub config_file: Option<PathBuf>,
    pub auth: Auth,
    pub insecure: bool,
    pub ca_cert: Option<PathBuf>,
    /// `SSL_CERT_FILE` and `SSL_CERT_DIR`, trusted in addition to the system's store.
    pub ssl_cert_file: Option<PathBuf>,
    pub ssl_cert_dirs: Vec<PathBuf>,
    pub proxies: Proxies,
    pub timeout: Duration,
    /// Retries of a failed GET.
    pub retries: u32,
    pub read_only: bool,
    /// Why VBS cannot be used where the settings point (a CBR-only region).
    pub vbs_unavailable: Option<String>,
    /// The sharing service commands and the browser start with.
    pub service: SharingService,
    /// The CBR endpoint (from the same layer as the VBS endpoint, or its region).
    pub cbr_endpoint: String,
    /// IAM's URL (ending in `/v3`), when one is set or a region implies it: where the
    /// browser asks which projects the credentials reach.
    pub iam_url: Option<String>,
    /// How many requests a walk may have in flight.
    pub concurrency: u32,
    /// Names people know projects by, from the config file's `[project_names]`.
    pub project_names: BTreeMap<String, String>,
    /// Where each setting came from, in display order: (setting, origin).
    pub origins: Vec<(&'static str, Origin)>,
    /// Settings present in a lower layer that lost, with why.
    pub ignored: Vec<String>,
    /// Things the user should know (loose file permissions…), printed on stderr.
    pub warnings: Vec<String>,
}

/// The environment, as a lookup function (so tests need not touch the process's).
pub type Env<'a> = &'a dyn Fn(&str) -> Option<String>;

/// Reads the real process environment, treating empty values as unset.
pub fn process_env(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.is_empty())
}

/// A yes/no setting: `1/true/yes/on` and `0/false/no/off` (any case); `None` otherwise.
pub fn parse_bool(v: &str) -> Option<bool> {
    match v.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" | "" => Some(false),
        _ => None,
    }
}

/// `VBSHARE_READ_ONLY`: fails closed. Only `0/false/no/off` mean writable; any other value
/// means read-only, with a warning when it is not a known spelling.
pub fn read_only_from_env(v: Option<&str>, warnings: &mut Vec<String>) -> bool {
    let Some(v) = v else { return false };
    parse_bool(v).unwrap_or_else(|| {
        warnings.push(format!(
            "warning: VBSHARE_READ_ONLY={:?} is not one of 1/true/yes/on or 0/false/no/off; \
             treating it as read-only",
            crate::text::sanitize(v)
        ));
        true
    })
}

/// The default config path: `$VBSHARE_CONFIG`, else `<config dir>/vbshare/config.toml`.
pub fn default_config_path(env: Env<'_>) -> Option<PathBuf> {
    env("VBSHARE_CONFIG")
        .map(PathBuf::from)
        .or_else(|| dirs::config_dir().map(|d| d.join("vbshare").join("config.toml")))
}

/// Parses config text; errors name the file and line.
pub fn parse_config(text: &str, path: &Path) -> Result<ConfigFile, ConfigError> {
    let mut file: ConfigFile = toml::from_str(text).map_err(|e| {
        // The line the error's span starts on (1-based): newlines before it, plus one.
        let line = e
            .span()
            .map(|s| text[..s.start.min(text.len())].matches('\n').count() + 1);
        let msg = e.message().to_owned();
        ConfigError::Malformed {
            path: path.display().to_string(),
            message: match line {
                Some(l) => format!("line {l}: {msg}"),
                None => msg,
            },
        }
    })?;
    file.path = Some(path.to_owned());
    Ok(file)
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

/// The VBS endpoint a region implies.
pub fn endpoint_for_region(region: &str) -> String {
    region::url(Service::Vbs, region)
}

/// The IAM URL a region implies.
pub fn auth_url_for_region(region: &str) -> String {
    region::url(Service::Iam, region)
}

/// Resolves flags, environment and config file into [`Settings`].
pub fn resolve(flags: &Overrides, env: Env<'_>) -> Result<Settings, ConfigError> {
    resolve_profiles(flags, env, true)
}

/// [`resolve`] as if the config file had no profiles (and `VBSHARE_PROFILE` were unset):
/// the environment and the flags alone, with the file's other settings. The browser's
/// "env" context.
pub fn resolve_without_profiles(flags: &Overrides, env: Env<'_>) -> Result<Settings, ConfigError> {
    let flags = Overrides {
        profile: None,
        ..flags.clone()
    };
    let env = |name: &str| env(name).filter(|_| name != "VBSHARE_PROFILE");
    resolve_profiles(&flags, &env, false)
}

fn resolve_profiles(
    flags: &Overrides,
    env: Env<'_>,
    profiles: bool,
) -> Result<Settings, ConfigError> {
    let (path, explicit) = match &flags.config {
        Some(p) => (Some(p.clone()), true),
        None => (default_config_path(env), env("VBSHARE_CONFIG").is_some()),
    };
    let (mut file, warnings) = match &path {
        Some(p) => load_config(p, explicit)?,
        None => (ConfigFile::default(), Vec::new()),
    };
    if !profiles {
        file.profiles.clear();
        file.default_profile = None;
    }
    let mut s = resolve_with(flags, env, &file, warnings)?;
    s.config_file = file.path;
    Ok(s)
}

/// The profiles a message may suggest: ` (profiles in the config file: a, b)`.
fn known_profiles(file: &ConfigFile) -> String {
    if file.profiles.is_empty() {
        String::new()
    } else {
        let known: Vec<&str> = file.profiles.keys().map(String::as_str).collect();
        format!(" (known: {})", known.join(", "))
    }
}

/// [`resolve`] with the config file already loaded.
pub fn resolve_with(
    flags: &Overrides,
    env: Env<'_>,
    file: &ConfigFile,
    mut warnings: Vec<String>,
) -> Result<Settings, ConfigError> {
    let file_name = file
        .path
        .as_ref()
        .map_or_else(|| "config file".to_owned(), |p| p.display().to_string());
    let wanted = flags
        .profile
        .clone()
        .map(|n| (n, "--profile"))
        .or_else(|| env("VBSHARE_PROFILE").map(|n| (n, "VBSHARE_PROFILE")));
    let mut origins: Vec<(&'static str, Origin)> = Vec::new();
    let mut layers = vec![Layer::Flags(flags)];
    let profile_name = match &wanted {
        Some((name, how)) => {
            let Some(profile) = file.profiles.get(name) else {
                return Err(ConfigError::UnknownProfile(
                    name.clone(),
                    known_profiles(file),
                ));
            };
            layers.push(Layer::Profile {
                name,
                file: &file_name,
                profile,
            });
            layers.push(Layer::Env(env));
            origins.push((
                "profile",
                if *how == "--profile" {
                    Origin::Flag("--profile")
                } else {
                    Origin::Env("VBSHARE_PROFILE")
                },
            ));
            Some(name.clone())
        }
        None => {
            layers.push(Layer::Env(env));
            let (name, how) = match &file.default_profile {
                Some(n) => (n.clone(), "default_profile in the config file"),
                None => (
                    "default".to_owned(),
                    "[profiles.default] in the config file",
                ),
            };
            match file.profiles.get(&name) {
                Some(profile) => {
                    layers.push(Layer::Profile {
                        name: file
                            .profiles
                            .get_key_value(&name)
                            .map_or("default", |(k, _)| k.as_str()),
                        file: &file_name,
                        profile,
                    });
                    origins.push(("profile", Origin::Derived(how.to_owned())));
                    Some(name)
                }
                None if file.default_profile.is_some() => {
                    return Err(ConfigError::UnknownProfile(
                        name,
                        format!(
                            " but default_profile names it{}",
                            known_profiles(file).replace("(known", "(profiles")
                        ),
                    ));
                }
                None => None,
            }
        }
    };
    let mut ignored = Vec::new();

    // Where to call: region, endpoint and IAM URL as one unit.
    let unit = layers[1..].iter().find(|l| {
        [Key::Region, Key::Endpoint, Key::CbrEndpoint]
            .iter()
            .any(|k| l.get(*k).is_some())
    });
    let mut region = unit.and_then(|l| l.get(Key::Region));
    let mut endpoint = unit.and_then(|l| l.get(Key::Endpoint));
    let mut cbr_endpoint = unit.and_then(|l| l.get(Key::CbrEndpoint));
    let mut auth_url = unit.and_then(|l| l.get(Key::AuthUrl));
    for l in &layers[1..] {
        if unit.is_some_and(|u| std::ptr::eq(u, l)) {
            continue;
        }
        for key in [Key::Region, Key::Endpoint, Key::CbrEndpoint] {
            if let Some((_, o)) = l.get(key) {
                ignored.push(format!(
                    "{} from {o}: region, endpoint and IAM URL come from {}",
                    key.profile_key(),
                    unit.map_or_else(|| "the command line".to_owned(), Layer::describe)
                ));
            }
        }
    }
    if let Some(r) = &flags.region {
        region = Some((r.clone(), Origin::Flag("--region")));
        endpoint = None;
        cbr_endpoint = None;
        auth_url = None;
    }
    if let Some(e) = &flags.cbr_endpoint {
        cbr_endpoint = Some((e.clone(), Origin::Flag("--cbr-endpoint")));
    }
    if let Some(e) = &flags.endpoint {
        endpoint = Some((e.clone(), Origin::Flag("--endpoint")));
    }
    if let Some(a) = &flags.auth_url {
        auth_url = Some((a.clone(), Origin::Flag("--auth-url")));
    }
    if let (None, Some((e, _))) = (&region, &endpoint) {
        let host = reqwest::Url::parse(e)
            .ok()
            .and_then(|u| u.host_str().map(str::to_owned));
        if let Some(r) = host.as_deref().and_then(region::of_host) {
            region = Some((
                r.to_owned(),
                Origin::Derived("derived from the endpoint's host".into()),
            ));
        }
    }
    let endpoint_explicit = endpoint.is_some();
    let derived = |service: Service, r: &str| {
        (
            region::url(service, r),
            Origin::Derived(format!("derived from region {r}")),
        )
    };
    // Without a region, one endpoint serves both (the embedded server does).
    let (endpoint, cbr_endpoint) = match (endpoint, cbr_endpoint, &region) {
        (e, c, Some((r, _))) => (
            e.unwrap_or_else(|| derived(Service::Vbs, r)),
            c.unwrap_or_else(|| derived(Service::Cbr, r)),
        ),
        (Some(e), c, None) => {
            let same = (
                e.0.clone(),
                Origin::Derived("the same as the endpoint".into()),
            );
            (e, c.unwrap_or(same))
        }
        (None, Some(c), None) => {
            let same = (
                c.0.clone(),
                Origin::Derived("the same as the CBR endpoint".into()),
            );
            (same, c)
        }
        (None, None, None) => return Err(ConfigError::Missing(first_run_hint(file))),
    };
    // Without a region to derive it from, an IAM URL set anywhere cannot disagree with one.
    let auth_url = auth_url
        .or_else(|| {
            region.as_ref().map(|(r, _)| {
                (
                    auth_url_for_region(r),
                    Origin::Derived(format!("derived from region {r}")),
                )
            })
        })
        .or_else(|| layers[1..].iter().find_map(|l| l.get(Key::AuthUrl)));
    for l in &layers[1..] {
        if let Some((_, o)) = l.get(Key::AuthUrl)
            && auth_url.as_ref().is_none_or(|(_, used)| *used != o)
        {
            ignored.push(format!(
                "auth_url from {o}: region, endpoint and IAM URL come from {}",
                unit.map_or_else(|| "the command line".to_owned(), Layer::describe)
            ));
        }
    }
    let endpoint_url = ids::http_url(&endpoint.0, "endpoint")
        .map_err(|e| ConfigError::Invalid(e.0))?
        .to_string();
    let endpoint_url = if endpoint.0.ends_with('/') {
        endpoint_url
    } else {
        endpoint_url.trim_end_matches('/').to_owned()
    };
    if let Some((r, o)) = &region {
        origins.push(("region", o.clone()));
        if region::find(r).is_none() {
            warnings.push(format!(
                "warning: {r} is not a known region of Huawei Cloud or Open Telekom Cloud; \
                 its endpoints are guessed as *.{r}.myhuaweicloud.com (pass --endpoint if wrong)"
            ));
        }
    }
    origins.push(("endpoint", endpoint.1.clone()));
    origins.push(("cbr_endpoint", cbr_endpoint.1.clone()));
    let cbr_endpoint_url = ids::http_url(&cbr_endpoint.0, "CBR endpoint")
        .map_err(|e| ConfigError::Invalid(e.0))?
        .as_str()
        .trim_end_matches('/')
        .to_owned();

    let project = first_of(&layers, Key::ProjectId, &mut ignored).ok_or_else(|| {
        ConfigError::Missing(
            "no project ID: pass --project-id, set HW_PROJECT_ID (or OS_PROJECT_ID, \
             HUAWEICLOUD_SDK_PROJECT_ID), or add project_id to the config profile"
                .into(),
        )
    })?;
    let project_id = ids::project_id(&project.0)
        .map_err(|e| ConfigError::Invalid(format!("{e} (from {})", project.1)))?;
    origins.push(("project_id", project.1));

    let (auth, auth_origin) = resolve_auth(&layers, auth_url.clone(), &mut ignored)?;
    if let Some((_, o)) = &auth_url {
        origins.push(("auth_url", o.clone()));
    }
    origins.push(("credentials", auth_origin));

    let bool_of = |key: Key, v: &(String, Origin)| {
        parse_bool(&v.0).ok_or_else(|| {
            ConfigError::Invalid(format!(
                "{} must be true or false, got {:?} (from {})",
                key.profile_key(),
                v.0,
                v.1
            ))
        })
    };
    let insecure = match first_of(&layers, Key::Insecure, &mut ignored) {
        Some(v) => {
            let b = bool_of(Key::Insecure, &v)?;
            origins.push(("insecure", v.1));
            b
        }
        None => false,
    };
    let ca_cert = first_of(&layers, Key::CaCert, &mut ignored).map(|(p, o)| {
        origins.push(("ca_cert", o));
        PathBuf::from(p)
    });
    let timeout_secs = match first_of(&layers, Key::Timeout, &mut ignored) {
        Some((v, o)) => {
            let t = v.parse::<f64>().unwrap_or(f64::NAN);
            origins.push(("timeout", o));
            t
        }
        None => 30.0,
    };
    if !(timeout_secs.is_finite() && timeout_secs > 0.0 && timeout_secs <= 3600.0) {
        return Err(ConfigError::Invalid(format!(
            "timeout must be more than 0 and at most 3600 seconds, got {timeout_secs}"
        )));
    }
    // Read-only fails closed: any layer that asks for it gets it.
    let mut read_only = false;
    for l in &layers {
        if let Some((v, o)) = l.get(Key::ReadOnly) {
            let on = match l {
                Layer::Env(_) => read_only_from_env(Some(&v), &mut warnings),
                _ => bool_of(Key::ReadOnly, &(v.clone(), o.clone()))?,
            };
            if on && !read_only {
                read_only = true;
                origins.push(("read_only", o));
            }
        }
    }
    let (proxies, proxy_origin) = resolve_proxies(flags, &layers, env)?;
    if let Some(o) = proxy_origin {
        origins.push(("proxy", o));
    }
    let service = match first_of(&layers, Key::Service, &mut ignored) {
        Some((v, o)) => {
            let s = v
                .parse::<SharingService>()
                .map_err(|e| ConfigError::Invalid(format!("{e} (from {o})")))?;
            origins.push(("service", o));
            s
        }
        None => {
            let r = region.as_ref().map(|(r, _)| r.as_str());
            let s = SharingService::default_for(r);
            origins.push((
                "service",
                Origin::Derived(match r {
                    Some(r) if s == SharingService::Cbr => {
                        format!("default in {r}, where VBS is not available")
                    }
                    _ => "default".to_owned(),
                }),
            ));
            s
        }
    };
    let concurrency = match first_of(&layers, Key::Concurrency, &mut ignored) {
        Some((v, o)) => {
            let n = v
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=MAX_CONCURRENCY).contains(n));
            origins.push(("concurrency", o.clone()));
            n.ok_or_else(|| {
                ConfigError::Invalid(format!(
                    "concurrency must be a whole number from 1 to {MAX_CONCURRENCY}, got {v:?} (from {o})"
                ))
            })?
        }
        None => DEFAULT_CONCURRENCY,
    };
    let mut project_names = BTreeMap::new();
    for (id, name) in &file.project_names {
        match ids::project_id(id) {
            Ok(id) => {
                project_names.insert(id, name.clone());
            }
            Err(e) => warnings.push(format!("warning: [project_names] in the config file: {e}")),
        }
    }
    let vbs_unavailable = if endpoint_explicit {
        None
    } else {
        region
            .as_ref()
            .and_then(|(r, _)| region::vbs_unavailable(r))
    };
    Ok(Settings {
        endpoint: endpoint_url,
        project_id,
        region: region.map(|r| r.0),
        profile: profile_name,
        config_file: None,
        auth,
        insecure,
        ca_cert,
        ssl_cert_file: env("SSL_CERT_FILE").map(PathBuf::from),
        ssl_cert_dirs: env("SSL_CERT_DIR")
            .map(|d| std::env::split_paths(&d).collect())
            .unwrap_or_default(),
        proxies,
        timeout: Duration::from_secs_f64(timeout_secs),
        retries: flags.retries.unwrap_or(3),
        read_only,
        vbs_unavailable,
        service,
        cbr_endpoint: cbr_endpoint_url,
        iam_url: auth_url.map(|(u, _)| u.trim_end_matches('/').to_owned()),
        concurrency,
        project_names,
        origins,
        ignored,
        warnings,
    })
}

/// Requests a walk may have in flight unless told otherwise.
pub const DEFAULT_CONCURRENCY: u32 = 4;
/// The most requests a walk may have in flight.
pub const MAX_CONCURRENCY: u32 = 8;

/// The first layer's value for `key`; lower layers' values are noted as ignored.
fn first_of(layers: &[Layer<'_>], key: Key, ignored: &mut Vec<String>) -> Option<(String, Origin)> {
    let mut found: Option<(String, Origin)> = None;
    for l in layers {
        if let Some(v) = l.get(key) {
            match &found {
                None => found = Some(v),
                Some((_, winner)) => {
                    ignored.push(format!("{} from {}: {winner} wins", key.profile_key(), v.1));
                }
            }
        }
    }
    found
}

/// The message of a first run with nothing set up.
fn first_run_hint(file: &ConfigFile) -> String {
    let mut msg = "no endpoint: pass --region or --endpoint, set HW_REGION_NAME (or \
                   OS_REGION_NAME), or add region to a config profile"
        .to_owned();
    if file.profiles.is_empty() {
        msg.push_str("; to try vbshare without a cloud account, run: vbshare --demo");
    } else {
        let names: Vec<&str> = file.profiles.keys().map(String::as_str).collect();
        msg = format!(
            "{msg}; the config file has profiles {} (choose one with --profile NAME)",
            names.join(", ")
        );
    }
    msg
}

/// Credentials as one unit from the first layer that holds a token, a key or a password.
fn resolve_auth(
    layers: &[Layer<'_>],
    auth_url: Option<(String, Origin)>,
    ignored: &mut Vec<String>,
) -> Result<(Auth, Origin), ConfigError> {
    const PRIMARY: [Key; 4] = [Key::Token, Key::AccessKey, Key::SecretKey, Key::Password];
    let Some(layer) = layers[1..]
        .iter()
        .find(|l| PRIMARY.iter().any(|k| l.get(*k).is_some()))
    else {
        return Err(ConfigError::Missing(
            "no credentials: set HW_ACCESS_KEY and HW_SECRET_KEY, or HW_AUTH_TOKEN, or \
             HW_USER_NAME, HW_USER_PASSWORD and HW_DOMAIN_NAME (OS_* and HUAWEICLOUD_SDK_* \
             names work too), or put them in a config profile; to try vbshare without a \
             cloud account, run: vbshare --demo"
                .into(),
        ));
    };
    for other in &layers[1..] {
        if std::ptr::eq(other, layer) {
            continue;
        }
        for k in PRIMARY {
            if let Some((_, o)) = other.get(k) {
                ignored.push(format!(
                    "{} from {o}: credentials come from {}",
                    k.profile_key(),
                    layer.describe()
                ));
            }
        }
    }
    let get = |k: Key| layer.get(k);
    let origin = |k: Key| get(k).map_or(Origin::Default, |(_, o)| o);
    if let Some((token, o)) = get(Key::Token) {
        return Ok((Auth::Token(Secret::new(token)), o));
    }
    match (get(Key::AccessKey), get(Key::SecretKey)) {
        (Some((access_key, o)), Some((secret_key, _))) => {
            let security_token = get(Key::SecurityToken).map(|t| t.0);
            return Ok((
                Auth::AkSk(AkSk {
                    access_key,
                    secret_key,
                    security_token,
                }),
                o,
            ));
        }
        (Some(_), None) => {
            return Err(ConfigError::Missing(format!(
                "{} sets an access key but no secret key: set {} there too (credentials are \
                 never mixed from different places)",
                layer.describe(),
                layer.key_name(Key::SecretKey)
            )));
        }
        (None, Some(_)) => {
            return Err(ConfigError::Missing(format!(
                "{} sets a secret key but no access key: set {} there too (credentials are \
                 never mixed from different places)",
                layer.describe(),
                layer.key_name(Key::AccessKey)
            )));
        }
        (None, None) => {}
    }
    match (get(Key::User), get(Key::Password), get(Key::Domain)) {
        (Some((user, _)), Some((password, _)), Some((domain, _))) => {
            let (auth_url, _) = auth_url.ok_or_else(|| {
                ConfigError::Missing(
                    "password sign-in needs an IAM URL: set --auth-url, HW_AUTH_URL or a region"
                        .into(),
                )
            })?;
            let auth_url =
                ids::http_url(&auth_url, "auth URL").map_err(|e| ConfigError::Invalid(e.0))?;
            Ok((
                Auth::Password(PasswordAuth {
                    auth_url: auth_url.as_str().trim_end_matches('/').to_owned(),
                    user,
                    password: Secret::new(password),
                    domain,
                }),
                origin(Key::Password),
            ))
        }
        (u, pw, d) => {
            let missing: Vec<String> = [(u, Key::User), (pw, Key::Password), (d, Key::Domain)]
                .into_iter()
                .filter(|(v, _)| v.is_none())
                .map(|(_, k)| layer.key_name(k))
                .collect();
            Err(ConfigError::Missing(format!(
                "password sign-in from {} is incomplete: set {}",
                layer.describe(),
                missing.join(" and ")
            )))
        }
    }
}

/// Proxies: `--no-proxy`, else `--proxy`, else the profile's `proxy`, else the
/// environment (lowercase spelling first, as curl reads them).
fn resolve_proxies(
    flags: &Overrides,
    layers: &[Layer<'_>],
    env: Env<'_>,
) -> Result<(Proxies, Option<Origin>), ConfigError> {
    if flags.no_proxy {
        return Ok((Proxies::default(), Some(Origin::Flag("--no-proxy"))));
    }
    let parse = |v: &str, o: &Origin| {
        ProxyUrl::parse(v).map_err(|e| ConfigError::Invalid(format!("{e} (from {o})")))
    };
    let profile = layers.iter().find_map(|l| match l {
        Layer::Profile {
            profile,
            name,
            file,
        } => Some((profile, *name, *file)),
        _ => None,
    });
    let profile_origin = |name: &str, file: &str| Origin::Profile {
        name: name.to_owned(),
        file: file.to_owned(),
    };
    let no_proxy = match profile.and_then(|(p, n, f)| p.no_proxy.clone().map(|v| (v, n, f))) {
        Some((v, _, _)) => NoProxy::parse(&v),
        None => first_env(env, &["no_proxy", "NO_PROXY"])
            .map(|(v, _)| NoProxy::parse(&v))
            .unwrap_or_default(),
    };
    let fixed = match (
        &flags.proxy,
        profile.and_then(|(p, n, f)| p.proxy.clone().map(|v| (v, n, f))),
    ) {
        (Some(p), _) => Some((p.clone(), Origin::Flag("--proxy"))),
        (None, Some((p, n, f))) => Some((p, profile_origin(n, f))),
        (None, None) => None,
    };
    if let Some((url, origin)) = fixed {
        let p = parse(&url, &origin)?;
        return Ok((
            Proxies {
                https: Some(p.clone()),
                http: Some(p),
                no_proxy,
            },
            Some(origin),
        ));
    }
    let https = first_env(
        env,
        &["https_proxy", "HTTPS_PROXY", "all_proxy", "ALL_PROXY"],
    );
    let http = first_env(env, &["http_proxy", "HTTP_PROXY", "all_proxy", "ALL_PROXY"]);
    let origin = https.as_ref().or(http.as_ref()).map(|(_, o)| o.clone());
    Ok((
        Proxies {
            https: https.map(|(v, o)| parse(&v, &o)).transpose()?,
            http: http.map(|(v, o)| parse(&v, &o)).transpose()?,
            no_proxy,
        },
        origin,
    ))
}

fn first_env(env: Env<'_>, names: &[&'static str]) -> Option<(String, Origin)> {
    names
        .iter()
        .find_map(|n| env(n).map(|v| (v, Origin::Env(n))))
}

impl Settings {
    /// The client configuration these settings describe (reads the CA certificate file).
    pub fn client_config(&self) -> Result<ClientConfig, ConfigError> {
        let mut c = ClientConfig::new(&self.endpoint, &self.project_id, self.auth.clone());
        c.timeout = self.timeout;
        c.max_retries = self.retries;
        c.concurrency = self.concurrency;
        c.trust = Trust {
            system: true,
            cert_file: self.ssl_cert_file.clone(),
            cert_dirs: self.ssl_cert_dirs.clone(),
            ca_cert_pem: None,
            insecure: self.insecure,
        };
        if let Some(path) = &self.ca_cert {
            c.trust.ca_cert_pem =
                Some(std::fs::read(path).map_err(|source| ConfigError::Read {
                    what: "CA certificate",
                    path: path.display().to_string(),
                    source,
                })?);
        }
        c.proxies = self.proxies.clone();
        c.not_offered.clone_from(&self.vbs_unavailable);
        Ok(c)
    }

    /// Where `setting` came from, if it was recorded.
    pub fn origin(&self, setting: &str) -> Option<&Origin> {
        self.origins
            .iter()
            .find(|(k, _)| *k == setting)
            .map(|(_, o)| o)
    }
}

#[cfg(test)]
#[path = "config/tests.rs"]
mod tests;
