//! The terminal view, in the spirit of hl: time, level, service and message first, then the other
//! fields as `key=value` (nested objects flattened to dotted keys), coloured by level.

use std::borrow::Cow;
use std::fmt::Write as _;

use serde_json::{Map, Value};

use super::color::style;
use super::{Render, Rendered};
use crate::record::time::TimeSpec;
use crate::record::{FieldPath, Record, Reject};

const LEVEL_KEYS: [&str; 6] = [
    "level",
    "severity",
    "log.level",
    "lvl",
    "levelname",
    "severity_text",
];
const SERVICE_KEYS: [&str; 4] = ["service", "service.name", "app", "application"];
const MESSAGE_KEYS: [&str; 3] = ["message", "msg", "log"];

/// Renders records for a person reading a terminal.
pub struct Pretty {
    time: TimeSpec,
    color: bool,
    fields: Vec<FieldPath>,
}

impl Pretty {
    /// Times are shown in `time.tz`; `fields`, when given, replace the trailing key=value list.
    pub fn new(time: TimeSpec, color: bool, fields: Vec<FieldPath>) -> Self {
        Pretty {
            time,
            color,
            fields,
        }
    }

    fn paint(&self, out: &mut String, style: &str, text: &str) {
        if self.color {
            let _ = write!(out, "{style}{text}{}", style::RESET);
        } else {
            out.push_str(text);
        }
    }
}

fn first_of<'a>(obj: &'a Map<String, Value>, keys: &[&str]) -> Option<(String, &'a Value)> {
    keys.iter().find_map(|k| {
        let p = FieldPath::parse(k).ok()?;
        p.resolve_in(obj).map(|v| (k.to_string(), v))
    })
}

fn level_style(level: &str) -> &'static str {
    match level.to_ascii_uppercase().as_str() {
        "ERROR" | "ERR" | "FATAL" | "CRITICAL" | "CRIT" | "EMERG" | "ALERT" => style::ERROR,
        "WARN" | "WARNING" => style::WARN,
        "INFO" | "NOTICE" => style::INFO,
        _ => style::DEBUG,
    }
}

fn scalar_text(v: &Value) -> String {
    match v {
        Value::String(s) if s.is_empty() || s.contains([' ', '=', '"']) || has_control(s) => {
            serde_json::to_string(s).unwrap_or_default()
        }
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn has_control(s: &str) -> bool {
    s.chars().any(char::is_control)
}

/// Text from the data as it may be shown on a terminal: control characters (an escape
/// sequence that would recolour or move the cursor, a newline that would split the record)
/// written out as `\u{1b}`, `\n`.
fn visible(s: &str) -> Cow<'_, str> {
    if !has_control(s) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(
        s.chars()
            .map(|c| {
                if c.is_control() {
                    c.escape_default().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

/// Appends `prefix.key=value` pairs for every leaf under `v`, skipping the keys already shown.
fn flatten(prefix: &str, v: &Value, skip: &[String], out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(map) => {
            for (k, child) in map {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                if !skip.contains(&key) {
                    flatten(&key, child, skip, out);
                }
            }
        }
        other => out.push((prefix.to_string(), scalar_text(other))),
    }
}

impl Render for Pretty {
    fn render(&self, rec: &Record, out: &mut Rendered) -> Result<(), Reject> {
        let obj = rec.full().map_err(|e| Reject::Decode(e.clone()))?;
        let mut s = String::with_capacity(rec.raw.len());
        let mut shown: Vec<String> = Vec::new();
        if let Some(t) = self.time.of(rec) {
            // In --tz (else the local zone), with its offset: a time without its zone is
            // a guess for whoever reads it.
            let local = t.with_timezone(&self.time.tz);
            self.paint(
                &mut s,
                style::DIM,
                &local.format("%Y-%m-%d %H:%M:%S%.3f%:z").to_string(),
            );
            s.push(' ');
            if let Some(f) = self
                .time
                .fields
                .iter()
                .find(|f| f.resolve_in(obj).is_some())
            {
                shown.push(f.as_str().to_string());
            }
        }
        if let Some((k, v)) = first_of(obj, &LEVEL_KEYS) {
            let text = visible(&crate::decode::value::value_text(v)).to_uppercase();
            self.paint(&mut s, level_style(&text), &format!("{text:<5}"));
            s.push(' ');
            shown.push(k);
        }
        if let Some((k, v)) = first_of(obj, &SERVICE_KEYS) {
            self.paint(
                &mut s,
                style::SERVICE,
                &visible(&crate::decode::value::value_text(v)),
            );
            s.push(' ');
            shown.push(k);
        }
        if let Some((k, v)) = first_of(obj, &MESSAGE_KEYS) {
            s.push_str(&visible(&crate::decode::value::value_text(v)));
            shown.push(k);
        }
        let mut pairs = Vec::new();
        if self.fields.is_empty() {
            flatten("", &Value::Object(obj.clone()), &shown, &mut pairs);
        } else {
            for f in &self.fields {
                if let Some(v) = f.resolve_in(obj) {
                    pairs.push((f.as_str().to_string(), scalar_text(v)));
                }
            }
        }
        for (k, v) in pairs {
            s.push_str("  ");
            self.paint(&mut s, style::DIM, &format!("{}=", visible(&k)));
            s.push_str(&v);
        }
        out.buf.extend_from_slice(s.trim_end().as_bytes());
        out.buf.push(b'\n');
        out.mark(rec, None);
        Ok(())
    }
}
