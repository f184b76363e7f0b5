//! The header line (product, `INSECURE`/`READ-ONLY` badges, profile, region, project,
//! endpoint) and the direction tabs.

use ratatui::Frame;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use crate::text::{sanitize, truncate, width};
use crate::tui::app::App;
use crate::tui::layout::{Areas, tab_labels};

/// Draws the header line and the tabs line.
pub fn draw(frame: &mut Frame, areas: &Areas, app: &App) {
    frame.render_widget(
        Paragraph::new(header_line(app, areas.header.width.into())),
        areas.header,
    );
    frame.render_widget(
        Paragraph::new(tabs_line(app, areas.tabs.width.into())),
        areas.tabs,
    );
}

fn header_line(app: &App, cols: usize) -> Line<'static> {
    let t = &app.theme;
    let h = &app.header;
    // By name where known, else the ID (cut on narrow screens).
    let project = sanitize(h.project_name.as_deref().unwrap_or(&h.project_id)).into_owned();
    let short_project = if h.project_name.is_none() && width(&project) > 12 {
        truncate(&project, 9).into_owned()
    } else {
        project.clone()
    };
    let items = [
        ("profile", sanitize(&h.profile).into_owned()),
        ("region", sanitize(&h.region).into_owned()),
        ("project", if cols >= 120 { project } else { short_project }),
        ("endpoint", sanitize(&h.endpoint_host).into_owned()),
    ];
    // Badges come first, so a narrow screen cuts the endpoint, never a warning.
    let mut badges = Vec::new();
    if h.insecure {
        badges.push(Span::styled(" INSECURE ", t.badge_danger));
    }
    if app.read_only {
        badges.push(Span::styled(" READ-ONLY ", t.badge_notice));
    }
    let start = 14 + badges.iter().map(|b| 1 + width(&b.content)).sum::<usize>();
    // Labels only when everything fits with them.
    let full: usize = start
        + items
            .iter()
            .map(|(l, v)| 3 + width(l) + 1 + width(v))
            .sum::<usize>();
    let labels = full <= cols;
    let mut spans = vec![
        Span::styled(" vbshare", t.title),
        Span::raw(" "),
        Span::styled(format!(" {} ", app.service.label()), t.tab_active),
    ];
    for badge in badges {
        spans.push(Span::raw(" "));
        spans.push(badge);
    }
    let mut used = start;
    for (label, value) in items {
        let label = if labels { label } else { "" };
        if value.is_empty() {
            continue;
        }
        let label_w = if label.is_empty() {
            0
        } else {
            width(label) + 1
        };
        let piece_w = 3 + label_w + width(&value);
        if used + piece_w > cols {
            // Out of room: show what fits of the endpoint, nothing after it.
            let room = cols.saturating_sub(used + 3 + label_w);
            if room >= 8 {
                spans.push(Span::styled(" │ ", t.dim));
                if !label.is_empty() {
                    spans.push(Span::styled(format!("{label} "), t.dim));
                }
                spans.push(Span::styled(truncate(&value, room).into_owned(), t.header));
            }
            break;
        }
        used += piece_w;
        spans.push(Span::styled(" │ ", t.dim));
        if !label.is_empty() {
            spans.push(Span::styled(format!("{label} "), t.dim));
        }
        spans.push(Span::styled(value, t.header));
    }
    Line::from(spans)
}

fn tabs_line(app: &App, cols: usize) -> Line<'static> {
    if app.is_cbr() {
        return super::cbr::tabs_line(app, cols);
    }
    let t = &app.theme;
    let to_me = app.query.filters.share_to_me;
    let [by_me, with_me] = tab_labels(to_me, app.page.totals(&app.query));
    let tab = |text: String, active: bool| {
        Span::styled(text, if active { t.tab_active } else { t.tab_inactive })
    };
    let left = vec![tab(by_me, !to_me), Span::raw(" "), tab(with_me, to_me)];
    let left_w: usize = left.iter().map(|s| width(&s.content)).sum();
    let arrow = match app.sort_dir() {
        crate::api::query::SortDir::Asc => "↑",
        crate::api::query::SortDir::Desc => "↓",
    };
    let right = format!(
        "sort {} {} {arrow} · {} per page ",
        app.sort_key(),
        app.sort_dir(),
        app.page_size()
    );
    let mut spans = left;
    let room = cols.saturating_sub(left_w);
    if width(&right) + 2 <= room {
        spans.push(Span::raw(" ".repeat(room - width(&right))));
        spans.push(Span::styled(right, t.dim));
    } else {
        let short = format!("{} {arrow} · {}/page ", app.sort_key(), app.page_size());
        if width(&short) < room {
            spans.push(Span::raw(" ".repeat(room - width(&short))));
            spans.push(Span::styled(short, t.dim));
        }
    }
    Line::from(spans)
}
