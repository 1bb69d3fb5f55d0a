//! Result tables (aggregate results, trace lists, statistics, dependencies, findings, and the
//! rows of `obs grep -f table`) and their one writer per format: terminal table, NDJSON, CSV
//! and Parquet (`_bulk` documents in `es_bulk::grid`).
//! Every row is built before the first is written, so column widths are known. grep's CSV sink
//! is the one that streams instead (its memory stays bounded whatever the output's size), and
//! formats its cells with the same `output::cell` rules.

use std::io::Write as _;
use std::path::PathBuf;

use serde_json::{Map, Value};

use super::cell::text as cell;
use super::{Destination, Format};
use crate::error::{ObsError, ObsResult};

/// How the cells of a [`Grid`] read in each format. The views differ on purpose: in an
/// aggregate, `null` is a group of its own and says so in the table; in the trace views an
/// empty cell is "nothing here".
#[derive(Debug, Clone, Copy)]
pub struct Style {
    /// A cell with no value is left out of its NDJSON object (else written as `null`).
    pub omit_absent: bool,
    /// A cell with no value, in the terminal table (CSV always leaves it empty).
    pub absent_text: &'static str,
    /// A JSON `null`, in the table and in CSV.
    pub null_text: &'static str,
    /// Numbers rounded for people in the terminal table (machine formats never round).
    pub human_numbers: bool,
    /// Lists as their items joined by commas in the table and CSV (else as compact JSON).
    pub join_lists: bool,
}

impl Style {
    /// The trace views: empty for nothing, lists joined, numbers as they are.
    pub const SUMMARY: Style = Style {
        omit_absent: true,
        absent_text: "",
        null_text: "",
        human_numbers: false,
        join_lists: true,
    };
    /// Records (`obs grep -f table`): cells are already text, a field a record lacks is empty.
    pub const RECORDS: Style = Style {
        omit_absent: true,
        absent_text: "",
        null_text: "",
        human_numbers: false,
        join_lists: false,
    };
    /// Aggregate results: `null` groups and metrics say `null`, numbers rounded for people.
    pub const AGGREGATE: Style = Style {
        omit_absent: false,
        absent_text: "null",
        null_text: "null",
        human_numbers: true,
        join_lists: false,
    };
}

/// What a column's cells hold: how Parquet types the column, and how a time cell reads.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Kind {
    /// Any JSON value (Parquet: its text).
    Json,
    /// Strings (Parquet: UTF-8).
    Text,
    /// Numbers (Parquet: doubles).
    Number,
    /// Whole numbers (Parquet: 64-bit integers).
    Integer,
    /// Epoch milliseconds, read as RFC 3339 in the zone in every text format (Parquet: a UTC
    /// timestamp that carries the zone).
    Time(chrono_tz::Tz),
}

/// A named, typed column of a [`Grid`].
#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// Its name: the table's header, the CSV header, the NDJSON key.
    pub name: String,
    /// What its cells hold.
    pub kind: Kind,
}

impl Column {
    /// A column of any JSON values.
    pub fn json(name: &str) -> Column {
        Column {
            name: name.to_string(),
            kind: Kind::Json,
        }
    }
}

/// A result table: named, typed columns and rows of cells (`None`: no value), built whole
/// before it is written, so column widths are known. Every command's table, CSV, NDJSON and
/// Parquet of results are written by [`Grid::write`], its `_bulk` documents by
/// [`super::es_bulk::grid::write`].
#[derive(Debug, Clone)]
pub struct Grid {
    /// Columns, in order, each name once (an NDJSON row is an object keyed by them; the
    /// commands see to it: `aggregate` refuses a name twice, the others have fixed columns).
    pub columns: Vec<Column>,
    /// One cell per column per row.
    pub rows: Vec<Vec<Option<Value>>>,
    /// How the cells read.
    pub style: Style,
}

impl Grid {
    /// The `columns` of JSON objects (keys they do not have are cells with no value).
    pub fn from_objects(columns: &[&str], rows: &[Map<String, Value>], style: Style) -> Grid {
        Grid {
            columns: columns.iter().map(|c| Column::json(c)).collect(),
            rows: rows
                .iter()
                .map(|r| columns.iter().map(|c| r.get(*c).cloned()).collect())
                .collect(),
            style,
        }
    }

    /// The column names, in order.
    pub fn names(&self) -> Vec<String> {
        self.columns.iter().map(|c| c.name.clone()).collect()
    }

    /// The value of a cell as the text formats and NDJSON carry it: a time as RFC 3339 in
    /// its zone, anything else as it is.
    fn value<'a>(&self, col: usize, v: &'a Value) -> std::borrow::Cow<'a, Value> {
        match (self.columns[col].kind, v) {
            (Kind::Time(tz), Value::Number(n)) => std::borrow::Cow::Owned(Value::String(
                super::cell::time_label(n.as_i64().unwrap_or(0), tz),
            )),
            _ => std::borrow::Cow::Borrowed(v),
        }
    }

    /// The text of a cell of column `col`: `human` for the terminal table, else for CSV.
    fn text(&self, col: usize, v: Option<&Value>, human: bool) -> String {
        let st = &self.style;
        let v = v.map(|v| self.value(col, v));
        match v.as_deref() {
            None if human => st.absent_text.to_string(),
            None => String::new(),
            Some(Value::Null) => st.null_text.to_string(),
            Some(Value::Array(a)) if st.join_lists => a
                .iter()
                .map(|v| cell(Some(v)))
                .collect::<Vec<_>>()
                .join(","),
            Some(Value::Number(n)) if human && st.human_numbers => super::cell::human_number(n),
            v => cell(v),
        }
    }

    /// The terminal table's text of row `row`, column `col` (charts label their bars with it).
    pub fn cell_text(&self, row: usize, col: usize) -> String {
        self.text(col, self.rows[row][col].as_ref(), true)
    }

    /// Row `row` as a JSON object in column order, serialized straight from the cells (NDJSON
    /// of a large result builds no copy of its rows).
    pub fn object(&self, row: usize) -> RowObject<'_> {
        RowObject { grid: self, row }
    }

    /// Row `row` as a JSON object to evaluate expressions on (`--fail-if`): the keys and
    /// values of [`Grid::object`].
    pub fn map(&self, row: usize) -> Map<String, Value> {
        let mut m = Map::new();
        for (c, (col, v)) in self.columns.iter().zip(&self.rows[row]).enumerate() {
            match v {
                None if self.style.omit_absent => {}
                None => {
                    m.insert(col.name.clone(), Value::Null);
                }
                Some(v) => {
                    m.insert(col.name.clone(), self.value(c, v).into_owned());
                }
            }
        }
        m
    }

    /// Writes the grid as a table for people (see [`super::table::human`]) to `w`.
    pub fn write_table(&self, w: &mut impl std::io::Write) -> ObsResult<()> {
        let cells = self
            .rows
            .iter()
            .map(|r| {
                r.iter()
                    .enumerate()
                    .map(|(c, v)| self.text(c, v.as_ref(), true))
                    .collect()
            })
            .collect();
        let t = super::table::human(self.names(), cells);
        writeln!(w, "{t}")?;
        Ok(())
    }

    /// Writes the grid in `format` (table, NDJSON, CSV, or Parquet, which needs a file) to
    /// `out` (stdout when `None`), committed when complete.
    pub fn write(&self, format: Format, out: Option<&PathBuf>) -> ObsResult<()> {
        let format = format.resolve(out, Format::Table);
        match format {
            Format::Table | Format::Ndjson | Format::Csv => {}
            Format::Parquet => {
                let path =
                    out.ok_or_else(|| ObsError::Usage("--format parquet needs -o FILE".into()))?;
                return super::parquet::write(self, path);
            }
            other => {
                return Err(ObsError::Internal(format!(
                    "a result table is not written as {other:?}"
                )))
            }
        }
        let mut dest = Destination::open(out)?;
        match format {
            Format::Ndjson => {
                for row in 0..self.rows.len() {
                    serde_json::to_writer(&mut dest, &self.object(row))?;
                    dest.write_all(b"\n")?;
                }
            }
            Format::Csv => {
                let mut w = csv::Writer::from_writer(&mut dest);
                w.write_record(self.columns.iter().map(|c| &c.name))?;
                for r in &self.rows {
                    w.write_record(
                        r.iter()
                            .enumerate()
                            .map(|(c, v)| self.text(c, v.as_ref(), false)),
                    )?;
                }
                w.flush()?;
            }
            _ => self.write_table(&mut dest)?,
        }
        dest.commit()
    }
}

/// One row of a [`Grid`] as a JSON object: its cells under their column names, in order.
pub struct RowObject<'a> {
    grid: &'a Grid,
    row: usize,
}

impl serde::Serialize for RowObject<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let g = self.grid;
        let mut m = s.serialize_map(None)?;
        for (c, (col, v)) in g.columns.iter().zip(&g.rows[self.row]).enumerate() {
            match v {
                None if g.style.omit_absent => {}
                None => m.serialize_entry(&col.name, &Value::Null)?,
                Some(v) => m.serialize_entry(&col.name, g.value(c, v).as_ref())?,
            }
        }
        m.end()
    }
}

/// Writes the `header` columns of `rows`, in header order, in every format (other keys of a
/// row are left out), as the trace views show them.
pub fn write_rows(
    header: &[&str],
    rows: &[Map<String, Value>],
    format: Format,
    out: Option<&PathBuf>,
) -> ObsResult<()> {
    Grid::from_objects(header, rows, Style::SUMMARY).write(format, out)
}

/// `COLUMN[:asc]` → (column, descending).
pub fn sort_spec(s: &str) -> (String, bool) {
    match s.rsplit_once(':') {
        Some((c, dir)) if dir.eq_ignore_ascii_case("asc") => (c.to_string(), false),
        Some((c, dir)) if dir.eq_ignore_ascii_case("desc") => (c.to_string(), true),
        _ => (s.to_string(), true),
    }
}

/// Sorts `rows` by `column` (numbers by value, other cells by their text), descending when
/// `desc`; a column the rows do not have is a usage error.
pub fn sort_rows(rows: &mut [Map<String, Value>], column: &str, desc: bool) -> ObsResult<()> {
    if let Some(first) = rows.first() {
        if !first.contains_key(column) {
            let cols: Vec<&String> = first.keys().collect();
            return Err(ObsError::Usage(format!(
                "--sort: no column '{column}' (columns: {cols:?})"
            )));
        }
    }
    let key = |m: &Map<String, Value>| m.get(column).cloned().unwrap_or(Value::Null);
    rows.sort_by(|a, b| {
        let (x, y) = (key(a), key(b));
        let ord = match (x.as_f64(), y.as_f64()) {
            (Some(p), Some(q)) => p.total_cmp(&q),
            _ => crate::decode::value::value_text(&x).cmp(&crate::decode::value::value_text(&y)),
        };
        if desc {
            ord.reverse()
        } else {
            ord
        }
    });
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn grid(style: Style) -> Grid {
        Grid {
            columns: ["k", "n", "l"].map(Column::json).to_vec(),
            rows: vec![
                vec![Some(json!("a")), Some(json!(1500.0)), Some(json!(["x", 2]))],
                vec![Some(Value::Null), None, None],
            ],
            style,
        }
    }

    #[test]
    fn trace_views_leave_absent_cells_out_and_join_lists() {
        let g = grid(Style::SUMMARY);
        assert_eq!(g.cell_text(0, 1), "1500.0", "numbers as they are");
        assert_eq!(g.cell_text(0, 2), "x,2");
        assert_eq!(g.cell_text(1, 0), "");
        assert_eq!(g.cell_text(1, 1), "");
        assert_eq!(
            serde_json::to_value(g.object(1)).ok(),
            Some(json!({"k": null}))
        );
        assert_eq!(
            serde_json::to_string(&g.object(0)).ok().as_deref(),
            Some(r#"{"k":"a","n":1500.0,"l":["x",2]}"#),
            "cells in column order, numbers as they are"
        );
    }

    #[test]
    fn aggregates_say_null_and_round_only_for_people() {
        let g = grid(Style::AGGREGATE);
        assert_eq!(g.cell_text(0, 1), "1500", "rounded in the table");
        assert_eq!(
            g.text(1, Some(&json!(1500.0)), false),
            "1500.0",
            "exact in CSV"
        );
        assert_eq!(g.cell_text(0, 2), r#"["x",2]"#);
        assert_eq!(g.cell_text(1, 0), "null");
        assert_eq!(g.cell_text(1, 1), "null");
        assert_eq!(g.text(1, None, false), "", "CSV leaves no value empty");
        assert_eq!(
            serde_json::to_value(g.object(1)).ok(),
            Some(json!({"k": null, "n": null, "l": null}))
        );
    }

    #[test]
    fn time_cells_read_in_their_zone_everywhere_but_stay_instants() {
        let ist: chrono_tz::Tz = "Asia/Kolkata".parse().expect("zone");
        let g = Grid {
            columns: vec![
                Column {
                    name: "time".into(),
                    kind: Kind::Time(ist),
                },
                Column::json("n"),
            ],
            // 2024-05-01T00:00:00Z
            rows: vec![vec![Some(json!(1_714_521_600_000_i64)), Some(json!(3))]],
            style: Style::AGGREGATE,
        };
        assert_eq!(g.cell_text(0, 0), "2024-05-01T05:30:00+05:30");
        assert_eq!(
            g.text(0, g.rows[0][0].as_ref(), false),
            "2024-05-01T05:30:00+05:30"
        );
        assert_eq!(
            serde_json::to_string(&g.object(0)).ok().as_deref(),
            Some(r#"{"time":"2024-05-01T05:30:00+05:30","n":3}"#)
        );
        assert_eq!(
            g.map(0).get("time"),
            Some(&json!("2024-05-01T05:30:00+05:30"))
        );
        assert_eq!(
            g.rows[0][0],
            Some(json!(1_714_521_600_000_i64)),
            "the cell is the instant"
        );
    }
}
