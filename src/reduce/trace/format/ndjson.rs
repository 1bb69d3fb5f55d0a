//! Span-per-line NDJSON, the shape applications and pipelines write themselves: one object per
//! span with `trace_id`, `span_id`, `parent_span_id`, `name`, `service`, `start_time` and
//! `end_time` (or `duration_ms`), `status`, `kind`, `attributes`, `events`. Every name can be
//! changed with `--span-field ROLE=PATH`. A W3C `traceparent` field stands in for a missing
//! trace id and parent.

use std::borrow::Cow;

use chrono_tz::Tz;
use serde_json::{Map, Value};

use super::super::ids::{self, span_id, trace_id, IdNames};
use super::super::names::Names;
use super::super::row::{Row, BACKWARDS, ERROR, FOLLOWS_FROM};
use super::super::span::{Event, Kind, Link, Span, Status};
use super::otlp;
use crate::decode::cell::Cell;
use crate::decode::flat::{decode_cells, CellSlots};
use crate::decode::hex::Hex;
use crate::decode::json::Projection;
use crate::decode::value::value_text;
use crate::error::ObsError;
use crate::record::path::Segment;
use crate::record::time::{millis_nanos, parse_time_value, time_nanos};
use crate::record::FieldPath;

/// What a field of a span line means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// The trace id.
    TraceId,
    /// The span id.
    SpanId,
    /// The parent span id.
    ParentSpanId,
    /// The operation name.
    Name,
    /// The service name.
    Service,
    /// Start time.
    StartTime,
    /// End time.
    EndTime,
    /// Duration in ms, when there is no end time.
    DurationMs,
    /// Status (`OK`, `ERROR`, OTLP codes).
    Status,
    /// Span kind.
    Kind,
    /// Attributes (an object, or OTLP's key/value list).
    Attributes,
    /// Events.
    Events,
    /// A W3C `traceparent`, standing in for missing trace and parent ids.
    Traceparent,
    /// An error flag.
    Error,
    /// `FOLLOWS_FROM` when the parent reference is one.
    RefType,
}

/// Every role, its name and its default field, in [`Role`] order.
pub const ROLES: [(Role, &str, &str); 15] = [
    (Role::TraceId, "trace_id", "trace_id"),
    (Role::SpanId, "span_id", "span_id"),
    (Role::ParentSpanId, "parent_span_id", "parent_span_id"),
    (Role::Name, "name", "name"),
    (Role::Service, "service", "service"),
    (Role::StartTime, "start_time", "start_time"),
    (Role::EndTime, "end_time", "end_time"),
    (Role::DurationMs, "duration_ms", "duration_ms"),
    (Role::Status, "status", "status"),
    (Role::Kind, "kind", "kind"),
    (Role::Attributes, "attributes", "attributes"),
    (Role::Events, "events", "events"),
    (Role::Traceparent, "traceparent", "traceparent"),
    (Role::Error, "error", "error"),
    (Role::RefType, "ref_type", "ref_type"),
];

/// The field of each span role.
#[derive(Debug, Clone)]
pub struct SpanFields {
    paths: Vec<FieldPath>,
}

impl Default for SpanFields {
    fn default() -> Self {
        SpanFields {
            paths: ROLES.iter().map(|r| FieldPath::literal(r.2)).collect(),
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
            let i = ROLES
                .iter()
                .position(|r| r.1 == role.trim())
                .ok_or_else(|| {
                    let known: Vec<&str> = ROLES.iter().map(|r| r.1).collect();
                    ObsError::Usage(format!(
                        "--span-field: unknown role '{role}' (roles: {})",
                        known.join(", ")
                    ))
                })?;
            f.paths[i] = FieldPath::parse(path.trim())?;
        }
        Ok(f)
    }

    /// The field of `role`.
    pub fn path(&self, role: Role) -> &FieldPath {
        &self.paths[role as usize]
    }

    fn is_role_key(&self, key: &str) -> bool {
        self.paths
            .iter()
            .any(|p| p.top_level_keys().iter().any(|k| k == key))
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

/// Reads the core of a span from its role values, which `get` finds (borrowed, and only for the
/// roles read: building an array of every role per line, or copying cells, showed in
/// profiles of `benches/trace.rs`); one definition for the first pass (cells borrowed from the line) and for
/// read-back (a decoded object).
/// `hex` gives an id role's value as the decoder read it on the way, when it did.
fn core<'c, 'a: 'c>(
    get: impl Fn(Role) -> Option<&'c Cell<'a>>,
    hex: impl Fn(Role) -> Hex,
    tz: Tz,
    names: &mut IdNames,
) -> Result<Core, String> {
    let tp = get(Role::Traceparent).and_then(|t| ids::traceparent(&t.text()));
    let trace = ids::trace_id_of_hex(hex(Role::TraceId), names)
        .unwrap_or_else(|| get(Role::TraceId).and_then(|t| trace_id(&t.text(), names)));
    let trace = match trace {
        Some(t) => t,
        None => tp.map(|t| t.trace).ok_or("no trace id")?,
    };
    let span_of = |role: Role, names: &mut IdNames| {
        ids::span_id_of_hex(hex(role)).unwrap_or_else(|| span_of_text(get(role), names))
    };
    let span = span_of(Role::SpanId, names).ok_or("no span id")?;
    let parent = span_of(Role::ParentSpanId, names)
        .or_else(|| tp.filter(|t| t.trace == trace).map(|t| t.parent));
    let time = |role: Role| get(role).and_then(|v| time_nanos(v, tz));
    let start = match time(Role::StartTime) {
        Some(t) => t,
        None => return Err(unreadable_time(get(Role::StartTime), "start time", tz)),
    };
    let end = match (time(Role::EndTime), get(Role::EndTime)) {
        (Some(e), _) => e,
        (None, Some(bad)) if !matches!(bad, Cell::Null) => {
            return Err(unreadable_time(Some(bad), "end time", tz))
        }
        (None, _) => match get(Role::DurationMs).and_then(Cell::number) {
            Some(ms) => start.saturating_add(millis_nanos(ms)),
            None => return Err("no end time or duration".into()),
        },
    };
    let error = get(Role::Error).is_some_and(|v| match v {
        Cell::Bool(b) => *b,
        Cell::Null => false,
        Cell::Str(s) => !s.is_empty() && s != "false",
        _ => true,
    });
    Ok(Core {
        trace,
        span,
        parent,
        start,
        end,
        status: get(Role::Status).map_or(Status::Unset, Status::of),
        error,
        kind: get(Role::Kind).map_or(Kind::Unspecified, Kind::of),
    })
}

/// Why a span's time cannot be used: missing, a time beyond what nanoseconds since 1970 hold
/// in 64 bits (1677 to 2262: year 9999, an epoch of 1e20), or no time at all.
#[inline(never)]
fn unreadable_time(cell: Option<&Cell>, what: &str, tz: Tz) -> String {
    let Some(v) = cell.filter(|v| !matches!(v, Cell::Null)) else {
        return format!("no {what}");
    };
    let in_calendar = crate::record::time::parse_time_cell(v, tz).is_some();
    let huge_number = v.number().is_some_and(f64::is_finite) && !matches!(v, Cell::Str(_));
    if in_calendar || huge_number {
        format!(
            "{what} {} is out of range (obs reads times from 1677 to 2262)",
            v.text()
        )
    } else {
        format!("{what} {} is not a time", v.text())
    }
}

/// The span id in `cell`'s text, for ids the decoder did not read as hex.
// Out of line: inside the closure that reads a span id, it made every call (two per span line)
// save and restore the registers of text hashing it rarely reaches.
#[inline(never)]
fn span_of_text(cell: Option<&Cell>, names: &mut IdNames) -> Option<ids::SpanId> {
    match cell? {
        // JSON `null` is "no parent" (the commonest spelling in span NDJSON), not the id "null".
        Cell::Null => None,
        t => span_id(&t.text(), names),
    }
}

/// Where the first pass finds a role in the projected top-level keys.
#[derive(Debug, Clone)]
enum Slot {
    /// The field is one top-level key: its projected cell.
    Key(usize),
    /// A nested or flattened path, resolved over the decoded values of its keys.
    Path,
    /// The first pass does not read the role.
    Unused,
}

/// The first pass over span lines: decodes the role fields of a line straight into a narrow
/// [`Row`], with strings borrowed from the line and no `Value` per field. The whole line is
/// still validated, as every command does.
pub struct RowDecoder<'f> {
    fields: &'f SpanFields,
    proj: Projection,
    /// By role, in [`ROLES`] order: a fixed array, so that reading a role's slot needs no
    /// bounds check.
    slots: [Slot; ROLES.len()],
    nested: bool,
    tz: Tz,
}

/// The dictionaries a chunk's rows refer to.
pub struct RowNames<'n> {
    /// Non-hex ids.
    pub ids: &'n mut IdNames,
    /// Service names.
    pub services: &'n mut Names,
    /// Operation names.
    pub ops: &'n mut Names,
}

impl<'f> RowDecoder<'f> {
    /// A decoder for span lines with these fields; wall-clock times are read in `tz`.
    pub fn new(fields: &'f SpanFields, tz: Tz) -> RowDecoder<'f> {
        let mut proj = Projection::default();
        let slots = ROLES.map(|(role, _, _)| {
            let path = fields.path(role);
            if matches!(role, Role::Attributes | Role::Events) {
                return Slot::Unused;
            }
            let keys = path.top_level_keys();
            match (path.segments(), keys) {
                ([Segment::Key(k)], [only]) if k == only => {
                    let slot = proj.add(k.clone());
                    if matches!(role, Role::TraceId | Role::SpanId | Role::ParentSpanId) {
                        proj.mark_hex(slot);
                    }
                    Slot::Key(slot)
                }
                _ => {
                    for k in keys {
                        proj.add(k.clone());
                    }
                    Slot::Path
                }
            }
        });
        let nested = slots.iter().any(|s| matches!(s, Slot::Path));
        RowDecoder {
            fields,
            proj,
            slots,
            nested,
            tz,
        }
    }

    /// The row of one span line; `slots` is scratch space reused across lines of a chunk.
    pub fn row<'a>(
        &self,
        json: &'a [u8],
        slots: &mut CellSlots<'a>,
        names: RowNames,
    ) -> Result<Row, String> {
        decode_cells(json, &self.proj, slots).map_err(|e| e.0)?;
        let cells = slots.cells();
        // Nested role paths walk decoded values; only built when some role needs one (even
        // empty, the two vectors were a drop call per line).
        let values: Option<Vec<Option<Value>>> = self.nested.then(|| {
            cells
                .iter()
                .map(|c| c.as_ref().map(Cell::to_value))
                .collect()
        });
        let resolved: Option<Vec<Option<Cell>>> = values.as_ref().map(|values| {
            (0..ROLES.len())
                .map(|r| match self.slots[r] {
                    Slot::Path => self
                        .fields
                        .path(ROLES[r].0)
                        .resolve(&|k| self.proj.slot(k).and_then(|i| values[i].as_ref()))
                        .map(Cell::of),
                    _ => None,
                })
                .collect()
        });
        let get = |role: Role| match self.slots[role as usize] {
            Slot::Key(i) => cells[i].as_ref(),
            Slot::Path => resolved.as_ref()?[role as usize].as_ref(),
            Slot::Unused => None,
        };
        let hex = |role: Role| match self.slots[role as usize] {
            Slot::Key(i) => slots.hex(i),
            _ => Hex::default(),
        };
        let c = core(get, hex, self.tz, names.ids)?;
        let mut flags = if c.status == Status::Error || c.error {
            ERROR
        } else {
            0
        };
        if get(Role::RefType).is_some_and(|v| v.text() == "FOLLOWS_FROM") {
            flags |= FOLLOWS_FROM;
        }
        if c.end < c.start {
            flags |= BACKWARDS;
        }
        let service = names
            .services
            .code(&get(Role::Service).map_or(Cow::Borrowed(""), Cell::text));
        let name = names
            .ops
            .code(&get(Role::Name).map_or(Cow::Borrowed(""), Cell::text));
        Ok(Row {
            trace: c.trace,
            span: c.span,
            parent: c.parent.unwrap_or(0),
            start: c.start,
            end: c.end.max(c.start),
            service,
            name,
            flags,
            kind: c.kind as u8,
        })
    }
}

/// The whole span of a line (read back): top-level fields that fill no role become attributes.
pub fn span(
    obj: &Map<String, Value>,
    f: &SpanFields,
    tz: Tz,
    names: &mut IdNames,
) -> Result<Span, String> {
    let get = |role: Role| f.path(role).resolve_in(obj);
    let cells: [Option<Cell>; ROLES.len()] = std::array::from_fn(|r| get(ROLES[r].0).map(Cell::of));
    let c = core(
        |role| cells[role as usize].as_ref(),
        |_| Hex::default(),
        tz,
        names,
    )?;
    let text = |role: Role| {
        get(role)
            .map(|v| value_text(v).into_owned())
            .unwrap_or_default()
    };
    let mut attributes = match get(Role::Attributes) {
        Some(Value::Object(m)) => m.clone(),
        Some(list @ Value::Array(_)) => otlp::attributes(list),
        _ => Map::new(),
    };
    for (k, v) in obj {
        if !f.is_role_key(k) && !RESERVED.contains(&k.as_str()) {
            attributes.entry(k.clone()).or_insert_with(|| v.clone());
        }
    }
    let status_message = match (get(Role::Status), obj.get("status_message")) {
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
    let events = match get(Role::Events) {
        Some(Value::Array(evs)) => evs.iter().map(|e| event(e, tz)).collect(),
        _ => Vec::new(),
    };
    Ok(Span {
        trace: c.trace,
        span: c.span,
        parent: c.parent,
        name: text(Role::Name),
        service: text(Role::Service),
        kind: c.kind,
        start: c.start,
        // As written: a span that ends before it starts is a finding, and export keeps it.
        end: c.end,
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
        follows_from: get(Role::RefType).and_then(Value::as_str) == Some("FOLLOWS_FROM"),
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
