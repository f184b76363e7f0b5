//! Where each region of the screen goes, for the App (page height, mouse hit-testing,
//! scroll bounds) and the drawing code alike. Pure geometry: it knows sizes, not the App.

use ratatui::layout::Rect;

use crate::text::width;

/// Below this many columns the screen shows a notice instead of the browser.
pub const MIN_WIDTH: u16 = 40;
/// Below this many rows the screen shows a notice instead of the browser.
pub const MIN_HEIGHT: u16 = 10;
/// From this many columns on, the detail pane sits right of the table.
pub const SIDE_DETAIL_WIDTH: u16 = 100;

/// Where each region goes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Areas {
    /// The terminal is below the minimum size: nothing else is set.
    pub too_small: bool,
    /// The header line.
    pub header: Rect,
    /// The direction tabs and sort line.
    pub tabs: Rect,
    /// The filter bar.
    pub filters: Rect,
    /// The table including its header row.
    pub table: Rect,
    /// The table's rows.
    pub table_body: Rect,
    /// The side detail pane (wide terminals only).
    pub detail: Option<Rect>,
    /// The error panel, when open.
    pub error: Option<Rect>,
    /// The footer line.
    pub footer: Rect,
    /// A full-screen view (detail or raw JSON), when open.
    pub view: Rect,
}

/// Splits `area` into regions; `error_lines`, when the error panel is open, says how many
/// lines its text takes at a given width.
pub fn layout(area: Rect, error_lines: Option<&dyn Fn(usize) -> usize>) -> Areas {
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        return Areas {
            too_small: true,
            ..Areas::default()
        };
    }
    let row = |y: u16| Rect::new(area.x, area.y + y, area.width, 1);
    let header = row(0);
    let tabs = row(1);
    let filters = row(2);
    let footer = row(area.height - 1);
    let mut main = Rect::new(area.x, area.y + 3, area.width, area.height - 4);
    let mut error = None;
    if let Some(error_lines) = error_lines {
        let lines = error_lines(main.width.saturating_sub(3).into());
        let h = (lines as u16 + 2).min(main.height / 2).max(3);
        error = Some(Rect::new(main.x, main.bottom() - h, main.width, h));
        main.height -= h;
    }
    let mut detail = None;
    let mut table = main;
    if area.width >= SIDE_DETAIL_WIDTH {
        let w = (area.width * 2 / 5).clamp(40, 90);
        table.width = area.width - w;
        detail = Some(Rect::new(table.right(), main.y, w, main.height));
    }
    let table_body = Rect::new(
        table.x,
        table.y + 1,
        table.width,
        table.height.saturating_sub(1),
    );
    let view = Rect::new(area.x, area.y, area.width, area.height - 1);
    Areas {
        too_small: false,
        header,
        tabs,
        filters,
        table,
        table_body,
        detail,
        error,
        footer,
        view,
    }
}

/// The text area of a full-screen view in `area`: inside its frame, one column of padding
/// each side.
pub fn view_inner(area: Rect) -> Rect {
    Rect {
        x: area.x.saturating_add(2),
        y: area.y.saturating_add(1),
        width: area.width.saturating_sub(4),
        height: area.height.saturating_sub(2),
    }
}

/// The two direction tabs as drawn: marker, title and, when known, the total
/// (` ● Shared by me 1,010 `).
pub fn tab_labels(to_me: bool, totals: [Option<u64>; 2]) -> [String; 2] {
    let label = |i: usize, title: &str| {
        let marker = if (i == 1) == to_me { "●" } else { "○" };
        match totals[i] {
            Some(n) => format!(" {marker} {title} {} ", crate::text::thousands(n)),
            None => format!(" {marker} {title} "),
        }
    };
    [label(0, "Shared by me"), label(1, "Shared with me")]
}

/// Which tab column `x` (relative to the tabs row) falls on: `Some(share_to_me)`.
pub fn tab_at(x: u16, labels: &[String; 2]) -> Option<bool> {
    let first = width(&labels[0]) as u16;
    let second = width(&labels[1]) as u16;
    if x < first {
        Some(false)
    } else if x < first + 1 + second {
        Some(true)
    } else {
        None
    }
}

/// Column widths measured on earlier pages of one query, so columns keep their width
/// from page to page (the drawing measures each page and takes the larger).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct WidthMemo {
    /// Which query the widths belong to (its filters, direction, sort and page size).
    pub key: String,
    /// (column ID, short form, width).
    pub widths: Vec<(&'static str, bool, usize)>,
}

impl WidthMemo {
    /// `measured` for the column, or more when an earlier page of query `key` needed
    /// more; remembers the larger. Another query starts afresh.
    pub fn widen(&mut self, key: &str, column: (&'static str, bool), measured: usize) -> usize {
        if self.key != key {
            key.clone_into(&mut self.key);
            self.widths.clear();
        }
        match self
            .widths
            .iter_mut()
            .find(|(id, short, _)| (*id, *short) == column)
        {
            Some((_, _, w)) => {
                *w = (*w).max(measured);
                *w
            }
            None => {
                self.widths.push((column.0, column.1, measured));
                measured
            }
        }
    }
}
