//! Service dependencies: caller → callee edges with call and error counts.

use std::collections::HashMap;

use super::Traces;

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
