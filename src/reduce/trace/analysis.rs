//! Traces built from the rows: trees, per-trace summaries, critical paths, self times,
//! per-operation statistics and service dependencies.

use std::collections::HashMap;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::collect::Spans;
use super::critical::{critical_path, CpSpan, Section};
use super::ids::TraceId;
use super::partition::{trace_ranges, Gather, Grouping};
use super::row::{Loc, Row, FOLLOWS_FROM};
use super::tree::{self, Links, Tree};

/// Every trace of the input.
pub struct Traces {
    /// Names and ids the rows refer to (the rows themselves have moved to `parts`).
    pub spans: Spans,
    /// Each partition's rows, sorted by trace then start; trees index into them.
    parts: Vec<Vec<Row>>,
    /// Where each of those rows' spans is (empty when the first pass kept no locations).
    locs: Vec<Vec<Loc>>,
    /// One tree per trace, by trace id.
    pub trees: Vec<Tree>,
}

/// What a trace amounts to.
#[derive(Debug, Clone)]
pub struct Summary {
    /// Index of the tree.
    pub tree: usize,
    /// Earliest start, ns.
    pub start: i64,
    /// Latest end minus earliest start, ns.
    pub duration: i64,
    /// Spans (a Zipkin shared client/server pair counts once).
    pub spans: usize,
    /// Deepest level (a root is 1).
    pub depth: u32,
    /// Spans that failed.
    pub errors: usize,
    /// Service codes, sorted, distinct.
    pub services: Vec<u32>,
    /// The root row (earliest root, else earliest orphan), as an index into the trace's rows.
    pub root: Option<usize>,
}

impl Traces {
    /// Groups the rows and builds every tree in parallel; `skew` is the tolerance in ns.
    pub fn build(mut spans: Spans, skew: i64) -> Traces {
        let all = std::mem::take(&mut spans.rows);
        let built: Vec<(Vec<Row>, Vec<Loc>, Vec<Tree>)> = (0..all.parts())
            .into_par_iter()
            .map_init(
                || (Links::default(), Gather::default()),
                |(links, scratch), p| {
                    let (mut rows, mut locs) = (Vec::new(), Vec::new());
                    all.gather(p, &mut rows, &mut locs, scratch);
                    let trees = trace_ranges(&rows)
                        .map(|r| tree::build(&rows, p as u32, r, skew, links))
                        .collect();
                    (rows, locs, trees)
                },
            )
            .collect();
        let mut parts = Vec::with_capacity(built.len());
        let mut locs = Vec::with_capacity(built.len());
        let mut trees = Vec::new();
        for (rows, l, t) in built {
            parts.push(rows);
            locs.push(l);
            trees.extend(t);
        }
        trees.par_sort_unstable_by_key(|t| t.trace);
        Traces {
            spans,
            parts,
            locs,
            trees,
        }
    }

    /// Number of spans.
    pub fn len(&self) -> usize {
        self.parts.iter().map(Vec::len).sum()
    }

    /// True when there is no span.
    pub fn is_empty(&self) -> bool {
        self.parts.iter().all(Vec::is_empty)
    }

    /// The rows of a tree.
    pub fn rows(&self, t: &Tree) -> &[Row] {
        &self.parts[t.part as usize][t.range.clone()]
    }

    /// Where the spans of a tree's rows are, in the same order; empty when the first pass kept
    /// no locations.
    pub fn locs(&self, t: &Tree) -> &[Loc] {
        self.locs[t.part as usize]
            .get(t.range.clone())
            .unwrap_or_default()
    }

    /// The tree of `trace`.
    pub fn find(&self, trace: TraceId) -> Option<&Tree> {
        self.trees
            .binary_search_by_key(&trace, |t| t.trace)
            .ok()
            .map(|i| &self.trees[i])
    }

    /// The summary of tree `i`.
    pub fn summary(&self, i: usize) -> Summary {
        let t = &self.trees[i];
        let rows = self.rows(t);
        let start = rows.iter().map(|r| r.start).min().unwrap_or(0);
        let end = rows.iter().map(|r| r.end).max().unwrap_or(0);
        // Spans without a service (Zipkin spans without a local endpoint) name none.
        let none = self.spans.services.find("");
        let mut services: Vec<u32> = rows
            .iter()
            .map(|r| r.service)
            .filter(|&c| Some(c) != none)
            .collect();
        services.sort_unstable();
        services.dedup();
        Summary {
            tree: i,
            start,
            duration: end - start,
            // Zipkin's shared client/server halves are one span.
            spans: rows.len() - t.merged.iter().filter(|&&m| m).count(),
            depth: t.depth.iter().copied().max().unwrap_or(0),
            errors: rows.iter().filter(|r| r.is_error()).count(),
            services,
            root: t.tops().first().map(|&k| k as usize),
        }
    }

    /// The critical path of tree `t`, from its earliest top, as (local row, start, end).
    pub fn critical_path(&self, t: &Tree) -> Vec<Section> {
        let rows = self.rows(t);
        let spans: Vec<CpSpan> = rows
            .iter()
            .enumerate()
            .map(|(k, r)| CpSpan {
                start: r.start,
                end: r.end,
                parent: t.parent[k].map(|p| p as usize),
                follows_from: r.flags & FOLLOWS_FROM != 0,
            })
            .collect();
        // Only the first top's subtree: Jaeger UI computes the path from the trace's root.
        let Some(&top) = t.tops().first() else {
            return Vec::new();
        };
        let mut order = Vec::new();
        let mut stack = vec![top];
        while let Some(i) = stack.pop() {
            order.push(i as usize);
            stack.extend(t.children[i as usize].iter().rev());
        }
        critical_path(&spans, &order)
    }

    /// Self time of every row of `t` (its time not covered by its children), ns.
    pub fn self_times(&self, t: &Tree) -> Vec<i64> {
        let rows = self.rows(t);
        rows.iter()
            .enumerate()
            .map(|(k, r)| {
                let kids = t.children[k].iter().map(|&c| {
                    let c = &rows[c as usize];
                    (c.start, c.end)
                });
                tree::self_time(r.start, r.end, kids)
            })
            .collect()
    }
}

/// What `obs trace stats` groups by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StatKey {
    /// The service.
    Service,
    /// The operation name.
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
/// are few enough combinations (a hash per span showed in profiles), else by a cheap hash.
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

/// A caller → callee edge between services.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Edge {
    /// Calling service code.
    pub from: u32,
    /// Called service code.
    pub to: u32,
    /// Calls (child spans).
    pub calls: u64,
    /// Calls whose child span failed.
    pub errors: u64,
}

/// Service dependencies: a parent span in one service with a child in another is a call.
/// Calls within a service are counted only with `same_service`.
pub fn deps(traces: &Traces, same_service: bool) -> Vec<Edge> {
    let mut map: HashMap<(u32, u32), Edge> = HashMap::new();
    let mut call = |from: u32, to: u32, error: bool| {
        if from == to && !same_service {
            return;
        }
        let e = map.entry((from, to)).or_insert(Edge {
            from,
            to,
            ..Edge::default()
        });
        e.calls += 1;
        e.errors += u64::from(error);
    };
    for t in &traces.trees {
        let rows = traces.rows(t);
        // A Zipkin shared pair is one node, owned by its client: the hop from client to server
        // is a call, and the work under the node is the server's, so it calls from there.
        let mut server_of: HashMap<usize, u32> = HashMap::new();
        if t.merged.iter().any(|&m| m) {
            let owners: HashMap<u64, usize> = (0..rows.len())
                .filter(|&k| !t.merged[k])
                .map(|k| (rows[k].span, k))
                .collect();
            for (_, half) in rows.iter().enumerate().filter(|&(m, _)| t.merged[m]) {
                if let Some(&o) = owners.get(&half.span) {
                    call(rows[o].service, half.service, half.is_error());
                    server_of.entry(o).or_insert(half.service);
                }
            }
        }
        for (k, r) in rows.iter().enumerate() {
            let Some(p) = t.parent[k] else { continue };
            let p = p as usize;
            let from = server_of.get(&p).copied().unwrap_or(rows[p].service);
            call(from, r.service, r.is_error());
        }
    }
    let mut out: Vec<Edge> = map.into_values().collect();
    out.sort_by(|a, b| {
        b.calls
            .cmp(&a.calls)
            .then(a.from.cmp(&b.from))
            .then(a.to.cmp(&b.to))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The definition: interpolate between the two ranks around `(n - 1) * q` of sorted values.
    fn by_sorting(values: &[i64], q: f64) -> f64 {
        let mut v = values.to_vec();
        v.sort_unstable();
        let pos = (v.len() - 1) as f64 * q;
        let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
        v[lo] as f64 + (v[hi] - v[lo]) as f64 * (pos - lo as f64)
    }

    proptest! {
        #[test]
        fn selected_quantiles_match_sorting(values in prop::collection::vec(-1000i64..1000, 1..300)) {
            let qs = [0.0, 0.3, 0.5, 0.5, 0.95, 0.99, 1.0];
            let mut work = values.clone();
            let got = quantiles(&mut work, qs);
            for (g, q) in got.iter().zip(qs) {
                prop_assert!((g - by_sorting(&values, q)).abs() < 1e-9, "q {}: {} vs {}", q, g, by_sorting(&values, q));
            }
        }
    }

    #[test]
    fn a_group_counts_each_trace_once_and_each_span() {
        use super::super::partition::{Batch, Partitioned};
        use super::super::row::ERROR;
        // (trace, span, parent, start, end, operation, error)
        let spans = [
            (1, 1, 0, 0, 100, 0, false),
            (1, 2, 1, 10, 40, 0, true),
            (1, 3, 1, 30, 60, 0, false),
            (2, 4, 0, 0, 50, 0, false),
            (2, 5, 4, 5, 15, 1, false),
        ];
        let rows: Vec<Row> = spans
            .iter()
            .map(|&(trace, span, parent, start, end, name, error)| Row {
                trace,
                span,
                parent,
                start,
                end,
                service: 0,
                name,
                flags: if error { ERROR } else { 0 },
                kind: 0,
            })
            .collect();
        let mut all = Spans {
            rows: Partitioned::new(2),
            ..Spans::default()
        };
        all.services.code("svc");
        all.ops.code("charge");
        all.ops.code("lookup");
        let mut batch = Batch::of(&rows, &[], 2);
        batch.global(vec![0], vec![0, 1], 0);
        all.rows.batches.push(batch);
        let (groups, traces) = stats(&all, &[StatKey::Name]);
        assert_eq!(traces, 2);
        let charge = &groups[0];
        assert_eq!(charge.key, [0]);
        assert_eq!(
            (charge.durations.len(), charge.traces, charge.errors),
            (4, 2, 1)
        );
        // Span 1's children cover 10..60 of its 0..100; span 4's child 5..15 of 0..50.
        assert_eq!(charge.self_time, 50 + 30 + 30 + 40);
        assert_eq!((groups[1].durations.len(), groups[1].traces), (1, 1));
    }

    /// Spans of the rows, in batches of `chunk` rows, with `services` and `ops` names, and
    /// with made-up locations when `located` (as the first pass keeps them for trees).
    fn spans_of(rows: &[Row], chunk: usize, services: u32, ops: u32, located: bool) -> Spans {
        use super::super::partition::{Batch, Partitioned};
        let mut all = Spans {
            rows: Partitioned::new(2),
            ..Spans::default()
        };
        for s in 0..services {
            all.services.code(&format!("svc{s}"));
        }
        for o in 0..ops {
            all.ops.code(&format!("op{o}"));
        }
        let locs: Vec<Loc> = (0..rows.len() as u64)
            .filter(|_| located)
            .map(|offset| Loc {
                source: 0,
                offset,
                index: 0,
            })
            .collect();
        for (i, c) in rows.chunks(chunk).enumerate() {
            let l = locs.get(i * chunk..i * chunk + c.len()).unwrap_or_default();
            let mut batch = Batch::of(c, l, 2);
            batch.global((0..services).collect(), (0..ops).collect(), 0);
            all.rows.batches.push(batch);
        }
        all
    }

    proptest! {
        #[test]
        fn statistics_agree_with_the_trees(
            spans in prop::collection::vec(
                (0u128..5, 1u64..10, 0u64..12, 0i64..50, 0i64..40, 0u8..8, 0u32..2, 0u32..3),
                1..120,
            ),
            chunk in 1usize..40,
        ) {
            use super::super::row::{ERROR, SHARED};
            // Rows in any order of start, with repeated ids, shared halves, twins, orphans and
            // self-parents: statistics link them in input order, trees by start.
            let rows: Vec<Row> = spans
                .iter()
                .map(|&(trace, span, parent, start, len, bits, service, name)| Row {
                    trace: trace + 1,
                    span,
                    parent: if parent < 2 { 0 } else { parent },
                    start,
                    end: start + len,
                    service,
                    name,
                    flags: if bits & 1 != 0 { ERROR } else { 0 } | if bits & 2 != 0 { SHARED } else { 0 },
                    kind: bits >> 2,
                })
                .collect();
            let by = [StatKey::Service, StatKey::Name];
            let (got, traces) = stats(&spans_of(&rows, chunk, 2, 3, false), &by);
            let built = Traces::build(spans_of(&rows, chunk, 2, 3, true), 0);
            prop_assert_eq!(traces, built.trees.len());
            // key → (sorted durations, errors, self time, traces)
            let mut want: std::collections::BTreeMap<Vec<u32>, (Vec<i64>, u64, i64, u64)> =
                std::collections::BTreeMap::new();
            for t in &built.trees {
                let rs = built.rows(t);
                let own = built.self_times(t);
                let mut met = std::collections::HashSet::new();
                for (r, s) in rs.iter().zip(own) {
                    let e = want.entry(vec![r.service, r.name]).or_default();
                    e.0.push(r.duration());
                    e.1 += u64::from(r.is_error());
                    e.2 += s;
                    if met.insert((r.service, r.name)) {
                        e.3 += 1;
                    }
                }
            }
            let got: std::collections::BTreeMap<Vec<u32>, (Vec<i64>, u64, i64, u64)> = got
                .into_iter()
                .map(|mut g| {
                    g.durations.sort_unstable();
                    (g.key, (g.durations, g.errors, g.self_time, g.traces))
                })
                .collect();
            for v in want.values_mut() {
                v.0.sort_unstable();
            }
            prop_assert_eq!(got, want);
        }
    }

    #[test]
    fn quantiles_of_nothing_are_zero() {
        assert_eq!(quantiles(&mut [], [0.5]), [0.0]);
        assert_eq!(quantiles(&mut [7], [0.5, 0.99]), [7.0, 7.0]);
    }
}
