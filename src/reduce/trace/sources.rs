//! The span files: how each is laid out, whole documents parsed, and reading spans back by
//! location for what is shown.
//!
//! Standard input is first spooled to a temporary file, so it can be sniffed and read back like
//! any file without holding it in memory. The spool is made exclusively (a planted link is never
//! followed), readable by its owner only, and removed at exit and on signals ([`crate::cleanup`]).

use crate::error::{Context, ObsError, ObsResult};
use std::collections::{BTreeMap, HashMap};
use std::io::Write;
use std::path::PathBuf;

use rayon::prelude::*;
use serde_json::Value;

use super::format::{lines_format, sniff, Decoding, Format, Layout};
use super::ids::IdNames;
use super::row::Loc;
use super::span::Span;
use crate::input::{ChunkData, ChunkReader, InputReport, ReadOptions, Source};

/// One span file.
pub struct SpanSource {
    /// Where it is read from (stdin's spool file for `-`).
    pub source: Source,
    /// Its name in messages.
    pub name: String,
    /// How it is laid out.
    pub layout: Layout,
    /// For documents: every span, by index.
    pub doc: Vec<Span>,
}

/// All span files.
pub struct SpanSources {
    /// The files, in input order.
    pub files: Vec<SpanSource>,
    /// Spooled copies of inputs that can be read only once.
    spool: Vec<PathBuf>,
    mmap: bool,
}

impl Drop for SpanSources {
    fn drop(&mut self) {
        for p in &self.spool {
            let _ = std::fs::remove_file(p);
            crate::cleanup::forget(p);
        }
    }
}

const HEAD: usize = 1 << 20;

fn reader(source: &Source, mmap: bool, chunk_size: usize) -> ChunkReader {
    ChunkReader::new(
        vec![source.clone()],
        ReadOptions {
            chunk_size,
            mmap,
            ..ReadOptions::default()
        },
    )
}

impl SpanSources {
    /// Opens `sources`, spooling stdin, sniffing layouts and parsing whole documents.
    pub fn open(
        sources: Vec<Source>,
        dec: &Decoding,
        mmap: bool,
        names: &mut IdNames,
        report: &InputReport,
    ) -> ObsResult<SpanSources> {
        let mut out = SpanSources {
            files: Vec::new(),
            spool: Vec::new(),
            mmap,
        };
        for source in sources {
            let name = source.name();
            // Standard input, a FIFO or `<(…)` can be read only once: spooled, they can be
            // sniffed, then read, then read back.
            let once = source == Source::Stdin || source.may_be_live();
            let source = match source {
                _ if once => {
                    // O_EXCL, mode 0600, a random name (tempfile).
                    let (mut f, path) = tempfile::Builder::new()
                        .prefix("obs-trace-stdin-")
                        .tempfile()
                        .context("spooling stdin to a temporary file")?
                        .keep()
                        .map_err(|e| e.error)
                        .context("spooling stdin to a temporary file")?;
                    crate::cleanup::remove_at_exit(path.clone());
                    out.spool.push(path.clone());
                    let mut input: Box<dyn std::io::Read> = match &source {
                        Source::File(p) => Box::new(
                            std::fs::File::open(p)
                                .with_context(|| format!("opening {}", p.display()))?,
                        ),
                        Source::Stdin => Box::new(std::io::stdin().lock()),
                    };
                    std::io::copy(&mut input, &mut f).with_context(|| format!("reading {name}"))?;
                    f.flush()?;
                    Source::File(path)
                }
                s => s,
            };
            // A source that cannot be opened (or is gone) is said, counted, and passed over.
            if let Source::File(p) = &source {
                if let Err(e) = std::fs::File::open(p) {
                    report.fail(&crate::error::ObsError::io(p, e));
                    continue;
                }
            }
            let head = match reader(&source, mmap, HEAD).next() {
                Some(chunk) => chunk?.bytes()[..].to_vec(),
                None => Vec::new(),
            };
            let (layout, doc) = match sniff(&head, dec.forced) {
                Layout::Document => match parse_document(&source, dec, names)? {
                    Document::Spans(doc) => (Layout::Document, doc),
                    // Not JSON as a whole either: read line by line, so that its bad lines are
                    // rejected and counted like any other's (a span file whose first line is
                    // broken, a stray README in a directory) instead of failing the run.
                    Document::NotJson => {
                        (Layout::Lines(lines_format(&head, dec.forced)), Vec::new())
                    }
                    // JSON, but of no trace format (a test fixture, a config file in the
                    // directory): said and passed over; it holds no span to lose.
                    Document::NotTraces(why) => {
                        crate::stdio::say(&format!(
                            "obs: {name}: skipped: JSON, but no trace format obs reads ({why})"
                        ));
                        continue;
                    }
                },
                lines => (lines, Vec::new()),
            };
            out.files.push(SpanSource {
                source,
                name,
                layout,
                doc,
            });
        }
        Ok(out)
    }

    /// The spans at `locs`, read back from their files (each line decoded once).
    pub fn read_back(
        &self,
        locs: &[Loc],
        dec: &Decoding,
        names: &mut IdNames,
    ) -> ObsResult<HashMap<Loc, Span>> {
        let mut out = HashMap::new();
        let mut by_source: BTreeMap<u32, Vec<Loc>> = BTreeMap::new();
        for l in locs {
            by_source.entry(l.source).or_default().push(*l);
        }
        for (src, mut wanted) in by_source {
            let file = &self.files[src as usize];
            let Layout::Lines(format) = file.layout else {
                for l in wanted {
                    if let Some(s) = file.doc.get(l.index as usize) {
                        out.insert(l, s.clone());
                    }
                }
                continue;
            };
            wanted.sort();
            wanted.dedup();
            // One line's spans, with the non-hex ids they name.
            let decode = |line: &[u8], offset: u64| -> ObsResult<(Vec<Span>, IdNames)> {
                let line = line.strip_suffix(b"\r").unwrap_or(line);
                let line = line.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(line);
                let v: Value = serde_json::from_slice(line).with_context(|| {
                    format!("{}: reading back the span at byte {offset}", file.name)
                })?;
                let mut names = IdNames::default();
                let spans = dec
                    .spans(format, &v, &mut names)
                    .map_err(|e| ObsError::Usage(format!("{}: {e}", file.name)))?;
                Ok((spans, names))
            };
            let mut keep = |offset: u64, (mut spans, found): (Vec<Span>, IdNames)| {
                names.merge(found);
                // `wanted` is sorted: the line's spans are found by a binary search, where a
                // scan of every wanted span for every line read made an export of 50,000 spans
                // a batch take seconds.
                let from = wanted.partition_point(|l| l.offset < offset);
                // Each wanted span is moved out of the line's (locations are distinct), not
                // copied with its attributes and events.
                for l in wanted[from..].iter().take_while(|l| l.offset == offset) {
                    if let Some(s) = spans.get_mut(l.index as usize) {
                        out.insert(*l, std::mem::take(s));
                    }
                }
            };
            let mut offsets: Vec<u64> = wanted.iter().map(|l| l.offset).collect();
            offsets.dedup();
            let mut chunks = reader(&file.source, self.mmap, 4 << 20);
            let mut base = 0u64;
            let mut next = 0usize;
            while next < offsets.len() {
                let Some(chunk) = chunks.next() else { break };
                let chunk = chunk?;
                if let ChunkData::Mapped(map, _) = &chunk.data {
                    // A mapped file: jump straight to each line, decoding the lines in parallel
                    // (that was most of `trace export`'s time on one thread), then keep them in
                    // order, so the first bad line is the one reported.
                    let decoded: Vec<_> = offsets[next..]
                        .par_iter()
                        .map(|&off| {
                            let rest = &map[off as usize..];
                            let end = memchr::memchr(b'\n', rest).unwrap_or(rest.len());
                            decode(&rest[..end], off)
                        })
                        .collect();
                    for (&off, got) in offsets[next..].iter().zip(decoded) {
                        keep(off, got?);
                    }
                    break;
                }
                let bytes = chunk.bytes();
                let end = base + bytes.len() as u64;
                while next < offsets.len() && offsets[next] < end {
                    let rel = (offsets[next] - base) as usize;
                    let rest = &bytes[rel..];
                    let len = memchr::memchr(b'\n', rest).unwrap_or(rest.len());
                    keep(offsets[next], decode(&rest[..len], offsets[next])?);
                    next += 1;
                }
                base = end;
            }
        }
        Ok(out)
    }
}

/// The spans of a file that is one JSON document (or several values one after another);
/// `None` when it is not JSON as a whole.
/// What a file read as one JSON document holds.
enum Document {
    /// The spans of a trace format.
    Spans(Vec<Span>),
    /// Not JSON as a whole.
    NotJson,
    /// JSON, but no trace format: why not.
    NotTraces(String),
}

fn parse_document(source: &Source, dec: &Decoding, names: &mut IdNames) -> ObsResult<Document> {
    let mut bytes = Vec::new();
    for chunk in reader(source, true, 16 << 20) {
        bytes.extend_from_slice(chunk?.bytes());
    }
    let text = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let mut spans = Vec::new();
    // Values are decoded as they are read, not all held at once.
    for v in serde_json::Deserializer::from_slice(text).into_iter::<Value>() {
        let Ok(v) = v else {
            return Ok(Document::NotJson);
        };
        let format = Format::choose(dec.forced, &v);
        match dec.spans(format, &v, names) {
            Ok(got) => spans.extend(got),
            Err(e) => {
                return Ok(Document::NotTraces(format!(
                    "read as {}: {e}",
                    format.name()
                )))
            }
        }
    }
    Ok(Document::Spans(spans))
}
