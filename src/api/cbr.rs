//! Cloud Backup and Recovery (CBR) backup sharing: the model of share members, backups
//! and vaults, and advice for CBR's errors.
//!
//! CBR shares a backup with other projects as *members*; a recipient accepts a shared
//! backup into one of its vaults or rejects it. The member ID in every
//! `/members/{member_id}` path is the recipient's project ID, never the member's `id`.
//!
//! This module shares the transport, signing, auth, error-body parsing and time parsing of
//! [`crate::api`]; only what differs from VBS lives here.

pub mod client;
pub mod errors;
pub mod filter;
pub mod lists;
pub mod model;
pub mod walk;

pub use client::{BackupQuery, CbrClient, Listed, OwnType};
pub use errors::{
    AdviceContext, CbrCall, advice, advice_for, is_not_found_quirk, is_not_found_quirk_parsed,
};
pub use filter::{backup_matches, shared_matches};
pub use model::{
    Backup, Fit, Member, MemberStatus, ObjectType, Page, Vault, parse_backup, parse_backups,
    parse_member, parse_members, parse_vault, parse_vaults, pick_vault,
};
pub use walk::{MemberRow, WalkEvent, WalkSummary, walk_owner, walk_owner_skipping};
