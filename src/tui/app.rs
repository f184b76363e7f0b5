//! The browser's state and its one entry point, [`App::update`]: a message in, at most one
//! effect out, no I/O.

use std::time::Duration;

use crossterm::event::KeyEventKind;
use ratatui::layout::Rect;
use ratatui::text::Line;

use super::backend::WriteRequest;
use super::content;
use super::form::Form;
use super::layout::{self, Areas};
pub use super::msg::{Effect, Msg};
use super::theme::Theme;
use super::{HeaderInfo, Options};
use crate::api::model::Sharing;
use crate::api::query::{ListQuery, SortDir, SortKey};

mod cbr;
mod context;
mod dialog;
mod exporting;
mod fetch;
mod find;
mod keys;
mod picker;
mod pivot;
mod writes;

pub use super::error::ErrorInfo;
pub use cbr::{
    CbrPage, CbrRows, CbrScreen, CbrTab, VaultPicker, Walk, member_matches, shared_matches,
};
pub use context::ContextPicker;
pub use dialog::{Confirm, ConfirmAction, Dialog, ExportDialog, SharePrompt, parse_targets};
pub use exporting::ExportState;
pub use find::Find;
pub use picker::{ANY, ListPicker, Picking};
pub use pivot::{MAX_PIVOTS, Pivot, PivotBy};
pub use writes::{READ_ONLY, interval_text};

/// The watch interval `w` starts with when `--refresh` was not given.
pub const DEFAULT_WATCH: Duration = Duration::from_secs(5);

/// How many footer messages the request log view keeps.
pub const MESSAGES_KEPT: usize = 20;

/// The page sizes `+` and `-` step through.
pub const PAGE_SIZES: [u32; 7] = [10, 20, 50, 100, 200, 500, 1000];

/// The page size when none is given.
pub const DEFAULT_PAGE_SIZE: u32 = 50;

/// The page on screen, held apart from the query in flight: the query that fetched these
/// rows (its direction, filters, sort and offset), the rows, and the total for its filters.
/// Drawing and actions read this, so old rows are never labelled or acted on as the new
/// query's while it loads (or after it failed).
#[derive(Clone, Debug, Default)]
pub struct Page {
    /// The query these rows answer; `None` until the first page arrives.
    pub query: Option<ListQuery>,
    /// The rows.
    pub rows: Vec<Sharing>,
    /// How many sharings match the page's filters, once counted.
    pub total: Option<u64>,
    /// How many match the same filters in the other direction (counted together).
    pub other_total: Option<u64>,
}

impl Page {
    /// Whether these rows were shared with this project (else by it); before the first
    /// page, `wanted`'s direction.
    pub fn to_me(&self, wanted: &ListQuery) -> bool {
        self.query.as_ref().unwrap_or(wanted).filters.share_to_me
    }

    /// The totals of Shared by me and Shared with me for the page's filters, as known.
    pub fn totals(&self, wanted: &ListQuery) -> [Option<u64>; 2] {
        if self.to_me(wanted) {
            [self.other_total, self.total]
        } else {
            [self.total, self.other_total]
        }
    }

    /// The filters these rows answer; before the first page, `wanted`'s.
    pub fn filters<'a>(&'a self, wanted: &'a ListQuery) -> &'a crate::api::query::Filters {
        &self.query.as_ref().unwrap_or(wanted).filters
    }
}

/// A page fetched ahead: its query and, once arrived, its rows and when they came (Unix
/// seconds).
pub type Prefetch = (ListQuery, Option<(Vec<Sharing>, i64)>);

/// Where typed keys go when no view is open.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Focus {
    /// The sharings table: keys move and act.
    Table,
    /// The filter form: keys edit the focused field.
    Form,
}

/// A full-screen view over the browser, with its scroll offset.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum View {
    /// The key list.
    Help {
        /// Lines scrolled off the top.
        scroll: usize,
    },
    /// Every field of the selected sharing.
    Detail {
        /// Lines scrolled off the top.
        scroll: usize,
    },
    /// The selected sharing's JSON as the server sent it.
    Raw {
        /// Lines scrolled off the top.
        scroll: usize,
    },
    /// The last requests, newest first.
    Log {
        /// The highlighted request (`y` copies its request ID), 0 for the newest.
        scroll: usize,
    },
}

impl View {
    /// The view's scroll offset (for the log: the highlighted request).
    pub fn scroll_mut(&mut self) -> &mut usize {
        match self {
            View::Help { scroll }
            | View::Detail { scroll }
            | View::Raw { scroll }
            | View::Log { scroll } => scroll,
        }
    }
}

/// The whole state of the browser.
#[derive(Debug)]
pub struct App {
    /// Profile, region, project and endpoint for the header.
    pub header: HeaderInfo,
    /// Styles.
    pub theme: Theme,
    /// The filter inputs.
    pub form: Form,
    /// Table or form.
    pub focus: Focus,
    /// The open full-screen view, if any.
    pub view: Option<View>,
    /// The VBS sharing a detail or raw view shows, kept while the view is open; `true`
    /// once a refresh no longer has it (the view then says so and keeps its last fields).
    pub pinned: Option<(Sharing, bool)>,
    /// The query wanted: the one in flight, or the one the page on screen answers once it
    /// arrived (sort key, direction, limit and offset always set). Keys change it; nothing
    /// is drawn or acted on from it.
    pub query: ListQuery,
    /// Bumped for every query sent; answers for older generations are dropped.
    pub generation: u64,
    /// The page on screen: what is drawn and what every action reads.
    pub page: Page,
    /// Index of the selected row in `rows`.
    pub selected: usize,
    /// Index of the first row drawn.
    pub scroll: usize,
    /// A request is pending (debouncing or in flight).
    pub loading: bool,
    /// The spinner's frame.
    pub spinner: usize,
    /// The last failure, until a success or a dismissal.
    pub error: Option<ErrorInfo>,
    /// Whether the error panel is open.
    pub error_open: bool,
    /// The error the user closed with Esc: the same error again (watch mode, a retry)
    /// does not reopen the panel; another one does.
    pub dismissed: Option<super::error::ErrorIdentity>,
    /// Wall time of the last answered request.
    pub latency: Option<Duration>,
    /// A one-off message for the footer (cleared by the next key).
    pub notice: Option<String>,
    /// The clock for relative ages, in Unix seconds (injected, so frames are reproducible).
    pub now: i64,
    /// The terminal size.
    pub size: (u16, u16),
    /// Mouse support is on.
    pub mouse: bool,
    /// The user asked to quit.
    pub quit: bool,
    /// The open dialog (share prompt, confirmation, export); it takes keys first.
    pub dialog: Option<Dialog>,
    /// Writes (share, cancel) are refused.
    pub read_only: bool,
    /// Watch mode's interval while it is on.
    pub watch: Option<Duration>,
    /// The interval `w` turns watch mode on with.
    pub watch_interval: Duration,
    /// When rows last arrived (Unix seconds).
    pub last_refresh: Option<i64>,
    /// The share or cancel call in flight.
    pub writing: Option<WriteRequest>,
    /// The export in progress.
    pub export: Option<ExportState>,
    /// The picker of a filter with known values (status, AZ) or of the sort key, while
    /// open: those are chosen, never typed.
    pub list_picker: Option<ListPicker>,
    /// Find in page (`F`), while open.
    pub find: Option<Find>,
    /// The queries before each pivot (`f`, `b`, `v`), the latest last; `Backspace` pops.
    pub pivots: Vec<Pivot>,
    /// The session's request log (`L`), when the back end keeps one.
    pub request_log: Option<crate::api::request_log::RequestLog>,
    /// The service shown (`c` switches).
    pub service: crate::api::service::SharingService,
    /// CBR can be reached (`c` is refused otherwise).
    pub cbr_available: bool,
    /// Everything about CBR.
    pub cbr: CbrScreen,
    /// The context picker (`:` or `P`), while open.
    pub context_picker: Option<ContextPicker>,
    /// The context being connected to (its label), until the switch ends.
    pub switching: Option<String>,
    /// The run loop can switch context (it was given a context source).
    pub contexts_available: bool,
    /// Column widths of earlier pages of the query shown (kept by the drawing, which
    /// reads the App only; hence the cell).
    pub table_widths: std::cell::RefCell<layout::WidthMemo>,
    /// The next page, fetched ahead of `]` (VBS).
    pub prefetch: Option<Prefetch>,
    /// The last footer messages with their time, newest last, kept in full for the request
    /// log view (the footer may have to cut them).
    pub messages: std::collections::VecDeque<(i64, String)>,
    exports_started: u64,
    dirty: bool,
}

impl App {
    /// A fresh App from the options; call [`App::start`] for the first fetch.
    pub fn new(options: &Options, now: i64) -> Self {
        let mut query = options.initial.clone();
        query.sort_key = Some(query.sort_key.unwrap_or_default());
        query.sort_dir = Some(query.sort_dir.unwrap_or_default());
        let limit = query.limit.filter(|l| *l > 0).unwrap_or(DEFAULT_PAGE_SIZE);
        query.limit = Some(limit);
        query.offset = Some(query.offset.unwrap_or(0) / u64::from(limit) * u64::from(limit));
        let refresh = options.refresh.filter(|d| !d.is_zero());
        App {
            header: options.header.clone(),
            theme: Theme::new(options.no_color),
            form: Form::from_filters(&query.filters),
            focus: Focus::Table,
            view: None,
            pinned: None,
            query,
            generation: 0,
            page: Page::default(),
            selected: 0,
            scroll: 0,
            loading: false,
            spinner: 0,
            error: None,
            error_open: false,
            dismissed: None,
            latency: None,
            notice: None,
            now,
            size: (80, 24),
            mouse: options.mouse,
            quit: false,
            dialog: None,
            read_only: options.read_only,
            watch: refresh,
            watch_interval: refresh.unwrap_or(DEFAULT_WATCH),
            last_refresh: None,
            writing: None,
            export: None,
            list_picker: None,
            find: None,
            pivots: Vec::new(),
            request_log: options.request_log.clone(),
            service: options.service,
            cbr_available: options.cbr.is_some(),
            cbr: CbrScreen::default(),
            context_picker: None,
            switching: None,
            contexts_available: false,
            messages: std::collections::VecDeque::new(),
            table_widths: std::cell::RefCell::default(),
            prefetch: None,
            exports_started: 0,
            dirty: true,
        }
    }

    /// The first fetch.
    pub fn start(&mut self) -> Option<Effect> {
        if self.is_cbr() {
            return self.switch_service_start();
        }
        self.fetch(false, true)
    }

    /// Whether anything visible changed since the last call (and resets the flag).
    pub fn take_dirty(&mut self) -> bool {
        std::mem::take(&mut self.dirty)
    }

    /// Sets the clock used for relative ages.
    pub fn set_now(&mut self, now: i64) {
        self.now = now;
    }

    /// The whole screen.
    pub fn area(&self) -> Rect {
        Rect::new(0, 0, self.size.0, self.size.1)
    }

    /// The sort key in effect.
    pub fn sort_key(&self) -> SortKey {
        self.query.sort_key.unwrap_or_default()
    }

    /// The sort direction in effect.
    pub fn sort_dir(&self) -> SortDir {
        self.query.sort_dir.unwrap_or_default()
    }

    /// The page size in effect.
    pub fn page_size(&self) -> u32 {
        self.query.limit.unwrap_or(DEFAULT_PAGE_SIZE).max(1)
    }

    /// Whether the page on screen lists what is shared with this project.
    pub fn page_to_me(&self) -> bool {
        self.page.to_me(&self.query)
    }

    /// The total for the wanted query's filters, when the page on screen has it (a page
    /// of another direction or other filters has its own total).
    pub fn known_total(&self) -> Option<u64> {
        let same = self.page.query.as_ref().map(|q| &q.filters) == Some(&self.query.filters);
        self.page.total.filter(|_| same)
    }

    /// Whether the VBS rows on screen answer another query than the one wanted (another
    /// direction, filter, sort or page, still loading or failed): they are shown marked
    /// as old and no action takes them. A refresh of the same query never makes them so.
    pub fn superseded(&self) -> bool {
        !self.is_cbr()
            && self
                .page
                .query
                .as_ref()
                .is_some_and(|shown| *shown != self.query)
    }

    /// What the marked old rows are and what is wanted instead, for the footer:
    /// `showing Shared by me · loading Shared with me…`.
    pub fn superseded_text(&self) -> Option<String> {
        if !self.superseded() {
            return None;
        }
        let direction = |to_me: bool| {
            if to_me {
                "Shared with me"
            } else {
                "Shared by me"
            }
        };
        let shown = self.page.query.as_ref()?;
        let what = if shown.filters.share_to_me == self.query.filters.share_to_me {
            let filters = if shown.filters == self.query.filters {
                "this page"
            } else {
                "these filters"
            };
            format!("{} (old {filters})", direction(shown.filters.share_to_me))
        } else {
            direction(shown.filters.share_to_me).to_owned()
        };
        let wanted = if self.query.filters.share_to_me == shown.filters.share_to_me {
            "the new query".to_owned()
        } else {
            direction(self.query.filters.share_to_me).to_owned()
        };
        Some(if self.loading {
            format!("showing {what} · loading {wanted}…")
        } else {
            format!("showing {what} · {wanted} failed (r retries)")
        })
    }

    /// The offset in effect.
    pub fn offset(&self) -> u64 {
        self.query.offset.unwrap_or(0)
    }

    /// The selected sharing, if any.
    pub fn selected_row(&self) -> Option<&Sharing> {
        self.page.rows.get(self.selected)
    }

    /// How many fields of the page on screen could not be read (shown as `?…`).
    pub fn unparsed_fields(&self) -> usize {
        crate::api::model::unparsed_fields(&self.page.rows)
    }

    /// Whether anything runs in the background (the spinner turns while it does).
    pub fn busy(&self) -> bool {
        self.loading
            || self.writing.is_some()
            || self.export.is_some()
            || self.cbr.loading
            || self.cbr.writing.is_some()
            || self.cbr.walk.running
            || self.switching.is_some()
    }

    /// Handles one message; returns what the run loop should do. Every footer message it
    /// leaves is also kept (the last [`MESSAGES_KEPT`]) for the request log view.
    pub fn update(&mut self, msg: Msg) -> Option<Effect> {
        let effect = self.update_inner(msg);
        if let Some(n) = &self.notice
            && self.messages.back().is_none_or(|(_, last)| last != n)
        {
            if self.messages.len() == MESSAGES_KEPT {
                self.messages.pop_front();
            }
            self.messages.push_back((self.now, n.clone()));
        }
        effect
    }

    fn update_inner(&mut self, msg: Msg) -> Option<Effect> {
        match msg {
            Msg::Key(key) => {
                if key.kind == KeyEventKind::Release {
                    return None;
                }
                if self.notice.take().is_some() {
                    self.dirty = true;
                }
                self.on_key(key)
            }
            Msg::Paste(text) => {
                if self.notice.take().is_some() {
                    self.dirty = true;
                }
                self.on_paste(&text)
            }
            Msg::Mouse(m) => self.on_mouse(m),
            Msg::Resize(w, h) => {
                self.size = (w, h);
                self.dirty = true;
                self.clamp_view();
                self.keep_selection_visible();
                None
            }
            Msg::Fetched(result) => self.on_fetched(*result),
            Msg::Tick => {
                if self.busy() {
                    self.spinner = self.spinner.wrapping_add(1);
                    self.dirty = true;
                }
                None
            }
            Msg::WatchTick => self.on_watch_tick(),
            Msg::Wrote(r) => self.on_wrote(*r),
            Msg::Cbr(news) => self.on_cbr(*news),
            Msg::Context(news) => self.on_context(*news),
            Msg::Prefetched { query, rows } => {
                self.on_prefetched(&query, rows);
                None
            }
            Msg::Export { id, event } => self.on_export_event(id, *event),
        }
    }

    /// Where each region of the screen goes in the current state.
    pub fn areas(&self) -> Areas {
        let error_lines = |cols: usize| match &self.error {
            Some(e) => content::error::lines(e, cols, &self.theme).len(),
            None => 0,
        };
        let open = self.error_open && self.error.is_some();
        layout::layout(
            self.area(),
            open.then_some(&error_lines as &dyn Fn(usize) -> usize),
        )
    }

    /// Rows of the table body on screen (at least one).
    pub fn body_height(&self) -> usize {
        self.areas().table_body.height.max(1) as usize
    }

    /// How far `view` can scroll, given the terminal size.
    pub fn view_max_scroll(&self, view: View) -> usize {
        let inner = layout::view_inner(self.areas().view);
        let lines = match view {
            View::Help { .. } => return content::help::max_scroll(self.area()),
            View::Detail { .. } => self.detail_lines(inner.width.into()).map_or(0, |l| l.len()),
            View::Raw { .. } => self.raw_lines(inner.width.into()).map_or(0, |l| l.len()),
            // Every line can be highlighted, the oldest included.
            View::Log { .. } => {
                return self
                    .request_log
                    .as_ref()
                    .map_or(0, |l| l.len().saturating_sub(1));
            }
        };
        lines.saturating_sub(inner.height.into())
    }

    /// The selected row's detail for `cols` columns, whichever service; `None` when
    /// nothing is selected.
    pub fn detail_lines(&self, cols: usize) -> Option<Vec<Line<'static>>> {
        use crate::schema::cbr::{MEMBER, SHARED_ALL};
        const SENT: &str = "Backup as sent";
        let (now, theme) = (self.now, &self.theme);
        if !self.is_cbr() {
            let (s, gone) = self.shown_sharing()?;
            let mut lines = content::detail::lines(s, cols, now, theme);
            if gone {
                lines.splice(0..0, vanished_lines(theme));
            }
            return Some(lines);
        }
        if let Some(r) = self.cbr_selected_shared() {
            let json = r.backup.to_json();
            let sent = Some((SENT, json.as_str()));
            return Some(content::detail::lines_of(
                &SHARED_ALL,
                r,
                sent,
                cols,
                now,
                theme,
            ));
        }
        let m = self.cbr_selected_member()?;
        let sent = m.backup_json.as_deref().map(|j| (SENT, j));
        Some(content::detail::lines_of(
            &MEMBER, m, sent, cols, now, theme,
        ))
    }

    /// The selected row's JSON as sent, as lines for `cols` columns.
    pub fn raw_lines(&self, cols: usize) -> Option<Vec<Line<'static>>> {
        let json = if !self.is_cbr() {
            let (s, gone) = self.shown_sharing()?;
            if gone {
                let mut lines = vanished_lines(&self.theme);
                lines.extend(content::raw::json_lines(&s.to_json(), cols, &self.theme));
                return Some(lines);
            }
            s.to_json()
        } else if let Some(r) = self.cbr_selected_shared() {
            r.backup.to_json()
        } else {
            self.cbr_selected_member()?.element_json()
        };
        Some(content::raw::json_lines(&json, cols, &self.theme))
    }

    /// The VBS sharing a view shows: the pinned one while a view is open (and whether it
    /// vanished), else the selected one.
    fn shown_sharing(&self) -> Option<(&Sharing, bool)> {
        match (&self.pinned, self.view) {
            (Some((s, gone)), Some(View::Detail { .. } | View::Raw { .. })) => Some((s, *gone)),
            _ => self.selected_row().map(|s| (s, false)),
        }
    }

    /// The request the log view highlights (newest first), if any.
    pub fn log_selected(&self) -> Option<crate::api::request_log::RequestRecord> {
        let Some(View::Log { scroll }) = self.view else {
            return None;
        };
        let all = self.request_log.as_ref()?.snapshot();
        all.into_iter().rev().nth(scroll)
    }

    /// The selected row's ID for a view's title: the sharing (VBS) or the backup (CBR).
    pub fn selected_id(&self) -> Option<&str> {
        if !self.is_cbr() {
            return self.shown_sharing()?.0.id.as_deref();
        }
        match (self.cbr_selected_shared(), self.cbr_selected_member()) {
            (Some(r), _) => r.backup.id.as_deref(),
            (_, Some(m)) => m.member.backup_id.as_deref(),
            _ => None,
        }
    }

    /// Moves the selection to `index` (clamped) and scrolls it into view.
    fn select(&mut self, index: usize) {
        let index = index.min(self.row_count().saturating_sub(1));
        if index != self.selected {
            self.selected = index;
            self.dirty = true;
            if let Some(View::Detail { scroll }) = &mut self.view {
                *scroll = 0;
            }
        }
        self.keep_selection_visible();
    }

    pub(super) fn keep_selection_visible(&mut self) {
        let h = self.body_height();
        let before = self.scroll;
        if self.selected < self.scroll {
            self.scroll = self.selected;
        } else if self.selected >= self.scroll + h {
            self.scroll = self.selected + 1 - h;
        }
        // No empty space below the last row when the page would fit.
        let max_scroll = self.row_count().saturating_sub(h);
        self.scroll = self.scroll.min(max_scroll);
        if self.scroll != before {
            self.dirty = true;
        }
    }

    /// Keeps the open view's scroll within its content.
    fn clamp_view(&mut self) {
        let Some(view) = self.view else { return };
        let max = self.view_max_scroll(view);
        if let Some(v) = &mut self.view {
            let scroll = v.scroll_mut();
            *scroll = (*scroll).min(max);
        }
    }

    fn copy(&mut self, backup: bool) -> Option<Effect> {
        let row = self.selected_row()?;
        let (what, id) = if backup {
            (
                "backup ID",
                row.backup_id
                    .clone()
                    .or_else(|| row.backup.as_ref()?.id.clone()),
            )
        } else {
            ("sharing ID", row.id.clone())
        };
        let id = id.filter(|s| !s.is_empty())?;
        self.notice = Some(format!("copied {what} {}", crate::text::sanitize(&id)));
        self.dirty = true;
        Some(Effect::Copy(id))
    }
}

/// The notice a view shows above a sharing that a refresh no longer has.
fn vanished_lines(theme: &Theme) -> Vec<Line<'static>> {
    vec![
        Line::styled(
            "This sharing no longer exists (cancelled, or gone from this page); its last \
             known fields:",
            theme.error,
        ),
        Line::default(),
    ]
}

#[cfg(test)]
mod tests;
