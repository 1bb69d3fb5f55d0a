//! `obs grep -A/-B/-C N`: kept lines with N lines of context after and before them, from the
//! same file, as ripgrep prints them: a kept line after `:`, a context line after `-` (when
//! `-n`/`-H` prefix them), and `--` between groups that do not touch. Context lines are raw
//! lines as read, whatever they hold; a group can reach across chunks, not across files.

use std::collections::VecDeque;
use std::io::Write as _;

use super::{Destination, Render, Rendered, Sink};
use crate::error::{ObsError, ObsResult};
use crate::record::{Reads, Record, Reject};

/// The renderer that goes with [`Context`]: kept lines marked, every chunk kept for the lines
/// around them.
pub struct ContextLines;

impl Render for ContextLines {
    fn render(&self, rec: &Record, out: &mut Rendered) -> Result<(), Reject> {
        out.mark(rec, None);
        Ok(())
    }

    fn keeps_chunk(&self) -> bool {
        true
    }

    fn keeps_every_chunk(&self) -> bool {
        true
    }

    fn reads(&self) -> Reads {
        Reads::Lines
    }
}

/// A sink of raw lines with their context.
pub struct Context {
    dest: Destination,
    before: usize,
    after: usize,
    name: bool,
    number: bool,
    origin: String,
    source: Option<String>,
    lines_before: u64,
    /// The last lines not written, for the next kept line's before-context: (number, bytes).
    recent: VecDeque<(u64, Vec<u8>)>,
    /// Lines still owed as after-context.
    owed: usize,
    /// The number of the last line written in the current source.
    last: Option<u64>,
    /// Whether anything was written yet (for the `--` between groups).
    wrote: bool,
}

impl Context {
    /// Writes to `dest` with `before` and `after` lines of context, prefixed with the file's
    /// name and the line number when asked.
    pub fn new(
        dest: Destination,
        before: usize,
        after: usize,
        name: bool,
        number: bool,
    ) -> Context {
        Context {
            dest,
            before,
            after,
            name,
            number,
            origin: String::new(),
            source: None,
            lines_before: 0,
            recent: VecDeque::new(),
            owed: 0,
            last: None,
            wrote: false,
        }
    }

    /// Writes line `n` (1-based), kept (`:`) or context (`-`), after `--` when it does not
    /// follow the last line written.
    fn line(&mut self, n: u64, bytes: &[u8], kept: bool) -> ObsResult<()> {
        if self.wrote && self.last.is_none_or(|l| l + 1 != n) {
            self.dest.write_all(b"--\n")?;
        }
        super::prefixed::prefix(
            &mut self.dest,
            self.name.then_some(self.origin.as_str()),
            self.number.then_some(n),
            if kept { ':' } else { '-' },
        )?;
        self.dest.write_all(bytes)?;
        self.dest.write_all(b"\n")?;
        self.last = Some(n);
        self.wrote = true;
        Ok(())
    }
}

impl Sink for Context {
    fn write(&mut self, r: &Rendered, take: usize) -> ObsResult<()> {
        let Some(chunk) = &r.source else {
            return Err(ObsError::Internal(
                "context lines without their chunk".into(),
            ));
        };
        let bytes = chunk.bytes();
        let mut kept = r.marks[..take].iter().map(|m| m.line).peekable();
        let mut start = 0;
        let mut i = 0u64;
        while start < bytes.len() {
            let end = memchr::memchr(b'\n', &bytes[start..]).map_or(bytes.len(), |e| start + e);
            let text = &bytes[start..end];
            let n = self.lines_before + i + 1;
            if kept.next_if_eq(&i).is_some() {
                while let Some((m, line)) = self.recent.pop_front() {
                    self.line(m, &line, false)?;
                }
                self.line(n, text, true)?;
                self.owed = self.after;
            } else if self.owed > 0 {
                self.line(n, text, false)?;
                self.owed -= 1;
            } else if self.before > 0 {
                if self.recent.len() == self.before {
                    self.recent.pop_front();
                }
                self.recent.push_back((n, text.to_vec()));
            }
            start = end + 1;
            i += 1;
        }
        Ok(())
    }

    fn origin(&mut self, name: &str, lines_before: u64) {
        if self.source.as_deref() != Some(name) {
            // Context never reaches into another file.
            self.source = Some(name.to_string());
            self.recent.clear();
            self.owed = 0;
            self.last = None;
        }
        name.clone_into(&mut self.origin);
        self.lines_before = lines_before;
    }

    fn flush(&mut self) -> ObsResult<()> {
        Ok(self.dest.flush()?)
    }

    fn finish(self: Box<Self>) -> ObsResult<()> {
        self.dest.commit()
    }
}
