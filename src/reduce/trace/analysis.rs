//! Traces built from the rows: trees, per-trace summaries, critical paths, self times,
//! per-operation statistics and service dependencies.

use std::collections::HashMap;

use rayon::prelude::*;
use rustc_hash::FxHashMap;

use super::collect::Spans;
use super::critical::{critical_path, CpSpan, Section};
use super::ids::TraceId;
use super::row::{Row, FOLLOWS_FROM};
use super::tree::{self, Tree};

/// Every trace of the input.
pub struct Traces {
    /// The rows, sorted by trace then start; trees index into them.
    pub spans: Spans,
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
    /// The root row (earliest root, else earliest orphan), as an index into all rows.
    pub root: Option<usize>,
}

impl Traces {
    /// Groups the rows and builds every tree in parallel; `skew` is the tolerance in ns.
    pub fn build(mut spans: Spans, skew: i64) -> Traces {
        let ranges = tree::group(&mut spans.rows);
        let rows = &spans.rows;
        let trees = ranges
            .into_par_iter()
            .map(|r| tree::build(rows, r, skew))
            .collect();
        Traces { spans, trees }
    }

    /// The rows of a tree.
    pub fn rows(&self, t: &Tree) -> &[Row] {
        &self.spans.rows[t.range.clone()]
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
            root: t.tops().first().map(|&k| t.range.start + k as usize),
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
    /// Span durations, ns (sorted once complete).
    pub durations: Vec<i64>,
    /// Failed spans.
    pub errors: u64,
    /// Sum of self times, ns.
    pub self_time: i64,
    /// Traces the group appears in.
    pub traces: u64,
}

impl OpStats {
    fn absorb(&mut self, other: OpStats) {
        self.durations.extend(other.durations);
        self.errors += other.errors;
        self.self_time += other.self_time;
        self.traces += other.traces;
    }
}

/// A group key: up to three codes (`--by` has at most service, name and kind).
type GroupKey = [u32; 3];

/// One worker's groups, found by key with a cheap integer hash.
#[derive(Default)]
struct Groups {
    index: FxHashMap<GroupKey, u32>,
    groups: Vec<(GroupKey, OpStats)>,
    /// Groups seen in the current trace (scratch).
    seen: Vec<u32>,
}

impl Groups {
    fn slot(&mut self, key: GroupKey) -> u32 {
        let next = self.groups.len() as u32;
        let slot = *self.index.entry(key).or_insert(next);
        if slot == next {
            self.groups.push((key, OpStats::default()));
        }
        slot
    }

    fn merge(mut self, other: Groups) -> Groups {
        for (key, st) in other.groups {
            let slot = self.slot(key);
            self.groups[slot as usize].1.absorb(st);
        }
        self
    }
}

/// Per-group statistics over all traces, in parallel.
pub fn stats(traces: &Traces, by: &[StatKey]) -> Vec<OpStats> {
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
    let merged = traces
        .trees
        .par_iter()
        .fold(Groups::default, |mut acc, t| {
            let rows = traces.rows(t);
            acc.seen.clear();
            for (k, r) in rows.iter().enumerate() {
                let slot = acc.slot(key_of(r));
                acc.seen.push(slot);
                let kids = t.children[k].iter().map(|&c| {
                    let c = &rows[c as usize];
                    (c.start, c.end)
                });
                let e = &mut acc.groups[slot as usize].1;
                e.durations.push(r.duration());
                e.errors += u64::from(r.is_error());
                e.self_time += tree::self_time(r.start, r.end, kids);
            }
            let mut seen = std::mem::take(&mut acc.seen);
            seen.sort_unstable();
            seen.dedup();
            for &slot in &seen {
                acc.groups[slot as usize].1.traces += 1;
            }
            acc.seen = seen;
            acc
        })
        .reduce(Groups::default, Groups::merge);
    let mut out: Vec<OpStats> = merged
        .groups
        .into_par_iter()
        .map(|(k, mut v)| {
            v.key = k[..by.len()].to_vec();
            v.durations.sort_unstable();
            v
        })
        .collect();
    out.sort_by(|a, b| a.key.cmp(&b.key));
    out
}

/// Linear-interpolated quantile of sorted values (DuckDB's `quantile_cont`), as in aggregate.
pub fn quantile(sorted: &[i64], q: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let pos = (sorted.len() - 1) as f64 * q;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    let frac = pos - lo as f64;
    Some(sorted[lo] as f64 + (sorted[hi] - sorted[lo]) as f64 * frac)
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
    for t in &traces.trees {
        let rows = traces.rows(t);
        for (k, r) in rows.iter().enumerate() {
            let Some(p) = t.parent[k] else { continue };
            let pr = &rows[p as usize];
            if pr.service == r.service && !same_service {
                continue;
            }
            let e = map.entry((pr.service, r.service)).or_insert(Edge {
                from: pr.service,
                to: r.service,
                ..Edge::default()
            });
            e.calls += 1;
            e.errors += u64::from(r.is_error());
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
