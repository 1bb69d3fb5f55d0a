//! Time: finding a record's timestamp, parsing the forms logs use, and `--since/--until` bounds.
//!
//! Understood: RFC 3339 with any offset (`T` or space separator), the same without an offset
//! (read as wall-clock time in `--tz`), dates (midnight in `--tz`), epoch numbers whose unit
//! (s/ms/µs/ns) is inferred from their magnitude, the common log formats' own forms (Apache,
//! log4j, syslog), and any other form given as `--time-format` (strftime). Everything is
//! compared as UTC instants.

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde_json::Value;

use super::{FieldPath, Record};
use crate::decode::cell::Cell;
use crate::decode::value::parse_number;
use crate::error::ObsError;

/// Field names tried, in order, when `--time-field` is not given.
pub const DEFAULT_TIME_FIELDS: [&str; 4] = ["timestamp", "@timestamp", "time", "ts"];

/// Where a record's timestamp lives and how wall-clock times are read.
#[derive(Debug, Clone)]
pub struct TimeSpec {
    /// Candidate paths, tried in order.
    pub fields: Vec<FieldPath>,
    /// Zone for offset-less times, dates, `today`, and index date math.
    pub tz: Tz,
    /// `--time-format`: a strftime format tried before the forms obs knows.
    pub format: Option<String>,
}

/// What a record says of its time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TimeOf {
    /// None of the time fields is there.
    Missing,
    /// A time field is there, but its value is no time obs can read.
    Unreadable,
    /// The record's time.
    At(DateTime<Utc>),
}

impl TimeSpec {
    /// From `--time-field` (or the defaults) and `--tz`.
    pub fn new(field: Option<&str>, tz: Option<&str>) -> Result<TimeSpec, ObsError> {
        let fields = match field {
            Some(f) => vec![FieldPath::parse(f)?],
            None => DEFAULT_TIME_FIELDS
                .iter()
                .map(|f| FieldPath::parse(f))
                .collect::<Result<_, _>>()?,
        };
        Ok(TimeSpec {
            fields,
            tz: parse_tz(tz.unwrap_or("UTC"))?,
            format: None,
        })
    }

    /// With `--time-format` (checked: a format that cannot hold a date is refused).
    pub fn with_format(mut self, format: Option<&str>) -> Result<TimeSpec, ObsError> {
        if let Some(f) = format {
            let items: Vec<_> = chrono::format::StrftimeItems::new(f).collect();
            if items
                .iter()
                .any(|i| matches!(i, chrono::format::Item::Error))
            {
                return Err(ObsError::Usage(format!(
                    "--time-format '{f}' is not a strftime format (e.g. '%d/%m/%Y %H:%M:%S')"
                )));
            }
        }
        self.format = format.map(str::to_string);
        Ok(self)
    }

    /// The record's timestamp, if one of the fields holds a time.
    pub fn of(&self, rec: &Record) -> Option<DateTime<Utc>> {
        match self.read(rec) {
            TimeOf::At(t) => Some(t),
            TimeOf::Missing | TimeOf::Unreadable => None,
        }
    }

    /// The record's time, or whether its time field is missing or unreadable (which is
    /// counted and reported, never silently taken for no time).
    pub fn read(&self, rec: &Record) -> TimeOf {
        match self.fields.iter().find_map(|f| rec.get(f)) {
            None | Some(Value::Null) => TimeOf::Missing,
            Some(v) => self.value(v).map_or(TimeOf::Unreadable, TimeOf::At),
        }
    }

    /// A time value read with `--time-format` first, then the forms obs knows.
    pub fn value(&self, v: &Value) -> Option<DateTime<Utc>> {
        if let (Some(fmt), Value::String(s)) = (&self.format, v) {
            if let Some(t) = with_format(s.trim(), fmt, self.tz) {
                return Some(t);
            }
        }
        parse_time_value(v, self.tz)
    }

    /// A time written as text (a parsed line's), read as [`TimeSpec::value`] reads a string.
    pub fn text(&self, s: &str) -> Option<DateTime<Utc>> {
        if let Some(fmt) = &self.format {
            if let Some(t) = with_format(s.trim(), fmt, self.tz) {
                return Some(t);
            }
        }
        parse_time_str(s, self.tz)
    }
}

/// `s` read with a strftime format: with an offset if the format has one, else as wall-clock
/// time (or a date at midnight) in `tz`.
fn with_format(s: &str, fmt: &str, tz: Tz) -> Option<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_str(s, fmt) {
        return Some(t.with_timezone(&Utc));
    }
    if let Ok(naive) = NaiveDateTime::parse_from_str(s, fmt) {
        return local(naive, tz);
    }
    let d = NaiveDate::parse_from_str(s, fmt).ok()?;
    local(d.and_hms_opt(0, 0, 0)?, tz)
}

/// Parses an IANA zone name (`Asia/Kolkata`, `UTC`), or `local` ([`local_tz`]).
pub fn parse_tz(name: &str) -> Result<Tz, ObsError> {
    if name.eq_ignore_ascii_case("local") {
        return Ok(local_tz());
    }
    name.parse::<Tz>().map_err(|_| {
        ObsError::Usage(format!(
            "unknown time zone '{name}': use an IANA name such as Asia/Kolkata, UTC, or local"
        ))
    })
}

/// This machine's zone: `TZ` when it names an IANA zone (`Asia/Kolkata`, `:Asia/Kolkata`),
/// else the system's (`/etc/localtime`), else UTC.
pub fn local_tz() -> Tz {
    let from_env = std::env::var("TZ")
        .ok()
        .and_then(|t| t.trim_start_matches(':').parse::<Tz>().ok());
    from_env
        .or_else(|| iana_time_zone::get_timezone().ok()?.parse().ok())
        .unwrap_or(Tz::UTC)
}

/// A timestamp from a JSON value: a string in one of the understood forms or an epoch number.
pub fn parse_time_value(v: &Value, tz: Tz) -> Option<DateTime<Utc>> {
    parse_time_cell(&Cell::of(v), tz)
}

/// [`parse_time_value`] on a value borrowed from its line.
pub fn parse_time_cell(v: &Cell, tz: Tz) -> Option<DateTime<Utc>> {
    match v {
        Cell::Int(_) | Cell::UInt(_) => match v.as_i64() {
            Some(i) => from_epoch_int(i),
            None => v.number().and_then(from_epoch),
        },
        Cell::Float(f) => from_epoch(*f),
        Cell::Str(s) => parse_time_str(s, tz),
        _ => None,
    }
}

/// [`parse_time_cell`] as nanoseconds since the epoch, without building a `DateTime` for
/// epoch numbers (the common case in span dumps, read once per span).
// Inlined, with the parsing of other values out of line: as one call, every epoch number paid
// for saving and restoring the registers of the text parsing it never reaches.
#[inline]
pub fn time_nanos(v: &Cell, tz: Tz) -> Option<i64> {
    match v {
        Cell::Int(_) | Cell::UInt(_) => match v.as_i64() {
            Some(i) => epoch_int_nanos(i),
            None => parsed_nanos(v, tz),
        },
        _ => parsed_nanos(v, tz),
    }
}

/// [`time_nanos`] of a value that is no integer epoch.
#[inline(never)]
fn parsed_nanos(v: &Cell, tz: Tz) -> Option<i64> {
    parse_time_cell(v, tz)?.timestamp_nanos_opt()
}

/// A duration in milliseconds as whole nanoseconds, rounded half away from zero and saturated
/// as `(ms * 1e6).round() as i64` would be.
// Without SSE4.1 (not in the x86-64 baseline) `f64::round` is a call into libm's software
// rounding: read once per span line, it was 24 instructions of the row (callgrind over
// `benches/trace.rs`'s `first_pass_rows`). Truncation is one
// instruction, and the fraction it leaves (`x - trunc(x)`) is exact in an `f64`.
pub fn millis_nanos(ms: f64) -> i64 {
    let x = ms * 1e6;
    let t = x as i64;
    let fraction = x - t as f64;
    if fraction >= 0.5 {
        t.saturating_add(1)
    } else if fraction <= -0.5 {
        t.saturating_sub(1)
    } else {
        t
    }
}

/// Integer epoch to instant, exact to the nanosecond; unit as in [`from_epoch`].
pub fn from_epoch_int(x: i64) -> Option<DateTime<Utc>> {
    epoch_int_nanos(x).map(|n| Utc.timestamp_nanos(n))
}

fn epoch_int_nanos(x: i64) -> Option<i64> {
    let ax = x.unsigned_abs();
    if ax < 100_000_000_000 {
        x.checked_mul(1_000_000_000)
    } else if ax < 100_000_000_000_000 {
        x.checked_mul(1_000_000)
    } else if ax < 100_000_000_000_000_000 {
        x.checked_mul(1_000)
    } else {
        Some(x)
    }
}

/// Epoch number to instant; the unit is the one that puts the value between 1973 and 5138.
pub fn from_epoch(x: f64) -> Option<DateTime<Utc>> {
    let ax = x.abs();
    let nanos = if ax < 1e11 {
        x * 1e9
    } else if ax < 1e14 {
        x * 1e6
    } else if ax < 1e17 {
        x * 1e3
    } else {
        x
    };
    if !nanos.is_finite() || nanos.abs() > 9.2e18 {
        return None;
    }
    Some(Utc.timestamp_nanos(nanos as i64))
}

/// Parses RFC 3339 (any offset), offset-less date-times (in `tz`), dates, and epoch strings.
pub fn parse_time_str(s: &str, tz: Tz) -> Option<DateTime<Utc>> {
    let s = s.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(s) {
        return Some(t.with_timezone(&Utc));
    }
    let bytes = s.as_bytes();
    if bytes.len() >= 11 && bytes[10] == b' ' {
        let mut t = s.to_string();
        t.replace_range(10..11, "T");
        if let Ok(t) = DateTime::parse_from_rfc3339(&t) {
            return Some(t.with_timezone(&Utc));
        }
    }
    for fmt in [
        "%Y-%m-%dT%H:%M:%S%.f",
        "%Y-%m-%d %H:%M:%S%.f",
        "%Y-%m-%dT%H:%M",
        "%Y-%m-%d %H:%M",
    ] {
        if let Ok(naive) = NaiveDateTime::parse_from_str(s, fmt) {
            return local(naive, tz);
        }
    }
    if let Ok(d) = NaiveDate::parse_from_str(s, "%Y-%m-%d") {
        return local(d.and_hms_opt(0, 0, 0)?, tz);
    }
    if s.bytes().all(|b| b.is_ascii_digit() || b == b'-') {
        return s.parse::<i64>().ok().and_then(from_epoch_int);
    }
    parse_number(s)
        .and_then(from_epoch)
        .or_else(|| log_format_time(s, tz))
}

/// The common log formats' own forms, tried after the ISO ones: Apache/NGINX access logs
/// (`17/May/2015:10:05:03 +0000`), ISO with minutes and an offset (`2024-05-01T06:00+05:30`),
/// log4j/logback's comma before the milliseconds (`2024-05-01 10:00:00,123`, in `tz`), and
/// syslog's year-less `May  1 10:00:00` (in `tz`, in the year that puts it at most a day
/// ahead of now, as rsyslog reads it).
// Out of line: reached only by values none of the ISO forms read.
#[inline(never)]
fn log_format_time(s: &str, tz: Tz) -> Option<DateTime<Utc>> {
    for fmt in [
        "%d/%b/%Y:%H:%M:%S %z",
        "%Y-%m-%dT%H:%M%:z",
        "%Y-%m-%d %H:%M%:z",
    ] {
        if let Ok(t) = DateTime::parse_from_str(s, fmt) {
            return Some(t.with_timezone(&Utc));
        }
    }
    if s.len() > 20 && s.as_bytes()[19] == b',' && s.is_char_boundary(19) {
        let dotted = format!("{}.{}", &s[..19], &s[20..]);
        if let Ok(naive) = NaiveDateTime::parse_from_str(&dotted, "%Y-%m-%d %H:%M:%S%.f") {
            return local(naive, tz);
        }
    }
    syslog_time(s, tz, Utc::now())
}

/// `May  1 10:00:00` (optionally with fractional seconds) in the year that puts it no more
/// than a day after `now`.
pub fn syslog_time(s: &str, tz: Tz, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let b = s.as_bytes();
    if b.len() < 15 || !b[0].is_ascii_alphabetic() || b[3] != b' ' {
        return None;
    }
    let year = now.with_timezone(&tz).year();
    for y in [year, year - 1] {
        let with_year = format!("{y} {s}");
        let naive = NaiveDateTime::parse_from_str(&with_year, "%Y %b %e %H:%M:%S%.f").ok()?;
        let t = local(naive, tz)?;
        if t <= now + Duration::days(1) {
            return Some(t);
        }
    }
    None
}

fn local(naive: NaiveDateTime, tz: Tz) -> Option<DateTime<Utc>> {
    // In a DST gap or fold take the earliest valid instant; IST has neither.
    tz.from_local_datetime(&naive)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

/// Parses a `--since/--until` bound: `now`, `today`, `yesterday`, a relative offset (`-3h`,
/// `-15m`, `-2d`, `-1w`, `-30s`, also `3h ago`), or any absolute form [`parse_time_str`] reads.
pub fn parse_bound(s: &str, now: DateTime<Utc>, tz: Tz) -> Result<DateTime<Utc>, ObsError> {
    let t = s.trim();
    let midnight = |days_back: i64| {
        let today = now.with_timezone(&tz).date_naive();
        let d = today - Duration::days(days_back);
        local(d.and_hms_opt(0, 0, 0).unwrap_or_default(), tz)
    };
    let found = match t {
        "now" => Some(now),
        "today" => midnight(0),
        "yesterday" => midnight(1),
        _ => relative(t)
            .map(|d| now - d)
            .or_else(|| parse_time_str(t, tz)),
    };
    found.ok_or_else(|| {
        ObsError::Usage(format!(
            "cannot read time '{s}': use RFC 3339 (2024-05-01T10:00:00+05:30), a date, epoch \
             seconds/ms, 'today', 'yesterday', 'now' or a relative time like -3h, -15m, -2d"
        ))
    })
}

/// `-3h` / `3h ago` → 3 hours.
fn relative(t: &str) -> Option<Duration> {
    let body = if let Some(rest) = t.strip_prefix('-') {
        rest
    } else {
        t.strip_suffix("ago")?.trim_end()
    };
    let split = body.find(|c: char| !c.is_ascii_digit())?;
    let (num, unit) = body.split_at(split);
    let n: i64 = num.parse().ok()?;
    let d = match unit.trim() {
        "s" | "sec" | "secs" | "second" | "seconds" => Duration::seconds(n),
        "m" | "min" | "mins" | "minute" | "minutes" => Duration::minutes(n),
        "h" | "hr" | "hrs" | "hour" | "hours" => Duration::hours(n),
        "d" | "day" | "days" => Duration::days(n),
        "w" | "week" | "weeks" => Duration::weeks(n),
        _ => return None,
    };
    Some(d)
}

#[cfg(test)]
mod tests;
