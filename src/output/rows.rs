//! Writing a small result table (trace lists, statistics, findings) as a terminal table,
//! NDJSON or CSV: every row is built before the first is written, so column widths are known.

use std::io::Write as _;
use std::path::PathBuf;

use serde_json::{Map, Value};

use super::cell::text as cell;
use super::Destination;
use crate::error::{ObsError, ObsResult};

/// `--format` of the table-shaped trace views.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum RowFormat {
    /// A table on a terminal, NDJSON otherwise.
    Auto,
    /// A table.
    Table,
    /// One JSON object per row.
    Ndjson,
    /// CSV with a header.
    Csv,
}

impl RowFormat {
    /// `auto` resolved by whether the output is a terminal.
    pub fn resolve(self, out: Option<&PathBuf>) -> RowFormat {
        match self {
            RowFormat::Auto
                if out.is_none() && std::io::IsTerminal::is_terminal(&std::io::stdout()) =>
            {
                RowFormat::Table
            }
            RowFormat::Auto => RowFormat::Ndjson,
            f => f,
        }
    }
}

/// A cell: lists joined with commas, null and missing as empty.
fn text(v: Option<&Value>) -> String {
    match v {
        Some(Value::Array(a)) => a
            .iter()
            .map(|v| cell(Some(v)))
            .collect::<Vec<_>>()
            .join(","),
        Some(Value::Null) | None => String::new(),
        v => cell(v),
    }
}

/// Writes the `header` columns of `rows`, in header order, in every format (other keys of a
/// row are left out).
pub fn write_rows(
    header: &[&str],
    rows: &[Map<String, Value>],
    format: RowFormat,
    out: Option<&PathBuf>,
) -> ObsResult<()> {
    let mut dest = Destination::open(out)?;
    match format.resolve(out) {
        RowFormat::Table | RowFormat::Auto => {
            let cells = rows
                .iter()
                .map(|r| header.iter().map(|h| text(r.get(*h))).collect())
                .collect();
            let t = super::table::human(header.iter().map(|h| h.to_string()).collect(), cells);
            writeln!(dest, "{t}")?;
        }
        RowFormat::Ndjson => {
            for r in rows {
                let ordered: Map<String, Value> = header
                    .iter()
                    .filter_map(|h| r.get(*h).map(|v| (h.to_string(), v.clone())))
                    .collect();
                serde_json::to_writer(&mut dest, &ordered)?;
                dest.write_all(b"\n")?;
            }
        }
        RowFormat::Csv => {
            let mut w = csv::Writer::from_writer(&mut dest);
            w.write_record(header)?;
            for r in rows {
                w.write_record(header.iter().map(|h| text(r.get(*h))))?;
            }
            w.flush()?;
        }
    }
    dest.commit()
}

/// `COLUMN[:asc]` → (column, descending).
pub fn sort_spec(s: &str) -> (String, bool) {
    match s.rsplit_once(':') {
        Some((c, dir)) if dir.eq_ignore_ascii_case("asc") => (c.to_string(), false),
        Some((c, dir)) if dir.eq_ignore_ascii_case("desc") => (c.to_string(), true),
        _ => (s.to_string(), true),
    }
}

/// Sorts `rows` by `column` (numbers by value, other cells by their text), descending when
/// `desc`; a column the rows do not have is a usage error.
pub fn sort_rows(rows: &mut [Map<String, Value>], column: &str, desc: bool) -> ObsResult<()> {
    if let Some(first) = rows.first() {
        if !first.contains_key(column) {
            let cols: Vec<&String> = first.keys().collect();
            return Err(ObsError::Usage(format!(
                "--sort: no column '{column}' (columns: {cols:?})"
            )));
        }
    }
    let key = |m: &Map<String, Value>| m.get(column).cloned().unwrap_or(Value::Null);
    rows.sort_by(|a, b| {
        let (x, y) = (key(a), key(b));
        let ord = match (x.as_f64(), y.as_f64()) {
            (Some(p), Some(q)) => p.total_cmp(&q),
            _ => crate::decode::value::value_text(&x).cmp(&crate::decode::value::value_text(&y)),
        };
        if desc {
            ord.reverse()
        } else {
            ord
        }
    });
    Ok(())
}
