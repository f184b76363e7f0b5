//! The VBS client for the five sharing calls, over the [`Session`] every service shares
//! (transport, credentials, retries, the body cap).

use std::sync::Arc;
use std::time::Duration;

use reqwest::Method;

use super::auth::Auth;
use super::error::{ApiError, Call};
use super::model::{self, ShareRequest, ShareTargets, Sharing};
use super::query::{Filters, ListQuery, percent_encode};
use super::session::{Answer, Session, Target};
use super::transport::{Proxies, Trust};

/// Default cap on a response body.
pub const DEFAULT_MAX_BODY: usize = 64 * 1024 * 1024;

/// Everything needed to build a [`Client`].
#[derive(Clone, Debug)]
pub struct ClientConfig {
    /// Base URL, e.g. `https://vbs.eu-de.otc.t-systems.com`.
    pub endpoint: String,
    pub project_id: String,
    pub auth: Auth,
    /// Whole-request timeout (connect, send, and read the body).
    pub timeout: Duration,
    pub connect_timeout: Duration,
    /// Retries after the first try, for GETs only.
    pub max_retries: u32,
    /// Which CAs are trusted (or none checked, when insecure).
    pub trust: Trust,
    /// The proxies in force.
    pub proxies: Proxies,
    pub max_body_bytes: usize,
    /// First retry delay; each further retry doubles it (with jitter).
    pub retry_base: Duration,
    /// Requests a walk over many pages (`list --all`, an export) may have in flight.
    pub concurrency: u32,
    /// Why the service cannot be used where the settings point (VBS in a region that only
    /// has CBR): every call fails with this message instead of being sent.
    pub not_offered: Option<String>,
}

impl ClientConfig {
    /// A configuration with the defaults: 30 s timeout, 10 s connect, 3 retries, 64 MiB cap,
    /// the system's and the bundled CAs, no proxy.
    pub fn new(endpoint: impl Into<String>, project_id: impl Into<String>, auth: Auth) -> Self {
        Self {
            endpoint: endpoint.into(),
            project_id: project_id.into(),
            auth,
            timeout: Duration::from_secs(30),
            connect_timeout: Duration::from_secs(10),
            max_retries: 3,
            trust: Trust {
                system: true,
                ..Trust::default()
            },
            proxies: Proxies::default(),
            max_body_bytes: DEFAULT_MAX_BODY,
            retry_base: Duration::from_millis(250),
            concurrency: crate::config::DEFAULT_CONCURRENCY,
            not_offered: None,
        }
    }
}

/// A list answer as received, not parsed yet (see [`Client::list_unparsed`]).
#[derive(Clone, Debug)]
pub struct ListAnswer {
    /// The HTTP status (a 2xx).
    pub status: u16,
    /// The body exactly as received.
    pub body: String,
}

/// A VBS backup-sharing client; cheap to clone.
#[derive(Clone, Debug)]
pub struct Client {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    session: Arc<Session>,
    target: Target,
}

impl Client {
    /// Builds the client; fails on a malformed endpoint or CA certificate.
    pub fn new(config: ClientConfig) -> Result<Client, ApiError> {
        let target = Target::parse(&config.endpoint, "endpoint URL")?;
        let session = Arc::new(Session::new(config)?);
        Ok(Client {
            inner: Arc::new(Inner { session, target }),
        })
    }

    /// The session (transport, credentials, token) this client calls with, to share with
    /// another service's client.
    pub fn session(&self) -> Arc<Session> {
        self.inner.session.clone()
    }

    /// The proxy calls to the endpoint go through, if any (masked for display).
    pub fn proxy(&self) -> Option<String> {
        self.inner
            .session
            .transport
            .proxy_for(&self.inner.target.base)
            .map(ToString::to_string)
    }

    /// The endpoint this client talks to.
    pub fn endpoint(&self) -> &str {
        &self.inner.session.config.endpoint
    }

    /// The project whose sharings are listed.
    pub fn project_id(&self) -> &str {
        self.inner.session.project_id()
    }

    /// How many requests a walk over many pages may have in flight.
    pub fn concurrency(&self) -> u32 {
        self.inner.session.config.concurrency
    }

    /// The first delay before a request is retried.
    pub fn retry_base(&self) -> Duration {
        self.inner.session.config.retry_base
    }

    /// The `host[:port]` of the endpoint.
    pub fn host(&self) -> &str {
        &self.inner.target.host
    }

    /// Lists one page of sharings.
    pub async fn list(&self, q: &ListQuery) -> Result<Vec<Sharing>, ApiError> {
        Ok(self.list_with_body(q).await?.0)
    }

    /// Lists one page, also returning the body exactly as received.
    pub async fn list_with_body(&self, q: &ListQuery) -> Result<(Vec<Sharing>, String), ApiError> {
        let a = self.list_unparsed(q).await?;
        let list = self.parse_list(&a)?;
        Ok((list, a.body))
    }

    /// Lists one page without parsing it yet: a walk holds pages fetched ahead this way,
    /// at the size of their text, and parses each when its turn comes ([`Self::parse_list`]).
    pub async fn list_unparsed(&self, q: &ListQuery) -> Result<ListAnswer, ApiError> {
        let a = self
            .call(Method::GET, "/detail", &q.canonical_query(), None)
            .await?;
        Ok(ListAnswer {
            status: a.status,
            body: a.body,
        })
    }

    /// The sharings of a list answer.
    pub fn parse_list(&self, a: &ListAnswer) -> Result<Vec<Sharing>, ApiError> {
        model::parse_list(&a.body).map_err(|source| self.body_error(a.status, source))
    }

    /// Counts the sharings matching `f`.
    pub async fn count(&self, f: &Filters) -> Result<u64, ApiError> {
        let a = self
            .call(Method::GET, "/count", &f.canonical_query(), None)
            .await?;
        model::parse_count(&a.body).map_err(|source| self.body_error(a.status, source))
    }

    /// Gets one sharing by ID.
    pub async fn get(&self, sharing_id: &str) -> Result<Sharing, ApiError> {
        Ok(self.get_with_body(sharing_id).await?.0)
    }

    /// Gets one sharing, also returning the body exactly as received.
    pub async fn get_with_body(&self, sharing_id: &str) -> Result<(Sharing, String), ApiError> {
        let suffix = format!("/{}", percent_encode(sharing_id));
        let a = self.call(Method::GET, &suffix, "", None).await?;
        let one = model::parse_one(&a.body).map_err(|source| self.body_error(a.status, source))?;
        Ok((one, a.body))
    }

    /// Shares `backup_id` with each of `to`; answers the sharings created.
    pub async fn share(&self, backup_id: &str, to: &[String]) -> Result<Vec<Sharing>, ApiError> {
        let req = ShareRequest {
            shared: ShareTargets {
                backup_id: backup_id.to_owned(),
                to_project_ids: to.to_vec(),
            },
        };
        let body = serde_json::to_vec(&req).unwrap_or_default();
        let a = self
            .call(Method::POST, "", "", Some(body))
            .await
            .map_err(|e| e.in_call(Call::Share))?;
        model::parse_list(&a.body).map_err(|source| self.body_error(a.status, source))
    }

    /// Cancels one sharing (`is_backup_id = false`) or every sharing of a backup.
    pub async fn cancel(&self, id: &str, is_backup_id: bool) -> Result<(), ApiError> {
        let suffix = format!("/{}", percent_encode(id));
        let query = format!("is_backup_id={is_backup_id}");
        self.call(Method::DELETE, &suffix, &query, None)
            .await
            .map(|_| ())
            .map_err(|e| e.in_call(Call::Cancel))
    }

    fn body_error(&self, status: u16, reason: model::BodyError) -> ApiError {
        ApiError::Body {
            host: self.inner.target.host.clone(),
            status,
            reason,
        }
    }

    /// Sends one VBS call under `/v2/{project_id}/os-vendor-backup-sharing`.
    async fn call(
        &self,
        method: Method,
        suffix: &str,
        query: &str,
        body: Option<Vec<u8>>,
    ) -> Result<Answer, ApiError> {
        if let Some(why) = &self.inner.session.config.not_offered {
            return Err(ApiError::NotOffered(format!(
                "{why}; pass --endpoint to use a VBS endpoint anyway"
            )));
        }
        let path = format!(
            "/v2/{}/os-vendor-backup-sharing{suffix}",
            percent_encode(self.project_id())
        );
        self.inner
            .session
            .call(&self.inner.target, method, &path, query, body, "vbs call")
            .await
    }
}
