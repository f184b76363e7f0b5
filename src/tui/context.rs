//! Contexts: where the browser is connected (profile, region, project) and what it can
//! switch to without restarting (`:` or `P`).
//!
//! The browser knows contexts only through a [`ContextSource`]: it asks for the list, and
//! for a connection to one entry, and swaps its back end only when that connection is
//! made and signed in. How settings are resolved lives with the command line
//! (`commands::contexts`), so a context is resolved exactly as `--profile`/`--project-id`
//! would resolve it.

use std::future::Future;
use std::pin::Pin;

use super::HeaderInfo;
use crate::api::cbr::CbrClient;
use crate::api::request_log::RequestLog;

/// What a context entry switches to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ContextChoice {
    /// A profile of the config file.
    Profile(String),
    /// The environment's settings, with no profile.
    Env,
    /// Another project the current credentials reach (IAM's list), same profile otherwise.
    Project {
        /// The project ID.
        id: String,
        /// Its name, for the header.
        name: String,
    },
}

/// One line of the context picker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContextEntry {
    /// What choosing it does.
    pub choice: ContextChoice,
    /// What the picker shows: the profile or project name.
    pub label: String,
    /// A second column: the region and project, or the project ID.
    pub detail: String,
    /// It is the context in use.
    pub current: bool,
}

/// What the picker lists: profiles at once, projects as IAM answers.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContextList {
    /// The config file's profiles and "env".
    pub profiles: Vec<ContextEntry>,
    /// The other projects the credentials reach, or why they cannot be listed.
    pub projects: Result<Vec<ContextEntry>, String>,
}

/// A connection made for a chosen context, signed in and ready.
pub struct Connected<B> {
    /// The new back end for sharings.
    pub backend: B,
    /// The new CBR client, when CBR can be reached.
    pub cbr: Option<CbrClient>,
    /// The new header.
    pub header: HeaderInfo,
    /// The new session's request log.
    pub request_log: Option<RequestLog>,
}

impl<B> std::fmt::Debug for Connected<B> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connected")
            .field("header", &self.header)
            .finish_non_exhaustive()
    }
}

/// What a [`ContextSource`] future yields.
pub type Pending<T> = Pin<Box<dyn Future<Output = T> + Send>>;

/// Lists contexts and connects to one; implemented by the command line's settings layer.
pub trait ContextSource<B>: Send + Sync {
    /// The profiles and projects to offer (the current one marked).
    fn list(&self) -> Pending<ContextList>;
    /// Resolves, connects and signs in to `choice`; `Err` says why not, in one line. On
    /// success the source takes it as the current context.
    fn connect(&self, choice: ContextChoice) -> Pending<Result<Connected<B>, String>>;
}
