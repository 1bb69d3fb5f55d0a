//! `obs trace show`: one trace as a waterfall, or as NDJSON spans with depth, self time and
//! critical-path sections.

use std::collections::HashMap;
use std::io::Write as _;

use anyhow::{bail, Context};
use clap::Args;

use super::{load, SpanArgs};
use crate::cmd::setup;
use crate::error::ExitStatus;
use crate::output::color::ColorChoice;
use crate::output::waterfall::{self};
use crate::output::Destination;
use crate::reduce::trace::detail::{Detail, Shown};
use crate::reduce::trace::ids::{self};

crate::formats! {
    /// `obs trace show --format`.
    pub enum ShowFormat {
        /// The waterfall.
        Text,
        /// One span per line, with depth, self time and critical-path sections.
        Ndjson,
    }
}

/// `obs trace show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Spans, then the trace id as the last positional.
    #[command(flatten)]
    pub spans: SpanArgs,
    /// Application log files whose lines carry trace_id/span_id (or traceparent); the trace's
    /// lines are shown under their spans, in time order. Repeatable.
    #[arg(long, value_name = "FILE", help_heading = "Output")]
    pub logs: Vec<String>,
    /// Show each span's attributes.
    #[arg(long, short = 'a', help_heading = "Output")]
    pub attributes: bool,
    /// Show each span's events.
    #[arg(long, help_heading = "Output")]
    pub events: bool,
    /// Output format.
    #[arg(
        long,
        short = 'f',
        value_enum,
        default_value = "text",
        help_heading = "Output"
    )]
    pub format: ShowFormat,
    /// Width of the waterfall [default: the terminal's, else 120].
    #[arg(long, value_name = "COLUMNS", help_heading = "Output")]
    pub width: Option<usize>,
    /// Colour.
    #[arg(
        long,
        value_enum,
        default_value = "auto",
        value_name = "WHEN",
        help_heading = "Output"
    )]
    pub color: ColorChoice,
}

pub(super) fn show(mut a: ShowArgs) -> anyhow::Result<ExitStatus> {
    let Some(id) = a.spans.paths.pop() else {
        bail!(
            "obs trace show needs span files and a trace id: obs trace show spans.ndjson TRACE_ID"
        );
    };
    let mut l = load(&a.spans, ids::needles(&id))?;
    let wanted = ids::trace_id(&id, &mut l.traces.spans.ids)
        .with_context(|| format!("'{id}' is not a trace id"))?;
    let Some(idx) = l.traces.trees.iter().position(|t| t.trace == wanted) else {
        eprintln!("obs: trace {id} not found ({} lines read)", l.counts.read);
        return Ok(ExitStatus::NoMatch);
    };
    let spans = l.read_trees(&[idx])?.remove(0);
    let logs = if a.logs.is_empty() {
        HashMap::new()
    } else {
        let (sources, inputs) = setup::inputs(&a.logs, &a.spans.input)?;
        let logs = crate::reduce::trace::logs::collect(
            sources,
            wanted,
            &l.dec,
            setup::threads(&a.spans.input)?,
            !a.spans.input.no_mmap,
            l.tz,
        )?;
        setup::inputs_read(&inputs)?;
        logs
    };
    let detail = Detail::new(&l.traces, idx, &spans);
    if a.format == ShowFormat::Ndjson {
        let mut dest = Destination::open(None)?;
        for o in detail.objects() {
            serde_json::to_writer(&mut dest, &o)?;
            dest.write_all(b"\n")?;
        }
        dest.commit()?;
        return Ok(ExitStatus::Ok);
    }
    let shown = Shown {
        attributes: a.attributes,
        events: a.events,
    };
    let (title, bars) = (detail.title(l.tz), detail.bars(shown, &logs));
    let width = crate::output::terminal::width(a.width);
    let mut text = waterfall::render(&title, &bars, width, a.color.enabled());
    if let Some(lines) = logs.get(&None) {
        text.push_str("log lines of this trace without a known span:\n");
        for (_, t) in lines {
            text.push_str(&format!("  {t}\n"));
        }
    }
    text.push_str("legend: * critical path, ! error\n");
    let mut dest = Destination::open(None)?;
    dest.write_all(text.as_bytes())?;
    dest.commit()?;
    Ok(ExitStatus::Ok)
}
