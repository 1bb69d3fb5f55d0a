//! Trees per trace: rows grouped by trace id, parent links resolved, and what is wrong with
//! each trace found on the way (as data, for `check` and the other views).

pub use super::finding::Finding;
use super::ids::{SpanId, TraceId};
use super::row::{Row, BACKWARDS, FOLLOWS_FROM, SHARED};
use super::span::Kind;

/// One trace's tree over its rows (sorted by start time, then span id).
#[derive(Debug, Clone)]
pub struct Tree {
    /// The trace.
    pub trace: TraceId,
    /// The partition holding the trace's rows.
    pub part: u32,
    /// Range of the trace's rows in its partition's sorted rows.
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
    /// Fills in the children of rows `0..parent.len()`, from each row's parent, in row order;
    /// the buffers are reused.
    fn fill(&mut self, parent: &[Option<u32>]) {
        let start = &mut self.start;
        start.clear();
        start.resize(parent.len() + 1, 0);
        for p in parent.iter().flatten() {
            start[*p as usize + 1] += 1;
        }
        for i in 1..start.len() {
            start[i] += start[i - 1];
        }
        self.list.clear();
        self.list.resize(start[parent.len()] as usize, 0);
        // Each row's start advances as its children are placed, then is restored.
        for (k, p) in parent.iter().enumerate() {
            if let Some(p) = p {
                let at = &mut start[*p as usize];
                self.list[*at as usize] = k as u32;
                *at += 1;
            }
        }
        for i in (1..start.len()).rev() {
            start[i] = start[i - 1];
        }
        start[0] = 0;
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

    /// Depth-first pre-order from the tops (children by start time), then from each span in
    /// a cycle not reached yet (earliest first), so that no span of the trace is left out of
    /// what is shown; each span comes once, whatever its links.
    pub fn preorder(&self) -> Vec<u32> {
        let n = self.parent.len();
        let mut out = Vec::with_capacity(n);
        let mut seen = vec![false; n];
        let walk = |top: u32, out: &mut Vec<u32>, seen: &mut Vec<bool>| {
            let mut stack = vec![top];
            while let Some(i) = stack.pop() {
                if std::mem::replace(&mut seen[i as usize], true) {
                    continue;
                }
                out.push(i);
                stack.extend(self.children[i as usize].iter().rev());
            }
        };
        for top in self.tops() {
            walk(top, &mut out, &mut seen);
        }
        for k in 0..n {
            if !seen[k] && !self.merged[k] {
                walk(k as u32, &mut out, &mut seen);
            }
        }
        out
    }
}

/// One trace's rows linked to their parents: the part of a tree that statistics need, in
/// buffers reused from trace to trace (a million spans should not cost a million allocations).
#[derive(Debug, Default)]
pub struct Links {
    /// Span id → owning row, open addressing ([`Links::slot`]). Sorting the ids and searching
    /// them, with a mispredicted branch per comparison of random ids, was most of linking.
    table: Vec<(SpanId, u32)>,
    /// The rows whose id is met more than once, with that id (scratch).
    repeats: Vec<(SpanId, u32)>,
    /// Parent of each row (local index), when found.
    pub parent: Vec<Option<u32>>,
    /// Children of each row, in the order of the rows linked.
    pub children: Children,
    /// Rows with no parent id.
    pub roots: Vec<u32>,
    /// Rows whose parent id is not in the trace.
    pub orphans: Vec<u32>,
    /// Zipkin shared halves folded into their client twin.
    pub merged: Vec<bool>,
    /// Roots, orphans and duplicates found while linking.
    pub findings: Vec<Finding>,
}

/// An empty place in [`Links::table`].
const FREE: u32 = u32::MAX;
/// Marks an id of [`Links::table`] as met more than once.
const REPEATED: u32 = 1 << 31;

impl Links {
    /// Where `id` is, or belongs, in the table.
    fn slot(&self, id: SpanId) -> usize {
        let mask = self.table.len() - 1;
        // Fibonacci hashing: the high bits of the product spread any ids, hex or hashed.
        let mut at = (id.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32) as usize & mask;
        loop {
            let (k, row) = self.table[at];
            if row == FREE || k == id {
                return at;
            }
            at = (at + 1) & mask;
        }
    }

    /// The row owning `id`, if any row has it (once repeated ids have their owners).
    fn find(&self, id: SpanId) -> Option<u32> {
        let (_, row) = self.table[self.slot(id)];
        (row != FREE).then_some(row)
    }

    /// Gives each id met more than once (rare) its owner: the earliest row that is not a Zipkin
    /// shared half (by start, then by place in `rs`), else the earliest shared half. Shared
    /// halves and client/server twins fold into it; any other row is a duplicate, reported in
    /// id order. Sorting only these rows keeps a trace made of repeats at n log n. Rows of equal
    /// start come in input order both in statistics (which link rows in input order) and in
    /// trees (rows by start, then input order), so both find the same owner.
    fn resolve_repeats(&mut self, rs: &[Row]) {
        self.repeats.clear();
        for (k, r) in rs.iter().enumerate() {
            if self.table[self.slot(r.span)].1 & REPEATED != 0 {
                self.repeats.push((r.span, k as u32));
            }
        }
        self.repeats.sort_unstable();
        for group in self.repeats.chunk_by(|a, b| a.0 == b.0) {
            let id = group[0].0;
            let first = group
                .iter()
                .map(|&(_, k)| k)
                .min_by_key(|&k| {
                    let r = &rs[k as usize];
                    (r.flags & SHARED, r.start, k)
                })
                .unwrap_or(group[0].1);
            // The owner replaces the mark, now that every repeated row is collected.
            let at = self.slot(id);
            self.table[at].1 = first;
            let mut extra = 0;
            for &(_, k) in group {
                if k == first {
                    continue;
                }
                if rs[k as usize].flags & SHARED != 0
                    || is_rpc_pair(&rs[first as usize], &rs[k as usize])
                {
                    self.merged[k as usize] = true;
                } else {
                    extra += 1;
                }
            }
            if extra > 0 {
                self.findings.push(Finding::Duplicate {
                    span: id,
                    count: extra + 1,
                });
            }
        }
    }

    /// Links `rs`, one trace's rows in any order; children come in the order of `rs` (by start
    /// time when the rows are sorted so).
    pub fn link(&mut self, rs: &[Row]) {
        let n = rs.len();
        self.table.clear();
        self.table
            .resize((2 * n).next_power_of_two().max(8), (0, FREE));
        let mut repeated = false;
        // The first row with an id owns it, until repeated ids are sorted out below.
        for (k, r) in rs.iter().enumerate() {
            let at = self.slot(r.span);
            let entry = &mut self.table[at];
            if entry.1 == FREE {
                *entry = (r.span, k as u32);
            } else {
                entry.1 |= REPEATED;
                repeated = true;
            }
        }
        self.findings.clear();
        self.merged.clear();
        self.merged.resize(n, false);
        if repeated {
            self.resolve_repeats(rs);
        }
        self.parent.clear();
        self.parent.resize(n, None);
        self.roots.clear();
        self.orphans.clear();
        for (k, r) in rs.iter().enumerate() {
            if self.merged[k] {
                continue;
            }
            if r.parent == 0 {
                self.roots.push(k as u32);
                continue;
            }
            match self.find(r.parent) {
                Some(p) if p as usize != k => self.parent[k] = Some(p),
                // Its own parent: neither a root nor an orphan, but a cycle of one, which the
                // tree finds as it finds longer ones (no top reaches it).
                Some(_) => {}
                None => {
                    self.orphans.push(k as u32);
                    self.findings.push(Finding::Orphan {
                        span: r.span,
                        parent: r.parent,
                    });
                }
            }
        }
        match self.roots.len() {
            0 => self.findings.insert(0, Finding::NoRoot),
            1 => {}
            _ => self.findings.insert(
                0,
                Finding::MultipleRoots(self.roots.iter().map(|&k| rs[k as usize].span).collect()),
            ),
        }
        self.children.fill(&self.parent);
    }
}

/// Builds the tree of one trace, `rows[range]` of partition `part`; `skew` is the tolerance in
/// ns and `links` scratch space.
pub fn build(
    rows: &[Row],
    part: u32,
    range: std::ops::Range<usize>,
    skew: i64,
    links: &mut Links,
) -> Tree {
    let rs = &rows[range.clone()];
    let n = rs.len();
    links.link(rs);
    let mut findings = std::mem::take(&mut links.findings);
    let (parent, children, merged) = (&links.parent, &links.children, &links.merged);
    // Depths by a walk from the tops; whatever it cannot reach hangs in a cycle.
    let mut depth = vec![0u32; n];
    let mut stack: Vec<(u32, u32)> = links
        .roots
        .iter()
        .chain(&links.orphans)
        .map(|&k| (k, 1))
        .collect();
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
    findings.extend(
        rs.iter()
            .filter(|r| r.flags & BACKWARDS != 0)
            .map(|r| Finding::EndBeforeStart { span: r.span }),
    );

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
        part,
        range,
        parent: parent.clone(),
        children: children.clone(),
        roots: links.roots.clone(),
        orphans: links.orphans.clone(),
        depth,
        merged: merged.clone(),
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
mod tests;
