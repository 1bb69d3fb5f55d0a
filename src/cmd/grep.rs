//! `obs grep`: select lines with an expression and write them out.

use anyhow::bail;
use clap::Args;

use super::setup;
use crate::cli::{RecordArgs, RecordFormat};
use crate::error::ExitStatus;
use crate::expr::Expr;
use crate::input::Chunk;
use crate::output::es_bulk::BulkRender;
use crate::output::progress::Progress;
use crate::output::{
    self, ByteSink, CountOnly, Destination, NullSink, RawLineSink, Render, Rendered, Sink,
};
use crate::pipeline::accounting::{Counts, Ledger, Rejected};
use crate::pipeline::{run_ordered, Flow, Window};
use crate::record::FieldPath;
use crate::stage::filter::{Filter, FilterSpec};

const HELP: &str = "\
Expressions:
  level=ERROR  level='ERROR'       equal (text), case-sensitive; \"…\" or '…' quote
  amount>10000  http.status>=500   numeric: holds only for numbers and numeric strings (\"2999.00\")
  duration>2s                      durations (ns, us, ms, s, m, h) are milliseconds
  ts>=2024-05-01T06:00+05:30       timestamps compare as instants (offset-less: in --tz)
  level>=WARN                      levels by severity, any case: WARN, ERROR, FATAL
                                   (<, >, <=, >= take only numbers, timestamps and levels)
  level!=INFO                      present and not equal (missing fields never compare)
  message~=timeout                 substring
  message~~=\"(?i)gateway timeout\"  regex (Rust regex syntax)
  payment_method in (UPI, CARD)    any of; `in @file` reads one value per line
  exists(error.code)  error        field present; a bare path: present and truthy
  not A, A and B, A or B, ( )      `not` binds tighter than `and`, `and` than `or`
Paths: a.b.c, a[0], attributes[\"http.status_code\"]; `a.b` also finds a flattened \"a.b\" key.
A comparison on a missing field is false, so `not level=ERROR` also keeps lines without level.
On an array field a comparison holds if it holds for any element.

Speed: literals the expression needs (ERROR, payment-service) are searched as raw bytes first;
lines without them are never decoded and count as filtered. --validate decodes every line.

Examples:
  obs grep 'level=ERROR and service=payment-service' logs/*.ndjson.gz
  obs grep 'amount>10000 and payment_method=UPI' big.ndjson | obs grep 'http.status>=500'
  cat app.log | obs grep -c 'message~~=\"(?i)gateway timeout\"' -
  obs grep -e 'timeout|refused' --where 'level=ERROR' logs/          # raw regex and expression
  obs grep -v 'level in (DEBUG, INFO)' app.ndjson -m 100              # first 100 non-info lines
  obs grep 'service=upi-switch' dump.ndjson --since -3h --tz Asia/Kolkata --fields ts,vpa,amount
  obs grep 'gateway=razorpay' dump.ndjson -f csv --fields ts,amount,status -o out.csv
  obs grep 'level=ERROR' dump.ndjson --on-error report --rejects bad.ndjson --stats
  obs grep 'response>=500' access.log.gz --parse combined -f table --fields clientip,request
  obs grep 'service=payment-service' dump.ndjson -f es-bulk --index 'payment-logs-%{+yyyy.MM.dd}' \\
      --tz Asia/Kolkata --id-field payment_id --out-dir bulk/ --template template.json

Exit status: 0 something matched, 1 nothing matched, 2 error.";

/// Arguments of `obs grep`.
#[derive(Debug, Args)]
#[command(
    after_long_help = HELP,
    override_usage = "obs grep [OPTIONS] EXPR [PATH]...\n       obs grep [OPTIONS] (-e REGEX | --where EXPR)... [PATH]..."
)]
pub struct GrepArgs {
    /// The expression, then files, directories, globs or `-` (stdin when none). With -e or
    /// --where every positional is a path.
    #[arg(value_name = "EXPR|PATH")]
    pub args: Vec<String>,

    /// Regex on the raw line (Rust syntax); repeatable (any may match); ANDed with the expression.
    /// Alone (no expression, output the lines or -c) it searches any text, JSON or not.
    #[arg(
        short = 'e',
        long = "regexp",
        value_name = "REGEX",
        help_heading = "Matching"
    )]
    pub regexp: Vec<String>,

    /// The expression, given as an option (so all positionals are paths).
    #[arg(long = "where", value_name = "EXPR", help_heading = "Matching")]
    pub where_expr: Option<String>,

    /// Match text without case: `=`, `!=`, `~=`, `in` and `~~=` on text, and the -e regexes
    /// (numbers, times and levels compare as always).
    #[arg(short = 'i', long, help_heading = "Matching")]
    pub ignore_case: bool,

    /// Print each line after its line number (`12:…`), as ripgrep does; with NDJSON or the
    /// terminal view.
    #[arg(short = 'n', long, help_heading = "Output")]
    pub line_number: bool,

    /// Print each line after its file's name (`logs/a.ndjson:…`); with NDJSON or the terminal
    /// view.
    #[arg(short = 'H', long, help_heading = "Output")]
    pub with_filename: bool,

    /// Also print N lines after each kept line (raw lines, from the same file).
    #[arg(
        short = 'A',
        long,
        value_name = "N",
        default_value_t = 0,
        help_heading = "Output"
    )]
    pub after_context: usize,

    /// Also print N lines before each kept line (raw lines, from the same file).
    #[arg(
        short = 'B',
        long,
        value_name = "N",
        default_value_t = 0,
        help_heading = "Output"
    )]
    pub before_context: usize,

    /// Also print N lines before and after each kept line (-A N -B N).
    #[arg(short = 'C', long, value_name = "N", help_heading = "Output")]
    pub context: Option<usize>,

    /// Keep the lines that do not match.
    #[arg(short = 'v', long, help_heading = "Matching")]
    pub invert_match: bool,

    /// Print only the number of matching lines: per file (`FILE:N`, files with a match) when
    /// there are several, as ripgrep does.
    #[arg(short = 'c', long, help_heading = "Matching")]
    pub count: bool,

    /// With -c: one total for all files.
    #[arg(long, requires = "count", help_heading = "Matching")]
    pub total: bool,

    /// Print only the names of the files with a matching line, in input order.
    #[arg(short = 'l', long, conflicts_with = "count", help_heading = "Matching")]
    pub files_with_matches: bool,

    /// Print nothing; the exit status says whether a line matched (0) or not (1). Stops at the
    /// first match. (--quiet is another thing: it hides the progress bar and diagnostics.)
    #[arg(
        short = 'q',
        long = "silent",
        conflicts_with_all = ["count", "files_with_matches"],
        help_heading = "Matching"
    )]
    pub silent: bool,

    /// Stop after N matching lines (the first N in input order).
    #[arg(short = 'm', long, value_name = "N", help_heading = "Matching")]
    pub max_count: Option<u64>,

    /// How records are read and written.
    #[command(flatten)]
    pub io: RecordArgs,
}

/// Runs `obs grep`.
pub fn run(args: GrepArgs) -> anyhow::Result<ExitStatus> {
    let (expr_src, paths) = if args.regexp.is_empty() && args.where_expr.is_none() {
        match args.args.split_first() {
            Some((e, rest)) => (Some(e.clone()), rest.to_vec()),
            None => bail!(
                "no expression: give one (e.g. 'level=ERROR'), or use -e REGEX / --where EXPR"
            ),
        }
    } else {
        (args.where_expr.clone(), args.args.clone())
    };
    records(&args, expr_src, paths)
}

/// Reads `paths`, keeps the records `expr_src` selects (every one when `None`) and writes
/// them as `args` say: `obs grep`, and `obs parse`, which is grep keeping every parsed line.
pub(super) fn records(
    args: &GrepArgs,
    expr_src: Option<String>,
    paths: Vec<String>,
) -> anyhow::Result<ExitStatus> {
    let setup::TimeWindow {
        spec: time,
        since,
        until,
    } = setup::time(&args.io.read.time)?;
    let expr = expr_src
        .as_deref()
        .map(|e| Expr::parse_in(e, time.tz))
        .transpose()?
        .map(|e| if args.ignore_case { e.ignore_case() } else { e });
    let format = setup::format(&args.io.output);
    let fields = setup::fields(&args.io.output)?;
    if format != RecordFormat::EsBulk && args.io.bulk.used() {
        bail!("--id-field, --id-hash, --out-dir and --template go with --format es-bulk");
    }
    if args.io.bulk.out_dir.is_some() && args.io.output.output.is_some() {
        bail!("use either --out-dir (bulk files) or -o (one file)");
    }
    let reader = setup::reader(&paths, &args.io.read.input)?;
    setup::check_record_outputs(
        args.io.output.output.as_ref(),
        &args.io.read.errors,
        &args.io.bulk,
        &reader,
    )?;
    let names: Vec<String> = reader.sources().iter().map(|s| s.name()).collect();
    let inputs = reader.report();
    let live = reader.may_be_live();
    crate::stdio::set_quiet(args.io.output.quiet);
    let progress = Progress::new(reader.known_total(), args.io.output.quiet);

    let parse = setup::parse(&args.io.read.parsing, &time, reader.sources())?;
    let (render, mut sink) = build_output(args, format, fields, &time, parse.is_some())?;
    let filter = Filter::new(FilterSpec {
        expr,
        raw: if args.ignore_case {
            args.regexp.iter().map(|re| format!("(?i){re}")).collect()
        } else {
            args.regexp.clone()
        },
        invert: args.invert_match,
        since,
        until,
        time,
        validate: args.io.read.errors.validate,
        keep_raw_rejects: args.io.read.errors.rejects.is_some(),
        needs: render.needs(),
        reads: render.reads(),
        parse,
    })?;
    let mut ledger = setup::ledger(names.clone(), &args.io.read.errors)?;

    // -q needs one match to know the answer.
    let mut remaining = if args.silent {
        1
    } else {
        args.max_count.unwrap_or(u64::MAX)
    };
    let mut per_source = vec![0u64; names.len()];
    let threads = setup::threads(&args.io.read.input)?;
    let result = run_ordered(
        reader,
        threads,
        Window::Streaming,
        |chunk| filter_chunk(&filter, chunk, render.as_ref()),
        |meta, out| {
            progress.inc(meta.len as u64);
            let mut counts = out.counts;
            let marks = &out.rendered.marks;
            // Under --on-error fail, write what precedes the first bad line, then stop there.
            let first_bad = ledger_fail_line(&ledger, &out.rejects);
            let mut take = marks
                .iter()
                .take_while(|m| first_bad.is_none_or(|b| m.line < b))
                .count();
            let stop = (take as u64) >= remaining;
            if stop {
                take = remaining as usize;
            }
            let excess = (marks.len() - take) as u64;
            if first_bad.is_none() {
                // Matches past -m were not emitted: they count as filtered.
                counts.emitted -= excess;
                counts.filtered += excess;
            }
            remaining -= take as u64;
            per_source[meta.source] += take as u64;
            sink.origin(&names[meta.source], ledger.lines_before(meta.source));
            sink.write(&out.rendered, take)?;
            if live {
                sink.flush()?;
            }
            ledger.account(meta.source, out.lines, &counts, &out.rejects)?;
            Ok(if stop { Flow::Stop } else { Flow::Continue })
        },
    );
    progress.finish();
    // An input that could not be read fails the run like any error, once the rest is read.
    let result = result.and_then(|()| setup::inputs_read(&inputs));
    let report = |counts: &Counts| {
        let matched = names.iter().zip(&per_source).filter(|(_, n)| **n > 0);
        if args.count && names.len() > 1 && !args.total {
            for (name, n) in matched {
                println!("{name}:{n}");
            }
        } else if args.count {
            println!("{}", counts.emitted);
        } else if args.files_with_matches {
            for (name, _) in matched {
                println!("{name}");
            }
        }
        if args.io.read.errors.stats {
            print_stats(counts, &names, filter.prefilter().map(|p| p.describe()));
            setup::print_skipped(&inputs);
        }
    };
    if let Err(e) = result {
        // A run that fails commits nothing: a file output is removed (what was written to
        // stdout stays written), and the accounting of what was read is still told.
        drop(sink);
        report(&ledger.abandon());
        return Err(e);
    }
    let finished = sink.finish();
    let counts = match finished {
        Ok(()) => ledger.finish()?,
        Err(e) => {
            ledger.abandon();
            return Err(anyhow::Error::new(e).context("writing output"));
        }
    };
    report(&counts);
    Ok(ExitStatus::matched(counts.emitted > 0))
}

/// Under `--on-error fail`, the chunk line of the first reject (the run stops there).
fn ledger_fail_line(
    ledger: &Ledger,
    rejects: &[crate::pipeline::accounting::Rejected],
) -> Option<u64> {
    ledger
        .fails_on_reject()
        .then(|| rejects.first().map(|r| r.line))
        .flatten()
}

/// The terminal view's renderer: times in --tz, else in the reader's own zone (TZ, then the
/// system's).
fn pretty(
    args: &GrepArgs,
    time: &crate::record::time::TimeSpec,
    fields: Vec<FieldPath>,
) -> Box<dyn Render> {
    Box::new(output::pretty::Pretty::new(
        crate::record::time::TimeSpec {
            tz: match &args.io.read.time.tz {
                Some(_) => time.tz,
                None => crate::record::time::local_tz(),
            },
            ..time.clone()
        },
        args.io.output.color.enabled(),
        fields,
    ))
}

fn build_output(
    args: &GrepArgs,
    format: RecordFormat,
    fields: Vec<FieldPath>,
    time: &crate::record::time::TimeSpec,
    parsed: bool,
) -> anyhow::Result<(Box<dyn Render>, Box<dyn Sink>)> {
    if args.count || args.files_with_matches || args.silent {
        crate::stdio::stdout_open()?;
        return Ok((Box::new(CountOnly), Box::new(NullSink)));
    }
    let out = args.io.output.output.as_ref();
    let (before, after) = match args.context {
        Some(n) => (n.max(args.before_context), n.max(args.after_context)),
        None => (args.before_context, args.after_context),
    };
    if before > 0 || after > 0 {
        if !matches!(format, RecordFormat::Auto | RecordFormat::Ndjson)
            || !fields.is_empty()
            || parsed
        {
            bail!("-A, -B and -C print raw lines: they go with NDJSON output of the lines as read (no --fields, --parse or other --format)");
        }
        let sink = output::context::Context::new(
            Destination::open(out)?,
            before,
            after,
            args.with_filename,
            args.line_number,
        );
        return Ok((Box::new(output::context::ContextLines), Box::new(sink)));
    }
    let prefixed = args.line_number || args.with_filename;
    if prefixed {
        if !matches!(
            format,
            RecordFormat::Auto | RecordFormat::Ndjson | RecordFormat::Pretty
        ) {
            bail!("-n and -H prefix output lines: they go with --format ndjson or pretty");
        }
        let render: Box<dyn Render> = match format {
            RecordFormat::Pretty => pretty(args, time, fields),
            _ if !fields.is_empty() => Box::new(output::ndjson::Projected::new(fields)),
            _ if parsed => Box::new(output::ndjson::JsonText),
            _ => Box::new(output::ndjson::RawLines),
        };
        let sink = output::prefixed::Prefixed::new(
            Destination::open(out)?,
            args.with_filename,
            args.line_number,
        );
        return Ok((render, Box::new(sink)));
    }
    Ok(match format {
        // Parsed lines are not JSON: their records are written as decoded.
        RecordFormat::Auto | RecordFormat::Ndjson if fields.is_empty() && parsed => (
            Box::new(output::ndjson::JsonText),
            Box::new(ByteSink::new(Destination::open(out)?)),
        ),
        RecordFormat::Auto | RecordFormat::Ndjson if fields.is_empty() => (
            Box::new(output::ndjson::RawLines),
            Box::new(RawLineSink::new(Destination::open(out)?)),
        ),
        RecordFormat::Auto | RecordFormat::Ndjson => (
            Box::new(output::ndjson::Projected::new(fields)),
            Box::new(ByteSink::new(Destination::open(out)?)),
        ),
        RecordFormat::Pretty => (
            pretty(args, time, fields),
            Box::new(ByteSink::new(Destination::open(out)?)),
        ),
        RecordFormat::Table => (
            Box::new(output::table::Rows::new(fields)),
            Box::new(output::table::TableSink::new(Destination::open(out)?)),
        ),
        RecordFormat::Csv => {
            let cols = (!fields.is_empty())
                .then(|| fields.iter().map(|f| f.as_str().to_string()).collect());
            (
                Box::new(output::table::Rows::new(fields)),
                Box::new(output::csv::CsvSink::new(Destination::open(out)?, cols)),
            )
        }
        RecordFormat::EsBulk => {
            let opts = setup::bulk_options(&args.io.bulk, crate::cli::DEFAULT_INDEX)?;
            let sink = output::es_bulk::files::sink(&opts, out)?;
            (Box::new(BulkRender::new(opts, time.clone(), fields)), sink)
        }
    })
}

fn print_stats(c: &Counts, names: &[String], prefilter: Option<Vec<Vec<String>>>) {
    let inputs = if names.len() == 1 {
        names[0].clone()
    } else {
        format!("{} inputs", names.len())
    };
    eprintln!(
        "obs: read {} lines from {inputs}: {} emitted + {} filtered + {} rejected",
        c.read, c.emitted, c.filtered, c.rejected
    );
    match prefilter {
        Some(clauses) if c.prefiltered > 0 => {
            let needs: Vec<String> = clauses.iter().map(|alts| alts.join("|")).collect();
            eprintln!(
                "obs: decoded {} lines; {} filtered by the raw-byte prefilter ({}) without \
                 decoding, so malformed lines among them were not looked for (--validate decodes all)",
                c.decoded,
                c.prefiltered,
                needs.join(" and ")
            );
        }
        _ if c.prefiltered > 0 => eprintln!(
            "obs: decoded {} lines; {} filtered by -e without decoding{} (--validate decodes all)",
            c.decoded,
            c.prefiltered,
            if c.decoded < c.emitted {
                ", and kept lines were written without decoding them"
            } else {
                ""
            }
        ),
        // `-e` alone, or parsed records only written: kept lines go out undecoded.
        _ if c.decoded < c.emitted => eprintln!(
            "obs: decoded {} lines; kept lines were written without decoding them (as read, or \
             as parsed), so malformed JSON among them was not looked for (--validate decodes all)",
            c.decoded
        ),
        _ => eprintln!(
            "obs: decoded {} lines (every line was validated)",
            c.decoded
        ),
    }
}

/// One chunk filtered and its kept records rendered: the work of `grep` per chunk, on the
/// pipeline's workers. The filter says which lines are kept; rendering is output's business.
/// (Public for the grep bench, which measures this per-chunk work without the command around it.)
pub struct FilterOut {
    /// Lines in the chunk.
    pub lines: u64,
    /// What happened to them.
    pub counts: Counts,
    /// Lines that could not be used.
    pub rejects: Vec<Rejected>,
    /// The kept records, rendered.
    pub rendered: Rendered,
}

/// Filters `chunk` with `filter` and renders what it keeps with `render`.
pub fn filter_chunk(filter: &Filter, chunk: Chunk, render: &dyn Render) -> FilterOut {
    let mut rendered = Rendered::default();
    let scanned = filter.scan(&chunk, &mut |rec| render.render(rec, &mut rendered));
    if render.keeps_chunk() && (!rendered.marks.is_empty() || render.keeps_every_chunk()) {
        rendered.source = Some(chunk);
    }
    FilterOut {
        lines: scanned.lines,
        counts: scanned.counts,
        rejects: scanned.rejects,
        rendered,
    }
}
