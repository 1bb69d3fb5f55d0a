//! NDJSON: kept lines byte for byte as read, or projected to `--fields`.

use serde_json::{Map, Value};

use super::{Render, Rendered};
use crate::record::{FieldPath, Reads, Record, Reject};

/// Keeps each line as read (CRLF and all); [`super::RawLineSink`] copies it from the chunk.
pub struct RawLines;

/// Each kept record's JSON text as decoded from its line: the records of `--parse`, whose
/// lines are not JSON.
pub struct JsonText;

impl Render for JsonText {
    fn render(&self, rec: &Record, out: &mut Rendered) -> Result<(), Reject> {
        out.buf.extend_from_slice(rec.json);
        out.buf.push(b'\n');
        out.mark(rec, None);
        Ok(())
    }

    fn reads(&self) -> Reads {
        Reads::JsonText
    }
}

impl Render for RawLines {
    fn render(&self, rec: &Record, out: &mut Rendered) -> Result<(), Reject> {
        out.mark(rec, None);
        Ok(())
    }

    fn keeps_chunk(&self) -> bool {
        true
    }

    fn reads(&self) -> Reads {
        Reads::Lines
    }
}

/// Writes `{"path": value, ...}` for the chosen fields, leaving out missing ones.
pub struct Projected {
    fields: Vec<FieldPath>,
}

impl Projected {
    /// Projects onto `fields`.
    pub fn new(fields: Vec<FieldPath>) -> Self {
        Projected { fields }
    }
}

/// The projection of `rec` onto `fields`, keyed by the paths as written.
pub fn project(rec: &Record, fields: &[FieldPath]) -> Map<String, Value> {
    let mut obj = Map::new();
    for f in fields {
        if let Some(v) = rec.get(f) {
            obj.insert(f.as_str().to_string(), v.clone());
        }
    }
    obj
}

impl Render for Projected {
    fn render(&self, rec: &Record, out: &mut Rendered) -> Result<(), Reject> {
        serde_json::to_writer(&mut out.buf, &project(rec, &self.fields))
            .map_err(|e| Reject::Unwritable(e.to_string()))?;
        out.buf.push(b'\n');
        out.mark(rec, None);
        Ok(())
    }

    fn needs(&self) -> Vec<String> {
        self.fields
            .iter()
            .flat_map(|f| f.top_level_keys().iter().cloned())
            .collect()
    }
}
