//! Span input formats, detected per file: span-per-line NDJSON, OTLP/JSON, Jaeger JSON and
//! Zipkin v2, each either one value per line or one (pretty-printed) document.
//!
//! Line-shaped inputs flow through the parallel pipeline like any log; whole documents (what
//! Jaeger UI downloads and Zipkin's API return) are parsed whole, since a multi-line JSON value
//! cannot be cut into chunks at newlines.

pub mod jaeger;
pub mod ndjson;
pub mod otlp;
pub mod zipkin;

use chrono_tz::Tz;
use serde_json::Value;

use super::ids::IdNames;
use super::span::Span;
pub use ndjson::SpanFields;

/// `--input`: which format the span files are in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum InputFormat {
    /// Detect per file from its first line or value.
    Auto,
    /// Span-per-line NDJSON (field names set with --span-field).
    Spans,
    /// OTLP/JSON (`resourceSpans`), per line or one document.
    Otlp,
    /// Jaeger JSON (`{"data": [...]}` or one trace).
    Jaeger,
    /// Zipkin v2 JSON (an array of spans, or one span per line).
    Zipkin,
}

/// A concrete format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Span-per-line NDJSON.
    Spans,
    /// OTLP/JSON.
    Otlp,
    /// Jaeger JSON.
    Jaeger,
    /// Zipkin v2.
    Zipkin,
}

impl Format {
    /// The format a JSON value looks like.
    pub fn of_value(v: &Value) -> Format {
        match v {
            Value::Array(_) => Format::Zipkin,
            Value::Object(o) if o.contains_key("resourceSpans") => Format::Otlp,
            Value::Object(o)
                if o.contains_key("data")
                    || (o.contains_key("spans") && o.contains_key("traceID")) =>
            {
                Format::Jaeger
            }
            Value::Object(o)
                if o.contains_key("traceId")
                    && o.contains_key("id")
                    && (o.contains_key("localEndpoint") || o.contains_key("timestamp")) =>
            {
                Format::Zipkin
            }
            _ => Format::Spans,
        }
    }

    /// Resolves `--input` against what a value looks like.
    pub fn choose(forced: InputFormat, v: &Value) -> Format {
        match forced {
            InputFormat::Auto => Format::of_value(v),
            InputFormat::Spans => Format::Spans,
            InputFormat::Otlp => Format::Otlp,
            InputFormat::Jaeger => Format::Jaeger,
            InputFormat::Zipkin => Format::Zipkin,
        }
    }

    /// Name for messages.
    pub fn name(self) -> &'static str {
        match self {
            Format::Spans => "span NDJSON",
            Format::Otlp => "OTLP/JSON",
            Format::Jaeger => "Jaeger JSON",
            Format::Zipkin => "Zipkin v2",
        }
    }
}

/// How a file is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// One value per line.
    Lines(Format),
    /// One or more whole (multi-line) JSON values.
    Document,
}

/// The non-blank lines of a file's first bytes, past a byte-order mark.
fn head_lines(head: &[u8]) -> impl Iterator<Item = &[u8]> {
    let head = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    head.split(|&b| b == b'\n')
        .filter(|l| !l.iter().all(u8::is_ascii_whitespace))
}

/// Decides the layout from the first bytes of a file: lines when its first non-blank line is a
/// complete JSON value, a document otherwise.
pub fn sniff(head: &[u8], forced: InputFormat) -> Layout {
    let Some(line) = head_lines(head).next() else {
        return Layout::Lines(Format::choose(forced, &Value::Null));
    };
    match serde_json::from_slice::<Value>(line) {
        Ok(v) if !v.is_array() => Layout::Lines(Format::choose(forced, &v)),
        _ => Layout::Document,
    }
}

/// The format of a file read line by line although [`sniff`] took it for a document, because
/// it is not JSON as a whole: that of its first line holding a JSON object, if any.
pub fn lines_format(head: &[u8], forced: InputFormat) -> Format {
    let first = head_lines(head).find_map(|l| {
        serde_json::from_slice::<Value>(l)
            .ok()
            .filter(Value::is_object)
    });
    Format::choose(forced, &first.unwrap_or(Value::Null))
}

/// Everything decoding needs besides the bytes.
#[derive(Debug, Clone)]
pub struct Decoding {
    /// `--input`.
    pub forced: InputFormat,
    /// Field names of span NDJSON.
    pub fields: SpanFields,
    /// Zone of offset-less times in span NDJSON.
    pub tz: Tz,
}

impl Decoding {
    /// All spans of one JSON value in `format`.
    pub fn spans(
        &self,
        format: Format,
        v: &Value,
        names: &mut IdNames,
    ) -> Result<Vec<Span>, String> {
        match format {
            Format::Otlp => otlp::spans(v, names),
            Format::Jaeger => jaeger::spans(v, names),
            Format::Zipkin => match v {
                Value::Array(_) => zipkin::spans(v, names),
                one => zipkin::span(one, names).map(|s| vec![s]),
            },
            Format::Spans => match v {
                Value::Object(o) => ndjson::span(o, &self.fields, self.tz, names).map(|s| vec![s]),
                _ => Err("not a JSON object".into()),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_not_json_throughout_takes_the_format_of_its_first_object_line() {
        let otlp = b"\xEF\xBB\xBF{\"resourceSpans\":[]}\n";
        assert_eq!(sniff(otlp, InputFormat::Auto), Layout::Lines(Format::Otlp));
        assert_eq!(
            lines_format(otlp, InputFormat::Auto),
            Format::Otlp,
            "past the BOM"
        );
        let broken_first = b"{\"resourceSpans\": [\n\n[1]\n{\"resourceSpans\":[]}\n";
        assert_eq!(sniff(broken_first, InputFormat::Auto), Layout::Document);
        assert_eq!(lines_format(broken_first, InputFormat::Auto), Format::Otlp);
        assert_eq!(lines_format(b"# notes\n", InputFormat::Auto), Format::Spans);
        assert_eq!(
            lines_format(b"# notes\n", InputFormat::Zipkin),
            Format::Zipkin
        );
    }
}
