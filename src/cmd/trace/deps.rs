//! `obs trace deps`: the service dependency graph as a table, DOT or Mermaid.

use std::io::Write as _;
use std::path::PathBuf;

use clap::Args;
use serde_json::{json, Map, Value};

use super::{load, SpanArgs};
use crate::error::ExitStatus;
use crate::output::cell::round3;
use crate::output::rows::write_rows;
use crate::output::Destination;
use crate::reduce::trace::analysis::{self};

crate::formats! {
    /// `obs trace deps --format`.
    pub enum DepsFormat {
        /// A table on a terminal, NDJSON otherwise.
        Auto,
        /// A table.
        Table,
        /// One edge per line.
        Ndjson,
        /// CSV.
        Csv,
        /// Graphviz DOT.
        Dot,
        /// Mermaid flowchart.
        Mermaid,
    }
}

/// `obs trace deps`.
#[derive(Debug, Args)]
pub struct DepsArgs {
    /// Spans.
    #[command(flatten)]
    pub spans: SpanArgs,
    /// Also count calls within one service.
    #[arg(long, help_heading = "Output")]
    pub same_service: bool,
    /// Output format.
    #[arg(
        long,
        short = 'f',
        value_enum,
        default_value = "auto",
        help_heading = "Output"
    )]
    pub format: DepsFormat,
    /// Write to FILE instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE", help_heading = "Output")]
    pub output: Option<PathBuf>,
}

pub(super) fn deps(a: DepsArgs) -> anyhow::Result<ExitStatus> {
    let l = load(&a.spans, Vec::new())?;
    let edges = analysis::deps(&l.traces, a.same_service);
    let svc = |c: u32| l.traces.spans.services.text(c).to_string();
    let fmt = a.format.resolve(a.output.as_ref(), DepsFormat::Table);
    let rows: Vec<Map<String, Value>> = edges
        .iter()
        .map(|e| {
            let mut m = Map::new();
            m.insert("from".into(), Value::String(svc(e.from)));
            m.insert("to".into(), Value::String(svc(e.to)));
            m.insert("calls".into(), json!(e.calls));
            m.insert("errors".into(), json!(e.errors));
            m.insert(
                "error_rate".into(),
                json!(round3(e.errors as f64 / e.calls.max(1) as f64)),
            );
            m
        })
        .collect();
    let header = ["from", "to", "calls", "errors", "error_rate"];
    match fmt {
        DepsFormat::Auto | DepsFormat::Table | DepsFormat::Ndjson | DepsFormat::Csv => {
            write_rows(&header, &rows, fmt.into(), a.output.as_ref())?
        }
        DepsFormat::Dot | DepsFormat::Mermaid => {
            let mut dest = Destination::open(a.output.as_ref())?;
            let text = if fmt == DepsFormat::Dot {
                crate::output::graph::dot(&rows)
            } else {
                crate::output::graph::mermaid(&rows)
            };
            dest.write_all(text.as_bytes())?;
            dest.commit()?;
        }
    }
    crate::cmd::keep_until_exit(l);
    Ok(ExitStatus::Ok)
}
