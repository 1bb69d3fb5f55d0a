//! Span-per-line NDJSON, the shape applications and pipelines write themselves: one object per
//! span with `trace_id`, `span_id`, `parent_span_id`, `name`, `service`, `start_time` and
//! `end_time` (or `duration_ms`), `status`, `kind`, `attributes`, `events`. Every name can be
//! changed with `--span-field ROLE=PATH`. A W3C `traceparent` field stands in for a missing
//! trace id and parent.

use chrono_tz::Tz;
use serde_json::{Map, Value};

use super::super::ids::{self, span_id, trace_id, IdNames};
use super::super::names::Names;
use super::super::row::{Loc, Row, ERROR, FOLLOWS_FROM};
use super::super::span::{Event, Kind, Link, Span, Status};
use super::otlp;
use crate::error::ObsError;
use crate::record::time::parse_time_value;
use crate::record::{value_number, value_text, FieldPath, Record};

/// The field of each span role.
#[derive(Debug, Clone)]
pub struct SpanFields {
    roles: Vec<(&'static str, FieldPath)>,
}

/// Every role and its default field.
pub const ROLES: [(&str, &str); 15] = [
    ("trace_id", "trace_id"),
    ("span_id", "span_id"),
    ("parent_span_id", "parent_span_id"),
    ("name", "name"),
    ("service", "service"),
    ("start_time", "start_time"),
    ("end_time", "end_time"),
    ("duration_ms", "duration_ms"),
    ("status", "status"),
    ("kind", "kind"),
    ("attributes", "attributes"),
    ("events", "events"),
    ("traceparent", "traceparent"),
    ("error", "error"),
    ("ref_type", "ref_type"),
];

impl Default for SpanFields {
    fn default() -> Self {
        SpanFields {
            roles: ROLES
                .iter()
                .map(|&(r, f)| (r, FieldPath::literal(f)))
                .collect(),
        }
    }
}

impl SpanFields {
    /// The defaults with `ROLE=PATH` overrides applied.
    pub fn new(overrides: &[String]) -> Result<SpanFields, ObsError> {
        let mut f = SpanFields::default();
        for o in overrides {
            let (role, path) = o.split_once('=').ok_or_else(|| {
                ObsError::Usage(format!("--span-field wants ROLE=PATH, got '{o}'"))
            })?;
            let slot = f
                .roles
                .iter_mut()
                .find(|(r, _)| *r == role.trim())
                .ok_or_else(|| {
                    let known: Vec<&str> = ROLES.iter().map(|r| r.0).collect();
                    ObsError::Usage(format!(
                        "--span-field: unknown role '{role}' (roles: {})",
                        known.join(", ")
                    ))
                })?;
            slot.1 = FieldPath::parse(path.trim())?;
        }
        Ok(f)
    }

    /// The field of `role`.
    pub fn path(&self, role: &str) -> &FieldPath {
        &self
            .roles
            .iter()
            .find(|(r, _)| *r == role)
            .expect("every role has a field")
            .1
    }

    /// Top-level keys the first pass decodes (not attributes or events).
    pub fn keys(&self) -> Vec<String> {
        self.roles
            .iter()
            .filter(|(r, _)| !matches!(*r, "attributes" | "events"))
            .flat_map(|(_, p)| p.top_level_keys().iter().cloned())
            .collect()
    }

    fn is_role_key(&self, key: &str) -> bool {
        self.roles
            .iter()
            .any(|(_, p)| p.top_level_keys().iter().any(|k| k == key))
    }
}

/// Keys of obs's own span NDJSON (as `obs trace export --to spans` writes it) that are not
/// attributes.
const RESERVED: [&str; 4] = ["resource", "scope", "links", "status_message"];

/// The parts of a span line the first pass needs.
struct Core {
    trace: ids::TraceId,
    span: ids::SpanId,
    parent: Option<ids::SpanId>,
    start: i64,
    end: i64,
    status: Status,
    error: bool,
    kind: Kind,
}

fn core(get: &dyn Fn(&str) -> Option<Value>, tz: Tz, names: &mut IdNames) -> Result<Core, String> {
    let text = |role: &str| get(role).map(|v| value_text(&v).into_owned());
    let tp = text("traceparent").and_then(|t| ids::traceparent(&t));
    let trace = match text("trace_id").and_then(|t| trace_id(&t, names)) {
        Some(t) => t,
        None => tp.map(|t| t.trace).ok_or("no trace id")?,
    };
    let span = text("span_id")
        .and_then(|t| span_id(&t, names))
        .ok_or("no span id")?;
    let parent = text("parent_span_id")
        .and_then(|t| span_id(&t, names))
        .or_else(|| tp.filter(|t| t.trace == trace).map(|t| t.parent));
    let time = |role: &str| {
        get(role)
            .and_then(|v| parse_time_value(&v, tz))
            .and_then(|t| t.timestamp_nanos_opt())
    };
    let start = time("start_time").ok_or("no start time")?;
    let end = match time("end_time") {
        Some(e) => e,
        None => match get("duration_ms").as_ref().and_then(value_number) {
            Some(ms) => start + (ms * 1e6).round() as i64,
            None => return Err("no end time or duration".into()),
        },
    };
    let status = get("status").map_or(Status::Unset, |v| Status::parse(&v));
    let error = get("error").is_some_and(|v| match v {
        Value::Bool(b) => b,
        Value::Null => false,
        Value::String(s) => !s.is_empty() && s != "false",
        _ => true,
    });
    Ok(Core {
        trace,
        span,
        parent,
        start,
        end,
        status,
        error,
        kind: get("kind").map_or(Kind::Unspecified, |v| Kind::parse(&v)),
    })
}

/// The narrow row of a span line (first pass).
pub fn row(
    rec: &Record,
    f: &SpanFields,
    tz: Tz,
    names: &mut IdNames,
    services: &mut Names,
    ops: &mut Names,
    loc: Loc,
) -> Result<Row, String> {
    let get = |role: &str| rec.get(f.path(role)).cloned();
    let c = core(&get, tz, names)?;
    let text = |role: &str| {
        rec.get(f.path(role))
            .map_or(std::borrow::Cow::Borrowed(""), value_text)
    };
    let mut flags = if c.status == Status::Error || c.error {
        ERROR
    } else {
        0
    };
    if text("ref_type") == "FOLLOWS_FROM" {
        flags |= FOLLOWS_FROM;
    }
    Ok(Row {
        trace: c.trace,
        span: c.span,
        parent: c.parent.unwrap_or(0),
        start: c.start,
        end: c.end.max(c.start),
        service: services.code(&text("service")),
        name: ops.code(&text("name")),
        flags,
        kind: c.kind as u8,
        loc,
    })
}

/// The whole span of a line (read back): top-level fields that fill no role become attributes.
pub fn span(
    obj: &Map<String, Value>,
    f: &SpanFields,
    tz: Tz,
    names: &mut IdNames,
) -> Result<Span, String> {
    let get = |role: &str| f.path(role).resolve_in(obj).cloned();
    let c = core(&get, tz, names)?;
    let text = |role: &str| {
        get(role)
            .map(|v| value_text(&v).into_owned())
            .unwrap_or_default()
    };
    let mut attributes = match get("attributes") {
        Some(Value::Object(m)) => m,
        Some(list @ Value::Array(_)) => otlp::attributes(&list),
        _ => Map::new(),
    };
    for (k, v) in obj {
        if !f.is_role_key(k) && !RESERVED.contains(&k.as_str()) {
            attributes.entry(k.clone()).or_insert_with(|| v.clone());
        }
    }
    let status_message = match (get("status"), obj.get("status_message")) {
        (_, Some(Value::String(m))) => m.clone(),
        (Some(Value::Object(o)), _) => o
            .get("message")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string(),
        _ => String::new(),
    };
    let scope_text = |k: &str| {
        obj.get("scope")
            .and_then(|s| s.get(k))
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string()
    };
    let links = obj
        .get("links")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|l| {
            Some(Link {
                trace: trace_id(l.get("trace_id")?.as_str()?, names)?,
                span: span_id(l.get("span_id")?.as_str()?, names)?,
                attributes: l
                    .get("attributes")
                    .and_then(Value::as_object)
                    .cloned()
                    .unwrap_or_default(),
            })
        })
        .collect();
    let events = match get("events") {
        Some(Value::Array(evs)) => evs.iter().map(|e| event(e, tz)).collect(),
        _ => Vec::new(),
    };
    Ok(Span {
        trace: c.trace,
        span: c.span,
        parent: c.parent,
        name: text("name"),
        service: text("service"),
        kind: c.kind,
        start: c.start,
        end: c.end.max(c.start),
        status: if c.error { Status::Error } else { c.status },
        status_message,
        attributes,
        resource: obj
            .get("resource")
            .and_then(Value::as_object)
            .cloned()
            .unwrap_or_default(),
        scope_name: scope_text("name"),
        scope_version: scope_text("version"),
        events,
        links,
        follows_from: get("ref_type").and_then(|v| v.as_str().map(|s| s == "FOLLOWS_FROM"))
            == Some(true),
        ..Span::default()
    })
}

fn event(e: &Value, tz: Tz) -> Event {
    let time = ["time", "timestamp", "time_unix_nano", "timeUnixNano"]
        .iter()
        .find_map(|k| e.get(*k))
        .and_then(|v| match v {
            Value::String(s) if s.bytes().all(|b| b.is_ascii_digit()) => s.parse::<i64>().ok(),
            other => parse_time_value(other, tz).and_then(|t| t.timestamp_nanos_opt()),
        })
        .unwrap_or(0);
    let attributes = match e.get("attributes") {
        Some(Value::Object(m)) => m.clone(),
        Some(list @ Value::Array(_)) => otlp::attributes(list),
        _ => Map::new(),
    };
    Event {
        time,
        name: e
            .get("name")
            .map(|v| value_text(v).into_owned())
            .unwrap_or_default(),
        attributes,
    }
}
