//! Browser micro benchmarks: drawing a 1,000-row page at 200x60 into `TestBackend`, and
//! one `App::update` for a keystroke.

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::Terminal;
use ratatui::backend::TestBackend;
use vbshare::api::ListQuery;
use vbshare::tui::app::{App, Effect, Msg};
use vbshare::tui::worker::FetchResult;
use vbshare::tui::{HeaderInfo, Options, ui};

/// An App at 200x60 showing a page of 1,000 sharings from the embedded server's data set.
fn loaded() -> App {
    let options = Options {
        header: HeaderInfo {
            profile: "bench".into(),
            region: "eu-de".into(),
            project_id: vbshare::server::DEMO_PROJECT_ID.into(),
            project_name: None,
            endpoint_host: "127.0.0.1:8776".into(),
            insecure: false,
        },
        initial: ListQuery {
            limit: Some(1000),
            ..ListQuery::default()
        },
        no_color: false,
        ..Options::default()
    };
    let mut app = App::new(&options, 1_764_201_600);
    let _ = app.update(Msg::Resize(200, 60));
    let Some(Effect::Fetch(req)) = app.start() else {
        panic!("the first effect is a fetch")
    };
    let rows: Vec<_> = vbshare::server::seed::generate(42, 2000, 1_767_225_600)
        .into_iter()
        .filter(|s| s.from_project_id.as_deref() == Some(vbshare::server::DEMO_PROJECT_ID))
        .take(1000)
        .collect();
    assert_eq!(rows.len(), 1000);
    let _ = app.update(Msg::Fetched(Box::new(FetchResult {
        generation: req.generation,
        list: Ok(rows),
        count: Some(Ok(1010)),
        other_count: None,
        latency: Duration::from_millis(5),
    })));
    app
}

fn benches(c: &mut Criterion) {
    let app = loaded();
    let mut term = Terminal::new(TestBackend::new(200, 60)).expect("test backend");
    c.bench_function("draw_1000_rows_200x60", |b| {
        b.iter(|| {
            term.draw(|f| ui::draw(f, black_box(&app))).expect("draw");
        });
    });

    let mut app = loaded();
    let down = KeyEvent::new(KeyCode::Char('j'), KeyModifiers::NONE);
    let up = KeyEvent::new(KeyCode::Char('k'), KeyModifiers::NONE);
    c.bench_function("update_keystroke", |b| {
        b.iter(|| {
            black_box(app.update(Msg::Key(down)));
            black_box(app.update(Msg::Key(up)));
        });
    });
}

criterion_group!(tui, benches);
criterion_main!(tui);
