//! `obs trace list`: one row per selected trace.

use anyhow::bail;
use clap::Args;
use rayon::prelude::*;
use serde_json::{Map, Value};

use super::{load, select, RowOutput, SelectArgs, SpanArgs};
use crate::error::ExitStatus;
use crate::output::rows::write_rows;
use crate::output::rows::{sort_rows, sort_spec};
use crate::reduce::trace::analysis::Summary;
use crate::reduce::trace::view::{self};

/// `obs trace list`.
#[derive(Debug, Args)]
pub struct ListArgs {
    /// Spans.
    #[command(flatten)]
    pub spans: SpanArgs,
    /// Selection.
    #[command(flatten)]
    pub select: SelectArgs,
    /// Sort by a column (duration, spans, depth, errors, start), descending; `NAME:asc` for
    /// ascending [default: start:asc].
    #[arg(long, value_name = "COLUMN[:asc]", help_heading = "Output")]
    pub sort: Option<String>,
    /// Only the first N traces after sorting.
    #[arg(long, value_name = "N", help_heading = "Output")]
    pub top: Option<usize>,
    /// Output options.
    #[command(flatten)]
    pub out: RowOutput,
}

const LIST_COLUMNS: [&str; 9] = [
    "trace_id",
    "start",
    "duration_ms",
    "spans",
    "depth",
    "errors",
    "services",
    "root",
    "findings",
];

pub(super) fn list(a: ListArgs) -> anyhow::Result<ExitStatus> {
    let (col, desc) = a
        .sort
        .as_deref()
        .map_or(("start".to_string(), false), sort_spec);
    let col = if col == "duration" {
        "duration_ms".to_string()
    } else {
        col
    };
    if !LIST_COLUMNS.contains(&col.as_str()) {
        bail!(
            "--sort: no column '{col}' (columns: {})",
            LIST_COLUMNS.join(", ")
        );
    }
    let mut l = load(&a.spans, Vec::new())?;
    let mut selected = select(&mut l, &a.select)?;
    // Numeric columns sort the summaries, so that rows are built only for the traces printed.
    let key: Option<fn(&Summary) -> i64> = match col.as_str() {
        "start" => Some(|s| s.start),
        "duration_ms" => Some(|s| s.duration),
        "spans" => Some(|s| s.spans as i64),
        "depth" => Some(|s| i64::from(s.depth)),
        "errors" => Some(|s| s.errors as i64),
        _ => None,
    };
    if let Some(key) = key {
        // Stable, so ties stay in trace id order, as when rows are sorted.
        selected.sort_by(|x, y| {
            let o = key(x).cmp(&key(y));
            if desc {
                o.reverse()
            } else {
                o
            }
        });
        if let Some(n) = a.top {
            selected.truncate(n);
        }
    }
    let (traces, tz) = (&l.traces, l.tz);
    let mut rows: Vec<Map<String, Value>> = selected
        .par_iter()
        .map(|s| {
            let mut m = view::trace_fields(traces, s, tz, &LIST_COLUMNS);
            let root = match m.get("root") {
                Some(Value::Object(r)) => format!(
                    "{}: {}",
                    r.get("service").and_then(Value::as_str).unwrap_or(""),
                    r.get("name").and_then(Value::as_str).unwrap_or("")
                ),
                _ => String::new(),
            };
            m.insert("root".into(), Value::String(root));
            m
        })
        .collect();
    if key.is_none() {
        sort_rows(&mut rows, &col, desc)?;
        if let Some(n) = a.top {
            rows.truncate(n);
        }
    }
    write_rows(
        &LIST_COLUMNS,
        &rows,
        a.out.format.into(),
        a.out.output.as_ref(),
    )?;
    let code = ExitStatus::matched(!rows.is_empty());
    crate::cmd::keep_until_exit((rows, selected, l));
    Ok(code)
}
