//! vbshare: a keyboard-driven terminal browser and CLI for backup sharing on Huawei Cloud
//! and Open Telekom Cloud: CBR share members (Cloud Backup and Recovery) and the legacy
//! Volume Backup Service (VBS) sharings.
//!
//! - [`api`]: the shared transport, signing, auth, errors and time parsing, with one module
//!   per service (the VBS client at its root, [`api::cbr`] beside it);
//! - [`server`]: an embedded server speaking both services for `--demo`, `serve` and tests;
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
