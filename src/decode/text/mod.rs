//! Decoders of non-JSON lines (access logs, syslog, logfmt, `--regex`, `--dissect`, raw text): each turns one line of its format into the fields of a record,
//! written straight as the text of one JSON object, so everything after it (the flat scanner,
//! expressions, every output) reads a parsed line as it reads an NDJSON one.
//!
//! A decoder says where the line's time is; the parse stage (`stage/parse.rs`) reads it and
//! adds the normalised `@timestamp`.

pub(crate) mod clf;
mod dissect;
mod logfmt;
mod object;
mod pattern;
pub mod sniff;
mod syslog;

use std::borrow::Cow;
use std::fmt;

pub use object::Object;

/// The keys a line's time is looked for under, in this order: obs's default time fields
/// (logfmt keys, dissect keys, regex groups).
pub const TIME_KEYS: [&str; 4] = ["timestamp", "@timestamp", "time", "ts"];

/// Why a line is not a record of the format it was parsed as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// The format's name (`combined`, `logfmt`, `regex`…).
    pub format: &'static str,
    /// What in the line did not fit, and where.
    pub why: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not a {} line: {}", self.format, self.why)
    }
}

impl std::error::Error for ParseError {}

/// A line decoder. One is built per run and shared by every worker.
pub trait Decoder: Send + Sync {
    /// The format's name, for messages.
    fn name(&self) -> &'static str;
    /// Writes the fields of `line` into `obj` (already open); returns the text of the line's
    /// time as read, when it has one.
    fn decode<'l>(
        &self,
        line: &'l str,
        obj: &mut Object,
    ) -> Result<Option<Cow<'l, str>>, ParseError>;
    /// The time text `decode` returned, as epoch milliseconds, read by the format's own rule
    /// when it has one that is faster than trying every form obs knows; `None` to let the
    /// general reader try.
    fn read_time(&self, _text: &str) -> Option<i64> {
        None
    }
}

/// `--parse`: the formats obs reads besides JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LineFormat {
    /// Each file's format from its first lines (json, combined, common, syslog, logfmt, else
    /// raw), said on stderr.
    Auto,
    /// NDJSON, one object per line (the default).
    Json,
    /// Each line as `{"message": LINE}`, for the expression language on any text.
    Raw,
    /// `key=value key2="quoted \"value\"" bare`: values are strings, a bare key is `true`.
    Logfmt,
    /// Apache/nginx combined log: common, then "referrer" "agent" (nginx extras kept).
    Combined,
    /// Apache/nginx common log: host ident user [time] "request" status bytes.
    Common,
    /// Syslog, RFC 5424 or RFC 3164 per line (PRI optional): hostname, appname, procid…
    Syslog,
}

/// A pattern of the user's that says how lines read.
#[derive(Debug, Clone, Copy)]
pub enum UserPattern<'p> {
    /// `--regex`: named groups.
    Regex(&'p str),
    /// `--dissect`: keys between literal delimiters.
    Dissect(&'p str),
}

/// The decoder for `format` (`None` for JSON, which needs none), or for a pattern.
pub fn decoder(
    format: Option<LineFormat>,
    pattern: Option<UserPattern>,
) -> Result<Option<Box<dyn Decoder>>, String> {
    match pattern {
        Some(UserPattern::Regex(re)) => return Ok(Some(Box::new(pattern::Pattern::new(re)?))),
        Some(UserPattern::Dissect(p)) => return Ok(Some(Box::new(dissect::Dissect::new(p)?))),
        None => {}
    }
    Ok(match format {
        None | Some(LineFormat::Json) => None,
        // Chosen per file by the caller (`sniff`); as a decoder of its own it reads nothing.
        Some(LineFormat::Auto) => return Err("--parse auto is chosen per file".into()),
        Some(LineFormat::Raw) => Some(Box::new(Raw)),
        Some(LineFormat::Logfmt) => Some(Box::new(logfmt::Logfmt)),
        Some(LineFormat::Combined) => Some(Box::new(clf::Clf { combined: true })),
        Some(LineFormat::Common) => Some(Box::new(clf::Clf { combined: false })),
        Some(LineFormat::Syslog) => Some(Box::new(syslog::Syslog)),
    })
}

/// `--parse raw`: the line is the record's `message`.
pub struct Raw;

impl Decoder for Raw {
    fn name(&self) -> &'static str {
        "raw"
    }

    fn decode<'l>(
        &self,
        line: &'l str,
        obj: &mut Object,
    ) -> Result<Option<Cow<'l, str>>, ParseError> {
        obj.str("message", line);
        Ok(None)
    }
}

#[cfg(test)]
mod fuzz;
#[cfg(test)]
mod tests;
