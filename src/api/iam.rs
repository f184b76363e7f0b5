//! IAM's "Querying the List of Projects Accessible to Users" (`GET /v3/auth/projects`):
//! the projects the current credentials reach, for the browser's context picker.
//!
//! Any credentials a sharing call accepts will do (a token of any project's scope, or an
//! AK/SK signature). The list is read leniently: a record without an ID is skipped, a
//! missing name is shown as the ID, and `enabled: false` projects are kept but marked.

use reqwest::Method;
use serde::Deserialize;

use super::error::ApiError;
use super::session::{Session, Target};

/// One project the credentials reach.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Project {
    /// The project ID (32 hex characters on both clouds).
    pub id: String,
    /// The project name, e.g. `eu-de` or `eu-de_analytics` (the region, then `_` and a
    /// sub-project's own name).
    pub name: String,
    /// Whether IAM says the project is enabled.
    pub enabled: bool,
}

impl Project {
    /// The region a project belongs to: its name up to the first `_`.
    pub fn region(&self) -> &str {
        self.name.split('_').next().unwrap_or(&self.name)
    }
}

#[derive(Deserialize)]
struct Body {
    #[serde(default)]
    projects: Vec<serde_json::Value>,
}

/// Parses IAM's answer; `None` only for a body that is not a JSON object.
pub fn parse_projects(body: &str) -> Option<Vec<Project>> {
    let parsed: Body = serde_json::from_str(body).ok()?;
    let text =
        |v: &serde_json::Value, k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_owned);
    let mut projects: Vec<Project> = parsed
        .projects
        .iter()
        .filter_map(|p| {
            let id = text(p, "id").filter(|id| !id.is_empty())?;
            Some(Project {
                name: text(p, "name").unwrap_or_else(|| id.clone()),
                enabled: p
                    .get("enabled")
                    .and_then(serde_json::Value::as_bool)
                    .unwrap_or(true),
                id,
            })
        })
        .collect();
    projects.sort_by(|a, b| a.name.cmp(&b.name).then_with(|| a.id.cmp(&b.id)));
    projects.dedup_by(|a, b| a.id == b.id);
    Some(projects)
}

/// The projects `session`'s credentials reach, asked of the IAM at `iam_url` (ending in
/// `/v3`, as an auth URL does).
pub async fn reachable_projects(
    session: &Session,
    iam_url: &str,
) -> Result<Vec<Project>, ApiError> {
    let target = Target::parse(iam_url, "IAM URL")?;
    let answer = session
        .call(
            &target,
            Method::GET,
            "/auth/projects",
            "",
            None,
            "list projects",
        )
        .await?;
    parse_projects(&answer.body).ok_or_else(|| ApiError::Other {
        host: target.host.clone(),
        detail: format!(
            "the project list (HTTP {}, {} bytes) is not a JSON object",
            answer.status,
            answer.body.len()
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn projects_are_read_leniently_and_sorted_by_name() {
        let body = r#"{"projects":[
            {"id":"b2","name":"eu-de_finance","enabled":true},
            {"name":"no id"},
            {"id":"a1","name":"eu-de","enabled":false},
            {"id":"c3"},
            {"id":"b2","name":"eu-de_finance"}
        ],"links":{}}"#;
        let p = parse_projects(body).unwrap();
        let names: Vec<&str> = p.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["c3", "eu-de", "eu-de_finance"]);
        assert!(!p[1].enabled);
        assert_eq!(p[2].region(), "eu-de");
        assert!(parse_projects("<html>").is_none());
        assert_eq!(parse_projects("{}"), Some(Vec::new()));
    }
}
