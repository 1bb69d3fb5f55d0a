//! Apache/nginx access logs: the common log format and the combined one, with the field names
//! of Logstash's legacy `COMMONAPACHELOG`/`COMBINEDAPACHELOG` (`clientip`, `verb`, `request`,
//! `response`, `bytes`, `referrer`, `agent`…), `response` and `bytes` as numbers, quoted
//! values without their quotes. What nginx configurations commonly add after them is kept:
//! `key=value` pairs as fields, bare numbers as `request_time` then `upstream_response_time`,
//! anything else in `extra`.
//!
//! Read by hand rather than by regex: it is the format of the largest dumps users parse.

use std::borrow::Cow;

use super::{Decoder, Object, ParseError};

/// `--parse common` and `--parse combined`.
pub struct Clf {
    /// Whether "referrer" "agent" follow the common fields.
    pub combined: bool,
}

impl Decoder for Clf {
    fn name(&self) -> &'static str {
        if self.combined {
            "combined"
        } else {
            "common"
        }
    }

    fn decode<'l>(
        &self,
        line: &'l str,
        obj: &mut Object,
    ) -> Result<Option<Cow<'l, str>>, ParseError> {
        let mut r = Reader {
            s: line,
            at: 0,
            format: self.name(),
        };
        let clientip = r.token("client address")?;
        let ident = r.token("ident")?;
        let auth = r.token("user")?;
        let time = r.bracketed("[time]")?;
        let request = r.quoted("\"request\"")?;
        let status = r.token("status")?;
        let bytes = r.token("size")?;
        if !(status.len() == 3 && status.bytes().all(|c| c.is_ascii_digit())) {
            return Err(r.fail(format!("status '{status}' is not three digits")));
        }
        if bytes != "-" && !bytes.bytes().all(|c| c.is_ascii_digit()) {
            return Err(r.fail(format!("size '{bytes}' is not a number or -")));
        }
        obj.str("clientip", clientip);
        obj.str("ident", ident);
        obj.str("auth", auth);
        obj.str("timestamp", time);
        request_fields(&request, obj);
        obj.number("response", trim_zeros(status));
        if bytes != "-" {
            obj.number("bytes", trim_zeros(bytes));
        }
        if self.combined {
            let referrer = r.quoted("\"referrer\"")?;
            let agent = r.quoted("\"agent\"")?;
            obj.str("referrer", &referrer);
            obj.str("agent", &agent);
        }
        extras(r.rest(), obj);
        Ok(Some(Cow::Borrowed(time)))
    }

    fn read_time(&self, text: &str) -> Option<i64> {
        http_date(text)
    }
}

/// `17/May/2015:10:05:03 +0000` (Apache's `%t`, nginx's `$time_local`) as epoch milliseconds.
pub fn http_date(s: &str) -> Option<i64> {
    let b = s.as_bytes();
    if b.len() != 26 || b[2] != b'/' || b[6] != b'/' || b[11] != b':' || b[20] != b' ' {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |n, &c| {
            c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
        })
    };
    const MONTHS: [&[u8; 3]; 12] = [
        b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov",
        b"Dec",
    ];
    let month = MONTHS.iter().position(|m| m[..] == b[3..6])? as u32 + 1;
    let date = chrono::NaiveDate::from_ymd_opt(num(7..11)? as i32, month, num(0..2)?)?;
    let at = date.and_hms_opt(num(12..14)?, num(15..17)?, num(18..20)?)?;
    let offset = i64::from(num(22..24)? * 60 + num(24..26)?) * 60_000;
    let sign = match b[21] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    Some(at.and_utc().timestamp_millis() - sign * offset)
}

/// A number's digits without leading zeros (JSON has none), `0` for all zeros.
fn trim_zeros(d: &str) -> &str {
    match d.trim_start_matches('0') {
        "" => "0",
        t => t,
    }
}

/// `GET /path HTTP/1.1` as `verb`, `request`, `httpversion`; anything else as `rawrequest`.
fn request_fields(req: &str, obj: &mut Object) {
    let mut parts = req.split(' ');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(verb), Some(target), version, None)
            if !verb.is_empty()
                && verb.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_')
                && !target.is_empty()
                && version.is_none_or(|v| v.starts_with("HTTP/") && v.len() > 5) =>
        {
            obj.str("verb", verb);
            obj.str("request", target);
            if let Some(v) = version {
                obj.str("httpversion", &v[5..]);
            }
        }
        _ => obj.str("rawrequest", req),
    }
}

/// What follows the standard fields (nginx's additions): pairs, two timings, the rest.
fn extras(rest: &str, obj: &mut Object) {
    let mut timings = ["request_time", "upstream_response_time"].into_iter();
    let mut extra: Vec<&str> = Vec::new();
    for tok in rest.split_ascii_whitespace() {
        if let Some((k, v)) = tok.split_once('=').filter(|(k, _)| plain_key(k)) {
            obj.number_or_str(k, v.trim_matches('"'));
        } else if super::object::is_json_number(tok) || tok == "-" {
            match timings.next() {
                Some(name) if tok != "-" => obj.number(name, tok),
                Some(_) => {}
                None => extra.push(tok),
            }
        } else {
            extra.push(tok);
        }
    }
    if !extra.is_empty() {
        obj.str("extra", &extra.join(" "));
    }
}

fn plain_key(k: &str) -> bool {
    !k.is_empty()
        && k.bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'.')
}

/// A cursor over the line.
struct Reader<'l> {
    s: &'l str,
    at: usize,
    format: &'static str,
}

impl<'l> Reader<'l> {
    fn fail(&self, why: String) -> ParseError {
        ParseError {
            format: self.format,
            why,
        }
    }

    fn skip_spaces(&mut self) {
        let b = self.s.as_bytes();
        while self.at < b.len() && b[self.at] == b' ' {
            self.at += 1;
        }
    }

    fn missing(&self, what: &str) -> ParseError {
        self.fail(format!("no {what} at byte {}", self.at + 1))
    }

    /// The next run of non-space bytes.
    fn token(&mut self, what: &str) -> Result<&'l str, ParseError> {
        self.skip_spaces();
        let b = self.s.as_bytes();
        let start = self.at;
        while self.at < b.len() && b[self.at] != b' ' {
            self.at += 1;
        }
        match &self.s[start..self.at] {
            "" => Err(self.missing(what)),
            t => Ok(t),
        }
    }

    /// `[…]`'s content.
    fn bracketed(&mut self, what: &str) -> Result<&'l str, ParseError> {
        self.skip_spaces();
        let rest = &self.s[self.at..];
        if !rest.starts_with('[') {
            return Err(self.missing(what));
        }
        let end = rest.find(']').ok_or_else(|| self.missing(what))?;
        self.at += end + 1;
        Ok(&rest[1..end])
    }

    /// `"…"`'s content, `\"` and `\\` read as the characters they stand for.
    fn quoted(&mut self, what: &str) -> Result<Cow<'l, str>, ParseError> {
        self.skip_spaces();
        let b = self.s.as_bytes();
        if b.get(self.at) != Some(&b'"') {
            return Err(self.missing(what));
        }
        let start = self.at + 1;
        let mut i = start;
        let mut escaped = false;
        while i < b.len() && b[i] != b'"' {
            if b[i] == b'\\' && i + 1 < b.len() {
                escaped = true;
                i += 1;
            }
            i += 1;
        }
        if i >= b.len() {
            return Err(self.fail(format!("the quote of {what} at byte {start} is not closed")));
        }
        self.at = i + 1;
        let body = &self.s[start..i];
        Ok(if escaped {
            Cow::Owned(body.replace("\\\"", "\"").replace("\\\\", "\\"))
        } else {
            Cow::Borrowed(body)
        })
    }

    fn rest(&self) -> &'l str {
        &self.s[self.at..]
    }
}
