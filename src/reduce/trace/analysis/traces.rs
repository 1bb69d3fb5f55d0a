//! Every trace of the input: its tree, summary, critical path and self times.

use rayon::prelude::*;

use crate::reduce::trace::collect::Spans;
use crate::reduce::trace::critical::{critical_path, CpSpan, Section};
use crate::reduce::trace::ids::TraceId;
use crate::reduce::trace::partition::{trace_ranges, Gather};
use crate::reduce::trace::row::{Loc, Row, FOLLOWS_FROM};
use crate::reduce::trace::tree::{self, Links, Tree};

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
