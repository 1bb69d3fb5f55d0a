//! The result after Polars: empty time buckets filled in, ordered, cut to `--top`, and laid out
//! as a table whose columns are the time bucket, the keys and the metrics.

use std::cmp::Ordering;
use std::collections::{BTreeSet, HashMap};

use chrono_tz::Tz;
use serde_json::Value;

use super::frame::GroupRow;
use super::keys;
use super::plan::Plan;
use super::spec::MetricKind;
use crate::error::ObsError;
use crate::output::rows::{Column, Grid, Kind, Style};

/// Most buckets a series may span; more means `--every` is far too fine for the data.
const MAX_BUCKETS: usize = 1_000_000;

/// `--sort NAME[:asc|:desc]` (descending by default: the largest first).
#[derive(Debug, Clone)]
pub struct SortSpec {
    /// A metric or key column name.
    pub column: String,
    /// Ascending instead of descending.
    pub ascending: bool,
}

impl SortSpec {
    /// Parses `NAME`, `NAME:asc`, `NAME:desc`.
    pub fn parse(s: &str) -> SortSpec {
        let (column, ascending) = match s.rsplit_once(':') {
            Some((c, "asc")) => (c, true),
            Some((c, "desc")) => (c, false),
            _ => (s, false),
        };
        SortSpec {
            column: column.trim().to_string(),
            ascending,
        }
    }
}

/// Adds rows with zero counts for buckets inside the overall time range that a series lacks, so
/// a chart has no holes (like `extended_bounds` with `min_doc_count: 0`).
pub fn fill_buckets(rows: &mut Vec<GroupRow>, plan: &Plan, tz: Tz) -> Result<(), ObsError> {
    let Some(every) = plan.every else {
        return Ok(());
    };
    let times: Vec<i64> = rows.iter().filter_map(|r| r.time).collect();
    let (Some(&lo), Some(&hi)) = (times.iter().min(), times.iter().max()) else {
        return Ok(());
    };
    let mut buckets = vec![lo];
    while let Some(&last) = buckets.last() {
        if last >= hi {
            break;
        }
        if buckets.len() >= MAX_BUCKETS {
            return Err(ObsError::Usage(format!(
                "--every is too fine: over {MAX_BUCKETS} buckets between the first and last record"
            )));
        }
        buckets.push(every.next(last, tz));
    }
    let mut seen: HashMap<String, BTreeSet<i64>> = HashMap::new();
    let mut series: Vec<Vec<Option<Value>>> = Vec::new();
    for r in rows.iter().filter(|r| r.time.is_some()) {
        let id = serde_json::to_string(&r.keys).unwrap_or_default();
        let set = seen.entry(id).or_insert_with(|| {
            series.push(r.keys.clone());
            BTreeSet::new()
        });
        set.extend(r.time);
    }
    let empty: Vec<Option<Value>> = plan
        .metrics
        .iter()
        .map(|m| match m.kind {
            MetricKind::Count | MetricKind::CountIf(_) | MetricKind::CountDistinct(_) => {
                Some(Value::from(0))
            }
            _ => None,
        })
        .collect();
    for keys in series {
        let id = serde_json::to_string(&keys).unwrap_or_default();
        let have = &seen[&id];
        for &b in &buckets {
            if !have.contains(&b) {
                rows.push(GroupRow {
                    keys: keys.clone(),
                    time: Some(b),
                    metrics: empty.clone(),
                });
            }
        }
    }
    Ok(())
}

/// Orders rows: by time bucket first (with `--every`), then by `sort` if given, then by keys.
pub fn sort_rows(
    rows: &mut [GroupRow],
    plan: &Plan,
    sort: Option<&SortSpec>,
) -> Result<(), ObsError> {
    enum By {
        Metric(usize),
        Key(usize),
    }
    let by = match sort {
        None => None,
        Some(s) => Some(
            if let Some(i) = plan.metrics.iter().position(|m| m.name == s.column) {
                By::Metric(i)
            } else if let Some(i) = plan.keys.iter().position(|k| k.name == s.column) {
                By::Key(i)
            } else {
                return Err(ObsError::Usage(format!(
                    "--sort '{}' is neither a metric nor a key",
                    s.column
                )));
            },
        ),
    };
    let by_keys = |a: &GroupRow, b: &GroupRow| {
        plan.keys
            .iter()
            .enumerate()
            .map(|(i, k)| keys::compare(k, &a.keys[i], &b.keys[i]))
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal)
    };
    rows.sort_by(|a, b| {
        let time = match (a.time, b.time) {
            (Some(x), Some(y)) => x.cmp(&y),
            (None, Some(_)) => Ordering::Greater,
            (Some(_), None) => Ordering::Less,
            (None, None) => Ordering::Equal,
        };
        let chosen = match (&by, sort) {
            (Some(By::Metric(i)), Some(s)) => {
                let o = cmp_opt(&a.metrics[*i], &b.metrics[*i]);
                if s.ascending {
                    o
                } else {
                    o.reverse()
                }
            }
            (Some(By::Key(i)), Some(s)) => {
                let o = keys::compare(&plan.keys[*i], &a.keys[*i], &b.keys[*i]);
                if s.ascending {
                    o
                } else {
                    o.reverse()
                }
            }
            _ => Ordering::Equal,
        };
        time.then(chosen).then_with(|| by_keys(a, b))
    });
    Ok(())
}

/// Nulls sort as the smallest value.
fn cmp_opt(a: &Option<Value>, b: &Option<Value>) -> Ordering {
    match (a, b) {
        (None, None) => Ordering::Equal,
        (None, _) => Ordering::Less,
        (_, None) => Ordering::Greater,
        (Some(x), Some(y)) => keys::compare_values(x, y),
    }
}

/// Keeps the first `n` rows overall, or of each time bucket with `--every`.
pub fn top(rows: &mut Vec<GroupRow>, n: usize, per_bucket: bool) {
    if !per_bucket {
        rows.truncate(n);
        return;
    }
    let mut seen: HashMap<Option<i64>, usize> = HashMap::new();
    rows.retain(|r| {
        let c = seen.entry(r.time).or_insert(0);
        *c += 1;
        *c <= n
    });
}

/// The result as a table.
#[derive(Debug, Clone)]
pub struct Table {
    /// Column names: `time` (with `--every`), the keys, the metrics.
    pub header: Vec<String>,
    /// What each column holds (the time column: bucket starts, shown in the result's zone).
    pub kinds: Vec<Kind>,
    /// Cells (`None`: null). The time column holds the bucket start in epoch ms.
    pub rows: Vec<Vec<Option<Value>>>,
    /// Zone the time column is shown in.
    pub tz: Tz,
    /// How many trailing columns are metrics.
    pub metric_count: usize,
}

impl Table {
    /// Lays out `rows`; `weighted` when records carried sampling weights (counts are then
    /// estimates, not whole numbers).
    pub fn new(rows: Vec<GroupRow>, plan: &Plan, tz: Tz, weighted: bool) -> Table {
        let mut header = Vec::new();
        let mut kinds = Vec::new();
        if plan.every.is_some() {
            header.push("time".to_string());
            kinds.push(Kind::Time(tz));
        }
        for k in &plan.keys {
            header.push(k.name.clone());
            kinds.push(Kind::Text);
        }
        for (i, m) in plan.metrics.iter().enumerate() {
            header.push(m.name.clone());
            kinds.push(match m.kind {
                MetricKind::First(_) | MetricKind::Last(_) => Kind::Text,
                // Counts are whole numbers, unless sampling weights make them estimates.
                MetricKind::Count | MetricKind::CountIf(_) | MetricKind::CountDistinct(_)
                    if !(weighted && plan.is_estimate(i)) =>
                {
                    Kind::Integer
                }
                _ => Kind::Number,
            });
        }
        let rows = rows
            .into_iter()
            .map(|r| {
                let mut cells = Vec::with_capacity(header.len());
                if plan.every.is_some() {
                    cells.push(r.time.map(Value::from));
                }
                cells.extend(r.keys);
                cells.extend(r.metrics);
                cells
            })
            .collect();
        Table {
            header,
            kinds,
            rows,
            tz,
            metric_count: plan.metrics.len(),
        }
    }

    /// The result as a grid for the writers: the cells as they are, the time column typed
    /// as bucket starts in the result's zone.
    pub fn grid(&self) -> Grid {
        Grid {
            columns: self
                .header
                .iter()
                .zip(&self.kinds)
                .map(|(name, &kind)| Column {
                    name: name.clone(),
                    kind,
                })
                .collect(),
            rows: self.rows.clone(),
            style: Style::AGGREGATE,
        }
    }
}
