//! `obs fields`: the profile of every key path of a dump, in one pass: its JSON types, how many
//! records have it, how many distinct values (exact up to [`VALUE_CAP`], then estimated by
//! [`sketch::Distinct`]), its most frequent values, and the range of its numbers and times.
//!
//! Built per chunk on the workers and merged in input order. Everything merged is exact or
//! merges exactly (sums, minima and maxima, register maxima), and the caps apply to the union,
//! so the profile is the same for any number of threads.

pub mod sketch;

use std::collections::HashMap;

use serde_json::{json, Map, Value};

use crate::decode::value::value_text;
use crate::output::cell::time_label;
use crate::record::time::parse_time_str;
use sketch::Distinct;

/// Distinct values counted exactly per path; past it, only the estimate is kept.
pub const VALUE_CAP: usize = 10_000;
/// Paths profiled; further paths are only counted (keys made of ids would otherwise make a
/// path per record).
pub const PATH_CAP: usize = 5_000;

/// JSON types, in the order they are named.
const TYPES: [&str; 6] = ["null", "boolean", "number", "string", "array", "object"];

/// What is known of one path.
#[derive(Clone, Default)]
struct Stats {
    /// Records that have it.
    present: u64,
    /// Values of each of [`TYPES`].
    types: [u64; 6],
    distinct: Distinct,
    /// Exact counts of scalar values, while there are at most [`VALUE_CAP`].
    values: Option<HashMap<String, u64>>,
    numbers: Option<(f64, f64)>,
    /// Epoch milliseconds.
    times: Option<(i64, i64)>,
    /// The record that last had it, so a path repeated in an array counts once per record.
    last: u64,
}

/// The profile of many records.
#[derive(Default)]
pub struct Profile {
    /// Records seen.
    pub records: u64,
    paths: Vec<(String, Stats)>,
    index: HashMap<String, usize>,
    /// Paths past [`PATH_CAP`].
    overflow: Distinct,
    overflowed: bool,
}

fn widen<T: PartialOrd + Copy>(range: &mut Option<(T, T)>, lo: T, hi: T) {
    *range = Some(match *range {
        None => (lo, hi),
        Some((a, b)) => (if lo < a { lo } else { a }, if hi > b { hi } else { b }),
    });
}

/// Whether a string may be a time worth reading (`2024-05-01…`): reading every string would
/// cost more than the profile.
fn looks_like_time(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() >= 10 && b[..4].iter().all(u8::is_ascii_digit) && b[4] == b'-' && b[7] == b'-'
}

/// A number as JSON writes it best: whole numbers without a fraction.
fn number(x: f64) -> Value {
    if x.fract() == 0.0 && x.abs() < 9e15 {
        json!(x as i64)
    } else {
        json!(x)
    }
}

impl Profile {
    /// Adds one record's fields.
    pub fn observe(&mut self, obj: &Map<String, Value>) {
        self.records += 1;
        let record = self.records;
        let mut path = String::new();
        self.object(obj, &mut path, record);
    }

    fn object(&mut self, obj: &Map<String, Value>, path: &mut String, record: u64) {
        for (k, v) in obj {
            let len = path.len();
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(k);
            self.value(v, path, record);
            path.truncate(len);
        }
    }

    fn value(&mut self, v: &Value, path: &mut String, record: u64) {
        if let Some(s) = self.stats(path) {
            if s.last != record {
                s.last = record;
                s.present += 1;
            }
            let t = match v {
                Value::Null => 0,
                Value::Bool(_) => 1,
                Value::Number(_) => 2,
                Value::String(_) => 3,
                Value::Array(_) => 4,
                Value::Object(_) => 5,
            };
            s.types[t] += 1;
            if t <= 3 {
                let text = value_text(v);
                s.distinct.add(text.as_bytes());
                if let Some(values) = s.values.as_mut() {
                    *values.entry(text.into_owned()).or_insert(0) += 1;
                    if values.len() > VALUE_CAP {
                        s.values = None;
                    }
                }
            }
            match v {
                Value::Number(n) => {
                    if let Some(x) = n.as_f64() {
                        widen(&mut s.numbers, x, x);
                    }
                }
                Value::String(text) if looks_like_time(text) => {
                    if let Some(at) = parse_time_str(text, chrono_tz::UTC) {
                        let ms = at.timestamp_millis();
                        widen(&mut s.times, ms, ms);
                    }
                }
                _ => {}
            }
        }
        match v {
            Value::Object(o) => self.object(o, path, record),
            Value::Array(items) => {
                let len = path.len();
                path.push_str("[]");
                for item in items {
                    self.value(item, path, record);
                }
                path.truncate(len);
            }
            _ => {}
        }
    }

    /// The stats of `path`, made when new; `None` past [`PATH_CAP`] (then only counted).
    fn stats(&mut self, path: &str) -> Option<&mut Stats> {
        if let Some(&i) = self.index.get(path) {
            return Some(&mut self.paths[i].1);
        }
        if self.paths.len() >= PATH_CAP {
            self.overflow.add(path.as_bytes());
            self.overflowed = true;
            return None;
        }
        self.index.insert(path.to_string(), self.paths.len());
        self.paths.push((
            path.to_string(),
            Stats {
                values: Some(HashMap::new()),
                ..Stats::default()
            },
        ));
        self.paths.last_mut().map(|(_, s)| s)
    }

    /// Adds a later chunk's profile.
    pub fn merge(&mut self, other: Profile) {
        self.records += other.records;
        self.overflow.merge(&other.overflow);
        self.overflowed |= other.overflowed;
        for (path, o) in other.paths {
            let Some(s) = self.stats(&path) else {
                continue;
            };
            s.present += o.present;
            for (a, b) in s.types.iter_mut().zip(o.types) {
                *a += b;
            }
            s.distinct.merge(&o.distinct);
            match (s.values.as_mut(), o.values) {
                (Some(mine), Some(theirs)) => {
                    for (v, n) in theirs {
                        *mine.entry(v).or_insert(0) += n;
                    }
                    if mine.len() > VALUE_CAP {
                        s.values = None;
                    }
                }
                _ => s.values = None,
            }
            if let Some((lo, hi)) = o.numbers {
                widen(&mut s.numbers, lo, hi);
            }
            if let Some((lo, hi)) = o.times {
                widen(&mut s.times, lo, hi);
            }
        }
    }

    /// Paths past [`PATH_CAP`] that were counted but not profiled (an estimate).
    pub fn unprofiled(&self) -> u64 {
        if self.overflowed {
            self.overflow.estimate().max(1)
        } else {
            0
        }
    }

    /// One row per path, in the order paths were first seen: `field`, `types` (most frequent
    /// first), `present` (% of records), `records`, `distinct`, `top` (the `top` most frequent
    /// values as `VALUE (COUNT)`), `min`, `max` (numbers, else times in RFC 3339 UTC).
    pub fn rows(&self, top: usize) -> Vec<Map<String, Value>> {
        self.paths
            .iter()
            .map(|(path, s)| {
                let mut types: Vec<(usize, u64)> = s
                    .types
                    .iter()
                    .copied()
                    .enumerate()
                    .filter(|(_, n)| *n > 0)
                    .collect();
                types.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
                let (distinct, tops) = match &s.values {
                    Some(values) => {
                        let mut v: Vec<(&String, &u64)> = values.iter().collect();
                        v.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
                        // Values seen once each (ids, times) have no top worth showing.
                        let repeats = v.first().is_some_and(|(_, n)| **n > 1);
                        let tops: Vec<Value> = v
                            .iter()
                            .take(if repeats { top } else { 0 })
                            .map(|(value, n)| json!(format!("{value} ({n})")))
                            .collect();
                        (json!(values.len()), tops)
                    }
                    None => (json!(s.distinct.estimate()), Vec::new()),
                };
                let scalars: u64 = s.types[..4].iter().sum();
                let distinct = if scalars == 0 { Value::Null } else { distinct };
                let (min, max) = match (s.numbers, s.times) {
                    (Some((lo, hi)), _) => (number(lo), number(hi)),
                    (None, Some((lo, hi))) => (
                        json!(time_label(lo, chrono_tz::UTC)),
                        json!(time_label(hi, chrono_tz::UTC)),
                    ),
                    (None, None) => (Value::Null, Value::Null),
                };
                let pct = (s.present as f64 * 1000.0 / self.records.max(1) as f64).round() / 10.0;
                let mut m = Map::new();
                m.insert("field".into(), json!(path));
                m.insert(
                    "types".into(),
                    json!(types.iter().map(|(t, _)| TYPES[*t]).collect::<Vec<_>>()),
                );
                m.insert("present".into(), json!(pct));
                m.insert("records".into(), json!(s.present));
                m.insert("distinct".into(), distinct);
                m.insert("top".into(), Value::Array(tops));
                m.insert("min".into(), min);
                m.insert("max".into(), max);
                m
            })
            .collect()
    }
}

#[cfg(test)]
mod tests;
