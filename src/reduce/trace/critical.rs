//! The critical path of a trace, computed the way Jaeger UI does
//! (`components/TracePage/CriticalPath`), so obs and Jaeger highlight the same sections:
//!
//! 1. children are ordered by end time, latest first;
//! 2. FOLLOWS_FROM children and everything under them are dropped (the parent does not wait);
//! 3. children are clipped to their parent's interval, and those entirely outside it dropped,
//!    visiting spans parent-first so a clipped parent clips its children;
//! 4. from the root, walk back from the last-finishing child: the parent owns the time after
//!    that child ends; recurse into the child; when a span has no child finishing before the
//!    point we came back to, it owns the time back to its start, and the walk returns to its
//!    parent at that start.

/// A span as the algorithm sees it.
#[derive(Debug, Clone, Copy)]
pub struct CpSpan {
    /// Start.
    pub start: i64,
    /// End.
    pub end: i64,
    /// Parent (index into the same slice).
    pub parent: Option<usize>,
    /// The parent reference is FOLLOWS_FROM.
    pub follows_from: bool,
}

/// A section of the critical path: `span` owns `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Section {
    /// Index of the span.
    pub span: usize,
    /// Start of the section.
    pub start: i64,
    /// End of the section.
    pub end: i64,
}

/// The critical path, latest section first. `order` lists the spans parent-first (depth-first,
/// children by start time) and starts with the root the path is computed for.
pub fn critical_path(spans: &[CpSpan], order: &[usize]) -> Vec<Section> {
    let Some(&root) = order.first() else {
        return Vec::new();
    };
    let n = spans.len();
    // Children by end time, latest first (stable, so ties keep start order).
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
    for &i in order {
        if let Some(p) = spans[i].parent {
            children[p].push(i);
        }
    }
    for c in &mut children {
        c.sort_by_key(|&k| std::cmp::Reverse(spans[k].end));
    }
    let mut live: Vec<Option<(i64, i64)>> = spans.iter().map(|s| Some((s.start, s.end))).collect();

    // FOLLOWS_FROM spans and their descendants are not waited for.
    let mut dropped: Vec<usize> = Vec::new();
    for &i in order {
        if spans[i].follows_from {
            if let Some(p) = spans[i].parent {
                children[p].retain(|&c| c != i);
            }
            dropped.push(i);
        }
    }
    let mut k = 0;
    while k < dropped.len() {
        let i = dropped[k];
        dropped.extend(children[i].iter().copied());
        k += 1;
    }
    for i in dropped {
        live[i] = None;
    }

    // Clip children to their (possibly clipped) parents.
    for &i in order {
        let (Some((s, e)), Some(p)) = (live[i], spans[i].parent) else {
            continue;
        };
        let Some((ps, pe)) = live[p] else {
            live[i] = None;
            continue;
        };
        if s >= ps && e <= pe {
            continue;
        }
        if s >= pe || e <= ps {
            live[i] = None;
            children[p].retain(|&c| c != i);
            continue;
        }
        live[i] = Some((s.max(ps), e.min(pe)));
    }

    let mut path = Vec::new();
    let mut cur = root;
    let mut back: Option<i64> = None;
    while let Some((s, e)) = live[cur] {
        let child = match back {
            Some(t) => children[cur]
                .iter()
                .copied()
                .find(|&c| live[c].is_some_and(|(_, ce)| ce < t)),
            None => children[cur]
                .first()
                .copied()
                .filter(|&c| live[c].is_some()),
        };
        let end = back.unwrap_or(e);
        if let Some(c) = child {
            let ce = live[c].map_or(end, |x| x.1);
            if ce != end {
                path.push(Section {
                    span: cur,
                    start: ce,
                    end,
                });
            }
            cur = c;
            back = None;
        } else {
            if s != end {
                path.push(Section {
                    span: cur,
                    start: s,
                    end,
                });
            }
            match spans[cur].parent {
                Some(p) if cur != root => {
                    back = Some(s);
                    cur = p;
                }
                _ => break,
            }
        }
    }
    path
}
