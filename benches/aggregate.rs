//! Throughput of `obs aggregate` (bytes/s) on generated payment logs: the dashboard query (count,
//! sum, avg, p95 by service and payment method) and the error histogram per 5 minutes that the
//! raw-byte prefilter serves. Each asserts its result once against counts made independently with
//! a full serde_json parse.
//!
//! `cargo bench --bench aggregate` (OBS_BENCH_LINES sets the size; default 100 000 lines).
//! Peer comparisons live in `scripts/compare-aggregate.sh`.

#![allow(missing_docs, clippy::unwrap_used)]

use obs_testgen::logs;

use std::collections::HashSet;
use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

use obs::expr::Expr;
use obs::input::{ChunkReader, ReadOptions, Source};
use obs::pipeline::{run_ordered, Flow, Window};
use obs::record::time::TimeSpec;
use obs::record::FieldPath;
use obs::reduce::aggregate::every::Every;
use obs::reduce::aggregate::frame::{self, GroupRow};
use obs::reduce::aggregate::plan::{Plan, DEFAULT_WEIGHT};
use obs::reduce::aggregate::spec::{parse_keys, parse_metrics};
use obs::stage::filter::{Filter, FilterSpec};

fn aggregate(
    path: &Path,
    by: &str,
    agg: &str,
    every: Option<&str>,
    filter: Option<&str>,
    threads: usize,
) -> Vec<GroupRow> {
    let time = TimeSpec::new(None, Some("Asia/Kolkata")).unwrap();
    let plan = Plan::new(
        parse_keys(&[by.to_string()]).unwrap(),
        parse_metrics(&[agg.to_string()]).unwrap(),
        every.map(|e| Every::parse(e).unwrap()),
        FieldPath::parse(DEFAULT_WEIGHT).unwrap(),
    );
    let filter = Filter::new(FilterSpec {
        expr: filter.map(|f| Expr::parse(f).unwrap()),
        raw: Vec::new(),
        invert: false,
        since: None,
        until: None,
        time: time.clone(),
        validate: false,
        keep_raw_rejects: false,
        needs: plan.needs(&time),
        parse: None,
        reads: obs::record::Reads::Fields,
    })
    .unwrap();
    let reader = ChunkReader::new(
        vec![Source::File(path.to_path_buf())],
        ReadOptions::default(),
    );
    let mut all = plan.columns();
    run_ordered::<_, _, _, obs::error::ObsError>(
        reader,
        threads,
        Window::Reducing,
        |chunk| {
            let mut cols = plan.columns();
            filter.scan(&chunk, &mut |rec| {
                plan.observe(rec, &time, &mut cols);
                Ok(())
            });
            cols
        },
        |_, cols| {
            all.append(cols);
            Ok(Flow::Continue)
        },
    )
    .unwrap();
    frame::aggregate(all, &plan).unwrap()
}

fn total_count(rows: &[GroupRow]) -> u64 {
    rows.iter()
        .map(|r| r.metrics[0].as_ref().and_then(|v| v.as_u64()).unwrap_or(0))
        .sum()
}

fn benches(c: &mut Criterion) {
    let lines = std::env::var("OBS_BENCH_LINES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bench.ndjson");
    logs::generate(
        &logs::Spec {
            lines,
            seed: 5,
            ..logs::Spec::default()
        },
        &mut std::fs::File::create(&path).unwrap(),
    )
    .unwrap();
    let data = std::fs::read(&path).unwrap();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let parsed: Vec<serde_json::Value> = data
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).unwrap())
        .collect();
    let groups: HashSet<(String, String)> = parsed
        .iter()
        .map(|v| (v["service"].to_string(), v["payment_method"].to_string()))
        .collect();
    let errors = parsed.iter().filter(|v| v["level"] == "ERROR").count() as u64;

    let metrics = "count, sum(amount), avg(response_time_ms), p95(response_time_ms)";
    let rows = aggregate(
        &path,
        "service,payment_method",
        metrics,
        None,
        None,
        threads,
    );
    assert_eq!(
        (rows.len(), total_count(&rows)),
        (groups.len(), parsed.len() as u64)
    );
    let rows = aggregate(
        &path,
        "gateway",
        "count",
        Some("5m"),
        Some("level=ERROR"),
        threads,
    );
    assert_eq!(total_count(&rows), errors);

    let mut g = c.benchmark_group("aggregate");
    g.throughput(Throughput::Bytes(data.len() as u64));
    g.sample_size(10);
    g.bench_function("dashboard_metrics_by_service_method", |b| {
        b.iter(|| {
            aggregate(
                &path,
                "service,payment_method",
                metrics,
                None,
                None,
                threads,
            )
        })
    });
    g.bench_function("error_histogram_5m_by_gateway", |b| {
        b.iter(|| {
            aggregate(
                &path,
                "gateway",
                "count",
                Some("5m"),
                Some("level=ERROR"),
                threads,
            )
        })
    });
    g.finish();
}

criterion_group!(aggregate_benches, benches);
criterion_main!(aggregate_benches);
