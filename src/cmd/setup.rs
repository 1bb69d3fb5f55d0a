//! Resolving the shared argument groups into the library's options (used by every command).

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::bail;
use chrono::{DateTime, Utc};

use crate::cli::{BulkArgs, ErrorArgs, InputArgs, OutputArgs, ParsingArgs, RecordFormat, TimeArgs};
use crate::decode::text::sniff::sniff;
use crate::decode::text::LineFormat;
use crate::input::{
    resolve_inputs, ChunkReader, Globs, InputReport, ReadOptions, Source, DEFAULT_CHUNK_SIZE,
};
use crate::output::es_bulk::index::IndexTemplate;
use crate::output::es_bulk::{BulkOptions, IdSpec, ES_REQUEST_CAP};
use crate::pipeline::accounting::Ledger;
use crate::record::time::{parse_bound, TimeSpec};
use crate::record::FieldPath;
use crate::stage::parse::Parse;
use clap::ValueEnum as _;

/// The inputs named by `paths` (stdin when none are given and stdin is not a terminal), each
/// problem met resolving them said on stderr and counted in the report.
pub fn inputs(paths: &[String], input: &InputArgs) -> anyhow::Result<(Vec<Source>, InputReport)> {
    if paths.is_empty() {
        if std::io::stdin().is_terminal() {
            bail!("no input: give files or directories, or pipe lines into obs ('-' reads the terminal)");
        }
        return Ok((vec![Source::Stdin], InputReport::default()));
    }
    let resolved = resolve_inputs(paths, &Globs::new(&input.glob)?)?;
    let report = InputReport {
        skipped: resolved.skipped,
        ..InputReport::default()
    };
    for p in &resolved.problems {
        report.fail(p);
    }
    Ok((resolved.sources, report))
}

/// The chunk reader for `paths` (see [`inputs`]).
pub fn reader(paths: &[String], input: &InputArgs) -> anyhow::Result<ChunkReader> {
    let (sources, report) = inputs(paths, input)?;
    Ok(ChunkReader::new(sources, read_options(input)?).with_report(report))
}

/// Ends a run whose inputs were not all readable with exit status 2, after the rest was read.
pub fn inputs_read(report: &InputReport) -> anyhow::Result<()> {
    match report.failed() {
        0 => Ok(()),
        n => bail!(
            "{n} input{} could not be read (said above); the others were",
            if n == 1 { "" } else { "s" }
        ),
    }
}

/// `--stats`' line on what was passed over inside directories, if anything was.
pub fn print_skipped(report: &InputReport) {
    if let Some(what) = report.skipped.describe() {
        eprintln!("obs: skipped inside directories: {what} (name a file to read it anyway)");
    }
}

/// How inputs are read: `--no-mmap`, `--chunk-size`, `--max-line-bytes`.
pub fn read_options(input: &InputArgs) -> anyhow::Result<ReadOptions> {
    if input.max_line_bytes == 0 {
        bail!("--max-line-bytes must be at least 1");
    }
    Ok(ReadOptions {
        chunk_size: input
            .chunk_size
            .map_or(DEFAULT_CHUNK_SIZE, |n| n.clamp(1, 1 << 30) as usize),
        mmap: !input.no_mmap,
        max_line: usize::try_from(input.max_line_bytes).unwrap_or(usize::MAX),
    })
}

/// Worker threads: `--threads`, or every CPU. More than [`max_threads`] is refused: each
/// worker is an OS thread with its own stack and buffers, and `-j 100000` hung spawning them.
pub fn threads(input: &InputArgs) -> anyhow::Result<usize> {
    let cpus = std::thread::available_parallelism().map_or(1, |n| n.get());
    match input.threads {
        None | Some(0) => Ok(cpus),
        Some(n) if n > max_threads(cpus) => bail!(
            "--threads {n} is more than obs uses: at most {} on this machine of {cpus} CPUs \
             (output is the same for any value)",
            max_threads(cpus)
        ),
        Some(n) => Ok(n),
    }
}

/// The most worker threads worth having: more than the CPUs helps only while reads wait.
fn max_threads(cpus: usize) -> usize {
    (cpus * 8).max(64)
}

/// Sizes rayon's global pool, where work after the first pass runs (grouping spans into
/// traces), to `threads`: the first pass builds its own pool, and `--threads 1` should mean one
/// thread throughout.
pub fn global_threads(threads: usize) {
    // An error only says that the pool was built already (by an earlier call): it stays as is.
    let _ = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build_global();
}

/// The resolved time options.
pub struct TimeWindow {
    /// Where timestamps are and the zone.
    pub spec: TimeSpec,
    /// `--since`.
    pub since: Option<DateTime<Utc>>,
    /// `--until`.
    pub until: Option<DateTime<Utc>>,
}

/// The time spec and `--since/--until` window.
pub fn time(args: &TimeArgs) -> anyhow::Result<TimeWindow> {
    let spec = TimeSpec::new(args.time_field.as_deref(), args.tz.as_deref())?
        .with_format(args.time_format.as_deref())?;
    let (since, until) = window(args.since.as_deref(), args.until.as_deref(), spec.tz)?;
    Ok(TimeWindow { spec, since, until })
}

/// The parse stage of `--parse`/`--regex`, reading times as `time` does; `None` for NDJSON.
pub fn parse(
    args: &ParsingArgs,
    time: &TimeSpec,
    sources: &[Source],
) -> anyhow::Result<Option<Parse>> {
    if args.parse == Some(LineFormat::Auto) {
        return Ok(Some(
            auto(sources, time, args.keep_unmatched)?.with_year(args.year),
        ));
    }
    let decoder = {
        use crate::decode::text::UserPattern;
        let pattern = match (&args.regex, &args.dissect) {
            (Some(re), _) => Some(UserPattern::Regex(re)),
            (None, Some(d)) => Some(UserPattern::Dissect(d)),
            (None, None) => None,
        };
        crate::decode::text::decoder(args.parse, pattern)
    }
    .map_err(anyhow::Error::msg)?;
    if decoder.is_none() && args.keep_unmatched {
        bail!("--keep-unmatched goes with --parse FORMAT, --regex or --dissect");
    }
    Ok(decoder.map(|d| Parse::new(d, time.clone(), args.keep_unmatched).with_year(args.year)))
}

/// The ledger of a command that reads records, with the `--on-error` and reject files of
/// `errors`, and the hint that `--parse` reads lines that are not JSON.
pub fn ledger(names: Vec<String>, errors: &ErrorArgs) -> anyhow::Result<Ledger> {
    Ok(Ledger::new(
        names,
        errors.on_error,
        errors.rejects.clone(),
        errors.rejects_reasons.clone(),
    )?
    .with_parse_hint())
}

/// `--parse auto`: each file's format from its first 64 KiB, said on stderr (standard input
/// cannot be looked at twice: it is read as NDJSON, and said so).
fn auto(sources: &[Source], time: &TimeSpec, keep_unmatched: bool) -> anyhow::Result<Parse> {
    let mut decoders = Vec::with_capacity(sources.len());
    for source in sources {
        let Some(head) = crate::input::head::head(source, 64 * 1024) else {
            crate::stdio::say(&format!(
                "obs: {}: --parse auto reads it as json (it cannot be looked at first)",
                source.name()
            ));
            decoders.push(None);
            continue;
        };
        let s = sniff(&head);
        crate::stdio::say(&format!(
            "obs: {}: --parse auto chose {} ({} of {} first lines)",
            source.name(),
            s.format
                .to_possible_value()
                .map_or("?".into(), |v| v.get_name().to_string()),
            s.read,
            s.of
        ));
        decoders
            .push(crate::decode::text::decoder(Some(s.format), None).map_err(anyhow::Error::msg)?);
    }
    Ok(Parse::per_source(decoders, time.clone(), keep_unmatched))
}

/// One end of a time window: none when not given.
pub type Bound = Option<DateTime<Utc>>;

/// `--since` and `--until` as instants (dates, `today` and offset-less times read in `tz`),
/// refused when no instant could lie between them. Every command that takes the pair reads it
/// here, so the forms accepted and the errors given are the same everywhere.
pub fn window(
    since: Option<&str>,
    until: Option<&str>,
    tz: chrono_tz::Tz,
) -> anyhow::Result<(Bound, Bound)> {
    let now = Utc::now();
    let since = since.map(|s| parse_bound(s, now, tz)).transpose()?;
    let until = until.map(|s| parse_bound(s, now, tz)).transpose()?;
    if let (Some(s), Some(u)) = (since, until) {
        if s >= u {
            bail!("--since ({s}) is not before --until ({u}): no record could match");
        }
    }
    Ok((since, until))
}

/// The concrete output format (`auto` resolved by whether stdout is a terminal).
pub fn format(out: &OutputArgs) -> RecordFormat {
    out.format
        .resolve(out.output.as_ref(), RecordFormat::Pretty)
}

/// `--fields`, parsed.
pub fn fields(out: &OutputArgs) -> anyhow::Result<Vec<FieldPath>> {
    Ok(out
        .fields
        .iter()
        .filter(|f| !f.trim().is_empty())
        .map(|f| FieldPath::parse(f.trim()))
        .collect::<Result<_, _>>()?)
}

/// Refuses outputs that would destroy an input or each other: an output that is an input
/// (`--rejects dump.ndjson` would replace the dump) or two outputs of one run naming one file
/// (they would overwrite each other). `outputs` pairs each option's name with its path.
pub fn check_outputs(
    outputs: &[(&str, Option<&PathBuf>)],
    inputs: &[Source],
) -> anyhow::Result<()> {
    let inputs: Vec<PathBuf> = inputs
        .iter()
        .filter_map(|s| match s {
            Source::File(p) => std::fs::canonicalize(p).ok(),
            Source::Stdin => None,
        })
        .collect();
    let mut seen: Vec<(&str, PathBuf)> = Vec::new();
    for (option, path) in outputs {
        let Some(path) = path else { continue };
        let Some(id) = identity(path) else { continue };
        if inputs.contains(&id) {
            bail!(
                "{option} {} is also an input: writing it would destroy what is read",
                path.display()
            );
        }
        if let Some((other, _)) = seen.iter().find(|(_, p)| *p == id) {
            bail!(
                "{option} and {other} name the same file ({}): give each its own",
                path.display()
            );
        }
        seen.push((option, id));
    }
    Ok(())
}

/// [`check_outputs`] for the output options every record command has: `-o`, `--rejects`,
/// `--rejects-reasons` and `--template`.
pub fn check_record_outputs(
    output: Option<&PathBuf>,
    errors: &crate::cli::ErrorArgs,
    bulk: &crate::cli::BulkArgs,
    reader: &ChunkReader,
) -> anyhow::Result<()> {
    check_outputs(
        &[
            ("-o", output),
            ("--rejects", errors.rejects.as_ref()),
            ("--rejects-reasons", errors.rejects_reasons.as_ref()),
            ("--template", bulk.template.as_ref()),
        ],
        reader.sources(),
    )
}

/// What file `path` is or would be: its canonical path, or, for a file still to be made, its
/// directory's canonical path with the name. `None` for special files (`/dev/null` may take
/// any number of outputs) and paths that cannot be resolved (the write will say why).
fn identity(path: &PathBuf) -> Option<PathBuf> {
    match std::fs::metadata(path) {
        Ok(m) if !m.is_file() => None,
        Ok(_) => std::fs::canonicalize(path).ok(),
        Err(_) => {
            let dir = match path.parent() {
                Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
                _ => PathBuf::from("."),
            };
            Some(std::fs::canonicalize(dir).ok()?.join(path.file_name()?))
        }
    }
}

/// `Ok` for an output that ended because its reader closed the pipe (`obs … | head -1`):
/// output ends quietly there, and the command goes on to its exit status (a CI gate's result
/// must not depend on whether anyone read the table).
pub fn unless_pipe_closed<E: Into<anyhow::Error>>(written: Result<(), E>) -> anyhow::Result<()> {
    match written.map_err(Into::into) {
        Err(e) if super::is_broken_pipe(&e) => Ok(()),
        other => other,
    }
}

/// The `_bulk` options of a command, checked; `default_index` stands when `--index` is not given.
pub fn bulk_options(bulk: &BulkArgs, default_index: &str) -> anyhow::Result<BulkOptions> {
    if bulk.max_bytes >= ES_REQUEST_CAP {
        bail!(
            "--max-bytes {} is not below Elasticsearch's default request cap of 100mb ({ES_REQUEST_CAP} bytes)",
            bulk.max_bytes
        );
    }
    if bulk.max_bytes == 0 || bulk.max_docs == 0 {
        bail!("--max-bytes and --max-docs must be at least 1");
    }
    let paths = bulk
        .id_field
        .iter()
        .map(|f| FieldPath::parse(f.trim()))
        .collect::<Result<Vec<_>, _>>()?;
    let id = match (bulk.id_hash, paths.is_empty()) {
        (true, _) => IdSpec::Hash(paths),
        (false, false) => IdSpec::Fields(paths),
        (false, true) => IdSpec::Auto,
    };
    Ok(BulkOptions {
        index: IndexTemplate::parse(bulk.index.as_deref().unwrap_or(default_index))?,
        action: bulk.action,
        id,
        max_bytes: bulk.max_bytes,
        max_docs: bulk.max_docs,
        out_dir: bulk.out_dir.clone(),
        template: bulk.template.clone(),
    })
}
