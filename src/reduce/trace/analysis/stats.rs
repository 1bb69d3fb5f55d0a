//! Per-operation statistics: latency percentiles, errors and self time per group of spans.

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use serde_json::{json, Map, Value};

use crate::output::cell::round3;
use crate::reduce::trace::collect::Spans;
use crate::reduce::trace::partition::Grouping;
use crate::reduce::trace::row::Row;
use crate::reduce::trace::span::Kind;
use crate::reduce::trace::tree::{self, Links};

/// What `obs trace stats` groups by (`--by`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StatKey {
    /// The service.
    Service,
    /// The operation name (also spelled `operation`).
    #[value(alias = "operation")]
    Name,
    /// The span kind.
    Kind,
}

/// Latency, errors and self time of one group of spans.
#[derive(Debug, Clone, Default)]
pub struct OpStats {
    /// Key codes (service / name code, or kind), in `--by` order.
    pub key: Vec<u32>,
    /// Span durations, ns, in no particular order.
    pub durations: Vec<i64>,
    /// p50, p95 and p99 of the durations, ns ([`quantiles`]); set once the group is complete.
    pub percentiles: [Option<f64>; 3],
    /// Longest duration, ns.
    pub max: i64,
    /// Failed spans.
    pub errors: u64,
    /// Sum of self times, ns.
    pub self_time: i64,
    /// Traces the group appears in.
    pub traces: u64,
}

impl OpStats {
    /// Adds `other`'s counts; durations are merged apart, all at once (see [`stats`]).
    fn absorb(&mut self, other: OpStats) {
        debug_assert!(
            other.percentiles.iter().all(Option::is_none) && other.durations.is_empty(),
            "merged before summing up, or with its durations"
        );
        self.errors += other.errors;
        self.self_time += other.self_time;
        self.traces += other.traces;
    }
}

/// A group key: up to three codes (`--by` has at most service, name and kind).
type GroupKey = [u32; 3];

/// One worker's groups, found by key: in a table indexed by the codes themselves when there
/// are few enough combinations (a hash per span showed in profiles of `benches/trace.rs`'s
/// `stats_by_service_name`), else by a cheap hash.
#[derive(Default)]
struct Groups {
    /// Size of each key code's range (1 for an unused one).
    dims: [usize; 3],
    /// Slot + 1 (0: none yet) of each key, at `(k0 * dims[1] + k1) * dims[2] + k2`; empty
    /// when the combinations are too many.
    dense: Vec<u32>,
    index: FxHashMap<GroupKey, u32>,
    groups: Vec<(GroupKey, OpStats)>,
    /// The trace each group was last seen in (traces numbered from 1 per worker), so that a
    /// group counts each trace once without collecting and sorting a trace's groups.
    last: Vec<usize>,
}

impl Groups {
    /// Combinations up to which the dense table is used (it is allocated per worker split).
    const DENSE_MAX: usize = 1 << 14;

    fn new(dims: [usize; 3]) -> Groups {
        let size = dims.iter().try_fold(1usize, |a, &d| a.checked_mul(d));
        Groups {
            dims,
            dense: match size {
                Some(n) if n <= Self::DENSE_MAX => vec![0; n],
                _ => Vec::new(),
            },
            ..Groups::default()
        }
    }

    /// Where `key` is in the dense table, when its codes are within the table's ranges.
    fn dense_at(&self, key: GroupKey) -> Option<usize> {
        let [a, b, c] = key.map(|k| k as usize);
        (b < self.dims[1] && c < self.dims[2]).then(|| (a * self.dims[1] + b) * self.dims[2] + c)
    }

    fn slot(&mut self, key: GroupKey) -> u32 {
        // A group met before in the dense table is answered here, inlined into the per-span
        // loop; the rest out of line, whose registers every call saved and restored otherwise.
        let known = self.dense_at(key).and_then(|at| self.dense.get(at));
        if let Some(&e) = known.filter(|&&e| e != 0) {
            return e - 1;
        }
        self.add_or_find(key)
    }

    /// [`Groups::slot`] of a key that is new, or that the dense table does not hold.
    #[inline(never)]
    fn add_or_find(&mut self, key: GroupKey) -> u32 {
        let next = self.groups.len() as u32;
        let slot = match self.dense_at(key).and_then(|at| self.dense.get_mut(at)) {
            Some(e) => {
                if *e == 0 {
                    *e = next + 1;
                }
                *e - 1
            }
            None => *self.index.entry(key).or_insert(next),
        };
        if slot == next {
            self.groups.push((key, OpStats::default()));
            self.last.push(0);
        }
        slot
    }
}

/// One worker's share of the statistics: its groups, and the buffers it reuses from partition
/// to partition and from trace to trace.
struct Piece {
    groups: Groups,
    /// Traces met so far (numbered from 1).
    traces: usize,
    links: Links,
    rows: Vec<Row>,
    lens: Vec<u32>,
    scratch: Grouping,
    /// One span's children's (start, end).
    kids: Vec<(i64, i64)>,
}

impl Piece {
    fn new(dims: [usize; 3]) -> Piece {
        Piece {
            groups: Groups::new(dims),
            traces: 0,
            links: Links::default(),
            rows: Vec::new(),
            lens: Vec::new(),
            scratch: Grouping::default(),
            kids: Vec::new(),
        }
    }
}

/// Per-group statistics over every trace of `spans`, and the number of traces: in parallel, a
/// partition at a time, linking each trace's rows without building (or keeping) its tree.
pub fn stats(spans: &Spans, by: &[StatKey]) -> (Vec<OpStats>, usize) {
    let key_of = |r: &Row| -> GroupKey {
        let mut key = [0; 3];
        for (slot, k) in key.iter_mut().zip(by) {
            *slot = match k {
                StatKey::Service => r.service,
                StatKey::Name => r.name,
                StatKey::Kind => u32::from(r.kind),
            };
        }
        key
    };
    let mut dims = [1; 3];
    for (d, k) in dims.iter_mut().zip(by) {
        *d = match k {
            StatKey::Service => spans.services.len(),
            StatKey::Name => spans.ops.len(),
            StatKey::Kind => 256,
        };
    }
    let all = &spans.rows;
    // A few pieces per thread: each piece has its own tables and row buffer, fresh memory.
    let piece = (all.parts() / (rayon::current_num_threads() * 4)).max(1);
    let pieces: Vec<(Groups, usize)> = (0..all.parts())
        .into_par_iter()
        .with_min_len(piece)
        .fold(
            || Piece::new(dims),
            |mut w, p| {
                all.group(p, &mut w.rows, &mut w.lens, &mut w.scratch);
                let mut from = 0;
                for &n in &w.lens {
                    let rs = &w.rows[from..from + n as usize];
                    from += n as usize;
                    w.links.link(rs);
                    w.traces += 1;
                    for (k, r) in rs.iter().enumerate() {
                        let slot = w.groups.slot(key_of(r)) as usize;
                        if w.groups.last[slot] != w.traces {
                            w.groups.last[slot] = w.traces;
                            w.groups.groups[slot].1.traces += 1;
                        }
                        // Rows, and so children, come in input order here: the union of the
                        // children's times is measured over them sorted by start.
                        w.kids.clear();
                        w.kids.extend(w.links.children[k].iter().map(|&c| {
                            let c = &rs[c as usize];
                            (c.start, c.end)
                        }));
                        if !w.kids.is_sorted_by_key(|k| k.0) {
                            w.kids.sort_unstable_by_key(|k| k.0);
                        }
                        let e = &mut w.groups.groups[slot].1;
                        e.durations.push(r.duration());
                        e.errors += u64::from(r.is_error());
                        e.self_time += tree::self_time(r.start, r.end, w.kids.iter().copied());
                    }
                }
                w
            },
        )
        .map(|w| (w.groups, w.traces))
        .collect();
    let traces = pieces.iter().map(|p| p.1).sum();
    // Groups merged by key; each group's durations are copied once, into a vector of their
    // total length (merging pieces pairwise copied them once per level, and regrew them).
    let mut merged = Groups::new(dims);
    let mut lists: Vec<Vec<Vec<i64>>> = Vec::new();
    for (g, _) in pieces {
        for (key, mut st) in g.groups {
            let slot = merged.slot(key) as usize;
            if lists.len() <= slot {
                lists.resize_with(slot + 1, Vec::new);
            }
            lists[slot].push(std::mem::take(&mut st.durations));
            merged.groups[slot].1.absorb(st);
        }
    }
    let mut out: Vec<OpStats> = merged
        .groups
        .into_par_iter()
        .zip(lists)
        .map(|((k, mut v), lists)| {
            v.key = k[..by.len()].to_vec();
            v.durations = lists.concat();
            if !v.durations.is_empty() {
                v.percentiles = quantiles(&mut v.durations, [0.5, 0.95, 0.99]).map(Some);
            }
            v.max = v.durations.iter().copied().max().unwrap_or(0);
            v
        })
        .collect();
    out.sort_by(|a, b| a.key.cmp(&b.key));
    (out, traces)
}

/// Linear-interpolated quantiles (DuckDB's `quantile_cont`, as in aggregate) of `values`, for
/// `qs` in ascending order; 0 for no values. Values are reordered: selecting the ranks needed
/// takes linear time, where sorting a million durations took longer than the statistics.
pub fn quantiles<const N: usize>(values: &mut [i64], qs: [f64; N]) -> [f64; N] {
    let mut out = [0.0; N];
    let n = values.len();
    if n == 0 {
        return out;
    }
    // Each selection leaves everything from its rank on above it, so the next (higher) rank is
    // selected in the rest only.
    let mut from = 0;
    for (o, q) in out.iter_mut().zip(qs) {
        debug_assert!((0.0..=1.0).contains(&q));
        let pos = (n - 1) as f64 * q;
        let lo = (pos.floor() as usize).max(from);
        let (_, &mut at_lo, above) = values[from..].select_nth_unstable(lo - from);
        let at_hi = if pos.ceil() as usize > lo {
            above.iter().copied().min().unwrap_or(at_lo)
        } else {
            at_lo
        };
        *o = at_lo as f64 + (at_hi - at_lo) as f64 * (pos - lo as f64);
        from = lo;
    }
    out
}

/// The columns of `obs trace stats`, in order; the key columns are those grouped by.
const STATS_COLUMNS: [&str; 15] = [
    "service",
    "name",
    "kind",
    "spans",
    "traces",
    "errors",
    "error_rate",
    "p50_ms",
    "p95_ms",
    "p99_ms",
    "avg_ms",
    "max_ms",
    "self_avg_ms",
    "self_total_ms",
    "self_pct",
];

/// The columns of a stats table grouped by `by`.
pub fn columns(by: &[StatKey]) -> Vec<&'static str> {
    STATS_COLUMNS
        .iter()
        .copied()
        .filter(|c| match *c {
            "service" => by.contains(&StatKey::Service),
            "name" => by.contains(&StatKey::Name),
            "kind" => by.contains(&StatKey::Kind),
            _ => true,
        })
        .collect()
}

/// One row per group: its keys as text, then counts, rates and milliseconds (rounded to the
/// microsecond, as every format shows them).
pub fn rows(groups: &[OpStats], by: &[StatKey], sp: &Spans) -> Vec<Map<String, Value>> {
    groups
        .iter()
        .map(|g| {
            let mut m = Map::new();
            for (k, code) in by.iter().zip(&g.key) {
                let (col, v) = match k {
                    StatKey::Service => ("service", sp.services.text(*code).to_string()),
                    StatKey::Name => ("name", sp.ops.text(*code).to_string()),
                    StatKey::Kind => ("kind", Kind::from_code(*code as u8).name().to_string()),
                };
                m.insert(col.into(), Value::String(v));
            }
            let n = g.durations.len() as f64;
            let total: i64 = g.durations.iter().sum();
            let q = |i: usize| g.percentiles[i].map_or(Value::Null, |v| json!(round3(v / 1e6)));
            m.insert("spans".into(), json!(g.durations.len()));
            m.insert("traces".into(), json!(g.traces));
            m.insert("errors".into(), json!(g.errors));
            m.insert("error_rate".into(), json!(round3(g.errors as f64 / n)));
            m.insert("p50_ms".into(), q(0));
            m.insert("p95_ms".into(), q(1));
            m.insert("p99_ms".into(), q(2));
            m.insert("avg_ms".into(), json!(round3(total as f64 / n / 1e6)));
            m.insert("max_ms".into(), json!(round3(g.max as f64 / 1e6)));
            m.insert(
                "self_avg_ms".into(),
                json!(round3(g.self_time as f64 / n / 1e6)),
            );
            m.insert(
                "self_total_ms".into(),
                json!(round3(g.self_time as f64 / 1e6)),
            );
            m.insert(
                "self_pct".into(),
                json!(round3(if total > 0 {
                    g.self_time as f64 * 100.0 / total as f64
                } else {
                    100.0
                })),
            );
            m
        })
        .collect()
}
