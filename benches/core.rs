//! Micro benchmarks for the numbers BENCHMARKS.md reports: parsing a 1,000-sharing page,
//! writing it as ndjson (to a file, and re-escaped for a terminal), signing a request, and
//! encoding a query.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use vbshare::api::model::parse_list;
use vbshare::api::query::{Filters, ListQuery, SortDir, SortKey};
use vbshare::api::sign::{AkSk, SignInput, authorization};
use vbshare::export::{ExportFormat, RowWriter};
use vbshare::output::safe::Sink;

/// A list body of `n` sharings shaped like the documented example.
fn page(n: usize) -> String {
    let items: Vec<String> = (0..n)
        .map(|i| {
            format!(
                r#"{{"backup":{{"availability_zone":"eu-de-0{az}","container":null,"created_at":"2017-08-08T04:03:27.456859","data_timestamp":"2017-08-08T04:03:27.456859","description":null,"fail_reason":null,"has_dependent_backups":null,"id":"066b1e37-9305-4057-97e5-2e99b21f{i:04x}","is_incremental":true,"name":"db-prod-nightly-{i}","object_count":{i},"size":{size},"snapshot_id":null,"status":"available","updated_at":"2017-08-08T04:03:35.109308","volume_id":"a7d7783f-02b7-4645-b0e3-61df63f0ba10","service_metadata":"{{\"type\":\"incremental\"}}"}},"backup_id":"066b1e37-9305-4057-97e5-2e99b21f{i:04x}","created_at":"2017-08-10T12:25:40.480424","from_project_id":"c13f5220dc1949b0b741ea81a7cd5554","id":"e842bf23-1e05-4c2c-b0f9-25222f46{i:04x}","to_project_id":"722513ed0a324dadaabe5b2d0fe848b9","updated_at":null}}"#,
                az = i % 3 + 1,
                size = 1 + i * 7 % 32768,
            )
        })
        .collect();
    format!(r#"{{"shared":[{}]}}"#, items.join(","))
}

fn benches(c: &mut Criterion) {
    let body = page(1000);
    c.bench_function("parse_page_1000", |b| {
        b.iter(|| parse_list(black_box(&body)).map(|v| v.len()));
    });

    // `list --all -o ndjson`'s work per page after parsing: to a pipe (the server's text)
    // and to a terminal (every row scanned by `json_for_terminal`).
    let rows = parse_list(&body).unwrap_or_default();
    let mut out = Vec::with_capacity(body.len() * 2);
    for (name, terminal) in [
        ("ndjson_page_1000_file", false),
        ("ndjson_page_1000_terminal", true),
    ] {
        let sink = Sink {
            terminal,
            csv_raw: false,
        };
        c.bench_function(name, |b| {
            b.iter(|| {
                out.clear();
                let mut w = RowWriter::new(ExportFormat::Ndjson, sink);
                for r in black_box(&rows) {
                    w.row(&mut out, r).ok();
                }
                out.len()
            });
        });
    }

    let query = ListQuery {
        filters: Filters {
            share_to_me: true,
            name: "db nightly+1 备份".into(),
            status: "available".into(),
            availability_zone: "eu-de-01".into(),
            ..Filters::default()
        },
        sort_key: Some(SortKey::Size),
        sort_dir: Some(SortDir::Asc),
        limit: Some(50),
        offset: Some(100),
    };
    c.bench_function("encode_query", |b| {
        b.iter(|| black_box(&query).canonical_query());
    });

    let creds = AkSk {
        access_key: "QTWAOYTTINDUT2QVKYUC".into(),
        secret_key: "MFyfvK41ba2giqM7Uio6PznpdUKGpownRZlmVmHc".into(),
        security_token: None,
    };
    let q = query.canonical_query();
    c.bench_function("sign_request", |b| {
        b.iter(|| {
            let headers = [
                ("host", "vbs.eu-de.otc.t-systems.com"),
                ("x-project-id", "c13f5220dc1949b0b741ea81a7cd5554"),
                ("x-sdk-date", "20191115T033655Z"),
            ];
            let input = SignInput {
                method: "GET",
                path: "/v2/c13f5220dc1949b0b741ea81a7cd5554/os-vendor-backup-sharing/detail",
                query: &q,
                headers: &headers,
                body: b"",
            };
            authorization(black_box(&input), "20191115T033655Z", &creds)
        });
    });
}

fn server(c: &mut Criterion) {
    c.bench_function("seed_generate_100k", |b| {
        b.iter(|| vbshare::server::seed::generate(42, black_box(100_000), 1_767_225_600).len());
    });
}

criterion_group! {
    name = heavy;
    config = Criterion::default().sample_size(10);
    targets = server
}
criterion_group!(core, benches);
criterion_main!(core, heavy);
