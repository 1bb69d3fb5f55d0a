//! The Polars step: the merged columns become a frame; Polars groups it and computes every
//! metric; the result comes back as plain rows. Polars is named in this file only.
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
    let mut by: Vec<Expr> = Vec::new();
    let mut key_dicts = Vec::with_capacity(keys.len());
    for (i, k) in keys.into_iter().enumerate() {
        frame.push(UInt32Chunked::from_vec(format!("k{i}").into(), k.codes).into_column());
        by.push(col(format!("k{i}")));
        key_dicts.push(k.dict);
    }
    let has_time = time.is_some();
    if let Some(t) = time {
        frame.push(Int64Chunked::from_vec("t".into(), t).into_column());
        by.push(col("t"));
    }
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
    for (i, dict) in key_dicts.iter().enumerate() {
        let c = out.column(&format!("k{i}"))?.u32()?.clone();
        for (j, row) in rows.iter_mut().enumerate() {
            row.keys[i] = decode(dict, c.get(j));
        }
    }
    if has_time {
        let t = out.column("t")?.i64()?.clone();
        for (j, row) in rows.iter_mut().enumerate() {
            row.time = t.get(j).filter(|&t| t != NO_TIME);
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

/// A JSON number: integral values as integers, so counts print as `42`, not `42.0`.
pub fn number(x: f64) -> Value {
    if x.fract() == 0.0 && x.abs() < 9.0e15 {
        Value::from(x as i64)
    } else {
        serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
    }
}

/// Writes a result table as Parquet: key and text columns as strings, metrics as doubles, the
/// bucket start as a UTC timestamp.
pub fn write_parquet(
    path: &std::path::Path,
    header: &[String],
    kinds: &[ColumnKind],
    rows: &[Vec<Option<Value>>],
) -> anyhow::Result<()> {
    let mut columns = Vec::new();
    for (i, (name, kind)) in header.iter().zip(kinds).enumerate() {
        let cells = rows.iter().map(|r| r[i].as_ref());
        let column = match kind {
            ColumnKind::Number => Float64Chunked::from_iter_options(
                name.as_str().into(),
                cells.map(|v| v.and_then(Value::as_f64)),
            )
            .into_column(),
            ColumnKind::Time => Int64Chunked::from_iter_options(
                name.as_str().into(),
                cells.map(|v| v.and_then(Value::as_i64)),
            )
            .into_column()
            .cast(&DataType::Datetime(TimeUnit::Milliseconds, None))?,
            ColumnKind::Text => StringChunked::from_iter_options(
                name.as_str().into(),
                cells.map(|v| v.map(|v| crate::record::value_text(v).into_owned())),
            )
            .into_column(),
        };
        columns.push(column);
    }
    let mut df = DataFrame::new(rows.len(), columns)?;
    let mut file = crate::output::atomic::AtomicFile::create(path.to_path_buf())?;
    ParquetWriter::new(&mut file).finish(&mut df)?;
    file.commit()?;
    Ok(())
}

/// How a result column is typed in Parquet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColumnKind {
    /// Strings (keys, `first`/`last`).
    Text,
    /// Doubles (metrics).
    Number,
    /// Epoch milliseconds, stored as a UTC timestamp.
    Time,
}
