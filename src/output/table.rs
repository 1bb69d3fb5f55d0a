//! Rows for the table and CSV sinks, and the table sink itself (comfy-table).

use comfy_table::{presets, ContentArrangement, Table};
use serde_json::Value;

use super::{Destination, Render, Rendered, Row, Sink};
use crate::record::{FieldPath, Record};

/// Turns records into rows: the chosen fields, or every top-level key.
pub struct Rows {
    fields: Vec<FieldPath>,
}

impl Rows {
    /// Rows of `fields` (all top-level keys when empty).
    pub fn new(fields: Vec<FieldPath>) -> Self {
        Rows { fields }
    }
}

/// A cell: strings as they are, everything else as compact JSON, missing as empty.
pub fn cell(v: Option<&Value>) -> String {
    match v {
        None => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

impl Render for Rows {
    fn render(&self, rec: &Record, out: &mut Rendered) -> Result<(), String> {
        let row: Row = if self.fields.is_empty() {
            let obj = rec.full().map_err(|e| e.to_string())?;
            obj.iter()
                .map(|(k, v)| (k.clone(), cell(Some(v))))
                .collect()
        } else {
            self.fields
                .iter()
                .map(|f| (f.as_str().to_string(), cell(rec.get(f))))
                .collect()
        };
        out.mark(rec, Some(row));
        Ok(())
    }

    fn needs(&self) -> Vec<String> {
        self.fields
            .iter()
            .flat_map(|f| f.top_level_keys().iter().cloned())
            .collect()
    }
}

/// Columns: the union of the keys of every row, in order of first appearance, so a field
/// that first shows up late still has its column.
pub fn columns_of(rows: &[Row]) -> Vec<String> {
    let mut cols: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for row in rows {
        for (k, _) in row {
            if seen.insert(k.as_str()) {
                cols.push(k.clone());
            }
        }
    }
    cols
}

/// Collects rows and prints one table at the end (a table needs every width before its first
/// line, so it holds its rows in memory; use NDJSON or CSV for large outputs).
pub struct TableSink {
    dest: Option<Destination>,
    rows: Vec<Row>,
}

impl TableSink {
    /// Prints to `dest`.
    pub fn new(dest: Destination) -> Self {
        TableSink {
            dest: Some(dest),
            rows: Vec::new(),
        }
    }
}

impl Sink for TableSink {
    fn write(&mut self, r: &Rendered, take: usize) -> anyhow::Result<()> {
        self.rows
            .extend(r.marks[..take].iter().filter_map(|m| m.row.clone()));
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> anyhow::Result<()> {
        use std::io::Write;
        let cols = columns_of(&self.rows);
        let mut table = Table::new();
        table
            .load_preset(presets::UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic)
            .set_header(cols.clone());
        for row in &self.rows {
            table.add_row(cols.iter().map(|c| {
                row.iter()
                    .find(|(k, _)| k == c)
                    .map(|(_, v)| v.as_str())
                    .unwrap_or("")
            }));
        }
        let mut dest = self
            .dest
            .take()
            .ok_or_else(|| anyhow::anyhow!("table already written"))?;
        if !self.rows.is_empty() {
            writeln!(dest, "{table}")?;
        }
        dest.commit()
    }
}
