//! Response builders: the VBS, API-gateway and IAM error shapes, JSON bodies, request IDs.

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::json;

/// A fresh request ID: 32 lowercase hex characters, like the gateway's.
pub(crate) fn new_request_id() -> String {
    format!("{:032x}", fastrand::u128(..))
}

/// A response with `status`, a JSON content type and `body`.
pub(crate) fn json(status: StatusCode, body: impl Into<Body>) -> Response {
    let mut resp = Response::new(body.into());
    *resp.status_mut() = status;
    resp.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    resp
}

/// A response with `status` and no body at all.
pub(crate) fn empty(status: StatusCode) -> Response {
    let mut resp = Response::new(Body::empty());
    *resp.status_mut() = status;
    resp
}

/// An error answered by VBS itself: `{"error": {"message": …, "code": "VolumeBackup.…"}}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct VbsError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
}

impl VbsError {
    fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        Self {
            status,
            code,
            message: message.into(),
        }
    }

    /// 400 `VolumeBackup.0001`: a query parameter or header value is invalid.
    pub fn bad_param(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "VolumeBackup.0001", message)
    }

    /// 400 `VolumeBackup.0002`: the request body is not the documented JSON.
    pub fn bad_body(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "VolumeBackup.0002", message)
    }

    /// 400 `VolumeBackup.0003`: a project ID is malformed or not allowed here.
    pub fn bad_project(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "VolumeBackup.0003", message)
    }

    /// 400 `VolumeBackup.0004`: `to_project_ids` is empty or lists more than 10 projects.
    pub fn target_count(message: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "VolumeBackup.0004", message)
    }

    /// 404 `VolumeBackup.0008`: no such sharing visible to the project.
    pub fn sharing_not_found(id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "VolumeBackup.0008",
            format!("Backup sharing {id} could not be found."),
        )
    }

    /// 404 `VolumeBackup.0009`: no such backup owned by (or shared from) the project.
    pub fn backup_not_found(id: &str) -> Self {
        Self::new(
            StatusCode::NOT_FOUND,
            "VolumeBackup.0009",
            format!("Backup {id} could not be found in this project."),
        )
    }

    /// 409 `VolumeBackup.0010`: the backup is already shared with that project.
    pub fn conflict(message: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, "VolumeBackup.0010", message)
    }

    /// 403 `VolumeBackup.0011`: only the sharing project may cancel a sharing.
    pub fn not_owner(id: &str) -> Self {
        Self::new(
            StatusCode::FORBIDDEN,
            "VolumeBackup.0011",
            format!(
                "Backup sharing {id} was shared with this project; only its owner can cancel it."
            ),
        )
    }

    /// `VolumeBackup.0900` with any status: the service is (made) unavailable.
    pub fn unavailable(status: StatusCode) -> Self {
        Self::new(
            status,
            "VolumeBackup.0900",
            "The service is temporarily unavailable.",
        )
    }

    /// The JSON body text.
    pub fn body(&self) -> String {
        json!({"error": {"message": self.message, "code": self.code}}).to_string()
    }

    /// The full response.
    pub fn response(&self) -> Response {
        json(self.status, self.body())
    }
}

/// An error in the gateway/IAM shape `{"error_code", "error_msg", "request_id"}`.
pub(crate) fn gateway_error(
    status: StatusCode,
    code: &str,
    message: &str,
    request_id: &str,
) -> Response {
    let body = json!({"error_code": code, "error_msg": message, "request_id": request_id});
    json(status, body.to_string())
}

/// 404 `APIGW.0101`: the path is not an API of this endpoint.
pub(crate) fn api_not_found(request_id: &str) -> Response {
    gateway_error(
        StatusCode::NOT_FOUND,
        "APIGW.0101",
        "The API does not exist or has not been published in the environment",
        request_id,
    )
}

/// 401 `APIGW.0301`: the credentials were refused, for `reason` (which holds no secret).
pub(crate) fn auth_refused(reason: &str, request_id: &str) -> Response {
    gateway_error(
        StatusCode::UNAUTHORIZED,
        "APIGW.0301",
        &format!("Incorrect IAM authentication information: {reason}"),
        request_id,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vbs_error_body_shape() {
        let e = VbsError::bad_param("invalid sort_key \"x\"");
        let v: serde_json::Value = serde_json::from_str(&e.body()).unwrap();
        assert_eq!(v["error"]["code"], "VolumeBackup.0001");
        assert_eq!(v["error"]["message"], "invalid sort_key \"x\"");
        assert_eq!(e.response().status(), StatusCode::BAD_REQUEST);
    }

    #[test]
    fn request_ids_are_hex() {
        let id = new_request_id();
        assert_eq!(id.len(), 32);
        assert!(id.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_ne!(id, new_request_id());
    }
}
