//! Interned service and operation names: rows carry a `u32` code, each text is stored once.

use rustc_hash::FxHashMap;

/// Distinct strings and their codes, in order of first appearance.
#[derive(Debug, Default, Clone)]
pub struct Names {
    // Looked up twice per span in the first pass: FxHash, since names are short and not
    // attacker-chosen keys of a long-lived service.
    codes: FxHashMap<Box<str>, u32>,
    texts: Vec<Box<str>>,
    /// Code + 1 (0: empty) of a recently seen string, by [`slot`] of the string. A dump has
    /// few distinct service and operation names, so nearly every lookup is answered here by
    /// one comparison, without hashing the whole string and probing the map.
    recent: Option<Box<[u32; RECENT]>>,
}

const RECENT: usize = 256;

/// Where `s` is remembered in [`Names::recent`]: from its length and first and last bytes.
fn slot(s: &[u8]) -> usize {
    // The first eight bytes as one word; shorter strings byte by byte (a copy of a variable
    // length was a call to `memcpy` on every lookup).
    let head = match s.first_chunk::<8>() {
        Some(h) => u64::from_le_bytes(*h),
        None => s.iter().rev().fold(0, |w, &b| w << 8 | u64::from(b)),
    };
    let tail = s.last().map_or(0, |&b| u64::from(b)) << 56;
    let h = (head ^ tail ^ s.len() as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    (h >> 56) as usize % RECENT
}

impl Names {
    /// The code of `s`, adding it if new.
    pub fn code(&mut self, s: &str) -> u32 {
        let at = slot(s.as_bytes());
        if let Some(c) = self.recent.as_ref().and_then(|r| r[at].checked_sub(1)) {
            if crate::decode::json::same(self.texts[c as usize].as_bytes(), s.as_bytes()) {
                return c;
            }
        }
        self.look_up(s, at)
    }

    /// [`Names::code`] for a string not found at `at` in `recent`.
    // Out of line: with the map's look-up and insertion inlined, every call (two per span line)
    // saved and restored registers for them, a third of the cost of a call answered from
    // `recent` (callgrind over `benches/trace.rs`).
    #[inline(never)]
    fn look_up(&mut self, s: &str, at: usize) -> u32 {
        let recent = self.recent.get_or_insert_with(|| Box::new([0; RECENT]));
        let c = match self.codes.get(s) {
            Some(&c) => c,
            None => {
                let c = self.texts.len() as u32;
                self.texts.push(s.into());
                self.codes.insert(s.into(), c);
                c
            }
        };
        recent[at] = c + 1;
        c
    }

    /// The code of `s`, if present.
    pub fn find(&self, s: &str) -> Option<u32> {
        self.codes.get(s).copied()
    }

    /// The text of `code`.
    pub fn text(&self, code: u32) -> &str {
        self.texts.get(code as usize).map_or("", |s| s)
    }

    /// Codes of `other`'s strings in `self` (adding them), indexed by `other`'s codes.
    pub fn remap(&mut self, other: &Names) -> Vec<u32> {
        other.texts.iter().map(|s| self.code(s)).collect()
    }

    /// How many distinct strings.
    pub fn len(&self) -> usize {
        self.texts.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.texts.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_stay_distinct_when_remembered_slots_collide() {
        let mut n = Names::default();
        // Many more names than remembered slots, alike in length and ends.
        let words: Vec<String> = (0..2000).map(|i| format!("op-{i:05}-x")).collect();
        let codes: Vec<u32> = words.iter().map(|w| n.code(w)).collect();
        for (w, &c) in words.iter().zip(&codes).rev() {
            assert_eq!(n.code(w), c);
            assert_eq!(n.text(c), w);
        }
        assert_eq!(n.len(), 2000);
        assert_eq!(n.code(""), 2000);
        assert_eq!(n.code(""), 2000);
        assert_eq!(n.find("op-00007-x"), Some(7));
    }
}
