//! CBR's refusals: `{"error_code": "BackupService.NNNN", "error_msg": …}`, and the 401
//! "Malformed request url" answer for a deleted backup.

use axum::http::StatusCode;
use axum::response::Response;
use serde_json::json;

use crate::server::reply;

/// The body CBR sends for a backup that no longer exists.
pub const GONE_BODY: &str = r#"{"unauthorized":{"code":"401","message":"Malformed request url"}}"#;

/// A refusal of a CBR call.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum CbrError {
    /// A `BackupService.*` error.
    Api {
        status: StatusCode,
        code: &'static str,
        message: String,
    },
    /// The backup was deleted: 401 with [`GONE_BODY`].
    Gone,
}

impl CbrError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        CbrError::Api {
            status,
            code,
            message: message.into(),
        }
    }

    fn bad(code: &'static str, message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// 400 `9900`: a query value, a body or a path ID is not what the API takes.
    pub fn param(message: impl Into<String>) -> Self {
        Self::bad("BackupService.9900", message)
    }

    /// 404 `6200`: no such backup visible to the project.
    pub fn backup_not_found(id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "BackupService.6200",
            format!("The backup does not exist: {id}."),
        )
    }

    /// 404 `6105`: no such vault in the project.
    pub fn vault_not_found(id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "BackupService.6105",
            format!("The vault does not exist: {id}."),
        )
    }

    /// 404 `6705`: the backup is not shared with that project.
    pub fn member_not_found(backup: &str, member: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "BackupService.6705",
            format!(
                "The share member does not exist: backup {backup} is not shared with project {member}."
            ),
        )
    }

    /// 400 `6707`: only the owning project adds, lists, shows others' and deletes members.
    pub fn owner_only(backup: &str, owner: &str) -> Self {
        Self::bad(
            "BackupService.6707",
            format!(
                "Backup sharing is not allowed: only the project that owns backup {backup} \
                 ({owner}) can add, list or delete its share members."
            ),
        )
    }

    /// 400 `6708`: only the recipient (member ID = its own project) accepts or rejects.
    pub fn recipient_only(member: &str) -> Self {
        Self::bad(
            "BackupService.6708",
            format!(
                "Failed to update the status of a share member: only project {member} itself \
                 can accept or reject (call PUT with its own project ID in the path)."
            ),
        )
    }

    /// 400 `6708`: a status change the member cannot make.
    pub fn transition(message: impl Into<String>) -> Self {
        Self::bad(
            "BackupService.6708",
            format!(
                "Failed to update the status of a share member: {}",
                message.into()
            ),
        )
    }

    /// 400 `6706`: a `status` that is not `accepted`, `rejected` or `pending`.
    pub fn bad_status(value: &str) -> Self {
        Self::bad(
            "BackupService.6706",
            format!(
                "Invalid update parameter value for the share member: status {value:?} \
                 (expected accepted, rejected or pending)."
            ),
        )
    }

    /// 400 `6701`: more than 10 members in all.
    pub fn too_many(backup: &str, have: usize, adding: usize) -> Self {
        Self::bad(
            "BackupService.6701",
            format!(
                "The maximum number of backups that can be shared has been reached: backup \
                 {backup} has {have} of at most {} members and cannot take {adding} more.",
                super::MAX_MEMBERS
            ),
        )
    }

    /// 400 `6702`: the backup is not `available`.
    pub fn unavailable(backup: &str, status: &str) -> Self {
        Self::bad(
            "BackupService.6702",
            format!(
                "Only backups in the Available status can be shared: backup {backup} is {status}."
            ),
        )
    }

    /// 400 `6703`: the project is already a member.
    pub fn already_member(backup: &str, member: &str) -> Self {
        Self::bad(
            "BackupService.6703",
            format!(
                "The backup has been shared: backup {backup} is already shared with project {member}."
            ),
        )
    }

    /// 400 `6704`: the project ID is malformed or the caller's own.
    pub fn bad_member(message: impl Into<String>) -> Self {
        Self::bad(
            "BackupService.6704",
            format!(
                "Invalid project ID of the tenant for sharing: {}",
                message.into()
            ),
        )
    }

    /// 400 `6709`: the backup is encrypted.
    pub fn encrypted(backup: &str) -> Self {
        Self::bad(
            "BackupService.6709",
            format!(
                "Backup sharing is not allowed for cloud servers using encrypted disks: backup {backup} is encrypted."
            ),
        )
    }

    /// 400 `6710`: the recipient registered an image from the shared backup.
    pub fn image_registered(backup: &str, image: &str) -> Self {
        Self::bad(
            "BackupService.6710",
            format!(
                "The shared backup has been used to register an image: backup {backup}, image {image}."
            ),
        )
    }

    /// 400 `6712`: the vault is not `available`.
    pub fn vault_status(vault: &str, status: &str) -> Self {
        Self::bad(
            "BackupService.6712",
            format!(
                "Backup sharing is not allowed in the current vault status: vault {vault} is {status}."
            ),
        )
    }

    /// 400 `6713`: the vault cannot hold this kind of backup.
    pub fn vault_type(message: impl Into<String>) -> Self {
        Self::bad(
            "BackupService.6713",
            format!(
                "The type of the vault accepting the shared backup and the backup resource type \
                 are different: {}",
                message.into()
            ),
        )
    }

    /// 400 `6114`: the vault has too little space left.
    pub fn vault_full(vault: &str, free_mb: u64, need_mb: u64) -> Self {
        Self::bad(
            "BackupService.6114",
            format!(
                "Used capacity exceeds maximum: vault {vault} has {free_mb} MB free and the \
                 backup needs {need_mb} MB."
            ),
        )
    }

    /// The error code (`BackupService.…`, or `401` for [`CbrError::Gone`]).
    #[cfg(test)]
    pub fn code(&self) -> &'static str {
        match self {
            CbrError::Api { code, .. } => code,
            CbrError::Gone => "401",
        }
    }

    /// The full response.
    pub fn response(&self) -> Response {
        match self {
            CbrError::Api {
                status,
                code,
                message,
            } => reply::json(
                *status,
                json!({"error_code": code, "error_msg": message}).to_string(),
            ),
            CbrError::Gone => reply::json(StatusCode::UNAUTHORIZED, GONE_BODY),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shapes() {
        let e = CbrError::already_member("b", "p");
        assert_eq!(e.code(), "BackupService.6703");
        assert_eq!(e.response().status(), StatusCode::BAD_REQUEST);
        assert_eq!(CbrError::Gone.response().status(), StatusCode::UNAUTHORIZED);
        let v: serde_json::Value = serde_json::from_str(GONE_BODY).unwrap();
        assert_eq!(v["unauthorized"]["message"], "Malformed request url");
    }
}
