//! One trace in detail, as `obs trace show` lays it out: its spans in tree order as NDJSON
//! objects (with depth, self time and critical-path sections) or as waterfall bars (with
//! attributes, events and log lines under them), and the waterfall's title.

use std::collections::HashMap;

use serde_json::{json, Map, Value};

use super::analysis::{Summary, Traces};
use super::export::span_object;
use super::logs::TraceLogs;
use super::row::Row;
use super::span::Span;
use super::tree::Tree;
use super::view;
use crate::decode::value::value_text;
use crate::output::waterfall::{duration, Bar};

/// A trace with its spans read back in full, ready to be shown.
pub struct Detail<'a> {
    traces: &'a Traces,
    tree: &'a Tree,
    rows: &'a [Row],
    spans: &'a [Span],
    summary: Summary,
    selfs: Vec<i64>,
    /// Critical-path sections by row.
    crit: HashMap<usize, Vec<(i64, i64)>>,
    /// The server half folded into each shared pair's node, by the pair's id.
    halves: HashMap<u64, usize>,
}

/// What the waterfall shows under each span.
#[derive(Debug, Clone, Copy, Default)]
pub struct Shown {
    /// The span's attributes (and status message).
    pub attributes: bool,
    /// The span's events.
    pub events: bool,
}

impl<'a> Detail<'a> {
    /// Tree `idx` of `traces`, whose spans (in row order) are `spans`.
    pub fn new(traces: &'a Traces, idx: usize, spans: &'a [Span]) -> Self {
        let tree = &traces.trees[idx];
        let rows = traces.rows(tree);
        let mut crit: HashMap<usize, Vec<(i64, i64)>> = HashMap::new();
        for s in &traces.critical_path(tree) {
            crit.entry(s.span).or_default().push((s.start, s.end));
        }
        let halves = (0..rows.len())
            .filter(|&m| tree.merged[m])
            .map(|m| (rows[m].span, m))
            .collect();
        Detail {
            traces,
            tree,
            rows,
            spans,
            summary: traces.summary(idx),
            selfs: traces.self_times(tree),
            crit,
            halves,
        }
    }

    /// One object per span in tree order: the exported span, with `depth`, `self_ms` and
    /// `critical_path_ns` sections; a Zipkin shared pair's server half goes along with its
    /// client's span as `server_half`, since the pair is one node.
    pub fn objects(&self) -> Vec<Map<String, Value>> {
        let ids = &self.traces.spans.ids;
        let tree = self.tree;
        tree.preorder()
            .into_iter()
            .map(|k| {
                let k = k as usize;
                let mut o = match span_object(&self.spans[k], ids) {
                    Value::Object(o) => o,
                    _ => Map::new(),
                };
                if let Some(&m) = self.halves.get(&self.rows[k].span) {
                    o.insert("server_half".into(), span_object(&self.spans[m], ids));
                }
                o.insert("depth".into(), json!(tree.depth[k]));
                o.insert("self_ms".into(), json!(view::ms(self.selfs[k])));
                let sections: Vec<Value> = self.crit.get(&k).map_or(Vec::new(), |v| {
                    v.iter().map(|(s, e)| json!([s, e])).collect()
                });
                o.insert("critical_path_ns".into(), Value::Array(sections));
                o
            })
            .collect()
    }

    /// The waterfall's bars in tree order, with the details `shown` and the trace's log lines
    /// under their spans.
    pub fn bars(&self, shown: Shown, logs: &TraceLogs) -> Vec<Bar> {
        let tree = self.tree;
        let mut bars = Vec::new();
        for k in tree.preorder() {
            let k = k as usize;
            let (r, s) = (&self.rows[k], &self.spans[k]);
            let half = self.halves.get(&r.span).map(|&m| &self.spans[m]);
            let mut details = Vec::new();
            if let Some(h) = half {
                details.push(format!(
                    "(client and server halves of one shared span; server: {} {})",
                    h.service, h.name
                ));
            }
            if shown.attributes {
                for (key, v) in s
                    .attributes
                    .iter()
                    .chain(half.iter().flat_map(|h| &h.attributes))
                {
                    details.push(format!("{key}={}", value_text(v)));
                }
                if !s.status_message.is_empty() {
                    details.push(format!("status: {}", s.status_message));
                }
            }
            if shown.events {
                for e in s.events.iter().chain(half.iter().flat_map(|h| &h.events)) {
                    let attrs: Vec<String> = e
                        .attributes
                        .iter()
                        .map(|(k, v)| format!("{k}={}", value_text(v)))
                        .collect();
                    details.push(format!(
                        "@{} {} {}",
                        duration(e.time - self.summary.start),
                        e.name,
                        attrs.join(" ")
                    ));
                }
            }
            if let Some(lines) = logs.get(&Some(r.span)) {
                details.extend(lines.iter().map(|(_, t)| t.clone()));
            }
            bars.push(Bar {
                depth: tree.depth[k].max(1),
                name: s.name.clone(),
                service: match half {
                    Some(h) if h.service != s.service => format!("{} → {}", s.service, h.service),
                    _ => s.service.clone(),
                },
                start: r.start,
                end: r.end,
                error: r.is_error(),
                critical: self.crit.get(&k).cloned().unwrap_or_default(),
                details,
            });
        }
        bars
    }

    /// The waterfall's title: id, start, duration, counts, services and findings.
    pub fn title(&self, tz: chrono_tz::Tz) -> String {
        let (summary, ids) = (&self.summary, &self.traces.spans.ids);
        let mut services: Vec<&str> = summary
            .services
            .iter()
            .map(|&c| self.traces.spans.services.text(c))
            .collect();
        services.sort_unstable();
        let findings: Vec<String> = self
            .tree
            .findings
            .iter()
            .map(|f| f.described(ids).to_string())
            .collect();
        format!(
            "trace {}  {}  {}  {} spans  depth {}  {} errors  services: {}{}",
            ids.trace(self.tree.trace),
            view::time_text(summary.start, tz),
            duration(summary.duration),
            summary.spans,
            summary.depth,
            summary.errors,
            services.join(", "),
            if findings.is_empty() {
                String::new()
            } else {
                format!("\nfindings: {}", findings.join("; "))
            }
        )
    }
}
