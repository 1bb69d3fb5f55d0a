//! Selective JSON decoding: validate a whole line but materialise only the top-level keys a stage
//! asked for. Every other value is checked by `Strict` without being kept, so a filter on
//! `level` does not pay for the 40 other fields of a payment log.
//!
//! **One definition of a valid line**, whatever a stage reads: the one of a full decode by
//! serde_json into a `Value`. A line is valid when it is UTF-8, one JSON object, nested at most
//! [`MAX_NESTING`] deep, with no lone surrogate escape (`"\ud800"`) and no number beyond an
//! f64's range (`1e400`). serde_json's own `IgnoredAny` checks none of the last three in the
//! values it skips (nor did sonic-rs's, which also recursed without bound), so a line was
//! valid or not depending on the query; `Strict` checks them all. The fast path of module
//! `flat` hands every line it is unsure of to this route, so both answer alike.

use std::fmt;

use serde::de::{Deserialize, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

/// Why a line is not a usable JSON record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError(pub String);

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DecodeError {}

/// How deeply a line's arrays and objects may nest, the line's own object included:
/// serde_json's limit (it refuses the 128th level), so a full decode (`decode_full`) and a
/// projected one agree, and no hostile line can exhaust a stack.
pub const MAX_NESTING: usize = 127;

fn describe(err: &serde_json::Error) -> DecodeError {
    // serde_json says "at line 1 column N"; a record is one line, so keep only the column.
    let msg = err.to_string();
    if msg.starts_with("recursion limit exceeded") {
        return DecodeError(format!(
            "invalid JSON: nested deeper than {MAX_NESTING} levels at column {}",
            err.column()
        ));
    }
    if msg.starts_with("not a JSON object") {
        // Our own message from the top-level visitor: it names the problem already.
        let end = msg.find(" at line ").unwrap_or(msg.len());
        return DecodeError(msg[..end].to_string());
    }
    let msg = match msg.rfind(" at line ") {
        Some(i) => format!("{} at column {}", &msg[..i], err.column()),
        None => msg,
    };
    DecodeError(format!("invalid JSON: {msg}"))
}

/// The top-level keys a stage needs, in slot order.
#[derive(Debug, Clone, Default)]
pub struct Projection {
    keys: Vec<String>,
    /// Length, first and last byte of each key.
    sigs: Vec<u32>,
    /// Every key of every line is looked up here: an open-addressed table from a key's
    /// signature to its slot + 1 (0: empty), so a lookup costs one multiply and, for a key
    /// that is projected, one short comparison; a linear search over the keys was a tenth of
    /// the first pass of `obs trace` (`benches/trace.rs`).
    table: Vec<u16>,
    /// Slots whose values are usually hex ids (trace and span ids): the fast path reads their
    /// digits as it passes over them (see [`super::flat::CellSlots::hex`]).
    hex: Vec<bool>,
}

fn signature(key: &[u8]) -> u32 {
    let (first, last) = (key.first().copied(), key.last().copied());
    (key.len() as u32) << 16 | u32::from(first.unwrap_or(0)) << 8 | u32::from(last.unwrap_or(0))
}

/// Where `sig` starts probing in a table of `len` (a power of two) entries.
fn bucket(sig: u32, len: usize) -> usize {
    (sig.wrapping_mul(0x9E37_79B1) >> 16) as usize & (len - 1)
}

/// Equality of two byte strings, without a call to `memcmp` for the short keys of log lines
/// (the call was most of a key lookup).
pub(crate) fn same(a: &[u8], b: &[u8]) -> bool {
    fn word(s: &[u8], at: usize) -> u64 {
        let mut w = [0u8; 8];
        w.copy_from_slice(&s[at..at + 8]);
        u64::from_ne_bytes(w)
    }
    fn half(s: &[u8], at: usize) -> u32 {
        let mut w = [0u8; 4];
        w.copy_from_slice(&s[at..at + 4]);
        u32::from_ne_bytes(w)
    }
    match a.len() {
        n if n != b.len() => false,
        n @ 0..=3 => (0..n).all(|i| a[i] == b[i]),
        // Two overlapping words cover 4 to 7 bytes, and 8 to 16; four cover up to 32 (the
        // text between two values of a line, with a key or two in it).
        n @ 4..=7 => half(a, 0) == half(b, 0) && half(a, n - 4) == half(b, n - 4),
        n @ 8..=16 => word(a, 0) == word(b, 0) && word(a, n - 8) == word(b, n - 8),
        n @ 17..=32 => {
            word(a, 0) == word(b, 0)
                && word(a, 8) == word(b, 8)
                && word(a, n - 16) == word(b, n - 16)
                && word(a, n - 8) == word(b, n - 8)
        }
        _ => a == b,
    }
}

impl Projection {
    /// A projection of these keys (duplicates ignored).
    pub fn new<I: IntoIterator<Item = String>>(keys: I) -> Self {
        let mut p = Projection::default();
        for k in keys {
            p.add(k);
        }
        p
    }

    /// Adds a key, returning its slot.
    pub fn add(&mut self, key: String) -> usize {
        if let Some(i) = self.slot(&key) {
            return i;
        }
        self.sigs.push(signature(key.as_bytes()));
        self.keys.push(key);
        self.hex.push(false);
        // Rebuilt on every add (keys are added once, at set-up), at most a quarter full.
        let len = (self.keys.len() * 4).next_power_of_two().max(16);
        self.table = vec![0; len];
        for (i, &sig) in self.sigs.iter().enumerate() {
            let mut b = bucket(sig, len);
            while self.table[b] != 0 {
                b = (b + 1) & (len - 1);
            }
            self.table[b] = i as u16 + 1;
        }
        self.keys.len() - 1
    }

    /// The slot of `key`, if projected.
    pub fn slot(&self, key: &str) -> Option<usize> {
        if self.table.is_empty() {
            return None;
        }
        let sig = signature(key.as_bytes());
        let len = self.table.len();
        let mut b = bucket(sig, len);
        loop {
            let e = self.table[b];
            if e == 0 {
                return None;
            }
            let i = usize::from(e - 1);
            if self.sigs[i] == sig && same(self.keys[i].as_bytes(), key.as_bytes()) {
                return Some(i);
            }
            b = (b + 1) & (len - 1);
        }
    }

    /// Number of projected keys.
    pub fn len(&self) -> usize {
        self.keys.len()
    }

    /// Marks `slot` as usually holding a hex id, to be read as a number on the way.
    pub fn mark_hex(&mut self, slot: usize) {
        self.hex[slot] = true;
    }

    /// True when `slot` is marked as holding hex ids.
    pub fn is_hex(&self, slot: usize) -> bool {
        self.hex[slot]
    }

    /// True when nothing is projected (the line is still validated).
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }
}

/// Decodes `line` (one JSON object), storing projected values into `slots` (resized to the
/// projection) and validating the rest. Duplicate keys: the last one wins, as in `serde_json`.
pub fn decode_projected(
    line: &[u8],
    proj: &Projection,
    slots: &mut Vec<Option<Value>>,
) -> Result<(), DecodeError> {
    decode_projected_as(line, proj, slots)
}

/// [`decode_projected`] into any deserializable type, such as a [`super::cell::Cell`] that
/// borrows its strings from the line instead of allocating a `Value` per field.
pub fn decode_projected_as<'de, T: Deserialize<'de>>(
    line: &'de [u8],
    proj: &Projection,
    slots: &mut Vec<Option<T>>,
) -> Result<(), DecodeError> {
    reset(slots, proj.len());
    // serde_json checks UTF-8 only in the strings it materialises; the whole line is checked.
    check_utf8(line)?;
    let mut de = serde_json::Deserializer::from_slice(line);
    de.deserialize_any(TopVisitor { proj, slots })
        .map_err(|e| describe(&e))?;
    de.end().map_err(|e| describe(&e))
}

/// Empties `slots` into `n` slots, keeping its allocation.
pub(crate) fn reset<T>(slots: &mut Vec<Option<T>>, n: usize) {
    if slots.len() == n {
        // Overwriting in place drops only what the last line left, without a second pass.
        slots.iter_mut().for_each(|s| *s = None);
    } else {
        slots.clear();
        slots.resize_with(n, || None);
    }
}

/// JSON text is UTF-8. serde_json checks that only in the values it materialises, so skipped
/// values are checked here: a line with invalid bytes anywhere is rejected, never passed on.
pub(crate) fn check_utf8(line: &[u8]) -> Result<&str, DecodeError> {
    // simdutf8 checks ASCII-heavy lines several times faster than std (its own benches); std
    // finds the column
    // of a bad byte for the message.
    simdutf8::basic::from_utf8(line).or_else(|_| {
        std::str::from_utf8(line)
            .map_err(|e| DecodeError(format!("invalid UTF-8 at column {}", e.valid_up_to() + 1)))
    })
}

/// Decodes the whole line as one JSON object, keeping key order.
pub fn decode_full(line: &[u8]) -> Result<Map<String, Value>, DecodeError> {
    match decode_value(line)? {
        Value::Object(map) => Ok(map),
        other => Err(not_object(&other)),
    }
}

/// Decodes the whole line as one JSON value of any kind (an OTLP envelope, a Zipkin array).
pub fn decode_value(line: &[u8]) -> Result<Value, DecodeError> {
    check_utf8(line)?;
    serde_json::from_slice::<Value>(line).map_err(|e| describe(&e))
}

fn not_object(v: &Value) -> DecodeError {
    let kind = match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    };
    DecodeError(format!("not a JSON object (the line is {kind})"))
}

struct TopVisitor<'p, 's, T> {
    proj: &'p Projection,
    slots: &'s mut Vec<Option<T>>,
}

impl<'de, T: Deserialize<'de>> Visitor<'de> for TopVisitor<'_, '_, T> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(slot) = map.next_key_seed(KeySeed { proj: self.proj })? {
            match slot {
                Some(i) => self.slots[i] = Some(map.next_value::<T>()?),
                None => {
                    map.next_value::<Strict>()?;
                }
            }
        }
        Ok(())
    }

    fn visit_bool<E: serde::de::Error>(self, _: bool) -> Result<(), E> {
        Err(E::custom("not a JSON object (the line is a boolean)"))
    }
    fn visit_i64<E: serde::de::Error>(self, _: i64) -> Result<(), E> {
        Err(E::custom("not a JSON object (the line is a number)"))
    }
    fn visit_u64<E: serde::de::Error>(self, _: u64) -> Result<(), E> {
        Err(E::custom("not a JSON object (the line is a number)"))
    }
    fn visit_f64<E: serde::de::Error>(self, _: f64) -> Result<(), E> {
        Err(E::custom("not a JSON object (the line is a number)"))
    }
    fn visit_str<E: serde::de::Error>(self, _: &str) -> Result<(), E> {
        Err(E::custom("not a JSON object (the line is a string)"))
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<(), E> {
        Err(E::custom("not a JSON object (the line is null)"))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<(), A::Error> {
        Err(serde::de::Error::custom(
            "not a JSON object (the line is an array)",
        ))
    }
}

/// A value checked as a full decode would check it, and not kept: strings are read (escapes
/// decoded, so a lone surrogate is refused), numbers parsed (so one beyond an f64 is refused)
/// and nesting counted by the deserializer's limit. Plain strings are borrowed, never copied.
struct Strict;

impl<'de> Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Strict, D::Error> {
        d.deserialize_any(StrictVisitor)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Strict;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_bool<E>(self, _: bool) -> Result<Strict, E> {
        Ok(Strict)
    }
    fn visit_i64<E>(self, _: i64) -> Result<Strict, E> {
        Ok(Strict)
    }
    fn visit_u64<E>(self, _: u64) -> Result<Strict, E> {
        Ok(Strict)
    }
    fn visit_f64<E>(self, _: f64) -> Result<Strict, E> {
        Ok(Strict)
    }
    fn visit_str<E>(self, _: &str) -> Result<Strict, E> {
        Ok(Strict)
    }
    fn visit_borrowed_str<E>(self, _: &'de str) -> Result<Strict, E> {
        Ok(Strict)
    }
    fn visit_unit<E>(self) -> Result<Strict, E> {
        Ok(Strict)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Strict, A::Error> {
        while seq.next_element::<Strict>()?.is_some() {}
        Ok(Strict)
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Strict, A::Error> {
        while map.next_key::<Strict>()?.is_some() {
            map.next_value::<Strict>()?;
        }
        Ok(Strict)
    }
}

/// Maps a key to its slot without allocating when the key has no escapes.
struct KeySeed<'p> {
    proj: &'p Projection,
}

impl<'de> DeserializeSeed<'de> for KeySeed<'_> {
    type Value = Option<usize>;
    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Option<usize>, D::Error> {
        d.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for KeySeed<'_> {
    type Value = Option<usize>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a key")
    }
    fn visit_str<E>(self, v: &str) -> Result<Option<usize>, E> {
        Ok(self.proj.slot(v))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn projects_only_requested_keys() {
        let p = Projection::new(["b".to_string(), "z".to_string()]);
        let mut slots = Vec::new();
        decode_projected(br#"{"a":[1,{"x":2}],"b":"v","c":null}"#, &p, &mut slots).expect("ok");
        assert_eq!(slots, vec![Some(json!("v")), None]);
    }

    #[test]
    fn slots_are_found_for_every_key_and_only_those() {
        let keys: Vec<String> = (0..300)
            .map(|i| format!("k{i}_{}", "x".repeat(i % 19)))
            .collect();
        let p = Projection::new(keys.clone());
        for (i, k) in keys.iter().enumerate() {
            assert_eq!(p.slot(k), Some(i), "{k}");
            // Same length, first and last byte: only the comparison tells them apart.
            let mut near = k.clone().into_bytes();
            near[1] = b'#';
            assert_eq!(p.slot(&String::from_utf8(near).expect("ascii")), None);
        }
        assert_eq!(p.slot(""), None);
        assert_eq!(Projection::default().slot("a"), None);
    }

    #[test]
    fn same_is_byte_equality() {
        let text = b"trace_id.span_id.parent_span_id.service";
        for a in 0..text.len() {
            for b in a..text.len() {
                for c in 0..text.len() - (b - a) {
                    let (x, y) = (&text[a..b], &text[c..c + (b - a)]);
                    assert_eq!(same(x, y), x == y, "{x:?} {y:?}");
                }
            }
        }
        assert!(!same(b"ab", b"abc"));
        // One byte different, wherever it is, at every length the words cover and past them.
        for n in 0..=70usize {
            let a: Vec<u8> = (0..n as u8).map(|i| b'a' + i % 26).collect();
            assert!(!same(&a, &a[..n.saturating_sub(1)]) || n == 0);
            assert!(same(&a, &a.clone()));
            for i in 0..n {
                let mut b = a.clone();
                b[i] ^= 1;
                assert!(!same(&a, &b), "{n} {i}");
            }
        }
    }

    #[test]
    fn escaped_keys_match() {
        let p = Projection::new(["level".to_string()]);
        let mut slots = Vec::new();
        decode_projected(br#"{"lev\u0065l":"ERROR"}"#, &p, &mut slots).expect("ok");
        assert_eq!(slots, vec![Some(json!("ERROR"))]);
    }

    #[test]
    fn rejects_bad_lines_with_reasons() {
        let p = Projection::new(["a".to_string()]);
        let mut s = Vec::new();
        let cases: &[(&[u8], &str)] = &[
            (br#"{"a":1"#, "invalid JSON"),
            (br#"{"a":1} x"#, "trailing characters"),
            (b"[1,2]", "not a JSON object (the line is an array)"),
            (b"42", "not a JSON object (the line is a number)"),
            (b"{\"a\":\"\xff\"}", "invalid UTF-8 at column 7"),
            (b"{\"b\":\"\xff\",\"a\":1}", "invalid UTF-8 at column 7"),
            (br#"{"b":tru}"#, "invalid JSON"),
        ];
        for (line, want) in cases {
            let err = decode_projected(line, &p, &mut s).expect_err("must fail");
            assert!(err.0.contains(want), "{err} !~ {want}");
            assert!(decode_full(line).is_err());
        }
    }
}
