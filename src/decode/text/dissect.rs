//! `--dissect`: Logstash's and Elasticsearch's dissect, which splits a line on the literal text
//! between its `%{…}` keys, without regular expressions:
//!
//! * `%{name}` a field; `%{}` or `%{?name}` a part that is skipped;
//! * `%{+name}` appends to `name`, with the text that separated the two parts between them
//!   (`%{ts} %{+ts}` on `May 01` gives `May 01`);
//! * `%{name->}` lets the delimiter after it repeat (padding: `INFO   msg`);
//! * `%{*k}` and `%{&k}` a pair: the first part's text names the field, the second is its value.
//!
//! Each delimiter is the first of its text after the previous part; the last part takes the
//! rest of the line. A line missing a delimiter is not a match.

use std::borrow::Cow;

use super::{Decoder, Object, ParseError, TIME_KEYS};

#[derive(Debug, Clone, PartialEq)]
enum Kind {
    Field,
    Skip,
    Append,
    RefKey,
    RefValue,
}

#[derive(Debug, Clone)]
struct Part {
    kind: Kind,
    name: String,
    /// Skip repeats of the delimiter after it.
    padded: bool,
    /// The literal text after this part (empty: the part takes the rest of the line).
    delimiter: String,
}

/// A compiled `--dissect` pattern.
pub struct Dissect {
    prefix: String,
    parts: Vec<Part>,
}

impl Dissect {
    /// Compiles `pattern`.
    pub fn new(pattern: &str) -> Result<Dissect, String> {
        let bad = |why: &str| format!("bad --dissect '{pattern}': {why}");
        let first = pattern.find("%{").ok_or_else(|| bad("it has no %{key}"))?;
        let prefix = pattern[..first].to_string();
        let mut parts: Vec<Part> = Vec::new();
        let mut rest = &pattern[first..];
        while let Some(body) = rest.strip_prefix("%{") {
            let close = body.find('}').ok_or_else(|| bad("a %{ is not closed"))?;
            let mut key = &body[..close];
            let padded = key.ends_with("->");
            if padded {
                key = &key[..key.len() - 2];
            }
            // `/N` orders appended parts in Logstash; obs appends in the order they appear.
            if let Some((k, _)) = key.split_once('/') {
                key = k;
            }
            let (kind, name) = match key.chars().next() {
                None => (Kind::Skip, ""),
                Some('?') => (Kind::Skip, &key[1..]),
                Some('+') => (Kind::Append, &key[1..]),
                Some('*') => (Kind::RefKey, &key[1..]),
                Some('&') => (Kind::RefValue, &key[1..]),
                Some(_) => (Kind::Field, key),
            };
            if kind != Kind::Skip && name.is_empty() {
                return Err(bad("a %{+}, %{*} or %{&} has no name"));
            }
            let after = &body[close + 1..];
            let next = after.find("%{").unwrap_or(after.len());
            let delimiter = after[..next].to_string();
            if delimiter.is_empty() && next < after.len() {
                return Err(bad(
                    "two keys with nothing between them cannot be told apart",
                ));
            }
            parts.push(Part {
                kind,
                name: name.to_string(),
                padded,
                delimiter,
            });
            rest = &after[next..];
        }
        for p in parts.iter().filter(|p| p.kind == Kind::RefKey) {
            if !parts
                .iter()
                .any(|q| q.kind == Kind::RefValue && q.name == p.name)
            {
                return Err(bad(&format!("%{{*{}}} has no %{{&{}}}", p.name, p.name)));
            }
        }
        Ok(Dissect { prefix, parts })
    }
}

impl Decoder for Dissect {
    fn name(&self) -> &'static str {
        "dissect"
    }

    fn decode<'l>(
        &self,
        line: &'l str,
        obj: &mut Object,
    ) -> Result<Option<Cow<'l, str>>, ParseError> {
        let fail = |why: String| ParseError {
            format: "dissect",
            why,
        };
        let mut rest = line
            .strip_prefix(self.prefix.as_str())
            .ok_or_else(|| fail(format!("it does not start with '{}'", self.prefix)))?;
        // (name, value), appends joined in; a name is written once, at its first place.
        let mut fields: Vec<(Cow<'_, str>, Cow<'l, str>)> = Vec::new();
        let mut ref_keys: Vec<(&str, &'l str)> = Vec::new();
        let mut last_delim = "";
        for p in &self.parts {
            let value = if p.delimiter.is_empty() {
                let v = rest;
                rest = "";
                v
            } else {
                let at = rest.find(p.delimiter.as_str()).ok_or_else(|| {
                    fail(format!(
                        "no '{}' after the part for %{{{}}}",
                        p.delimiter, p.name
                    ))
                })?;
                let v = &rest[..at];
                rest = &rest[at + p.delimiter.len()..];
                if p.padded {
                    while let Some(r) = rest.strip_prefix(p.delimiter.as_str()) {
                        rest = r;
                    }
                }
                v
            };
            match p.kind {
                Kind::Skip => {}
                Kind::Field => match fields.iter_mut().find(|(n, _)| n == &p.name) {
                    Some(slot) => slot.1 = Cow::Borrowed(value),
                    None => fields.push((Cow::Borrowed(p.name.as_str()), Cow::Borrowed(value))),
                },
                Kind::Append => match fields.iter_mut().find(|(n, _)| n == &p.name) {
                    Some(slot) => slot.1 = Cow::Owned(format!("{}{last_delim}{value}", slot.1)),
                    None => fields.push((Cow::Borrowed(p.name.as_str()), Cow::Borrowed(value))),
                },
                Kind::RefKey => ref_keys.push((p.name.as_str(), value)),
                Kind::RefValue => {
                    if let Some((_, key)) = ref_keys.iter().find(|(n, _)| *n == p.name) {
                        fields.push((Cow::Borrowed(*key), Cow::Borrowed(value)));
                    }
                }
            }
            last_delim = &p.delimiter;
        }
        let mut time = None;
        for t in TIME_KEYS {
            if let Some((_, v)) = fields.iter().find(|(n, _)| n == t) {
                time = Some(v.clone());
                break;
            }
        }
        for (n, v) in &fields {
            obj.str(n, v);
        }
        Ok(time)
    }
}
