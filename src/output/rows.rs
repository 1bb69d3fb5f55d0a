//! Writing a small result table (trace lists, statistics, findings) as a terminal table,
//! NDJSON or CSV: every row is built before the first is written, so column widths are known.

use crate::error::ObsResult;
use std::io::Write as _;
use std::path::PathBuf;

use serde_json::{Map, Value};

use super::cell::text as cell;
use super::Destination;

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
