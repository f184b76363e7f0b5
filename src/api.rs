//! The VBS backup-sharing API: model, queries, signing, auth, errors, and the client.
//!
//! Imports flow one way: `tui`, `output` and `server` use this module; it uses neither.

pub mod auth;
pub mod cbr;
mod client;
pub mod error;
pub mod iam;
pub mod ids;
pub mod model;
pub mod query;
pub mod region;
pub mod request_log;
pub mod service;
pub mod session;
pub mod sign;
pub mod time;
pub mod transport;

pub use auth::{Auth, PasswordAuth, Secret};
pub use client::{Client, ClientConfig, DEFAULT_MAX_BODY, ListAnswer};
pub use error::ApiError;
pub use model::{Backup, Sharing};
pub use query::{CountQuery, Filters, ListQuery, SortDir, SortKey};
pub use transport::{NoProxy, Proxies, ProxyUrl, Trust};
