//! Hex digits read eight at a time, in one word: ids (trace and span ids) are hex strings on
//! every span line, and a digit-at-a-time loop mispredicts half its branches on random digits.

/// The value of exactly eight hex digits (any case), all eight bytes at once in one word.
pub fn hex8(s: &[u8]) -> Option<u32> {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let w = u64::from_le_bytes(s.try_into().ok()?);
    if w & HIGH != 0 {
        return None;
    }
    // With every byte below 0x80, adding per byte never carries into the next byte: the high
    // bit of each sum says whether that byte is at least `lo` (or above `hi`).
    let at_least = |x: u64, lo: u8| x.wrapping_add(ONES * u64::from(0x80 - lo)) & HIGH;
    let above = |x: u64, hi: u8| x.wrapping_add(ONES * u64::from(0x7F - hi)) & HIGH;
    let digit = at_least(w, b'0') & !above(w, b'9');
    // Setting bit 5 lower-cases letters and leaves digits alone.
    let lower = w | (ONES * 0x20);
    let letter = at_least(lower, b'a') & !above(lower, b'f');
    if digit | letter != HIGH {
        return None;
    }
    // A digit's value is its low nibble; a letter's is its low nibble + 9 (bit 6 marks letters).
    let nibbles = (w & (ONES * 0x0F)) + ((w >> 6) & ONES) * 9;
    // The first digit is the lowest byte: pair nibbles into bytes, bytes into halves, halves
    // into the word, most significant first.
    let v = (nibbles << 4 | nibbles >> 8) & 0x00FF_00FF_00FF_00FF;
    let v = (v << 8 | v >> 16) & 0x0000_FFFF_0000_FFFF;
    Some((v << 16 | v >> 32) as u32)
}

/// A string that is nothing but hex digits, read as a number while the decoder passed over it
/// (see [`crate::decode::flat::CellSlots::hex`]): ids need no second reading of their text.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Hex {
    /// The digits' value.
    pub value: u128,
    /// How many digits: 8, 16, 24 or 32; 0 when the string was not read as hex.
    pub digits: u8,
}

/// The leading whole words of hex digits of `b`, up to four (32 digits): their value and how
/// many digits they hold.
pub fn hex_words(b: &[u8]) -> (u128, usize) {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    if let Some(first) = b.first_chunk::<16>() {
        return sse2::hex_words(first, b.get(16..));
    }
    hex_words_by_word(b)
}

/// [`hex_words`] a word of eight digits at a time, in general-purpose registers.
fn hex_words_by_word(b: &[u8]) -> (u128, usize) {
    // Unrolled, halves in 64-bit words: shifting a u128 four times cost more than the digits.
    let word = |k: usize| b.get(8 * k..8 * k + 8).and_then(hex8).map(u64::from);
    let Some(a) = word(0) else {
        return (0, 0);
    };
    let Some(b1) = word(1) else {
        return (u128::from(a), 8);
    };
    let high = a << 32 | b1;
    let Some(c) = word(2) else {
        return (u128::from(high), 16);
    };
    let Some(d) = word(3) else {
        return (u128::from(high) << 32 | u128::from(c), 24);
    };
    (u128::from(high) << 64 | u128::from(c << 32 | d), 32)
}

/// Sixteen digits at a time in SSE2 registers (every x86-64 processor has them), through
/// `safe_arch`'s safe wrappers of the intrinsics: ids are most of a span line's digits, and
/// eight bytes per step took a tenth of `obs trace stats`' instructions (callgrind over
/// `benches/trace.rs`'s `stats_by_service_name`).
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
mod sse2 {
    use safe_arch::{
        add_i8_m128i, bitand_m128i, bitor_m128i, cmp_gt_mask_i8_m128i, get_i64_from_m128i_s,
        load_unaligned_m128i, move_mask_i8_m128i, pack_i16_to_u8_m128i, set_splat_i16_m128i,
        set_splat_i8_m128i, shl_imm_u16_m128i, shr_imm_u16_m128i,
    };

    /// How many of the sixteen bytes are hex digits before the first that is not, and the
    /// value of all sixteen (meaningful only when all are digits).
    fn sixteen(bytes: &[u8; 16]) -> (usize, u64) {
        let splat = |b: u8| set_splat_i8_m128i(b as i8);
        let v = load_unaligned_m128i(bytes);
        // Signed comparisons: bytes from 0x80 up are negative, below every range here.
        let within = |x, lo: u8, hi: u8| {
            bitand_m128i(
                cmp_gt_mask_i8_m128i(x, splat(lo - 1)),
                cmp_gt_mask_i8_m128i(splat(hi + 1), x),
            )
        };
        let digit = within(v, b'0', b'9');
        // Setting bit 5 lower-cases letters (digits are checked on the bytes as they are).
        let letter = within(bitor_m128i(v, splat(0x20)), b'a', b'f');
        let hex = move_mask_i8_m128i(bitor_m128i(digit, letter)) as u32;
        let run = (!hex).trailing_zeros() as usize;
        // A digit's value is its low nibble; a letter's is its low nibble + 9.
        let nibbles = add_i8_m128i(bitand_m128i(v, splat(0x0F)), bitand_m128i(letter, splat(9)));
        // Each 16-bit lane holds two digits, the first in its low byte: into one byte, first
        // digit high, then the eight bytes packed together, first lowest.
        let pairs = bitand_m128i(
            bitor_m128i(
                shl_imm_u16_m128i::<4>(nibbles),
                shr_imm_u16_m128i::<8>(nibbles),
            ),
            set_splat_i16_m128i(0x00FF),
        );
        let packed = get_i64_from_m128i_s(pack_i16_to_u8_m128i(pairs, pairs)) as u64;
        (run, packed.swap_bytes())
    }

    /// [`super::hex_words`] of `first` followed by `rest`.
    pub(super) fn hex_words(first: &[u8; 16], rest: Option<&[u8]>) -> (u128, usize) {
        let (run, high) = sixteen(first);
        match run {
            0..8 => return (0, 0),
            8..16 => return (u128::from(high >> 32), 8),
            _ => {}
        }
        let high = u128::from(high);
        let (run, low) = match rest.and_then(|r| r.first_chunk::<16>()) {
            Some(next) => sixteen(next),
            None => {
                // Fewer than 32 bytes: a third word may still be whole.
                let third = rest.and_then(|r| r.get(..8)).and_then(super::hex8);
                return match third {
                    Some(c) => (high << 32 | u128::from(c), 24),
                    None => (high, 16),
                };
            }
        };
        match run {
            0..8 => (high, 16),
            8..16 => (high << 32 | u128::from(low >> 32), 24),
            _ => (high << 64 | u128::from(low), 32),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// What [`hex_words`] must say, from the standard library's reading of hex.
    fn model(b: &[u8]) -> (u128, usize) {
        let run = b.iter().take_while(|c| c.is_ascii_hexdigit()).count();
        let n = (run / 8 * 8).min(32);
        let text = std::str::from_utf8(&b[..n]).expect("ascii");
        (u128::from_str_radix(text, 16).unwrap_or(0), n)
    }

    proptest! {
        #[test]
        fn both_readings_agree_with_the_definition(
            b in prop::collection::vec(
                prop_oneof![
                    8 => prop::sample::select(b"0123456789abcdefABCDEF".to_vec()),
                    // Neighbours of the digit and letter ranges, control bytes that bit 5
                    // turns into digits, and bytes from 0x80 up.
                    1 => prop::sample::select(vec![b'/', b':', b'@', b'G', b'`', b'g', 0x10, 0x19, 0x80, 0xE6, 0xFF]),
                ],
                0..48,
            )
        ) {
            prop_assert_eq!(hex_words(&b), model(&b));
            prop_assert_eq!(hex_words_by_word(&b), model(&b));
        }
    }

    #[test]
    fn whole_words_only_up_to_thirty_two_digits() {
        assert_eq!(
            hex_words(b"00f067aA0ba902b7\""),
            (0x00f0_67aa_0ba9_02b7, 16)
        );
        assert_eq!(hex_words(b"0123456\""), (0, 0), "seven digits are no word");
        assert_eq!(hex_words(b"0123456789abcdeX"), (0x0123_4567, 8));
        let long = [b'f'; 40];
        assert_eq!(hex_words(&long), (u128::MAX, 32));
        let ids = b"0123456789abcdef00f067aa0ba902b7";
        for n in [8, 16, 24, 32] {
            let want = u128::from_str_radix(std::str::from_utf8(&ids[..n]).expect("ascii"), 16);
            assert_eq!(hex_words(&ids[..n]), (want.expect("hex"), n));
        }
    }
}
