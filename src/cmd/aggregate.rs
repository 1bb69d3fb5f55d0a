//! `obs aggregate`: group records and compute metrics (counts, sums, percentiles, rates, …).

use anyhow::{bail, Context};
use clap::Args;

use super::setup;
use crate::cli::{BulkArgs, ReadArgs};
use crate::error::ExitStatus;
use crate::expr::Expr;
use crate::output::Format;
use crate::pipeline::accounting::Counts;
use crate::pipeline::{run_ordered, Flow, Window};
use crate::record::FieldPath;
use crate::reduce::aggregate::emit;
use crate::reduce::aggregate::every::Every;
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

Time buckets (--every 500ms|30s|5m|1h|1d|1w|1M): intervals aligned to wall-clock time in --tz;
days, weeks (from Monday) and months start at local midnight. A bucket reads as its start in
RFC 3339 in --tz (with milliseconds when it has them). Buckets without records inside the range
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

crate::formats! {
    /// The formats an aggregate result is written in.
    pub enum AggregateFormat {
        /// A table on a terminal, NDJSON otherwise.
        Auto,
        /// An aligned table (numbers rounded for people).
        Table,
        /// One JSON object per group.
        Ndjson,
        /// CSV with a header row, numbers at full precision.
        Csv,
        /// Apache Parquet (needs -o FILE).
        Parquet,
        /// Elasticsearch `_bulk` bodies, one document per group.
        EsBulk,
    }
}

/// How an aggregate result is written: only what `obs aggregate` accepts (no `--fields`,
/// `pretty` or `--color`, which are grep's).
#[derive(Debug, Args, Clone)]
#[command(next_help_heading = "Output")]
pub struct AggregateOutput {
    /// Output format (auto: a table on a terminal, ndjson otherwise).
    #[arg(
        long,
        short = 'f',
        value_enum,
        default_value = "auto",
        value_name = "FORMAT"
    )]
    pub format: AggregateFormat,

    /// Write to FILE (atomically: complete or not at all) instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<std::path::PathBuf>,

    /// No progress bar and no diagnostics; errors and the count of rejected lines still print.
    #[arg(long)]
    pub quiet: bool,
}

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

    /// Time buckets of this width on the record timestamp: 500ms, 30s, 5m, 1h, 1d, 1w, 1M.
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
    /// holds, e.g. 'p99(response_time_ms) > 800'. Repeatable. A column not computed is an
    /// error (2), never a pass.
    #[arg(long, value_name = "EXPR", help_heading = "Aggregation")]
    pub fail_if: Vec<String>,

    /// Reading options.
    #[command(flatten)]
    pub read: ReadArgs,
    /// Output options.
    #[command(flatten)]
    pub output: AggregateOutput,
    /// Elasticsearch bulk options (one document per group).
    #[command(flatten)]
    pub bulk: BulkArgs,
}

/// Runs `obs aggregate`.
pub fn run(args: AggregateArgs) -> anyhow::Result<ExitStatus> {
    let keys = parse_keys(&args.by)?;
    let metrics = parse_metrics(&args.agg)?;
    let every = args.every.as_deref().map(Every::parse).transpose()?;
    let weight = FieldPath::parse(args.weight.as_deref().unwrap_or(DEFAULT_WEIGHT))?;
    let plan = Plan::new(keys, metrics, every, weight);
    plan.check_columns().map_err(anyhow::Error::msg)?;
    let gates = args
        .fail_if
        .iter()
        .map(|g| Expr::parse(g).map(|e| (g.clone(), e)))
        .collect::<Result<Vec<_>, _>>()?;
    for (text, gate) in &gates {
        plan.check_gate(text, gate).map_err(anyhow::Error::msg)?;
    }
    let sort = args.sort.as_deref().map(SortSpec::parse);
    let setup::TimeWindow {
        spec: time,
        since,
        until,
    } = setup::time(&args.read.time)?;
    let format =
        Format::from(args.output.format).resolve(args.output.output.as_ref(), Format::Table);
    if format == Format::Parquet && args.output.output.is_none() {
        bail!("--format parquet needs -o FILE");
    }
    if format != Format::EsBulk && args.bulk.used() {
        bail!("--id-field, --id-hash, --out-dir and --template go with --format es-bulk");
    }

    let reader = setup::reader(&args.paths, &args.read.input)?;
    setup::check_record_outputs(
        args.output.output.as_ref(),
        &args.read.errors,
        &args.bulk,
        &reader,
    )?;
    let names: Vec<String> = reader.sources().iter().map(|s| s.name()).collect();
    let inputs = reader.report();
    let total = reader.known_total();
    crate::stdio::set_quiet(args.output.quiet);
    let progress = crate::output::progress::Progress::new(total, args.output.quiet);
    let filter = Filter::new(FilterSpec {
        expr: args
            .where_expr
            .as_deref()
            .map(|e| Expr::parse_in(e, time.tz))
            .transpose()?,
        since,
        until,
        validate: args.read.errors.validate,
        keep_raw_rejects: args.read.errors.rejects.is_some(),
        needs: plan.needs(&time),
        parse: setup::parse(&args.read.parsing, &time, reader.sources())?,
        ..FilterSpec::all(time.clone())
    })?;
    let mut ledger = setup::ledger(names, &args.read.errors)?;
    let mut all = plan.columns();
    let result = run_ordered(
        reader,
        setup::threads(&args.read.input)?,
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
                all.reserve(meta.extrapolate(cols.rows, total));
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
    let stats = |counts: &Counts| {
        if args.read.errors.stats {
            eprintln!(
                "obs: read {} lines: {} aggregated + {} filtered + {} rejected",
                counts.read, counts.emitted, counts.filtered, counts.rejected
            );
            setup::print_skipped(&inputs);
        }
    };
    if let Err(e) = result.and_then(|()| setup::inputs_read(&inputs)) {
        stats(&ledger.abandon());
        return Err(e);
    }
    let counts = ledger.finish()?;
    stats(&counts);
    emit::report_skipped(&plan, &all.skipped, all.untimed);
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
    let table = Table::new(rows, &plan, time.tz, weighted > 0);
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

    let out = args.output.output.as_ref();
    let written = if args.chart {
        emit::write_chart(&table, &plan, out)
    } else {
        let bulk = (format == Format::EsBulk)
            // Groups without a time bucket have no date for `%{+yyyy.MM.dd}`.
            .then(|| match plan.every {
                Some(_) => setup::bulk_options(&args.bulk, crate::cli::DEFAULT_INDEX),
                None => setup::bulk_options(&args.bulk, "obs-aggregate"),
            })
            .transpose()?;
        emit::write(&table, format, out, bulk)
    };
    // `… --fail-if … | head -1`: a reader that leaves early ends the output, not the gate.
    setup::unless_pipe_closed(written)?;

    let failed = emit::gate(&table, &gates);
    Ok(if failed {
        ExitStatus::Gate
    } else if aggregated == 0 {
        ExitStatus::NoMatch
    } else {
        ExitStatus::Ok
    })
}
