//! The aggregation language: grouping keys (`--by`) and metrics (`--agg`).
//!
//! ```text
//! --by   service, payment_method, hour(timestamp), weekday(), date(), bucket(amount, 1000, 10000),
//!        geohash(lat, lon, 5)
//! --agg  count, count(level=ERROR), rate(status=success) as success_rate, sum(amount),
//!        avg(x), min(x), max(x), stddev(x), median(x), p95(x), p99.9(x), count_distinct(x),
//!        first(x), last(x)
//! ```

use crate::error::ObsError;
use crate::expr::Expr;
use crate::record::FieldPath;

/// A grouping key.
#[derive(Debug, Clone)]
pub enum KeySpec {
    /// A field's value (text; numbers and booleans as JSON writes them).
    Field(FieldPath),
    /// Hour of day 0–23 in `--tz` of a timestamp field (`None`: the record's timestamp).
    Hour(Option<FieldPath>),
    /// ISO weekday 1 (Monday) – 7 (Sunday) in `--tz`.
    Weekday(Option<FieldPath>),
    /// Calendar date `YYYY-MM-DD` in `--tz`.
    Date(Option<FieldPath>),
    /// Range bucket of a number by ascending bounds: `<1000`, `1000-10000`, …, `>=50000`.
    Bucket(FieldPath, Vec<f64>),
    /// Geohash cell of a latitude/longitude pair, at a precision of 1–12 characters.
    Geohash(FieldPath, FieldPath, usize),
}

/// A grouping key with the name of its output column.
#[derive(Debug, Clone)]
pub struct Key {
    /// Column name: the key as written.
    pub name: String,
    /// What it computes.
    pub spec: KeySpec,
}

/// What a metric computes.
#[derive(Debug, Clone)]
pub enum MetricKind {
    /// Records (or the sum of their weights).
    Count,
    /// Records where the expression holds.
    CountIf(Expr),
    /// Share of records where the expression holds.
    Rate(Expr),
    /// Sum of a number.
    Sum(FieldPath),
    /// Mean of a number.
    Avg(FieldPath),
    /// Smallest number.
    Min(FieldPath),
    /// Largest number.
    Max(FieldPath),
    /// Sample standard deviation.
    Stddev(FieldPath),
    /// Quantile `q` in 0..=1 with linear interpolation (DuckDB's `quantile_cont`).
    Quantile(FieldPath, f64),
    /// Distinct non-null values.
    CountDistinct(FieldPath),
    /// First non-null value in input order.
    First(FieldPath),
    /// Last non-null value in input order.
    Last(FieldPath),
}

impl MetricKind {
    /// The field a numeric metric reads, if it is numeric.
    pub fn numeric_field(&self) -> Option<&FieldPath> {
        match self {
            MetricKind::Sum(f)
            | MetricKind::Avg(f)
            | MetricKind::Min(f)
            | MetricKind::Max(f)
            | MetricKind::Stddev(f)
            | MetricKind::Quantile(f, _) => Some(f),
            _ => None,
        }
    }
}

/// A metric with the name of its output column.
#[derive(Debug, Clone)]
pub struct Metric {
    /// Column name: `as NAME`, or the metric as written.
    pub name: String,
    /// What it computes.
    pub kind: MetricKind,
}

/// Splits on commas outside parentheses and quotes.
fn split_top(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let (mut depth, mut in_str, mut cur) = (0i32, false, String::new());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if in_str => {
                cur.push(c);
                if let Some(n) = chars.next() {
                    cur.push(n);
                }
                continue;
            }
            '"' => in_str = !in_str,
            '(' if !in_str => depth += 1,
            ')' if !in_str => depth -= 1,
            ',' if !in_str && depth == 0 => {
                out.push(cur.trim().to_string());
                cur.clear();
                continue;
            }
            _ => {}
        }
        cur.push(c);
    }
    if !cur.trim().is_empty() || !out.is_empty() {
        out.push(cur.trim().to_string());
    }
    out
}

/// `name(args)` → (name, args); a bare word → (word, None).
fn call(item: &str) -> Result<(String, Option<String>), String> {
    match item.find('(') {
        None => Ok((item.trim().to_string(), None)),
        Some(open) => {
            if !item.ends_with(')') {
                return Err(format!("'{item}': expected ')' at the end"));
            }
            let name = item[..open].trim().to_string();
            Ok((
                name,
                Some(item[open + 1..item.len() - 1].trim().to_string()),
            ))
        }
    }
}

fn path(s: &str, what: &str) -> Result<FieldPath, String> {
    FieldPath::parse(s.trim()).map_err(|e| format!("{what}: {e}"))
}

fn opt_path(arg: Option<String>, what: &str) -> Result<Option<FieldPath>, String> {
    match arg.as_deref().map(str::trim) {
        None | Some("") => Ok(None),
        Some(a) => path(a, what).map(Some),
    }
}

/// Parses `--by` (repeatable, each a comma list).
pub fn parse_keys(items: &[String]) -> Result<Vec<Key>, ObsError> {
    let mut keys = Vec::new();
    for item in items.iter().flat_map(|s| split_top(s)) {
        if item.is_empty() {
            continue;
        }
        let spec =
            parse_key(&item).map_err(|m| ObsError::Usage(format!("bad --by '{item}': {m}")))?;
        keys.push(Key { name: item, spec });
    }
    Ok(keys)
}

fn parse_key(item: &str) -> Result<KeySpec, String> {
    let (name, args) = call(item)?;
    let Some(args) = args else {
        return Ok(KeySpec::Field(path(&name, "field")?));
    };
    let parts = split_top(&args);
    let num = |s: &str| {
        s.trim()
            .parse::<f64>()
            .map_err(|_| format!("'{s}' is not a number"))
    };
    match name.as_str() {
        "hour" => Ok(KeySpec::Hour(opt_path(Some(args), "hour")?)),
        "weekday" => Ok(KeySpec::Weekday(opt_path(Some(args), "weekday")?)),
        "date" => Ok(KeySpec::Date(opt_path(Some(args), "date")?)),
        "bucket" => {
            let (field, bounds) = parts.split_first().ok_or("bucket(field, bound, …)")?;
            let bounds = bounds
                .iter()
                .map(|b| num(b))
                .collect::<Result<Vec<_>, _>>()?;
            if bounds.is_empty() || bounds.windows(2).any(|w| w[0] >= w[1]) {
                return Err("bucket needs at least one bound, in ascending order".into());
            }
            Ok(KeySpec::Bucket(path(field, "bucket")?, bounds))
        }
        "geohash" => {
            let [lat, lon, precision] = parts.as_slice() else {
                return Err("geohash(lat, lon, precision)".into());
            };
            let p = num(precision)? as usize;
            if !(1..=12).contains(&p) {
                return Err("geohash precision is 1 to 12".into());
            }
            Ok(KeySpec::Geohash(
                path(lat, "geohash")?,
                path(lon, "geohash")?,
                p,
            ))
        }
        other => Err(format!(
            "unknown key function '{other}' (hour, weekday, date, bucket, geohash)"
        )),
    }
}

/// Parses `--agg` (repeatable, each a comma list); the default is `count`.
pub fn parse_metrics(items: &[String]) -> Result<Vec<Metric>, ObsError> {
    let mut metrics = Vec::new();
    for item in items.iter().flat_map(|s| split_top(s)) {
        if item.is_empty() {
            continue;
        }
        let (body, alias) = split_alias(&item);
        let kind =
            parse_metric(body).map_err(|m| ObsError::Usage(format!("bad --agg '{item}': {m}")))?;
        let name = alias.unwrap_or(body).to_string();
        if metrics.iter().any(|m: &Metric| m.name == name) {
            return Err(ObsError::Usage(format!(
                "--agg names '{name}' twice; use `as NAME`"
            )));
        }
        metrics.push(Metric { name, kind });
    }
    if metrics.is_empty() {
        metrics.push(Metric {
            name: "count".into(),
            kind: MetricKind::Count,
        });
    }
    Ok(metrics)
}

/// `sum(x) as total` → ("sum(x)", Some("total")).
fn split_alias(item: &str) -> (&str, Option<&str>) {
    let depth_at =
        |i: usize| item[..i].matches('(').count() as i64 - item[..i].matches(')').count() as i64;
    match item.rfind(" as ") {
        Some(i) if depth_at(i) == 0 => (item[..i].trim(), Some(item[i + 4..].trim())),
        _ => (item.trim(), None),
    }
}

fn parse_metric(body: &str) -> Result<MetricKind, String> {
    let (name, arg) = call(body)?;
    let field = |what: &str| -> Result<FieldPath, String> {
        match arg.as_deref() {
            Some(a) if !a.is_empty() => path(a, what),
            _ => Err(format!("{what}(field) needs a field")),
        }
    };
    let expr = |a: &str| Expr::parse(a).map_err(|e| e.to_string());
    Ok(match name.as_str() {
        "count" => match arg.as_deref() {
            None | Some("") => MetricKind::Count,
            Some(a) => MetricKind::CountIf(expr(a)?),
        },
        "rate" => MetricKind::Rate(expr(
            arg.as_deref().ok_or("rate(expr) needs an expression")?,
        )?),
        "sum" => MetricKind::Sum(field("sum")?),
        "avg" | "mean" => MetricKind::Avg(field("avg")?),
        "min" => MetricKind::Min(field("min")?),
        "max" => MetricKind::Max(field("max")?),
        "stddev" | "std" => MetricKind::Stddev(field("stddev")?),
        "median" => MetricKind::Quantile(field("median")?, 0.5),
        "count_distinct" => MetricKind::CountDistinct(field("count_distinct")?),
        "first" => MetricKind::First(field("first")?),
        "last" => MetricKind::Last(field("last")?),
        p if p.starts_with('p') && p.len() > 1 => {
            let q: f64 = p[1..]
                .parse()
                .map_err(|_| format!("unknown metric '{p}'"))?;
            if !(0.0..=100.0).contains(&q) {
                return Err(format!("{p}: percentiles are 0 to 100"));
            }
            MetricKind::Quantile(field(p)?, q / 100.0)
        }
        other => {
            return Err(format!(
                "unknown metric '{other}' (count, rate, sum, avg, min, max, stddev, median, pNN, \
                 count_distinct, first, last)"
            ))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_keys_and_metrics() {
        let keys = parse_keys(&[
            "service, bucket(amount, 1000, 10000, 50000)".into(),
            "hour(ts)".into(),
        ])
        .expect("keys");
        assert_eq!(keys.len(), 3);
        assert!(matches!(&keys[1].spec, KeySpec::Bucket(_, b) if b == &[1000.0, 10000.0, 50000.0]));
        assert_eq!(keys[1].name, "bucket(amount, 1000, 10000, 50000)");
        let m = parse_metrics(&[
            "count, sum(amount), p99.9(rt), rate(status=success) as success_rate, count(level in (ERROR, WARN))".into(),
        ])
        .expect("metrics");
        let names: Vec<&str> = m.iter().map(|m| m.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "count",
                "sum(amount)",
                "p99.9(rt)",
                "success_rate",
                "count(level in (ERROR, WARN))"
            ]
        );
        assert!(matches!(m[2].kind, MetricKind::Quantile(_, q) if (q - 0.999).abs() < 1e-12));
    }

    #[test]
    fn rejects_bad_specs() {
        for k in [
            "bucket(amount)",
            "bucket(a, 5, 1)",
            "geohash(lat, lon, 13)",
            "nope(x)",
            "a..b",
        ] {
            assert!(parse_keys(&[k.to_string()]).is_err(), "{k}");
        }
        for m in [
            "p101(x)",
            "sum",
            "frobnicate(x)",
            "rate()",
            "count(level=)",
            "count, count",
        ] {
            assert!(parse_metrics(&[m.to_string()]).is_err(), "{m}");
        }
    }
}
