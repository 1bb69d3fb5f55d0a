//! Trees per trace: rows grouped by trace id, parent links resolved, and what is wrong with
//! each trace found on the way (as data, for `check` and the other views).

use rayon::prelude::*;

use super::ids::{SpanId, TraceId};
use super::row::{Row, FOLLOWS_FROM, SHARED};
use super::span::Kind;

/// Something wrong with a trace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// No span without a parent: the trace's root is not in the input.
    NoRoot,
    /// Several spans without a parent.
    MultipleRoots(Vec<SpanId>),
    /// A span whose parent is not in the input.
    Orphan {
        /// The span.
        span: SpanId,
        /// Its missing parent.
        parent: SpanId,
    },
    /// A span id that occurs more than once (Zipkin's shared client/server pairs excepted).
    Duplicate {
        /// The id.
        span: SpanId,
        /// How many times.
        count: usize,
    },
    /// Spans whose parent links go round in a circle.
    Cycle(Vec<SpanId>),
    /// A child starting before its parent, or ending after it, by more than the tolerance.
    Skew {
        /// The child.
        span: SpanId,
        /// Its parent.
        parent: SpanId,
        /// ns the child starts before its parent (0 if it does not).
        early: i64,
        /// ns the child ends after its parent (0 if it does not).
        late: i64,
    },
}

impl Finding {
    /// Short kind name, as printed and filtered on.
    pub fn kind(&self) -> &'static str {
        match self {
            Finding::NoRoot => "incomplete",
            Finding::MultipleRoots(_) => "multiple-roots",
            Finding::Orphan { .. } => "orphan",
            Finding::Duplicate { .. } => "duplicate",
            Finding::Cycle(_) => "cycle",
            Finding::Skew { .. } => "skew",
        }
    }
}

/// One trace's tree over its rows (sorted by start time, then span id).
#[derive(Debug, Clone)]
pub struct Tree {
    /// The trace.
    pub trace: TraceId,
    /// Range of the trace's rows in the sorted row table.
    pub range: std::ops::Range<usize>,
    /// Parent of each row (local index), when found.
    pub parent: Vec<Option<u32>>,
    /// Children of each row (local indices, by start time).
    pub children: Children,
    /// Rows with no parent id.
    pub roots: Vec<u32>,
    /// Rows whose parent id is not in the trace.
    pub orphans: Vec<u32>,
    /// Depth of each row (a root or orphan is 1); 0 for rows in a cycle.
    pub depth: Vec<u32>,
    /// Zipkin shared halves folded into their client twin (not nodes of their own).
    pub merged: Vec<bool>,
    /// What is wrong.
    pub findings: Vec<Finding>,
}

/// The children of every row of a tree, in one flat list: a `Vec` per span would cost a
/// million allocations on a large dump. `children[k]` is row `k`'s children, by start time.
#[derive(Debug, Clone, Default)]
pub struct Children {
    /// Where each row's children start in `list`; one more entry than rows.
    start: Vec<u32>,
    list: Vec<u32>,
}

impl Children {
    /// The children of rows `0..parent.len()`, from each row's parent, in row order.
    fn of(parent: &[Option<u32>]) -> Children {
        let mut start = vec![0u32; parent.len() + 1];
        for p in parent.iter().flatten() {
            start[*p as usize + 1] += 1;
        }
        for i in 1..start.len() {
            start[i] += start[i - 1];
        }
        let mut next = start.clone();
        let mut list = vec![0u32; parent.iter().flatten().count()];
        for (k, p) in parent.iter().enumerate() {
            if let Some(p) = p {
                list[next[*p as usize] as usize] = k as u32;
                next[*p as usize] += 1;
            }
        }
        Children { start, list }
    }
}

impl std::ops::Index<usize> for Children {
    type Output = [u32];
    fn index(&self, k: usize) -> &[u32] {
        &self.list[self.start[k] as usize..self.start[k + 1] as usize]
    }
}

impl Tree {
    /// Where traversals start: roots, then orphans, by start time.
    pub fn tops(&self) -> Vec<u32> {
        let mut t: Vec<u32> = self.roots.iter().chain(&self.orphans).copied().collect();
        t.sort_unstable();
        t
    }

    /// Depth-first pre-order from the tops (children by start time).
    pub fn preorder(&self) -> Vec<u32> {
        let mut out = Vec::with_capacity(self.parent.len());
        let mut stack: Vec<u32> = self.tops().into_iter().rev().collect();
        while let Some(i) = stack.pop() {
            out.push(i);
            stack.extend(self.children[i as usize].iter().rev());
        }
        out
    }
}

/// Sorts rows by (trace, start, span id) and returns the traces' row ranges.
///
/// In place: distributing rows into buckets first (a radix pass) sorted faster in cache but
/// cost more than it saved, since every fresh page of the copy is a page fault (measured: the
/// grouping phase went from 75 to 106 ms on a million spans).
pub fn group(rows: &mut [Row]) -> Vec<std::ops::Range<usize>> {
    rows.par_sort_unstable_by_key(|r| (r.trace, r.start, r.span, r.flags & SHARED));
    let mut out = Vec::new();
    let mut start = 0;
    for i in 1..=rows.len() {
        if i == rows.len() || rows[i].trace != rows[start].trace {
            out.push(start..i);
            start = i;
        }
    }
    out
}

/// Builds the tree of one trace; `skew` is the tolerance in ns.
pub fn build(rows: &[Row], range: std::ops::Range<usize>, skew: i64) -> Tree {
    let rs = &rows[range.clone()];
    let n = rs.len();
    let mut by_id: Vec<(SpanId, u32)> = rs
        .iter()
        .enumerate()
        .map(|(i, r)| (r.span, i as u32))
        .collect();
    by_id.sort_unstable();
    let mut findings = Vec::new();
    let mut merged = vec![false; n];
    // The first occurrence of an id owns it; a Zipkin shared server half is folded into it.
    let mut owner: Vec<(SpanId, u32)> = Vec::with_capacity(n);
    let mut i = 0;
    while i < by_id.len() {
        let id = by_id[i].0;
        let mut j = i;
        while j < by_id.len() && by_id[j].0 == id {
            j += 1;
        }
        let group = &by_id[i..j];
        let first = group
            .iter()
            .find(|(_, k)| rs[*k as usize].flags & SHARED == 0)
            .unwrap_or(&group[0])
            .1;
        owner.push((id, first));
        let mut extra = 0;
        for &(_, k) in group {
            if k == first {
                continue;
            }
            if rs[k as usize].flags & SHARED != 0
                || is_rpc_pair(&rs[first as usize], &rs[k as usize])
            {
                merged[k as usize] = true;
            } else {
                extra += 1;
            }
        }
        if extra > 0 {
            findings.push(Finding::Duplicate {
                span: id,
                count: extra + 1,
            });
        }
        i = j;
    }
    let find = |id: SpanId| {
        owner
            .binary_search_by_key(&id, |o| o.0)
            .ok()
            .map(|p| owner[p].1)
    };

    let mut parent = vec![None; n];
    let mut roots = Vec::new();
    let mut orphans = Vec::new();
    for (k, r) in rs.iter().enumerate() {
        if merged[k] {
            continue;
        }
        if r.parent == 0 {
            roots.push(k as u32);
            continue;
        }
        match find(r.parent) {
            Some(p) if p as usize != k => parent[k] = Some(p),
            _ => {
                orphans.push(k as u32);
                findings.push(Finding::Orphan {
                    span: r.span,
                    parent: r.parent,
                });
            }
        }
    }
    match roots.len() {
        0 => findings.insert(0, Finding::NoRoot),
        1 => {}
        _ => findings.insert(
            0,
            Finding::MultipleRoots(roots.iter().map(|&k| rs[k as usize].span).collect()),
        ),
    }

    let children = Children::of(&parent);
    // Depths by a walk from the tops; whatever it cannot reach hangs in a cycle.
    let mut depth = vec![0u32; n];
    let mut stack: Vec<(u32, u32)> = roots.iter().chain(&orphans).map(|&k| (k, 1)).collect();
    while let Some((k, d)) = stack.pop() {
        depth[k as usize] = d;
        for &c in &children[k as usize] {
            stack.push((c, d + 1));
        }
    }
    let cyclic: Vec<SpanId> = (0..n)
        .filter(|&k| depth[k] == 0 && !merged[k])
        .map(|k| rs[k].span)
        .collect();
    if !cyclic.is_empty() {
        findings.push(Finding::Cycle(cyclic));
    }

    for (k, r) in rs.iter().enumerate() {
        let Some(p) = parent[k] else { continue };
        let pr = &rs[p as usize];
        let early = (pr.start - r.start).max(0);
        // Asynchronous children (FOLLOWS_FROM, messaging) may outlive their parent.
        let async_child = r.flags & FOLLOWS_FROM != 0
            || matches!(Kind::from_code(r.kind), Kind::Producer | Kind::Consumer);
        let late = if async_child {
            0
        } else {
            (r.end - pr.end).max(0)
        };
        if early > skew || late > skew {
            findings.push(Finding::Skew {
                span: r.span,
                parent: pr.span,
                early: if early > skew { early } else { 0 },
                late: if late > skew { late } else { 0 },
            });
        }
    }
    Tree {
        trace: rs.first().map_or(0, |r| r.trace),
        range,
        parent,
        children,
        roots,
        orphans,
        depth,
        merged,
        findings,
    }
}

/// A client and a server span sharing one id (Zipkin v1-style instrumentation without `shared`).
fn is_rpc_pair(a: &Row, b: &Row) -> bool {
    matches!(
        (Kind::from_code(a.kind), Kind::from_code(b.kind)),
        (Kind::Client, Kind::Server) | (Kind::Server, Kind::Client)
    )
}

/// Time of `[start, end)` not covered by any of `kids` (clipped to the span). `kids` come by
/// start time, as a tree's children do, so their union is measured in one pass without
/// collecting them.
pub fn self_time(start: i64, end: i64, kids: impl Iterator<Item = (i64, i64)>) -> i64 {
    let mut covered = 0;
    let mut cur: Option<(i64, i64)> = None;
    for (s, e) in kids {
        let (s, e) = (s.max(start), e.min(end));
        if s >= e {
            continue;
        }
        debug_assert!(cur.is_none_or(|(cs, _)| cs <= s), "kids by start time");
        match cur {
            Some((cs, ce)) if s <= ce => cur = Some((cs, ce.max(e))),
            Some((cs, ce)) => {
                covered += ce - cs;
                cur = Some((s, e));
            }
            None => cur = Some((s, e)),
        }
    }
    if let Some((cs, ce)) = cur {
        covered += ce - cs;
    }
    (end - start - covered).max(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::reduce::trace::row::Loc;

    fn row(span: u64, parent: u64, start: i64, end: i64) -> Row {
        Row {
            trace: 1,
            span,
            parent,
            start,
            end,
            service: 0,
            name: 0,
            flags: 0,
            kind: 0,
            loc: Loc {
                source: 0,
                offset: 0,
                index: 0,
            },
        }
    }

    #[test]
    fn finds_orphans_duplicates_cycles_and_skew() {
        let mut rows = vec![
            row(1, 0, 0, 100),
            row(2, 1, 10, 50),
            row(3, 9, 20, 30), // orphan
            row(2, 1, 60, 70), // duplicate
            row(4, 5, 0, 1),   // cycle 4 <-> 5
            row(5, 4, 0, 1),
            row(6, 1, -5, 120), // skew both ways
        ];
        let ranges = group(&mut rows);
        assert_eq!(ranges.len(), 1);
        let t = build(&rows, ranges[0].clone(), 0);
        let kinds: Vec<&str> = t.findings.iter().map(Finding::kind).collect();
        assert!(kinds.contains(&"orphan"), "{kinds:?}");
        assert!(kinds.contains(&"duplicate"));
        assert!(t.findings.contains(&Finding::Cycle(vec![4, 5])));
        assert!(t.findings.contains(&Finding::Skew {
            span: 6,
            parent: 1,
            early: 5,
            late: 20
        }));
        let t = build(&rows, ranges[0].clone(), 50);
        assert!(
            !t.findings.iter().any(|f| f.kind() == "skew"),
            "within tolerance"
        );
    }

    #[test]
    fn self_time_subtracts_the_union_of_children() {
        assert_eq!(
            self_time(0, 100, [(10, 30), (20, 40), (90, 150)].into_iter()),
            100 - 30 - 10
        );
        assert_eq!(self_time(0, 100, std::iter::empty()), 100);
    }
}
