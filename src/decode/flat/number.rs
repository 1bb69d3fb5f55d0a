//! Numbers read straight off the line: eight digits at a time in a 64-bit word (SWAR), with
//! the exact fast path for values an `f64` holds as written, and serde's answer otherwise.

use crate::decode::cell::Cell;

use super::Scanner;

/// What [`Scanner::number_text`] read of a number.
pub(in crate::decode) struct NumberText {
    /// Where its text starts.
    pub(in crate::decode) start: usize,
    pub(in crate::decode) negative: bool,
    /// The digits before the exponent as one integer (wrapped past 19 digits).
    pub(in crate::decode) digits: u64,
    /// Digits before the point.
    pub(in crate::decode) whole: usize,
    /// Digits after the point.
    pub(in crate::decode) fraction: usize,
    pub(in crate::decode) exponent: bool,
    /// Digits of the exponent.
    pub(in crate::decode) exponent_digits: usize,
}

/// Powers of ten exact in an `f64`, for [`Scanner::number`]'s fast path.
const POW10: [f64; 16] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
];

/// Powers of ten up to eight digits' worth.
const POW10_INT: [u64; 9] = [
    1,
    10,
    100,
    1_000,
    10_000,
    100_000,
    1_000_000,
    10_000_000,
    100_000_000,
];

const HIGH_NIBBLES: u64 = 0xF0F0_F0F0_F0F0_F0F0;

/// How many of the eight bytes of `w` (first byte lowest) are ASCII digits before the first
/// that is not.
pub(super) fn digit_count(w: u64) -> usize {
    // A byte is a digit when its high nibble is 3 and its low nibble at most 9 (adding 6 to
    // the low nibble alone never carries into the next byte).
    let not_digit =
        ((w & HIGH_NIBBLES) ^ (ONES * 0x30)) | (((w & !HIGH_NIBBLES) + ONES * 6) & HIGH_NIBBLES);
    (not_digit.trailing_zeros() / 8) as usize
}

/// How many of the eight bytes of `w` (first byte lowest) are ASCII digits before the first
/// that is not, and the number they spell.
pub(super) fn leading_digits(w: u64) -> (usize, u64) {
    let n = digit_count(w);
    if n == 0 {
        return (0, 0);
    }
    // The digits' values, moved up so the missing ones read as leading zeros.
    let v = (w & !HIGH_NIBBLES) << (64 - 8 * n as u32);
    // Pair digits into bytes, bytes into halves, halves into the word, most significant first.
    let v = (v.wrapping_mul(10) + (v >> 8)) & 0x00FF_00FF_00FF_00FF;
    let v = (v.wrapping_mul(100) + (v >> 16)) & 0x0000_FFFF_0000_FFFF;
    let v = (v.wrapping_mul(10_000) + (v >> 32)) & 0xFFFF_FFFF;
    (n, v)
}

/// The digits of `b` from `at` on: how many, and with `SUM`, `m` followed by them as one
/// integer (wrapping past 19 digits, where it is not used).
#[inline(always)]
fn digit_run<const SUM: bool>(b: &[u8], at: usize, mut m: u64) -> (usize, u64) {
    // Eight bytes at a time: a digit loop's exit mispredicted once per number, and log
    // numbers (epoch milliseconds, amounts) run to many digits.
    let mut i = at;
    while let Some(chunk) = b.get(i..i + 8) {
        let w = u64::from_le_bytes(chunk.try_into().unwrap_or_default());
        let n = if SUM {
            let (n, value) = leading_digits(w);
            m = m.wrapping_mul(POW10_INT[n]).wrapping_add(value);
            n
        } else {
            digit_count(w)
        };
        i += n;
        if n < 8 {
            return (i - at, m);
        }
    }
    while let Some(&d @ b'0'..=b'9') = b.get(i) {
        if SUM {
            m = m.wrapping_mul(10).wrapping_add(u64::from(d - b'0'));
        }
        i += 1;
    }
    (i - at, m)
}

const ONES: u64 = 0x0101_0101_0101_0101;

impl<'a> Scanner<'a> {
    /// A number as serde hands it to [`Cell`]: a non-negative integer as `UInt`, a negative one
    /// as `Int`, anything with a fraction or exponent as `Float`.
    // Inlined like `scalar`, with the full parse of rarer numbers (`float`) out of line: as a
    // call, each of a span line's two projected numbers saved and restored registers for it.
    #[inline(always)]
    pub(in crate::decode) fn number(&mut self) -> Option<Cell<'a>> {
        let n = self.number_text::<true>()?;
        if n.exponent || (n.fraction > 0 && n.whole + n.fraction > 15) {
            return self.float(n.start);
        }
        if n.fraction > 0 {
            // Up to 15 digits, the digits and the power of ten are exact in an f64, so one
            // division rounds correctly (Clinger's fast path), as a full parse would.
            // Through `i64`: at most 15 digits fit it, and SSE2 converts signed integers in one
            // instruction where an unsigned one takes six.
            let f = n.digits as i64 as f64 / POW10[n.fraction];
            return Some(Cell::Float(if n.negative { -f } else { f }));
        }
        // Longer integers may overflow; "-0" is a float to serde_json.
        if n.whole > if n.negative { 18 } else { 19 } || (n.negative && n.digits == 0) {
            return None;
        }
        Some(if n.negative {
            Cell::Int(-(n.digits as i64))
        } else {
            Cell::UInt(n.digits)
        })
    }

    /// Reads a number by JSON's grammar; with `SUM`, also its digits as one integer (for
    /// projected numbers; skipped ones need only the grammar).
    // Inlined into both callers so that the skipping one loses the summing code.
    #[inline(always)]
    pub(in crate::decode) fn number_text<const SUM: bool>(&mut self) -> Option<NumberText> {
        let b = self.b;
        let start = self.i;
        let negative = b.get(start) == Some(&b'-');
        let at = start + usize::from(negative);
        let (whole, mut digits) = digit_run::<SUM>(b, at, 0);
        // A leading zero stands alone ("01" is for serde to reject).
        if whole == 0 || (whole > 1 && b[at] == b'0') {
            return None;
        }
        let mut i = at + whole;
        let mut fraction = 0;
        if b.get(i) == Some(&b'.') {
            let (n, d) = digit_run::<SUM>(b, i + 1, digits);
            if n == 0 {
                return None;
            }
            (fraction, digits) = (n, d);
            i += 1 + n;
        }
        let exponent = matches!(b.get(i), Some(b'e' | b'E'));
        let mut exponent_digits = 0;
        if exponent {
            i += 1;
            if let Some(b'+' | b'-') = b.get(i) {
                i += 1;
            }
            let (n, _) = digit_run::<false>(b, i, 0);
            if n == 0 {
                return None;
            }
            i += n;
            exponent_digits = n;
        }
        self.i = i;
        Some(NumberText {
            start,
            negative,
            digits,
            whole,
            fraction,
            exponent,
            exponent_digits,
        })
    }

    /// The number from `start` to here, parsed in full: std's parse rounds correctly, as
    /// serde_json does.
    // Out of line, so that `number` stays small where it is inlined.
    #[inline(never)]
    pub(in crate::decode) fn float(&self, start: usize) -> Option<Cell<'a>> {
        self.text[start..self.i]
            .parse::<f64>()
            .ok()
            .filter(|f| f.is_finite())
            .map(Cell::Float)
    }
}
