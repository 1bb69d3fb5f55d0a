//! Throughput of `obs trace` (bytes/s) on generated span NDJSON: the first pass alone (span lines
//! into narrow rows) and the whole of `obs trace stats` (first pass, trees, per-operation
//! percentiles and self time). The result is checked once against the generator's own counts.
//!
//! `cargo bench --bench trace` (OBS_BENCH_TRACES sets the size; default 5 000 traces, about
//! 82 000 spans). Peer comparisons live in `scripts/compare-trace.sh`.

#![allow(missing_docs, clippy::unwrap_used)]

use obs_testgen::spans;

use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

use obs::input::{ReadOptions, Source};
use obs::pipeline::accounting::{Ledger, OnError};
use obs::reduce::trace::analysis::{self, OpStats, StatKey};
use obs::reduce::trace::collect::{collect, Pass, Spans};
use obs::reduce::trace::format::{Decoding, InputFormat, SpanFields};
use obs::reduce::trace::ids::IdNames;
use obs::reduce::trace::sources::SpanSources;

fn first_pass(path: &Path, threads: usize) -> Spans {
    let dec = Decoding {
        forced: InputFormat::Auto,
        fields: SpanFields::default(),
        tz: chrono_tz::UTC,
    };
    let mut ids = IdNames::default();
    let sources = SpanSources::open(
        vec![Source::File(path.to_path_buf())],
        &dec,
        true,
        &mut ids,
        &obs::input::InputReport::default(),
    )
    .unwrap();
    let mut ledger = Ledger::new(vec!["bench".into()], OnError::Fail, None, None).unwrap();
    let pass = Pass {
        dec,
        threads,
        read: ReadOptions::default(),
        keep_raw_rejects: false,
        only: Vec::new(),
        // As `obs trace stats` reads: no span is read back.
        locations: false,
    };
    collect(&sources, ids, &pass, &mut ledger).unwrap().0
}

fn stats(path: &Path, threads: usize) -> (usize, Vec<OpStats>) {
    let spans = first_pass(path, threads);
    let (groups, traces) = analysis::stats(&spans, &[StatKey::Service, StatKey::Name]);
    (traces, groups)
}

fn benches(c: &mut Criterion) {
    let traces = std::env::var("OBS_BENCH_TRACES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5_000);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("spans.ndjson");
    spans::generate(
        &spans::Spec {
            traces,
            ..spans::Spec::default()
        },
        &mut std::fs::File::create(&path).unwrap(),
    )
    .unwrap();
    let data = std::fs::read(&path).unwrap();
    let lines = data.iter().filter(|&&b| b == b'\n').count();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());

    let (found, groups) = stats(&path, threads);
    assert_eq!(found as u64, traces);
    assert_eq!(
        groups.iter().map(|g| g.durations.len()).sum::<usize>(),
        lines
    );

    let mut g = c.benchmark_group("trace");
    g.throughput(Throughput::Bytes(data.len() as u64));
    g.sample_size(10);
    g.bench_function("first_pass_rows", |b| {
        b.iter(|| first_pass(&path, threads).rows.len())
    });
    g.bench_function("stats_by_service_name", |b| {
        b.iter(|| stats(&path, threads))
    });
    g.finish();
}

criterion_group!(trace_benches, benches);
criterion_main!(trace_benches);
