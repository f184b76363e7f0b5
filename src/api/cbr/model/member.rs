//! Share members: who a backup is shared with, and what they decided.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::read::Fields;
use super::{Record, Timestamp, Unparsed};

/// Where a sharing stands for its recipient.
///
/// Read from either spelling (`accepted`/`accept`, `rejected`/`reject`, any case); sent
/// only in the `-ed` form ([`MemberStatus::as_query`]).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub enum MemberStatus {
    /// Shared, awaiting the recipient's decision.
    Pending,
    /// The recipient took it into one of its vaults.
    Accepted,
    /// The recipient declined it.
    Rejected,
    /// Any other text, exactly as sent.
    Unknown(String),
}

impl MemberStatus {
    /// The three statuses a member can have, in the order they happen.
    pub const KNOWN: [MemberStatus; 3] = [
        MemberStatus::Pending,
        MemberStatus::Accepted,
        MemberStatus::Rejected,
    ];

    /// Reads a status in either spelling; never fails.
    pub fn parse(text: &str) -> MemberStatus {
        let t = text.trim();
        if t.eq_ignore_ascii_case("pending") {
            MemberStatus::Pending
        } else if t.eq_ignore_ascii_case("accepted") || t.eq_ignore_ascii_case("accept") {
            MemberStatus::Accepted
        } else if t.eq_ignore_ascii_case("rejected") || t.eq_ignore_ascii_case("reject") {
            MemberStatus::Rejected
        } else {
            MemberStatus::Unknown(text.to_owned())
        }
    }

    /// The value for `member_status=` and for an UpdateMemberStatus body: always the
    /// current `-ed` spelling; `None` for an unknown status, which is never sent.
    pub fn as_query(&self) -> Option<&'static str> {
        match self {
            MemberStatus::Pending => Some("pending"),
            MemberStatus::Accepted => Some("accepted"),
            MemberStatus::Rejected => Some("rejected"),
            MemberStatus::Unknown(_) => None,
        }
    }

    /// The status as shown: the canonical spelling, or an unknown one as sent.
    pub fn as_str(&self) -> &str {
        match self {
            MemberStatus::Unknown(s) => s,
            known => known.as_query().unwrap_or_default(),
        }
    }
}

impl fmt::Display for MemberStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for MemberStatus {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for MemberStatus {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Ok(MemberStatus::parse(&text))
    }
}

/// One share member: a backup of this (owner) project shared with `dest_project_id`.
///
/// In every `/members/{member_id}` path the member ID is `dest_project_id`, never `id`.
#[derive(Clone, Debug, Default, PartialEq, Serialize)]
pub struct Member {
    /// The share record's UUID; no path uses it (paging `marker` aside).
    pub id: Option<String>,
    pub status: Option<MemberStatus>,
    /// The owner's backup.
    pub backup_id: Option<String>,
    /// The recipient project: the `member_id` in paths.
    pub dest_project_id: Option<String>,
    /// The recipient's vault, set on accept.
    pub vault_id: Option<String>,
    /// An image the recipient registered from the accepted backup.
    pub image_id: Option<String>,
    pub created_at: Option<Timestamp>,
    /// `null` until the status changes.
    pub updated_at: Option<Timestamp>,
    /// The object exactly as the server sent it (empty when built locally).
    #[serde(skip)]
    pub raw: Box<str>,
    /// The fields sent that could not be read (each is `None` above).
    #[serde(skip)]
    pub unparsed: Vec<Unparsed>,
}

impl Member {
    /// Reads one member object and keeps its text; fails only when it is not an object.
    pub fn from_raw(raw: &serde_json::value::RawValue) -> Result<Self, super::BodyError> {
        super::from_raw(raw)
    }

    /// The member as JSON: the server's exact text when there is one.
    pub fn to_json(&self) -> String {
        super::to_json(self, &self.raw)
    }

    /// What was sent for `field` when it could not be read.
    pub fn unparsed(&self, field: &str) -> Option<&Unparsed> {
        self.unparsed.iter().find(|u| u.field == field)
    }
}

impl Record for Member {
    const KIND: &'static str = "member";

    fn from_object(text: &str) -> Self {
        let mut unparsed = Vec::new();
        let mut m = Member {
            raw: text.into(),
            ..Member::default()
        };
        if let Some(mut f) = Fields::of(text, None, &mut unparsed) {
            m.id = f.text("id");
            m.status = f.status("status");
            m.backup_id = f.text("backup_id");
            m.dest_project_id = f.text("dest_project_id");
            m.vault_id = f.text("vault_id");
            m.image_id = f.text("image_id");
            m.created_at = f.time("created_at");
            m.updated_at = f.time("updated_at");
        }
        m.unparsed = unparsed;
        m
    }

    fn unparsed(&self) -> &[Unparsed] {
        &self.unparsed
    }
}

/// The AddMember body: `{"members": ["<project id>", …]}` (1 to 10 recipient projects).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddMembersRequest {
    pub members: Vec<String>,
}

/// The UpdateMemberStatus body: `{"status": "accepted", "vault_id": "…"}`; a reject
/// carries no vault.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateMemberRequest {
    pub status: MemberStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub vault_id: Option<String>,
}

impl UpdateMemberRequest {
    /// Accept into `vault_id`.
    pub fn accept(vault_id: impl Into<String>) -> Self {
        Self {
            status: MemberStatus::Accepted,
            vault_id: Some(vault_id.into()),
        }
    }

    /// Reject (no vault).
    pub fn reject() -> Self {
        Self {
            status: MemberStatus::Rejected,
            vault_id: None,
        }
    }
}
