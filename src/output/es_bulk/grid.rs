//! A result [`Grid`] as `_bulk` documents: each row becomes the JSON object NDJSON writes for
//! it and goes through the same renderer as a record, so its index name, `_id` and time work
//! as they do for `obs grep`.

use std::path::PathBuf;

use super::{BulkOptions, BulkRender, IdSpec};
use crate::decode::flat::CellSlots;
use crate::decode::json::Projection;
use crate::error::{ObsError, ObsResult};
use crate::output::rows::Grid;
use crate::output::{Render, Rendered};
use crate::record::time::TimeSpec;
use crate::record::{FieldPath, Record};

/// What a result's rows are documents of, and how they are told apart.
pub struct Documents<'a> {
    /// What one row is, for messages ("group").
    pub row: &'a str,
    /// The columns that tell one row from another: the default `_id` is a hash of them, so
    /// writing the same result again overwrites instead of duplicating.
    pub identity: &'a [String],
    /// Where each document's time is (for `%{+yyyy.MM.dd}` in the index name).
    pub time: TimeSpec,
}

/// Writes one `_bulk` document per row of `grid` to `out` (stdout, a file, or `--out-dir`).
/// A row that cannot be written (no field for its index name) is said on stderr, and then
/// nothing is written: a result has no `--rejects` to keep it in.
pub fn write(
    grid: &Grid,
    mut opts: BulkOptions,
    docs: Documents<'_>,
    out: Option<&PathBuf>,
) -> ObsResult<()> {
    if matches!(opts.id, IdSpec::Auto) {
        opts.id = IdSpec::Hash(
            docs.identity
                .iter()
                .map(|h| FieldPath::literal(h))
                .collect(),
        );
    }
    let mut sink = super::files::sink(&opts, out)?;
    let render = BulkRender::new(opts, docs.time, Vec::new());
    let proj = Projection::new(render.needs());
    let mut rendered = Rendered::default();
    let mut unwritten = 0usize;
    for i in 0..grid.rows.len() {
        let line = serde_json::to_vec(&grid.object(i))?;
        let mut cells = CellSlots::default();
        let rec = Record::decode(
            i as u64,
            0..line.len(),
            (&line, &line),
            &proj,
            &mut cells,
            Vec::new(),
        )
        .map_err(|(e, _)| ObsError::Internal(e.to_string()))?;
        if let Err(reason) = render.render(&rec, &mut rendered) {
            eprintln!("obs: {} {} not written: {reason}", docs.row, i + 1);
            unwritten += 1;
        }
    }
    if unwritten > 0 {
        return Err(ObsError::Usage(format!(
            "{unwritten} of {} {}s could not be written as _bulk documents (said above); \
             nothing was written",
            grid.rows.len(),
            docs.row
        )));
    }
    sink.write(&rendered, rendered.marks.len())?;
    sink.finish()
}
