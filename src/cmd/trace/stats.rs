//! `obs trace stats`: latency percentiles, error rate and self time per service, operation or
//! kind.

use anyhow::bail;
use clap::{Args, ValueEnum as _};

use super::{read, RowOutput, SpanArgs};
use crate::error::ExitStatus;
use crate::output::rows::write_rows;
use crate::output::rows::{sort_rows, sort_spec};
use crate::reduce::trace::analysis::{self, StatKey};

/// `obs trace stats`.
#[derive(Debug, Args)]
pub struct StatsArgs {
    /// Spans.
    #[command(flatten)]
    pub spans: SpanArgs,
    /// Group by these (comma-separated).
    #[arg(
        long,
        value_enum,
        value_delimiter = ',',
        default_value = "service,name",
        help_heading = "Output"
    )]
    pub by: Vec<StatKey>,
    /// Sort by a column, descending (`NAME:asc` for ascending) [default: self_total_ms].
    #[arg(long, value_name = "COLUMN[:asc]", help_heading = "Output")]
    pub sort: Option<String>,
    /// Only the first N groups.
    #[arg(long, value_name = "N", help_heading = "Output")]
    pub top: Option<usize>,
    /// Output options.
    #[command(flatten)]
    pub out: RowOutput,
}

pub(super) fn stats(a: StatsArgs) -> anyhow::Result<ExitStatus> {
    let by = &a.by;
    if let Some(i) = (0..by.len()).find(|&i| by[..i].contains(&by[i])) {
        let name = by[i].to_possible_value().map(|v| v.get_name().to_string());
        let also = if by[i] == StatKey::Name {
            " (as 'name' or 'operation')"
        } else {
            ""
        };
        bail!("--by: '{}' is given twice{also}", name.unwrap_or_default());
    }
    // Statistics read no span back: the first pass keeps no locations.
    let (read, _) = read(&a.spans, Vec::new(), false)?;
    let (groups, _) = analysis::stats(&read.spans, by);
    let mut rows = analysis::stats::rows(&groups, by, &read.spans);
    let (col, desc) = a
        .sort
        .as_deref()
        .map_or(("self_total_ms".to_string(), true), sort_spec);
    sort_rows(&mut rows, &col, desc)?;
    if let Some(n) = a.top {
        rows.truncate(n);
    }
    let header = analysis::stats::columns(by);
    write_rows(&header, &rows, a.out.format.into(), a.out.output.as_ref())?;
    Ok(ExitStatus::Ok)
}
