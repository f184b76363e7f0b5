//! Whole lists read page by page: every backup matching a query, every vault. The CLI's
//! local filters and the browser's tabs both need the whole list, since CBR filters
//! neither by substring nor by the sharing project.

use super::client::{BackupQuery, CbrClient, OwnType};
use super::model::{Backup, MemberStatus, Vault};
use crate::api::ApiError;

/// Records asked for per page when reading a whole list.
pub const LIST_PAGE: u32 = 1000;

/// Every backup matching `base` (its `limit` and `offset` are this function's own), in
/// the order the service lists them. Stops at the count the service gives, else at an
/// empty page.
pub async fn all_backups(client: &CbrClient, base: &BackupQuery) -> Result<Vec<Backup>, ApiError> {
    let mut out = Vec::new();
    let mut offset = 0u64;
    loop {
        let q = BackupQuery {
            limit: Some(LIST_PAGE),
            offset: Some(offset),
            ..base.clone()
        };
        let page = client.list_backups(&q).await?.page;
        let got = page.items.len() as u64;
        offset += got;
        out.extend(page.items);
        if got == 0 || page.count.is_some_and(|c| offset >= c) {
            return Ok(out);
        }
    }
}

/// Every backup shared with this project in `status`.
pub async fn all_shared(client: &CbrClient, status: MemberStatus) -> Result<Vec<Backup>, ApiError> {
    let q = BackupQuery {
        own_type: Some(OwnType::Shared),
        member_status: Some(status),
        ..BackupQuery::default()
    };
    all_backups(client, &q).await
}

/// Every vault of this project.
pub async fn all_vaults(client: &CbrClient) -> Result<Vec<Vault>, ApiError> {
    let mut vaults = Vec::new();
    loop {
        let page = client
            .list_vaults(Some(LIST_PAGE), Some(vaults.len() as u64))
            .await?
            .page;
        let got = page.items.len();
        vaults.extend(page.items);
        if got == 0 || page.count.is_some_and(|c| vaults.len() as u64 >= c) {
            return Ok(vaults);
        }
    }
}
