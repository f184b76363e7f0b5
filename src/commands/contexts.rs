//! The browser's contexts: the config file's profiles, "env" and the projects IAM says the
//! credentials reach, resolved exactly as the command line resolves them (`--profile NAME`,
//! or `--project-id ID` added to what is in effect), then connected and signed in before
//! the browser gives up the context it has.

use std::sync::{Arc, Mutex, PoisonError};

use crate::api::cbr::CbrClient;
use crate::api::iam;
use crate::api::{Client, Filters};
use crate::config::{self, Origin, Overrides, Settings};
use crate::tui::context::{
    Connected, ContextChoice, ContextEntry, ContextList, ContextSource, Pending,
};
use crate::tui::{HeaderInfo, Options};

/// How the settings in effect were resolved, so a project choice can add to it.
#[derive(Clone, Debug)]
enum Resolution {
    /// `config::resolve` with these flags.
    Flags(Overrides),
    /// `config::resolve_without_profiles` with these flags ("env").
    EnvOnly(Overrides),
    /// The demo's own settings (its projects only; no profiles).
    Demo,
}

struct Current {
    resolution: Resolution,
    settings: Settings,
    client: Client,
}

/// The [`ContextSource`] of a command-line session.
pub struct Contexts {
    current: Arc<Mutex<Current>>,
}

/// The header for `settings`, connected through `client`.
pub fn header(settings: &Settings, client: &Client, project_name: Option<&str>) -> HeaderInfo {
    HeaderInfo {
        profile: settings.profile.clone().unwrap_or_else(|| "env".into()),
        region: settings.region.clone().unwrap_or_else(|| "—".into()),
        project_id: settings.project_id.clone(),
        project_name: project_name
            .map(str::to_owned)
            .or_else(|| crate::schema::names::of(&settings.project_id).map(str::to_owned)),
        endpoint_host: client.host().to_owned(),
        insecure: settings.insecure,
    }
}

/// The browser's CBR client for `settings`, on `client`'s session.
pub fn cbr_client(settings: &Settings, client: &Client) -> Option<CbrClient> {
    CbrClient::new(client.session(), &settings.cbr_endpoint).ok()
}

impl Contexts {
    /// The contexts of a session started with `flags` (or the demo), now at `settings`.
    pub fn new(flags: &Overrides, demo: bool, settings: &Settings, client: &Client) -> Self {
        let resolution = if demo {
            Resolution::Demo
        } else {
            Resolution::Flags(flags.clone())
        };
        Contexts {
            current: Arc::new(Mutex::new(Current {
                resolution,
                settings: settings.clone(),
                client: client.clone(),
            })),
        }
    }

    /// Fills in what the browser starts with.
    pub fn apply(&self, options: &mut Options) {
        let c = self.current.lock().unwrap_or_else(PoisonError::into_inner);
        options.header = header(&c.settings, &c.client, None);
    }
}

/// The profiles of the config file the settings came from, and "env".
/// Reads the config file: call it off the async runtime.
fn profile_entries(resolution: &Resolution, settings: &Settings) -> Vec<ContextEntry> {
    if matches!(resolution, Resolution::Demo) {
        return Vec::new();
    }
    let path = settings
        .config_file
        .clone()
        .or_else(|| config::default_config_path(&config::process_env));
    let names: Vec<String> = path
        .and_then(|p| config::load_config(&p, false).ok())
        .map(|(file, _)| file.profiles.into_keys().collect())
        .unwrap_or_default();
    let env_current = matches!(resolution, Resolution::EnvOnly(_));
    let mut entries: Vec<ContextEntry> = names
        .into_iter()
        .map(|name| ContextEntry {
            current: !env_current && settings.profile.as_deref() == Some(name.as_str()),
            detail: "profile".to_owned(),
            label: name.clone(),
            choice: ContextChoice::Profile(name),
        })
        .collect();
    entries.push(ContextEntry {
        choice: ContextChoice::Env,
        label: "env".to_owned(),
        detail: "the environment, no profile".to_owned(),
        current: env_current || settings.profile.is_none(),
    });
    entries
}

/// Whether the endpoint was derived from the region, so only that region's projects fit.
fn region_bound(settings: &Settings) -> Option<&str> {
    matches!(settings.origin("endpoint"), Some(Origin::Derived(_)))
        .then_some(settings.region.as_deref())
        .flatten()
}

async fn project_entries(settings: Settings, client: Client) -> Result<Vec<ContextEntry>, String> {
    let Some(url) = settings.iam_url.clone() else {
        return Err("no IAM URL to ask (set auth_url or a region)".to_owned());
    };
    let projects = iam::reachable_projects(&client.session(), &url)
        .await
        .map_err(|e| e.to_string())?;
    let region = region_bound(&settings);
    Ok(projects
        .into_iter()
        .filter(|p| region.is_none_or(|r| p.region() == r))
        .map(|p| ContextEntry {
            current: p.id == settings.project_id,
            detail: if p.enabled {
                p.id.clone()
            } else {
                format!("{} (disabled)", p.id)
            },
            label: p.name.clone(),
            choice: ContextChoice::Project {
                id: p.id,
                name: p.name,
            },
        })
        .collect())
}

/// The settings `choice` resolves to from `c`, and how.
fn resolve(c: &Current, choice: &ContextChoice) -> Result<(Settings, Resolution), String> {
    let next = match (choice, &c.resolution) {
        (ContextChoice::Project { id, .. }, Resolution::Demo) => {
            let mut s = c.settings.clone();
            s.project_id = crate::api::ids::project_id(id).map_err(|e| e.0)?;
            return Ok((s, Resolution::Demo));
        }
        (_, Resolution::Demo) => return Err("the demo has no profiles".to_owned()),
        (ContextChoice::Profile(name), Resolution::Flags(f) | Resolution::EnvOnly(f)) => {
            Resolution::Flags(Overrides {
                profile: Some(name.clone()),
                ..f.clone()
            })
        }
        (ContextChoice::Env, Resolution::Flags(f) | Resolution::EnvOnly(f)) => {
            Resolution::EnvOnly(f.clone())
        }
        // Another project on top of what is in effect, as `--project-id` would be.
        (
            ContextChoice::Project { id, .. },
            r @ (Resolution::Flags(_) | Resolution::EnvOnly(_)),
        ) => r.with_project(id),
    };
    let settings = next.settings()?;
    Ok((settings, next))
}

impl Resolution {
    /// The same resolution with `--project-id id` added.
    fn with_project(&self, id: &str) -> Resolution {
        let with = |f: &Overrides| Overrides {
            project_id: Some(id.to_owned()),
            ..f.clone()
        };
        match self {
            Resolution::Flags(f) => Resolution::Flags(with(f)),
            Resolution::EnvOnly(f) => Resolution::EnvOnly(with(f)),
            Resolution::Demo => Resolution::Demo,
        }
    }

    /// Resolves settings as the command line would with these flags.
    fn settings(&self) -> Result<Settings, String> {
        let env = &config::process_env;
        match self {
            Resolution::Flags(f) => config::resolve(f, env),
            Resolution::EnvOnly(f) => config::resolve_without_profiles(f, env),
            Resolution::Demo => return Err("the demo's settings come from its server".to_owned()),
        }
        .map_err(|e| e.to_string())
    }
}

/// Signs in and makes one small call the new context must allow: VBS's count where VBS
/// is offered, else CBR's vault list.
async fn sign_in(
    settings: &Settings,
    client: &Client,
    cbr: Option<&CbrClient>,
) -> Result<(), String> {
    let result = match (&settings.vbs_unavailable, cbr) {
        (Some(_), Some(cbr)) => cbr.list_vaults(Some(1), None).await.map(drop),
        _ => client.count(&Filters::default()).await.map(drop),
    };
    result.map_err(|e| crate::text::sanitize(&e.to_string()).into_owned())
}

impl ContextSource<Client> for Contexts {
    fn list(&self) -> Pending<ContextList> {
        let (resolution, settings, client) = {
            let c = self.current.lock().unwrap_or_else(PoisonError::into_inner);
            (c.resolution.clone(), c.settings.clone(), c.client.clone())
        };
        Box::pin(async move {
            // The config file is read on the blocking pool, IAM asked meanwhile.
            let file_settings = settings.clone();
            let profiles =
                tokio::task::spawn_blocking(move || profile_entries(&resolution, &file_settings));
            let projects = project_entries(settings, client).await;
            ContextList {
                profiles: profiles.await.unwrap_or_default(),
                projects,
            }
        })
    }

    fn connect(&self, choice: ContextChoice) -> Pending<Result<Connected<Client>, String>> {
        let current = Arc::clone(&self.current);
        Box::pin(async move {
            // Resolving reads the config file and building a client the certificate
            // store: both on the blocking pool, not the runtime's threads.
            let (settings, resolution, client) = {
                let (current, choice) = (Arc::clone(&current), choice.clone());
                tokio::task::spawn_blocking(move || {
                    let (settings, resolution) = {
                        let c = current.lock().unwrap_or_else(PoisonError::into_inner);
                        resolve(&c, &choice)?
                    };
                    let config = settings.client_config().map_err(|e| e.to_string())?;
                    let client = Client::new(config).map_err(|e| e.to_string())?;
                    Ok::<_, String>((settings, resolution, client))
                })
                .await
                .map_err(|e| format!("the switch stopped: {e}"))??
            };
            let cbr = cbr_client(&settings, &client);
            sign_in(&settings, &client, cbr.as_ref()).await?;
            let name = match &choice {
                ContextChoice::Project { name, .. } => Some(name.as_str()),
                _ => None,
            };
            let connected = Connected {
                header: header(&settings, &client, name),
                request_log: Some(client.session().request_log().clone()),
                cbr,
                backend: client.clone(),
            };
            *current.lock().unwrap_or_else(PoisonError::into_inner) = Current {
                resolution,
                settings,
                client,
            };
            Ok(connected)
        })
    }
}
