//! Traces and spans as records the expression language can test: `obs trace list --where` reads
//! trace-level fields, and `any(...)` tests each span's fields and attributes.

use chrono::{DateTime, SecondsFormat, Utc};
use chrono_tz::Tz;
use serde_json::{json, Map, Value};

use super::analysis::{Summary, Traces};
use super::span::Span;
use crate::expr::{Eval, Expr};
use crate::record::FieldPath;

/// Milliseconds from nanoseconds.
pub fn ms(ns: i64) -> f64 {
    ns as f64 / 1e6
}

/// An RFC 3339 time in `tz`, to the microsecond.
pub fn time_text(ns: i64, tz: Tz) -> String {
    DateTime::<Utc>::from_timestamp_nanos(ns)
        .with_timezone(&tz)
        .to_rfc3339_opts(SecondsFormat::Micros, true)
}

/// The trace-level fields, as `--where` and `obs trace list` name them: `duration` is in ms
/// (`duration_ms` the same), `service` the same list as `services`, `root` an object with the
/// root span's `name` and `service`.
pub const TRACE_FIELDS: [&str; 13] = [
    "trace_id",
    "start",
    "start_ms",
    "duration",
    "duration_ms",
    "spans",
    "depth",
    "errors",
    "error",
    "services",
    "service",
    "root",
    "findings",
];

/// One trace-level field of a trace ([`TRACE_FIELDS`]); `None` for a name that is not one.
pub fn trace_field(traces: &Traces, s: &Summary, tz: Tz, name: &str) -> Option<Value> {
    let t = &traces.trees[s.tree];
    let sp = &traces.spans;
    Some(match name {
        "trace_id" => Value::String(sp.ids.trace(t.trace)),
        "start" => Value::String(time_text(s.start, tz)),
        "start_ms" => Value::from(ms(s.start)),
        "duration" | "duration_ms" => Value::from(ms(s.duration)),
        "spans" => Value::from(s.spans),
        "depth" => Value::from(s.depth),
        "errors" => Value::from(s.errors),
        "error" => Value::Bool(s.errors > 0),
        "services" | "service" => Value::Array(
            s.services
                .iter()
                .map(|&c| Value::String(sp.services.text(c).to_string()))
                .collect(),
        ),
        "root" => s.root.map_or(Value::Null, |r| {
            let r = &traces.rows(t)[r];
            json!({ "name": sp.ops.text(r.name), "service": sp.services.text(r.service) })
        }),
        "findings" => {
            let mut kinds: Vec<&str> = t.findings.iter().map(|f| f.kind().name()).collect();
            kinds.dedup();
            json!(kinds)
        }
        _ => return None,
    })
}

/// The trace-level fields of a trace named in `names` (unknown names are left out), in that
/// order: building only what an expression reads keeps `--where` cheap on millions of traces.
pub fn trace_fields(traces: &Traces, s: &Summary, tz: Tz, names: &[&str]) -> Map<String, Value> {
    names
        .iter()
        .filter_map(|&n| trace_field(traces, s, tz, n).map(|v| (n.to_string(), v)))
        .collect()
}

/// The fields of a span for `any(...)`: `name`, `service`, `duration` (ms), `start_ms`, `error`,
/// `kind`, `status`, ids, then its attributes, resource and scope attributes, and the
/// attributes of its events and links (a key found in several places holds all its values).
pub fn span_fields(s: &Span, traces: &Traces) -> Map<String, Value> {
    let ids = &traces.spans.ids;
    let mut m = Map::new();
    m.insert("name".into(), Value::String(s.name.clone()));
    m.insert("service".into(), Value::String(s.service.clone()));
    m.insert("duration".into(), Value::from(ms(s.end - s.start)));
    m.insert("start_ms".into(), Value::from(ms(s.start)));
    m.insert("error".into(), Value::Bool(s.is_error()));
    m.insert("kind".into(), Value::String(s.kind.name().into()));
    m.insert("status".into(), Value::String(s.status.name().into()));
    m.insert("span_id".into(), Value::String(ids.span(s.span)));
    if !s.scope_name.is_empty() {
        m.insert(
            "otel.scope.name".into(),
            Value::String(s.scope_name.clone()),
        );
    }
    if !s.scope_version.is_empty() {
        m.insert(
            "otel.scope.version".into(),
            Value::String(s.scope_version.clone()),
        );
    }
    let spots = std::iter::once(&s.attributes)
        .chain(std::iter::once(&s.resource))
        .chain(std::iter::once(&s.scope_attributes))
        .chain(s.events.iter().map(|e| &e.attributes))
        .chain(s.links.iter().map(|l| &l.attributes));
    for attrs in spots {
        for (k, v) in attrs {
            match m.get_mut(k) {
                None => {
                    m.insert(k.clone(), v.clone());
                }
                Some(Value::Array(a)) if !v.is_array() => a.push(v.clone()),
                Some(old) if old != v => *old = Value::Array(vec![old.clone(), v.clone()]),
                Some(_) => {}
            }
        }
    }
    let events: Vec<Value> = s
        .events
        .iter()
        .map(|e| Value::String(e.name.clone()))
        .collect();
    if !events.is_empty() {
        m.entry("event").or_insert(Value::Array(events));
    }
    m
}

/// A trace as the expression language sees it.
pub struct TraceRecord<'a> {
    /// Its trace-level fields.
    pub fields: Map<String, Value>,
    /// Its spans' fields, when `any(...)` needs them.
    pub spans: Option<&'a [Map<String, Value>]>,
}

impl Eval for TraceRecord<'_> {
    fn lookup(&self, path: &FieldPath) -> Option<&Value> {
        path.resolve_in(&self.fields)
    }

    fn any_item(&self, inner: &Expr) -> bool {
        self.spans
            .is_some_and(|spans| spans.iter().any(|s| inner.matches(s)))
    }
}
