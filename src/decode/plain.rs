//! How far a JSON string runs plain: the bytes before its closing quote, a backslash or a
//! control character. Strings are most of a log line's bytes, so the run is measured sixteen
//! bytes at a time where the processor allows, eight otherwise, and byte by byte only at the
//! end of a line.

/// The number of leading bytes of `b` that are none of `"`, `\` and control characters.
pub(super) fn plain_run(b: &[u8]) -> usize {
    let mut i = 0;
    #[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
    while let Some(chunk) = b.get(i..).and_then(|r| r.first_chunk::<16>()) {
        let m = sse2::stops(chunk);
        if m != 0 {
            return i + m.trailing_zeros() as usize;
        }
        i += 16;
    }
    while let Some(chunk) = b.get(i..).and_then(|r| r.first_chunk::<8>()) {
        let m = stops(u64::from_le_bytes(*chunk));
        if m != 0 {
            return i + (m.trailing_zeros() / 8) as usize;
        }
        i += 8;
    }
    while let Some(&c) = b.get(i) {
        if c == b'"' || c == b'\\' || c < 0x20 {
            break;
        }
        i += 1;
    }
    i
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

/// The high bit of each byte of `w` that ends the plain run of a string: a quote, a backslash
/// or a control character. Only the lowest flagged byte is exact (borrows can flag bytes after
/// it), which is the only one read.
fn stops(w: u64) -> u64 {
    let quote = w ^ (ONES * u64::from(b'"'));
    let slash = w ^ (ONES * u64::from(b'\\'));
    let zero = |x: u64| x.wrapping_sub(ONES) & !x;
    let control = w.wrapping_sub(ONES * 0x20) & !w;
    (zero(quote) | zero(slash) | control) & HIGH
}

/// The sixteen-byte step, in SSE2 registers through `safe_arch`'s safe wrappers.
#[cfg(all(target_arch = "x86_64", target_feature = "sse2"))]
mod sse2 {
    use safe_arch::{
        bitor_m128i, cmp_eq_mask_i8_m128i, load_unaligned_m128i, min_u8_m128i, move_mask_i8_m128i,
        set_splat_i8_m128i,
    };

    /// One bit per byte of `bytes` (first byte lowest) that ends a plain run.
    pub(super) fn stops(bytes: &[u8; 16]) -> u32 {
        let splat = |b: u8| set_splat_i8_m128i(b as i8);
        let v = load_unaligned_m128i(bytes);
        let quote = cmp_eq_mask_i8_m128i(v, splat(b'"'));
        let slash = cmp_eq_mask_i8_m128i(v, splat(b'\\'));
        // Control characters are the bytes that 0x1F does not lower, compared unsigned.
        let control = cmp_eq_mask_i8_m128i(min_u8_m128i(v, splat(0x1F)), v);
        move_mask_i8_m128i(bitor_m128i(bitor_m128i(quote, slash), control)) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn the_run_ends_at_the_first_quote_backslash_or_control(
            b in prop::collection::vec(
                prop_oneof![
                    8 => b' '..=b'~',
                    1 => prop::sample::select(vec![b'"', b'\\', 0x00, 0x1F, 0x20, 0x7F, 0x80, 0xFF]),
                ],
                0..80,
            )
        ) {
            let want = b
                .iter()
                .position(|&c| c == b'"' || c == b'\\' || c < 0x20)
                .unwrap_or(b.len());
            prop_assert_eq!(plain_run(&b), want);
        }
    }
}
