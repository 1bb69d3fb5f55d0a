//! `--regex`: a regular expression (Rust syntax) whose named groups become string fields; a
//! group that took part in no match is left out. Searched anywhere in the line, as grok does;
//! anchor it with `^…$` to match whole lines.

use std::borrow::Cow;

use regex::Regex;

use super::{Decoder, Object, ParseError, TIME_KEYS};

/// A compiled `--regex`.
pub struct Pattern {
    re: Regex,
    names: Vec<(usize, String)>,
}

impl Pattern {
    /// Compiles `re`; it must name at least one group.
    pub fn new(re: &str) -> Result<Pattern, String> {
        let compiled = Regex::new(re).map_err(|e| format!("bad --regex: {e}"))?;
        let names: Vec<(usize, String)> = compiled
            .capture_names()
            .enumerate()
            .filter_map(|(i, n)| n.map(|n| (i, n.to_string())))
            .collect();
        if names.is_empty() {
            return Err(format!(
                "--regex '{re}' names no group: fields come from named groups, as (?P<level>\\w+)"
            ));
        }
        Ok(Pattern {
            re: compiled,
            names,
        })
    }
}

impl Decoder for Pattern {
    fn name(&self) -> &'static str {
        "regex"
    }

    fn decode<'l>(
        &self,
        line: &'l str,
        obj: &mut Object,
    ) -> Result<Option<Cow<'l, str>>, ParseError> {
        let caps = self.re.captures(line).ok_or_else(|| ParseError {
            format: "regex",
            why: "the --regex does not match it".to_string(),
        })?;
        for (i, name) in &self.names {
            if let Some(m) = caps.get(*i) {
                obj.str(name, m.as_str());
            }
        }
        // `@timestamp` cannot name a group; the other time keys can.
        let time = TIME_KEYS
            .iter()
            .find_map(|g| caps.name(g))
            .map(|m| Cow::Borrowed(m.as_str()));
        Ok(time)
    }
}
