//! logfmt (`level=info msg="payment done" amount=10 retried`), as Go's go-logfmt writes it and
//! Vector's `parse_logfmt` reads it: values are strings, a quoted value has its escapes read, a
//! bare key is `true`, a key given twice keeps its last value.

use std::borrow::Cow;

use super::{Decoder, Object, ParseError, TIME_KEYS};

/// `--parse logfmt`.
pub struct Logfmt;

/// A value of a pair.
enum Val<'l> {
    Text(Cow<'l, str>),
    Bare,
}

impl Decoder for Logfmt {
    fn name(&self) -> &'static str {
        "logfmt"
    }

    fn decode<'l>(
        &self,
        line: &'l str,
        obj: &mut Object,
    ) -> Result<Option<Cow<'l, str>>, ParseError> {
        let pairs = pairs(line)?;
        let mut time = None;
        for k in TIME_KEYS {
            if let Some((_, Val::Text(t))) = pairs.iter().find(|(key, _)| *key == k) {
                time = Some(t.clone());
                break;
            }
        }
        for (k, v) in &pairs {
            match v {
                Val::Text(t) => obj.str(k, t),
                Val::Bare => obj.bool(k, true),
            }
        }
        Ok(time)
    }
}

fn fail(why: String) -> ParseError {
    ParseError {
        format: "logfmt",
        why,
    }
}

/// The pairs of a line, a repeated key holding its last value in its first place.
fn pairs(line: &str) -> Result<Vec<(&str, Val<'_>)>, ParseError> {
    let b = line.as_bytes();
    let mut out: Vec<(&str, Val)> = Vec::new();
    let mut i = 0;
    loop {
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if i == b.len() {
            break;
        }
        let start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'=' && b[i] != b'"' {
            i += 1;
        }
        let key = &line[start..i];
        if key.is_empty() {
            return Err(fail(format!("no key before byte {}", i + 1)));
        }
        let val = if b.get(i) == Some(&b'=') {
            i += 1;
            if b.get(i) == Some(&b'"') {
                let (v, end) = quoted(line, i)?;
                i = end;
                Val::Text(v)
            } else {
                let vs = i;
                while i < b.len() && !b[i].is_ascii_whitespace() {
                    i += 1;
                }
                Val::Text(Cow::Borrowed(&line[vs..i]))
            }
        } else if b.get(i) == Some(&b'"') {
            return Err(fail(format!(
                "a quote inside key '{key}' at byte {}",
                i + 1
            )));
        } else {
            Val::Bare
        };
        match out.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = val,
            None => out.push((key, val)),
        }
    }
    Ok(out)
}

/// The quoted value starting at `open` (a `"`), unescaped, and the byte after its closing quote.
fn quoted(line: &str, open: usize) -> Result<(Cow<'_, str>, usize), ParseError> {
    let b = line.as_bytes();
    let body = open + 1;
    let mut i = body;
    // Most values have no escape: borrow them.
    while i < b.len() && b[i] != b'"' && b[i] != b'\\' {
        i += 1;
    }
    if b.get(i) == Some(&b'"') {
        return Ok((Cow::Borrowed(&line[body..i]), i + 1));
    }
    let mut s = String::from(&line[body..i]);
    let mut chars = line[i..].char_indices();
    while let Some((at, c)) = chars.next() {
        match c {
            '"' => return Ok((Cow::Owned(s), i + at + 1)),
            '\\' => match chars.next() {
                Some((_, 'n')) => s.push('\n'),
                Some((_, 't')) => s.push('\t'),
                Some((_, 'r')) => s.push('\r'),
                Some((_, 'u')) => {
                    let hex: String = (0..4)
                        .filter_map(|_| chars.next().map(|(_, c)| c))
                        .collect();
                    match u32::from_str_radix(&hex, 16).ok().and_then(char::from_u32) {
                        Some(c) if hex.len() == 4 => s.push(c),
                        _ => return Err(fail(format!("bad \\u escape at byte {}", i + at + 1))),
                    }
                }
                Some((_, c)) => s.push(c),
                None => break,
            },
            c => s.push(c),
        }
    }
    Err(fail(format!(
        "the quote at byte {} is not closed",
        open + 1
    )))
}
