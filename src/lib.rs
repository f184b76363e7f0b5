//! vbshare: a keyboard-driven terminal browser and CLI for Volume Backup Service (VBS)
//! backup sharings on Huawei Cloud and Open Telekom Cloud.
//!
//! - [`api`]: the typed client (model, canonical queries, `SDK-HMAC-SHA256`, auth, errors);
//! - [`server`]: an embedded VBS-compatible server for `--demo`, `serve` and tests;
//! - [`tui`]: the full-screen browser;
//! - [`config`], [`cli`], [`output`]: settings resolution, the command line, and renderers;
//! - [`schema`]: each kind of row declared once (columns, detail, CSV), read by every renderer.

pub mod api;
pub mod cli;
pub mod commands;
pub mod config;
pub mod export;
pub mod output;
pub mod schema;
pub mod server;
pub mod text;
pub mod tui;
