//! The CBR client: the nine calls a sharing client needs, under `/v3/{project_id}/…`,
//! over the [`Session`] it shares with the VBS client (one transport, one IAM token).
//!
//! Every answer outside 2xx becomes an [`ApiError::Status`] carrying CBR's advice for that
//! code and call; the 401 "Malformed request url" quirk reads as "not found or no longer
//! shared" and is never taken for an expired token.

use std::sync::Arc;

use reqwest::Method;

use super::errors::{AdviceContext, CbrCall, advice_for};
use super::model::{
    self, AddMembersRequest, Backup, Member, MemberStatus, Page, UpdateMemberRequest, Vault,
};
use crate::api::ApiError;
use crate::api::model::BodyError;
use crate::api::query::{canonical_query, percent_encode};
use crate::api::session::{Answer, Session, Target};

/// Which backups ListBackups returns, by who owns them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OwnType {
    /// This project's own backups.
    Private,
    /// Backups shared with this project.
    Shared,
    /// Both.
    All,
}

impl OwnType {
    fn as_str(self) -> &'static str {
        match self {
            OwnType::Private => "private",
            OwnType::Shared => "shared",
            OwnType::All => "all",
        }
    }
}

/// ListBackups' filters that matter for sharing (each sent only when set).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct BackupQuery {
    pub own_type: Option<OwnType>,
    /// With `own_type=shared`: this project's status for the backup.
    pub member_status: Option<MemberStatus>,
    /// Exact backup name (CBR does not match substrings).
    pub name: Option<String>,
    /// Backup statuses; repeated in the query.
    pub statuses: Vec<String>,
    pub vault_id: Option<String>,
    pub resource_type: Option<String>,
    pub resource_az: Option<String>,
    pub resource_id: Option<String>,
    /// `key:dir`, e.g. `created_at:desc`.
    pub sort: Option<String>,
    pub limit: Option<u32>,
    pub offset: Option<u64>,
}

impl BackupQuery {
    /// The query string, canonical (sorted, RFC 3986), as sent and signed.
    pub fn canonical_query(&self) -> String {
        let mut p: Vec<(&str, String)> = Vec::new();
        let mut opt = |k: &'static str, v: &Option<String>| {
            if let Some(v) = v.as_ref().filter(|v| !v.is_empty()) {
                p.push((k, v.clone()));
            }
        };
        opt("name", &self.name);
        opt("vault_id", &self.vault_id);
        opt("resource_type", &self.resource_type);
        opt("resource_az", &self.resource_az);
        opt("resource_id", &self.resource_id);
        opt("sort", &self.sort);
        if let Some(o) = self.own_type {
            p.push(("own_type", o.as_str().to_owned()));
        }
        if let Some(q) = self.member_status.as_ref().and_then(MemberStatus::as_query) {
            p.push(("member_status", q.to_owned()));
        }
        for s in &self.statuses {
            p.push(("status", s.clone()));
        }
        if let Some(l) = self.limit {
            p.push(("limit", l.to_string()));
        }
        if let Some(o) = self.offset {
            p.push(("offset", o.to_string()));
        }
        canonical_query(&p)
    }
}

/// `limit` and `offset` as a canonical query, each only when set.
fn page_query(limit: Option<u32>, offset: Option<u64>) -> String {
    let mut p: Vec<(&str, String)> = Vec::new();
    if let Some(l) = limit {
        p.push(("limit", l.to_string()));
    }
    if let Some(o) = offset {
        p.push(("offset", o.to_string()));
    }
    canonical_query(&p)
}

/// A page of a list call: its rows and total, and the body exactly as received.
#[derive(Clone, Debug)]
pub struct Listed<T> {
    pub page: Page<T>,
    pub body: String,
}

/// A CBR share-member client; cheap to clone.
#[derive(Clone, Debug)]
pub struct CbrClient {
    session: Arc<Session>,
    target: Target,
}

impl CbrClient {
    /// A client for the CBR endpoint, sharing `session` (and its token) with other services.
    pub fn new(session: Arc<Session>, endpoint: &str) -> Result<CbrClient, ApiError> {
        let target = Target::parse(endpoint, "CBR endpoint URL")?;
        Ok(CbrClient { session, target })
    }

    /// The `host[:port]` of the endpoint.
    pub fn host(&self) -> &str {
        &self.target.host
    }

    /// The project every call is made for.
    pub fn project_id(&self) -> &str {
        self.session.project_id()
    }

    /// AddMember: shares `backup_id` (this project's) with each project of `members`.
    pub async fn add_members(
        &self,
        backup_id: &str,
        members: &[String],
    ) -> Result<Listed<Member>, ApiError> {
        let body = AddMembersRequest {
            members: members.to_vec(),
        };
        let path = self.members_path(backup_id, None);
        let a = self
            .send(Method::POST, &path, "", Some(&body), CbrCall::AddMember)
            .await?;
        self.listed(a, model::parse_members)
    }

    /// ShowMembersDetail: the members of one of this project's backups.
    pub async fn list_members(
        &self,
        backup_id: &str,
        limit: Option<u32>,
        offset: Option<u64>,
    ) -> Result<Listed<Member>, ApiError> {
        let query = page_query(limit, offset);
        let path = self.members_path(backup_id, None);
        let a = self
            .send(
                Method::GET,
                &path,
                &query,
                None::<&()>,
                CbrCall::ListMembers,
            )
            .await?;
        self.listed(a, model::parse_members)
    }

    /// ShowMemberDetail: one member of one of this project's backups, by its project ID.
    pub async fn show_member(
        &self,
        backup_id: &str,
        member_project: &str,
    ) -> Result<(Member, String), ApiError> {
        let path = self.members_path(backup_id, Some(member_project));
        let a = self
            .send(Method::GET, &path, "", None::<&()>, CbrCall::ShowMember)
            .await?;
        self.one(a, model::parse_member)
    }

    /// UpdateMemberStatus, as the recipient: accept into `vault_id`, or reject.
    pub async fn update_member_status(
        &self,
        backup_id: &str,
        update: &UpdateMemberRequest,
        ctx: &AdviceContext,
    ) -> Result<(Member, String), ApiError> {
        let own = self.project_id().to_owned();
        let path = self.members_path(backup_id, Some(&own));
        let a = self
            .send_with(
                Method::PUT,
                &path,
                "",
                Some(update),
                CbrCall::UpdateMemberStatus,
                ctx,
            )
            .await?;
        self.one(a, model::parse_member)
    }

    /// DeleteMember: stops sharing one of this project's backups with a project.
    pub async fn delete_member(
        &self,
        backup_id: &str,
        member_project: &str,
    ) -> Result<(), ApiError> {
        let path = self.members_path(backup_id, Some(member_project));
        self.send(
            Method::DELETE,
            &path,
            "",
            None::<&()>,
            CbrCall::DeleteMember,
        )
        .await
        .map(|_| ())
    }

    /// ListBackups.
    pub async fn list_backups(&self, q: &BackupQuery) -> Result<Listed<Backup>, ApiError> {
        let path = self.path("backups");
        let a = self
            .send(
                Method::GET,
                &path,
                &q.canonical_query(),
                None::<&()>,
                CbrCall::ListBackups,
            )
            .await?;
        self.listed(a, model::parse_backups)
    }

    /// ShowBackup.
    pub async fn show_backup(&self, backup_id: &str) -> Result<(Backup, String), ApiError> {
        let path = self.path(&format!("backups/{}", percent_encode(backup_id)));
        let a = self
            .send(Method::GET, &path, "", None::<&()>, CbrCall::ShowBackup)
            .await?;
        self.one(a, model::parse_backup)
    }

    /// ListVault: this project's vaults.
    pub async fn list_vaults(
        &self,
        limit: Option<u32>,
        offset: Option<u64>,
    ) -> Result<Listed<Vault>, ApiError> {
        let query = page_query(limit, offset);
        let path = self.path("vaults");
        let a = self
            .send(Method::GET, &path, &query, None::<&()>, CbrCall::ListVaults)
            .await?;
        self.listed(a, model::parse_vaults)
    }

    /// ShowVault.
    pub async fn show_vault(&self, vault_id: &str) -> Result<(Vault, String), ApiError> {
        let path = self.path(&format!("vaults/{}", percent_encode(vault_id)));
        let a = self
            .send(Method::GET, &path, "", None::<&()>, CbrCall::ShowVault)
            .await?;
        self.one(a, model::parse_vault)
    }

    /// `/v3/{project_id}/{tail}`, the project percent-encoded (`tail` already is).
    fn path(&self, tail: &str) -> String {
        format!("/v3/{}/{tail}", percent_encode(self.project_id()))
    }

    fn members_path(&self, backup_id: &str, member: Option<&str>) -> String {
        let mut path = self.path(&format!("backups/{}/members", percent_encode(backup_id)));
        if let Some(m) = member {
            path.push('/');
            path.push_str(&percent_encode(m));
        }
        path
    }

    async fn send<B: serde::Serialize>(
        &self,
        method: Method,
        path: &str,
        query: &str,
        body: Option<&B>,
        call: CbrCall,
    ) -> Result<Answer, ApiError> {
        self.send_with(method, path, query, body, call, &AdviceContext::default())
            .await
    }

    async fn send_with<B: serde::Serialize>(
        &self,
        method: Method,
        path: &str,
        query: &str,
        body: Option<&B>,
        call: CbrCall,
        ctx: &AdviceContext,
    ) -> Result<Answer, ApiError> {
        let body = body.map(|b| serde_json::to_vec(b).unwrap_or_default());
        self.session
            .call(&self.target, method, path, query, body, "cbr call")
            .await
            .map_err(|e| match e {
                ApiError::Status(mut s) => {
                    s.advice = Some(advice_for(&s, call, ctx));
                    ApiError::Status(s)
                }
                other => other,
            })
    }

    fn body_error(&self, status: u16, reason: BodyError) -> ApiError {
        ApiError::Body {
            host: self.target.host.clone(),
            status,
            reason,
        }
    }

    fn listed<T>(
        &self,
        a: Answer,
        parse: fn(&str) -> Result<Page<T>, BodyError>,
    ) -> Result<Listed<T>, ApiError> {
        let page = parse(&a.body).map_err(|e| self.body_error(a.status, e))?;
        Ok(Listed { page, body: a.body })
    }

    fn one<T>(
        &self,
        a: Answer,
        parse: fn(&str) -> Result<T, BodyError>,
    ) -> Result<(T, String), ApiError> {
        let one = parse(&a.body).map_err(|e| self.body_error(a.status, e))?;
        Ok((one, a.body))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_backup_query_is_canonical_and_sends_only_what_is_set() {
        let q = BackupQuery {
            own_type: Some(OwnType::Shared),
            member_status: Some(MemberStatus::Pending),
            statuses: vec!["available".into(), "error".into()],
            name: Some("db nightly".into()),
            limit: Some(100),
            ..BackupQuery::default()
        };
        assert_eq!(
            q.canonical_query(),
            "limit=100&member_status=pending&name=db%20nightly&own_type=shared&status=available&status=error"
        );
        assert_eq!(BackupQuery::default().canonical_query(), "");
    }
}
