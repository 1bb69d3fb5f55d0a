//! How a value becomes cell text, in one place for every table, CSV and chart obs writes.
//!
//! Machine formats get values at full precision ([`text`]); only what is shown to people is
//! rounded ([`human_number`]).

use serde_json::Value;

/// A cell: strings as they are, everything else as compact JSON, missing as empty.
pub fn text(v: Option<&Value>) -> String {
    match v {
        None => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(other) => other.to_string(),
    }
}

/// Numbers for people: integers as they are, others to at most 4 decimals.
pub fn human_number(n: &serde_json::Number) -> String {
    match (n.as_i64(), n.as_f64()) {
        (Some(i), _) => i.to_string(),
        (None, Some(x)) => {
            let s = format!("{x:.4}");
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        }
        _ => n.to_string(),
    }
}

/// `x` rounded to three decimals: the millisecond figures and rates of the trace views, which
/// machine formats carry as they are shown (a thousandth of a millisecond is a microsecond).
pub fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// A time (epoch milliseconds) as RFC 3339 in `tz`: to the second (`2024-05-01T10:05:00+05:30`),
/// with milliseconds when it has them (buckets of `--every 500ms`), so two buckets never read
/// the same.
pub fn time_label(ms: i64, tz: chrono_tz::Tz) -> String {
    use chrono::TimeZone as _;
    let at = chrono::Utc
        .timestamp_millis_opt(ms)
        .single()
        .unwrap_or_default()
        .with_timezone(&tz);
    if ms.rem_euclid(1000) == 0 {
        at.format("%Y-%m-%dT%H:%M:%S%:z").to_string()
    } else {
        at.format("%Y-%m-%dT%H:%M:%S%.3f%:z").to_string()
    }
}
