//! Resolving the shared argument groups into the library's options (used by every command).

use std::io::IsTerminal;
use std::path::PathBuf;

use anyhow::bail;
use chrono::{DateTime, Utc};

use crate::cli::{InputArgs, OutputArgs, TimeArgs};
use crate::input::{resolve_inputs, ChunkReader, ReadOptions, Source, DEFAULT_CHUNK_SIZE};
use crate::output::Format;
use crate::record::time::{parse_bound, TimeSpec};
use crate::record::FieldPath;

/// The chunk reader for `paths` (stdin when none are given and stdin is not a terminal).
pub fn reader(paths: &[String], input: &InputArgs) -> anyhow::Result<ChunkReader> {
    let sources = if paths.is_empty() {
        if std::io::stdin().is_terminal() {
            bail!("no input: give files or directories, or pipe lines into obs ('-' reads the terminal)");
        }
        vec![Source::Stdin]
    } else {
        resolve_inputs(paths)?
    };
    let opts = ReadOptions {
        chunk_size: input
            .chunk_size
            .map_or(DEFAULT_CHUNK_SIZE, |n| n.clamp(1, 1 << 30) as usize),
        mmap: !input.no_mmap,
    };
    Ok(ChunkReader::new(sources, opts))
}

/// Worker threads: `--threads`, or every CPU.
pub fn threads(input: &InputArgs) -> usize {
    input
        .threads
        .filter(|&n| n > 0)
        .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()))
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
    let spec = TimeSpec::new(args.time_field.as_deref(), args.tz.as_deref())?;
    let now = Utc::now();
    let since = args
        .since
        .as_deref()
        .map(|s| parse_bound(s, now, spec.tz))
        .transpose()?;
    let until = args
        .until
        .as_deref()
        .map(|s| parse_bound(s, now, spec.tz))
        .transpose()?;
    if let (Some(s), Some(u)) = (since, until) {
        if s >= u {
            bail!("--since ({s}) is not before --until ({u}): no record could match");
        }
    }
    Ok(TimeWindow { spec, since, until })
}

/// The concrete output format (`auto` resolved by whether stdout is a terminal).
pub fn format(out: &OutputArgs) -> Format {
    match out.format {
        Format::Auto if out.output.is_none() && std::io::stdout().is_terminal() => Format::Pretty,
        Format::Auto => Format::Ndjson,
        f => f,
    }
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

/// Refuses to write output over an input (it would be truncated before it is read).
pub fn check_not_input(out: Option<&PathBuf>, reader: &ChunkReader) -> anyhow::Result<()> {
    let Some(out) = out else { return Ok(()) };
    let Ok(out_abs) = std::fs::canonicalize(out) else {
        return Ok(());
    };
    for s in reader.sources() {
        if let Source::File(p) = s {
            if std::fs::canonicalize(p).is_ok_and(|p| p == out_abs) {
                bail!("{} is both an input and the output", out.display());
            }
        }
    }
    Ok(())
}
