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

#[cfg(test)]
mod tests {
    use super::*;

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
