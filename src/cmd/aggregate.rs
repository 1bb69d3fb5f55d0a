//! `obs aggregate`: group records and compute metrics (counts, sums, percentiles, rates, …).

use std::io::Write as _;

use anyhow::{bail, Context};
use clap::Args;
use serde_json::Value;

use super::setup;
use crate::cli::{BulkArgs, ErrorArgs, InputArgs, OutputArgs, TimeArgs};
use crate::decode::json::Projection;
use crate::error::{EXIT_GATE, EXIT_NO_MATCH, EXIT_OK};
use crate::expr::Expr;
use crate::output::es_bulk::files::{BulkDirSink, BulkStreamSink};
use crate::output::es_bulk::BulkRender;
use crate::output::{chart, ByteSink, Destination, Format, Render, Rendered, Sink};
use crate::pipeline::accounting::Ledger;
use crate::pipeline::{run_ordered, Flow, Window};
use crate::record::time::TimeSpec;
use crate::record::{FieldPath, Record};
use crate::reduce::aggregate::every::{self, Every};
use crate::reduce::aggregate::frame;
use crate::reduce::aggregate::plan::{Plan, DEFAULT_WEIGHT};
use crate::reduce::aggregate::result::{self, SortSpec, Table};
use crate::reduce::aggregate::spec::{parse_keys, parse_metrics};
use crate::stage::filter::{Filter, FilterSpec};

const HELP: &str = "\
Keys (--by, comma-separated, repeatable):
  service, http.status, attributes[\"k.8s\"]   a field's value; a missing field is the null group
  hour(timestamp)  weekday()  date()          hour 0-23, ISO weekday 1=Mon..7=Sun, YYYY-MM-DD in
                                              --tz, of a field or (empty) the record's timestamp
  bucket(amount, 1000, 10000, 50000)          <1000, 1000-10000, 10000-50000, >=50000
  geohash(lat, lon, 5)                        geohash cell, precision 1-12

Metrics (--agg, comma-separated, repeatable, each optionally `as NAME`):
  count  count(EXPR)  rate(EXPR)              records, records where EXPR holds, their share
  sum(x) avg(x) min(x) max(x) stddev(x)       stddev is the sample standard deviation (n-1)
  median(x) p50(x) p95(x) p99(x) p99.9(x)     quantiles: linear interpolation between the two
                                              nearest ranks at position (n-1)*q, as DuckDB's
                                              quantile_cont and numpy's default
  count_distinct(x) first(x) last(x)          distinct non-null values; first/last in input order
Numbers are JSON numbers or numeric strings (\"2999.00\"); other values are skipped, and how many
per metric is reported on stderr. A sum over no numbers is null, as in SQL.

Sampling weights: when records carry --weight (default sampling.adjusted_count, as obs sample
writes), count, count(EXPR) and sum are Horvitz-Thompson estimates (sums of weights), avg and
rate are weighted, and obs says the results are estimates.

Time buckets (--every 30s|5m|1h|1d|1w|1M): intervals aligned to wall-clock time in --tz; days,
weeks (from Monday) and months start at local midnight. Buckets without records inside the range
appear with zero counts, so a chart has no holes.

Examples:
  obs aggregate dump/*.ndjson.gz --by service,payment_method \\
      --agg 'count, sum(amount), avg(response_time_ms), p95(response_time_ms), p99(response_time_ms)'
  obs aggregate logs.ndjson --where 'service=payment-service' --every 5m --by gateway \\
      --agg 'count, rate(status=success) as success_rate' --tz Asia/Kolkata --chart
  obs aggregate logs.ndjson --by payment_method,error_code --where 'level=ERROR' --top 10
  obs aggregate logs.ndjson --by gateway --agg 'p99(response_time_ms)' \\
      --fail-if 'p99(response_time_ms) > 800'
  obs aggregate logs.ndjson --by city --agg 'sum(amount)' -f parquet -o by-city.parquet

Exit status: 0 done, 1 no record to aggregate, 2 error, 3 a --fail-if condition held.";

/// Arguments of `obs aggregate`.
#[derive(Debug, Args)]
#[command(after_long_help = HELP)]
pub struct AggregateArgs {
    /// Files, directories, globs or `-` (stdin when none).
    #[arg(value_name = "PATH")]
    pub paths: Vec<String>,

    /// Group by these keys (fields or key functions; see below).
    #[arg(long, value_name = "KEYS", help_heading = "Aggregation")]
    pub by: Vec<String>,

    /// Metrics to compute [default: count].
    #[arg(long, value_name = "METRICS", help_heading = "Aggregation")]
    pub agg: Vec<String>,

    /// Only records where this expression holds (same language as obs grep).
    #[arg(long = "where", value_name = "EXPR", help_heading = "Aggregation")]
    pub where_expr: Option<String>,

    /// Time buckets of this width on the record timestamp: 30s, 5m, 1h, 1d, 1w, 1M.
    #[arg(long, value_name = "INTERVAL", help_heading = "Aggregation")]
    pub every: Option<String>,

    /// Order by a metric or key, largest first (NAME:asc for smallest first).
    #[arg(long, value_name = "NAME[:asc]", help_heading = "Aggregation")]
    pub sort: Option<String>,

    /// Keep the first N groups (per time bucket with --every), by --sort or the first metric.
    #[arg(long, value_name = "N", help_heading = "Aggregation")]
    pub top: Option<usize>,

    /// Sampling weight field [default: sampling.adjusted_count when present].
    #[arg(long, value_name = "PATH", help_heading = "Aggregation")]
    pub weight: Option<String>,

    /// Draw a terminal chart of the first metric instead of a table.
    #[arg(long, help_heading = "Aggregation")]
    pub chart: bool,

    /// CI gate: exit 3 and print the groups for which this expression over the result columns
    /// holds, e.g. 'p99(response_time_ms) > 800'. Repeatable.
    #[arg(long, value_name = "EXPR", help_heading = "Aggregation")]
    pub fail_if: Vec<String>,

    /// Input options.
    #[command(flatten)]
    pub input: InputArgs,
    /// Bad-input options.
    #[command(flatten)]
    pub errors: ErrorArgs,
    /// Time options.
    #[command(flatten)]
    pub time: TimeArgs,
    /// Output options.
    #[command(flatten)]
    pub output: OutputArgs,
    /// Elasticsearch bulk options (one document per group).
    #[command(flatten)]
    pub bulk: BulkArgs,
}

/// Runs `obs aggregate`.
pub fn run(args: AggregateArgs) -> anyhow::Result<i32> {
    let keys = parse_keys(&args.by)?;
    let metrics = parse_metrics(&args.agg)?;
    let every = args.every.as_deref().map(Every::parse).transpose()?;
    let weight = FieldPath::parse(args.weight.as_deref().unwrap_or(DEFAULT_WEIGHT))?;
    let plan = Plan::new(keys, metrics, every, weight);
    let gates = args
        .fail_if
        .iter()
        .map(|g| Expr::parse(g).map(|e| (g.clone(), e)))
        .collect::<Result<Vec<_>, _>>()?;
    let sort = args.sort.as_deref().map(SortSpec::parse);
    let setup::TimeWindow {
        spec: time,
        since,
        until,
    } = setup::time(&args.time)?;
    let format = match args.output.format {
        Format::Auto | Format::Pretty
            if args.output.output.is_none()
                && std::io::IsTerminal::is_terminal(&std::io::stdout()) =>
        {
            Format::Table
        }
        Format::Auto => Format::Ndjson,
        f => f,
    };
    if !args.output.fields.is_empty() {
        bail!("--fields is for obs grep; choose columns with --by and --agg");
    }
    if format == Format::Parquet && args.output.output.is_none() {
        bail!("--format parquet needs -o FILE");
    }
    if format != Format::EsBulk && args.bulk.used() {
        bail!("--id-field, --id-hash, --out-dir and --template go with --format es-bulk");
    }

    let reader = setup::reader(&args.paths, &args.input)?;
    setup::check_not_input(args.output.output.as_ref(), &reader)?;
    let names: Vec<String> = reader.sources().iter().map(|s| s.name()).collect();
    let total = reader.known_total();
    let progress = crate::output::progress::Progress::new(total, args.output.quiet);
    let filter = Filter::new(FilterSpec {
        expr: args.where_expr.as_deref().map(Expr::parse).transpose()?,
        raw: Vec::new(),
        invert: false,
        since,
        until,
        time: time.clone(),
        validate: args.errors.validate,
        keep_raw_rejects: args.errors.rejects.is_some(),
        needs: plan.needs(&time),
    })?;
    let mut ledger = Ledger::new(
        names,
        args.errors.on_error,
        args.errors.rejects.clone(),
        args.errors.rejects_reasons.clone(),
    )?;
    let mut all = plan.columns();
    let result = run_ordered(
        reader,
        setup::threads(&args.input),
        Window::Reducing,
        |chunk| {
            let mut cols = plan.columns();
            let scanned = filter.scan(&chunk, &mut |rec| {
                plan.observe(rec, &time, &mut cols);
                Ok(())
            });
            (scanned, cols)
        },
        |meta, (scanned, cols)| {
            progress.inc(meta.len as u64);
            if let (0, Some(total)) = (meta.seq, total) {
                // Size the merged columns once, from the first chunk's rows per byte (+5%).
                let per_byte = cols.rows as f64 / meta.len.max(1) as f64;
                all.reserve((total as f64 * per_byte * 1.05) as usize);
            }
            ledger.account(
                meta.source,
                scanned.lines,
                &scanned.counts,
                &scanned.rejects,
            )?;
            all.append(cols);
            Ok(Flow::Continue)
        },
    );
    progress.finish();
    let counts = ledger.finish()?;
    result?;
    if args.errors.stats {
        eprintln!(
            "obs: read {} lines: {} aggregated + {} filtered + {} rejected",
            counts.read, counts.emitted, counts.filtered, counts.rejected
        );
    }
    report_skipped(&plan, &all.skipped);
    let (aggregated, weighted) = (all.rows, all.weighted);

    let mut rows = frame::aggregate(all, &plan).context("aggregating")?;
    result::fill_buckets(&mut rows, &plan, time.tz)?;
    let sort = match (&sort, args.top) {
        (None, Some(_)) => plan.metrics.first().map(|m| SortSpec {
            column: m.name.clone(),
            ascending: false,
        }),
        (s, _) => s.clone(),
    };
    result::sort_rows(&mut rows, &plan, sort.as_ref())?;
    if let Some(n) = args.top {
        result::top(&mut rows, n, plan.every.is_some());
    }
    let table = Table::new(rows, &plan, time.tz);
    if weighted > 0 {
        let est: Vec<&str> = (0..plan.metrics.len())
            .filter(|&i| plan.is_estimate(i))
            .map(|i| plan.metrics[i].name.as_str())
            .collect();
        eprintln!(
            "obs: {} of {} records carry sampling weights: {} are Horvitz-Thompson estimates",
            weighted,
            aggregated,
            if est.is_empty() {
                "no metric".to_string()
            } else {
                est.join(", ")
            }
        );
    }

    if args.chart {
        write_chart(&table, &plan, args.output.output.as_ref())?;
    } else {
        write_table(&table, format, &args)?;
    }

    let failed = gate(&table, &gates);
    Ok(if failed {
        EXIT_GATE
    } else if aggregated == 0 {
        EXIT_NO_MATCH
    } else {
        EXIT_OK
    })
}

fn report_skipped(plan: &Plan, skipped: &[u64]) {
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

/// Evaluates the gates on every row; prints the rows that fail. True when any did.
fn gate(table: &Table, gates: &[(String, Expr)]) -> bool {
    let mut failed = false;
    for (text, expr) in gates {
        for i in 0..table.rows.len() {
            let obj = table.object(i);
            if expr.matches(&obj) {
                failed = true;
                let desc: Vec<String> = obj
                    .iter()
                    .map(|(k, v)| format!("{k}={}", crate::record::value_text(v)))
                    .collect();
                eprintln!("obs: --fail-if '{text}' holds for {}", desc.join(", "));
            }
        }
    }
    failed
}

fn write_table(table: &Table, format: Format, args: &AggregateArgs) -> anyhow::Result<()> {
    let out = args.output.output.as_ref();
    match format {
        Format::Parquet => {
            let path = out.context("--format parquet needs -o FILE")?;
            frame::write_parquet(path, &table.header, &table.kinds, &table.rows)?;
        }
        Format::Table | Format::Pretty | Format::Auto => {
            let mut t = comfy_table::Table::new();
            t.load_preset(comfy_table::presets::UTF8_FULL_CONDENSED)
                .set_content_arrangement(comfy_table::ContentArrangement::Dynamic)
                .set_header(table.header.clone());
            for r in 0..table.rows.len() {
                t.add_row((0..table.header.len()).map(|c| table.text(r, c)));
            }
            let mut dest = Destination::open(out)?;
            writeln!(dest, "{t}")?;
            dest.commit()?;
        }
        Format::Ndjson => {
            let mut dest = Destination::open(out)?;
            for i in 0..table.rows.len() {
                serde_json::to_writer(&mut dest, &table.object(i))?;
                dest.write_all(b"\n")?;
            }
            dest.commit()?;
        }
        Format::Csv => {
            let mut w = csv::Writer::from_writer(Destination::open(out)?);
            w.write_record(&table.header)?;
            for r in 0..table.rows.len() {
                let cells: Vec<String> = (0..table.header.len())
                    .map(|c| match &table.rows[r][c] {
                        None => String::new(),
                        Some(_) => table.text(r, c),
                    })
                    .collect();
                w.write_record(&cells)?;
            }
            w.into_inner()
                .map_err(|e| anyhow::anyhow!("{}", e.error()))?
                .commit()?;
        }
        Format::EsBulk => write_bulk(table, args)?,
    }
    Ok(())
}

/// One `_bulk` document per group; the bucket start is the document's `time` (and drives
/// `%{+yyyy.MM.dd}`); `_id` defaults to a hash of the group's keys and bucket, so re-running the
/// same aggregation overwrites instead of duplicating.
fn write_bulk(table: &Table, args: &AggregateArgs) -> anyhow::Result<()> {
    let mut opts = args.bulk.resolve()?;
    if matches!(opts.id, crate::output::es_bulk::IdSpec::Auto) {
        let group_cols = &table.header[..table.header.len() - table.metric_count];
        opts.id = crate::output::es_bulk::IdSpec::Hash(
            group_cols.iter().map(|h| FieldPath::literal(h)).collect(),
        );
    }
    let time = TimeSpec {
        fields: vec![FieldPath::literal("time")],
        tz: table.tz,
    };
    let template = opts.template.clone().map(|p| (p, opts.index.pattern()));
    let mut sink: Box<dyn Sink> = match &opts.out_dir {
        Some(dir) => Box::new(BulkDirSink::new(
            dir.clone(),
            opts.max_bytes,
            opts.max_docs,
            template,
        )?),
        None => Box::new(BulkStreamSink::new(
            ByteSink::new(Destination::open(args.output.output.as_ref())?),
            template,
        )),
    };
    let render = BulkRender::new(opts, time, Vec::new());
    let proj = Projection::new(render.needs());
    let mut rendered = Rendered::default();
    for i in 0..table.rows.len() {
        let line = serde_json::to_vec(&table.object(i))?;
        let rec = Record::decode(i as u64, 0..line.len(), &line, &line, &proj, Vec::new())
            .map_err(|(e, _)| anyhow::anyhow!("internal error: {e}"))?;
        if let Err(reason) = render.render(&rec, &mut rendered) {
            eprintln!("obs: group {} not written: {reason}", i + 1);
        }
    }
    let n = rendered.marks.len();
    sink.write(&rendered, n)?;
    sink.finish()
}

fn write_chart(table: &Table, plan: &Plan, out: Option<&std::path::PathBuf>) -> anyhow::Result<()> {
    let metric = table.header.len() - table.metric_count;
    let title = table.header[metric].clone();
    let value = |r: usize| table.rows[r][metric].as_ref().and_then(Value::as_f64);
    let label = |r: usize| {
        let first_key = usize::from(plan.every.is_some());
        let parts: Vec<String> = (first_key..metric).map(|c| table.text(r, c)).collect();
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
