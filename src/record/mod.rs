//! A record: one input line plus the fields decoded from it, lazily.
//!
//! Stages say up front which fields they need ([`crate::decode::json::Projection`]); a record
//! decodes only those (validating the rest of the line), and decodes the whole object only when a
//! sink has to show or rewrite it.

pub mod path;
pub mod reject;
pub mod time;

use std::cell::OnceCell;

use serde_json::{Map, Value};

use crate::decode::flat::{decode_values, CellSlots};
use crate::decode::json::{decode_full, DecodeError, Projection};
pub use path::FieldPath;
pub use reject::Reject;

/// What the consumer of kept records reads of them, so a filter that needs no field either can
/// leave lines undecoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reads {
    /// Fields: every line is decoded (and so validated).
    Fields,
    /// Only the line as read (raw output, counts): any text will do, as ripgrep reads it.
    Lines,
    /// Only the record's JSON text: a parsed line's (valid as the parser wrote it) needs no
    /// decoding, an NDJSON line must still be validated.
    JsonText,
}

/// One input line and its lazily decoded fields.
pub struct Record<'a> {
    /// 0-based index of the line in its chunk.
    pub line: u64,
    /// Byte range of `raw` in its chunk.
    pub span: std::ops::Range<usize>,
    /// The line as read, without its `\n` (a `\r` before it is kept here, stripped in `json`).
    pub raw: &'a [u8],
    /// The bytes given to the JSON decoder: `raw` without a trailing `\r` or leading BOM.
    pub json: &'a [u8],
    proj: &'a Projection,
    slots: Vec<Option<Value>>,
    full: OnceCell<Result<Map<String, Value>, DecodeError>>,
}

impl<'a> Record<'a> {
    /// Decodes the projected fields of `raw`; fails when the line is not one JSON object.
    /// `cells` is the decoder's scratch, kept from line to line of a chunk.
    pub fn decode<'c: 'a>(
        line: u64,
        span: std::ops::Range<usize>,
        (raw, json): (&'c [u8], &'c [u8]),
        proj: &'a Projection,
        cells: &mut CellSlots<'c>,
        slots: Vec<Option<Value>>,
    ) -> Result<Record<'a>, (DecodeError, Vec<Option<Value>>)> {
        let mut slots = slots;
        match decode_values(json, proj, cells, &mut slots) {
            Ok(()) => Ok(Record {
                line,
                span,
                raw,
                json,
                proj,
                slots,
                full: OnceCell::new(),
            }),
            Err(e) => Err((e, slots)),
        }
    }

    /// A record of a line that is not decoded (the consumer reads only the line): any field
    /// asked for later is decoded then, from `json`.
    pub fn undecoded(
        line: u64,
        span: std::ops::Range<usize>,
        (raw, json): (&'a [u8], &'a [u8]),
        proj: &'a Projection,
        slots: Vec<Option<Value>>,
    ) -> Record<'a> {
        Record {
            line,
            span,
            raw,
            json,
            proj,
            slots,
            full: OnceCell::new(),
        }
    }

    /// Gives back the slot buffer so the next line can reuse its allocation.
    pub fn into_slots(self) -> Vec<Option<Value>> {
        self.slots
    }

    /// Value at `path`, from the projected fields when they cover it, otherwise from the full
    /// object.
    pub fn get(&self, path: &FieldPath) -> Option<&Value> {
        match path.top_level_keys() {
            // The usual path, of one top-level key: one lookup, where checking that the key is
            // projected and then walking took two (per line and per field read, that showed
            // in `aggregate`'s profile: `benches/aggregate.rs`).
            [key] => match self.proj.slot(key) {
                Some(i) => path.resolve(&|_| self.slots[i].as_ref()),
                None => path.resolve_in(self.full().ok()?),
            },
            keys if keys.iter().all(|k| self.proj.slot(k).is_some()) => {
                path.resolve(&|k| self.proj.slot(k).and_then(|i| self.slots[i].as_ref()))
            }
            _ => path.resolve_in(self.full().ok()?),
        }
    }

    /// Value of a projected top-level key (fast path for compiled expressions).
    pub fn get_projected(&self, path: &FieldPath) -> Option<&Value> {
        path.resolve(&|k| self.proj.slot(k).and_then(|i| self.slots[i].as_ref()))
    }

    /// The whole object, decoded on first use.
    pub fn full(&self) -> Result<&Map<String, Value>, &DecodeError> {
        self.full.get_or_init(|| decode_full(self.json)).as_ref()
    }
}
