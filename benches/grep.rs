//! Throughput of the grep pipeline (bytes/s) on generated payment logs, for the three shapes that
//! matter: a selective field query the raw-byte prefilter serves, a query that must decode every
//! line, and the same with raw NDJSON output. Each asserts its result once against a count made
//! independently with a full serde_json parse.
//!
//! `cargo bench --bench grep` (set OBS_BENCH_LINES to change the data size; default 100 000 lines,
//! about 74 MB). Peer comparisons live in `scripts/compare-grep.sh`.

#![allow(missing_docs, clippy::unwrap_used)]

use obs_testgen::logs;

use std::path::Path;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};

use obs::expr::Expr;
use obs::input::{ChunkReader, ReadOptions, Source};
use obs::output::ndjson::RawLines;
use obs::output::{CountOnly, Render, Sink};
use obs::pipeline::{run_ordered, Flow, Window};
use obs::record::time::TimeSpec;
use obs::stage::filter::{Filter, FilterSpec};

/// Runs `expr` over `path`, returning the number of matching lines; `sink` receives the output.
fn grep(path: &Path, expr: &str, render: &dyn Render, sink: &mut dyn Sink, threads: usize) -> u64 {
    let filter = Filter::new(FilterSpec {
        expr: Some(Expr::parse(expr).unwrap()),
        raw: Vec::new(),
        invert: false,
        since: None,
        until: None,
        time: TimeSpec::new(None, None).unwrap(),
        validate: false,
        keep_raw_rejects: false,
        needs: render.needs(),
        reads: render.reads(),
        parse: None,
    })
    .unwrap();
    let reader = ChunkReader::new(
        vec![Source::File(path.to_path_buf())],
        ReadOptions::default(),
    );
    let mut matched = 0;
    run_ordered::<_, _, _, obs::error::ObsError>(
        reader,
        threads,
        Window::Streaming,
        |chunk| obs::cmd::grep::filter_chunk(&filter, chunk, render),
        |_, out| {
            matched += out.counts.emitted;
            sink.write(&out.rendered, out.rendered.marks.len())?;
            Ok(Flow::Continue)
        },
    )
    .unwrap();
    matched
}

/// A sink that drops what it is given (the cost of formatting is in the renderer).
struct Discard;
impl Sink for Discard {
    fn write(
        &mut self,
        r: &obs::output::Rendered,
        take: usize,
    ) -> Result<(), obs::error::ObsError> {
        std::hint::black_box(r.marks.get(..take));
        Ok(())
    }
    fn finish(self: Box<Self>) -> Result<(), obs::error::ObsError> {
        Ok(())
    }
}

/// Writes raw lines to a sink that discards bytes: the full output path without the device.
fn raw_sink() -> obs::output::RawLineSink {
    obs::output::RawLineSink::new(
        obs::output::Destination::open(Some(&"/dev/null".into())).unwrap(),
    )
}

fn expected(data: &[u8], pred: impl Fn(&serde_json::Value) -> bool) -> u64 {
    data.split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .filter(|l| pred(&serde_json::from_slice(l).unwrap()))
        .count() as u64
}

fn benches(c: &mut Criterion) {
    let lines = std::env::var("OBS_BENCH_LINES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(100_000);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bench.ndjson");
    let spec = logs::Spec {
        lines,
        seed: 5,
        ..logs::Spec::default()
    };
    logs::generate(&spec, &mut std::fs::File::create(&path).unwrap()).unwrap();
    let data = std::fs::read(&path).unwrap();
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());

    let selective = "level=ERROR and service=payment-service";
    let want_sel = expected(&data, |v| {
        v["level"] == "ERROR" && v["service"] == "payment-service"
    });
    let want_all = expected(&data, |v| v["amount"].as_f64().is_some_and(|a| a > 100.0));
    assert_eq!(
        grep(&path, selective, &CountOnly, &mut Discard, threads),
        want_sel
    );
    assert_eq!(
        grep(&path, "amount>100", &CountOnly, &mut Discard, threads),
        want_all
    );
    assert_eq!(
        grep(&path, "amount>100", &RawLines, &mut raw_sink(), threads),
        want_all
    );

    let mut g = c.benchmark_group("grep");
    g.throughput(Throughput::Bytes(data.len() as u64));
    g.sample_size(20);
    g.bench_function("selective_prefiltered", |b| {
        b.iter(|| grep(&path, selective, &CountOnly, &mut Discard, threads))
    });
    g.bench_function("decode_every_line_count", |b| {
        b.iter(|| grep(&path, "amount>100", &CountOnly, &mut Discard, threads))
    });
    g.bench_function("decode_every_line_raw_output", |b| {
        b.iter(|| grep(&path, "amount>100", &RawLines, &mut raw_sink(), threads))
    });
    g.bench_function("decode_every_line_one_thread", |b| {
        b.iter(|| grep(&path, "amount>100", &CountOnly, &mut Discard, 1))
    });
    g.finish();
}

criterion_group!(grep_benches, benches);
criterion_main!(grep_benches);
