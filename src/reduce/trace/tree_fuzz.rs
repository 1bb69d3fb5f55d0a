//! Fuzzing the trace builder with proptest (`cargo fuzz` needs a nightly toolchain, which
//! cannot be installed here): whatever the rows (repeated ids, self-parents, cycles, shared
//! halves, ends before starts, extreme times), building a tree never panics, every span is
//! placed exactly once (a root, an orphan, a child, or in a cycle), pre-order visits each span
//! once, and the critical path and self times stay inside the trace. The 100k-case run is
//! ignored by default: `cargo test --lib -- --ignored fuzz_`.

use proptest::prelude::*;

use super::row::{Row, SHARED};
use super::tree::{build, self_time, Finding, Links};

fn rows() -> impl Strategy<Value = Vec<Row>> {
    let time = prop_oneof![
        8 => 0i64..1_000,
        1 => Just(i64::MIN / 2),
        1 => Just(i64::MAX / 2),
    ];
    prop::collection::vec(
        (
            1u64..10,
            0u64..12,
            prop::bool::weighted(0.2),
            0u8..6,
            time.clone(),
            time,
        ),
        1..60,
    )
    .prop_map(|spans| {
        let mut rs: Vec<Row> = spans
            .into_iter()
            .map(|(span, parent, shared, kind, start, end)| Row {
                trace: 7,
                span,
                parent: if parent < 2 { 0 } else { parent },
                start,
                end: end.max(start),
                flags: if shared { SHARED } else { 0 },
                kind,
                ..Row::default()
            })
            .collect();
        // A tree is built over rows by start time, then span id.
        rs.sort_by_key(|r| (r.start, r.span));
        rs
    })
}

fn builds_a_whole_tree(rs: &[Row]) -> Result<(), TestCaseError> {
    let mut links = Links::default();
    let tree = build(rs, 0, 0..rs.len(), 0, &mut links);
    let n = rs.len();
    let mut seen = vec![0u32; n];
    for k in tree.preorder() {
        seen[k as usize] += 1;
    }
    let cyclic: Vec<u64> = tree
        .findings
        .iter()
        .filter_map(|f| match f {
            Finding::Cycle(ids) => Some(ids.clone()),
            _ => None,
        })
        .flatten()
        .collect();
    for k in 0..n {
        if tree.merged[k] {
            prop_assert_eq!(seen[k], 0, "a folded half is no node of its own");
            continue;
        }
        prop_assert_eq!(seen[k], 1, "row {} is visited once", k);
        let placed = tree.roots.contains(&(k as u32))
            || tree.orphans.contains(&(k as u32))
            || tree.parent[k].is_some();
        prop_assert!(
            placed || cyclic.contains(&rs[k].span),
            "row {} has no place",
            k
        );
        // Unreachable from the tops (depth 0) only when a cycle finding names its id (which
        // another row, a duplicate, may share: the converse holds for ids, not rows).
        if tree.depth[k] == 0 {
            prop_assert!(cyclic.contains(&rs[k].span), "row {} hangs nowhere", k);
        }
        let kids = tree.children[k]
            .iter()
            .map(|&c| (rs[c as usize].start, rs[c as usize].end));
        let own = self_time(rs[k].start, rs[k].end, kids);
        prop_assert!((0..=rs[k].end - rs[k].start).contains(&own));
    }
    Ok(())
}

proptest! {
    #[test]
    fn any_rows_build_a_tree_with_every_span_once(rs in rows()) {
        builds_a_whole_tree(&rs)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(100_000))]
    #[test]
    #[ignore]
    fn fuzz_trace_builder(rs in rows()) {
        builds_a_whole_tree(&rs)?;
    }
}
