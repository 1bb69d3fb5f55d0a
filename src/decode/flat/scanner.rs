//! The cursor over one line that reads a flat object into cells, checking the JSON grammar as
//! it goes (values it skips too).

use std::borrow::Cow;

use crate::decode::cell::Cell;
use crate::decode::hex::{hex_words, Hex};
use crate::decode::plain::plain_run;
use crate::decode::shape::{Seen, Target};

use super::{put, CellSlots};

use crate::decode::json::{same, Projection};

/// Deeper nesting than this is left to the serde route (whose limit, `MAX_NESTING`, decides).
const MAX_DEPTH: u32 = 64;

/// A cursor over one line. Every method returns `None` for "not sure, let serde decide".
pub(in crate::decode) struct Scanner<'a> {
    pub(in crate::decode) text: &'a str,
    pub(in crate::decode) b: &'a [u8],
    pub(in crate::decode) i: usize,
    /// The scalar values read so far, when reading a line in full (from [`CellSlots::seen`]).
    pub(in crate::decode) seen: Vec<Seen>,
}

/// Where a key string starting at `at` (at its opening quote) ends, past its closing quote,
/// when it is `key`, a key seen before (so free of escapes and control characters). Both
/// quotes are checked with the one bounds check.
// Called for every member of every line; fat LTO left it a call, and inlined into the scanner
// it saves 4% of the first pass's instructions (callgrind over `benches/trace.rs`'s
// `first_pass_rows`, 100 k span lines).
#[inline(always)]
fn key_at(b: &[u8], at: usize, key: &[u8]) -> Option<usize> {
    let n = key.len();
    match b.get(at..at + n + 2) {
        Some(t) if t[0] == b'"' && t[n + 1] == b'"' && same(&t[1..n + 1], key) => Some(at + n + 2),
        _ => None,
    }
}

impl<'a> Scanner<'a> {
    /// Records the scalar value from `start` to here for the shape (see [`Shape::learn`]).
    pub(in crate::decode) fn saw(&mut self, start: usize, target: Target) {
        self.seen.push(Seen {
            start: start as u32,
            end: self.i as u32,
            target,
        });
    }

    /// Passes over `lead` when the text here is exactly that (see [`Shape::read`]).
    pub(in crate::decode) fn lead(&mut self, lead: &[u8]) -> Option<()> {
        let end = self.i + lead.len();
        same(self.b.get(self.i..end)?, lead).then(|| self.i = end)
    }

    /// Where the scanner is.
    pub(in crate::decode) fn at(&self) -> usize {
        self.i
    }

    /// Goes back to where [`Scanner::at`] said the scanner was.
    pub(in crate::decode) fn back_to(&mut self, at: usize) {
        self.i = at;
    }

    /// True when the whole line has been read.
    pub(in crate::decode) fn at_end(&self) -> bool {
        self.i == self.b.len()
    }

    pub(in crate::decode) fn ws(&mut self) {
        // Nearly always there is none: one comparison says so.
        while let Some(&c) = self.b.get(self.i) {
            if c > b' ' || !matches!(c, b' ' | b'\t' | b'\n' | b'\r') {
                break;
            }
            self.i += 1;
        }
    }

    pub(in crate::decode) fn peek(&self) -> Option<u8> {
        self.b.get(self.i).copied()
    }

    pub(in crate::decode) fn eat(&mut self, c: u8) -> Option<()> {
        (self.peek()? == c).then(|| self.i += 1)
    }

    /// The `:` after a member's key, with any white space around it.
    pub(in crate::decode) fn colon(&mut self) -> Option<()> {
        // Compact JSON first: a colon, then the value (one bounds check for both).
        if let Some(&[b':', next]) = self.b.get(self.i..self.i + 2) {
            if next > b' ' {
                self.i += 1;
                return Some(());
            }
        }
        self.ws();
        self.eat(b':')?;
        self.ws();
        Some(())
    }

    pub(in crate::decode) fn literal(&mut self, word: &[u8]) -> Option<()> {
        let end = self.i + word.len();
        (self.b.get(self.i..end)? == word).then(|| self.i = end)
    }

    /// The top-level object, projected into `slots`, and nothing but whitespace after it.
    pub(in crate::decode) fn object(
        &mut self,
        proj: &Projection,
        slots: &mut CellSlots<'a>,
    ) -> Option<()> {
        self.ws();
        self.eat(b'{')?;
        let mut n = 0;
        self.members(b'}', |s| {
            let slot = match slots.keys.get(n) {
                Some((key, slot)) if s.key_is(key) => *slot,
                _ => {
                    s.eat(b'"')?;
                    let key = s.string()?;
                    let slot = proj.slot(key);
                    slots.learn(n, key, slot);
                    slot
                }
            };
            n += 1;
            s.colon()?;
            let Some(slot) = slot else {
                return s.skip(1);
            };
            let start = s.i;
            // The last of duplicate keys wins, as in serde_json.
            let target = if proj.is_hex(slot) {
                s.hex_or_scalar(&mut slots.cells[slot], &mut slots.hex[slot])?;
                Target::Hex(slot as u32)
            } else {
                put(&mut slots.cells[slot], s.scalar()?);
                Target::Slot(slot as u32)
            };
            s.saw(start, target);
            Some(())
        })?;
        self.ws();
        (self.i == self.b.len()).then_some(())
    }

    /// The members of an object or array whose opening bracket was just read, up to and past
    /// `close`: `member` reads one (a key and its value, or an element), and a comma or `close`
    /// must follow it.
    pub(in crate::decode) fn members(
        &mut self,
        close: u8,
        mut member: impl FnMut(&mut Self) -> Option<()>,
    ) -> Option<()> {
        self.ws();
        if self.eat(close).is_some() {
            return Some(());
        }
        loop {
            member(self)?;
            // White space is rare in log lines: look at the next byte once, and only pass
            // over white space when it is some.
            let mut c = self.peek()?;
            if c <= b' ' {
                self.ws();
                c = self.peek()?;
            }
            match c {
                b',' => {
                    self.i += 1;
                    if self.peek()? <= b' ' {
                        self.ws();
                    }
                }
                c if c == close => {
                    self.i += 1;
                    return Some(());
                }
                _ => return None,
            }
        }
    }

    /// Passes over a key string (at its opening quote) when it is `key`, a key seen before
    /// (so free of escapes and control characters).
    pub(in crate::decode) fn key_is(&mut self, key: &[u8]) -> bool {
        key_at(self.b, self.i, key)
            .map(|end| self.i = end)
            .is_some()
    }

    /// The text of a string whose opening quote was just read, up to and past its closing one.
    #[inline(always)]
    pub(in crate::decode) fn string(&mut self) -> Option<&'a str> {
        self.string_from(self.i)
    }

    /// [`Scanner::string`] for a string that started at `start`, read up to here already and
    /// plain so far.
    #[inline(always)]
    pub(in crate::decode) fn string_from(&mut self, start: usize) -> Option<&'a str> {
        self.i += plain_run(&self.b[self.i..]);
        if self.peek()? != b'"' {
            return None;
        }
        // Both ends sit next to an ASCII quote, so they are character boundaries.
        let s = &self.text[start..self.i];
        self.i += 1;
        Some(s)
    }

    /// A projected value that is usually a hex id, into `cell` and `hex`: a string of hex
    /// digits is read as a number while it is passed over, so the id's text is not read twice.
    /// Both are written in place (returning them was a copy of both per id).
    // Inlined, with anything but a string of hex digits out of line: as one call, each id
    // (three per span line) saved and restored the registers of the other readings.
    #[inline(always)]
    pub(in crate::decode) fn hex_or_scalar(
        &mut self,
        cell: &mut Option<Cell<'a>>,
        hex: &mut Hex,
    ) -> Option<()> {
        if self.peek() == Some(b'"') {
            let start = self.i + 1;
            let (value, digits) = hex_words(&self.b[start..]);
            let end = start + digits;
            if digits > 0 && self.b.get(end) == Some(&b'"') {
                // Between two ASCII quotes: character boundaries.
                put(cell, Cell::Str(Cow::Borrowed(&self.text[start..end])));
                self.i = end + 1;
                *hex = Hex {
                    value,
                    digits: digits as u8,
                };
                return Some(());
            }
        }
        self.other_than_hex(cell, hex)
    }

    /// [`Scanner::hex_or_scalar`] of a value that is no string of hex digits alone.
    #[inline(never)]
    pub(in crate::decode) fn other_than_hex(
        &mut self,
        cell: &mut Option<Cell<'a>>,
        hex: &mut Hex,
    ) -> Option<()> {
        *hex = Hex::default();
        if self.peek()? != b'"' {
            put(cell, self.scalar()?);
            return Some(());
        }
        self.i += 1;
        put(cell, Cell::Str(Cow::Borrowed(self.string()?)));
        Some(())
    }

    /// A projected value: a scalar. Objects and arrays go the serde route.
    // This, `skip_scalar`, `string` and `string_from` are inlined into their callers (the
    // shape reader above all): as calls, with a `Cell` returned through memory and registers
    // saved and restored for every value, they were 4% of `obs trace stats`' instructions and
    // 11% of `obs aggregate`'s (callgrind over `benches/trace.rs` and `benches/aggregate.rs`).
    #[inline(always)]
    pub(in crate::decode) fn scalar(&mut self) -> Option<Cell<'a>> {
        match self.peek()? {
            b'"' => {
                self.i += 1;
                Some(Cell::Str(Cow::Borrowed(self.string()?)))
            }
            b't' => self.literal(b"true").map(|()| Cell::Bool(true)),
            b'f' => self.literal(b"false").map(|()| Cell::Bool(false)),
            b'n' => self.literal(b"null").map(|()| Cell::Null),
            b'-' | b'0'..=b'9' => self.number(),
            _ => None,
        }
    }

    /// Checks and passes over any value, nested `depth` deep.
    pub(in crate::decode) fn skip(&mut self, depth: u32) -> Option<()> {
        if depth > MAX_DEPTH {
            return None;
        }
        match self.peek()? {
            b'{' => {
                self.i += 1;
                self.members(b'}', |s| {
                    s.eat(b'"')?;
                    s.string()?;
                    s.colon()?;
                    s.skip(depth + 1)
                })
            }
            b'[' => {
                self.i += 1;
                self.members(b']', |s| s.skip(depth + 1))
            }
            _ => {
                let start = self.i;
                self.skip_scalar()?;
                self.saw(start, Target::Skip);
                Some(())
            }
        }
    }

    /// Checks and passes over a scalar value.
    #[inline(always)]
    pub(in crate::decode) fn skip_scalar(&mut self) -> Option<()> {
        match self.peek()? {
            b'"' => {
                self.i += 1;
                self.string().map(|_| ())
            }
            b't' => self.literal(b"true"),
            b'f' => self.literal(b"false"),
            b'n' => self.literal(b"null"),
            // Past 19 whole digits and a two-digit exponent (1e118), a number might lie beyond
            // an f64, which makes the line invalid: rare in logs, so left to the serde route.
            b'-' | b'0'..=b'9' => self
                .number_text::<false>()
                .filter(|n| n.whole <= 19 && n.exponent_digits <= 2)
                .map(|_| ()),
            _ => None,
        }
    }
}
