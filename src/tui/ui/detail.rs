//! The detail of the selected sharing: every field, nulls as `—`, times in UTC with their
//! age, JSON-looking text pretty-printed, long values wrapped.

use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

use super::wrap::wrap;
use crate::api::model::{BackupField as B, Field, Sharing, SharingField as S};
use crate::api::time::{Timestamp, relative_age};
use crate::text::{human_gb, pad, sanitize, thousands};
use crate::tui::app::App;
use crate::tui::theme::{StatusKind, Theme};

/// Shown for a null or missing value.
pub const NULL: &str = "—";
/// Key column width in the side-by-side form (fits `has_dependent_backups`).
const KEY_W: usize = 22;

const SHARING_KEYS: [&str; 9] = [
    "id",
    "backup_id",
    "from_project_id",
    "to_project_id",
    "created_at",
    "updated_at",
    "deleted",
    "deleted_at",
    "backup",
];
const BACKUP_KEYS: [&str; 18] = [
    "id",
    "name",
    "status",
    "size",
    "volume_id",
    "snapshot_id",
    "availability_zone",
    "container",
    "description",
    "fail_reason",
    "created_at",
    "updated_at",
    "data_timestamp",
    "object_count",
    "is_incremental",
    "has_dependent_backups",
    "has_dependent_backup",
    "service_metadata",
];

/// A field's value before layout.
enum Value {
    Text(String),
    Styled(String, Style),
    /// Several lines (pretty JSON), each wrapped on its own.
    Block(Vec<String>),
}

fn opt_str(v: Option<&str>) -> Value {
    match v {
        None => Value::Text(NULL.to_owned()),
        Some("") => Value::Text("\"\"".to_owned()),
        Some(s) => Value::Text(sanitize(s).into_owned()),
    }
}

/// A time as `2017-08-10 12:25:40 UTC (7y ago)`.
fn time(t: Option<&Timestamp>, now: i64) -> Value {
    match t {
        None => Value::Text(NULL.to_owned()),
        Some(t) => Value::Text(format!(
            "{} UTC ({})",
            t.display_utc(),
            relative_age(t.secs, now)
        )),
    }
}

fn opt<T>(v: Option<T>, f: impl FnOnce(T) -> String) -> Value {
    Value::Text(v.map_or_else(|| NULL.to_owned(), f))
}

/// Text that may hold JSON: pretty-printed when it parses as an object or array.
fn maybe_json(v: Option<&str>) -> Value {
    let Some(s) = v else {
        return Value::Text(NULL.to_owned());
    };
    let trimmed = s.trim_start();
    if (trimmed.starts_with('{') || trimmed.starts_with('['))
        && let Ok(json) = serde_json::from_str::<serde_json::Value>(s)
        && let Ok(pretty) = serde_json::to_string_pretty(&json)
    {
        return Value::Block(pretty.lines().map(|l| sanitize(l).into_owned()).collect());
    }
    opt_str(Some(s))
}

fn fields(s: &Sharing, now: i64, theme: &Theme) -> Vec<(&'static str, Vec<(String, Value)>)> {
    // A field that could not be read shows what was sent, marked (`?ten`), in the unknown
    // style; its value in the model is `None`, so `v` is only the dash it replaces.
    let kv = |k: &str, f: Field, v: Value| {
        let v = match s.unparsed(f) {
            Some(u) => Value::Styled(
                sanitize(&u.marked()).into_owned(),
                theme.status(StatusKind::Unknown),
            ),
            None => v,
        };
        (k.to_owned(), v)
    };
    let sharing = vec![
        kv("id", S::Id.into(), opt_str(s.id.as_deref())),
        kv(
            "backup_id",
            S::BackupId.into(),
            opt_str(s.backup_id.as_deref()),
        ),
        kv(
            "from_project_id",
            S::FromProjectId.into(),
            opt_str(s.from_project_id.as_deref()),
        ),
        kv(
            "to_project_id",
            S::ToProjectId.into(),
            opt_str(s.to_project_id.as_deref()),
        ),
        kv(
            "created_at",
            S::CreatedAt.into(),
            time(s.created_at.as_ref(), now),
        ),
        kv(
            "updated_at",
            S::UpdatedAt.into(),
            time(s.updated_at.as_ref(), now),
        ),
        kv(
            "deleted",
            S::Deleted.into(),
            opt(s.deleted, |b| b.to_string()),
        ),
        kv(
            "deleted_at",
            S::DeletedAt.into(),
            time(s.deleted_at.as_ref(), now),
        ),
    ];
    let mut out = vec![("Sharing", sharing)];
    let backup = match &s.backup {
        None => vec![kv("backup", S::Backup.into(), Value::Text(NULL.to_owned()))],
        Some(b) => {
            let status = b.status.as_deref().unwrap_or("");
            vec![
                kv("id", B::Id.into(), opt_str(b.id.as_deref())),
                kv("name", B::Name.into(), opt_str(b.name.as_deref())),
                kv(
                    "status",
                    B::Status.into(),
                    Value::Styled(
                        super::table::status_text(status),
                        theme.status(StatusKind::of(status)),
                    ),
                ),
                kv(
                    "size",
                    B::Size.into(),
                    opt(b.size, |g| {
                        if g < 1024 {
                            human_gb(g)
                        } else {
                            format!("{} ({} GB)", human_gb(g), thousands(g))
                        }
                    }),
                ),
                kv(
                    "volume_id",
                    B::VolumeId.into(),
                    opt_str(b.volume_id.as_deref()),
                ),
                kv(
                    "snapshot_id",
                    B::SnapshotId.into(),
                    opt_str(b.snapshot_id.as_deref()),
                ),
                kv(
                    "availability_zone",
                    B::AvailabilityZone.into(),
                    opt_str(b.availability_zone.as_deref()),
                ),
                kv(
                    "container",
                    B::Container.into(),
                    opt_str(b.container.as_deref()),
                ),
                kv(
                    "description",
                    B::Description.into(),
                    maybe_json(b.description.as_deref()),
                ),
                kv(
                    "fail_reason",
                    B::FailReason.into(),
                    opt_str(b.fail_reason.as_deref()),
                ),
                kv(
                    "created_at",
                    B::CreatedAt.into(),
                    time(b.created_at.as_ref(), now),
                ),
                kv(
                    "updated_at",
                    B::UpdatedAt.into(),
                    time(b.updated_at.as_ref(), now),
                ),
                kv(
                    "data_timestamp",
                    B::DataTimestamp.into(),
                    time(b.data_timestamp.as_ref(), now),
                ),
                kv(
                    "object_count",
                    B::ObjectCount.into(),
                    opt(b.object_count, thousands),
                ),
                kv(
                    "is_incremental",
                    B::IsIncremental.into(),
                    opt(b.is_incremental, |v| v.to_string()),
                ),
                kv(
                    "has_dependent_backups",
                    B::HasDependentBackups.into(),
                    opt(b.has_dependent_backups, |v| v.to_string()),
                ),
                kv(
                    "service_metadata",
                    B::ServiceMetadata.into(),
                    maybe_json(b.service_metadata.as_deref()),
                ),
            ]
        }
    };
    out.push(("Backup", backup));
    let extra = extra_fields(s);
    if !extra.is_empty() {
        out.push(("Other fields", extra));
    }
    out
}

/// Fields the server sent that the model does not know, from the raw JSON.
fn extra_fields(s: &Sharing) -> Vec<(String, Value)> {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(&s.raw)
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let show = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => maybe_json(Some(s)),
        serde_json::Value::Null => Value::Text(NULL.to_owned()),
        other => Value::Text(sanitize(&other.to_string()).into_owned()),
    };
    for (k, v) in &map {
        if k == "backup"
            && let serde_json::Value::Object(b) = v
        {
            for (bk, bv) in b
                .iter()
                .filter(|(bk, _)| !BACKUP_KEYS.contains(&bk.as_str()))
            {
                out.push((format!("backup.{}", sanitize(bk)), show(bv)));
            }
        } else if !SHARING_KEYS.contains(&k.as_str()) {
            out.push((sanitize(k).into_owned(), show(v)));
        }
    }
    out
}

/// The detail of `s` laid out for `cols` columns.
pub fn lines(s: &Sharing, cols: usize, now: i64, theme: &Theme) -> Vec<Line<'static>> {
    let cols = cols.max(1);
    let side_by_side = cols >= KEY_W + 24;
    let (indent, value_w) = if side_by_side {
        (KEY_W, cols - KEY_W)
    } else {
        (2, cols.saturating_sub(2).max(1))
    };
    let mut out = Vec::new();
    for (i, (section, fields)) in fields(s, now, theme).into_iter().enumerate() {
        if i > 0 {
            out.push(Line::default());
        }
        out.push(Line::from(Span::styled(section, theme.section)));
        for (key, value) in fields {
            let (texts, style) = match value {
                Value::Text(t) => (wrap(&t, value_w), theme.header),
                Value::Styled(t, st) => (wrap(&t, value_w), st),
                Value::Block(ls) => (
                    ls.iter().flat_map(|l| wrap(l, value_w)).collect(),
                    theme.header,
                ),
            };
            let key_span = Span::styled(
                if side_by_side {
                    pad(&key, KEY_W)
                } else {
                    key.clone()
                },
                theme.label,
            );
            if side_by_side {
                for (j, t) in texts.into_iter().enumerate() {
                    let k = if j == 0 {
                        key_span.clone()
                    } else {
                        Span::raw(" ".repeat(KEY_W))
                    };
                    out.push(Line::from(vec![k, Span::styled(t, style)]));
                }
            } else {
                out.push(Line::from(key_span));
                for t in texts {
                    out.push(Line::from(vec![
                        Span::raw(" ".repeat(indent)),
                        Span::styled(t, style),
                    ]));
                }
            }
        }
    }
    out
}

/// Draws the side pane (wide terminals).
pub fn draw_pane(frame: &mut Frame, area: Rect, app: &App) {
    let t = &app.theme;
    let block = Block::default()
        .borders(Borders::LEFT)
        .border_style(t.border);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let inner = Rect {
        x: inner.x + 1,
        width: inner.width.saturating_sub(1),
        ..inner
    };
    let content = match app.selected_row() {
        Some(s) => lines(s, inner.width.into(), app.now, t),
        None => vec![Line::from(Span::styled("Nothing selected", t.dim))],
    };
    frame.render_widget(Paragraph::new(content), inner);
}

/// Draws the full-screen detail view.
pub fn draw_full(frame: &mut Frame, area: Rect, app: &App, scroll: usize) {
    let block = super::view_block(app, "Sharing");
    frame.render_widget(block, area);
    let inner = super::view_inner(area, app);
    let Some(s) = app.selected_row() else { return };
    let all = lines(s, inner.width.into(), app.now, &app.theme);
    let visible: Vec<Line> = all
        .into_iter()
        .skip(scroll)
        .take(inner.height.into())
        .collect();
    frame.render_widget(Paragraph::new(visible), inner);
}

/// How far the full-screen detail can scroll.
pub fn max_scroll(area: Rect, app: &App) -> usize {
    let inner = super::view_inner(area, app);
    let n = app.selected_row().map_or(0, |s| {
        lines(s, inner.width.into(), app.now, &app.theme).len()
    });
    n.saturating_sub(inner.height.into())
}
