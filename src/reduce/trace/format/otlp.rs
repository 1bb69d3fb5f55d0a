//! OTLP/JSON: `{"resourceSpans": [...]}` as the collector's file exporter writes it (one envelope
//! per line) or as one document. Ids are hex, times nanosecond decimal strings, `kind` and
//! `status.code` integers, and the service is the resource's `service.name`.

use serde_json::{Map, Value};

use super::super::ids::{span_id, trace_id, IdNames};
use super::super::span::{Event, Kind, Link, Span, Status};

/// The spans of one envelope, in document order.
pub fn spans(doc: &Value, names: &mut IdNames) -> Result<Vec<Span>, String> {
    let rs = doc
        .get("resourceSpans")
        .and_then(Value::as_array)
        .ok_or("not OTLP: no resourceSpans array")?;
    let mut out = Vec::new();
    for r in rs {
        let mut resource = r
            .get("resource")
            .and_then(|x| x.get("attributes"))
            .map(attributes)
            .unwrap_or_default();
        let service = match resource.remove("service.name") {
            Some(Value::String(s)) => s,
            Some(other) => other.to_string(),
            None => String::new(),
        };
        let scopes = r
            .get("scopeSpans")
            .or_else(|| r.get("instrumentationLibrarySpans"))
            .and_then(Value::as_array);
        for ss in scopes.into_iter().flatten() {
            let scope = ss.get("scope").or_else(|| ss.get("instrumentationLibrary"));
            let text = |k: &str| {
                scope
                    .and_then(|s| s.get(k))
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string()
            };
            let scope_attributes = scope
                .and_then(|s| s.get("attributes"))
                .map(attributes)
                .unwrap_or_default();
            for s in ss
                .get("spans")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let mut span = span(s, names)?;
                span.service.clone_from(&service);
                span.resource.clone_from(&resource);
                span.scope_name = text("name");
                span.scope_version = text("version");
                span.scope_attributes.clone_from(&scope_attributes);
                out.push(span);
            }
        }
    }
    Ok(out)
}

fn span(s: &Value, names: &mut IdNames) -> Result<Span, String> {
    let text = |k: &str| s.get(k).and_then(Value::as_str).unwrap_or("");
    let trace = trace_id(text("traceId"), names).ok_or("span without a valid traceId")?;
    let id = span_id(text("spanId"), names).ok_or("span without a valid spanId")?;
    let status = s.get("status");
    Ok(Span {
        trace,
        span: id,
        parent: span_id(text("parentSpanId"), names),
        name: text("name").to_string(),
        kind: s.get("kind").map_or(Kind::Unspecified, Kind::parse),
        start: nanos(s.get("startTimeUnixNano")).ok_or("span without startTimeUnixNano")?,
        end: nanos(s.get("endTimeUnixNano")).ok_or("span without endTimeUnixNano")?,
        status: status.map_or(Status::Unset, Status::parse),
        status_message: status
            .and_then(|x| x.get("message"))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string(),
        attributes: s.get("attributes").map(attributes).unwrap_or_default(),
        events: s
            .get("events")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|e| Event {
                time: nanos(e.get("timeUnixNano")).unwrap_or(0),
                name: e
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or("")
                    .to_string(),
                attributes: e.get("attributes").map(attributes).unwrap_or_default(),
            })
            .collect(),
        links: s
            .get("links")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|l| {
                let t = trace_id(l.get("traceId")?.as_str()?, names)?;
                let sp = span_id(l.get("spanId")?.as_str()?, names)?;
                Some(Link {
                    trace: t,
                    span: sp,
                    attributes: l.get("attributes").map(attributes).unwrap_or_default(),
                })
            })
            .collect(),
        ..Span::default()
    })
}

/// Nanoseconds from a decimal string (OTLP/JSON) or a number.
pub fn nanos(v: Option<&Value>) -> Option<i64> {
    match v? {
        Value::String(s) => s.trim().parse::<i64>().ok(),
        Value::Number(n) => n.as_i64().or_else(|| n.as_f64().map(|f| f as i64)),
        _ => None,
    }
}

/// `[{"key": k, "value": AnyValue}]` as a map of plain JSON values.
pub fn attributes(v: &Value) -> Map<String, Value> {
    let mut out = Map::new();
    for kv in v.as_array().into_iter().flatten() {
        if let Some(k) = kv.get("key").and_then(Value::as_str) {
            out.insert(
                k.to_string(),
                kv.get("value").map_or(Value::Null, any_value),
            );
        }
    }
    out
}

/// An OTLP `AnyValue` as plain JSON; 64-bit integers arrive as strings and become numbers.
pub fn any_value(v: &Value) -> Value {
    let Some(o) = v.as_object() else {
        return v.clone();
    };
    if let Some(s) = o.get("stringValue") {
        return s.clone();
    }
    if let Some(b) = o.get("boolValue") {
        return b.clone();
    }
    if let Some(i) = o.get("intValue") {
        return match i {
            Value::String(s) => s.parse::<i64>().map_or_else(|_| i.clone(), Value::from),
            other => other.clone(),
        };
    }
    if let Some(d) = o.get("doubleValue") {
        return match d {
            Value::String(s) => s.parse::<f64>().map_or_else(|_| d.clone(), Value::from),
            other => other.clone(),
        };
    }
    if let Some(a) = o.get("arrayValue") {
        let vals = a.get("values").and_then(Value::as_array);
        return Value::Array(vals.into_iter().flatten().map(any_value).collect());
    }
    if let Some(kv) = o.get("kvlistValue") {
        return Value::Object(kv.get("values").map(attributes).unwrap_or_default());
    }
    if let Some(b) = o.get("bytesValue") {
        return b.clone();
    }
    Value::Null
}

/// A plain JSON value as an OTLP `AnyValue` (integers as decimal strings, as OTLP/JSON writes
/// 64-bit numbers).
pub fn to_any_value(v: &Value) -> Value {
    let mut o = Map::new();
    match v {
        Value::String(s) => o.insert("stringValue".into(), Value::String(s.clone())),
        Value::Bool(b) => o.insert("boolValue".into(), Value::Bool(*b)),
        Value::Number(n) if n.is_i64() || n.is_u64() => {
            o.insert("intValue".into(), Value::String(n.to_string()))
        }
        Value::Number(n) => o.insert("doubleValue".into(), Value::from(n.as_f64().unwrap_or(0.0))),
        Value::Array(a) => o.insert(
            "arrayValue".into(),
            serde_json::json!({ "values": a.iter().map(to_any_value).collect::<Vec<_>>() }),
        ),
        Value::Object(m) => o.insert(
            "kvlistValue".into(),
            serde_json::json!({ "values": to_attributes(m) }),
        ),
        Value::Null => None,
    };
    Value::Object(o)
}

/// A map as OTLP `[{"key", "value"}]`.
pub fn to_attributes(m: &Map<String, Value>) -> Value {
    Value::Array(
        m.iter()
            .map(|(k, v)| serde_json::json!({ "key": k, "value": to_any_value(v) }))
            .collect(),
    )
}
