//! The Polars step: the merged columns become a frame; Polars groups it and computes every
//! metric; the result comes back as plain rows. Polars is named here and in the Parquet
//! writer (`output/parquet.rs`) only.
//!
//! Definitions, chosen to match DuckDB: `stddev` is the sample standard deviation (n − 1);
//! quantiles interpolate linearly between the two nearest ranks (DuckDB's `quantile_cont`:
//! position (n − 1)·q); `count_distinct` ignores nulls; `first`/`last` are the first/last
//! non-null values in input order; a `sum`, `avg`, `min`… of a group with no numeric value is null.

use polars::prelude::*;
use serde_json::Value;

use super::columns::{Columns, NO_TIME, NULL};
use super::plan::{Input, Plan};

/// One group of the result: key values, time bucket, metric values.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupRow {
    /// Key values (`None`: the null group).
    pub keys: Vec<Option<Value>>,
    /// Time bucket start (epoch ms), with `--every`.
    pub time: Option<i64>,
    /// Metric values, in `--agg` order.
    pub metrics: Vec<Option<Value>>,
}

/// Groups `cols` and computes the metrics of `plan`. The columns are moved into the frame
/// without copying; only the dictionaries are kept to turn codes back into values.
pub fn aggregate(cols: Columns, plan: &Plan) -> PolarsResult<Vec<GroupRow>> {
    let Columns {
        rows: height,
        keys,
        time,
        nums,
        bools,
        values,
        weights,
        weighted,
        ..
    } = cols;
    let mut frame: Vec<Column> = Vec::new();
    let key_dicts: Vec<super::columns::Dict> = keys.iter().map(|k| k.dict.clone()).collect();
    let mut key_codes: Vec<Vec<u32>> = keys.into_iter().map(|k| k.codes).collect();
    let has_time = time.is_some();
    let mut time_values: Vec<i64> = Vec::new();
    if let Some(t) = time {
        // Buckets become codes too, so every key of a row is one small integer.
        let mut index = std::collections::HashMap::new();
        let codes = t
            .iter()
            .map(|&b| {
                *index.entry(b).or_insert_with(|| {
                    time_values.push(b);
                    time_values.len() as u32 - 1
                })
            })
            .collect();
        key_codes.push(codes);
    }
    let radix: Vec<u64> = key_dicts
        .iter()
        .map(|d| d.len() as u64 + 1)
        .chain(has_time.then_some(time_values.len() as u64))
        .collect();
    let by: Vec<Expr> = match composite(&key_codes, &radix, height) {
        // One integer per row: Polars groups it on its fast single-key path, with far less
        // memory than a multi-column group-by's row encoding.
        Some(g) => {
            frame.push(UInt64Chunked::from_vec("g".into(), g).into_column());
            vec![col("g")]
        }
        None => key_codes
            .into_iter()
            .enumerate()
            .map(|(i, codes)| {
                frame.push(UInt32Chunked::from_vec(format!("k{i}").into(), codes).into_column());
                col(format!("k{i}"))
            })
            .collect(),
    };
    let grouped_by_composite =
        by.len() == 1 && !radix.is_empty() && frame.iter().any(|c| c.name() == "g");
    // NaN marks a missing number; Polars wants null (NaN would poison sums and means).
    let mut nan_to_null: Vec<Expr> = Vec::new();
    for (i, n) in nums.into_iter().enumerate() {
        frame.push(Float64Chunked::from_vec(format!("n{i}").into(), n).into_column());
        nan_to_null.push(col(format!("n{i}")).fill_nan(lit(Null {})));
    }
    for (i, b) in bools.iter().enumerate() {
        frame.push(
            BooleanChunked::from_iter_values(format!("b{i}").into(), b.iter().copied())
                .into_column(),
        );
    }
    let mut value_dicts = Vec::with_capacity(values.len());
    for (i, v) in values.into_iter().enumerate() {
        frame.push(UInt32Chunked::from_vec(format!("v{i}").into(), v.codes).into_column());
        value_dicts.push(v.dict);
    }
    let weighted = weighted > 0 && !weights.is_empty();
    if weighted {
        frame.push(Float64Chunked::from_vec("w".into(), weights).into_column());
    }
    let mut by = by;
    if by.is_empty() {
        // No key: one group over everything.
        frame.push(UInt32Chunked::from_vec("k_all".into(), vec![0; height]).into_column());
        by.push(col("k_all"));
    }
    let df = DataFrame::new(height, frame)?;

    let w = || col("w");
    let present = |v: usize| col(format!("v{v}")).filter(col(format!("v{v}")).neq(lit(NULL)));
    let mut aggs: Vec<Expr> = Vec::new();
    for (i, input) in plan.inputs.iter().enumerate() {
        let e = match *input {
            Input::Count if weighted => w().sum(),
            Input::Count => len().cast(DataType::Float64),
            Input::CountIf(b) if weighted => {
                (col(format!("b{b}")).cast(DataType::Float64) * w()).sum()
            }
            Input::CountIf(b) => col(format!("b{b}")).cast(DataType::Float64).sum(),
            Input::Rate(b) if weighted => {
                (col(format!("b{b}")).cast(DataType::Float64) * w()).sum() / w().sum()
            }
            Input::Rate(b) => col(format!("b{b}")).cast(DataType::Float64).mean(),
            Input::Sum(n) if weighted => (col(format!("n{n}")) * w()).sum(),
            Input::Sum(n) => col(format!("n{n}")).sum(),
            Input::Avg(n) if weighted => {
                let x = col(format!("n{n}"));
                (x.clone() * w()).sum() / w().filter(x.is_not_null()).sum()
            }
            Input::Avg(n) => col(format!("n{n}")).mean(),
            Input::Min(n) => col(format!("n{n}")).min(),
            Input::Max(n) => col(format!("n{n}")).max(),
            Input::Stddev(n) => col(format!("n{n}")).std(1),
            Input::Quantile(n, q) => col(format!("n{n}")).quantile(lit(q), QuantileMethod::Linear),
            Input::NonNull(n) => col(format!("n{n}")).count().cast(DataType::Float64),
            Input::Distinct(v) => present(v).n_unique().cast(DataType::Float64),
            Input::First(v) => present(v).first(),
            Input::Last(v) => present(v).last(),
        };
        aggs.push(e.alias(format!("a{i}")));
    }
    let mut lazy = df.lazy();
    if !nan_to_null.is_empty() {
        lazy = lazy.with_columns(nan_to_null);
    }
    let out = lazy.group_by(by).agg(aggs).collect()?;

    let n = out.height();
    let decode = |dict: &super::columns::Dict, code: Option<u32>| {
        code.filter(|&c| c != NULL).and_then(|c| dict.value(c))
    };
    let mut rows: Vec<GroupRow> = (0..n)
        .map(|_| GroupRow {
            keys: vec![None; key_dicts.len()],
            time: None,
            metrics: Vec::new(),
        })
        .collect();
    // Each row's key codes: from the composite, or from the per-key columns.
    let n_keys = radix.len();
    let mut codes = vec![vec![0u32; n_keys]; n];
    if grouped_by_composite {
        let g = out.column("g")?.u64()?.clone();
        for (j, row_codes) in codes.iter_mut().enumerate() {
            let mut rest = g.get(j).unwrap_or(0);
            for (i, r) in radix.iter().enumerate().rev() {
                row_codes[i] = (rest % r) as u32;
                rest /= r;
            }
        }
    } else {
        for i in 0..n_keys {
            let c = out.column(&format!("k{i}"))?.u32()?.clone();
            for (j, row_codes) in codes.iter_mut().enumerate() {
                row_codes[i] = c.get(j).unwrap_or(NULL);
            }
        }
    }
    for (row, row_codes) in rows.iter_mut().zip(&codes) {
        for (i, dict) in key_dicts.iter().enumerate() {
            // In the composite, a dictionary's null is the code after its last value.
            let c = row_codes[i];
            let c = if grouped_by_composite && c as usize == dict.len() {
                NULL
            } else {
                c
            };
            row.keys[i] = decode(dict, Some(c));
        }
        if has_time {
            row.time = time_values
                .get(row_codes[n_keys - 1] as usize)
                .copied()
                .filter(|&t| t != NO_TIME);
        }
    }
    let mut raw: Vec<Vec<Option<Value>>> = vec![Vec::with_capacity(plan.inputs.len()); n];
    for (i, input) in plan.inputs.iter().enumerate() {
        let c = out.column(&format!("a{i}"))?;
        match input {
            Input::First(v) | Input::Last(v) => {
                let codes = c.u32()?;
                for (j, r) in raw.iter_mut().enumerate() {
                    r.push(decode(&value_dicts[*v], codes.get(j)));
                }
            }
            _ => {
                let f = c.cast(&DataType::Float64)?;
                let f = f.f64()?;
                for (j, r) in raw.iter_mut().enumerate() {
                    r.push(f.get(j).filter(|x| x.is_finite()).map(number));
                }
            }
        }
    }
    for (row, values) in rows.iter_mut().zip(raw) {
        row.metrics = plan.finish(values);
    }
    Ok(rows)
}

/// Folds each row's key codes into one mixed-radix integer (a dictionary's null, `NULL`, takes the
/// digit after its last value); `None` when the radix product does not fit in 64 bits.
fn composite(codes: &[Vec<u32>], radix: &[u64], height: usize) -> Option<Vec<u64>> {
    if codes.is_empty() {
        return None;
    }
    radix
        .iter()
        .try_fold(1u64, |acc, &r| acc.checked_mul(r.max(1)))?;
    let mut g = vec![0u64; height];
    for (col, &r) in codes.iter().zip(radix) {
        for (acc, &c) in g.iter_mut().zip(col) {
            let digit = if c == NULL { r - 1 } else { u64::from(c) };
            *acc = *acc * r + digit;
        }
    }
    Some(g)
}

/// A JSON number: integral values as integers, so counts print as `42`, not `42.0`.
pub fn number(x: f64) -> Value {
    if x.fract() == 0.0 && x.abs() < 9.0e15 {
        Value::from(x as i64)
    } else {
        serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn composite_codes_round_trip_and_refuse_overflow() {
        let codes = vec![vec![0, 2, NULL], vec![1, 0, 1]];
        let radix = [4u64, 2]; // three values + null, two values
        let g = composite(&codes, &radix, 3).expect("fits");
        assert_eq!(g, vec![1, 4, 7]);
        assert!(composite(&codes, &[u64::MAX, 3], 3).is_none());
        assert!(composite(&[], &[], 0).is_none());
    }
}
