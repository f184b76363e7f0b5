//! The detail of a sharing as lines: every field, nulls as `—`, times in UTC with their
//! age, JSON-looking text pretty-printed, long values wrapped (drawn by the pane and the
//! full-screen view, counted by the App to bound scrolling).

use ratatui::style::Style;
use ratatui::text::{Line, Span};

use super::wrap::wrap;
use crate::api::model::Sharing;
use crate::api::time::{Timestamp, relative_age};
use crate::schema::vbs::SHARING;
use crate::schema::{Datum, Schema, Value as SV};
use crate::text::{human_gb, pad, sanitize, thousands};
use crate::tui::theme::{StatusKind, Theme};

/// Shown for a null or missing value.
pub const NULL: &str = "—";
/// Key column width in the side-by-side form (fits `has_dependent_backups`).
const KEY_W: usize = 22;
/// The widest ID a value shows whole: a UUID.
const ID_W: usize = 36;

/// Backup fields the model reads under another spelling too.
const BACKUP_ALIASES: [&str; 1] = ["has_dependent_backup"];

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

/// A declared field's value as the pane shows it.
fn value(d: Datum<'_>, now: i64, theme: &Theme) -> Value {
    // A field that could not be read shows what was sent, marked (`?ten`), in the unknown
    // style.
    if let (false, Some(u)) = (d.value.is_some(), d.sent) {
        return Value::Styled(
            sanitize(&u.marked()).into_owned(),
            theme.status(StatusKind::Unknown),
        );
    }
    match d.value {
        SV::Text(v) => opt_str(v),
        SV::Project(v) => opt(v, |v| sanitize(&crate::schema::names::long(v)).into_owned()),
        SV::Json(v) => maybe_json(v),
        SV::Status(v) => {
            let status = v.unwrap_or("");
            Value::Styled(
                super::status_text(status),
                theme.status(StatusKind::of(status)),
            )
        }
        SV::Time(t) => time(t, now),
        SV::Gb(g) => opt(g, |g| {
            if g < 1024 {
                human_gb(g)
            } else {
                format!("{} ({} GB)", human_gb(g), thousands(g))
            }
        }),
        SV::Mb(m) => opt(m, crate::api::cbr::model::size_text),
        SV::Count(n) => opt(n, thousands),
        SV::Flag(b) => opt(b, |v| v.to_string()),
        SV::Object => Value::Text(NULL.to_owned()),
    }
}

/// A detail section as laid out: its title and its labelled values.
type Sections = Vec<(&'static str, Vec<(String, Value)>)>;

/// The sections `schema` declares for `row`, every field shown.
fn declared<R>(schema: &'static Schema<R>, s: &R, now: i64, theme: &Theme) -> Sections {
    schema
        .detail
        .iter()
        .map(|section| {
            let fields = section
                .shown(s)
                .iter()
                .map(|f| (section.label(f).to_owned(), value((f.value)(s), now, theme)))
                .collect();
            (section.title, fields)
        })
        .collect()
}

/// The sections of the schema, every field shown, then what the schema does not know.
fn fields(s: &Sharing, now: i64, theme: &Theme) -> Sections {
    let mut out = declared(&SHARING, s, now, theme);
    let extra = extra_fields(s);
    if !extra.is_empty() {
        out.push(("Other fields", extra));
    }
    out
}

/// Whether the schema declares a field at this path (`backup.size`), or the model reads
/// it under another spelling.
fn known(path: &str) -> bool {
    SHARING.detail.iter().any(|section| {
        section
            .fields
            .iter()
            .chain(section.missing.as_ref().map(|m| &m.field))
            .any(|f| f.label == path)
    }) || path
        .strip_prefix("backup.")
        .is_some_and(|k| BACKUP_ALIASES.contains(&k))
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
            for (bk, bv) in b.iter().filter(|(bk, _)| !known(&format!("backup.{bk}"))) {
                out.push((format!("backup.{}", sanitize(bk)), show(bv)));
            }
        } else if !known(k) || k.starts_with("backup.") {
            out.push((sanitize(k).into_owned(), show(v)));
        }
    }
    out
}

/// The detail of `s` laid out for `cols` columns.
pub fn lines(s: &Sharing, cols: usize, now: i64, theme: &Theme) -> Vec<Line<'static>> {
    layout(fields(s, now, theme), cols, theme)
}

/// The detail of any row: the sections `schema` declares, then, when `sent` gives a title
/// and an object's JSON as the server sent it, every field of that object (nested objects
/// and lists pretty-printed), so nothing the service sent is hidden.
pub fn lines_of<R>(
    schema: &'static Schema<R>,
    row: &R,
    sent: Option<(&'static str, &str)>,
    cols: usize,
    now: i64,
    theme: &Theme,
) -> Vec<Line<'static>> {
    let mut sections = declared(schema, row, now, theme);
    if let Some((title, json)) = sent
        && let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(json)
    {
        let fields = map
            .iter()
            .map(|(k, v)| (sanitize(k).into_owned(), json_value(v)))
            .collect();
        sections.push((title, fields));
    }
    layout(sections, cols, theme)
}

/// A JSON value as the detail shows it: text as text (pretty JSON when it holds some),
/// objects and lists pretty-printed, null as a dash.
fn json_value(v: &serde_json::Value) -> Value {
    match v {
        serde_json::Value::String(s) => maybe_json(Some(s)),
        serde_json::Value::Null => Value::Text(NULL.to_owned()),
        serde_json::Value::Object(_) | serde_json::Value::Array(_) => {
            let pretty = serde_json::to_string_pretty(v).unwrap_or_default();
            Value::Block(pretty.lines().map(|l| sanitize(l).into_owned()).collect())
        }
        other => Value::Text(sanitize(&other.to_string()).into_owned()),
    }
}

/// Sections laid out for `cols` columns.
fn layout(sections: Sections, cols: usize, theme: &Theme) -> Vec<Line<'static>> {
    let cols = cols.max(1);
    // Side by side only when a value column holds a whole ID (a UUID): an ID is never
    // broken across lines, so a narrower pane puts each value under its key instead.
    let side_by_side = cols >= KEY_W + ID_W;
    let (indent, value_w) = if side_by_side {
        (KEY_W, cols - KEY_W)
    } else {
        (2, cols.saturating_sub(2).max(1))
    };
    let mut out = Vec::new();
    for (i, (section, fields)) in sections.into_iter().enumerate() {
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
