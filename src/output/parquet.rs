//! A result [`Grid`] as an Apache Parquet file, each column typed by its [`Kind`]. Polars (the
//! engine that groups aggregates) writes it; this file and `reduce/aggregate/frame.rs` are the
//! only ones that name Polars.

use std::path::Path;

use polars::prelude::*;
use serde_json::Value;

use super::atomic::AtomicFile;
use super::rows::{Grid, Kind};
use crate::error::ObsResult;

/// Writes `grid` to `path` atomically (complete or not at all).
pub fn write(grid: &Grid, path: &Path) -> ObsResult<()> {
    let mut columns = Vec::with_capacity(grid.columns.len());
    for (i, col) in grid.columns.iter().enumerate() {
        let name = col.name.as_str().into();
        let cells = grid.rows.iter().map(|r| r[i].as_ref());
        let column = match col.kind {
            Kind::Number => {
                Float64Chunked::from_iter_options(name, cells.map(|v| v.and_then(Value::as_f64)))
                    .into_column()
            }
            Kind::Integer => {
                Int64Chunked::from_iter_options(name, cells.map(|v| v.and_then(Value::as_i64)))
                    .into_column()
            }
            // The zone travels with the instants, so a reader (DuckDB, Polars, Spark) shows an
            // IST midnight bucket as IST midnight; the instants stay UTC, as Parquet stores them.
            Kind::Time(tz) => {
                Int64Chunked::from_iter_options(name, cells.map(|v| v.and_then(Value::as_i64)))
                    .into_datetime(
                        TimeUnit::Milliseconds,
                        TimeZone::opt_try_new(Some(tz.name()))?,
                    )
                    .into_column()
            }
            Kind::Text | Kind::Json => StringChunked::from_iter_options(
                name,
                cells.map(|v| v.map(|v| crate::decode::value::value_text(v).into_owned())),
            )
            .into_column(),
        };
        columns.push(column);
    }
    let mut df = DataFrame::new(grid.rows.len(), columns)?;
    let mut file = AtomicFile::create(path.to_path_buf())?;
    ParquetWriter::new(&mut file).finish(&mut df)?;
    file.commit()?;
    Ok(())
}
