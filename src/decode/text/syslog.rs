//! Syslog lines, RFC 5424 and RFC 3164 told apart per line (a 5424 line has a version after its
//! PRI), as rsyslog, syslog-ng and network gear write them: the PRI is optional (files written by
//! a local daemon usually drop it). Fields are Vector's `parse_syslog` names: `hostname`,
//! `appname`, `procid`, `msgid`, `version`, `message`, and `structured_data` as objects with
//! their values unescaped; a NILVALUE (`-`) field is absent. From the PRI, `priority`,
//! `facility` and `severity` as numbers and `level` as the severity's name.

use std::borrow::Cow;

use super::{Decoder, Object, ParseError};

/// The severities' names, by number (obs's level words where they have one).
const LEVELS: [&str; 8] = [
    "emerg", "alert", "crit", "error", "warn", "notice", "info", "debug",
];

/// `--parse syslog`.
pub struct Syslog;

fn fail(why: String) -> ParseError {
    ParseError {
        format: "syslog",
        why,
    }
}

impl Decoder for Syslog {
    fn name(&self) -> &'static str {
        "syslog"
    }

    fn decode<'l>(
        &self,
        line: &'l str,
        obj: &mut Object,
    ) -> Result<Option<Cow<'l, str>>, ParseError> {
        let (pri, rest) = pri(line)?;
        if let Some(p) = pri {
            obj.number("priority", &p.to_string());
            obj.number("facility", &(p / 8).to_string());
            obj.number("severity", &(p % 8).to_string());
            obj.str("level", LEVELS[(p % 8) as usize]);
        }
        let b = rest.as_bytes();
        let is_5424 = pri.is_some()
            && b.first().is_some_and(u8::is_ascii_digit)
            && rest
                .find(' ')
                .is_some_and(|sp| rest[..sp].bytes().all(|c| c.is_ascii_digit()));
        let time = if is_5424 {
            rfc5424(rest, obj)?
        } else {
            rfc3164(rest, obj)?
        };
        Ok(time.map(Cow::Borrowed))
    }
}

/// `<PRI>` when the line has one (1 to 3 digits, at most 191), and what follows it.
fn pri(line: &str) -> Result<(Option<u32>, &str), ParseError> {
    let Some(rest) = line.strip_prefix('<') else {
        return Ok((None, line));
    };
    let end = rest
        .find('>')
        .filter(|&e| (1..=3).contains(&e))
        .ok_or_else(|| fail("a '<' that opens no <PRI>".into()))?;
    let p: u32 = rest[..end]
        .parse()
        .ok()
        .filter(|p| *p <= 191)
        .ok_or_else(|| {
            fail(format!(
                "PRI <{}> is not a number from 0 to 191",
                &rest[..end]
            ))
        })?;
    Ok((Some(p), &rest[end + 1..]))
}

/// The next space-separated field and the rest after its space.
fn field<'l>(s: &'l str, what: &str) -> Result<(&'l str, &'l str), ParseError> {
    match s.split_once(' ') {
        Some((f, rest)) if !f.is_empty() => Ok((f, rest)),
        None if !s.is_empty() => Ok((s, "")),
        _ => Err(fail(format!("no {what}"))),
    }
}

/// `VERSION TIMESTAMP HOSTNAME APP-NAME PROCID MSGID SD [MSG]`.
fn rfc5424<'l>(s: &'l str, obj: &mut Object) -> Result<Option<&'l str>, ParseError> {
    let (version, s) = field(s, "version")?;
    obj.number_or_str("version", version);
    let (ts, s) = field(s, "timestamp")?;
    let time = (ts != "-").then_some(ts);
    if let Some(t) = time {
        obj.str("timestamp", t);
    }
    let (host, s) = field(s, "hostname")?;
    let (app, s) = field(s, "app-name")?;
    let (proc_id, s) = field(s, "procid")?;
    let (msg_id, s) = field(s, "msgid")?;
    for (name, value) in [
        ("hostname", host),
        ("appname", app),
        ("procid", proc_id),
        ("msgid", msg_id),
    ] {
        if value != "-" {
            obj.number_or_str(name, value);
        }
    }
    let msg = if let Some(rest) = s.strip_prefix('-') {
        rest
    } else if s.starts_with('[') {
        structured_data(s, obj)?
    } else {
        return Err(fail("no structured data (- or [id …])".into()));
    };
    let msg = msg.strip_prefix(' ').unwrap_or(msg);
    let msg = msg.strip_prefix('\u{feff}').unwrap_or(msg);
    if !msg.is_empty() {
        obj.str("message", msg);
    }
    Ok(time)
}

/// `[id k="v" …][id2 …]` as `structured_data: {id: {k: v}}`; returns what follows.
fn structured_data<'l>(s: &'l str, obj: &mut Object) -> Result<&'l str, ParseError> {
    let mut sd = obj.object("structured_data");
    let mut rest = s;
    while let Some(body) = rest.strip_prefix('[') {
        let id_end = body
            .find([' ', ']'])
            .ok_or_else(|| fail("a structured data element is not closed".into()))?;
        let mut element = sd.object(&body[..id_end]);
        let mut r = &body[id_end..];
        loop {
            r = r.trim_start_matches(' ');
            if let Some(after) = r.strip_prefix(']') {
                rest = after;
                break;
            }
            let eq = r
                .find("=\"")
                .ok_or_else(|| fail("a structured data parameter has no =\"value\"".into()))?;
            let name = &r[..eq];
            let (value, after) = sd_value(&r[eq + 2..])?;
            element.str(name, &value);
            r = after;
        }
        element.close();
    }
    sd.close();
    Ok(rest)
}

/// A PARAM-VALUE up to its closing quote, with `\"`, `\\` and `\]` unescaped.
fn sd_value(s: &str) -> Result<(Cow<'_, str>, &str), ParseError> {
    let b = s.as_bytes();
    let mut i = 0;
    let mut escaped = false;
    while i < b.len() && b[i] != b'"' {
        if b[i] == b'\\' && matches!(b.get(i + 1), Some(b'"' | b'\\' | b']')) {
            escaped = true;
            i += 1;
        }
        i += 1;
    }
    if i >= b.len() {
        return Err(fail("a structured data value is not closed".into()));
    }
    let raw = &s[..i];
    let value = if escaped {
        Cow::Owned(
            raw.replace("\\\"", "\"")
                .replace("\\]", "]")
                .replace("\\\\", "\\"),
        )
    } else {
        Cow::Borrowed(raw)
    };
    Ok((value, &s[i + 1..]))
}

/// `TIMESTAMP HOSTNAME TAG[PID]: MSG`, the timestamp `Mmm dd hh:mm:ss` or RFC 3339.
fn rfc3164<'l>(s: &'l str, obj: &mut Object) -> Result<Option<&'l str>, ParseError> {
    let b = s.as_bytes();
    let ts_len = if b.len() >= 15
        && b[..3].iter().all(u8::is_ascii_alphabetic)
        && b[3] == b' '
        && (b[4] == b' ' || b[4].is_ascii_digit())
        && b[5].is_ascii_digit()
        && b[6] == b' '
        && b[9] == b':'
        && b[12] == b':'
    {
        // Fractional seconds, which rsyslog may add.
        15 + s[15..]
            .find(|c: char| !(c == '.' || c.is_ascii_digit()))
            .unwrap_or(s.len() - 15)
    } else if b.first().is_some_and(u8::is_ascii_digit)
        && s.find(' ').is_some_and(|e| s[..e].contains('T'))
    {
        s.find(' ').unwrap_or(s.len())
    } else {
        return Err(fail(
            "no timestamp (Mmm dd hh:mm:ss or RFC 3339) after the PRI".into(),
        ));
    };
    let ts = &s[..ts_len];
    obj.str("timestamp", ts);
    let s = s[ts_len..].trim_start_matches(' ');
    let (host, s) = field(s, "hostname")?;
    obj.str("hostname", host);
    // TAG: up to `[`, `:` or a space; `[PID]` after it.
    let tag_end = s.find(['[', ':', ' ']).unwrap_or(s.len());
    let mut msg = &s[tag_end..];
    if tag_end > 0 {
        obj.str("appname", &s[..tag_end]);
        if let Some(p) = msg.strip_prefix('[') {
            if let Some(close) = p.find(']') {
                obj.number_or_str("procid", &p[..close]);
                msg = &p[close + 1..];
            }
        }
        msg = msg.strip_prefix(':').unwrap_or(msg);
    }
    let msg = msg.strip_prefix(' ').unwrap_or(msg);
    if !msg.is_empty() {
        obj.str("message", msg);
    }
    Ok(Some(ts))
}
