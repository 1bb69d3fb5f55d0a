//! Sinks: the one seam between commands and output formats.
//!
//! Rendering is split in two so it can use every core: a [`Render`] (shared by the workers)
//! turns each kept record into bytes or a row while chunks are processed in parallel, and a
//! [`Sink`] (owned by the consumer) receives the rendered chunks in input order and writes them:
//! to stdout, an atomically written file, a table, or a directory of `_bulk` files.

pub mod atomic;
pub mod cell;
pub mod chart;
pub mod color;
pub mod context;
pub mod csv;
pub mod es_bulk;
pub mod format;
pub mod graph;
pub mod ndjson;
pub mod parquet;
pub mod prefixed;
pub mod pretty;
pub mod progress;
pub mod rows;
pub mod table;
pub mod terminal;
pub mod waterfall;

use std::io::Write;
use std::path::PathBuf;

use crate::error::{ObsError, ObsResult};
use crate::input::Chunk;
use crate::record::{Reads, Record, Reject};
use atomic::AtomicFile;
pub use format::{writes_to_terminal, Format};

/// A record rendered as a table or CSV row: (column, cell) in record order.
pub type Row = Vec<(String, String)>;

/// One kept record in a [`Rendered`] chunk.
#[derive(Debug, Clone)]
pub struct Mark {
    /// 0-based line index in its chunk.
    pub line: u64,
    /// Byte range of the record's line in its chunk.
    pub span: std::ops::Range<usize>,
    /// End offset of its bytes in [`Rendered::buf`].
    pub end: usize,
    /// Its row, for row-based sinks.
    pub row: Option<Row>,
}

/// The output of one chunk, in input order.
#[derive(Default)]
pub struct Rendered {
    /// The chunk itself, kept when the sink copies lines straight from it ([`RawLineSink`]).
    pub source: Option<Chunk>,
    /// Rendered bytes of all kept records.
    pub buf: Vec<u8>,
    /// One mark per kept record.
    pub marks: Vec<Mark>,
    /// Field statistics for `--template`, when asked for.
    pub mapping: Option<es_bulk::mapping::FieldStats>,
}

impl Rendered {
    /// Marks the end of `rec`, whose rendering (if any) was just appended to `buf`.
    pub fn mark(&mut self, rec: &Record, row: Option<Row>) {
        self.marks.push(Mark {
            line: rec.line,
            span: rec.span.clone(),
            end: self.buf.len(),
            row,
        });
    }

    /// Bytes of the first `n` records.
    pub fn bytes_of_first(&self, n: usize) -> &[u8] {
        match n {
            0 => &[],
            n => &self.buf[..self.marks[n - 1].end],
        }
    }
}

/// Renders a kept record, in a worker thread. An `Err` is the reason the record cannot be
/// written (e.g. no field for the index name): it is then rejected, not lost.
pub trait Render: Sync {
    /// Appends the record to `out` and marks it.
    fn render(&self, rec: &Record, out: &mut Rendered) -> Result<(), Reject>;
    /// True when the sink writes kept lines straight from the chunk, which must then be kept.
    fn keeps_chunk(&self) -> bool {
        false
    }
    /// True when the sink needs every chunk, kept lines or not (context lines).
    fn keeps_every_chunk(&self) -> bool {
        false
    }
    /// Top-level keys this renderer reads, so they are decoded with the filter's projection.
    fn needs(&self) -> Vec<String> {
        Vec::new()
    }
    /// What it reads of a record.
    fn reads(&self) -> Reads {
        Reads::Fields
    }
}

/// Writes rendered chunks in input order, in the consumer thread.
pub trait Sink: Send {
    /// Writes the first `take` records of `r`.
    fn write(&mut self, r: &Rendered, take: usize) -> ObsResult<()>;
    /// Flushes and commits the output.
    fn finish(self: Box<Self>) -> ObsResult<()>;
    /// Pushes what was written so far to its destination (for live input, so a match shows
    /// soon after its line arrived); sinks that write only at the end do nothing.
    fn flush(&mut self) -> ObsResult<()> {
        Ok(())
    }
    /// Says where the records of the next `write` come from: the source's name and the number
    /// of its lines before the chunk (for `-H` and `-n`); sinks that show neither ignore it.
    fn origin(&mut self, _name: &str, _lines_before: u64) {}
}

/// Where byte output goes: stdout, or a file written under a temporary name and renamed when
/// complete, so a reader never sees half a file.
pub enum Destination {
    /// Standard output.
    Stdout(std::io::BufWriter<std::io::Stdout>),
    /// An atomically written file.
    File(std::io::BufWriter<AtomicFile>),
}

impl Destination {
    /// Stdout, or the file at `path`.
    pub fn open(path: Option<&PathBuf>) -> Result<Destination, ObsError> {
        Ok(match path {
            None => {
                crate::stdio::stdout_open()?;
                Destination::Stdout(std::io::BufWriter::with_capacity(
                    1 << 18,
                    std::io::stdout(),
                ))
            }
            Some(p) => Destination::File(std::io::BufWriter::with_capacity(
                1 << 18,
                AtomicFile::create(p.clone())?,
            )),
        })
    }

    /// Flushes, and for a file, renames it into place.
    pub fn commit(self) -> ObsResult<()> {
        match self {
            Destination::Stdout(mut w) => w.flush()?,
            Destination::File(w) => {
                let f = w.into_inner().map_err(|e| e.into_error())?;
                f.commit()?;
            }
        }
        Ok(())
    }
}

impl Write for Destination {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Destination::Stdout(w) => w.write(buf),
            Destination::File(w) => w.write(buf),
        }
    }
    fn write_all(&mut self, buf: &[u8]) -> std::io::Result<()> {
        match self {
            Destination::Stdout(w) => w.write_all(buf),
            Destination::File(w) => w.write_all(buf),
        }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Destination::Stdout(w) => w.flush(),
            Destination::File(w) => w.flush(),
        }
    }
}

/// A sink that copies rendered bytes through (NDJSON, the terminal view, `_bulk` on stdout).
pub struct ByteSink {
    dest: Destination,
}

impl ByteSink {
    /// Writes to `dest`.
    pub fn new(dest: Destination) -> Self {
        ByteSink { dest }
    }
}

impl Sink for ByteSink {
    fn write(&mut self, r: &Rendered, take: usize) -> ObsResult<()> {
        self.dest.write_all(r.bytes_of_first(take))?;
        Ok(())
    }
    fn flush(&mut self) -> ObsResult<()> {
        Ok(self.dest.flush()?)
    }
    fn finish(self: Box<Self>) -> ObsResult<()> {
        self.dest.commit()
    }
}

/// A sink that writes nothing (`-c`, `--quiet` counting).
pub struct NullSink;

impl Sink for NullSink {
    fn write(&mut self, _: &Rendered, _: usize) -> ObsResult<()> {
        Ok(())
    }
    fn finish(self: Box<Self>) -> ObsResult<()> {
        Ok(())
    }
}

/// A renderer that keeps nothing but the count.
pub struct CountOnly;

impl Render for CountOnly {
    fn render(&self, rec: &Record, out: &mut Rendered) -> Result<(), Reject> {
        out.mark(rec, None);
        Ok(())
    }

    fn reads(&self) -> Reads {
        Reads::Lines
    }
}

/// Writes kept lines straight from their chunk, byte for byte, one write per run of adjacent
/// lines: no copy into an intermediate buffer.
pub struct RawLineSink {
    dest: Destination,
}

impl RawLineSink {
    /// Writes to `dest`.
    pub fn new(dest: Destination) -> Self {
        RawLineSink { dest }
    }
}

impl Sink for RawLineSink {
    fn write(&mut self, r: &Rendered, take: usize) -> ObsResult<()> {
        if take == 0 {
            return Ok(());
        }
        let Some(chunk) = &r.source else {
            return Err(ObsError::Internal("raw lines without their chunk".into()));
        };
        let bytes = chunk.bytes();
        let mut marks = r.marks[..take].iter().peekable();
        while let Some(first) = marks.next() {
            let start = first.span.start;
            let mut end = first.span.end;
            while let Some(next) = marks.next_if(|m| m.span.start == end + 1) {
                end = next.span.end;
            }
            if end < bytes.len() {
                // The byte after a line inside a chunk is its newline: write it along.
                self.dest.write_all(&bytes[start..=end])?;
            } else {
                self.dest.write_all(&bytes[start..end])?;
                self.dest.write_all(b"\n")?;
            }
        }
        Ok(())
    }
    fn finish(self: Box<Self>) -> ObsResult<()> {
        self.dest.commit()
    }
    fn flush(&mut self) -> ObsResult<()> {
        Ok(self.dest.flush()?)
    }
}
