//! Advice for CBR's errors: one sentence on what to do, from the status, the
//! `BackupService.NNNN` code and the call that was answered.
//!
//! Bodies are read by [`parse_error_body`] (the flat `{"error_code","error_msg"}` shape, the
//! gateway's and IAM's, and the nested `{"unauthorized":{"code","message"}}` one); this
//! module only interprets them. Sentences follow the VBS hints' form: lower case, no final
//! full stop, meant to follow the server's own code and message after `; `.

use super::model::{Backup, Fit, ObjectType, Vault, size_text};
use crate::api::error::{ErrorBody, StatusError, parse_error_body};

/// A CBR call, for advice that depends on who may make it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CbrCall {
    /// POST `/backups/{id}/members` (owner).
    AddMember,
    /// GET `/backups/{id}/members` (owner).
    ListMembers,
    /// GET `/backups/{id}/members/{project}` (owner).
    ShowMember,
    /// PUT `/backups/{id}/members/{own project}` (recipient: accept or reject).
    UpdateMemberStatus,
    /// DELETE `/backups/{id}/members/{project}` (owner).
    DeleteMember,
    ListBackups,
    ShowBackup,
    ListVaults,
    ShowVault,
}

impl CbrCall {
    /// The IAM action the call needs (`cbr:member:create`, …).
    pub fn iam_action(self) -> &'static str {
        match self {
            CbrCall::AddMember => "cbr:member:create",
            CbrCall::ListMembers => "cbr:member:list",
            CbrCall::ShowMember => "cbr:member:get",
            CbrCall::UpdateMemberStatus => "cbr:member:update",
            CbrCall::DeleteMember => "cbr:member:delete",
            CbrCall::ListBackups => "cbr:backups:list",
            CbrCall::ShowBackup => "cbr:backups:get",
            CbrCall::ListVaults => "cbr:vaults:list",
            CbrCall::ShowVault => "cbr:vaults:get",
        }
    }

    /// Whether only the project that owns the backup may make the call.
    pub fn is_owner_only(self) -> bool {
        matches!(
            self,
            CbrCall::AddMember | CbrCall::ListMembers | CbrCall::ShowMember | CbrCall::DeleteMember
        )
    }
}

/// What the caller knows that makes advice concrete; every part optional.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AdviceContext {
    /// Free space of the vault that was to accept the backup, in MB.
    pub vault_free_mb: Option<u64>,
    /// The backup's `resource_size`, in GB.
    pub backup_size_gb: Option<u64>,
    /// The vault's object type.
    pub vault_type: Option<ObjectType>,
    /// The vault type the backup needs (from its resource type).
    pub backup_type: Option<ObjectType>,
}

impl AdviceContext {
    /// Everything known about accepting `backup` into `vault`.
    pub fn accepting(vault: &Vault, backup: &Backup) -> Self {
        Self {
            vault_free_mb: vault.free_mb(),
            backup_size_gb: backup.resource_size,
            vault_type: vault.object_type(),
            backup_type: backup.object_type(),
        }
    }
}

/// Whether an answer is CBR's 401 `{"unauthorized":{"code":"401","message":"Malformed
/// request url"}}`, which CBR sends for a backup that was deleted or is no longer shared.
///
/// It means **not found or no longer shared, never a token renewal**: the credentials are
/// fine, so a client must not re-authenticate and retry, but report the backup as gone.
pub fn is_not_found_quirk(status: u16, body: &str) -> bool {
    is_not_found_quirk_parsed(status, &parse_error_body(body))
}

/// [`is_not_found_quirk`] for a body already read by [`parse_error_body`].
pub fn is_not_found_quirk_parsed(status: u16, body: &ErrorBody) -> bool {
    status == 401
        && body.code.as_deref().is_none_or(|c| c.trim() == "401")
        && body
            .message
            .as_deref()
            .is_some_and(|m| m.trim().eq_ignore_ascii_case("malformed request url"))
}

/// [`advice`] for an error the client returned.
pub fn advice_for(error: &StatusError, call: CbrCall, ctx: &AdviceContext) -> String {
    advice(error.status, &error.body, call, ctx)
}

/// One sentence on what to do about a CBR error answer to `call`.
pub fn advice(status: u16, body: &ErrorBody, call: CbrCall, ctx: &AdviceContext) -> String {
    if is_not_found_quirk_parsed(status, body) {
        return gone(call).to_owned();
    }
    let code = body.code.as_deref().unwrap_or("").trim();
    let number = code
        .get(..14)
        .filter(|p| p.eq_ignore_ascii_case("BackupService."))
        .map(|_| &code[14..]);
    if let Some(sentence) = number.and_then(|n| backup_service(n, call, ctx)) {
        return sentence;
    }
    by_status(status, code, call)
}

/// The advice for the 401 "Malformed request url" answer.
fn gone(call: CbrCall) -> &'static str {
    match call {
        CbrCall::UpdateMemberStatus | CbrCall::ShowBackup | CbrCall::ListBackups => {
            "the backup was deleted or is no longer shared with this project (CBR answers 401 \
             for that; the credentials are fine): refresh the list of shared backups"
        }
        CbrCall::ShowVault | CbrCall::ListVaults => {
            "the vault was not found (CBR answers 401 for that; the credentials are fine): check \
             the vault ID and refresh the list of vaults"
        }
        _ => {
            "the backup was deleted or is no longer shared (CBR answers 401 for that; the \
             credentials are fine): refresh the list of backups"
        }
    }
}

/// The advice for `BackupService.{number}`, or `None` for a code not covered here.
fn backup_service(number: &str, call: CbrCall, ctx: &AdviceContext) -> Option<String> {
    use CbrCall as C;
    let text: &str = match (number, call) {
        ("6700", _) => {
            let kind = match &ctx.backup_type {
                Some(ObjectType::Other(t)) => format!(" (this one is of {t})"),
                _ => String::new(),
            };
            return Some(format!(
                "only backups of cloud servers and disks can be shared{kind}: share a server \
                 or disk backup instead"
            ));
        }
        ("6701", _) => {
            "a backup can be shared with at most 10 projects: remove a member it no longer \
             needs before adding another"
        }
        ("6702", _) => {
            "only available backups can be shared: wait until the backup's status is \
             available (it may still be being created), then retry"
        }
        ("6703", _) => {
            "the backup is already shared with that project: leave that project out (list \
             the backup's members to see where it stands)"
        }
        ("6704", _) => {
            "that project cannot receive the backup: give the recipient's project ID (32 hex \
             characters, in the same region; not an account ID and not this project)"
        }
        ("6705", C::UpdateMemberStatus) => {
            "the backup is not (or no longer) shared with this project: only the recipient \
             accepts or rejects, with its own project ID as the member; refresh the list of \
             shared backups"
        }
        ("6705", C::DeleteMember) => {
            "that project is not a member of this backup (it may have been removed already): \
             list the backup's members and check the project ID"
        }
        ("6705", _) => {
            "that project is not a member of this backup: check the project ID (the member ID \
             is the recipient's project ID, not the member record's ID)"
        }
        ("6706", _) => {
            "the new status was refused: send accepted with a vault ID, or rejected; if this \
             project rejected the backup before, ask the owner to remove and re-add it"
        }
        ("6707", c) if c.is_owner_only() && c != C::AddMember => {
            "sharing is refused for this backup and project: only the project that owns a \
             backup can list or remove its members; a recipient finds its shares among the \
             backups shared with it"
        }
        ("6707", _) => {
            "the service does not allow sharing this backup: check that it is an ordinary \
             (not replicated) server or disk backup in this region, or contact support with \
             the request ID"
        }
        ("6708", _) => {
            "the member's status could not be changed: refresh and retry; if the sharing was \
             removed meanwhile, ask the owner to share the backup again"
        }
        ("6709", _) => {
            "backups of servers with encrypted disks cannot be shared here: share an \
             unencrypted backup, or where the cloud allows it, grant the recipient project \
             use of the KMS key first"
        }
        ("6710", C::DeleteMember) => {
            "the recipient registered an image from this shared backup: ask the recipient to \
             delete that image, then remove the member"
        }
        ("6710", _) => {
            "an image was registered from this shared backup: delete that image in the \
             recipient project first, then retry"
        }
        ("6711", _) => {
            "the shared backup could not be deleted: remove its members (and any image \
             registered from it) first, then retry"
        }
        ("6712", C::AddMember) => {
            "the vault holding the backup is not available (frozen, locked or being \
             deleted): renew or unlock it, then share again"
        }
        ("6712", _) => {
            "the vault is not available (frozen, locked or being deleted): pick an available \
             vault, or renew or unlock this one"
        }
        ("6713", _) => {
            if let (Some(vault), Some(backup)) = (&ctx.vault_type, &ctx.backup_type) {
                return Some(
                    Fit::WrongType {
                        vault: vault.clone(),
                        backup: backup.clone(),
                    }
                    .reason(),
                );
            }
            "the vault's type does not match the backup's: pick a server vault for a server \
             backup and a disk vault for a disk backup"
        }
        ("6714", _) => {
            "the backup cannot be shared with the same project again: remove the old member \
             first, then add the project again"
        }
        ("6114" | "6129", _) => return Some(too_small(ctx)),
        ("9900", C::UpdateMemberStatus) => {
            "a parameter was refused: to accept, give the ID of one of this project's vaults \
             (a UUID); the status must be accepted or rejected"
        }
        ("9900", C::AddMember) => {
            "a parameter was refused: give 1 to 10 recipient project IDs (32 hex characters \
             each) and a valid backup ID"
        }
        ("9900", C::ListMembers | C::ListBackups | C::ListVaults) => {
            "a filter was refused: check the values given (IDs are UUIDs, the limit is 1 to \
             1000)"
        }
        ("9900", _) => {
            "a parameter was refused: check the IDs given (backup and vault IDs are UUIDs, \
             project IDs 32 hex characters)"
        }
        ("6200", c) if c.is_owner_only() => {
            "the backup is not one of this project's: only the project that owns a backup can \
             add, list or remove its members; check the backup ID and use the owner's project"
        }
        ("6200", C::UpdateMemberStatus) => {
            "the backup does not exist or is no longer shared with this project: refresh the \
             list of shared backups"
        }
        ("6200", _) => {
            "the backup does not exist or is not shared with this project: check the backup ID \
             and the region"
        }
        ("6105", _) => {
            "the vault does not exist in this project: check the vault ID (a backup is \
             accepted into one of this project's own vaults)"
        }
        ("8600", _) => {
            return Some(format!(
                "the credentials are not allowed this call: ask an administrator for the IAM \
                 permission {} in this project",
                call.iam_action()
            ));
        }
        ("9998", _) => {
            "the service could not check the credentials: retry; if it persists, get a new \
             token or check the AK/SK"
        }
        ("9910", _) => {
            "the service failed with an unknown error: retry later, and report the request ID \
             if it persists"
        }
        _ => return None,
    };
    Some(text.to_owned())
}

/// The advice for a full vault, as concrete as the context allows.
fn too_small(ctx: &AdviceContext) -> String {
    match (ctx.vault_free_mb, ctx.backup_size_gb) {
        (Some(free_mb), Some(gb)) => Fit::TooSmall {
            free_mb,
            needed_mb: gb.saturating_mul(1024),
        }
        .reason(),
        (None, Some(gb)) => format!(
            "the vault has not enough free space for the backup, which needs {}: expand the \
             vault or pick one with more free space",
            size_text(gb.saturating_mul(1024))
        ),
        (Some(free_mb), None) => format!(
            "the vault has {} free, not enough for the backup: expand the vault or pick one \
             with more free space",
            size_text(free_mb)
        ),
        (None, None) => "the vault has not enough free space for the backup: expand the vault \
                         or pick one with more free space"
            .to_owned(),
    }
}

/// The advice when the code says nothing more specific.
fn by_status(status: u16, code: &str, call: CbrCall) -> String {
    let action = call.iam_action();
    let text = match status {
        400 => "the request was refused: check the IDs and values given",
        401 if code.eq_ignore_ascii_case("APIGW.0301") => {
            "check the credentials: a token may have expired or belong to another project; for \
             AK/SK, check both keys and that this machine's clock is within 15 minutes of real \
             time"
        }
        401 => {
            "check the credentials (token, AK/SK or password) and, for AK/SK, this machine's \
             clock"
        }
        403 if call.is_owner_only() => {
            return format!(
                "only the project that owns the backup can add, list or remove its members, \
                 and the credentials need the IAM permission {action}: use the owner's project \
                 or ask an administrator for it"
            );
        }
        403 if call == CbrCall::UpdateMemberStatus => {
            return format!(
                "only the recipient project can accept or reject a shared backup, and the \
                 credentials need the IAM permission {action}: use the recipient's project or \
                 ask an administrator for it"
            );
        }
        403 => {
            return format!(
                "the credentials lack the IAM permission {action} in this project: ask an \
                 administrator for it"
            );
        }
        404 if code.eq_ignore_ascii_case("APIGW.0101") => {
            "the endpoint does not offer this CBR call: check the CBR endpoint and the region"
        }
        404 => match call {
            CbrCall::ShowVault | CbrCall::ListVaults => {
                "not found: check the vault ID and the project"
            }
            CbrCall::ShowMember | CbrCall::DeleteMember | CbrCall::UpdateMemberStatus => {
                "not found: check the backup ID and the member's project ID"
            }
            _ => "not found: check the backup ID and the project",
        },
        409 => "the request conflicts with the backup's current state: refresh and retry",
        429 => "too many requests: wait a moment and retry",
        500 | 502 | 504 => "the service failed: retry later",
        503 => "the service is unavailable: retry later",
        _ => "see the server's message, and check the values given",
    };
    text.to_owned()
}

#[cfg(test)]
mod tests;
