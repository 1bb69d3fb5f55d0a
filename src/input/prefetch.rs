//! Asking the CPU for input bytes a little ahead of where a scan reads them.
//!
//! Lines are cut with memchr and decoded right after. On mapped input, memchr's loads are the
//! first touch of each cache line and waited on memory: a fifth of `obs trace stats`' CPU sat on
//! them. A prefetch of the bytes a kilobyte (a few lines) ahead lets them arrive while the
//! current line is decoded; `obs trace stats` took about 6% less CPU (measured with distances of
//! 0.5 to 16 KiB; 1 to 2 KiB were best; `benches/trace.rs` and `scripts/compare-trace.sh`).

/// How far ahead of the current position bytes are asked for.
const AHEAD: usize = 1024;

/// The width of a cache line on the CPUs obs runs on.
const LINE: usize = 64;

/// A cursor over `bytes` that has asked for everything up to `AHEAD` bytes past the last position
/// it was told of.
pub struct Prefetch<'a> {
    bytes: &'a [u8],
    next: usize,
}

impl<'a> Prefetch<'a> {
    /// Nothing asked for yet.
    pub fn new(bytes: &'a [u8]) -> Prefetch<'a> {
        Prefetch { bytes, next: 0 }
    }

    /// Asks for each cache line up to `at + AHEAD` not asked for before.
    pub fn reach(&mut self, at: usize) {
        let want = at.saturating_add(AHEAD).min(self.bytes.len());
        while self.next < want {
            hint(&self.bytes[self.next]);
            self.next += LINE;
        }
    }
}

/// Asks for the cache line holding `byte`. SSE's prefetch is part of every x86_64 CPU;
/// `safe_arch` wraps it as a safe function (a prefetch reads nothing into the program and cannot
/// fault).
#[cfg(target_arch = "x86_64")]
fn hint(byte: &u8) {
    safe_arch::prefetch_t0(byte);
}

#[cfg(not(target_arch = "x86_64"))]
fn hint(_: &u8) {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn asks_for_each_line_once_and_stays_in_bounds() {
        let bytes = vec![b'x'; 5000];
        let mut p = Prefetch::new(&bytes);
        p.reach(0);
        assert_eq!(p.next, AHEAD);
        p.reach(10);
        assert_eq!(p.next, AHEAD + LINE);
        p.reach(usize::MAX);
        assert!(p.next >= bytes.len() && p.next < bytes.len() + LINE);
    }
}
