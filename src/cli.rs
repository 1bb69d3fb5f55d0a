//! Command-line definitions: the top-level `obs` command and the argument groups every
//! subcommand shares (input, bad-input handling, time, output). Subcommand-specific arguments
//! live with their command in `cmd/`.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use crate::decode::text::LineFormat;
use crate::output::color::ColorChoice;
use crate::output::es_bulk::Action;
use crate::pipeline::accounting::OnError;

const ABOUT: &str = "Fast, trustworthy toolkit for large log dumps (NDJSON, access logs, logfmt)";

const LONG_ABOUT: &str = "\
obs reads large JSON-lines (NDJSON) log dumps, plain or gzip/zstd-compressed, memory-mapped and
in parallel, and never loses a line without saying so: every line is emitted, filtered or
rejected, and `--stats` shows the accounting. Access logs, logfmt and lines of your own regex
are read with --parse FORMAT or --regex, by obs parse and every record command.

Exit status: 0 success (grep: something matched), 1 nothing matched, 2 error (nothing is
committed: -o and --rejects files stay as they were), 3 a CI gate held.";

const EXAMPLES: &str = "\
Examples:
  obs grep 'level=ERROR and service=payment-service' logs/*.ndjson.gz
  obs grep 'amount>10000 and payment_method=UPI' big.ndjson | obs grep 'http.status>=500'
  cat app.log | obs grep -c 'message~~=\"(?i)gateway timeout\"' -
  obs aggregate access.log.gz --parse combined --by response --agg 'count, p95(bytes)'
  obs grep 'service=payment-service' dump.ndjson --format es-bulk \\
      --index 'payment-logs-%{+yyyy.MM.dd}' --tz Asia/Kolkata --id-field payment_id --out-dir bulk/

Run `obs grep --help` for the expression language and every option.";

/// `obs`: the top-level command.
#[derive(Debug, Parser)]
#[command(
    name = "obs",
    version,
    about = ABOUT,
    long_about = LONG_ABOUT,
    after_help = EXAMPLES,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    /// The subcommand.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Select lines with an expression; print them, count them, or write `_bulk` files.
    Grep(crate::cmd::grep::GrepArgs),
    /// Turn lines of access logs, logfmt or a regex of your own into records (NDJSON, CSV…).
    Parse(crate::cmd::parse::ParseArgs),
    /// Group records and compute counts, sums, percentiles and rates, per time bucket if asked.
    Aggregate(crate::cmd::aggregate::AggregateArgs),
    /// Profile every key path: types, % present, distinct values, top values, min and max.
    Fields(crate::cmd::fields::FieldsArgs),
    /// Rebuild traces from span dumps: list, show, stats, deps, export, check.
    Trace(crate::cmd::trace::TraceArgs),
}

/// Where input comes from and how it is read.
#[derive(Debug, Args, Clone)]
#[command(next_help_heading = "Input")]
pub struct InputArgs {
    /// Worker threads [default: number of CPUs; at most 8 per CPU, or 64]; output is
    /// identical for any value.
    #[arg(long, short = 'j', value_name = "N")]
    pub threads: Option<usize>,

    /// Inside directories, read only files matching GLOB (`*.ndjson`, `2024/**/*.gz`), or not
    /// matching `!GLOB`; repeatable. Hidden and binary files in directories are skipped.
    #[arg(long, short = 'g', value_name = "GLOB")]
    pub glob: Vec<String>,

    /// Read regular files with plain reads instead of memory-mapping them.
    #[arg(long)]
    pub no_mmap: bool,

    /// Reject lines longer than this (e.g. 64MiB), undecoded and with a reason: a file with no
    /// newline (10 GB of zeros) cannot grow memory without bound.
    #[arg(long, value_name = "SIZE", default_value = "256MiB", value_parser = parse_size)]
    pub max_line_bytes: u64,

    /// Chunk size in bytes (testing and tuning; output does not depend on it).
    #[arg(long, value_name = "BYTES", hide = true, value_parser = parse_size)]
    pub chunk_size: Option<u64>,
}

/// How every command that reads records reads them: input, parsing, bad input, time.
#[derive(Debug, Args, Clone)]
pub struct ReadArgs {
    /// Input options.
    #[command(flatten)]
    pub input: InputArgs,
    /// Parsing options.
    #[command(flatten)]
    pub parsing: ParsingArgs,
    /// Bad-input options.
    #[command(flatten)]
    pub errors: ErrorArgs,
    /// Time options.
    #[command(flatten)]
    pub time: TimeArgs,
}

/// How a record command (grep, parse) reads its records and writes them.
#[derive(Debug, Args, Clone)]
pub struct RecordArgs {
    /// Reading options.
    #[command(flatten)]
    pub read: ReadArgs,
    /// Output options.
    #[command(flatten)]
    pub output: OutputArgs,
    /// Elasticsearch bulk options.
    #[command(flatten)]
    pub bulk: BulkArgs,
}

/// How lines become records (NDJSON unless told otherwise).
#[derive(Debug, Args, Clone, Default)]
#[command(next_help_heading = "Parsing")]
pub struct ParsingArgs {
    /// Read lines as FORMAT instead of NDJSON: raw ({"message": LINE}), logfmt, combined or
    /// common (Apache/nginx access logs), syslog (RFC 5424/3164), json, or auto (each file's
    /// own, from its first lines). Each record gets @timestamp (RFC 3339, UTC)
    /// from the time it carries.
    #[arg(long = "parse", value_enum, value_name = "FORMAT")]
    pub parse: Option<LineFormat>,

    /// Read lines with this regex (Rust syntax): its named groups, as (?P<level>\w+), become
    /// fields; a group named timestamp, time or ts gives @timestamp.
    #[arg(long, value_name = "REGEX", conflicts_with = "parse")]
    pub regex: Option<String>,

    /// Read lines with a dissect pattern, as Logstash's: %{a} %{+a} %{?skip} %{b->} %{*k}=%{&k};
    /// the text between keys splits the line, the last key takes the rest.
    #[arg(long, value_name = "PATTERN", conflicts_with_all = ["parse", "regex"])]
    pub dissect: Option<String>,

    /// The year of times written without one (syslog's `May  1 10:00:00`) [default: the year
    /// that puts them at most a day ahead of now].
    #[arg(long, value_name = "YEAR")]
    pub year: Option<i32>,

    /// Emit a line that does not parse as {"message": LINE, "tags": ["_grokparsefailure"]}, as
    /// Logstash does, instead of rejecting it.
    #[arg(long)]
    pub keep_unmatched: bool,
}

/// What happens to lines that are not valid records.
#[derive(Debug, Args, Clone)]
#[command(next_help_heading = "Bad input")]
pub struct ErrorArgs {
    /// What to do with a line that is not a JSON object: stop (exit 2), count it silently, or
    /// count it and print the first few `file:line: reason` on stderr.
    #[arg(long, value_enum, default_value = "report", value_name = "MODE")]
    pub on_error: OnError,

    /// Write every rejected line here exactly as read, so it can be fixed and fed back.
    #[arg(long, value_name = "FILE")]
    pub rejects: Option<PathBuf>,

    /// Write `file:line: reason` for every rejected line here.
    #[arg(long, value_name = "FILE")]
    pub rejects_reasons: Option<PathBuf>,

    /// Print the accounting on stderr: read = emitted + filtered + rejected.
    #[arg(long)]
    pub stats: bool,

    /// Decode every line, so every malformed line is found (by default lines the raw-byte
    /// prefilter rules out are never decoded, and count as filtered).
    #[arg(long)]
    pub validate: bool,
}

/// Where records keep their time, and which time window to keep.
#[derive(Debug, Args, Clone)]
#[command(next_help_heading = "Time")]
pub struct TimeArgs {
    /// Field holding the record's timestamp (by default the first of timestamp, @timestamp, time,
    /// ts that a record has).
    #[arg(long, value_name = "PATH")]
    pub time_field: Option<String>,

    /// IANA time zone for offset-less times, dates, `today`, the terminal view and index date
    /// math (e.g. Asia/Kolkata; `local`: this machine's) [default: UTC; for the terminal
    /// view, the local zone from TZ or the system].
    #[arg(long, value_name = "ZONE")]
    pub tz: Option<String>,

    /// Keep records at or after this time: RFC 3339, a date, epoch s/ms, `today`, `yesterday`,
    /// or relative (`-3h`, `-15m`, `-2d`). Records without a timestamp are filtered out.
    #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
    pub since: Option<String>,

    /// Read timestamps in this strftime format too (e.g. '%d.%m.%Y %H:%M:%S'; with %z for an
    /// offset), before the forms obs knows: RFC 3339, epochs, Apache, log4j, syslog.
    #[arg(long, value_name = "FORMAT")]
    pub time_format: Option<String>,

    /// Keep records before this time (same forms as --since).
    #[arg(long, value_name = "TIME", allow_hyphen_values = true)]
    pub until: Option<String>,
}

crate::formats! {
    /// The formats a stream of records is written in (`obs grep`, and the record commands to
    /// come).
    pub enum RecordFormat {
        /// The terminal view on a terminal, NDJSON otherwise.
        Auto,
        /// One JSON object per line; kept lines byte for byte as read.
        Ndjson,
        /// Compact coloured lines: time, level, service, message, then key=value.
        Pretty,
        /// An aligned table (columns: --fields, or every key of any record).
        Table,
        /// CSV with a header row (columns: --fields, or every key of any record).
        Csv,
        /// Elasticsearch `_bulk` bodies: an action line and a source line per record.
        EsBulk,
    }
}

/// How results are written.
#[derive(Debug, Args, Clone)]
#[command(next_help_heading = "Output")]
pub struct OutputArgs {
    /// Output format [default: pretty on a terminal, ndjson otherwise].
    #[arg(
        long,
        short = 'f',
        value_enum,
        default_value = "auto",
        value_name = "FORMAT"
    )]
    pub format: RecordFormat,

    /// Write to FILE (atomically: complete or not at all) instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Only these fields (comma-separated paths), as NDJSON keys, columns or key=value.
    #[arg(long, value_name = "PATHS", value_delimiter = ',')]
    pub fields: Vec<String>,

    /// Colour the terminal view (NO_COLOR is honoured by auto).
    #[arg(long, value_enum, default_value = "auto", value_name = "WHEN")]
    pub color: ColorChoice,

    /// No progress bar and no diagnostics (bad-line sites, notes); errors and the end-of-run
    /// counts of rejected lines still go to stderr. Unlike ripgrep's -q, output is written.
    #[arg(long)]
    pub quiet: bool,
}

/// `--format es-bulk` options.
#[derive(Debug, Args, Clone)]
#[command(next_help_heading = "Elasticsearch bulk (--format es-bulk)")]
pub struct BulkArgs {
    /// Index name template: `%{field}` and `%{+yyyy.MM.dd}` (the record's time in --tz)
    /// [default: logs-%{+yyyy.MM.dd}; for `obs aggregate` without --every: obs-aggregate].
    #[arg(long, value_name = "TEMPLATE")]
    pub index: Option<String>,

    /// Bulk action: index (create or replace) or create (fail on existing _id).
    #[arg(long, value_enum, default_value = "index")]
    pub action: Action,

    /// Take _id from these fields (comma-separated, joined with '-').
    #[arg(long, value_name = "PATHS", value_delimiter = ',')]
    pub id_field: Vec<String>,

    /// _id = stable xxh3-128 hash of the --id-field values, or of the whole line.
    #[arg(long)]
    pub id_hash: bool,

    /// Write bulk-00001.ndjson, … into DIR (each one request), instead of stdout.
    #[arg(long, value_name = "DIR")]
    pub out_dir: Option<PathBuf>,

    /// Largest bulk file (Elasticsearch's units: 10mb = 10MiB = 10 × 2^20 bytes); below ES's
    /// 100mb request cap, which is refused.
    #[arg(long, value_name = "SIZE", default_value = "10MB", value_parser = parse_size)]
    pub max_bytes: u64,

    /// Most documents per bulk file.
    #[arg(long, value_name = "N", default_value_t = u64::MAX, hide_default_value = true)]
    pub max_docs: u64,

    /// Write an _index_template for the index pattern, with mappings inferred from the records.
    #[arg(long, value_name = "FILE")]
    pub template: Option<PathBuf>,
}

/// The default `--index`: one index a day, by the record's own time.
pub const DEFAULT_INDEX: &str = "logs-%{+yyyy.MM.dd}";

impl BulkArgs {
    /// True when an es-bulk-only option was given.
    pub fn used(&self) -> bool {
        !self.id_field.is_empty()
            || self.id_hash
            || self.out_dir.is_some()
            || self.template.is_some()
    }
}

/// Parses sizes with Elasticsearch's units, which are binary whatever their spelling: `10mb`
/// = `10MiB` = `10m` = 10 × 2^20 bytes, `512kb` = `512k`, `1gb`, or plain bytes.
pub fn parse_size(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t
        .find(|c: char| !c.is_ascii_digit() && c != '.')
        .unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: f64 = num
        .parse()
        .map_err(|_| format!("'{s}' is not a size (e.g. 10MB, 64MiB, 500000)"))?;
    let mult: f64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1.0,
        "k" | "kb" | "kib" => 1024.0,
        "m" | "mb" | "mib" => 1024.0 * 1024.0,
        "g" | "gb" | "gib" => 1024.0 * 1024.0 * 1024.0,
        other => return Err(format!("unknown size unit '{other}' in '{s}'")),
    };
    Ok((n * mult) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn cli_definition_is_consistent() {
        Cli::command().debug_assert();
    }

    #[test]
    fn sizes() {
        assert_eq!(
            parse_size("10MB"),
            Ok(10 << 20),
            "Elasticsearch's mb is MiB"
        );
        assert_eq!(parse_size("100mb"), Ok(100 << 20));
        assert_eq!(parse_size("10MiB"), Ok(10 << 20));
        assert_eq!(parse_size("512k"), Ok(512 << 10));
        assert_eq!(parse_size("123"), Ok(123));
        assert!(parse_size("ten").is_err());
        assert!(parse_size("5parsecs").is_err());
    }
}
