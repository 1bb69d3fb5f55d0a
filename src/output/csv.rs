//! CSV: a header row from `--fields` or the first record's keys, then one row per record.
//! Keys that later records add are not columns (a CSV has one header); name them in `--fields`.

use super::{Destination, Rendered, Sink};

/// Writes rows as CSV (RFC 4180 quoting by the `csv` crate).
pub struct CsvSink {
    writer: csv::Writer<Destination>,
    columns: Option<Vec<String>>,
    header_written: bool,
}

impl CsvSink {
    /// Writes to `dest`; `columns` fixed up front when `--fields` is given.
    pub fn new(dest: Destination, columns: Option<Vec<String>>) -> Self {
        CsvSink {
            writer: csv::WriterBuilder::new().from_writer(dest),
            columns,
            header_written: false,
        }
    }

    fn write_header(&mut self) -> anyhow::Result<()> {
        if let Some(cols) = &self.columns {
            self.writer.write_record(cols)?;
        }
        self.header_written = true;
        Ok(())
    }
}

impl Sink for CsvSink {
    fn write(&mut self, r: &Rendered, take: usize) -> anyhow::Result<()> {
        for row in r.marks[..take].iter().filter_map(|m| m.row.as_ref()) {
            if !self.header_written {
                if self.columns.is_none() {
                    self.columns = Some(row.iter().map(|(k, _)| k.clone()).collect());
                }
                self.write_header()?;
            }
            let cols = self.columns.as_deref().unwrap_or_default();
            let cells = cols.iter().map(|c| {
                row.iter()
                    .find(|(k, _)| k == c)
                    .map(|(_, v)| v.as_str())
                    .unwrap_or("")
            });
            self.writer.write_record(cells)?;
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> anyhow::Result<()> {
        if !self.header_written {
            self.write_header()?;
        }
        let dest = self
            .writer
            .into_inner()
            .map_err(|e| anyhow::anyhow!("{}", e.error()))?;
        dest.commit()
    }
}
