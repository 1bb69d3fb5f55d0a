//! Rows for the table and CSV sinks, the table sink (its rows written as a [`Grid`]), and the
//! layout of a table for people (comfy-table).

use crate::error::{ObsError, ObsResult};
use comfy_table::{presets, ColumnConstraint, ContentArrangement, Table};

use serde_json::Value;

use super::cell::text as cell;
use super::rows::{Column, Grid, Style};
use super::{Destination, Render, Rendered, Row, Sink};
use crate::record::{FieldPath, Record, Reject};

/// Turns records into rows: the chosen fields, or every top-level key.
pub struct Rows {
    fields: Vec<FieldPath>,
}

impl Rows {
    /// Rows of `fields` (all top-level keys when empty).
    pub fn new(fields: Vec<FieldPath>) -> Self {
        Rows { fields }
    }
}

impl Render for Rows {
    fn render(&self, rec: &Record, out: &mut Rendered) -> Result<(), Reject> {
        let row: Row = if self.fields.is_empty() {
            let obj = rec.full().map_err(|e| Reject::Decode(e.clone()))?;
            obj.iter()
                .map(|(k, v)| (k.clone(), cell(Some(v))))
                .collect()
        } else {
            self.fields
                .iter()
                .map(|f| (f.as_str().to_string(), cell(rec.get(f))))
                .collect()
        };
        out.mark(rec, Some(row));
        Ok(())
    }

    fn needs(&self) -> Vec<String> {
        self.fields
            .iter()
            .flat_map(|f| f.top_level_keys().iter().cloned())
            .collect()
    }
}

/// Columns: the union of the keys of every row, in order of first appearance, so a field
/// that first shows up late still has its column.
pub fn columns_of(rows: &[Row]) -> Vec<String> {
    let mut cols: Vec<String> = Vec::new();
    let mut seen = std::collections::HashSet::new();
    for row in rows {
        for (k, _) in row {
            if seen.insert(k.as_str()) {
                cols.push(k.clone());
            }
        }
    }
    cols
}

/// Collects rows and prints one table at the end (a table needs every width before its first
/// line, so it holds its rows in memory; use NDJSON or CSV for large outputs).
pub struct TableSink {
    dest: Option<Destination>,
    rows: Vec<Row>,
}

impl TableSink {
    /// Prints to `dest`.
    pub fn new(dest: Destination) -> Self {
        TableSink {
            dest: Some(dest),
            rows: Vec::new(),
        }
    }
}

impl Sink for TableSink {
    fn write(&mut self, r: &Rendered, take: usize) -> ObsResult<()> {
        self.rows
            .extend(r.marks[..take].iter().filter_map(|m| m.row.clone()));
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> ObsResult<()> {
        let columns = columns_of(&self.rows);
        // The cells move into the grid: a large table is not held twice.
        let rows = std::mem::take(&mut self.rows)
            .into_iter()
            .map(|mut row| {
                columns
                    .iter()
                    .map(|c| {
                        row.iter_mut()
                            .find(|(k, _)| k == c)
                            .map(|(_, v)| Value::String(std::mem::take(v)))
                    })
                    .collect()
            })
            .collect();
        let grid = Grid {
            columns: columns.iter().map(|c| Column::json(c)).collect(),
            rows,
            style: Style::RECORDS,
        };
        let mut dest = self
            .dest
            .take()
            .ok_or_else(|| ObsError::Internal("table already written".into()))?;
        // No record, no table: an empty output rather than a header with nothing under it.
        if !grid.rows.is_empty() {
            grid.write_table(&mut dest)?;
        }
        dest.commit()
    }
}

/// Longest text a table cell shows; longer text is cut with an ellipsis (the whole value is
/// in the NDJSON and CSV outputs).
const CELL_CHARS: usize = 60;

/// A cell that must never be wrapped: an id, a number, a time (no space, not long).
fn atomic(cell: &str) -> bool {
    cell.chars().count() <= 40 && !cell.contains(char::is_whitespace)
}

/// A table for people, laid out for the terminal's real width: columns whose cells are all
/// atomic (trace ids, numbers, times) keep their full width, so an id is never split over
/// lines; text longer than 60 characters is cut with an ellipsis; the rest wraps.
pub fn human(header: Vec<String>, rows: Vec<Vec<String>>) -> Table {
    let cut = |c: String| {
        if c.chars().count() > CELL_CHARS {
            c.chars().take(CELL_CHARS - 1).chain(['…']).collect()
        } else {
            c
        }
    };
    let rows: Vec<Vec<String>> = rows
        .into_iter()
        .map(|r| r.into_iter().map(cut).collect())
        .collect();
    let width = super::terminal::width(None);
    let widest = |i: usize| {
        rows.iter()
            .filter_map(|r| r.get(i))
            .chain(header.get(i))
            .map(|c| c.chars().count())
            .max()
            .unwrap_or(0)
    };
    let whole: Vec<bool> = (0..header.len())
        .map(|i| atomic(&header[i]) && rows.iter().all(|r| r.get(i).is_none_or(|c| atomic(c))))
        .collect();
    // What the whole columns need, with borders and padding, and at least 10 for the others.
    let needed: usize = (0..header.len())
        .map(|i| {
            3 + if whole[i] {
                widest(i)
            } else {
                widest(i).min(10)
            }
        })
        .sum::<usize>()
        + 1;
    let mut t = Table::new();
    t.load_preset(presets::UTF8_FULL_CONDENSED)
        .set_header(header.clone());
    if needed <= width {
        t.set_content_arrangement(ContentArrangement::Dynamic)
            .set_width(u16::try_from(width).unwrap_or(u16::MAX));
    } else {
        // Squeezed, every column would be unreadable: the table runs past the edge instead,
        // its cells whole (or cut at 60 characters), as `less -S` shows it.
        t.set_content_arrangement(ContentArrangement::Disabled);
    }
    for r in &rows {
        t.add_row(r.clone());
    }
    for (i, &keep) in whole.iter().enumerate() {
        if let Some(col) = t.column_mut(i) {
            col.set_constraint(if keep {
                ColumnConstraint::ContentWidth
            } else {
                ColumnConstraint::LowerBoundary(comfy_table::Width::Fixed(
                    u16::try_from(widest(i).min(10)).unwrap_or(10),
                ))
            });
        }
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_and_numbers_stay_whole_and_long_text_is_cut() {
        let id = "4bf92f3577b34da6a3ce929d0e0e4736";
        let mut header = vec!["trace_id".to_string()];
        header.extend((1..27).map(|i| format!("field_{i}")));
        let mut row = vec![id.to_string()];
        row.extend((1..27).map(|i| format!("value {i} with some words in it")));
        row[5] = "y".repeat(200);
        let text = human(header, vec![row]).to_string();
        assert!(
            text.lines().any(|l| l.contains(id)),
            "the id is split:\n{text}"
        );
        assert!(text.contains(&format!("{}…", "y".repeat(59))), "{text}");
        assert!(!text.contains(&"y".repeat(61)));
        // No column is squeezed to a sliver: every cell still shows its words' starts.
        assert!(text.contains("value"), "{text}");
    }
}
