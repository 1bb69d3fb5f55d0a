//! Input: turns paths, globs, directories and `-` into numbered chunks of whole lines.
//!
//! Regular files are memory-mapped and cut at newlines without copying; gzip and zstd (found by
//! their magic bytes, whatever the file is called) and stdin are streamed and cut at the last
//! newline of each buffer, the tail carried into the next. Chunks are numbered in input order so
//! that parallel workers' results can be put back in that order. This layer knows nothing of JSON.

pub mod head;
mod mmap;
pub mod prefetch;
mod resolve;
mod stream;

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::ops::Range;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use memmap2::Mmap;

use crate::error::ObsError;
pub use resolve::{resolve_inputs, Globs, Resolved, Skipped};

/// Default size of a chunk; large enough to amortise scheduling, small enough to spread over cores
/// and keep the in-flight window small.
pub const DEFAULT_CHUNK_SIZE: usize = 4 << 20;

/// One input: a file or standard input.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    /// A file on disk.
    File(PathBuf),
    /// Standard input (`-`).
    Stdin,
}

impl Source {
    /// True when the source may be live, read as its lines arrive (stdin or a FIFO, not a
    /// regular file): its lines are handed on when it goes quiet, and output flushed.
    pub fn may_be_live(&self) -> bool {
        let path = match self {
            Source::Stdin => std::path::Path::new("/dev/stdin"),
            Source::File(p) => p.as_path(),
        };
        std::fs::metadata(path).is_ok_and(|m| !m.is_file())
    }

    /// How the source is named in messages: its path, or `-`.
    pub fn name(&self) -> String {
        match self {
            Source::File(p) => p.display().to_string(),
            Source::Stdin => "-".to_string(),
        }
    }
}

/// The bytes of a chunk: a window of a mapped file, or an owned buffer.
pub enum ChunkData {
    /// A range of a memory-mapped file.
    Mapped(Arc<Mmap>, Range<usize>),
    /// Bytes read from a stream.
    Owned(Vec<u8>),
}

/// Whole lines from one source; the last line of a source may lack its `\n`.
pub struct Chunk {
    /// Position of the chunk in the whole input, from 0.
    pub seq: u64,
    /// Index of its source in the list given to the reader.
    pub source: usize,
    /// True for the first chunk of a source (its first line may carry a BOM).
    pub starts_source: bool,
    /// The lines.
    pub data: ChunkData,
    /// Lines longer than this are to be rejected undecoded (`--max-line-bytes`); streamed
    /// input keeps only this many bytes and one more of such a line, so memory stays bounded.
    pub max_line: usize,
}

impl Chunk {
    /// The chunk's bytes.
    pub fn bytes(&self) -> &[u8] {
        match &self.data {
            ChunkData::Mapped(map, range) => &map[range.clone()],
            ChunkData::Owned(v) => v,
        }
    }
}

/// How sources are read.
#[derive(Debug, Clone, Copy)]
pub struct ReadOptions {
    /// Target chunk size in bytes (a chunk grows to the end of the line it cuts into).
    pub chunk_size: usize,
    /// Memory-map regular files (off: read them as streams).
    pub mmap: bool,
    /// The longest line accepted, in bytes (see [`Chunk::max_line`]).
    pub max_line: usize,
}

/// Default `--max-line-bytes`: far above any log line, far below the memory of a machine.
pub const DEFAULT_MAX_LINE: usize = 256 << 20;

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            chunk_size: DEFAULT_CHUNK_SIZE,
            mmap: true,
            max_line: DEFAULT_MAX_LINE,
        }
    }
}

/// The reader over all sources, yielding chunks in input order.
pub struct ChunkReader {
    sources: Vec<Source>,
    opts: ReadOptions,
    next_source: usize,
    current: Option<(usize, Current)>,
    seq: u64,
    first_of_source: bool,
    report: InputReport,
}

/// What became of the inputs beyond their lines: entries skipped inside directories, and how
/// many inputs could not be read (each reported on stderr when met; the run goes on and ends
/// with exit status 2). Shared, so a command keeps it when the reader moves to the pipeline.
#[derive(Debug, Clone, Default)]
pub struct InputReport {
    /// Passed over inside directories.
    pub skipped: Skipped,
    /// Inputs that could not be found or opened.
    pub failures: Arc<AtomicU64>,
}

impl InputReport {
    /// Counts one input that could not be used, after saying why on stderr.
    pub fn fail(&self, e: &ObsError) {
        crate::stdio::say(&format!("obs: {e}"));
        self.failures.fetch_add(1, Ordering::Relaxed);
    }

    /// How many inputs could not be used.
    pub fn failed(&self) -> u64 {
        self.failures.load(Ordering::Relaxed)
    }
}

enum Current {
    /// A mapped file: its map, where the next chunk starts, and the open file, whose size is
    /// checked before each chunk (a file cut short under the map would raise SIGBUS).
    Mapped {
        map: Arc<Mmap>,
        pos: usize,
        file: File,
    },
    Stream(stream::StreamCutter),
}

/// Compression formats recognised by their first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// Plain bytes.
    None,
    /// gzip, possibly several concatenated members.
    Gzip,
    /// zstd, possibly several frames.
    Zstd,
}

impl Compression {
    /// Recognises gzip (`1f 8b`) and zstd (`28 b5 2f fd`).
    pub fn sniff(head: &[u8]) -> Compression {
        if head.starts_with(&[0x1f, 0x8b]) {
            Compression::Gzip
        } else if head.starts_with(&[0x28, 0xb5, 0x2f, 0xfd]) {
            Compression::Zstd
        } else {
            Compression::None
        }
    }
}

impl ChunkReader {
    /// A reader over `sources`, in order.
    pub fn new(sources: Vec<Source>, opts: ReadOptions) -> Self {
        ChunkReader {
            sources,
            opts: ReadOptions {
                chunk_size: opts.chunk_size.max(1),
                ..opts
            },
            next_source: 0,
            current: None,
            seq: 0,
            first_of_source: true,
            report: InputReport::default(),
        }
    }

    /// The reader with `report` (what resolving the inputs found) to add its own failures to.
    pub fn with_report(mut self, report: InputReport) -> Self {
        self.report = report;
        self
    }

    /// What became of the inputs, shared with the reader as it goes on.
    pub fn report(&self) -> InputReport {
        self.report.clone()
    }

    /// True when a source may be live (stdin or a FIFO, read as lines arrive): output should
    /// then be flushed after each chunk, so that a match shows soon after its line came.
    pub fn may_be_live(&self) -> bool {
        self.sources.iter().any(Source::may_be_live)
    }

    /// The sources, in the order their chunks come.
    pub fn sources(&self) -> &[Source] {
        &self.sources
    }

    /// Sum of the sizes of plain regular files (for progress); `None` if any input is a stream.
    pub fn known_total(&self) -> Option<u64> {
        let mut total = 0;
        for s in &self.sources {
            match s {
                Source::File(p) => {
                    // Only regular files are opened to look at their first bytes: a FIFO or
                    // `<(…)` would lose them, being read once.
                    if !std::fs::metadata(p).ok()?.is_file() {
                        return None;
                    }
                    let mut head = [0u8; 4];
                    let n = File::open(p).and_then(|mut f| f.read(&mut head)).ok()?;
                    if Compression::sniff(&head[..n]) != Compression::None {
                        return None;
                    }
                    total += std::fs::metadata(p).ok()?.len();
                }
                Source::Stdin => return None,
            }
        }
        Some(total)
    }

    fn open(&self, idx: usize) -> Result<Option<Current>, ObsError> {
        let source = &self.sources[idx];
        let name = PathBuf::from(source.name());
        match source {
            Source::Stdin => {
                let reader = BufReader::with_capacity(1 << 16, std::io::stdin());
                Ok(Some(Current::Stream(stream::StreamCutter::new(
                    name,
                    Box::new(reader),
                    self.opts.chunk_size,
                    self.opts.max_line,
                    source.may_be_live(),
                )?)))
            }
            Source::File(path) => {
                let file = File::open(path).map_err(|e| ObsError::io(path, e))?;
                let meta = file.metadata().map_err(|e| ObsError::io(path, e))?;
                if self.opts.mmap && meta.is_file() {
                    if meta.len() == 0 {
                        return Ok(None);
                    }
                    let map = mmap::map(&file).map_err(|e| ObsError::io(path, e))?;
                    if Compression::sniff(&map) == Compression::None {
                        return Ok(Some(Current::Mapped {
                            map: Arc::new(map),
                            pos: 0,
                            file,
                        }));
                    }
                }
                let reader = BufReader::with_capacity(1 << 16, file);
                Ok(Some(Current::Stream(stream::StreamCutter::new(
                    name,
                    Box::new(reader),
                    self.opts.chunk_size,
                    self.opts.max_line,
                    !meta.is_file(),
                )?)))
            }
        }
    }

    fn chunk(&mut self, source: usize, data: ChunkData) -> Chunk {
        let c = Chunk {
            seq: self.seq,
            source,
            starts_source: self.first_of_source,
            data,
            max_line: self.opts.max_line,
        };
        self.seq += 1;
        self.first_of_source = false;
        c
    }
}

impl Iterator for ChunkReader {
    type Item = Result<Chunk, ObsError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            let Some((idx, current)) = self.current.as_mut() else {
                if self.next_source >= self.sources.len() {
                    return None;
                }
                let idx = self.next_source;
                self.next_source += 1;
                self.first_of_source = true;
                match self.open(idx) {
                    Ok(Some(c)) => self.current = Some((idx, c)),
                    Ok(None) => {}
                    // One input that cannot be opened does not end the run (ripgrep's way):
                    // said, counted, and the run ends with exit status 2.
                    Err(e) => self.report.fail(&e),
                }
                continue;
            };
            let idx = *idx;
            match current {
                Current::Mapped { map, pos, file } => {
                    if *pos >= map.len() {
                        self.current = None;
                        continue;
                    }
                    let now = file.metadata().map_or(0, |m| m.len());
                    if now < map.len() as u64 {
                        let e = ObsError::io(
                            self.sources[idx].name(),
                            std::io::Error::other(format!(
                                "the file shrank from {} to {now} bytes while it was read \
                                 (truncated or rotated?); read files that are being written \
                                 with --no-mmap",
                                map.len()
                            )),
                        );
                        self.current = None;
                        return Some(Err(e));
                    }
                    let start = *pos;
                    let mut end = (start + self.opts.chunk_size).min(map.len());
                    if end < map.len() {
                        end = memchr::memchr(b'\n', &map[end - 1..]).map_or(map.len(), |i| end + i);
                    }
                    *pos = end;
                    let data = ChunkData::Mapped(Arc::clone(map), start..end);
                    return Some(Ok(self.chunk(idx, data)));
                }
                Current::Stream(cutter) => match cutter.next_chunk() {
                    Ok(Some(buf)) => return Some(Ok(self.chunk(idx, ChunkData::Owned(buf)))),
                    Ok(None) => {
                        self.current = None;
                    }
                    Err(e) => {
                        self.current = None;
                        return Some(Err(e));
                    }
                },
            }
        }
    }
}

/// Peeks at the first bytes of a buffered reader without consuming them.
fn peek_head(reader: &mut dyn BufRead) -> std::io::Result<Vec<u8>> {
    let buf = reader.fill_buf()?;
    Ok(buf[..buf.len().min(4)].to_vec())
}

#[cfg(test)]
mod tests;
