//! Writing an aggregation result: every output format, the terminal chart, the `--fail-if` gate
//! and the report of skipped values.

use crate::error::{ObsError, ObsResult};
use std::io::Write as _;
use std::path::PathBuf;

use serde_json::Value;

use super::every;
use super::plan::Plan;
use super::result::Table;
use crate::expr::Expr;
use crate::output::es_bulk::{self, BulkOptions};
use crate::output::{chart, Destination, Format};
use crate::record::time::TimeSpec;
use crate::record::FieldPath;

/// Says on stderr how many values of each numeric field were not numbers, naming the metrics.
pub fn report_skipped(plan: &Plan, skipped: &[u64], untimed: u64) {
    if untimed > 0 {
        eprintln!(
            "obs: {untimed} record{} a time field obs cannot read, so {} in the null time \
             bucket; --time-format FORMAT (strftime) reads other forms",
            if untimed == 1 { " has" } else { "s have" },
            if untimed == 1 { "it is" } else { "they are" },
        );
    }
    for (field, n) in plan.numeric_fields().iter().zip(skipped) {
        if *n == 0 {
            continue;
        }
        let users: Vec<&str> = plan
            .metrics
            .iter()
            .filter(|m| m.kind.numeric_field() == Some(field))
            .map(|m| m.name.as_str())
            .collect();
        eprintln!(
            "obs: {} skipped {n} value{} of {field} that {} not numbers",
            users.join(", "),
            if *n == 1 { "" } else { "s" },
            if *n == 1 { "is" } else { "are" }
        );
    }
}

/// Evaluates the `--fail-if` gates on every row; prints the rows that fail. True when any did.
pub fn gate(table: &Table, gates: &[(String, Expr)]) -> bool {
    let mut failed = false;
    let grid = table.grid();
    for (text, expr) in gates {
        for i in 0..grid.rows.len() {
            let obj = grid.map(i);
            if expr.matches(&obj) {
                failed = true;
                let desc: Vec<String> = obj
                    .iter()
                    .map(|(k, v)| format!("{k}={}", crate::decode::value::value_text(v)))
                    .collect();
                eprintln!("obs: --fail-if '{text}' holds for {}", desc.join(", "));
            }
        }
    }
    failed
}

/// Writes the result in `format` to `out` (stdout when `None`); `bulk` is needed for es-bulk.
pub fn write(
    table: &Table,
    format: Format,
    out: Option<&PathBuf>,
    bulk: Option<BulkOptions>,
) -> ObsResult<()> {
    let grid = table.grid();
    match format {
        // The bucket start is each document's `time` (and drives `%{+yyyy.MM.dd}`); groups are
        // told apart by their keys and bucket.
        Format::EsBulk => es_bulk::grid::write(
            &grid,
            bulk.ok_or_else(|| ObsError::Internal("es-bulk output needs bulk options".into()))?,
            es_bulk::grid::Documents {
                row: "group",
                identity: &table.header[..table.header.len() - table.metric_count],
                time: TimeSpec {
                    fields: vec![FieldPath::literal("time")],
                    tz: table.tz,
                    format: None,
                },
            },
            out,
        ),
        f => grid.write(f, out),
    }
}

/// Draws the first metric: bars per group, or a sparkline per series with `--every`.
pub fn write_chart(table: &Table, plan: &Plan, out: Option<&PathBuf>) -> ObsResult<()> {
    let metric = table.header.len() - table.metric_count;
    let title = table.header[metric].clone();
    let grid = table.grid();
    let value = |r: usize| table.rows[r][metric].as_ref().and_then(Value::as_f64);
    let label = |r: usize| {
        let first_key = usize::from(plan.every.is_some());
        let parts: Vec<String> = (first_key..metric).map(|c| grid.cell_text(r, c)).collect();
        if parts.is_empty() {
            "all".to_string()
        } else {
            parts.join(" / ")
        }
    };
    let text = if plan.every.is_some() {
        let mut buckets: Vec<i64> = table
            .rows
            .iter()
            .filter_map(|r| r[0].as_ref().and_then(Value::as_i64))
            .collect();
        buckets.sort_unstable();
        buckets.dedup();
        let mut series: Vec<(String, Vec<Option<f64>>)> = Vec::new();
        for r in 0..table.rows.len() {
            let Some(t) = table.rows[r][0].as_ref().and_then(Value::as_i64) else {
                continue;
            };
            let name = label(r);
            let pos = match series.iter().position(|(n, _)| *n == name) {
                Some(p) => p,
                None => {
                    series.push((name, vec![None; buckets.len()]));
                    series.len() - 1
                }
            };
            if let Ok(b) = buckets.binary_search(&t) {
                series[pos].1[b] = value(r);
            }
        }
        let range = match (buckets.first(), buckets.last()) {
            (Some(a), Some(b)) => format!(
                "{} .. {}, {} buckets",
                every::label(*a, table.tz),
                every::label(*b, table.tz),
                buckets.len()
            ),
            _ => "no data".to_string(),
        };
        chart::sparklines(&title, &range, &series)
    } else {
        let items: Vec<(String, Option<f64>)> = (0..table.rows.len())
            .map(|r| (label(r), value(r)))
            .collect();
        chart::bars(&title, &items)
    };
    let mut dest = Destination::open(out)?;
    dest.write_all(text.as_bytes())?;
    dest.commit()
}
