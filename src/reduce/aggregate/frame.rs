//! The Polars step: the merged columns become a frame; Polars groups it and computes every
//! metric; the result comes back as plain rows. Polars is named in this file only.
//!
//! Definitions, chosen to match DuckDB: `stddev` is the sample standard deviation (n − 1);
//! quantiles interpolate linearly between the two nearest ranks (DuckDB's `quantile_cont`:
//! position (n − 1)·q); `count_distinct` ignores nulls; `first`/`last` are the first/last
//! non-null values in input order; a `sum`, `avg`, `min`… of a group with no numeric value is null.

use polars::prelude::*;
use serde_json::Value;

use super::columns::{Columns, NULL};
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

fn codes(name: &str, codes: &[u32]) -> Column {
    UInt32Chunked::from_iter_options(name.into(), codes.iter().map(|&c| (c != NULL).then_some(c)))
        .into_column()
}

/// Groups `cols` and computes the metrics of `plan`.
pub fn aggregate(cols: &Columns, plan: &Plan) -> PolarsResult<Vec<GroupRow>> {
    let mut frame: Vec<Column> = Vec::new();
    let mut by: Vec<Expr> = Vec::new();
    for (i, k) in cols.keys.iter().enumerate() {
        frame.push(codes(&format!("k{i}"), &k.codes));
        by.push(col(format!("k{i}")));
    }
    if let Some(t) = &cols.time {
        frame.push(Int64Chunked::from_iter_options("t".into(), t.iter().copied()).into_column());
        by.push(col("t"));
    }
    for (i, n) in cols.nums.iter().enumerate() {
        frame.push(
            Float64Chunked::from_iter_options(
                format!("n{i}").into(),
                n.iter().map(|&x| (!x.is_nan()).then_some(x)),
            )
            .into_column(),
        );
    }
    for (i, b) in cols.bools.iter().enumerate() {
        frame.push(
            BooleanChunked::from_iter_values(format!("b{i}").into(), b.iter().copied())
                .into_column(),
        );
    }
    for (i, v) in cols.values.iter().enumerate() {
        frame.push(codes(&format!("v{i}"), &v.codes));
    }
    let weighted = cols.weighted > 0 && !cols.weights.is_empty();
    if weighted {
        frame.push(Float64Chunked::from_vec("w".into(), cols.weights.clone()).into_column());
    }
    if frame.is_empty() || by.is_empty() {
        // No key: one group over everything.
        frame.push(UInt32Chunked::from_vec("k_all".into(), vec![0; cols.rows]).into_column());
        by.push(col("k_all"));
    }
    let df = DataFrame::new(cols.rows, frame)?;

    let w = || col("w");
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
            Input::Distinct(v) => col(format!("v{v}"))
                .drop_nulls()
                .n_unique()
                .cast(DataType::Float64),
            Input::First(v) => col(format!("v{v}")).drop_nulls().first(),
            Input::Last(v) => col(format!("v{v}")).drop_nulls().last(),
        };
        aggs.push(e.alias(format!("a{i}")));
    }
    let out = df.lazy().group_by(by).agg(aggs).collect()?;

    let n = out.height();
    let mut rows: Vec<GroupRow> = (0..n)
        .map(|_| GroupRow {
            keys: vec![None; cols.keys.len()],
            time: None,
            metrics: Vec::new(),
        })
        .collect();
    for (i, k) in cols.keys.iter().enumerate() {
        let c = out.column(&format!("k{i}"))?.u32()?.clone();
        for (j, row) in rows.iter_mut().enumerate() {
            row.keys[i] = c.get(j).and_then(|c| k.dict.value(c));
        }
    }
    if cols.time.is_some() {
        let t = out.column("t")?.i64()?.clone();
        for (j, row) in rows.iter_mut().enumerate() {
            row.time = t.get(j);
        }
    }
    let mut raw: Vec<Vec<Option<Value>>> = vec![Vec::with_capacity(plan.inputs.len()); n];
    for (i, input) in plan.inputs.iter().enumerate() {
        let c = out.column(&format!("a{i}"))?;
        match input {
            Input::First(v) | Input::Last(v) => {
                let dict = &cols.values[*v].dict;
                let codes = c.u32()?;
                for (j, r) in raw.iter_mut().enumerate() {
                    r.push(codes.get(j).and_then(|c| dict.value(c)));
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
