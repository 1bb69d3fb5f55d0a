//! What happened to every line: `read = emitted + filtered + rejected`, and where the rejects are.
//!
//! Workers count per chunk and note rejected lines by their index in the chunk; the consumer,
//! which sees chunks in order, turns those into `file:line`, applies `--on-error`, and writes
//! `--rejects` (the lines exactly as read) and `--rejects-reasons`.

use std::io::Write;
use std::path::PathBuf;

use crate::error::ObsError;
use crate::output::atomic::AtomicFile;
use crate::record::Reject;

/// Line counts; the invariant `read == emitted + filtered + rejected` always holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    /// Lines read (blank ones included).
    pub read: u64,
    /// Lines written to the output (or counted by `-c`).
    pub emitted: u64,
    /// Lines that did not match, were blank, or fell outside `--since/--until`.
    pub filtered: u64,
    /// Lines that are not valid records (or that the output could not take).
    pub rejected: u64,
    /// Lines the JSON decoder looked at.
    pub decoded: u64,
    /// Of `filtered`, lines the raw-byte prefilter ruled out without decoding.
    pub prefiltered: u64,
    /// Of `filtered`, records `--since/--until` left out because their time field held no
    /// time obs can read.
    pub untimed: u64,
}

impl Counts {
    /// Adds another chunk's counts.
    pub fn add(&mut self, o: &Counts) {
        self.read += o.read;
        self.emitted += o.emitted;
        self.filtered += o.filtered;
        self.rejected += o.rejected;
        self.decoded += o.decoded;
        self.prefiltered += o.prefiltered;
        self.untimed += o.untimed;
    }
}

/// A line a worker could not use.
#[derive(Debug, Clone)]
pub struct Rejected {
    /// 0-based line index within its chunk.
    pub line: u64,
    /// Why.
    pub reason: Reject,
    /// The line as read, without its `\n` (empty unless `--rejects` asked for it).
    pub raw: Vec<u8>,
    /// Whether a `\n` ended the line (a source's last line may have none).
    pub terminated: bool,
}

/// `--on-error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OnError {
    /// Stop at the first bad line with exit status 2.
    Fail,
    /// Count bad lines silently (still in `--stats` and `--rejects`).
    Skip,
    /// Count them and print the first few sites on stderr (default).
    Report,
}

/// How many reject sites `report` prints before summarising.
pub const REPORT_SITES: usize = 5;

/// The consumer-side ledger.
pub struct Ledger {
    on_error: OnError,
    names: Vec<String>,
    line_base: u64,
    current_source: Option<usize>,
    /// Totals so far.
    pub counts: Counts,
    rejects: Option<AtomicFile>,
    reasons: Option<AtomicFile>,
    reported: usize,
    /// The last line written to `rejects` had no `\n` of its own.
    owes_newline: bool,
    /// Lines rejected for not being JSON.
    not_json: u64,
    /// Whether the command reads other formats with `--parse`, to be said when most lines
    /// were not JSON.
    parse_hint: bool,
}

impl Ledger {
    /// A ledger for inputs named `names`, with the given policy and optional reject files.
    pub fn new(
        names: Vec<String>,
        on_error: OnError,
        rejects: Option<PathBuf>,
        reasons: Option<PathBuf>,
    ) -> Result<Ledger, ObsError> {
        Ok(Ledger {
            on_error,
            names,
            line_base: 0,
            current_source: None,
            counts: Counts::default(),
            rejects: rejects.map(AtomicFile::create).transpose()?,
            reasons: reasons.map(AtomicFile::create).transpose()?,
            reported: 0,
            owes_newline: false,
            not_json: 0,
            parse_hint: false,
        })
    }

    /// Says, when most lines decoded were rejected for not being JSON, that `--parse` reads
    /// others.
    pub fn with_parse_hint(mut self) -> Ledger {
        self.parse_hint = true;
        self
    }

    /// True under `--on-error fail`: the first reject ends the run.
    pub fn fails_on_reject(&self) -> bool {
        self.on_error == OnError::Fail
    }

    /// Whether workers must keep the raw bytes of rejected lines.
    pub fn wants_raw(&self) -> bool {
        self.rejects.is_some()
    }

    /// Lines of `source` accounted so far: the line number, less one, of the first line of its
    /// next chunk.
    pub fn lines_before(&self, source: usize) -> u64 {
        if self.current_source == Some(source) {
            self.line_base
        } else {
            0
        }
    }

    /// Accounts one consumed chunk of `source` (chunks arrive in input order): reports or keeps
    /// its rejected lines as `file:line`, then adds its counts. Errors under `--on-error fail`.
    pub fn account(
        &mut self,
        source: usize,
        lines: u64,
        counts: &Counts,
        rejects: &[Rejected],
    ) -> Result<(), ObsError> {
        if self.current_source != Some(source) {
            self.current_source = Some(source);
            self.line_base = 0;
        }
        for r in rejects {
            self.reject(r)?;
        }
        self.line_base += lines;
        self.counts.add(counts);
        Ok(())
    }

    fn reject(&mut self, r: &Rejected) -> Result<(), ObsError> {
        if matches!(r.reason, Reject::Decode(_)) {
            self.not_json += 1;
        }
        let origin = self.source_name();
        let line = self.line_base + r.line + 1;
        if self.on_error == OnError::Fail {
            return Err(ObsError::BadLine {
                origin,
                line,
                reason: r.reason.to_string(),
            });
        }
        if let Some(f) = self.rejects.as_mut().filter(|_| r.reason.keeps_bytes()) {
            // A line that had no `\n` (a source's last) gets one only if another reject
            // follows it, so the file ends as the input did and no two lines are joined.
            let owed: &[u8] = if self.owes_newline { b"\n" } else { b"" };
            self.owes_newline = !r.terminated;
            let end: &[u8] = if r.terminated { b"\n" } else { b"" };
            f.write_all(owed)
                .and_then(|_| f.write_all(&r.raw))
                .and_then(|_| f.write_all(end))
                .map_err(|e| ObsError::io(f.path(), e))?;
        }
        if let Some(f) = self.reasons.as_mut() {
            writeln!(f, "{origin}:{line}: {}", r.reason).map_err(|e| ObsError::io(f.path(), e))?;
        }
        if self.on_error == OnError::Report && self.reported < REPORT_SITES {
            crate::stdio::say(&format!("obs: {origin}:{line}: {}", r.reason));
        }
        self.reported += 1;
        Ok(())
    }

    fn source_name(&self) -> String {
        self.current_source
            .and_then(|s| self.names.get(s).cloned())
            .unwrap_or_else(|| "-".to_string())
    }

    /// Finishes the reject files and prints the `report` summary line.
    pub fn finish(mut self) -> Result<Counts, ObsError> {
        if let Some(f) = self.rejects.take() {
            f.commit()?;
        }
        if let Some(f) = self.reasons.take() {
            f.commit()?;
        }
        self.summarise();
        Ok(self.counts)
    }

    /// Ends a run that failed (exit 2): the reject files are not committed, so a previous
    /// `--rejects` file stays as it was rather than being replaced by a partial one; the counts
    /// so far are returned for `--stats`.
    pub fn abandon(mut self) -> Counts {
        // Dropped uncommitted, their temporary files are removed.
        drop(self.rejects.take());
        drop(self.reasons.take());
        self.summarise();
        self.counts
    }

    /// The end-of-run counts, printed whatever `--quiet` says: a line is never lost silently.
    fn summarise(&self) {
        if self.counts.untimed > 0 {
            let n = self.counts.untimed;
            eprintln!(
                "obs: {n} record{} a time field obs cannot read, so --since/--until left {} \
                 out; --time-format FORMAT (strftime) reads other forms",
                if n == 1 { " has" } else { "s have" },
                if n == 1 { "it" } else { "them" },
            );
        }
        if self.on_error == OnError::Report && self.counts.rejected > 0 {
            let more = if self.reported > REPORT_SITES {
                format!(" (first {REPORT_SITES} shown)")
            } else {
                String::new()
            };
            eprintln!(
                "obs: {} line{} rejected{more}; --rejects FILE keeps them, --on-error fail|skip changes this",
                self.counts.rejected,
                if self.counts.rejected == 1 { "" } else { "s" }
            );
            if self.parse_hint && self.not_json * 2 > self.counts.decoded {
                eprintln!(
                    "obs: most lines are not JSON: --parse FORMAT reads access logs, logfmt or \
                     raw text, --regex lines of your own (obs parse --help)"
                );
            }
        }
    }
}

/// Number of lines in a chunk: its newlines, plus an unterminated last line.
pub fn count_lines(chunk: &[u8]) -> u64 {
    let n = memchr::memchr_iter(b'\n', chunk).count() as u64;
    n + u64::from(chunk.last().is_some_and(|&b| b != b'\n'))
}
