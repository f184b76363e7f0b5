//! Deterministic sharings and a helper to render frames, for the TUI's tests.

use std::fmt::Write as _;
use std::time::Duration;

use ratatui::Terminal;
use ratatui::backend::TestBackend;

use super::app::{App, Msg};
use super::worker::FetchResult;
use super::{HeaderInfo, Options};
use crate::api::model::{Sharing, parse_list};

/// The clock of every test frame: 2025-06-01 00:00:00 UTC.
pub const NOW: i64 = 1_748_736_000;

pub const OWN_PROJECT: &str = "0605767e2a7c4e1c9c7e6a1f3f0b7d2f";
const OTHERS: [&str; 3] = [
    "722513ed0a324dadaabe5b2d0fe848c9",
    "5e2a7b1c9d8f4e3a8b6c0d1e2f3a4b5c",
    "9f8e7d6c5b4a49382716f5e4d3c2b1a0",
];
const STATUSES: [&str; 6] = [
    "available",
    "available",
    "creating",
    "error",
    "restoring",
    "error_restoring",
];
const AZS: [&str; 3] = ["eu-de-01", "eu-de-02", "eu-de-03"];

fn hex(seed: u64, len: usize) -> String {
    let mut x = seed
        .wrapping_mul(6_364_136_223_846_793_005)
        .wrapping_add(1_442_695_040_888_963_407);
    let mut out = String::new();
    while out.len() < len {
        x ^= x >> 33;
        x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
        let _ = write!(out, "{x:016x}");
    }
    out.truncate(len);
    out
}

fn uuid(seed: u64) -> String {
    let h = hex(seed, 32);
    format!(
        "{}-{}-{}-{}-{}",
        &h[..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..]
    )
}

/// The JSON of sharing number `i` with backup `name`.
pub fn sharing_json(i: u64, name: &str) -> String {
    let status = STATUSES[(i % 6) as usize];
    let created = NOW - 86_400 * (3 + i as i64 * 7) - 3_600 * (i as i64 % 24);
    let t = |secs: i64| crate::api::time::Timestamp::from_unix(secs, 480_424_000).to_vbs_string();
    let desc = if i.is_multiple_of(4) {
        r#""{\"owner\":\"ops\",\"ticket\":4711}""#
    } else {
        "null"
    };
    let fail = if status.starts_with("error") {
        r#""disk I/O timeout""#
    } else {
        "null"
    };
    format!(
        r#"{{"id":"{id}","backup_id":"{bid}","from_project_id":"{own}","to_project_id":"{to}","created_at":"{c}","updated_at":{u},"backup":{{"id":"{bid}","name":{name},"status":"{status}","size":{size},"volume_id":"{vol}","snapshot_id":null,"availability_zone":"{az}","container":"{vol}","description":{desc},"fail_reason":{fail},"created_at":"{bc}","updated_at":"{c}","data_timestamp":"{bc}","object_count":{objects},"is_incremental":{inc},"has_dependent_backups":false,"service_metadata":"{{\"type\":\"backup\",\"ChecksumSHA256\":\"{sum}\"}}"}}}}"#,
        id = uuid(i * 3 + 1),
        bid = uuid(i * 3 + 2),
        own = OWN_PROJECT,
        to = OTHERS[(i % 3) as usize],
        c = t(created),
        u = if i.is_multiple_of(5) {
            "null".to_owned()
        } else {
            format!("\"{}\"", t(created + 600))
        },
        name = serde_json::Value::String(name.to_owned()),
        size = [10, 40, 100, 1536, 2048][(i % 5) as usize],
        vol = uuid(i * 3 + 3),
        az = AZS[(i % 3) as usize],
        bc = t(created - 120),
        objects = if i.is_multiple_of(7) {
            "null".to_owned()
        } else {
            (i * 97).to_string()
        },
        inc = if i.is_multiple_of(2) { "true" } else { "false" },
        sum = hex(i + 99, 16),
    )
}

/// Parses a list of sharing objects as the client would.
pub fn parse(objects: &[String]) -> Vec<Sharing> {
    parse_list(&format!("{{\"shared\":[{}]}}", objects.join(","))).unwrap()
}

/// `n` sharings named like real backups, numbered from `first`.
pub fn page(first: u64, n: u64) -> Vec<Sharing> {
    let kinds = [
        "db-prod",
        "web-frontend",
        "analytics-warehouse",
        "mail",
        "ci-runner-cache",
    ];
    let objects: Vec<String> = (first..first + n)
        .map(|i| sharing_json(i, &format!("{}-{:04}", kinds[(i % 5) as usize], i + 1)))
        .collect();
    parse(&objects)
}

/// The options of every test App.
pub fn options() -> Options {
    Options {
        header: HeaderInfo {
            profile: "demo".into(),
            region: "eu-de".into(),
            project_id: OWN_PROJECT.into(),
            project_name: None,
            endpoint_host: "127.0.0.1:8780".into(),
            insecure: false,
        },
        no_color: true,
        ..Options::default()
    }
}

/// A fresh App of size `w`x`h` after its first fetch was sent.
pub fn app(w: u16, h: u16) -> App {
    let mut app = App::new(&options(), NOW);
    app.update(Msg::Resize(w, h));
    let _ = app.start();
    app
}

/// Answers the App's current generation with `rows` and `total`.
pub fn answer(app: &mut App, rows: Vec<Sharing>, total: u64) {
    let generation = app.generation;
    let _ = app.update(Msg::Fetched(Box::new(FetchResult {
        generation,
        list: Ok(rows),
        count: Some(Ok(total)),
        other_count: None,
        latency: Duration::from_millis(42),
    })));
}

/// An App of size `w`x`h` showing the first page of 1,234 sharings.
pub fn loaded(w: u16, h: u16) -> App {
    let mut app = app(w, h);
    answer(&mut app, page(0, 50), 1234);
    app
}

/// Renders the App into a `w`x`h` test terminal and returns the text.
pub fn render(app: &App, w: u16, h: u16) -> String {
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| super::ui::draw(f, app)).unwrap();
    super::ui::buffer_text(term.backend().buffer())
}
