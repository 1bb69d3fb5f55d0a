//! One span with every detail, as read back for what is shown or exported.
//!
//! All four input formats decode into this one model, and every exporter writes from it, so a
//! round trip between formats goes through one place. Times are nanoseconds since the epoch;
//! attribute values keep their JSON types.

use serde_json::{Map, Value};

use super::ids::{SpanId, TraceId};
use crate::decode::cell::Cell;

/// What a span represents (OTLP's enum, which Jaeger and Zipkin map onto).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Kind {
    /// Not said.
    #[default]
    Unspecified = 0,
    /// In-process work.
    Internal = 1,
    /// Handles a request.
    Server = 2,
    /// Makes a request.
    Client = 3,
    /// Sends a message.
    Producer = 4,
    /// Receives a message.
    Consumer = 5,
}

impl Kind {
    /// From OTLP's integer, `SPAN_KIND_SERVER`, `server`, `SERVER`…
    pub fn parse(v: &Value) -> Kind {
        Kind::of(&Cell::of(v))
    }

    /// [`Kind::parse`] on a value borrowed from its line.
    pub fn of(v: &Cell) -> Kind {
        // The usual spellings first, without trimming or case folding; the rest out of line
        // (read once per span line, the general reading's registers were saved and restored
        // on every call).
        match v {
            Cell::Str(s) if s == "server" => Kind::Server,
            Cell::Str(s) if s == "client" => Kind::Client,
            Cell::Str(s) if s == "internal" => Kind::Internal,
            _ => Kind::of_other(v),
        }
    }

    #[inline(never)]
    fn of_other(v: &Cell) -> Kind {
        match v {
            Cell::Int(_) | Cell::UInt(_) => Kind::from_int(v.as_i64().unwrap_or(0)),
            Cell::Str(s) => {
                let s = crate::decode::value::trim(s);
                let s = s.strip_prefix("SPAN_KIND_").unwrap_or(s);
                const NAMED: [(&str, Kind); 5] = [
                    ("internal", Kind::Internal),
                    ("server", Kind::Server),
                    ("client", Kind::Client),
                    ("producer", Kind::Producer),
                    ("consumer", Kind::Consumer),
                ];
                NAMED
                    .iter()
                    .find(|(n, _)| n.eq_ignore_ascii_case(s))
                    .map_or_else(
                        || s.parse::<i64>().map_or(Kind::Unspecified, Kind::from_int),
                        |&(_, k)| k,
                    )
            }
            _ => Kind::Unspecified,
        }
    }

    fn from_int(i: i64) -> Kind {
        match i {
            1 => Kind::Internal,
            2 => Kind::Server,
            3 => Kind::Client,
            4 => Kind::Producer,
            5 => Kind::Consumer,
            _ => Kind::Unspecified,
        }
    }

    /// From the compact code stored in span rows.
    pub fn from_code(c: u8) -> Kind {
        Kind::from_int(i64::from(c))
    }

    /// Lower-case name (`server`), as Jaeger's `span.kind` tag writes it; empty when unspecified.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Unspecified => "",
            Kind::Internal => "internal",
            Kind::Server => "server",
            Kind::Client => "client",
            Kind::Producer => "producer",
            Kind::Consumer => "consumer",
        }
    }
}

/// A span's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Status {
    /// Not set.
    #[default]
    Unset = 0,
    /// Explicitly OK.
    Ok = 1,
    /// Failed.
    Error = 2,
}

impl Status {
    /// From OTLP's `{"code": 2}`, `STATUS_CODE_ERROR`, `error`, `ERROR`, `ok`…
    pub fn parse(v: &Value) -> Status {
        Status::of(&Cell::of(v))
    }

    /// [`Status::parse`] on a value borrowed from its line.
    pub fn of(v: &Cell) -> Status {
        // As in `Kind::of`: the usual spellings here, the rest out of line.
        match v {
            Cell::Str(s) if s == "OK" => Status::Ok,
            Cell::Str(s) if s == "ERROR" => Status::Error,
            _ => Status::of_other(v),
        }
    }

    #[inline(never)]
    fn of_other(v: &Cell) -> Status {
        match v {
            Cell::Tree(t) => t.get("code").map_or(Status::Unset, Status::parse),
            Cell::Int(_) | Cell::UInt(_) => match v.as_i64() {
                Some(1) => Status::Ok,
                Some(2) => Status::Error,
                _ => Status::Unset,
            },
            Cell::Str(s) => {
                let s = crate::decode::value::trim(s);
                let s = s.strip_prefix("STATUS_CODE_").unwrap_or(s);
                let is = |names: &[&str]| names.iter().any(|n| n.eq_ignore_ascii_case(s));
                if is(&["ok"]) {
                    Status::Ok
                } else if is(&["error", "err", "failed", "failure", "2"]) {
                    Status::Error
                } else {
                    Status::Unset
                }
            }
            Cell::Bool(true) => Status::Error,
            _ => Status::Unset,
        }
    }

    /// `OK`, `ERROR` or empty (Jaeger's `otel.status_code` values).
    pub fn name(self) -> &'static str {
        match self {
            Status::Unset => "",
            Status::Ok => "OK",
            Status::Error => "ERROR",
        }
    }
}

/// A timed event (OTLP event, Jaeger log, Zipkin annotation).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Event {
    /// When, in ns since the epoch.
    pub time: i64,
    /// Its name (Jaeger: the `event` field; Zipkin: the annotation value).
    pub name: String,
    /// Other fields.
    pub attributes: Map<String, Value>,
}

/// A reference to another span that is not the parent (OTLP link, extra Jaeger reference).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Link {
    /// The trace of the linked span.
    pub trace: TraceId,
    /// The linked span.
    pub span: SpanId,
    /// Link attributes.
    pub attributes: Map<String, Value>,
}

/// A span with all its details.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Span {
    /// Its trace.
    pub trace: TraceId,
    /// Its id.
    pub span: SpanId,
    /// The parent, if any.
    pub parent: Option<SpanId>,
    /// The parent reference is Jaeger's FOLLOWS_FROM (the parent does not wait for it).
    pub follows_from: bool,
    /// Operation name.
    pub name: String,
    /// Service (OTLP resource `service.name`, Jaeger process, Zipkin local endpoint).
    pub service: String,
    /// Kind.
    pub kind: Kind,
    /// Start, ns since the epoch.
    pub start: i64,
    /// End, ns since the epoch.
    pub end: i64,
    /// Status code.
    pub status: Status,
    /// Status message.
    pub status_message: String,
    /// Span attributes (tags).
    pub attributes: Map<String, Value>,
    /// Resource (process) attributes other than `service.name`.
    pub resource: Map<String, Value>,
    /// Instrumentation scope name.
    pub scope_name: String,
    /// Instrumentation scope version.
    pub scope_version: String,
    /// Instrumentation scope attributes.
    pub scope_attributes: Map<String, Value>,
    /// Events.
    pub events: Vec<Event>,
    /// Links.
    pub links: Vec<Link>,
    /// Zipkin's shared span: the server half of an RPC that reuses the client's id.
    pub shared: bool,
}

impl Span {
    /// True when the span failed: status ERROR, or an `error` tag that is set (Jaeger, Zipkin).
    pub fn is_error(&self) -> bool {
        self.status == Status::Error
            || self.attributes.get("error").is_some_and(|v| match v {
                Value::Bool(b) => *b,
                Value::String(s) => !s.is_empty() && s != "false",
                Value::Null => false,
                _ => true,
            })
    }

    /// Duration in ns (0 when the end is before the start).
    pub fn duration(&self) -> i64 {
        (self.end - self.start).max(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn kinds_in_every_spelling() {
        let cases = [
            (json!("server"), Kind::Server),
            (json!("client"), Kind::Client),
            (json!("internal"), Kind::Internal),
            (json!("SPAN_KIND_PRODUCER"), Kind::Producer),
            (json!(" Consumer "), Kind::Consumer),
            (json!("SERVER"), Kind::Server),
            (json!(3), Kind::Client),
            (json!("2"), Kind::Server),
            (json!("sideways"), Kind::Unspecified),
            (json!(null), Kind::Unspecified),
        ];
        for (v, kind) in cases {
            assert_eq!(Kind::parse(&v), kind, "{v}");
        }
    }

    #[test]
    fn statuses_in_every_spelling() {
        let cases = [
            (json!("OK"), Status::Ok),
            (json!("ERROR"), Status::Error),
            (json!("STATUS_CODE_ERROR"), Status::Error),
            (json!("ok"), Status::Ok),
            (json!("failed"), Status::Error),
            (json!({"code": 2}), Status::Error),
            (json!({"code": "STATUS_CODE_OK"}), Status::Ok),
            (json!(1), Status::Ok),
            (json!(2), Status::Error),
            (json!(true), Status::Error),
            (json!(false), Status::Unset),
            (json!("UNSET"), Status::Unset),
        ];
        for (v, status) in cases {
            assert_eq!(Status::parse(&v), status, "{v}");
        }
    }
}
