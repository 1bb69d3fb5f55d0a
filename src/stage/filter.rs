//! The filter stage behind `obs grep` (and every `--where`): which lines of a chunk are kept.
//!
//! Order of work per line, cheapest first: the raw-byte prefilter (chunk-wide literal search),
//! the raw-line regexes (`-e`), then JSON decoding of only the projected keys, the time window,
//! and the expression. A line ruled out before decoding is counted as filtered; a line that does
//! not decode is rejected with its reason.

use chrono::{DateTime, Utc};
use regex::bytes::RegexSet;

use crate::decode::flat::CellSlots;
use crate::decode::json::Projection;
use crate::error::ObsError;
use crate::expr::prefilter::Prefilter;
use crate::expr::Expr;
use crate::input::prefetch::Prefetch;
use crate::input::Chunk;
use crate::pipeline::accounting::{count_lines, Counts, Rejected};
use crate::record::time::{TimeOf, TimeSpec};
use crate::record::{Reads, Record, Reject};
use crate::stage::parse::{Line, Parse, Parsed};

/// UTF-8 byte-order mark, stripped from the first line of an input.
const BOM: &[u8] = b"\xEF\xBB\xBF";

/// A resolved filter.
pub struct Filter {
    expr: Option<Expr>,
    raw: Option<RegexSet>,
    invert: bool,
    since: Option<DateTime<Utc>>,
    until: Option<DateTime<Utc>>,
    time: TimeSpec,
    prefilter: Option<Prefilter>,
    proj: Projection,
    keep_raw_rejects: bool,
    parse: Option<Parse>,
    validate: bool,
    undecoded: Undecoded,
}

/// Which lines a filter leaves undecoded (see [`FilterSpec::reads`]).
struct Undecoded {
    /// Lines as read.
    lines: bool,
    /// The JSON text of parsed lines.
    parsed: bool,
}

/// The accounting of a [`Filter::scan`] over one chunk.
pub struct Scanned {
    /// Lines in the chunk.
    pub lines: u64,
    /// What happened to them.
    pub counts: Counts,
    /// Lines that could not be used.
    pub rejects: Vec<Rejected>,
}

/// What to do with each kept record; `Err(reason)` rejects it instead.
pub type OnMatch<'a> = dyn FnMut(&Record) -> Result<(), Reject> + 'a;

/// The options of a filter.
pub struct FilterSpec {
    /// The expression (`None`: every record).
    pub expr: Option<Expr>,
    /// Raw-line regexes (`-e`); a line must match one.
    pub raw: Vec<String>,
    /// `-v`.
    pub invert: bool,
    /// `--since`.
    pub since: Option<DateTime<Utc>>,
    /// `--until` (exclusive).
    pub until: Option<DateTime<Utc>>,
    /// Where timestamps are.
    pub time: TimeSpec,
    /// `--validate`: decode every line, so every malformed line is found.
    pub validate: bool,
    /// Keep rejected lines' bytes (for `--rejects`).
    pub keep_raw_rejects: bool,
    /// Top-level keys the consumer of kept records reads (decoded with the expression's).
    pub needs: Vec<String>,
    /// `--parse`: lines are records of this format, not NDJSON.
    pub parse: Option<Parse>,
    /// What the consumer reads of kept records. With no expression or window either, lines it
    /// reads no field of are not decoded: any text is searched as ripgrep searches it
    /// (`obs grep -e REGEX`), and parsed records, valid JSON as written, are not read again
    /// (`obs parse`).
    pub reads: Reads,
}

impl FilterSpec {
    /// A filter that keeps every record, reading times with `time`, decoding every line it
    /// reads; the fields of a command's own spec are set over it.
    pub fn all(time: TimeSpec) -> FilterSpec {
        FilterSpec {
            expr: None,
            raw: Vec::new(),
            invert: false,
            since: None,
            until: None,
            time,
            validate: false,
            keep_raw_rejects: false,
            needs: Vec::new(),
            parse: None,
            reads: Reads::Fields,
        }
    }
}

impl Filter {
    /// Resolves the spec.
    pub fn new(spec: FilterSpec) -> Result<Filter, ObsError> {
        let raw = if spec.raw.is_empty() {
            None
        } else {
            Some(
                RegexSet::new(&spec.raw)
                    .map_err(|e| ObsError::Usage(format!("bad -e regex: {e}")))?,
            )
        };
        let mut proj = Projection::default();
        if let Some(e) = &spec.expr {
            e.project_into(&mut proj);
        }
        if spec.since.is_some() || spec.until.is_some() {
            for f in &spec.time.fields {
                for k in f.top_level_keys() {
                    proj.add(k.clone());
                }
            }
        }
        for k in spec.needs {
            proj.add(k);
        }
        // Inverting turns "cannot match" into "must be kept", and --validate wants every line
        // decoded: either way the prefilter cannot skip lines. Nor can it when lines are
        // parsed: a field's value need not be in the line as written (`@timestamp`, escapes).
        let prefilter = match (
            &spec.expr,
            spec.invert || spec.validate || spec.parse.is_some(),
        ) {
            (Some(e), false) => Prefilter::new(e),
            _ => None,
        };
        let unfiltered =
            spec.expr.is_none() && spec.since.is_none() && spec.until.is_none() && !spec.validate;
        let undecoded = Undecoded {
            lines: unfiltered && spec.reads == Reads::Lines,
            parsed: unfiltered && spec.reads != Reads::Fields,
        };
        Ok(Filter {
            expr: spec.expr,
            raw,
            invert: spec.invert,
            since: spec.since,
            until: spec.until,
            time: spec.time,
            prefilter,
            proj,
            keep_raw_rejects: spec.keep_raw_rejects,
            validate: spec.validate,
            undecoded,
            parse: spec.parse,
        })
    }

    /// The prefilter in use, if any (for `--stats`).
    pub fn prefilter(&self) -> Option<&Prefilter> {
        self.prefilter.as_ref()
    }

    /// Whether a line failing the raw-line regexes may be ruled out without decoding.
    fn raw_skips(&self) -> bool {
        !self.invert && !self.validate
    }

    /// Filters one chunk, calling `on_match` for each kept record in order.
    pub fn scan(&self, chunk: &Chunk, on_match: &mut OnMatch) -> Scanned {
        let bytes = chunk.bytes();
        let parsed = self.parse.as_ref().and_then(|p| p.chunk(chunk));
        let parsed = parsed.as_ref();
        let mut st = State {
            out: Scanned {
                lines: 0,
                counts: Counts::default(),
                rejects: Vec::new(),
            },
            slots: Vec::new(),
            cells: CellSlots::default(),
        };
        match &self.prefilter {
            Some(pf) => {
                let lines = count_lines(bytes);
                st.out.lines = lines;
                let (mut pos, mut line) = (0usize, 0u64);
                pf.candidates(bytes, |start, end| {
                    line += memchr::memchr_iter(b'\n', &bytes[pos..start]).count() as u64;
                    self.line(&mut st, (chunk, parsed), line, start..end, on_match);
                    line += 1;
                    pos = (end + 1).min(bytes.len());
                });
                let looked = st.out.counts.read;
                st.out.counts.read = lines;
                st.out.counts.filtered += lines - looked;
                st.out.counts.prefiltered = lines - looked;
            }
            _ => {
                st.out.lines = each_line(bytes, |line, span| {
                    self.line(&mut st, (chunk, parsed), line, span, on_match)
                })
            }
        }
        st.out
    }

    fn line<'c>(
        &self,
        st: &mut State<'c>,
        (chunk, parsed): (&'c Chunk, Option<&'c Parsed>),
        line: u64,
        span: std::ops::Range<usize>,
        on_match: &mut OnMatch,
    ) {
        let raw = &chunk.bytes()[span.clone()];
        // A line has its `\n` unless it ends the chunk (a source's last line may not).
        let terminated = span.end < chunk.bytes().len();
        let c = &mut st.out.counts;
        c.read += 1;
        if raw.len() > chunk.max_line {
            too_long(&mut st.out, line, chunk.max_line);
            return;
        }
        // The record's JSON: the line itself, or what the parse stage made of it.
        let json = match parsed {
            None => json_text(raw, line == 0 && chunk.starts_source).map(Ok),
            Some(p) => match p.line(line) {
                Line::Skipped => None,
                Line::Failed(why) => Some(Err(why)),
                Line::Text(at) => Some(Ok(&p.text[at.clone()])),
            },
        };
        let Some(json) = json else {
            c.filtered += 1;
            return;
        };
        let raw_ok = self.raw.as_ref().is_none_or(|set| set.is_match(raw));
        if !raw_ok && self.raw_skips() {
            c.filtered += 1;
            c.prefiltered += 1;
            return;
        }
        let json = match json {
            Ok(json) => json,
            Err(why) => {
                st.out.counts.decoded += 1;
                self.reject(st, line, (raw, terminated), why.clone());
                return;
            }
        };
        if (parsed.is_some() && self.undecoded.parsed) || (parsed.is_none() && self.undecoded.lines)
        {
            let slots = std::mem::take(&mut st.slots);
            let rec = Record::undecoded(line, span, (raw, json), &self.proj, slots);
            self.keep(
                st,
                line,
                (raw, terminated),
                &rec,
                raw_ok != self.invert,
                on_match,
            );
            st.slots = rec.into_slots();
            return;
        }
        st.out.counts.decoded += 1;
        let slots = std::mem::take(&mut st.slots);
        let rec = match Record::decode(line, span, (raw, json), &self.proj, &mut st.cells, slots) {
            Ok(rec) => rec,
            Err((e, slots)) => {
                st.slots = slots;
                self.reject(st, line, (raw, terminated), Reject::Decode(e));
                return;
            }
        };
        let in_window = match (self.since, self.until) {
            (None, None) => true,
            (since, until) => match self.time.read(&rec) {
                TimeOf::At(t) => since.is_none_or(|s| t >= s) && until.is_none_or(|u| t < u),
                TimeOf::Unreadable => {
                    st.out.counts.untimed += 1;
                    false
                }
                TimeOf::Missing => false,
            },
        };
        let matched = in_window
            && (raw_ok && self.expr.as_ref().is_none_or(|e| e.matches(&rec))) != self.invert;
        self.keep(st, line, (raw, terminated), &rec, matched, on_match);
        st.slots = rec.into_slots();
    }

    /// Hands a matched record to `on_match` (emitted, or rejected with its reason); counts an
    /// unmatched one as filtered.
    fn keep(
        &self,
        st: &mut State,
        line: u64,
        raw: (&[u8], bool),
        rec: &Record,
        matched: bool,
        on_match: &mut OnMatch,
    ) {
        if !matched {
            st.out.counts.filtered += 1;
            return;
        }
        match on_match(rec) {
            Ok(()) => st.out.counts.emitted += 1,
            Err(reason) => self.reject(st, line, raw, reason),
        }
    }

    fn reject(&self, st: &mut State, line: u64, raw: (&[u8], bool), reason: Reject) {
        reject(&mut st.out, self.keep_raw_rejects, line, raw, reason);
    }
}

/// Rejects a line longer than `--max-line-bytes` undecoded; its bytes are not kept (streamed
/// input has only its head), so `--rejects` cannot hold it and the reason says so.
fn too_long(out: &mut Scanned, line: u64, max: usize) {
    out.counts.rejected += 1;
    out.rejects.push(Rejected {
        line,
        reason: Reject::TooLong { max },
        raw: Vec::new(),
        terminated: true,
    });
}

/// Counts a rejected line and keeps its reason (and bytes, for `--rejects`, with whether a
/// `\n` ended it, so the rejects file is the lines exactly as read).
fn reject(out: &mut Scanned, keep_raw: bool, line: u64, raw: (&[u8], bool), reason: Reject) {
    out.counts.rejected += 1;
    out.rejects.push(Rejected {
        line,
        reason,
        raw: if keep_raw { raw.0.to_vec() } else { Vec::new() },
        terminated: raw.1,
    });
}

/// Calls `f` with the number and byte range of each line of `bytes` (a last line without `\n`
/// included); returns how many there were, as [`count_lines`] counts them. The bytes of the
/// next few lines are prefetched while `f` works on one.
pub(super) fn each_line(bytes: &[u8], mut f: impl FnMut(u64, std::ops::Range<usize>)) -> u64 {
    let (mut start, mut line) = (0, 0);
    let mut ahead = Prefetch::new(bytes);
    for end in memchr::memchr_iter(b'\n', bytes) {
        ahead.reach(end);
        f(line, start..end);
        (start, line) = (end + 1, line + 1);
    }
    if start < bytes.len() {
        f(line, start..bytes.len());
        line += 1;
    }
    line
}

/// The text of a line (the JSON text, or what a parser reads): without a trailing `\r`, nor
/// a BOM when the line starts its source; `None` for a blank line.
pub(super) fn json_text(raw: &[u8], starts_source: bool) -> Option<&[u8]> {
    let mut json = raw.strip_suffix(b"\r").unwrap_or(raw);
    if starts_source {
        json = json.strip_prefix(BOM).unwrap_or(json);
    }
    (!json.iter().all(u8::is_ascii_whitespace)).then_some(json)
}

/// Every line of a chunk, for a reducer that decodes lines itself (no expression, window or
/// regexes apply): `on_line` gets the line's byte range and JSON text and accounts for it like
/// [`Filter::scan`] does: `Ok` is emitted, `Err(reason)` rejected, a blank line filtered.
pub fn scan_lines<'c>(
    chunk: &'c Chunk,
    keep_raw_rejects: bool,
    on_line: &mut dyn FnMut(std::ops::Range<usize>, &'c [u8]) -> Result<(), Reject>,
) -> Scanned {
    let bytes = chunk.bytes();
    let mut out = Scanned {
        lines: 0,
        counts: Counts::default(),
        rejects: Vec::new(),
    };
    out.lines = each_line(bytes, |line, span| {
        let raw = &bytes[span.clone()];
        out.counts.read += 1;
        if raw.len() > chunk.max_line {
            too_long(&mut out, line, chunk.max_line);
            return;
        }
        let Some(json) = json_text(raw, line == 0 && chunk.starts_source) else {
            out.counts.filtered += 1;
            return;
        };
        out.counts.decoded += 1;
        match on_line(span.clone(), json) {
            Ok(()) => out.counts.emitted += 1,
            Err(reason) => {
                let terminated = span.end < bytes.len();
                reject(&mut out, keep_raw_rejects, line, (raw, terminated), reason)
            }
        }
    });
    out
}

struct State<'c> {
    out: Scanned,
    slots: Vec<Option<serde_json::Value>>,
    cells: CellSlots<'c>,
}
