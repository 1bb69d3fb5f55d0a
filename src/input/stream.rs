//! Streamed input (stdin, gzip, zstd, `--no-mmap`): read into buffers and cut at the last newline.
//!
//! A live source (plain stdin or a FIFO: `tail -f app.log | obs grep …`) is read by a thread of
//! its own, and when it has been idle for [`IDLE`], the complete lines read so far are handed on
//! at once instead of waiting for a full chunk, so a match is printed soon after it arrives.

use std::io::{BufRead, Read};
use std::path::PathBuf;
use std::time::Duration;

use crossbeam_channel::{Receiver, RecvTimeoutError};

use super::{peek_head, Compression};
use crate::error::ObsError;

/// Cuts a byte stream into chunks of whole lines.
pub(super) struct StreamCutter {
    name: PathBuf,
    reader: Box<dyn Read + Send>,
    compression: Compression,
    chunk_size: usize,
    /// Of a line longer than this, only this many bytes and one more are kept.
    max_line: usize,
    carry: Vec<u8>,
    decoded: u64,
    eof: bool,
    pending_error: Option<ObsError>,
    /// For a live source: the blocks its reading thread has read.
    pump: Option<Receiver<std::io::Result<Vec<u8>>>>,
}

/// How long a live source may be quiet before the lines read so far are handed on.
pub(super) const IDLE: Duration = Duration::from_millis(50);

/// Reads `reader` on a thread of its own, in blocks, into a bounded channel (1 MiB in flight);
/// an empty block is the end. The thread ends at the end, at an error, or when the cutter is
/// gone; blocked in a read at exit, it ends with the process.
fn pump(mut reader: Box<dyn Read + Send>) -> Receiver<std::io::Result<Vec<u8>>> {
    let (tx, rx) = crossbeam_channel::bounded(16);
    let spawned = std::thread::Builder::new()
        .name("obs-stdin".into())
        .spawn(move || loop {
            let mut block = vec![0u8; 1 << 16];
            match read_some(&mut reader, &mut block) {
                Ok(n) => {
                    block.truncate(n);
                    if tx.send(Ok(block)).is_err() || n == 0 {
                        return;
                    }
                }
                Err(e) => {
                    let _ = tx.send(Err(e));
                    return;
                }
            }
        });
    if let Err(e) = spawned {
        let (tx, rx) = crossbeam_channel::bounded(1);
        let _ = tx.send(Err(e));
        return rx;
    }
    rx
}

impl StreamCutter {
    /// Wraps `reader`, decompressing it if its first bytes say gzip or zstd.
    pub(super) fn new(
        name: PathBuf,
        mut reader: Box<dyn BufRead + Send>,
        chunk_size: usize,
        max_line: usize,
        live: bool,
    ) -> Result<Self, ObsError> {
        let head = peek_head(&mut reader).map_err(|e| ObsError::io(&name, e))?;
        let compression = Compression::sniff(&head);
        // Compressed input comes in blocks the decoder must fill: only plain text is live.
        let live = live && compression == Compression::None;
        let reader: Box<dyn Read + Send> = match compression {
            Compression::None => reader,
            Compression::Gzip => Box::new(flate2::bufread::MultiGzDecoder::new(reader)),
            Compression::Zstd => Box::new(
                zstd::stream::read::Decoder::with_buffer(reader)
                    .map_err(|e| ObsError::io(&name, e))?,
            ),
        };
        let (reader, pump): (Box<dyn Read + Send>, _) = if live {
            (Box::new(std::io::empty()), Some(pump(reader)))
        } else {
            (reader, None)
        };
        Ok(StreamCutter {
            name,
            reader,
            pump,
            compression,
            chunk_size,
            max_line,
            carry: Vec::new(),
            decoded: 0,
            eof: false,
            pending_error: None,
        })
    }

    fn damaged(&self, source: std::io::Error) -> ObsError {
        match self.compression {
            Compression::None => ObsError::io(&self.name, source),
            Compression::Gzip | Compression::Zstd => ObsError::Damaged {
                path: self.name.clone(),
                what: if self.compression == Compression::Gzip {
                    "gzip"
                } else {
                    "zstd"
                },
                bytes: self.decoded,
                cause: source,
            },
        }
    }

    /// The next chunk; on a read error, the bytes read so far come first (the damaged tail
    /// as a last, unterminated line) and the error after them, so nothing read is lost.
    pub(super) fn next_chunk(&mut self) -> Result<Option<Vec<u8>>, ObsError> {
        if let Some(e) = self.pending_error.take() {
            return Err(e);
        }
        if self.eof {
            return Ok(None);
        }
        let mut buf = std::mem::take(&mut self.carry);
        let mut scanned = 0;
        loop {
            if buf.len() >= self.chunk_size {
                if let Some(nl) = memchr::memrchr(b'\n', &buf[scanned..]) {
                    self.carry = buf.split_off(scanned + nl + 1);
                    return Ok(Some(buf));
                }
                // One line longer than a chunk: keep reading until it ends.
                scanned = buf.len();
                if buf.len() > self.max_line {
                    // The whole buffer is that one line (a chunk starts a line): keep what
                    // shows it is too long, and pass over the rest of it.
                    buf.truncate(self.max_line + 1);
                    return self.skip_rest_of_line(buf).map(Some);
                }
            }
            // Grow in bounded steps: a huge --chunk-size must not mean a huge zeroed buffer up front.
            let want = self
                .chunk_size
                .saturating_sub(buf.len())
                .clamp(1 << 16, 1 << 20);
            match self.fill(&mut buf, want) {
                Block::More => {}
                Block::Idle => {
                    // A live source gone quiet: hand on the complete lines read so far.
                    if let Some(nl) = memchr::memrchr(b'\n', &buf) {
                        self.carry = buf.split_off(nl + 1);
                        return Ok(Some(buf));
                    }
                }
                Block::End => {
                    self.eof = true;
                    return Ok((!buf.is_empty()).then_some(buf));
                }
                Block::Failed(e) => {
                    self.eof = true;
                    let err = self.damaged(e);
                    if buf.is_empty() {
                        return Err(err);
                    }
                    self.pending_error = Some(err);
                    return Ok(Some(buf));
                }
            }
        }
    }
}

/// What reading the source gave.
enum Block {
    /// Bytes, appended to the buffer.
    More,
    /// Nothing for [`IDLE`] (live sources only).
    Idle,
    /// The end of the input.
    End,
    /// A read error.
    Failed(std::io::Error),
}

impl StreamCutter {
    /// Appends the source's next bytes to `buf`: at most `want` read from a plain source, or
    /// the next block of a live one, waiting for it at most [`IDLE`].
    fn fill(&mut self, buf: &mut Vec<u8>, want: usize) -> Block {
        if let Some(rx) = &self.pump {
            return match rx.recv_timeout(IDLE) {
                Ok(Ok(block)) if block.is_empty() => Block::End,
                Ok(Ok(block)) => {
                    self.decoded += block.len() as u64;
                    buf.extend_from_slice(&block);
                    Block::More
                }
                Ok(Err(e)) => Block::Failed(e),
                Err(RecvTimeoutError::Timeout) => Block::Idle,
                Err(RecvTimeoutError::Disconnected) => Block::End,
            };
        }
        let old = buf.len();
        buf.resize(old + want, 0);
        match read_some(&mut self.reader, &mut buf[old..]) {
            Ok(0) => {
                buf.truncate(old);
                Block::End
            }
            Ok(n) => {
                buf.truncate(old + n);
                self.decoded += n as u64;
                Block::More
            }
            Err(e) => {
                buf.truncate(old);
                Block::Failed(e)
            }
        }
    }

    /// Reads and drops bytes up to the end of the current line; `buf` (its kept head) is
    /// returned as one chunk with the line's `\n`, and what follows the line is carried on.
    fn skip_rest_of_line(&mut self, mut buf: Vec<u8>) -> Result<Vec<u8>, ObsError> {
        let mut block = Vec::with_capacity(1 << 16);
        loop {
            block.clear();
            match self.fill(&mut block, 1 << 16) {
                Block::More => {
                    if let Some(nl) = memchr::memchr(b'\n', &block) {
                        buf.push(b'\n');
                        self.carry = block[nl + 1..].to_vec();
                        return Ok(buf);
                    }
                }
                Block::Idle => {}
                Block::End => {
                    self.eof = true;
                    return Ok(buf);
                }
                Block::Failed(e) => {
                    self.eof = true;
                    self.pending_error = Some(self.damaged(e));
                    return Ok(buf);
                }
            }
        }
    }
}

/// Reads at least one byte unless at end, retrying on interruption.
fn read_some(r: &mut dyn Read, buf: &mut [u8]) -> std::io::Result<usize> {
    loop {
        match r.read(buf) {
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            other => return other,
        }
    }
}
