//! `obs trace`: rebuild traces from span dumps; list, show, measure, map and export them, and
//! check them for broken structure.

mod check;
mod deps;
mod export;
mod list;
mod show;
mod stats;

pub use check::CheckArgs;
pub use deps::{DepsArgs, DepsFormat};
pub use export::ExportArgs;
pub use list::ListArgs;
pub use show::ShowArgs;
pub use stats::StatsArgs;

use crate::output::format::TableFormat;
use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand};
use rayon::prelude::*;
use serde_json::{Map, Value};

use crate::cli::{ErrorArgs, InputArgs};
use crate::cmd::setup;
use crate::error::ExitStatus;
use crate::expr::Expr;
use crate::pipeline::accounting::{Counts, Ledger};
use crate::record::time::parse_tz;
use crate::reduce::trace::analysis::{Summary, Traces};
use crate::reduce::trace::collect::{collect, Pass, Spans};
use crate::reduce::trace::format::{Decoding, InputFormat, SpanFields};
use crate::reduce::trace::ids::IdNames;
use crate::reduce::trace::row::Loc;
use crate::reduce::trace::sources::SpanSources;
use crate::reduce::trace::span::Span;
use crate::reduce::trace::view::{self, TraceRecord};

const HELP: &str = "\
Inputs, detected per file (force with --input):
  span NDJSON   one span per line: trace_id, span_id, parent_span_id, name, service, start_time,
                end_time or duration_ms, status, kind, attributes, events (rename with
                --span-field ROLE=PATH); a W3C traceparent field gives trace and parent ids
  OTLP/JSON     {\"resourceSpans\": ...} per line (collector file exporter) or one document
  Jaeger JSON   {\"data\": [...]} as Jaeger UI downloads it, or one trace object
  Zipkin v2     a JSON array of spans; shared client/server halves merge into one node
Spans of one trace may be anywhere in the input, in any order, across files. A file that is
JSON neither per line nor as a whole is read line by line, its bad lines rejected (--on-error).

Trace fields for --where (list, export): duration (ms; `duration>2s` works), spans, depth,
errors, error, services/service, root.name, root.service, trace_id, start_ms, findings.
any(EXPR) holds when one span matches EXPR over its fields: name, service, duration, error,
kind, status, and its attributes, resource, scope, event and link attributes by key.

Findings (check): incomplete (no root span), multiple-roots, orphan (parent not in the input),
duplicate (span id seen twice), cycle (a self-parent included), skew (a child starts before
its parent or ends after it by more than --skew-tolerance; FOLLOWS_FROM and messaging children
may outlive parents), end-before-start. No parent: null, \"\", absent, or an all-zero id.

Critical path: as Jaeger UI computes it (walk back from the last-finishing child; children
clipped to their parent; FOLLOWS_FROM children are not waited for).

Examples:
  obs trace list spans.ndjson --where 'duration>2s or error' --sort duration --top 20
  obs trace list spans.ndjson --where 'any(service=upi-switch and http.status_code>=500)'
  obs trace show spans.ndjson 4bf92f3577b34da6a3ce929d0e0e4736
  obs trace show spans.ndjson --logs app.ndjson -a --events 4bf92f3577b34da6a3ce929d0e0e4736
  obs trace stats spans.ndjson --by service,name --top 20
  obs trace deps spans.ndjson --format dot > deps.dot
  obs trace export spans.ndjson --to jaeger --where error > traces.json
  obs trace check spans.ndjson --skew-tolerance 5ms --ignore incomplete

Exit status: 0 ok, 1 nothing selected (list, export, show: trace not found), 2 error,
3 check found problems.";

/// Arguments of `obs trace`.
#[derive(Debug, Args)]
#[command(after_long_help = HELP)]
pub struct TraceArgs {
    /// What to do.
    #[command(subcommand)]
    pub command: TraceCommand,
}

/// The `obs trace` subcommands.
#[derive(Debug, Subcommand)]
pub enum TraceCommand {
    /// A table of traces: duration, spans, depth, services, errors, root, findings.
    #[command(after_long_help = HELP)]
    List(ListArgs),
    /// One trace as a waterfall: tree, time bars, errors and the critical path.
    #[command(after_long_help = HELP, override_usage = "obs trace show [OPTIONS] PATH... TRACE_ID")]
    Show(ShowArgs),
    /// Latency percentiles, error rate and self time per service and operation.
    #[command(after_long_help = HELP)]
    Stats(StatsArgs),
    /// Service dependency graph: caller → callee with call and error counts.
    #[command(after_long_help = HELP)]
    Deps(DepsArgs),
    /// Write traces as Jaeger JSON, OTLP/JSON lines or span NDJSON.
    #[command(after_long_help = HELP)]
    Export(ExportArgs),
    /// Find orphans, missing roots, duplicates, cycles and clock skew; exit 3 if any.
    #[command(after_long_help = HELP)]
    Check(CheckArgs),
}

/// Options every trace subcommand shares.
#[derive(Debug, Args, Clone)]
#[command(next_help_heading = "Spans")]
pub struct SpanArgs {
    /// Span files, directories, globs or `-` (stdin when none).
    #[arg(value_name = "PATH")]
    pub paths: Vec<String>,

    /// Input format [default: detected per file].
    #[arg(
        long = "input",
        value_enum,
        default_value = "auto",
        value_name = "FORMAT"
    )]
    pub input_format: InputFormat,

    /// Field of a span NDJSON role, e.g. `trace_id=traceId` or `service=resource.service`.
    /// Roles: trace_id span_id parent_span_id name service start_time end_time duration_ms
    /// status kind attributes events traceparent error ref_type. Repeatable.
    #[arg(long, value_name = "ROLE=PATH")]
    pub span_field: Vec<String>,

    /// Clock skew allowed before a child outside its parent is a finding (`5ms`, `1s`).
    #[arg(long, default_value = "0ms", value_name = "DURATION")]
    pub skew_tolerance: String,

    /// Zone for printed times and offset-less input times [default: UTC].
    #[arg(long, value_name = "ZONE")]
    pub tz: Option<String>,

    /// Input options.
    #[command(flatten)]
    pub input: InputArgs,
    /// Bad-input options.
    #[command(flatten)]
    pub errors: ErrorArgs,
}

/// Selecting traces.
#[derive(Debug, Args, Clone)]
#[command(next_help_heading = "Selection")]
pub struct SelectArgs {
    /// Keep traces for which this expression over trace fields holds.
    #[arg(long = "where", short = 'w', value_name = "EXPR")]
    pub where_expr: Option<String>,
    /// Keep traces starting at or after this time (RFC 3339, a date, `today`, `-3h`…).
    #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
    pub since: Option<String>,
    /// Keep traces starting before this time.
    #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
    pub until: Option<String>,
}

/// Where a table-shaped view goes.
#[derive(Debug, Args, Clone)]
#[command(next_help_heading = "Output")]
pub struct RowOutput {
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "auto")]
    pub format: TableFormat,
    /// Write to FILE instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

/// Runs `obs trace`.
pub fn run(args: TraceArgs) -> anyhow::Result<ExitStatus> {
    match args.command {
        TraceCommand::List(a) => list::list(a),
        TraceCommand::Show(a) => show::show(a),
        TraceCommand::Stats(a) => stats::stats(a),
        TraceCommand::Deps(a) => deps::deps(a),
        TraceCommand::Export(a) => export::export_traces(a),
        TraceCommand::Check(a) => check::check(a),
    }
}

/// Everything read.
struct Loaded {
    sources: SpanSources,
    traces: Traces,
    dec: Decoding,
    tz: chrono_tz::Tz,
    counts: Counts,
}

fn skew_ns(s: &str) -> anyhow::Result<i64> {
    let ms = crate::expr::duration_ms(s.trim())
        .or_else(|| s.trim().parse::<f64>().ok())
        .with_context(|| format!("--skew-tolerance: '{s}' is not a duration like 5ms or 1s"))?;
    Ok(crate::record::time::millis_nanos(ms))
}

/// Reads and builds every trace (or, with `only`, the chunks holding those id strings).
fn load(a: &SpanArgs, only: Vec<Vec<u8>>) -> anyhow::Result<Loaded> {
    let (read, skew) = read(a, only, true)?;
    Ok(Loaded {
        traces: Traces::build(read.spans, skew),
        sources: read.sources,
        dec: read.dec,
        tz: read.tz,
        counts: read.counts,
    })
}

/// Every span read, not yet grouped into traces.
struct Read {
    sources: SpanSources,
    spans: Spans,
    dec: Decoding,
    tz: chrono_tz::Tz,
    counts: Counts,
}

/// Reads every span (or, with `only`, those of the chunks holding those id strings), keeping
/// where each one is when `locations` (to read spans back), and the skew tolerance in ns.
fn read(a: &SpanArgs, only: Vec<Vec<u8>>, locations: bool) -> anyhow::Result<(Read, i64)> {
    let tz = parse_tz(a.tz.as_deref().unwrap_or("UTC"))?;
    let dec = Decoding {
        forced: a.input_format,
        fields: SpanFields::new(&a.span_field)?,
        tz,
    };
    let skew = skew_ns(&a.skew_tolerance)?;
    let (paths, inputs) = setup::inputs(&a.paths, &a.input)?;
    setup::check_outputs(
        &[
            ("--rejects", a.errors.rejects.as_ref()),
            ("--rejects-reasons", a.errors.rejects_reasons.as_ref()),
        ],
        &paths,
    )?;
    let mut ids = IdNames::default();
    let sources = SpanSources::open(paths, &dec, !a.input.no_mmap, &mut ids, &inputs)?;
    let names = sources.files.iter().map(|f| f.name.clone()).collect();
    let mut ledger = Ledger::new(
        names,
        a.errors.on_error,
        a.errors.rejects.clone(),
        a.errors.rejects_reasons.clone(),
    )?;
    let threads = setup::threads(&a.input)?;
    setup::global_threads(threads);
    let pass = Pass {
        dec: dec.clone(),
        threads,
        read: setup::read_options(&a.input)?,
        keep_raw_rejects: a.errors.rejects.is_some(),
        only,
        locations,
    };
    // Traces are summaries over every input: one that could not be read fails the run
    // (exit 2, nothing written) once the others were read and their bad lines reported.
    let result = collect(&sources, ids, &pass, &mut ledger)
        .map_err(anyhow::Error::from)
        .and_then(|r| setup::inputs_read(&inputs).map(|()| r));
    let (spans, _) = match result {
        Ok(r) => r,
        Err(e) => {
            ledger.abandon();
            return Err(e);
        }
    };
    let counts = ledger.finish()?;
    if a.errors.stats {
        eprintln!(
            "obs: read {} lines: {} with spans + {} filtered + {} rejected; {} spans",
            counts.read,
            counts.emitted,
            counts.filtered,
            counts.rejected,
            spans.rows.len()
        );
        setup::print_skipped(&inputs);
    }
    let read = Read {
        sources,
        spans,
        dec,
        tz,
        counts,
    };
    Ok((read, skew))
}

impl Loaded {
    /// Full spans of the given trees, in each tree's row order.
    fn read_trees(&mut self, trees: &[usize]) -> anyhow::Result<Vec<Vec<Span>>> {
        let locs: Vec<Loc> = trees
            .iter()
            .flat_map(|&i| self.traces.locs(&self.traces.trees[i]).iter().copied())
            .collect();
        let mut got = self
            .sources
            .read_back(&locs, &self.dec, &mut self.traces.spans.ids)?;
        Ok(trees
            .iter()
            .map(|&i| {
                self.traces
                    .locs(&self.traces.trees[i])
                    .iter()
                    .filter_map(|l| got.remove(l))
                    .collect()
            })
            .collect())
    }
}

/// Applies `--where/--since/--until`; returns the selected summaries in trace order.
fn select(l: &mut Loaded, sel: &SelectArgs) -> anyhow::Result<Vec<Summary>> {
    let expr = sel
        .where_expr
        .as_deref()
        .map(|e| Expr::parse_in(e, l.tz))
        .transpose()?;
    let (since, until) = setup::window(sel.since.as_deref(), sel.until.as_deref(), l.tz)?;
    let nanos = |t: setup::Bound| t.and_then(|t| t.timestamp_nanos_opt());
    let (since, until) = (nanos(since), nanos(until));
    let traces = &l.traces;
    let all: Vec<Summary> = (0..traces.trees.len())
        .into_par_iter()
        .map(|i| traces.summary(i))
        .filter(|s| since.is_none_or(|t| s.start >= t) && until.is_none_or(|t| s.start < t))
        .collect();
    let Some(expr) = expr else { return Ok(all) };
    // Only the trace fields the expression reads are built for each trace.
    let paths = expr.paths();
    let read: Vec<&str> = view::TRACE_FIELDS
        .iter()
        .copied()
        .filter(|f| {
            paths
                .iter()
                .any(|p| p.top_level_keys().iter().any(|k| k == f))
        })
        .collect();
    let tz = l.tz;
    if !expr.uses_any() {
        return Ok(all
            .into_par_iter()
            .filter(|s| {
                expr.matches(&TraceRecord {
                    fields: view::trace_fields(traces, s, tz, &read),
                    spans: None,
                })
            })
            .collect());
    }
    let mut out = Vec::new();
    // any(...) needs span details: read them back in batches.
    for (i, j) in batches(&all) {
        let trees: Vec<usize> = all[i..j].iter().map(|s| s.tree).collect();
        let spans = l.read_trees(&trees)?;
        for (s, sp) in all[i..j].iter().zip(spans) {
            let maps: Vec<Map<String, Value>> =
                sp.iter().map(|x| view::span_fields(x, &l.traces)).collect();
            let rec = TraceRecord {
                fields: view::trace_fields(&l.traces, s, l.tz, &read),
                spans: Some(&maps),
            };
            if expr.matches(&rec) {
                out.push(s.clone());
            }
        }
    }
    Ok(out)
}

/// Ranges of `traces` holding about 50 000 spans each (at least one trace), so details read
/// back stay bounded in memory.
/// Spans read back and written per batch: a span decoded in full (attributes, events, the
/// JSON text being made) is a few KB, so a batch bounds export's memory at tens of MB whatever
/// the input's size, while each batch still keeps both cores busy.
const EXPORT_BATCH: usize = 8_192;

fn batches(traces: &[Summary]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < traces.len() {
        let (mut j, mut n) = (i, 0);
        while j < traces.len() && (n < EXPORT_BATCH || j == i) {
            n += traces[j].spans;
            j += 1;
        }
        out.push((i, j));
        i = j;
    }
    out
}
