//! `obs trace`: rebuild traces from span dumps; list, show, measure, map and export them, and
//! check them for broken structure.

use std::collections::HashMap;
use std::io::Write as _;
use std::path::PathBuf;

use anyhow::{bail, Context};
use clap::{Args, Subcommand};
use rayon::prelude::*;
use serde_json::{json, Map, Value};

use super::setup;
use crate::cli::{ErrorArgs, InputArgs};
use crate::error::ExitStatus;
use crate::expr::Expr;
use crate::output::color::ColorChoice;
use crate::output::rows::{write_rows, RowFormat};
use crate::output::waterfall::{self, Bar};
use crate::output::Destination;
use crate::pipeline::accounting::{Counts, Ledger};
use crate::record::time::{parse_bound, parse_tz};
use crate::reduce::trace::analysis::{self, StatKey, Summary, Traces};
use crate::reduce::trace::collect::{collect, Pass, Spans};
use crate::reduce::trace::export::{self, ExportFormat};
use crate::reduce::trace::format::{Decoding, InputFormat, SpanFields};
use crate::reduce::trace::ids::{self, IdNames, TraceId};
use crate::reduce::trace::row::Loc;
use crate::reduce::trace::sources::SpanSources;
use crate::reduce::trace::span::Span;
use crate::reduce::trace::tree::{Finding, Tree};
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
    #[arg(long, value_name = "TIME")]
    pub since: Option<String>,
    /// Keep traces starting before this time.
    #[arg(long, value_name = "TIME")]
    pub until: Option<String>,
}

/// Where a table-shaped view goes.
#[derive(Debug, Args, Clone)]
#[command(next_help_heading = "Output")]
pub struct RowOutput {
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value = "auto")]
    pub format: RowFormat,
    /// Write to FILE instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
}

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
    /// `text` (the waterfall) or `ndjson` (one span per line with depth, self time and
    /// critical-path sections).
    #[arg(long, short = 'f', default_value = "text", value_parser = ["text", "ndjson"], help_heading = "Output")]
    pub format: String,
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

/// `obs trace deps --format`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
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

/// `obs trace check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// Spans.
    #[command(flatten)]
    pub spans: SpanArgs,
    /// Do not count these kinds of finding (comma-separated or repeated): incomplete,
    /// multiple-roots, orphan, duplicate, cycle, skew, end-before-start.
    #[arg(long, value_delimiter = ',', value_name = "KIND")]
    pub ignore: Vec<String>,
    /// Output options.
    #[command(flatten)]
    pub out: RowOutput,
}

/// Runs `obs trace`.
pub fn run(args: TraceArgs) -> anyhow::Result<ExitStatus> {
    match args.command {
        TraceCommand::List(a) => list(a),
        TraceCommand::Show(a) => show(a),
        TraceCommand::Stats(a) => stats(a),
        TraceCommand::Deps(a) => deps(a),
        TraceCommand::Export(a) => export_traces(a),
        TraceCommand::Check(a) => check(a),
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
    let now = chrono::Utc::now();
    let bound = |s: &Option<String>| -> anyhow::Result<Option<i64>> {
        Ok(s.as_deref()
            .map(|s| parse_bound(s, now, l.tz))
            .transpose()?
            .and_then(|t| t.timestamp_nanos_opt()))
    };
    let (since, until) = (bound(&sel.since)?, bound(&sel.until)?);
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

/// `COLUMN[:asc]` → (column, descending).
fn sort_spec(s: &str) -> (String, bool) {
    match s.rsplit_once(':') {
        Some((c, dir)) if dir.eq_ignore_ascii_case("asc") => (c.to_string(), false),
        Some((c, dir)) if dir.eq_ignore_ascii_case("desc") => (c.to_string(), true),
        _ => (s.to_string(), true),
    }
}

fn sort_rows(rows: &mut [Map<String, Value>], column: &str, desc: bool) -> anyhow::Result<()> {
    if let Some(first) = rows.first() {
        if !first.contains_key(column) {
            let cols: Vec<&String> = first.keys().collect();
            bail!("--sort: no column '{column}' (columns: {cols:?})");
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

fn list(a: ListArgs) -> anyhow::Result<ExitStatus> {
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
    write_rows(&LIST_COLUMNS, &rows, a.out.format, a.out.output.as_ref())?;
    let code = ExitStatus::matched(!rows.is_empty());
    super::keep_until_exit((rows, selected, l));
    Ok(code)
}

/// The byte strings a trace id can appear as in the input: as given without leading zeros,
/// in lower and upper case.
fn id_needles(id: &str) -> Vec<Vec<u8>> {
    let t = id.trim();
    let core = if t.bytes().all(|b| b.is_ascii_hexdigit()) {
        let z = t.trim_start_matches('0');
        if z.is_empty() {
            t
        } else {
            z
        }
    } else {
        t
    };
    let mut v = vec![
        core.to_ascii_lowercase().into_bytes(),
        core.to_ascii_uppercase().into_bytes(),
    ];
    v.dedup();
    if !v.iter().any(|n| n == core.as_bytes()) {
        v.push(core.as_bytes().to_vec());
    }
    v
}

fn show(mut a: ShowArgs) -> anyhow::Result<ExitStatus> {
    let Some(id) = a.spans.paths.pop() else {
        bail!(
            "obs trace show needs span files and a trace id: obs trace show spans.ndjson TRACE_ID"
        );
    };
    let mut l = load(&a.spans, id_needles(&id))?;
    let wanted = ids::trace_id(&id, &mut l.traces.spans.ids)
        .with_context(|| format!("'{id}' is not a trace id"))?;
    let Some(idx) = l.traces.trees.iter().position(|t| t.trace == wanted) else {
        eprintln!("obs: trace {id} not found ({} lines read)", l.counts.read);
        return Ok(ExitStatus::NoMatch);
    };
    let spans = l.read_trees(&[idx])?.remove(0);
    let tree = l.traces.trees[idx].clone();
    let summary = l.traces.summary(idx);
    let path = l.traces.critical_path(&tree);
    let selfs = l.traces.self_times(&tree);
    let mut crit: HashMap<usize, Vec<(i64, i64)>> = HashMap::new();
    for s in &path {
        crit.entry(s.span).or_default().push((s.start, s.end));
    }
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
    let order = tree.preorder();
    let rows = l.traces.rows(&tree);
    // The server half folded into each shared pair's node, by the pair's id.
    let halves: HashMap<u64, usize> = (0..rows.len())
        .filter(|&m| tree.merged[m])
        .map(|m| (rows[m].span, m))
        .collect();
    let ids = &l.traces.spans.ids;
    if a.format == "ndjson" {
        let mut dest = Destination::open(None)?;
        for &k in &order {
            let k = k as usize;
            let mut o = match export::span_object(&spans[k], ids) {
                Value::Object(o) => o,
                _ => Map::new(),
            };
            // A Zipkin shared pair is one node: the server half, with its own tags and
            // annotations, goes along with the client's span.
            if let Some(&m) = halves.get(&rows[k].span) {
                o.insert("server_half".into(), export::span_object(&spans[m], ids));
            }
            o.insert("depth".into(), json!(tree.depth[k]));
            o.insert("self_ms".into(), json!(view::ms(selfs[k])));
            let sections: Vec<Value> = crit.get(&k).map_or(Vec::new(), |v| {
                v.iter().map(|(s, e)| json!([s, e])).collect()
            });
            o.insert("critical_path_ns".into(), Value::Array(sections));
            serde_json::to_writer(&mut dest, &o)?;
            dest.write_all(b"\n")?;
        }
        dest.commit()?;
        return Ok(ExitStatus::Ok);
    }
    let mut bars = Vec::new();
    for &k in &order {
        let k = k as usize;
        let (r, s) = (&rows[k], &spans[k]);
        let half = halves.get(&r.span).map(|&m| &spans[m]);
        let mut details = Vec::new();
        if let Some(h) = half {
            details.push(format!(
                "(client and server halves of one shared span; server: {} {})",
                h.service, h.name
            ));
        }
        if a.attributes {
            for (key, v) in s
                .attributes
                .iter()
                .chain(half.iter().flat_map(|h| &h.attributes))
            {
                details.push(format!("{key}={}", crate::decode::value::value_text(v)));
            }
            if !s.status_message.is_empty() {
                details.push(format!("status: {}", s.status_message));
            }
        }
        if a.events {
            for e in s.events.iter().chain(half.iter().flat_map(|h| &h.events)) {
                let attrs: Vec<String> = e
                    .attributes
                    .iter()
                    .map(|(k, v)| format!("{k}={}", crate::decode::value::value_text(v)))
                    .collect();
                details.push(format!(
                    "@{} {} {}",
                    waterfall::duration(e.time - summary.start),
                    e.name,
                    attrs.join(" ")
                ));
            }
        }
        if let Some(lines) = logs.get(&Some(r.span)) {
            details.extend(lines.iter().map(|(_, t)| t.clone()));
        }
        bars.push(Bar {
            depth: tree.depth[k].max(1),
            name: s.name.clone(),
            service: match half {
                Some(h) if h.service != s.service => format!("{} → {}", s.service, h.service),
                _ => s.service.clone(),
            },
            start: r.start,
            end: r.end,
            error: r.is_error(),
            critical: crit.get(&k).cloned().unwrap_or_default(),
            details,
        });
    }
    let mut services: Vec<&str> = summary
        .services
        .iter()
        .map(|&c| l.traces.spans.services.text(c))
        .collect();
    services.sort_unstable();
    let findings: Vec<String> = tree.findings.iter().map(|f| describe(f, ids)).collect();
    let title = format!(
        "trace {}  {}  {}  {} spans  depth {}  {} errors  services: {}{}",
        ids.trace(tree.trace),
        view::time_text(summary.start, l.tz),
        waterfall::duration(summary.duration),
        summary.spans,
        summary.depth,
        summary.errors,
        services.join(", "),
        if findings.is_empty() {
            String::new()
        } else {
            format!("\nfindings: {}", findings.join("; "))
        }
    );
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

fn describe(f: &Finding, ids: &IdNames) -> String {
    match f {
        Finding::NoRoot => "incomplete: no root span".into(),
        Finding::MultipleRoots(r) => format!(
            "multiple-roots: {}",
            r.iter().map(|s| ids.span(*s)).collect::<Vec<_>>().join(",")
        ),
        Finding::Orphan { span, parent } => format!(
            "orphan: {} (parent {} missing)",
            ids.span(*span),
            ids.span(*parent)
        ),
        Finding::Duplicate { span, count } => {
            format!("duplicate: {} seen {count} times", ids.span(*span))
        }
        Finding::Cycle(c) => format!(
            "cycle: {}",
            c.iter().map(|s| ids.span(*s)).collect::<Vec<_>>().join(",")
        ),
        Finding::EndBeforeStart { span } => {
            format!(
                "end-before-start: {} ends before it starts",
                ids.span(*span)
            )
        }
        Finding::Skew {
            span,
            parent,
            early,
            late,
        } => format!(
            "skew: {} vs parent {}:{}{}",
            ids.span(*span),
            ids.span(*parent),
            if *early > 0 {
                format!(" starts {} early", waterfall::duration(*early))
            } else {
                String::new()
            },
            if *late > 0 {
                format!(" ends {} late", waterfall::duration(*late))
            } else {
                String::new()
            },
        ),
    }
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

fn stats(a: StatsArgs) -> anyhow::Result<ExitStatus> {
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

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

fn deps(a: DepsArgs) -> anyhow::Result<ExitStatus> {
    let l = load(&a.spans, Vec::new())?;
    let edges = analysis::deps(&l.traces, a.same_service);
    let svc = |c: u32| l.traces.spans.services.text(c).to_string();
    let fmt = match a.format {
        DepsFormat::Auto => match RowFormat::Auto.resolve(a.output.as_ref()) {
            RowFormat::Table => DepsFormat::Table,
            _ => DepsFormat::Ndjson,
        },
        f => f,
    };
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
        DepsFormat::Table => write_rows(&header, &rows, RowFormat::Table, a.output.as_ref())?,
        DepsFormat::Ndjson | DepsFormat::Auto => {
            write_rows(&header, &rows, RowFormat::Ndjson, a.output.as_ref())?
        }
        DepsFormat::Csv => write_rows(&header, &rows, RowFormat::Csv, a.output.as_ref())?,
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
    super::keep_until_exit(l);
    Ok(ExitStatus::Ok)
}

fn export_traces(a: ExportArgs) -> anyhow::Result<ExitStatus> {
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
    if a.to == ExportFormat::Jaeger {
        dest.write_all(b"{\"data\":[")?;
    }
    let mut first = true;
    for (i, j) in batches(&selected) {
        let trees: Vec<usize> = selected[i..j].iter().map(|s| s.tree).collect();
        let batch = l.read_trees(&trees)?;
        let ids = &l.traces.spans.ids;
        // Each trace's text is made on the workers (building and serialising the documents was
        // most of an export, on one thread), then written in order.
        let texts = batch
            .into_par_iter()
            .map(|mut spans| -> serde_json::Result<Vec<u8>> {
                let mut buf = Vec::new();
                if a.to != ExportFormat::Spans {
                    export::dedupe_shared(&mut spans);
                }
                let spans = &spans;
                match a.to {
                    ExportFormat::Jaeger => {
                        let doc = export::jaeger_document(std::slice::from_ref(spans), ids);
                        serde_json::to_writer(&mut buf, &doc["data"][0])?;
                    }
                    ExportFormat::Otlp => {
                        serde_json::to_writer(&mut buf, &export::otlp_envelope(spans, ids))?;
                        buf.push(b'\n');
                    }
                    ExportFormat::Spans => {
                        for s in spans {
                            serde_json::to_writer(&mut buf, &export::span_object(s, ids))?;
                            buf.push(b'\n');
                        }
                    }
                }
                Ok(buf)
            })
            .collect::<serde_json::Result<Vec<_>>>()?;
        for text in texts {
            if a.to == ExportFormat::Jaeger && !first {
                dest.write_all(b",\n")?;
            }
            dest.write_all(&text)?;
            first = false;
        }
    }
    if a.to == ExportFormat::Jaeger {
        dest.write_all(b"],\"total\":0,\"limit\":0,\"offset\":0,\"errors\":null}\n")?;
    }
    dest.commit()?;
    let code = ExitStatus::matched(!selected.is_empty());
    super::keep_until_exit((selected, l));
    Ok(code)
}

fn check(a: CheckArgs) -> anyhow::Result<ExitStatus> {
    const KINDS: [&str; 7] = Finding::KINDS;
    for k in &a.ignore {
        if !KINDS.contains(&k.as_str()) {
            bail!("--ignore: '{k}' is not one of {}", KINDS.join(", "));
        }
    }
    let l = load(&a.spans, Vec::new())?;
    let ids = &l.traces.spans.ids;
    let mut rows = Vec::new();
    let mut per_kind: Vec<(&str, usize)> = KINDS.iter().map(|k| (*k, 0)).collect();
    let mut bad_traces = 0;
    for t in &l.traces.trees {
        let found: Vec<&Finding> = t
            .findings
            .iter()
            .filter(|f| !a.ignore.iter().any(|k| k == f.kind()))
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
        a.out.format,
        a.out.output.as_ref(),
    ))?;
    let summary: Vec<String> = per_kind
        .iter()
        .filter(|e| e.1 > 0)
        .map(|(k, n)| format!("{k} {n}"))
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
    super::keep_until_exit((rows, l));
    Ok(code)
}

fn finding_row(t: &Tree, f: &Finding, ids: &IdNames) -> Map<String, Value> {
    let span = match f {
        Finding::Orphan { span, .. }
        | Finding::Duplicate { span, .. }
        | Finding::Skew { span, .. }
        | Finding::EndBeforeStart { span } => ids.span(*span),
        _ => String::new(),
    };
    let mut m = Map::new();
    m.insert("trace_id".into(), Value::String(ids.trace(t.trace)));
    m.insert("finding".into(), Value::String(f.kind().into()));
    m.insert("span".into(), Value::String(span));
    m.insert("detail".into(), Value::String(describe(f, ids)));
    m
}
