//! The aggregation plan: which columns to build from each record, which Polars aggregations to
//! run on them, and how their results become the metrics the user asked for.

use serde_json::Value;

use super::columns::{Columns, NO_TIME};
use super::every::Every;
use super::keys;
use super::spec::{Key, KeySpec, Metric, MetricKind};
use crate::decode::value::value_number;
use crate::expr::Expr;
use crate::record::time::{TimeOf, TimeSpec};
use crate::record::{FieldPath, Record};

/// The weight field used when `--weight` is not given (what `obs sample` writes).
pub const DEFAULT_WEIGHT: &str = "sampling.adjusted_count";

/// One Polars aggregation over the built columns.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Input {
    /// Rows (or the sum of weights).
    Count,
    /// Rows where condition column `b` holds.
    CountIf(usize),
    /// Share of rows where condition column `b` holds.
    Rate(usize),
    /// Sum of numeric column `n`.
    Sum(usize),
    /// Mean of numeric column `n`.
    Avg(usize),
    /// Minimum of numeric column `n`.
    Min(usize),
    /// Maximum of numeric column `n`.
    Max(usize),
    /// Sample standard deviation of numeric column `n`.
    Stddev(usize),
    /// Linear-interpolated quantile of numeric column `n`.
    Quantile(usize, f64),
    /// Non-null values in numeric column `n`.
    NonNull(usize),
    /// Distinct non-null codes of value column `v`.
    Distinct(usize),
    /// First non-null code of value column `v`.
    First(usize),
    /// Last non-null code of value column `v`.
    Last(usize),
}

/// How a metric is read from the aggregations.
#[derive(Debug, Clone, Copy)]
enum Output {
    /// The aggregation's value as is.
    Direct(usize),
    /// A sum: null when the group has no numeric value (as in SQL), not 0.
    Sum { sum: usize, non_null: usize },
}

/// Everything `obs aggregate` computes, resolved.
#[derive(Debug, Clone)]
pub struct Plan {
    /// `--by`.
    pub keys: Vec<Key>,
    /// `--agg`.
    pub metrics: Vec<Metric>,
    /// `--every`.
    pub every: Option<Every>,
    /// Polars aggregations.
    pub inputs: Vec<Input>,
    outputs: Vec<Output>,
    nums: Vec<FieldPath>,
    conds: Vec<Expr>,
    values: Vec<FieldPath>,
    weight: FieldPath,
}

fn index_of<T: PartialEq>(list: &mut Vec<T>, item: T) -> usize {
    match list.iter().position(|x| *x == item) {
        Some(i) => i,
        None => {
            list.push(item);
            list.len() - 1
        }
    }
}

impl Plan {
    /// Resolves keys and metrics into columns and aggregations.
    pub fn new(
        keys: Vec<Key>,
        metrics: Vec<Metric>,
        every: Option<Every>,
        weight: FieldPath,
    ) -> Plan {
        let mut p = Plan {
            keys,
            metrics: Vec::new(),
            every,
            inputs: Vec::new(),
            outputs: Vec::new(),
            nums: Vec::new(),
            conds: Vec::new(),
            values: Vec::new(),
            weight,
        };
        for m in &metrics {
            let out = p.plan_metric(&m.kind);
            p.outputs.push(out);
        }
        p.metrics = metrics;
        p
    }

    fn input(&mut self, i: Input) -> usize {
        index_of(&mut self.inputs, i)
    }

    fn plan_metric(&mut self, kind: &MetricKind) -> Output {
        let num = |p: &mut Plan, f: &FieldPath| index_of(&mut p.nums, f.clone());
        let val = |p: &mut Plan, f: &FieldPath| index_of(&mut p.values, f.clone());
        let direct = |p: &mut Plan, i: Input| Output::Direct(p.input(i));
        match kind {
            MetricKind::Count => direct(self, Input::Count),
            MetricKind::CountIf(e) => {
                self.conds.push(e.clone());
                let b = self.conds.len() - 1;
                direct(self, Input::CountIf(b))
            }
            MetricKind::Rate(e) => {
                self.conds.push(e.clone());
                let b = self.conds.len() - 1;
                direct(self, Input::Rate(b))
            }
            MetricKind::Sum(f) => {
                let n = num(self, f);
                Output::Sum {
                    sum: self.input(Input::Sum(n)),
                    non_null: self.input(Input::NonNull(n)),
                }
            }
            MetricKind::Avg(f) => {
                let n = num(self, f);
                direct(self, Input::Avg(n))
            }
            MetricKind::Min(f) => {
                let n = num(self, f);
                direct(self, Input::Min(n))
            }
            MetricKind::Max(f) => {
                let n = num(self, f);
                direct(self, Input::Max(n))
            }
            MetricKind::Stddev(f) => {
                let n = num(self, f);
                direct(self, Input::Stddev(n))
            }
            MetricKind::Quantile(f, q) => {
                let n = num(self, f);
                direct(self, Input::Quantile(n, *q))
            }
            MetricKind::CountDistinct(f) => {
                let v = val(self, f);
                direct(self, Input::Distinct(v))
            }
            MetricKind::First(f) => {
                let v = val(self, f);
                direct(self, Input::First(v))
            }
            MetricKind::Last(f) => {
                let v = val(self, f);
                direct(self, Input::Last(v))
            }
        }
    }

    /// The result's column names: `time` (with `--every`), the keys, the metrics.
    pub fn header(&self) -> Vec<String> {
        let time = self.every.is_some().then(|| "time".to_string());
        time.into_iter()
            .chain(self.keys.iter().map(|k| k.name.clone()))
            .chain(self.metrics.iter().map(|m| m.name.clone()))
            .collect()
    }

    /// Refuses a result with two columns of one name (`--by level --agg 'count as level'`,
    /// `--by count` beside the default `count`, a key given twice, a key called `time` with
    /// `--every`): each row is an object keyed by column, so one of the two would be lost.
    pub fn check_columns(&self) -> Result<(), String> {
        let header = self.header();
        for (i, name) in header.iter().enumerate() {
            if header[..i].contains(name) {
                return Err(format!(
                    "the result would have two columns named '{name}' (from --by, --agg or \
                     --every's 'time'); name a metric with `as NAME`, e.g. --agg 'count as n'"
                ));
            }
        }
        Ok(())
    }

    /// Refuses a `--fail-if` gate that reads a column the result will not have (a typo, or
    /// `p95` when only `p99` is computed): such a gate could never hold, so it would pass
    /// whatever the data says.
    pub fn check_gate(&self, text: &str, gate: &Expr) -> Result<(), String> {
        let header = self.header();
        for path in gate.paths() {
            if !header.iter().any(|h| h == path.as_str()) {
                return Err(format!(
                    "--fail-if '{text}' reads '{}', which is not computed; the result's columns \
                     are: {}",
                    path.as_str(),
                    header.join(", ")
                ));
            }
        }
        Ok(())
    }

    /// A fresh set of column builders for one chunk.
    pub fn columns(&self) -> Columns {
        Columns::new(
            self.keys.len(),
            self.every.is_some(),
            self.nums.len(),
            self.conds.len(),
            self.values.len(),
        )
    }

    /// Numeric input fields, in column order (for the `skipped` report).
    pub fn numeric_fields(&self) -> &[FieldPath] {
        &self.nums
    }

    /// Whether the record's timestamp is needed.
    pub fn needs_time(&self) -> bool {
        self.every.is_some()
            || self.keys.iter().any(|k| {
                matches!(
                    k.spec,
                    KeySpec::Hour(None) | KeySpec::Weekday(None) | KeySpec::Date(None)
                )
            })
    }

    /// Top-level keys a record must decode.
    pub fn needs(&self, time: &TimeSpec) -> Vec<String> {
        let mut paths: Vec<&FieldPath> = Vec::new();
        for k in &self.keys {
            match &k.spec {
                KeySpec::Field(f) | KeySpec::Bucket(f, _) => paths.push(f),
                KeySpec::Hour(f) | KeySpec::Weekday(f) | KeySpec::Date(f) => paths.extend(f.iter()),
                KeySpec::Geohash(a, b, _) => paths.extend([a, b]),
            }
        }
        paths.extend(self.nums.iter());
        paths.extend(self.values.iter());
        paths.push(&self.weight);
        for e in &self.conds {
            paths.extend(e.paths());
        }
        if self.needs_time() {
            paths.extend(time.fields.iter());
        }
        paths
            .iter()
            .flat_map(|p| p.top_level_keys().iter().cloned())
            .collect()
    }

    /// Adds `rec` as one row.
    pub fn observe(&self, rec: &Record, time: &TimeSpec, cols: &mut Columns) {
        cols.rows += 1;
        for (k, col) in self.keys.iter().zip(cols.keys.iter_mut()) {
            col.push(keys::eval(k, rec, time).as_deref());
        }
        if let (Some(every), Some(t)) = (self.every, cols.time.as_mut()) {
            let at = match time.read(rec) {
                TimeOf::At(at) => every.start(at, time.tz),
                TimeOf::Unreadable => {
                    cols.untimed += 1;
                    NO_TIME
                }
                TimeOf::Missing => NO_TIME,
            };
            t.push(at);
        }
        for (i, f) in self.nums.iter().enumerate() {
            let v = match rec.get(f) {
                None | Some(Value::Null) => f64::NAN,
                Some(v) => value_number(v).unwrap_or_else(|| {
                    cols.skipped[i] += 1;
                    f64::NAN
                }),
            };
            cols.nums[i].push(v);
        }
        for (i, e) in self.conds.iter().enumerate() {
            cols.bools[i].push(e.matches(rec));
        }
        for (f, col) in self.values.iter().zip(cols.values.iter_mut()) {
            col.push(rec.get(f));
        }
        let w = rec
            .get(&self.weight)
            .and_then(value_number)
            .filter(|w| *w > 0.0);
        if w.is_some() {
            cols.weighted += 1;
        }
        cols.weights.push(w.unwrap_or(1.0));
    }

    /// Metric values of one group from its aggregation values.
    pub fn finish(&self, agg: Vec<Option<Value>>) -> Vec<Option<Value>> {
        self.outputs
            .iter()
            .map(|o| match *o {
                Output::Direct(i) => agg[i].clone(),
                Output::Sum { sum, non_null } => {
                    let has = agg[non_null]
                        .as_ref()
                        .and_then(Value::as_f64)
                        .unwrap_or(0.0)
                        > 0.0;
                    if has {
                        agg[sum].clone()
                    } else {
                        None
                    }
                }
            })
            .collect()
    }

    /// True for metrics that become Horvitz–Thompson estimates under sampling weights.
    pub fn is_estimate(&self, metric: usize) -> bool {
        matches!(
            self.metrics[metric].kind,
            MetricKind::Count | MetricKind::CountIf(_) | MetricKind::Sum(_)
        )
    }
}
