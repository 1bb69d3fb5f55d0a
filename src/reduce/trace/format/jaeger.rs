//! Jaeger JSON, as the query API and the UI's download write it: `{"data": [trace…]}` or one
//! trace object, each with `spans` and `processes`; times in microseconds; tags, logs and
//! references as lists. The OpenTelemetry status and kind travel as `otel.status_code`,
//! `otel.status_description` and `span.kind` tags, which are read back into the model.

use serde_json::{Map, Value};

use super::super::ids::{span_id, trace_id, IdNames};
use super::super::span::{Event, Kind, Link, Span, Status};

/// The spans of a Jaeger document (all traces), in document order.
pub fn spans(doc: &Value, names: &mut IdNames) -> Result<Vec<Span>, String> {
    let traces: Vec<&Value> = match doc.get("data") {
        Some(Value::Array(a)) => a.iter().collect(),
        // Jaeger UI's internal shape: `{"data": {trace}}`.
        Some(t @ Value::Object(_)) if t.get("spans").is_some() => vec![t],
        _ if doc.get("spans").is_some() => vec![doc],
        _ => return Err("not Jaeger JSON: no data array or spans".into()),
    };
    let mut out = Vec::new();
    for t in traces {
        let processes = t.get("processes").and_then(Value::as_object);
        for s in t
            .get("spans")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            out.push(span(s, t, processes, names)?);
        }
    }
    Ok(out)
}

fn span(
    s: &Value,
    trace: &Value,
    processes: Option<&Map<String, Value>>,
    names: &mut IdNames,
) -> Result<Span, String> {
    let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    let tid = match text(s, "traceID") {
        t if t.is_empty() => text(trace, "traceID"),
        t => t,
    };
    let this_trace = trace_id(&tid, names).ok_or("span without a valid traceID")?;
    let id = span_id(&text(s, "spanID"), names).ok_or("span without a valid spanID")?;
    let micros = |k: &str| s.get(k).and_then(Value::as_i64);
    let start = micros("startTime").ok_or("span without startTime")? * 1000;
    let end = start + micros("duration").unwrap_or(0) * 1000;

    // The parent is the first CHILD_OF reference, else the first FOLLOWS_FROM one (jaeger-ui
    // builds its tree the same way); every other reference is kept as a link.
    let refs: Vec<&Value> = s
        .get("references")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .collect();
    let ref_type = |r: &Value| text(r, "refType");
    let parent_ref = refs
        .iter()
        .position(|r| ref_type(r) == "CHILD_OF")
        .or_else(|| refs.iter().position(|r| ref_type(r) == "FOLLOWS_FROM"));
    let mut parent = None;
    let mut follows_from = false;
    let mut links = Vec::new();
    for (i, r) in refs.iter().enumerate() {
        let Some(sp) = span_id(&text(r, "spanID"), names) else {
            continue;
        };
        if Some(i) == parent_ref {
            parent = Some(sp);
            follows_from = ref_type(r) == "FOLLOWS_FROM";
        } else {
            let t = trace_id(&text(r, "traceID"), names).unwrap_or(this_trace);
            links.push(Link {
                trace: t,
                span: sp,
                attributes: Map::new(),
            });
        }
    }

    let mut attributes = s.get("tags").map(tags).unwrap_or_default();
    let kind = attributes
        .remove("span.kind")
        .map_or(Kind::Unspecified, |k| Kind::parse(&k));
    let mut status = attributes
        .remove("otel.status_code")
        .map_or(Status::Unset, |v| Status::parse(&v));
    // Jaeger's own way of saying the span failed, as its OTLP translator reads it.
    if attributes.get("error") == Some(&Value::Bool(true)) {
        attributes.remove("error");
        status = Status::Error;
    }
    let status_message = match attributes.remove("otel.status_description") {
        Some(Value::String(m)) => m,
        _ => String::new(),
    };
    let scope_key = |new: &str, old: &str, a: &mut Map<String, Value>| match a
        .remove(new)
        .or_else(|| a.remove(old))
    {
        Some(Value::String(s)) => s,
        _ => String::new(),
    };
    let scope_name = scope_key("otel.scope.name", "otel.library.name", &mut attributes);
    let scope_version = scope_key(
        "otel.scope.version",
        "otel.library.version",
        &mut attributes,
    );

    let process = s.get("process").or_else(|| {
        let pid = s.get("processID")?.as_str()?;
        processes?.get(pid)
    });
    let service = process.map(|p| text(p, "serviceName")).unwrap_or_default();
    let resource = process
        .and_then(|p| p.get("tags"))
        .map(tags)
        .unwrap_or_default();

    let events = s
        .get("logs")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|l| {
            let mut fields = l.get("fields").map(tags).unwrap_or_default();
            let name = match fields.remove("event") {
                Some(Value::String(n)) => n,
                Some(other) => other.to_string(),
                None => String::new(),
            };
            Event {
                time: l.get("timestamp").and_then(Value::as_i64).unwrap_or(0) * 1000,
                name,
                attributes: fields,
            }
        })
        .collect();

    Ok(Span {
        trace: this_trace,
        span: id,
        parent,
        follows_from,
        name: text(s, "operationName"),
        service,
        kind,
        start,
        end,
        status,
        status_message,
        attributes,
        resource,
        scope_name,
        scope_version,
        scope_attributes: Map::new(),
        events,
        links,
        shared: false,
    })
}

/// Jaeger `[{"key", "type", "value"}]` as a map; `int64`/`float64` given as strings become
/// numbers.
pub fn tags(v: &Value) -> Map<String, Value> {
    let mut out = Map::new();
    for t in v.as_array().into_iter().flatten() {
        let Some(k) = t.get("key").and_then(Value::as_str) else {
            continue;
        };
        let val = t.get("value").cloned().unwrap_or(Value::Null);
        let ty = t.get("type").and_then(Value::as_str).unwrap_or("");
        let val = match (ty, &val) {
            ("int64", Value::String(s)) => s.parse::<i64>().map_or(val.clone(), Value::from),
            ("float64", Value::String(s)) => s.parse::<f64>().map_or(val.clone(), Value::from),
            ("bool", Value::String(s)) => Value::Bool(s == "true"),
            _ => val,
        };
        out.insert(k.to_string(), val);
    }
    out
}

/// A map as Jaeger tags with their types.
pub fn to_tags(m: &Map<String, Value>) -> Vec<Value> {
    m.iter().map(|(k, v)| tag(k, v)).collect()
}

/// One Jaeger tag.
pub fn tag(k: &str, v: &Value) -> Value {
    let (ty, val) = match v {
        Value::Bool(_) => ("bool", v.clone()),
        Value::Number(n) if n.is_i64() || n.is_u64() => ("int64", v.clone()),
        Value::Number(_) => ("float64", v.clone()),
        Value::String(_) => ("string", v.clone()),
        other => ("string", Value::String(other.to_string())),
    };
    serde_json::json!({ "key": k, "type": ty, "value": val })
}
