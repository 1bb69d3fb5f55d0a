//! CSV: a header row, then one row per record. The columns are `--fields`, or else every key any
//! record has, in order of first appearance: a CSV has one header, written before its first
//! row, so without `--fields` the rows are spilled to an unnamed temporary file while the
//! columns are learnt, and written out under the full header at the end. Memory stays bounded
//! whatever the output's size; nothing of a late-appearing field is dropped.

use crate::error::{ObsError, ObsResult};
use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, BufWriter, Seek};

use super::{Destination, Rendered, Sink};

/// Writes rows as CSV (RFC 4180 quoting by the `csv` crate).
pub struct CsvSink {
    writer: csv::Writer<Destination>,
    columns: Columns,
}

enum Columns {
    /// Known up front (`--fields`); the header is written with the first row.
    Fixed {
        names: Vec<String>,
        header_written: bool,
    },
    /// Learnt from the rows: each row goes to `spill` as (column index, value) pairs.
    Learnt {
        names: Vec<String>,
        index: HashMap<String, usize>,
        spill: Option<Box<csv::Writer<BufWriter<File>>>>,
    },
}

impl CsvSink {
    /// Writes to `dest`; `columns` fixed up front when `--fields` is given.
    pub fn new(dest: Destination, columns: Option<Vec<String>>) -> Self {
        let columns = match columns {
            Some(names) => Columns::Fixed {
                names,
                header_written: false,
            },
            None => Columns::Learnt {
                names: Vec::new(),
                index: HashMap::new(),
                spill: None,
            },
        };
        CsvSink {
            writer: csv::WriterBuilder::new().from_writer(dest),
            columns,
        }
    }
}

fn spill_file() -> ObsResult<csv::Writer<BufWriter<File>>> {
    let file = tempfile::tempfile()
        .map_err(|e| ObsError::Usage(format!("creating a temporary file for CSV columns: {e}")))?;
    Ok(csv::WriterBuilder::new()
        .flexible(true)
        .from_writer(BufWriter::with_capacity(1 << 18, file)))
}

impl Sink for CsvSink {
    fn write(&mut self, r: &Rendered, take: usize) -> ObsResult<()> {
        for row in r.marks[..take].iter().filter_map(|m| m.row.as_ref()) {
            match &mut self.columns {
                Columns::Fixed {
                    names,
                    header_written,
                } => {
                    if !*header_written {
                        self.writer.write_record(names.iter())?;
                        *header_written = true;
                    }
                    let cells = names.iter().map(|c| {
                        row.iter()
                            .find(|(k, _)| k == c)
                            .map(|(_, v)| v.as_str())
                            .unwrap_or("")
                    });
                    self.writer.write_record(cells)?;
                }
                Columns::Learnt {
                    names,
                    index,
                    spill,
                } => {
                    let spill = match spill {
                        Some(s) => s,
                        None => spill.insert(Box::new(spill_file()?)),
                    };
                    let mut record = csv::StringRecord::new();
                    for (k, v) in row {
                        let i = *index.entry(k.clone()).or_insert_with(|| {
                            names.push(k.clone());
                            names.len() - 1
                        });
                        record.push_field(&i.to_string());
                        record.push_field(v);
                    }
                    spill.write_record(&record)?;
                }
            }
        }
        Ok(())
    }

    fn flush(&mut self) -> ObsResult<()> {
        // Learnt columns write nothing before the end; fixed ones stream.
        Ok(self.writer.flush()?)
    }

    fn finish(mut self: Box<Self>) -> ObsResult<()> {
        match std::mem::replace(
            &mut self.columns,
            Columns::Fixed {
                names: Vec::new(),
                header_written: true,
            },
        ) {
            Columns::Fixed {
                names,
                header_written: false,
            } => self.writer.write_record(names.iter())?,
            Columns::Fixed { .. } => {}
            // No record, no column: an empty output, not an empty header row (`""`).
            Columns::Learnt { names, .. } if names.is_empty() => {}
            Columns::Learnt { names, spill, .. } => {
                self.writer.write_record(names.iter())?;
                if let Some(spill) = spill {
                    let buffered = spill.into_inner().map_err(|e| e.into_error())?;
                    let mut file = buffered.into_inner().map_err(|e| e.into_error())?;
                    file.rewind()?;
                    let mut reader = csv::ReaderBuilder::new()
                        .has_headers(false)
                        .flexible(true)
                        .from_reader(BufReader::with_capacity(1 << 18, file));
                    let mut cells = vec![String::new(); names.len()];
                    for pairs in reader.records() {
                        let pairs = pairs?;
                        cells.iter_mut().for_each(String::clear);
                        for pair in pairs.iter().collect::<Vec<_>>().chunks(2) {
                            if let [i, v] = pair {
                                if let Some(c) =
                                    i.parse::<usize>().ok().and_then(|i| cells.get_mut(i))
                                {
                                    c.push_str(v);
                                }
                            }
                        }
                        self.writer.write_record(&cells)?;
                    }
                }
            }
        }
        let dest = self.writer.into_inner().map_err(|e| e.into_error())?;
        dest.commit()
    }
}
