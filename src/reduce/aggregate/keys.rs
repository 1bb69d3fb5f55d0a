//! Evaluating grouping keys on a record, and ordering their values for output.

use std::borrow::Cow;
use std::cmp::Ordering;

use chrono::{Datelike, Timelike};
use serde_json::{json, Value};

use super::spec::{Key, KeySpec};
use crate::decode::value::value_number;
use crate::record::time::TimeSpec;
use crate::record::Record;

/// The key's value for `rec` (`None`: the null group), borrowed from the record when it is a
/// field's value.
pub fn eval<'r>(key: &Key, rec: &'r Record, time: &TimeSpec) -> Option<Cow<'r, Value>> {
    let when = |field: &Option<crate::record::FieldPath>| match field {
        None => time.of(rec),
        Some(f) => rec.get(f).and_then(|v| time.value(v)),
    };
    match &key.spec {
        KeySpec::Field(f) => rec.get(f).map(Cow::Borrowed),
        KeySpec::Hour(f) => when(f).map(|t| Cow::Owned(json!(t.with_timezone(&time.tz).hour()))),
        KeySpec::Weekday(f) => when(f).map(|t| {
            Cow::Owned(json!(t
                .with_timezone(&time.tz)
                .weekday()
                .number_from_monday()))
        }),
        KeySpec::Date(f) => when(f).map(|t| {
            Cow::Owned(json!(t
                .with_timezone(&time.tz)
                .format("%Y-%m-%d")
                .to_string()))
        }),
        KeySpec::Bucket(f, bounds) => {
            let x = rec.get(f).and_then(value_number)?;
            Some(Cow::Owned(Value::String(bucket_label(x, bounds))))
        }
        KeySpec::Geohash(lat, lon, precision) => {
            let lat = rec.get(lat).and_then(value_number)?;
            let lon = rec.get(lon).and_then(value_number)?;
            if !(-90.0..=90.0).contains(&lat) || !(-180.0..=180.0).contains(&lon) {
                return None;
            }
            geohash::encode(geohash::Coord { x: lon, y: lat }, *precision)
                .ok()
                .map(|h| Cow::Owned(Value::String(h)))
        }
    }
}

/// `<1000`, `1000-10000`, …, `>=50000`: half-open ranges, lower bound included.
pub fn bucket_label(x: f64, bounds: &[f64]) -> String {
    let fmt = |b: f64| {
        if b.fract() == 0.0 && b.abs() < 1e15 {
            format!("{}", b as i64)
        } else {
            format!("{b}")
        }
    };
    match bounds.iter().position(|&b| x < b) {
        Some(0) => format!("<{}", fmt(bounds[0])),
        Some(i) => format!("{}-{}", fmt(bounds[i - 1]), fmt(bounds[i])),
        None => format!(">={}", fmt(bounds[bounds.len() - 1])),
    }
}

/// Orders two values of `key`: buckets by range, numbers numerically, then text; null last.
pub fn compare(key: &Key, a: &Option<Value>, b: &Option<Value>) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, _) => Ordering::Greater,
        (_, None) => Ordering::Less,
        (Some(a), Some(b)) => {
            if let KeySpec::Bucket(_, bounds) = &key.spec {
                let rank = |v: &Value| {
                    let label = v.as_str().unwrap_or("");
                    (0..=bounds.len())
                        .position(|i| {
                            let probe = if i == 0 {
                                bounds[0] - 1.0
                            } else {
                                bounds[i - 1]
                            };
                            bucket_label(probe, bounds) == label
                        })
                        .unwrap_or(usize::MAX)
                };
                return rank(a).cmp(&rank(b));
            }
            compare_values(a, b)
        }
    }
}

/// Numbers before text, numbers numerically, text bytewise.
pub fn compare_values(a: &Value, b: &Value) -> Ordering {
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => {
            crate::decode::value::value_text(a).cmp(&crate::decode::value::value_text(b))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_labels_and_order() {
        let b = [1000.0, 10000.0, 50000.0];
        assert_eq!(bucket_label(999.99, &b), "<1000");
        assert_eq!(bucket_label(1000.0, &b), "1000-10000");
        assert_eq!(bucket_label(49999.0, &b), "10000-50000");
        assert_eq!(bucket_label(50000.0, &b), ">=50000");
        let key = Key {
            name: "b".into(),
            spec: KeySpec::Bucket(crate::record::FieldPath::parse("a").expect("p"), b.to_vec()),
        };
        let mut labels: Vec<Option<Value>> = ["10000-50000", ">=50000", "<1000", "1000-10000"]
            .iter()
            .map(|s| Some(json!(s)))
            .collect();
        labels.push(None);
        labels.sort_by(|x, y| compare(&key, x, y));
        let got: Vec<String> = labels.iter().map(|v| format!("{v:?}")).collect();
        assert_eq!(got[0], "Some(String(\"<1000\"))");
        assert_eq!(got[3], "Some(String(\">=50000\"))");
        assert_eq!(got[4], "None");
    }

    #[test]
    fn geohash_cells() {
        // Mumbai at precision 5.
        let cell = geohash::encode(
            geohash::Coord {
                x: 72.8777,
                y: 19.0760,
            },
            5,
        )
        .expect("hash");
        assert_eq!(cell, "te7ud");
    }
}
