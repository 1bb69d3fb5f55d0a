//! `obs grep -H/-n`: each kept record's output line after its file's name and its line number
//! (`name:12:…`), as ripgrep prints them. Kept lines are still written as read.

use std::io::Write as _;

use super::{Destination, Rendered, Sink};
use crate::error::{ObsError, ObsResult};

/// A sink of raw or rendered lines, each after its prefix.
pub struct Prefixed {
    dest: Destination,
    name: bool,
    number: bool,
    origin: String,
    lines_before: u64,
}

impl Prefixed {
    /// Writes to `dest`, each line after its file's name (`name`) and line number (`number`).
    pub fn new(dest: Destination, name: bool, number: bool) -> Prefixed {
        Prefixed {
            dest,
            name,
            number,
            origin: String::new(),
            lines_before: 0,
        }
    }

    fn prefix(&mut self, line: u64) -> ObsResult<()> {
        let number = self.lines_before + line + 1;
        prefix(
            &mut self.dest,
            self.name.then_some(self.origin.as_str()),
            self.number.then_some(number),
            ':',
        )
    }
}

/// Writes `name` and `number`, each followed by `sep` (`:` before a kept line, `-` before a
/// context line), as ripgrep and GNU grep print them.
pub(super) fn prefix(
    dest: &mut Destination,
    name: Option<&str>,
    number: Option<u64>,
    sep: char,
) -> ObsResult<()> {
    if let Some(name) = name {
        write!(dest, "{name}{sep}")?;
    }
    if let Some(n) = number {
        write!(dest, "{n}{sep}")?;
    }
    Ok(())
}

impl Sink for Prefixed {
    fn write(&mut self, r: &Rendered, take: usize) -> ObsResult<()> {
        let mut start = 0;
        for m in &r.marks[..take] {
            self.prefix(m.line)?;
            match &r.source {
                // Raw lines: the line as read, from its chunk.
                Some(chunk) if r.buf.is_empty() => {
                    let bytes = chunk
                        .bytes()
                        .get(m.span.clone())
                        .ok_or_else(|| ObsError::Internal("a mark outside its chunk".into()))?;
                    self.dest.write_all(bytes)?;
                    self.dest.write_all(b"\n")?;
                }
                // Rendered records: the bytes up to the record's end.
                _ => {
                    self.dest.write_all(&r.buf[start..m.end])?;
                    start = m.end;
                }
            }
        }
        Ok(())
    }

    fn origin(&mut self, name: &str, lines_before: u64) {
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
