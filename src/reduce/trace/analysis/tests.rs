use super::*;
use crate::reduce::trace::collect::Spans;
use crate::reduce::trace::row::{Loc, Row};
use proptest::prelude::*;

/// The definition: interpolate between the two ranks around `(n - 1) * q` of sorted values.
fn by_sorting(values: &[i64], q: f64) -> f64 {
    let mut v = values.to_vec();
    v.sort_unstable();
    let pos = (v.len() - 1) as f64 * q;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    v[lo] as f64 + (v[hi] - v[lo]) as f64 * (pos - lo as f64)
}

proptest! {
    #[test]
    fn selected_quantiles_match_sorting(values in prop::collection::vec(-1000i64..1000, 1..300)) {
        let qs = [0.0, 0.3, 0.5, 0.5, 0.95, 0.99, 1.0];
        let mut work = values.clone();
        let got = quantiles(&mut work, qs);
        for (g, q) in got.iter().zip(qs) {
            prop_assert!((g - by_sorting(&values, q)).abs() < 1e-9, "q {}: {} vs {}", q, g, by_sorting(&values, q));
        }
    }
}

#[test]
fn a_group_counts_each_trace_once_and_each_span() {
    use super::super::partition::{Batch, Partitioned};
    use super::super::row::ERROR;
    // (trace, span, parent, start, end, operation, error)
    let spans = [
        (1, 1, 0, 0, 100, 0, false),
        (1, 2, 1, 10, 40, 0, true),
        (1, 3, 1, 30, 60, 0, false),
        (2, 4, 0, 0, 50, 0, false),
        (2, 5, 4, 5, 15, 1, false),
    ];
    let rows: Vec<Row> = spans
        .iter()
        .map(|&(trace, span, parent, start, end, name, error)| Row {
            trace,
            span,
            parent,
            start,
            end,
            service: 0,
            name,
            flags: if error { ERROR } else { 0 },
            kind: 0,
        })
        .collect();
    let mut all = Spans {
        rows: Partitioned::new(2),
        ..Spans::default()
    };
    all.services.code("svc");
    all.ops.code("charge");
    all.ops.code("lookup");
    let mut batch = Batch::of(&rows, &[], 2);
    batch.global(vec![0], vec![0, 1], 0);
    all.rows.batches.push(batch);
    let (groups, traces) = stats(&all, &[StatKey::Name]);
    assert_eq!(traces, 2);
    let charge = &groups[0];
    assert_eq!(charge.key, [0]);
    assert_eq!(
        (charge.durations.len(), charge.traces, charge.errors),
        (4, 2, 1)
    );
    // Span 1's children cover 10..60 of its 0..100; span 4's child 5..15 of 0..50.
    assert_eq!(charge.self_time, 50 + 30 + 30 + 40);
    assert_eq!((groups[1].durations.len(), groups[1].traces), (1, 1));
}

/// Spans of the rows, in batches of `chunk` rows, with `services` and `ops` names, and
/// with made-up locations when `located` (as the first pass keeps them for trees).
fn spans_of(rows: &[Row], chunk: usize, services: u32, ops: u32, located: bool) -> Spans {
    use super::super::partition::{Batch, Partitioned};
    let mut all = Spans {
        rows: Partitioned::new(2),
        ..Spans::default()
    };
    for s in 0..services {
        all.services.code(&format!("svc{s}"));
    }
    for o in 0..ops {
        all.ops.code(&format!("op{o}"));
    }
    let locs: Vec<Loc> = (0..rows.len() as u64)
        .filter(|_| located)
        .map(|offset| Loc {
            source: 0,
            offset,
            index: 0,
        })
        .collect();
    for (i, c) in rows.chunks(chunk).enumerate() {
        let l = locs.get(i * chunk..i * chunk + c.len()).unwrap_or_default();
        let mut batch = Batch::of(c, l, 2);
        batch.global((0..services).collect(), (0..ops).collect(), 0);
        all.rows.batches.push(batch);
    }
    all
}

proptest! {
    #[test]
    fn statistics_agree_with_the_trees(
        spans in prop::collection::vec(
            (0u128..5, 1u64..10, 0u64..12, 0i64..50, 0i64..40, 0u8..8, 0u32..2, 0u32..3),
            1..120,
        ),
        chunk in 1usize..40,
    ) {
        use super::super::row::{ERROR, SHARED};
        // Rows in any order of start, with repeated ids, shared halves, twins, orphans and
        // self-parents: statistics link them in input order, trees by start.
        let rows: Vec<Row> = spans
            .iter()
            .map(|&(trace, span, parent, start, len, bits, service, name)| Row {
                trace: trace + 1,
                span,
                parent: if parent < 2 { 0 } else { parent },
                start,
                end: start + len,
                service,
                name,
                flags: if bits & 1 != 0 { ERROR } else { 0 } | if bits & 2 != 0 { SHARED } else { 0 },
                kind: bits >> 2,
            })
            .collect();
        let by = [StatKey::Service, StatKey::Name];
        let (got, traces) = stats(&spans_of(&rows, chunk, 2, 3, false), &by);
        let built = Traces::build(spans_of(&rows, chunk, 2, 3, true), 0);
        prop_assert_eq!(traces, built.trees.len());
        // key → (sorted durations, errors, self time, traces)
        let mut want: std::collections::BTreeMap<Vec<u32>, (Vec<i64>, u64, i64, u64)> =
            std::collections::BTreeMap::new();
        for t in &built.trees {
            let rs = built.rows(t);
            let own = built.self_times(t);
            let mut met = std::collections::HashSet::new();
            for (r, s) in rs.iter().zip(own) {
                let e = want.entry(vec![r.service, r.name]).or_default();
                e.0.push(r.duration());
                e.1 += u64::from(r.is_error());
                e.2 += s;
                if met.insert((r.service, r.name)) {
                    e.3 += 1;
                }
            }
        }
        let got: std::collections::BTreeMap<Vec<u32>, (Vec<i64>, u64, i64, u64)> = got
            .into_iter()
            .map(|mut g| {
                g.durations.sort_unstable();
                (g.key, (g.durations, g.errors, g.self_time, g.traces))
            })
            .collect();
        for v in want.values_mut() {
            v.0.sort_unstable();
        }
        prop_assert_eq!(got, want);
    }
}

#[test]
fn quantiles_of_nothing_are_zero() {
    assert_eq!(quantiles(&mut [], [0.5]), [0.0]);
    assert_eq!(quantiles(&mut [7], [0.5, 0.99]), [7.0, 7.0]);
}
