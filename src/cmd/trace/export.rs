//! `obs trace export`: selected traces as Jaeger JSON, OTLP/JSON lines or span NDJSON.

use std::io::Write as _;
use std::path::PathBuf;

use anyhow::Context;
use clap::Args;
use rayon::prelude::*;

use super::{batches, load, select, SelectArgs, SpanArgs};
use crate::error::ExitStatus;
use crate::output::Destination;
use crate::reduce::trace::export::{self, ExportFormat};
use crate::reduce::trace::ids::{self, TraceId};

/// `obs trace export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Spans.
    #[command(flatten)]
    pub spans: SpanArgs,
    /// Selection.
    #[command(flatten)]
    pub select: SelectArgs,
    /// Only these traces (repeatable).
    #[arg(long = "trace", value_name = "TRACE_ID", help_heading = "Selection")]
    pub traces: Vec<String>,
    /// Target format.
    #[arg(long, value_enum, default_value = "jaeger", help_heading = "Output")]
    pub to: ExportFormat,
    /// Write to FILE (atomically) instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE", help_heading = "Output")]
    pub output: Option<PathBuf>,
}

pub(super) fn export_traces(a: ExportArgs) -> anyhow::Result<ExitStatus> {
    let mut l = load(&a.spans, Vec::new())?;
    let mut selected = select(&mut l, &a.select)?;
    if !a.traces.is_empty() {
        let mut wanted: Vec<TraceId> = Vec::new();
        for t in &a.traces {
            wanted.push(
                ids::trace_id(t, &mut l.traces.spans.ids)
                    .with_context(|| format!("'{t}' is not a trace id"))?,
            );
        }
        selected.retain(|s| wanted.contains(&l.traces.trees[s.tree].trace));
    }
    let mut dest = Destination::open(a.output.as_ref())?;
    let mut stream = export::Stream::new(a.to);
    dest.write_all(stream.head())?;
    for (i, j) in batches(&selected) {
        let trees: Vec<usize> = selected[i..j].iter().map(|s| s.tree).collect();
        let batch = l.read_trees(&trees)?;
        let ids = &l.traces.spans.ids;
        // Each trace's text is made on the workers (building and serialising the documents was
        // most of an export, on one thread), then written in order.
        let texts = batch
            .into_par_iter()
            .map(|spans| export::trace_text(a.to, spans, ids))
            .collect::<serde_json::Result<Vec<_>>>()?;
        for text in texts {
            dest.write_all(stream.before_trace())?;
            dest.write_all(&text)?;
        }
    }
    dest.write_all(stream.tail())?;
    dest.commit()?;
    let code = ExitStatus::matched(!selected.is_empty());
    crate::cmd::keep_until_exit((selected, l));
    Ok(code)
}
