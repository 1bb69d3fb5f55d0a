//! Zipkin v2 JSON: an array of spans with microsecond `timestamp`/`duration`, `id`/`parentId`,
//! `localEndpoint.serviceName`, string `tags` and `annotations`. A server span with
//! `"shared": true` reuses its client's id; the tree merges the two halves into one node.

use serde_json::{Map, Value};

use super::super::ids::{span_id, trace_id, IdNames};
use super::super::span::{Event, Kind, Span, Status};

/// The spans of a Zipkin array, in document order.
pub fn spans(doc: &Value, names: &mut IdNames) -> Result<Vec<Span>, String> {
    let arr = doc.as_array().ok_or("not Zipkin: not an array of spans")?;
    arr.iter().map(|s| span(s, names)).collect()
}

/// One Zipkin span.
pub fn span(s: &Value, names: &mut IdNames) -> Result<Span, String> {
    let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    let trace = trace_id(&text(s, "traceId"), names).ok_or("span without a valid traceId")?;
    let id = span_id(&text(s, "id"), names).ok_or("span without a valid id")?;
    let start = s.get("timestamp").and_then(Value::as_i64).unwrap_or(0) * 1000;
    let end = start + s.get("duration").and_then(Value::as_i64).unwrap_or(0) * 1000;
    let mut attributes: Map<String, Value> = s
        .get("tags")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    // Zipkin marks a failure with an `error` tag whose value is the message ("" counts too).
    let status = if attributes.contains_key("error") {
        Status::Error
    } else {
        Status::Unset
    };
    let status_message = match attributes.remove("error") {
        Some(Value::String(m)) => m,
        _ => String::new(),
    };
    if let Some(remote) = s.get("remoteEndpoint").and_then(Value::as_object) {
        for (k, v) in remote {
            let key = match k.as_str() {
                "serviceName" => "peer.service".to_string(),
                other => format!("peer.{other}"),
            };
            attributes.insert(key, v.clone());
        }
    }
    let events = s
        .get("annotations")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|a| Event {
            time: a.get("timestamp").and_then(Value::as_i64).unwrap_or(0) * 1000,
            name: text(a, "value"),
            attributes: Map::new(),
        })
        .collect();
    Ok(Span {
        trace,
        span: id,
        parent: span_id(&text(s, "parentId"), names),
        name: text(s, "name"),
        service: s
            .get("localEndpoint")
            .map(|e| text(e, "serviceName"))
            .unwrap_or_default(),
        kind: s.get("kind").map_or(Kind::Unspecified, Kind::parse),
        start,
        end,
        status,
        status_message,
        attributes,
        events,
        shared: s.get("shared").and_then(Value::as_bool).unwrap_or(false),
        ..Span::default()
    })
}
