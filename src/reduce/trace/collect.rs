//! The first pass: every span file into narrow rows, in parallel, in input order.
//!
//! Line-shaped files go through the shared pipeline (chunks, [`scan_lines`], the ledger), so a
//! bad line is rejected with its `file:line` like in every other command. Span NDJSON is decoded
//! through a typed projection of the role fields only ([`RowDecoder`]); OTLP, Jaeger and Zipkin
//! lines are decoded whole, since their spans sit deep inside each value. Each worker buckets its
//! chunk's rows by trace ([`Batch`]), so that grouping by trace later works partition by
//! partition.

use super::format::ndjson::{RowDecoder, RowNames};
use super::format::{Decoding, Format, Layout};
use super::ids::IdNames;
use super::names::Names;
use super::partition::{bits_for, Batch, Partitioned};
use super::row::{Loc, Row};
use super::sources::SpanSources;
use crate::decode::json::decode_value;
use crate::error::{ObsError, ObsResult};
use crate::input::{ChunkReader, ReadOptions};
use crate::pipeline::accounting::{Counts, Ledger};
use crate::pipeline::{run_ordered, Flow, Window};
use crate::record::Reject;
use crate::stage::filter::scan_lines;

/// Every span, narrow, and the dictionaries its codes refer to.
#[derive(Default)]
pub struct Spans {
    /// One row per span, bucketed by trace.
    pub rows: Partitioned,
    /// Service names.
    pub services: Names,
    /// Operation names.
    pub ops: Names,
    /// Non-hex ids.
    pub ids: IdNames,
}

struct ChunkOut {
    rows: Batch,
    services: Names,
    ops: Names,
    ids: IdNames,
}

/// How the first pass runs.
pub struct Pass {
    /// Decoding options.
    pub dec: Decoding,
    /// Worker threads.
    pub threads: usize,
    /// Chunk reading options.
    pub read: ReadOptions,
    /// Keep the bytes of rejected lines (for `--rejects`).
    pub keep_raw_rejects: bool,
    /// Only chunks containing one of these byte strings are decoded (`obs trace show`: the
    /// trace id as written); the others count as filtered without being parsed.
    pub only: Vec<Vec<u8>>,
    /// Keep where each span is, for commands that read spans back (all but `stats`).
    pub locations: bool,
}

/// Reads every span of `sources`; line-level problems go to `ledger`.
pub fn collect(
    sources: &SpanSources,
    ids: IdNames,
    pass: &Pass,
    ledger: &mut Ledger,
) -> ObsResult<(Spans, Counts)> {
    let mut all = Spans {
        ids,
        ..Spans::default()
    };
    // Documents were parsed when the files were opened; their rows carry global codes.
    let (mut docs, mut doc_locs) = (Vec::new(), Vec::new());
    for (i, f) in sources.files.iter().enumerate() {
        for (j, s) in f.doc.iter().enumerate() {
            docs.push(Row::of(s, &mut all.services, &mut all.ops));
            if pass.locations {
                doc_locs.push(Loc {
                    source: i as u32,
                    offset: 0,
                    index: j as u32,
                });
            }
        }
    }
    let identity = |n: usize| (0..n as u32).collect::<Vec<u32>>();
    let lines: Vec<(usize, Format)> = sources
        .files
        .iter()
        .enumerate()
        .filter_map(|(i, f)| match f.layout {
            Layout::Lines(fmt) => Some((i, fmt)),
            Layout::Document => None,
        })
        .collect();
    let reader = ChunkReader::new(
        lines
            .iter()
            .map(|&(i, _)| sources.files[i].source.clone())
            .collect(),
        pass.read,
    );
    let bits = bits_for(reader.known_total());
    all.rows = Partitioned::new(bits);
    if !docs.is_empty() {
        let mut b = Batch::of(&docs, &doc_locs, bits);
        b.global(identity(all.services.len()), identity(all.ops.len()), 0);
        all.rows.batches.push(b);
    }
    if lines.is_empty() {
        return Ok((all, Counts::default()));
    }
    let rows = RowDecoder::new(&pass.dec.fields, pass.dec.tz);
    let dec = &pass.dec;
    let mut base: Vec<u64> = vec![0; lines.len()];
    // Rows are decoded into a scratch buffer per chunk, then bucketed into the chunk's batch.
    // Scratch buffers are reused: fresh memory costs a page fault per 4 KiB page.
    type Scratch = (Vec<Row>, Vec<Loc>);
    let spare: std::sync::Mutex<Vec<Scratch>> = std::sync::Mutex::new(Vec::new());
    let result = run_ordered::<_, _, _, ObsError>(
        reader,
        pass.threads,
        Window::Reducing,
        |chunk| {
            let (global, format) = lines[chunk.source];
            let mut out = ChunkOut {
                rows: Batch::of(&[], &[], bits),
                services: Names::default(),
                ops: Names::default(),
                ids: IdNames::default(),
            };
            let bytes = chunk.bytes();
            if !pass.only.is_empty()
                && !pass
                    .only
                    .iter()
                    .any(|n| memchr::memmem::find(bytes, n).is_some())
            {
                let lines = crate::pipeline::accounting::count_lines(bytes);
                let counts = Counts {
                    read: lines,
                    filtered: lines,
                    prefiltered: lines,
                    ..Counts::default()
                };
                let scanned = crate::stage::filter::Scanned {
                    lines,
                    counts,
                    rejects: Vec::new(),
                };
                return (
                    scanned,
                    out,
                    matches!(chunk.data, crate::input::ChunkData::Mapped(..)),
                );
            }
            let chunk_start = match &chunk.data {
                crate::input::ChunkData::Mapped(_, r) => Some(r.start as u64),
                crate::input::ChunkData::Owned(_) => None,
            };
            let (mut rows_buf, mut locs_buf) = spare
                .lock()
                .ok()
                .and_then(|mut s| s.pop())
                .unwrap_or_default();
            rows_buf.clear();
            locs_buf.clear();
            let mut slots = crate::decode::flat::CellSlots::default();
            let scanned = scan_lines(&chunk, pass.keep_raw_rejects, &mut |span, json| {
                let loc = Loc {
                    source: global as u32,
                    offset: span.start as u64 + chunk_start.unwrap_or(0),
                    index: 0,
                };
                if format == Format::Spans {
                    let names = RowNames {
                        ids: &mut out.ids,
                        services: &mut out.services,
                        ops: &mut out.ops,
                    };
                    rows_buf.push(rows.row(json, &mut slots, names).map_err(Reject::Span)?);
                    if pass.locations {
                        locs_buf.push(loc);
                    }
                    return Ok(());
                }
                let v = decode_value(json)?;
                let spans = dec.spans(format, &v, &mut out.ids).map_err(Reject::Span)?;
                for (j, s) in spans.iter().enumerate() {
                    rows_buf.push(Row::of(s, &mut out.services, &mut out.ops));
                    if pass.locations {
                        locs_buf.push(Loc {
                            index: j as u32,
                            ..loc
                        });
                    }
                }
                Ok(())
            });
            out.rows = Batch::of(&rows_buf, &locs_buf, bits);
            if let Ok(mut s) = spare.lock() {
                s.push((rows_buf, locs_buf));
            }
            (scanned, out, chunk_start.is_some())
        },
        |meta, (scanned, out, mapped)| {
            ledger.account(
                meta.source,
                scanned.lines,
                &scanned.counts,
                &scanned.rejects,
            )?;
            let shift = if mapped { 0 } else { base[meta.source] };
            base[meta.source] += meta.len as u64;
            let mut batch = out.rows;
            batch.global(
                all.services.remap(&out.services),
                all.ops.remap(&out.ops),
                shift,
            );
            all.rows.batches.push(batch);
            all.ids.merge(out.ids);
            Ok(Flow::Continue)
        },
    );
    result?;
    Ok((all, ledger.counts))
}
