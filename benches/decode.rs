//! The line decoders side by side on the same lines (bytes/s): what obs's hand-written flat
//! scanner buys over the general decoders it could use instead.
//!
//! * `serde_json/full`: `serde_json::from_slice::<Value>`, the whole line into a tree.
//! * `sonic_rs/full`: `sonic_rs::from_slice::<sonic_rs::Value>`, checked, the whole line.
//! * `sonic_rs/get_many`: sonic-rs's lazy `get_many` of the projected keys only (checked).
//! * `obs/serde_route`: obs's strict serde decoder of the projected keys (the route every line
//!   the scanner is unsure of takes), into borrowed cells.
//! * `obs/flat`: obs's flat scanner (`decode::flat::decode_cells`), which reads the projected
//!   values through the learnt shapes and validates the rest of the line as it goes.
//!
//! Three sets of lines: payment logs (`grep`/`aggregate`'s projection of three keys), span
//! lines (`trace`'s seven role fields, ids as hex), and the same payment logs with every string
//! written with a JSON escape, where the flat scanner hands every line to the serde route.
//! Each decoder is checked once to find the projected values on the first line.
//!
//! `cargo bench --bench decode` (OBS_BENCH_LINES sets the number of lines; default 20 000).

#![allow(missing_docs, clippy::unwrap_used)]

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};

use obs::decode::cell::Cell;
use obs::decode::flat::{decode_cells, CellSlots};
use obs::decode::json::{decode_projected_as, Projection};
use obs_testgen::{logs, spans};

/// A named set of lines and the keys read from each.
struct Lines {
    name: &'static str,
    lines: Vec<Vec<u8>>,
    keys: Vec<&'static str>,
    hex: Vec<usize>,
}

fn count() -> u64 {
    std::env::var("OBS_BENCH_LINES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20_000)
}

fn split(text: Vec<u8>, n: usize) -> Vec<Vec<u8>> {
    text.split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .take(n)
        .map(<[u8]>::to_vec)
        .collect()
}

fn payment_lines(n: u64) -> Vec<Vec<u8>> {
    let mut text = Vec::new();
    let spec = logs::Spec {
        lines: n,
        seed: 11,
        ..logs::Spec::default()
    };
    logs::generate(&spec, &mut text).unwrap();
    split(text, n as usize)
}

/// Every string value's first letter written as a `\u` escape: the same values, but no line
/// the flat scanner accepts.
fn escaped(lines: &[Vec<u8>]) -> Vec<Vec<u8>> {
    lines
        .iter()
        .map(|l| {
            let mut v: serde_json::Value = serde_json::from_slice(l).unwrap();
            let obj = v.as_object_mut().unwrap();
            let mut out = String::from("{");
            for (i, (k, val)) in obj.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&serde_json::to_string(k).unwrap());
                out.push(':');
                match val {
                    serde_json::Value::String(s) if !s.is_empty() => {
                        let mut chars = s.chars();
                        let first = chars.next().unwrap_or(' ');
                        let rest: String = chars.collect();
                        let quoted = serde_json::to_string(&rest).unwrap();
                        out.push_str(&format!("\"\\u{:04x}{}", first as u32, &quoted[1..]));
                    }
                    other => out.push_str(&other.to_string()),
                }
            }
            out.push('}');
            out.into_bytes()
        })
        .collect()
}

fn span_lines(n: u64) -> Vec<Vec<u8>> {
    let mut text = Vec::new();
    let spec = spans::Spec {
        traces: n / 10 + 1,
        ..spans::Spec::default()
    };
    spans::generate(&spec, &mut text).unwrap();
    split(text, n as usize)
}

fn sets() -> Vec<Lines> {
    let n = count();
    let payments = payment_lines(n);
    let escaped = escaped(&payments);
    let pay_keys = vec!["level", "service", "amount"];
    vec![
        Lines {
            name: "payments",
            lines: payments,
            keys: pay_keys.clone(),
            hex: vec![],
        },
        Lines {
            name: "spans",
            lines: span_lines(n),
            keys: vec![
                "trace_id",
                "span_id",
                "parent_span_id",
                "name",
                "service",
                "start_time",
                "end_time",
            ],
            hex: vec![0, 1, 2],
        },
        Lines {
            name: "escaped",
            lines: escaped,
            keys: pay_keys,
            hex: vec![],
        },
    ]
}

fn projection(set: &Lines) -> Projection {
    let mut p = Projection::new(set.keys.iter().map(|k| k.to_string()));
    for &h in &set.hex {
        p.mark_hex(h);
    }
    p
}

fn pointer_tree(set: &Lines) -> sonic_rs::PointerTree {
    let mut tree = sonic_rs::PointerTree::new();
    for k in &set.keys {
        tree.add_path([*k]);
    }
    tree
}

/// How many projected values a decoder found over all lines: a checksum that keeps the work
/// from being optimised away and shows every decoder read the same lines.
fn flat(lines: &[Vec<u8>], proj: &Projection) -> usize {
    let mut found = 0;
    // One scratch for all lines, as a worker keeps one per chunk: it holds the learnt shapes.
    let mut slots = CellSlots::default();
    for l in lines {
        decode_cells(l, proj, &mut slots).unwrap();
        found += slots.cells().iter().flatten().count();
    }
    found
}

fn serde_route(lines: &[Vec<u8>], proj: &Projection) -> usize {
    let mut found = 0;
    let mut cells: Vec<Option<Cell>> = Vec::new();
    for l in lines {
        decode_projected_as(l, proj, &mut cells).unwrap();
        found += cells.iter().flatten().count();
    }
    found
}

fn serde_full(lines: &[Vec<u8>], keys: &[&str]) -> usize {
    let mut found = 0;
    for l in lines {
        let v: serde_json::Value = serde_json::from_slice(l).unwrap();
        found += keys.iter().filter(|k| v.get(**k).is_some()).count();
    }
    found
}

fn sonic_full(lines: &[Vec<u8>], keys: &[&str]) -> usize {
    use sonic_rs::JsonValueTrait as _;
    let mut found = 0;
    for l in lines {
        let v: sonic_rs::Value = sonic_rs::from_slice(l).unwrap();
        found += keys.iter().filter(|k| v.get(**k).is_some()).count();
    }
    found
}

fn sonic_get_many(lines: &[Vec<u8>], tree: &sonic_rs::PointerTree) -> usize {
    let mut found = 0;
    for l in lines {
        let got = sonic_rs::get_many(l.as_slice(), tree).unwrap();
        found += got.iter().flatten().count();
    }
    found
}

fn bench(c: &mut Criterion) {
    for set in sets() {
        let proj = projection(&set);
        let tree = pointer_tree(&set);
        let lines = &set.lines;
        let bytes: usize = lines.iter().map(|l| l.len() + 1).sum();
        // Every decoder finds the same values, on the first line and over all of them.
        let first = std::slice::from_ref(&lines[0]);
        let want = flat(first, &proj);
        assert!(want >= 2, "{}: {want} keys found", set.name);
        assert_eq!(serde_route(first, &proj), want);
        assert_eq!(serde_full(first, &set.keys), want);
        assert_eq!(sonic_full(first, &set.keys), want);
        assert_eq!(sonic_get_many(first, &tree), want);
        let total = flat(lines, &proj);
        assert_eq!(serde_route(lines, &proj), total);

        let mut g = c.benchmark_group(format!("decode/{}", set.name));
        g.throughput(Throughput::Bytes(bytes as u64));
        g.sample_size(10);
        g.bench_function(BenchmarkId::new("serde_json", "full"), |b| {
            b.iter(|| serde_full(lines, &set.keys))
        });
        g.bench_function(BenchmarkId::new("sonic_rs", "full"), |b| {
            b.iter(|| sonic_full(lines, &set.keys))
        });
        g.bench_function(BenchmarkId::new("sonic_rs", "get_many"), |b| {
            b.iter(|| sonic_get_many(lines, &tree))
        });
        g.bench_function(BenchmarkId::new("obs", "serde_route"), |b| {
            b.iter(|| serde_route(lines, &proj))
        });
        g.bench_function(BenchmarkId::new("obs", "flat"), |b| {
            b.iter(|| flat(lines, &proj))
        });
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
