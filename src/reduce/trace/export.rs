//! Writing spans out: Jaeger JSON (what Jaeger UI's file loader and its API speak), OTLP/JSON
//! lines (what the collector's file exporter writes), and normalised span NDJSON (obs's own
//! input shape). Each reads back into the same model, so round trips keep ids, times (Jaeger
//! to the microsecond), attributes, events and status.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{json, Map, Value};

use super::format::{jaeger, otlp};
use super::ids::IdNames;
use super::span::{Kind, Span, Status};

/// `obs trace export --to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ExportFormat {
    /// Jaeger JSON `{"data": [trace…]}`, for Jaeger UI's "JSON file" loader.
    Jaeger,
    /// OTLP/JSON, one `resourceSpans` envelope per trace per line.
    Otlp,
    /// Span-per-line NDJSON with obs's default field names.
    Spans,
}

/// Gives the server half of each Zipkin shared span (the server that reused its client's
/// id) an id of its own, as Jaeger's span-ID deduper does when it reads Zipkin data: Jaeger
/// and OTLP want one span per id. The half gets the next id above the trace's largest that is
/// free, becomes its client's child, and the client's other children become its children (the
/// server did the work). Spans of one id that are not such a pair are left as they are (a
/// `duplicate` finding of `trace check`).
pub fn dedupe_shared(spans: &mut [Span]) {
    use std::collections::{HashMap, HashSet};
    // Only Zipkin's shared halves: Jaeger converts OTLP spans of one id as they are.
    let is_server = |s: &Span| s.shared;
    let mut used: HashSet<u64> = HashSet::with_capacity(spans.len());
    // Clients (and any non-shared span) claim their ids first.
    let mut order: Vec<usize> = (0..spans.len()).collect();
    order.sort_by_key(|&k| is_server(&spans[k]));
    // The new ids of the server halves of each shared id.
    let mut moved: HashMap<u64, Vec<u64>> = HashMap::new();
    let mut next = spans.iter().map(|s| s.span).max().unwrap_or(0);
    for k in order {
        let id = spans[k].span;
        if used.insert(id) || !is_server(&spans[k]) {
            continue;
        }
        next = next.wrapping_add(1);
        while next == 0 || used.contains(&next) {
            next = next.wrapping_add(1);
        }
        used.insert(next);
        moved.entry(id).or_default().push(next);
        spans[k].span = next;
        spans[k].parent = Some(id);
        spans[k].shared = false;
    }
    // The pair's children become the server half's; with several servers on one id (a message
    // fanned out) which one a child belongs to is unknown, so it stays with the client.
    for s in spans.iter_mut() {
        if let Some([new]) = s.parent.and_then(|p| moved.get(&p)).map(Vec::as_slice) {
            if s.span != *new {
                s.parent = Some(*new);
            }
        }
    }
}

/// Jaeger JSON for whole traces (each a list of spans of one trace).
pub fn jaeger_document(traces: &[Vec<Span>], ids: &IdNames) -> Value {
    let data: Vec<Value> = traces.iter().map(|t| jaeger_trace(t, ids)).collect();
    json!({ "data": data, "total": 0, "limit": 0, "offset": 0, "errors": null })
}

fn jaeger_trace(spans: &[Span], ids: &IdNames) -> Value {
    let trace_id = spans
        .first()
        .map(|s| ids.trace(s.trace))
        .unwrap_or_default();
    // Processes are (service, resource) pairs, numbered in order of appearance as Jaeger does.
    let mut processes: Vec<(&str, &Map<String, Value>)> = Vec::new();
    let mut out = Vec::with_capacity(spans.len());
    for s in spans {
        let key = (s.service.as_str(), &s.resource);
        let pid = match processes.iter().position(|p| *p == key) {
            Some(i) => i,
            None => {
                processes.push(key);
                processes.len() - 1
            }
        };
        let mut refs = Vec::new();
        if let Some(p) = s.parent {
            refs.push(json!({
                "refType": if s.follows_from { "FOLLOWS_FROM" } else { "CHILD_OF" },
                "traceID": trace_id, "spanID": ids.span(p),
            }));
        }
        for l in &s.links {
            refs.push(json!({ "refType": "FOLLOWS_FROM", "traceID": ids.trace(l.trace), "spanID": ids.span(l.span) }));
        }
        let mut tags = Vec::new();
        if !s.scope_name.is_empty() {
            tags.push(jaeger::tag(
                "otel.scope.name",
                &Value::String(s.scope_name.clone()),
            ));
        }
        if !s.scope_version.is_empty() {
            tags.push(jaeger::tag(
                "otel.scope.version",
                &Value::String(s.scope_version.clone()),
            ));
        }
        tags.extend(jaeger::to_tags(&s.attributes));
        if s.kind != Kind::Unspecified {
            tags.push(jaeger::tag(
                "span.kind",
                &Value::String(s.kind.name().into()),
            ));
        }
        if s.status != Status::Unset {
            tags.push(jaeger::tag(
                "otel.status_code",
                &Value::String(s.status.name().into()),
            ));
        }
        if !s.status_message.is_empty() {
            tags.push(jaeger::tag(
                "otel.status_description",
                &Value::String(s.status_message.clone()),
            ));
        }
        if s.status == Status::Error && !s.attributes.contains_key("error") {
            tags.push(jaeger::tag("error", &Value::Bool(true)));
        }
        let logs: Vec<Value> = s
            .events
            .iter()
            .map(|e| {
                let mut fields = Vec::new();
                if !e.name.is_empty() {
                    fields.push(jaeger::tag("event", &Value::String(e.name.clone())));
                }
                fields.extend(jaeger::to_tags(&e.attributes));
                json!({ "timestamp": e.time / 1000, "fields": fields })
            })
            .collect();
        out.push(json!({
            "traceID": trace_id,
            "spanID": ids.span(s.span),
            "operationName": s.name,
            "references": refs,
            "startTime": s.start / 1000,
            "duration": (s.end - s.start) / 1000,
            "tags": tags,
            "logs": logs,
            "processID": format!("p{}", pid + 1),
            "warnings": null,
        }));
    }
    let procs: Map<String, Value> = processes
        .iter()
        .enumerate()
        .map(|(i, (svc, res))| {
            (
                format!("p{}", i + 1),
                json!({ "serviceName": svc, "tags": jaeger::to_tags(res) }),
            )
        })
        .collect();
    json!({ "traceID": trace_id, "spans": out, "processes": procs, "warnings": null })
}

/// One OTLP/JSON envelope holding the spans of one trace, grouped by resource and scope.
pub fn otlp_envelope(spans: &[Span], ids: &IdNames) -> Value {
    type Scope<'a> = (&'a str, &'a str, &'a Map<String, Value>);
    type Resource<'a> = (&'a str, &'a Map<String, Value>);
    type Spans<'a> = Vec<(Scope<'a>, Vec<Value>)>;
    let mut resources: Vec<(Resource, Spans)> = Vec::new();
    for s in spans {
        let rkey = (s.service.as_str(), &s.resource);
        let ri = match resources.iter().position(|r| r.0 == rkey) {
            Some(i) => i,
            None => {
                resources.push((rkey, Vec::new()));
                resources.len() - 1
            }
        };
        let skey = (
            s.scope_name.as_str(),
            s.scope_version.as_str(),
            &s.scope_attributes,
        );
        let scopes = &mut resources[ri].1;
        let si = match scopes.iter().position(|x| x.0 == skey) {
            Some(i) => i,
            None => {
                scopes.push((skey, Vec::new()));
                scopes.len() - 1
            }
        };
        scopes[si].1.push(otlp_span(s, ids));
    }
    let rs: Vec<Value> = resources
        .into_iter()
        .map(|((svc, res), scopes)| {
            let mut attrs = Map::new();
            attrs.insert("service.name".into(), Value::String(svc.to_string()));
            attrs.extend(res.iter().map(|(k, v)| (k.clone(), v.clone())));
            let scope_spans: Vec<Value> = scopes
                .into_iter()
                .map(|((name, version, sattrs), spans)| {
                    let mut scope = Map::new();
                    if !name.is_empty() {
                        scope.insert("name".into(), Value::String(name.into()));
                    }
                    if !version.is_empty() {
                        scope.insert("version".into(), Value::String(version.into()));
                    }
                    if !sattrs.is_empty() {
                        scope.insert("attributes".into(), otlp::to_attributes(sattrs));
                    }
                    json!({ "scope": scope, "spans": spans })
                })
                .collect();
            json!({ "resource": { "attributes": otlp::to_attributes(&attrs) }, "scopeSpans": scope_spans })
        })
        .collect();
    json!({ "resourceSpans": rs })
}

fn otlp_id(hex: String, width: usize) -> String {
    if hex.len() < width && hex.bytes().all(|b| b.is_ascii_hexdigit()) {
        format!("{hex:0>width$}")
    } else {
        hex
    }
}

fn otlp_span(s: &Span, ids: &IdNames) -> Value {
    let mut o = Map::new();
    o.insert(
        "traceId".into(),
        Value::String(otlp_id(ids.trace(s.trace), 32)),
    );
    o.insert("spanId".into(), Value::String(ids.span(s.span)));
    if let Some(p) = s.parent {
        o.insert("parentSpanId".into(), Value::String(ids.span(p)));
    }
    o.insert("name".into(), Value::String(s.name.clone()));
    o.insert("kind".into(), Value::from(s.kind as i64));
    o.insert(
        "startTimeUnixNano".into(),
        Value::String(s.start.to_string()),
    );
    o.insert("endTimeUnixNano".into(), Value::String(s.end.to_string()));
    if !s.attributes.is_empty() {
        o.insert("attributes".into(), otlp::to_attributes(&s.attributes));
    }
    if !s.events.is_empty() {
        let evs: Vec<Value> = s
            .events
            .iter()
            .map(|e| json!({ "timeUnixNano": e.time.to_string(), "name": e.name, "attributes": otlp::to_attributes(&e.attributes) }))
            .collect();
        o.insert("events".into(), Value::Array(evs));
    }
    if !s.links.is_empty() {
        let ls: Vec<Value> = s
            .links
            .iter()
            .map(|l| json!({ "traceId": otlp_id(ids.trace(l.trace), 32), "spanId": ids.span(l.span), "attributes": otlp::to_attributes(&l.attributes) }))
            .collect();
        o.insert("links".into(), Value::Array(ls));
    }
    let mut status = Map::new();
    if s.status != Status::Unset {
        status.insert("code".into(), Value::from(s.status as i64));
    }
    if !s.status_message.is_empty() {
        status.insert("message".into(), Value::String(s.status_message.clone()));
    }
    o.insert("status".into(), Value::Object(status));
    Value::Object(o)
}

fn rfc3339(ns: i64) -> String {
    DateTime::<Utc>::from_timestamp_nanos(ns).to_rfc3339_opts(SecondsFormat::Nanos, true)
}

/// One span as obs's span NDJSON object.
pub fn span_object(s: &Span, ids: &IdNames) -> Value {
    let mut o = Map::new();
    o.insert("trace_id".into(), Value::String(ids.trace(s.trace)));
    o.insert("span_id".into(), Value::String(ids.span(s.span)));
    if let Some(p) = s.parent {
        o.insert("parent_span_id".into(), Value::String(ids.span(p)));
    }
    if s.follows_from {
        o.insert("ref_type".into(), Value::String("FOLLOWS_FROM".into()));
    }
    o.insert("name".into(), Value::String(s.name.clone()));
    o.insert("service".into(), Value::String(s.service.clone()));
    if s.kind != Kind::Unspecified {
        o.insert("kind".into(), Value::String(s.kind.name().into()));
    }
    o.insert("start_time".into(), Value::String(rfc3339(s.start)));
    o.insert("end_time".into(), Value::String(rfc3339(s.end)));
    o.insert(
        "duration_ms".into(),
        Value::from((s.end - s.start) as f64 / 1e6),
    );
    let status = match s.status {
        Status::Unset => "UNSET",
        Status::Ok => "OK",
        Status::Error => "ERROR",
    };
    o.insert("status".into(), Value::String(status.into()));
    if !s.status_message.is_empty() {
        o.insert(
            "status_message".into(),
            Value::String(s.status_message.clone()),
        );
    }
    o.insert("attributes".into(), Value::Object(s.attributes.clone()));
    if !s.resource.is_empty() {
        o.insert("resource".into(), Value::Object(s.resource.clone()));
    }
    if !s.scope_name.is_empty() || !s.scope_version.is_empty() {
        o.insert(
            "scope".into(),
            json!({ "name": s.scope_name, "version": s.scope_version }),
        );
    }
    if !s.events.is_empty() {
        let evs: Vec<Value> = s
            .events
            .iter()
            .map(|e| json!({ "time": rfc3339(e.time), "name": e.name, "attributes": e.attributes }))
            .collect();
        o.insert("events".into(), Value::Array(evs));
    }
    if !s.links.is_empty() {
        let ls: Vec<Value> = s
            .links
            .iter()
            .map(|l| json!({ "trace_id": ids.trace(l.trace), "span_id": ids.span(l.span), "attributes": l.attributes }))
            .collect();
        o.insert("links".into(), Value::Array(ls));
    }
    Value::Object(o)
}

/// One trace's text in `format`: a Jaeger trace object (without the envelope [`Stream`]
/// writes around the traces), an OTLP/JSON line, or its span lines. Shared Zipkin halves get
/// ids of their own first, but in span NDJSON, which keeps spans as read.
pub fn trace_text(
    format: ExportFormat,
    mut spans: Vec<Span>,
    ids: &IdNames,
) -> serde_json::Result<Vec<u8>> {
    let mut buf = Vec::new();
    if format != ExportFormat::Spans {
        dedupe_shared(&mut spans);
    }
    let spans = &spans;
    match format {
        ExportFormat::Jaeger => {
            let doc = jaeger_document(std::slice::from_ref(spans), ids);
            serde_json::to_writer(&mut buf, &doc["data"][0])?;
        }
        ExportFormat::Otlp => {
            serde_json::to_writer(&mut buf, &otlp_envelope(spans, ids))?;
            buf.push(b'\n');
        }
        ExportFormat::Spans => {
            for s in spans {
                serde_json::to_writer(&mut buf, &span_object(s, ids))?;
                buf.push(b'\n');
            }
        }
    }
    Ok(buf)
}

/// What goes around and between the traces of an export written as a stream, a batch at a
/// time: Jaeger UI's loader wants one `{"data": [...]}` document (with the fields of the query
/// API's answer), the line formats want nothing.
pub struct Stream {
    format: ExportFormat,
    first: bool,
}

impl Stream {
    /// A stream of traces in `format`.
    pub fn new(format: ExportFormat) -> Self {
        Stream {
            format,
            first: true,
        }
    }

    /// Bytes before the first trace.
    pub fn head(&self) -> &'static [u8] {
        match self.format {
            ExportFormat::Jaeger => b"{\"data\":[",
            _ => b"",
        }
    }

    /// Bytes before the next trace.
    pub fn before_trace(&mut self) -> &'static [u8] {
        let first = std::mem::replace(&mut self.first, false);
        match self.format {
            ExportFormat::Jaeger if !first => b",\n",
            _ => b"",
        }
    }

    /// Bytes after the last trace.
    pub fn tail(&self) -> &'static [u8] {
        match self.format {
            ExportFormat::Jaeger => b"],\"total\":0,\"limit\":0,\"offset\":0,\"errors\":null}\n",
            _ => b"",
        }
    }
}
