//! Trace and span ids as fixed-width integers.
//!
//! Hex ids (W3C, OTLP, Jaeger, Zipkin; any case, with or without leading zeros) are stored as
//! their numeric value, so `00000000000000000000000000000011`, `11` and an upper-case OTLP id
//! name the same trace, as they do in Jaeger. Other ids (`"test1-trace"`) are hashed with xxh3
//! and their text is kept in [`IdNames`] so it can be printed back.

use std::collections::HashMap;

use xxhash_rust::xxh3::{xxh3_128, xxh3_64};

use crate::decode::hex::{hex8, Hex};

/// A trace id: up to 128 bits of hex, or a hash of a non-hex id.
pub type TraceId = u128;
/// A span id: up to 64 bits of hex, or a hash of a non-hex id; 0 means "none".
pub type SpanId = u64;

/// The text of ids that are not hex, by their hashed value.
#[derive(Debug, Default, Clone)]
pub struct IdNames {
    /// Non-hex trace ids.
    pub traces: HashMap<TraceId, Box<str>>,
    /// Non-hex span ids.
    pub spans: HashMap<SpanId, Box<str>>,
    /// Hex trace ids written with at most 16 digits (Zipkin, Jaeger 64-bit ids): printed with
    /// 16 digits again; every other hex trace id is printed with 32.
    pub short: std::collections::HashSet<TraceId>,
}

impl IdNames {
    /// Adds every name of `other`.
    pub fn merge(&mut self, other: IdNames) {
        self.traces.extend(other.traces);
        self.spans.extend(other.spans);
        self.short.extend(other.short);
    }

    /// The printable form of a trace id: lower-case hex, 32 digits, or 16 when it was written
    /// with 16 or fewer; or the original text of a non-hex id.
    pub fn trace(&self, id: TraceId) -> String {
        if let Some(n) = self.traces.get(&id) {
            return n.to_string();
        }
        if self.short.contains(&id) {
            format!("{id:016x}")
        } else {
            format!("{id:032x}")
        }
    }

    /// The printable form of a span id: 16 lower-case hex digits, or the original text.
    pub fn span(&self, id: SpanId) -> String {
        match self.spans.get(&id) {
            Some(n) => n.to_string(),
            None => format!("{id:016x}"),
        }
    }
}

/// Digit values of hex characters; 0xFF for every other byte.
const HEX: [u8; 256] = {
    let mut t = [0xFF; 256];
    let mut i = 0;
    while i < 10 {
        t[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        t[b'a' as usize + i] = 10 + i as u8;
        t[b'A' as usize + i] = 10 + i as u8;
        i += 1;
    }
    t
};

/// The value of 1 to 16 hex digits (any case); `None` for anything else. Runs for every id of
/// every span: 16 digits (the usual span id) go eight at a time through [`hex8`]; other lengths
/// take a table lookup per digit and one check at the end, since random hex digits make a
/// branch per character mispredict half the time.
fn hex64(s: &[u8]) -> Option<u64> {
    if let Ok(w) = <&[u8; 16]>::try_from(s) {
        let (hi, lo) = w.split_at(8);
        return Some(u64::from(hex8(hi)?) << 32 | u64::from(hex8(lo)?));
    }
    if s.is_empty() || s.len() > 16 {
        return None;
    }
    let (mut acc, mut bad) = (0u64, 0u8);
    for &b in s {
        let d = HEX[b as usize];
        bad |= d;
        acc = acc << 4 | u64::from(d & 0xF);
    }
    (bad & 0xF0 == 0).then_some(acc)
}

/// The value of 1 to 32 hex digits (any case), as two 64-bit halves; `None` otherwise.
fn hex128(s: &[u8]) -> Option<u128> {
    if s.len() <= 16 {
        return hex64(s).map(u128::from);
    }
    if s.len() > 32 {
        return None;
    }
    let (hi, lo) = s.split_at(s.len() - 16);
    Some(u128::from(hex64(hi)?) << 64 | u128::from(hex64(lo)?))
}

/// The id of a trace, or `None` for an empty or all-zero id (invalid in W3C and OTLP).
pub fn trace_id(s: &str, names: &mut IdNames) -> Option<TraceId> {
    let s = crate::decode::value::trim(s);
    if s.is_empty() {
        return None;
    }
    match hex128(s.as_bytes()) {
        Some(v) => hex_trace(v, s.len(), names),
        None => {
            // The top bit keeps hashed ids apart from every hex id shorter than 32 digits.
            let h = xxh3_128(s.as_bytes()) | (1u128 << 127);
            names.traces.entry(h).or_insert_with(|| s.into());
            Some(h)
        }
    }
}

/// The trace id of `digits` hex digits worth `v`: none when all zero; one written with 16
/// digits or fewer is remembered as short, to be printed that way again.
fn hex_trace(v: u128, digits: usize, names: &mut IdNames) -> Option<TraceId> {
    if v == 0 {
        return None;
    }
    if digits <= 16 {
        names.short.insert(v);
    }
    Some(v)
}

/// [`trace_id`] of a string of `hex.digits` hex digits (and nothing else) whose value the
/// decoder read on the way; `None` when it did not read one, so the text must be read.
pub fn trace_id_of_hex(hex: Hex, names: &mut IdNames) -> Option<Option<TraceId>> {
    (hex.digits > 0).then(|| hex_trace(hex.value, usize::from(hex.digits), names))
}

/// [`span_id`] of a string the decoder read as hex, as [`trace_id_of_hex`]; more than 16
/// digits are no hex span id (the text is hashed), so those are left to the text too.
pub fn span_id_of_hex(hex: Hex) -> Option<Option<SpanId>> {
    if hex.digits == 0 || hex.digits > 16 {
        return None;
    }
    Some((hex.value != 0).then_some(hex.value as u64))
}

/// The id of a span, or `None` for an empty or all-zero id (what exporters write for "no
/// parent").
pub fn span_id(s: &str, names: &mut IdNames) -> Option<SpanId> {
    let s = crate::decode::value::trim(s);
    if s.is_empty() {
        return None;
    }
    match hex64(s.as_bytes()) {
        Some(0) => None,
        Some(v) => Some(v),
        None => {
            let h = xxh3_64(s.as_bytes()).max(1);
            names.spans.entry(h).or_insert_with(|| s.into());
            Some(h)
        }
    }
}

/// The parts of a W3C `traceparent` header (`00-<trace>-<parent>-<flags>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TraceParent {
    /// The trace.
    pub trace: TraceId,
    /// The span that sent the request (for a log line: the span it was written in).
    pub parent: SpanId,
    /// The sampled flag (bit 0 of the flags).
    pub sampled: bool,
}

/// Parses a `traceparent` value; version `ff` and all-zero ids are invalid, as in the spec.
/// Later versions may append fields, which are ignored.
pub fn traceparent(s: &str) -> Option<TraceParent> {
    let mut parts = s.trim().split('-');
    let version = parts.next()?;
    let trace = parts.next()?;
    let parent = parts.next()?;
    let flags = parts.next()?;
    if version.len() != 2
        || version.eq_ignore_ascii_case("ff")
        || hex64(version.as_bytes()).is_none()
    {
        return None;
    }
    if version == "00" && parts.next().is_some() {
        return None;
    }
    if trace.len() != 32 || parent.len() != 16 || flags.len() != 2 {
        return None;
    }
    let trace = hex128(trace.as_bytes()).filter(|&v| v != 0)?;
    let parent = hex64(parent.as_bytes()).filter(|&v| v != 0)?;
    let flags = hex64(flags.as_bytes())? as u8;
    Some(TraceParent {
        trace,
        parent,
        sampled: flags & 1 == 1,
    })
}

/// The byte strings a trace id can appear as in the input: as given without leading zeros,
/// in lower and upper case.
pub fn needles(id: &str) -> Vec<Vec<u8>> {
    let t = id.trim();
    let core = if t.bytes().all(|b| b.is_ascii_hexdigit()) {
        let z = t.trim_start_matches('0');
        if z.is_empty() {
            t
        } else {
            z
        }
    } else {
        t
    };
    let mut v = vec![
        core.to_ascii_lowercase().into_bytes(),
        core.to_ascii_uppercase().into_bytes(),
    ];
    v.dedup();
    if !v.iter().any(|n| n == core.as_bytes()) {
        v.push(core.as_bytes().to_vec());
    }
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_ids_compare_by_value_and_print_like_jaeger() {
        let mut n = IdNames::default();
        let a = trace_id("00000000000000000000000000000011", &mut n);
        assert_eq!(n.trace(a.expect("id")), "00000000000000000000000000000011");
        assert_eq!(a, trace_id("11", &mut n));
        assert_eq!(
            n.trace(a.expect("id")),
            "0000000000000011",
            "once seen short"
        );
        let b = trace_id("4BF92F3577B34DA6A3CE929D0E0E4736", &mut n).expect("id");
        assert_eq!(n.trace(b), "4bf92f3577b34da6a3ce929d0e0e4736");
        assert_eq!(trace_id("0000", &mut n), None);
        assert_eq!(span_id("", &mut n), None);
        assert!(n.traces.is_empty());
        let c = trace_id("test1-trace", &mut n).expect("id");
        assert_eq!(n.trace(c), "test1-trace");
        let s = span_id("span-E", &mut n).expect("id");
        assert_eq!(n.span(s), "span-E");
    }

    #[test]
    fn hex_digits_any_case_and_nothing_else() {
        assert_eq!(hex64(b"00f067AA0ba902b7"), Some(0x00f0_67aa_0ba9_02b7));
        assert_eq!(hex64(b"ffffffffffffffff"), Some(u64::MAX));
        assert_eq!(hex64(b"fffffffffffffffff"), None, "17 digits");
        assert_eq!(hex128(&[b'F'; 32]), Some(u128::MAX));
        assert_eq!(hex128(b"1234567890abcdef1"), Some(0x1_2345_6789_0abc_def1));
        for bad in [&b""[..], b"0x12", b"12g4", b"-1", b"1 2", b"\xff"] {
            assert_eq!(hex64(bad), None, "{bad:?}");
        }
        assert_eq!(hex128(b"0123456789abcdef0123456789abcdeg"), None);
    }

    /// The digit-at-a-time reading every length other than 16 uses.
    fn by_table(s: &[u8]) -> Option<u64> {
        let digits: Option<Vec<u8>> = s
            .iter()
            .map(|&b| (b as char).to_digit(16).map(|d| d as u8))
            .collect();
        digits.map(|d| d.iter().fold(0, |acc, &x| acc << 4 | u64::from(x)))
    }

    proptest::proptest! {
        #[test]
        fn sixteen_digits_at_once_agree_with_one_at_a_time(
            s in "[0-9a-fA-F]{16}",
            at in 0usize..16,
            byte in proptest::prelude::any::<u8>(),
        ) {
            let good = s.as_bytes();
            assert_eq!(hex64(good), by_table(good));
            assert!(hex64(good).is_some());
            let mut bad = good.to_vec();
            bad[at] = byte;
            assert_eq!(hex64(&bad), by_table(&bad), "{bad:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn ids_read_on_the_way_are_the_ids_of_their_text(
            s in "[0-9a-fA-F]{0,33}|0{8,32}|[0-9a-f]{15,17}[g ]?",
        ) {
            use crate::decode::flat::{decode_cells, CellSlots};
            let mut proj = crate::decode::json::Projection::new(["id".to_string()]);
            proj.mark_hex(0);
            let line = format!(r#"{{"id":"{s}"}}"#);
            let mut slots = CellSlots::default();
            decode_cells(line.as_bytes(), &proj, &mut slots).expect("valid");
            let hex = slots.hex(0);
            let (mut a, mut b) = (IdNames::default(), IdNames::default());
            let want = trace_id(&s, &mut a);
            if let Some(got) = trace_id_of_hex(hex, &mut b) {
                proptest::prop_assert_eq!(got, want);
                proptest::prop_assert_eq!(&a.short, &b.short);
            }
            if let Some(got) = span_id_of_hex(hex) {
                proptest::prop_assert_eq!(got, span_id(&s, &mut a));
            }
            let width = matches!(s.len(), 8 | 16 | 24 | 32);
            proptest::prop_assert_eq!(hex.digits > 0, width && hex128(s.as_bytes()).is_some());
        }
    }

    #[test]
    fn every_byte_in_every_place_of_sixteen_digits() {
        for at in 0..16 {
            for byte in 0..=255u8 {
                let mut s = *b"0123456789abcdef";
                s[at] = byte;
                assert_eq!(hex64(&s), by_table(&s), "{s:?}");
            }
        }
    }

    #[test]
    fn traceparent_follows_w3c() {
        let tp =
            traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01").expect("valid");
        assert_eq!(tp.trace, 0x4bf92f3577b34da6a3ce929d0e0e4736);
        assert_eq!(tp.parent, 0x00f067aa0ba902b7);
        assert!(tp.sampled);
        assert!(
            traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00")
                .is_some_and(|t| !t.sampled)
        );
        assert!(traceparent("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01").is_none());
        assert!(traceparent("00-00000000000000000000000000000000-00f067aa0ba902b7-01").is_none());
        assert!(traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01").is_none());
        assert!(
            traceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra").is_none()
        );
        assert!(
            traceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-extra").is_some()
        );
        assert!(traceparent("00-4bf92f3577b34da6a3ce929d0e0e473-00f067aa0ba902b7-01").is_none());
    }
}
