//! Rows spread over partitions by trace id, so that each partition can be grouped, linked into
//! trees and summed up on its own: in parallel, and in cache.
//!
//! Sorting all rows at once by trace (a million rows of 64 bytes) spent most of its time
//! waiting on memory. Instead, each worker of the first pass buckets its chunk's rows by a hash
//! of the trace id while they are still in cache, and later each partition gathers its buckets
//! from every chunk (a few thousand rows) and groups them by trace there: for trees sorting each
//! trace's few rows by start ([`Partitioned::gather`]), for statistics in input order
//! ([`Partitioned::group`]). Every span of a trace lands in the same partition, so a partition
//! holds whole traces.

use rustc_hash::FxHashMap;

use super::ids::TraceId;
use super::row::{Loc, Row, SHARED};

/// Which partition a trace falls into, with `bits` bits of partition number.
pub fn part_of(trace: TraceId, bits: u32) -> usize {
    if bits == 0 {
        return 0;
    }
    // Fold and multiply (Fibonacci hashing): ids shorter than 128 bits (Zipkin's 64-bit ones,
    // hashed non-hex ids) still spread over every partition.
    let folded = (trace as u64) ^ ((trace >> 64) as u64);
    (folded.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> (64 - bits)) as usize
}

/// How many partition bits suit an input of `total` bytes (unknown: a stream): about a
/// megabyte of input per partition, so a partition's rows (a few thousand) sort in cache.
pub fn bits_for(total: Option<u64>) -> u32 {
    const DEFAULT: u32 = 8;
    match total {
        None => DEFAULT,
        Some(t) => (t >> 20).max(1).ilog2().clamp(4, 12),
    }
}

/// One chunk's rows, bucketed by partition, with what turns its codes into global ones.
#[derive(Debug, Default)]
pub struct Batch {
    /// The rows, partition after partition, each bucket in input order.
    rows: Vec<Row>,
    /// Where each row's span is, in the same order; empty when the pass keeps no locations.
    locs: Vec<Loc>,
    /// Where each partition's bucket starts in `rows`; one more entry than partitions.
    bounds: Vec<u32>,
    /// Global service code of each of the chunk's service codes.
    services: Vec<u32>,
    /// Global operation code of each of the chunk's operation codes.
    ops: Vec<u32>,
    /// Added to each row's offset: where the chunk starts in its source, when the chunk was
    /// read as a stream (mapped chunks know their offsets already).
    shift: u64,
}

impl Batch {
    /// Buckets `rows` (in input order) and their `locs` (as many, or none) into `1 << bits`
    /// partitions, keeping input order within each; codes stay the chunk's until
    /// [`Batch::global`] says how to map them.
    pub fn of(rows: &[Row], locs: &[Loc], bits: u32) -> Batch {
        debug_assert!(locs.is_empty() || locs.len() == rows.len());
        let parts = 1usize << bits;
        let mut bounds = vec![0u32; parts + 1];
        for r in rows {
            bounds[part_of(r.trace, bits) + 1] += 1;
        }
        for i in 1..bounds.len() {
            bounds[i] += bounds[i - 1];
        }
        // A counting sort by index, so the rows themselves are written once, in order.
        let mut next = bounds.clone();
        let mut order = vec![0u32; rows.len()];
        for (i, r) in rows.iter().enumerate() {
            let p = part_of(r.trace, bits);
            order[next[p] as usize] = i as u32;
            next[p] += 1;
        }
        Batch {
            rows: order.iter().map(|&i| rows[i as usize]).collect(),
            locs: if locs.is_empty() {
                Vec::new()
            } else {
                order.iter().map(|&i| locs[i as usize]).collect()
            },
            bounds,
            ..Batch::default()
        }
    }

    /// Sets how the batch's service and operation codes map to global ones, and the offset of
    /// its chunk in a streamed source.
    pub fn global(&mut self, services: Vec<u32>, ops: Vec<u32>, shift: u64) {
        self.services = services;
        self.ops = ops;
        self.shift = shift;
    }

    /// Where partition `p`'s bucket is in `rows` (and in `locs`, when kept).
    fn bucket(&self, p: usize) -> std::ops::Range<usize> {
        self.bounds[p] as usize..self.bounds[p + 1] as usize
    }

    /// `r`, one of the batch's rows, with global codes.
    fn global_row(&self, r: &Row) -> Row {
        let mut r = *r;
        r.service = self.services[r.service as usize];
        r.name = self.ops[r.name as usize];
        r
    }

    /// `l`, one of the batch's locations, with its offset in its source.
    fn global_loc(&self, l: &Loc) -> Loc {
        Loc {
            offset: l.offset + self.shift,
            ..*l
        }
    }

    /// Rows in the batch.
    pub fn len(&self) -> usize {
        self.rows.len()
    }

    /// True when the batch holds no row.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }
}

/// Every row of the first pass, in batches bucketed the same way.
#[derive(Debug, Default)]
pub struct Partitioned {
    /// Partition bits: there are `1 << bits` partitions.
    pub bits: u32,
    /// Batches in input order.
    pub batches: Vec<Batch>,
}

impl Partitioned {
    /// No rows yet, `1 << bits` partitions.
    pub fn new(bits: u32) -> Partitioned {
        Partitioned {
            bits,
            batches: Vec::new(),
        }
    }

    /// Number of partitions.
    pub fn parts(&self) -> usize {
        1 << self.bits
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.batches.iter().map(Batch::len).sum()
    }

    /// True when there is no row.
    pub fn is_empty(&self) -> bool {
        self.batches.iter().all(Batch::is_empty)
    }

    /// Partition `p`'s rows, with global codes, into `out` and their locations (when the batches
    /// keep them) into `locs` (both cleared first), sorted by trace, start, span id, then
    /// Zipkin's shared half last and input order: the order trees are built in, and the same
    /// whatever the number of threads.
    pub fn gather(&self, p: usize, out: &mut Vec<Row>, locs: &mut Vec<Loc>, scratch: &mut Gather) {
        let Gather {
            rows,
            locs: read,
            ids,
            traces,
            group,
            by_id,
            order,
        } = scratch;
        rows.clear();
        read.clear();
        for b in &self.batches {
            rows.extend(b.rows[b.bucket(p)].iter().map(|r| b.global_row(r)));
            // Batches without locations have none for any row.
            let held = b.locs.get(b.bucket(p)).unwrap_or_default();
            read.extend(held.iter().map(|l| b.global_loc(l)));
        }
        // Group rows by trace through a hash map, then sort each trace's few rows: a comparison
        // sort of the whole partition was the largest part of grouping.
        ids.clear();
        traces.clear();
        group.clear();
        for r in rows.iter() {
            let g = *ids.entry(r.trace).or_insert_with(|| {
                traces.push(Trace {
                    id: r.trace,
                    len: 0,
                    end: 0,
                });
                traces.len() as u32 - 1
            });
            traces[g as usize].len += 1;
            group.push(g);
        }
        // Traces in id order; each one's rows placed from where its range starts, which
        // leaves `end` where it ends. Rows go in reverse input order: spans are exported as
        // they end, children before their parents, so reversed they come nearly by start and
        // the sort below has less to move (on generated export-order data, 2.5 times fewer
        // pairs out of order).
        by_id.clear();
        by_id.extend(0..traces.len() as u32);
        by_id.sort_unstable_by_key(|&g| traces[g as usize].id);
        let mut at = 0;
        for &g in by_id.iter() {
            traces[g as usize].end = at;
            at += traces[g as usize].len;
        }
        order.clear();
        order.resize(rows.len(), 0);
        for (i, &g) in group.iter().enumerate().rev() {
            let t = &mut traces[g as usize];
            order[t.end as usize] = i as u32;
            t.end += 1;
        }
        // Start and span id nearly always decide; the rest only for duplicates. A row's index
        // in `rows` is its place in the input.
        let by = |&a: &u32, &b: &u32| {
            let (x, y) = (&rows[a as usize], &rows[b as usize]);
            (x.start, x.span)
                .cmp(&(y.start, y.span))
                .then_with(|| (x.flags & SHARED, a).cmp(&(y.flags & SHARED, b)))
        };
        for t in traces.iter() {
            order[(t.end - t.len) as usize..t.end as usize].sort_unstable_by(by);
        }
        out.clear();
        out.extend(order.iter().map(|&i| rows[i as usize]));
        locs.clear();
        if !read.is_empty() {
            locs.extend(order.iter().map(|&i| read[i as usize]));
        }
    }

    /// Partition `p`'s rows, with global codes and offsets, grouped by trace into `out`
    /// (cleared first), and each trace's number of rows into `lens`: traces in the order their
    /// first row comes in the input, each trace's rows in input order. What statistics need,
    /// which do not depend on any order: [`Partitioned::gather`]'s sorts by trace and by start
    /// were a fifth of `obs trace stats`' second pass, and its copy of every row a second one.
    pub fn group(&self, p: usize, out: &mut Vec<Row>, lens: &mut Vec<u32>, scratch: &mut Grouping) {
        let Grouping { ids, group, next } = scratch;
        ids.clear();
        group.clear();
        lens.clear();
        // A trace's spans end close together, so its rows often follow each other in a bucket:
        // the last trace met is checked before the map.
        let mut last: Option<(TraceId, u32)> = None;
        for b in &self.batches {
            for r in &b.rows[b.bucket(p)] {
                let g = match last {
                    Some((t, g)) if t == r.trace => g,
                    _ => {
                        let g = *ids.entry(r.trace).or_insert_with(|| {
                            lens.push(0);
                            lens.len() as u32 - 1
                        });
                        last = Some((r.trace, g));
                        g
                    }
                };
                lens[g as usize] += 1;
                group.push(g);
            }
        }
        // Where each trace's rows go, then every row put in its place in a second reading of
        // the buckets (which are still in cache): no copy of the partition in between.
        next.clear();
        let mut at = 0;
        next.extend(lens.iter().map(|&n| {
            at += n;
            at - n
        }));
        out.clear();
        out.resize(group.len(), Row::default());
        let mut i = 0;
        for b in &self.batches {
            for r in &b.rows[b.bucket(p)] {
                let g = group[i] as usize;
                i += 1;
                out[next[g] as usize] = b.global_row(r);
                next[g] += 1;
            }
        }
    }
}

/// Scratch space of [`Partitioned::group`], reused from partition to partition.
#[derive(Debug, Default)]
pub struct Grouping {
    /// Trace → its index in the partition's traces.
    ids: FxHashMap<TraceId, u32>,
    /// Each row's trace index.
    group: Vec<u32>,
    /// Where each trace's next row goes.
    next: Vec<u32>,
}

/// A trace met in a partition by [`Partitioned::gather`].
#[derive(Debug)]
struct Trace {
    id: TraceId,
    /// Its rows.
    len: u32,
    /// Where its rows end in the partition, once placed.
    end: u32,
}

/// Scratch space of [`Partitioned::gather`], reused from partition to partition.
#[derive(Debug, Default)]
pub struct Gather {
    rows: Vec<Row>,
    /// Their locations, when the batches keep them.
    locs: Vec<Loc>,
    /// Trace → index in `traces`.
    ids: FxHashMap<TraceId, u32>,
    traces: Vec<Trace>,
    /// Each row's index in `traces`.
    group: Vec<u32>,
    /// Indices in `traces`, by trace id.
    by_id: Vec<u32>,
    /// Row indices, trace by trace.
    order: Vec<u32>,
}

/// The row ranges of each trace in rows sorted by [`Partitioned::gather`].
pub fn trace_ranges(rows: &[Row]) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= rows.len() {
            return None;
        }
        let trace = rows[start].trace;
        let len = rows[start..].partition_point(|r| r.trace == trace);
        let range = start..start + len;
        start += len;
        Some(range)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A row marked with `mark` (in its parent field, which no order looks at).
    fn row(trace: TraceId, span: u64, start: i64, mark: u64) -> Row {
        Row {
            trace,
            span,
            parent: mark,
            start,
            end: start + 1,
            service: 0,
            name: 0,
            flags: 0,
            kind: 0,
        }
    }

    /// The location of a row marked `mark`.
    fn loc(mark: u64) -> Loc {
        Loc {
            source: 0,
            offset: mark,
            index: 0,
        }
    }

    #[test]
    fn every_trace_lands_whole_in_one_partition_and_comes_back_sorted() {
        let bits = 3;
        // Each row marked with its place in the input.
        let mut rows: Vec<Row> = (0..200u64)
            .map(|i| row(u128::from(i % 17) << 64 | 5, i % 5, (i % 7) as i64, i))
            .collect();
        // Duplicates (same trace, start and span id), some of them Zipkin's shared halves: only
        // the last keys order them.
        for i in 0..40u64 {
            let mut r = row(u128::from(i % 3) << 64 | 5, 1, 2, 200 + i);
            r.flags = if i % 4 == 0 { SHARED } else { 0 };
            rows.push(r);
        }
        let locs: Vec<Loc> = rows.iter().map(|r| loc(r.parent)).collect();
        let mut all = Partitioned::new(bits);
        for (chunk, l) in rows.chunks(30).zip(locs.chunks(30)) {
            let mut b = Batch::of(chunk, l, bits);
            b.global(vec![0], vec![0], 1000);
            all.batches.push(b);
        }
        assert_eq!(all.len(), rows.len());
        let mut seen = Vec::new();
        let (mut buf, mut got_locs, mut scratch) = (Vec::new(), Vec::new(), Gather::default());
        let key = |r: &Row| (r.trace, r.start, r.span, r.flags & SHARED, r.parent);
        for p in 0..all.parts() {
            all.gather(p, &mut buf, &mut got_locs, &mut scratch);
            // The same order as one sort of the partition by trace, start, span, half, place.
            let mut want: Vec<_> = rows
                .iter()
                .filter(|r| part_of(r.trace, bits) == p)
                .map(key)
                .collect();
            want.sort();
            assert_eq!(buf.iter().map(key).collect::<Vec<_>>(), want);
            // Each location stays with its row, shifted by where its chunk starts.
            let marks: Vec<u64> = buf.iter().map(|r| r.parent + 1000).collect();
            let offsets: Vec<u64> = got_locs.iter().map(|l| l.offset).collect();
            assert_eq!(offsets, marks);
            for r in trace_ranges(&buf) {
                let t = buf[r.start].trace;
                assert!(buf[r].iter().all(|x| x.trace == t && part_of(t, bits) == p));
                assert!(!seen.contains(&t), "a trace split over partitions");
                seen.push(t);
            }
        }
        assert_eq!(seen.len(), 17);
        // Without locations, rows alone.
        let mut bare = Partitioned::new(bits);
        let mut b = Batch::of(&rows, &[], bits);
        b.global(vec![0], vec![0], 0);
        bare.batches.push(b);
        bare.gather(part_of(5, bits), &mut buf, &mut got_locs, &mut scratch);
        assert!(!buf.is_empty() && got_locs.is_empty());
        // 64-bit ids (the high half zero) spread too.
        let used: std::collections::HashSet<usize> =
            (1..1000u128).map(|t| part_of(t, bits)).collect();
        assert_eq!(used.len(), 8);
    }

    #[test]
    fn grouping_keeps_each_trace_whole_and_in_input_order() {
        let bits = 2;
        // Traces interleaved, rows of one trace spread over chunks, starts out of order.
        let rows: Vec<Row> = (0..300u64)
            .map(|i| row(u128::from(i * 7 % 23), i, (i * 13 % 17) as i64, i))
            .collect();
        let mut all = Partitioned::new(bits);
        for chunk in rows.chunks(37) {
            let mut b = Batch::of(chunk, &[], bits);
            b.global(vec![0], vec![0], 0);
            all.batches.push(b);
        }
        let (mut out, mut lens, mut scratch) = (Vec::new(), Vec::new(), Grouping::default());
        let mut seen = 0;
        for p in 0..all.parts() {
            all.group(p, &mut out, &mut lens, &mut scratch);
            let mine: Vec<&Row> = rows
                .iter()
                .filter(|r| part_of(r.trace, bits) == p)
                .collect();
            assert_eq!(out.len(), mine.len());
            assert_eq!(lens.iter().sum::<u32>() as usize, out.len());
            // Traces in the order of their first row; each one's rows in input order.
            let mut firsts: Vec<TraceId> = Vec::new();
            for r in &mine {
                if !firsts.contains(&r.trace) {
                    firsts.push(r.trace);
                }
            }
            assert_eq!(firsts.len(), lens.len());
            let mut from = 0;
            for (t, &n) in firsts.iter().zip(&lens) {
                let want: Vec<u64> = mine
                    .iter()
                    .filter(|r| r.trace == *t)
                    .map(|r| r.parent)
                    .collect();
                let got: Vec<u64> = out[from..from + n as usize]
                    .iter()
                    .map(|r| r.parent)
                    .collect();
                assert!(out[from..from + n as usize].iter().all(|r| r.trace == *t));
                assert_eq!(got, want);
                from += n as usize;
            }
            seen += out.len();
        }
        assert_eq!(seen, rows.len());
    }

    #[test]
    fn partition_bits_follow_input_size() {
        assert_eq!(bits_for(None), 8);
        assert_eq!(bits_for(Some(10)), 4);
        assert_eq!(bits_for(Some(300 << 20)), 8);
        assert_eq!(bits_for(Some(1 << 40)), 12);
    }
}
