//! Interned service and operation names: rows carry a `u32` code, each text is stored once.

use rustc_hash::FxHashMap;

/// Distinct strings and their codes, in order of first appearance.
#[derive(Debug, Default, Clone)]
pub struct Names {
    // Looked up twice per span in the first pass: FxHash, since names are short and not
    // attacker-chosen keys of a long-lived service.
    codes: FxHashMap<Box<str>, u32>,
    texts: Vec<Box<str>>,
}

impl Names {
    /// The code of `s`, adding it if new.
    pub fn code(&mut self, s: &str) -> u32 {
        if let Some(&c) = self.codes.get(s) {
            return c;
        }
        let c = self.texts.len() as u32;
        self.texts.push(s.into());
        self.codes.insert(s.into(), c);
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
