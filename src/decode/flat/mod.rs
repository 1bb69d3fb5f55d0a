//! A fast path for the common shape of a log line: one flat JSON object whose projected values
//! are strings without escapes, numbers, booleans or null.
//!
//! The serde route ([`decode_projected_as`]) pays for generality on every key: a seed, a
//! visitor, a dispatch per value. In the first pass of `obs trace` that was nearly half of the
//! CPU (`benches/decode.rs` sets the two routes side by side). This scanner reads such a line directly into [`Cell`]s, checking the whole line against
//! the JSON grammar as it goes (skipped values too). A line is first read through the shapes
//! of the lines read in full before it (module `shape`); when it has none of them, it is read
//! key by key, and teaches its shape.
//!
//! It only ever *accepts*: a line it is not sure of (an escape anywhere, a projected value that
//! is an object or array, a number it would have to round differently, anything that is not
//! valid JSON) is handed to the serde route, which decides and words the error. So what a line
//! decodes to, and whether it is rejected, is the serde route's answer either way; a
//! differential test holds the two to that.
//!
//! The scanner is in `scanner.rs`; its number reading, eight digits at a time, in `number.rs`.

mod number;
mod scanner;
#[cfg(test)]
mod tests;

use super::cell::Cell;
use super::hex::Hex;
use super::shape::{Seen, Shape};
use serde_json::Value;

use super::json::{
    check_utf8, decode_projected, decode_projected_as, reset, DecodeError, Projection,
};
pub(in crate::decode) use scanner::Scanner;

/// The projected cells of a line, and what the last line taught about key order. Use one per
/// projection (a worker keeps one per chunk).
#[derive(Debug, Default)]
pub struct CellSlots<'a> {
    /// The projected values, in slot order; read through [`CellSlots::cells`].
    cells: Vec<Option<Cell<'a>>>,
    /// True when no cell owns anything (the fast path fills cells with borrowed strings and
    /// scalars only): the next line's reset then writes `None` over them without running drop
    /// code for every slot, which was a twentieth of the scanner's instructions (callgrind over
    /// `benches/decode.rs`'s span lines).
    borrowed_only: bool,
    /// The last line's top-level keys in order, with their slots: lines from one producer repeat
    /// their key order, so a key is usually recognised by comparing it with the key at the same
    /// place last time, without scanning it for its end or looking it up (that was a fifth of
    /// the scanner's time).
    keys: Vec<(Vec<u8>, Option<usize>)>,
    /// For slots the projection marks as hex: the string just put in the slot's cell read as
    /// hex digits, when it is nothing else. Written with the cell by the fast path, cleared
    /// when a line goes the serde route; read through [`CellSlots::hex`].
    hex: Vec<Hex>,
    /// The shapes of the lines read in full, tried first on every line.
    shape: Shape,
    /// Scratch for the scalar values of a line read in full, which its shape is learnt from.
    seen: Vec<Seen>,
}

impl<'a> CellSlots<'a> {
    /// The projected values of the last line decoded, in slot order.
    pub fn cells(&self) -> &[Option<Cell<'a>>] {
        &self.cells
    }

    /// Empties the cells into `n` slots for the fast path to fill.
    fn reset(&mut self, n: usize) {
        if self.borrowed_only && self.cells.len() == n {
            // Nothing to free: forgetting a borrowed or scalar cell leaks nothing.
            for c in &mut self.cells {
                std::mem::forget(c.take());
            }
        } else {
            reset(&mut self.cells, n);
        }
        self.borrowed_only = true;
    }

    /// Remembers `key` (with `slot`) as the `n`th key of the line.
    fn learn(&mut self, n: usize, key: &str, slot: Option<usize>) {
        if n == self.keys.len() {
            self.keys.push((Vec::new(), None));
        }
        let (k, s) = &mut self.keys[n];
        k.clear();
        k.extend_from_slice(key.as_bytes());
        *s = slot;
    }

    /// The hex reading of `slot`'s value: `digits` is 0 unless the projection marks the slot
    /// as hex and the value is a string of 8, 16, 24 or 32 hex digits (and nothing else).
    pub fn hex(&self, slot: usize) -> Hex {
        match self.cells.get(slot) {
            Some(Some(Cell::Str(_))) => self.hex.get(slot).copied().unwrap_or_default(),
            _ => Hex::default(),
        }
    }
}

/// Decodes `line` into `slots.cells` exactly as [`decode_projected_as`] would, taking the fast
/// path when the line allows it.
pub fn decode_cells<'a>(
    line: &'a [u8],
    proj: &Projection,
    slots: &mut CellSlots<'a>,
) -> Result<(), DecodeError> {
    if scan(line, proj, slots) {
        return Ok(());
    }
    slots.hex.fill(Hex::default());
    slots.borrowed_only = false;
    decode_projected_as(line, proj, &mut slots.cells)
}

/// Decodes `line` into `values` exactly as [`decode_projected`] would, through the fast path
/// when the line allows it (`cells` is its scratch, kept across the lines of a chunk): for the
/// many-keyed lines `grep` and `aggregate` read, looking each key up and skipping values through
/// serde was most of their time.
pub fn decode_values<'a>(
    line: &'a [u8],
    proj: &Projection,
    cells: &mut CellSlots<'a>,
    values: &mut Vec<Option<Value>>,
) -> Result<(), DecodeError> {
    if !scan(line, proj, cells) {
        return decode_projected(line, proj, values);
    }
    values.clear();
    values.extend(cells.cells.iter().map(|c| c.as_ref().map(Cell::to_value)));
    Ok(())
}

/// The fast path alone: true when it decoded the line into `slots`; false when the line must
/// go the serde route (the cells then hold nothing meaningful).
fn scan<'a>(line: &'a [u8], proj: &Projection, slots: &mut CellSlots<'a>) -> bool {
    slots.reset(proj.len());
    if slots.hex.len() != proj.len() {
        slots.hex = vec![Hex::default(); proj.len()];
    }
    let Ok(text) = check_utf8(line) else {
        return false;
    };
    let mut s = Scanner {
        text,
        b: text.as_bytes(),
        i: 0,
        seen: std::mem::take(&mut slots.seen),
    };
    if slots.shape.ready() {
        if slots
            .shape
            .read(&mut s, &mut slots.cells, &mut slots.hex)
            .is_some()
        {
            slots.shape.hit();
            slots.seen = s.seen;
            return true;
        }
        slots.shape.miss();
        // Only borrowed and scalar cells were written: the reset stays cheap.
        slots.reset(proj.len());
        s.i = 0;
    }
    s.seen.clear();
    let taken = s.object(proj, slots).is_some();
    if taken && slots.shape.learning() {
        slots.shape.learn(line, &s.seen);
    }
    slots.seen = s.seen;
    taken
}

/// Puts `value` in `cell`, which holds nothing or what an earlier value of this line put there
/// (a duplicate key): borrowed text or a scalar, which own nothing, so they are forgotten
/// without running drop code for every value.
pub(super) fn put<'a>(cell: &mut Option<Cell<'a>>, value: Cell<'a>) {
    std::mem::forget(cell.replace(value));
}
