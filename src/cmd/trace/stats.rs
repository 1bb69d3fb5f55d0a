//! `obs trace stats`: latency percentiles, error rate and self time per service, operation or
//! kind.

use anyhow::bail;
use clap::Args;
use serde_json::{json, Map, Value};

use super::{read, RowOutput, SpanArgs};
use crate::error::ExitStatus;
use crate::output::cell::round3;
use crate::output::rows::write_rows;
use crate::output::rows::{sort_rows, sort_spec};
use crate::reduce::trace::analysis::{self, StatKey};

/// `obs trace stats`.
#[derive(Debug, Args)]
pub struct StatsArgs {
    /// Spans.
    #[command(flatten)]
    pub spans: SpanArgs,
    /// Group by these (comma-separated): service, name, kind.
    #[arg(
        long,
        value_delimiter = ',',
        default_value = "service,name",
        help_heading = "Output"
    )]
    pub by: Vec<String>,
    /// Sort by a column, descending (`NAME:asc` for ascending) [default: self_total_ms].
    #[arg(long, value_name = "COLUMN[:asc]", help_heading = "Output")]
    pub sort: Option<String>,
    /// Only the first N groups.
    #[arg(long, value_name = "N", help_heading = "Output")]
    pub top: Option<usize>,
    /// Output options.
    #[command(flatten)]
    pub out: RowOutput,
}

const STATS_COLUMNS: [&str; 15] = [
    "service",
    "name",
    "kind",
    "spans",
    "traces",
    "errors",
    "error_rate",
    "p50_ms",
    "p95_ms",
    "p99_ms",
    "avg_ms",
    "max_ms",
    "self_avg_ms",
    "self_total_ms",
    "self_pct",
];

pub(super) fn stats(a: StatsArgs) -> anyhow::Result<ExitStatus> {
    let by: Vec<StatKey> =
        a.by.iter()
            .map(|b| match b.trim() {
                "service" => Ok(StatKey::Service),
                "name" | "operation" => Ok(StatKey::Name),
                "kind" => Ok(StatKey::Kind),
                other => bail!("--by: '{other}' is not one of service, name, kind"),
            })
            .collect::<anyhow::Result<_>>()?;
    if let Some(i) = (0..by.len()).find(|&i| by[..i].contains(&by[i])) {
        bail!("--by: '{}' is given twice", a.by[i].trim());
    }
    // Statistics read no span back: the first pass keeps no locations.
    let (read, _) = read(&a.spans, Vec::new(), false)?;
    let (groups, _) = analysis::stats(&read.spans, &by);
    let sp = &read.spans;
    let mut rows: Vec<Map<String, Value>> = groups
        .iter()
        .map(|g| {
            let mut m = Map::new();
            for (k, code) in by.iter().zip(&g.key) {
                let (col, v) = match k {
                    StatKey::Service => ("service", sp.services.text(*code).to_string()),
                    StatKey::Name => ("name", sp.ops.text(*code).to_string()),
                    StatKey::Kind => (
                        "kind",
                        crate::reduce::trace::span::Kind::from_code(*code as u8)
                            .name()
                            .to_string(),
                    ),
                };
                m.insert(col.into(), Value::String(v));
            }
            let n = g.durations.len() as f64;
            let total: i64 = g.durations.iter().sum();
            let q = |i: usize| g.percentiles[i].map_or(Value::Null, |v| json!(round3(v / 1e6)));
            m.insert("spans".into(), json!(g.durations.len()));
            m.insert("traces".into(), json!(g.traces));
            m.insert("errors".into(), json!(g.errors));
            m.insert("error_rate".into(), json!(round3(g.errors as f64 / n)));
            m.insert("p50_ms".into(), q(0));
            m.insert("p95_ms".into(), q(1));
            m.insert("p99_ms".into(), q(2));
            m.insert("avg_ms".into(), json!(round3(total as f64 / n / 1e6)));
            m.insert("max_ms".into(), json!(round3(g.max as f64 / 1e6)));
            m.insert(
                "self_avg_ms".into(),
                json!(round3(g.self_time as f64 / n / 1e6)),
            );
            m.insert(
                "self_total_ms".into(),
                json!(round3(g.self_time as f64 / 1e6)),
            );
            m.insert(
                "self_pct".into(),
                json!(round3(if total > 0 {
                    g.self_time as f64 * 100.0 / total as f64
                } else {
                    100.0
                })),
            );
            m
        })
        .collect();
    let (col, desc) = a
        .sort
        .as_deref()
        .map_or(("self_total_ms".to_string(), true), sort_spec);
    sort_rows(&mut rows, &col, desc)?;
    if let Some(n) = a.top {
        rows.truncate(n);
    }
    let header: Vec<&str> = STATS_COLUMNS
        .iter()
        .copied()
        .filter(|c| match *c {
            "service" => by.contains(&StatKey::Service),
            "name" => by.contains(&StatKey::Name),
            "kind" => by.contains(&StatKey::Kind),
            _ => true,
        })
        .collect();
    write_rows(&header, &rows, a.out.format, a.out.output.as_ref())?;
    Ok(ExitStatus::Ok)
}
