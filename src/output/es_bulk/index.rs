//! Index names from a Logstash-style template: `payment-logs-%{+yyyy.MM.dd}`, `%{service}-logs`.
//!
//! `%{field}` takes the record's field; `%{+FORMAT}` formats the record's own timestamp in `--tz`
//! with Joda letters as Logstash does: `yyyy`/`YYYY` year, `yy` two-digit year, `xxxx` ISO week
//! year, `ww` ISO week, `MM` month, `MMM`/`MMMM` month name (`May`, `September`), `dd` day,
//! `EEE`/`EEEE` weekday name (`Wed`, `Wednesday`), `DDD` day of year, `HH` hour, `mm` minute,
//! `ss` second; other characters (and 'quoted text') are copied. Names are checked against
//! Elasticsearch's rules, so a bad name is a rejected line here rather than a failed bulk item
//! later. Upper case is one of them: it is refused, never silently lowercased (a template's
//! own text at once; a name made upper-case by a field or a month name, per record).

use chrono::{DateTime, Datelike, Timelike, Utc};

use crate::decode::value::value_text;
use crate::error::ObsError;
use crate::record::time::TimeSpec;
use crate::record::{FieldPath, Record};

#[derive(Debug, Clone)]
enum Part {
    Text(String),
    Field(FieldPath),
    Date(Vec<DateToken>),
}

#[derive(Debug, Clone)]
enum DateToken {
    Text(String),
    Letter(char, usize),
}

/// A parsed index-name template.
#[derive(Debug, Clone)]
pub struct IndexTemplate {
    parts: Vec<Part>,
}

/// Characters Elasticsearch forbids in index names.
const FORBIDDEN: &[char] = &['\\', '/', '*', '?', '"', '<', '>', '|', ' ', ',', '#', ':'];

impl IndexTemplate {
    /// Parses `--index`.
    pub fn parse(src: &str) -> Result<IndexTemplate, ObsError> {
        let bad = |m: &str| ObsError::Usage(format!("bad --index '{src}': {m}"));
        let mut parts = Vec::new();
        let mut rest = src;
        while let Some(i) = rest.find("%{") {
            if i > 0 {
                parts.push(Part::Text(rest[..i].to_string()));
            }
            let close = rest[i..].find('}').ok_or_else(|| bad("unclosed %{"))? + i;
            let inner = &rest[i + 2..close];
            if let Some(fmt) = inner.strip_prefix('+') {
                parts.push(Part::Date(parse_date_format(fmt).map_err(|m| bad(&m))?));
            } else {
                let path = inner
                    .trim_start_matches('[')
                    .trim_end_matches(']')
                    .replace("][", ".");
                parts.push(Part::Field(
                    FieldPath::parse(&path).map_err(|e| bad(&e.to_string()))?,
                ));
            }
            rest = &rest[close + 1..];
        }
        if !rest.is_empty() {
            parts.push(Part::Text(rest.to_string()));
        }
        if parts.is_empty() {
            return Err(bad("empty"));
        }
        let upper = |t: &str| t.chars().any(char::is_uppercase);
        if parts.iter().any(|p| matches!(p, Part::Text(t) if upper(t))) {
            return Err(bad(
                "Elasticsearch index names are lower-case; write the name in lower case",
            ));
        }
        Ok(IndexTemplate { parts })
    }

    /// True when the name depends on the record's timestamp.
    pub fn uses_time(&self) -> bool {
        self.parts.iter().any(|p| matches!(p, Part::Date(_)))
    }

    /// Paths the template reads.
    pub fn fields(&self) -> Vec<&FieldPath> {
        self.parts
            .iter()
            .filter_map(|p| match p {
                Part::Field(f) => Some(f),
                _ => None,
            })
            .collect()
    }

    /// The index pattern matching every name this template makes (`payment-logs-*`).
    pub fn pattern(&self) -> String {
        let mut s = String::new();
        for p in &self.parts {
            match p {
                Part::Text(t) => s.push_str(t),
                _ if s.ends_with('*') => {}
                _ => s.push('*'),
            }
        }
        s
    }

    /// The index name for `rec`, or why there is none.
    pub fn render(&self, rec: &Record, time: &TimeSpec) -> Result<String, String> {
        let mut name = String::new();
        for p in &self.parts {
            match p {
                Part::Text(t) => name.push_str(t),
                Part::Field(f) => match rec.get(f) {
                    Some(v) if !v.is_null() => name.push_str(&value_text(v)),
                    _ => return Err(format!("index name: field '{f}' is missing")),
                },
                Part::Date(tokens) => {
                    let t = time.of(rec).ok_or_else(|| {
                        let names: Vec<&str> = time.fields.iter().map(|f| f.as_str()).collect();
                        format!("index name: no timestamp in {}", names.join(", "))
                    })?;
                    format_date(&mut name, tokens, t, time);
                }
            }
        }
        check_name(&name)?;
        Ok(name)
    }
}

fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() || name == "." || name == ".." {
        return Err(format!("index name '{name}' is not allowed"));
    }
    if name.starts_with(['-', '_', '+']) {
        return Err(format!("index name '{name}' must not start with -, _ or +"));
    }
    if let Some(c) = name.chars().find(|c| FORBIDDEN.contains(c)) {
        return Err(format!("index name '{name}' contains '{c}'"));
    }
    if name.len() > 255 {
        return Err("index name longer than 255 bytes".to_string());
    }
    if name.chars().any(char::is_uppercase) {
        return Err(format!(
            "index name '{name}' has upper-case letters, which Elasticsearch refuses"
        ));
    }
    Ok(())
}

fn parse_date_format(fmt: &str) -> Result<Vec<DateToken>, String> {
    let mut out = Vec::new();
    let chars: Vec<char> = fmt.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' {
            let end = chars[i + 1..]
                .iter()
                .position(|&x| x == '\'')
                .ok_or("unclosed quote in date format")?;
            out.push(DateToken::Text(chars[i + 1..i + 1 + end].iter().collect()));
            i += end + 2;
        } else if c.is_ascii_alphabetic() {
            let mut n = 1;
            while i + n < chars.len() && chars[i + n] == c {
                n += 1;
            }
            if !"yYxwMdDEHms".contains(c) {
                return Err(format!(
                    "unsupported date letter '{c}' (use yyyy, xxxx, ww, MM, MMM, dd, EEE, DDD, \
                     HH, mm, ss)"
                ));
            }
            out.push(DateToken::Letter(c, n));
            i += n;
        } else {
            out.push(DateToken::Text(c.to_string()));
            i += 1;
        }
    }
    Ok(out)
}

fn format_date(out: &mut String, tokens: &[DateToken], t: DateTime<Utc>, time: &TimeSpec) {
    let t = t.with_timezone(&time.tz);
    for tok in tokens {
        match tok {
            DateToken::Text(s) => out.push_str(s),
            // Joda's names: three letters or fewer the short one, four or more the full one.
            DateToken::Letter('M', n) if *n >= 3 => {
                let format = if *n == 3 { "%b" } else { "%B" };
                out.push_str(&t.format(format).to_string());
            }
            DateToken::Letter('E', n) => {
                let format = if *n <= 3 { "%a" } else { "%A" };
                out.push_str(&t.format(format).to_string());
            }
            DateToken::Letter(c, n) => {
                let v: i64 = match c {
                    'y' | 'Y' if *n == 2 => i64::from(t.year().rem_euclid(100)),
                    'y' | 'Y' => i64::from(t.year()),
                    'x' if *n == 2 => i64::from(t.iso_week().year().rem_euclid(100)),
                    'x' => i64::from(t.iso_week().year()),
                    'w' => i64::from(t.iso_week().week()),
                    'M' => i64::from(t.month()),
                    'd' => i64::from(t.day()),
                    'D' => i64::from(t.ordinal()),
                    'H' => i64::from(t.hour()),
                    'm' => i64::from(t.minute()),
                    _ => i64::from(t.second()),
                };
                out.push_str(&format!("{v:0width$}", width = *n));
            }
        }
    }
}
