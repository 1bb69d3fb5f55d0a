//! `obs trace check`: structural findings per trace; exit 3 when there are any.

use clap::Args;
use serde_json::{Map, Value};

use super::{load, RowOutput, SpanArgs};
use crate::cmd::setup;
use crate::error::ExitStatus;
use crate::output::rows::write_rows;
use crate::reduce::trace::finding::{Finding, FindingKind};
use crate::reduce::trace::ids::IdNames;
use crate::reduce::trace::tree::Tree;

/// `obs trace check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Spans.
    #[command(flatten)]
    pub spans: SpanArgs,
    /// Do not count these kinds of finding (comma-separated or repeated).
    #[arg(long, value_enum, value_delimiter = ',', value_name = "KIND")]
    pub ignore: Vec<FindingKind>,
    /// Output options.
    #[command(flatten)]
    pub out: RowOutput,
}

pub(super) fn check(a: CheckArgs) -> anyhow::Result<ExitStatus> {
    let l = load(&a.spans, Vec::new())?;
    let ids = &l.traces.spans.ids;
    let mut rows = Vec::new();
    let mut per_kind: Vec<(FindingKind, usize)> =
        FindingKind::ALL.iter().map(|k| (*k, 0)).collect();
    let mut bad_traces = 0;
    for t in &l.traces.trees {
        let found: Vec<&Finding> = t
            .findings
            .iter()
            .filter(|f| !a.ignore.contains(&f.kind()))
            .collect();
        if found.is_empty() {
            continue;
        }
        bad_traces += 1;
        for f in found {
            if let Some(e) = per_kind.iter_mut().find(|e| e.0 == f.kind()) {
                e.1 += 1;
            }
            rows.push(finding_row(t, f, ids));
        }
    }
    setup::unless_pipe_closed(write_rows(
        &["trace_id", "finding", "span", "detail"],
        &rows,
        a.out.format.into(),
        a.out.output.as_ref(),
    ))?;
    let summary: Vec<String> = per_kind
        .iter()
        .filter(|e| e.1 > 0)
        .map(|(k, n)| format!("{} {n}", k.name()))
        .collect();
    eprintln!(
        "obs: {} traces checked, {} with findings{}",
        l.traces.trees.len(),
        bad_traces,
        if summary.is_empty() {
            String::new()
        } else {
            format!(": {}", summary.join(", "))
        }
    );
    let code = if rows.is_empty() {
        ExitStatus::Ok
    } else {
        ExitStatus::Gate
    };
    crate::cmd::keep_until_exit((rows, l));
    Ok(code)
}

fn finding_row(t: &Tree, f: &Finding, ids: &IdNames) -> Map<String, Value> {
    let span = f.span().map_or(String::new(), |s| ids.span(s));
    let mut m = Map::new();
    m.insert("trace_id".into(), Value::String(ids.trace(t.trace)));
    m.insert("finding".into(), Value::String(f.kind().name().into()));
    m.insert("span".into(), Value::String(span));
    m.insert("detail".into(), Value::String(f.described(ids).to_string()));
    m
}
