//! A failed call reduced to what the error panel shows.

use crate::api::ApiError;

/// What makes an error the same error again: call, status, code and message.
pub type ErrorIdentity = (String, Option<u16>, Option<String>, Option<String>);

/// A failed call, reduced to what the screen shows (all text sanitized when drawn).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorInfo {
    /// Which call failed: `list`, `count`, `share`, `cancel` or `export`.
    pub call: &'static str,
    /// The HTTP status, if there was an answer.
    pub status: Option<u16>,
    /// The server's error code.
    pub code: Option<String>,
    /// The server's message, when it sent one.
    pub message: Option<String>,
    /// The request ID, when the server sent one.
    pub request_id: Option<String>,
    /// What to try, for answers with a status.
    pub hint: Option<String>,
    /// The full one-line description with a hint.
    pub summary: String,
}

impl ErrorInfo {
    /// Reduces an API error.
    pub fn from_api(call: &'static str, e: &ApiError) -> Self {
        let (message, hint) = match e {
            ApiError::Status(s) => (
                s.body.message.clone().or_else(|| s.body.raw.clone()),
                Some(s.hint().to_owned()),
            ),
            ApiError::Body { reason, .. } => (
                Some(reason.to_string()),
                Some("check that --endpoint is a VBS endpoint, or retry later".to_owned()),
            ),
            _ => (None, None),
        };
        ErrorInfo {
            call,
            status: e.status(),
            code: e.code().map(str::to_owned),
            message,
            request_id: e.request_id().map(str::to_owned),
            hint,
            summary: e.to_string(),
        }
    }

    /// A failure that is not an API answer (a file that cannot be written…).
    /// What makes this error the same error again on the next attempt: everything but
    /// the request ID (which is new every time).
    pub fn identity(&self) -> ErrorIdentity {
        (
            self.call.to_owned(),
            self.status,
            self.code.clone(),
            self.message.clone().or_else(|| Some(self.summary.clone())),
        )
    }

    pub fn other(call: &'static str, summary: String) -> Self {
        ErrorInfo {
            call,
            status: None,
            code: None,
            message: None,
            request_id: None,
            hint: None,
            summary,
        }
    }

    /// Whether a list or count failed (a later successful fetch clears these; write and
    /// export failures stay until dismissed).
    pub fn is_fetch(&self) -> bool {
        matches!(self.call, "list" | "count")
    }
}
