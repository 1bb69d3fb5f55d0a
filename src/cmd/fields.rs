//! `obs fields`: every key path of a dump with its types, presence, distinct values, most
//! frequent values and range. The first thing to run on a new dump.

use clap::Args;

use super::setup;
use crate::cli::ReadArgs;
use crate::error::ExitStatus;
use crate::output::format::TableFormat;
use crate::output::rows::write_rows;
use crate::pipeline::{run_ordered, Flow, Window};
use crate::reduce::fields::{Profile, PATH_CAP};
use crate::stage::filter::{Filter, FilterSpec};

const HELP: &str = "\
Columns:
  field     the key path: a.b for nested objects, a[] for the items of an array
  types     JSON types seen, most frequent first
  present   % of records that have the path; records: how many
  distinct  distinct values (scalars, as text): exact up to 10000, past that a HyperLogLog
            estimate (about 2% off)
  top       the most frequent values with their counts (while distinct values are exact)
  min, max  of its numbers, else of its times (RFC 3339, UTC)

Paths are listed in the order they first appear; past 5000 paths, further ones are counted and
said on stderr. The profile is the same for any --threads.

Examples:
  obs fields dump/
  obs fields access.log.gz --parse combined -f csv -o fields.csv
  obs fields app.log --parse logfmt --top 5

Exit status: 0 done, 1 no record, 2 error.";

/// Arguments of `obs fields`.
#[derive(Debug, Args)]
#[command(after_long_help = HELP)]
pub struct FieldsArgs {
    /// Files, directories, globs or `-` (stdin when none).
    #[arg(value_name = "PATH")]
    pub paths: Vec<String>,

    /// How many of the most frequent values to show per path.
    #[arg(long, value_name = "N", default_value_t = 3, help_heading = "Output")]
    pub top: usize,

    /// Output format.
    #[arg(
        long,
        short = 'f',
        value_enum,
        default_value = "auto",
        help_heading = "Output"
    )]
    pub format: TableFormat,

    /// Write to FILE (atomically) instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE", help_heading = "Output")]
    pub output: Option<std::path::PathBuf>,

    /// Reading options.
    #[command(flatten)]
    pub read: ReadArgs,
}

/// The columns of the profile.
const COLUMNS: [&str; 8] = [
    "field", "types", "present", "records", "distinct", "top", "min", "max",
];

/// Runs `obs fields`.
pub fn run(args: FieldsArgs) -> anyhow::Result<ExitStatus> {
    let time = setup::time(&args.read.time)?.spec;
    let reader = setup::reader(&args.paths, &args.read.input)?;
    setup::check_outputs(
        &[
            ("-o", args.output.as_ref()),
            ("--rejects", args.read.errors.rejects.as_ref()),
            (
                "--rejects-reasons",
                args.read.errors.rejects_reasons.as_ref(),
            ),
        ],
        reader.sources(),
    )?;
    let names: Vec<String> = reader.sources().iter().map(|s| s.name()).collect();
    let inputs = reader.report();
    let filter = Filter::new(FilterSpec {
        validate: args.read.errors.validate,
        keep_raw_rejects: args.read.errors.rejects.is_some(),
        parse: setup::parse(&args.read.parsing, &time, reader.sources())?,
        ..FilterSpec::all(time.clone())
    })?;
    let mut ledger = setup::ledger(names, &args.read.errors)?;
    let mut all = Profile::default();
    let result = run_ordered(
        reader,
        setup::threads(&args.read.input)?,
        Window::Reducing,
        |chunk| {
            let mut p = Profile::default();
            let scanned = filter.scan(&chunk, &mut |rec| {
                let obj = rec
                    .full()
                    .map_err(|e| crate::record::Reject::Decode(e.clone()))?;
                p.observe(obj);
                Ok(())
            });
            (scanned, p)
        },
        |meta, (scanned, p)| {
            ledger.account(
                meta.source,
                scanned.lines,
                &scanned.counts,
                &scanned.rejects,
            )?;
            all.merge(p);
            Ok(Flow::Continue)
        },
    );
    if let Err(e) = result.and_then(|()| setup::inputs_read(&inputs)) {
        ledger.abandon();
        return Err(e);
    }
    let counts = ledger.finish()?;
    if args.read.errors.stats {
        eprintln!(
            "obs: read {} lines: {} profiled + {} filtered + {} rejected",
            counts.read, counts.emitted, counts.filtered, counts.rejected
        );
    }
    let unprofiled = all.unprofiled();
    if unprofiled > 0 {
        eprintln!(
            "obs: about {unprofiled} more paths past the first {PATH_CAP} were counted, not profiled"
        );
    }
    let rows = all.rows(args.top);
    write_rows(&COLUMNS, &rows, args.format.into(), args.output.as_ref())?;
    Ok(ExitStatus::matched(all.records > 0))
}
