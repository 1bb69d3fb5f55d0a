use super::*;
use crate::reduce::trace::finding::FindingKind;

fn row(span: u64, parent: u64, start: i64, end: i64) -> Row {
    Row {
        trace: 1,
        span,
        parent,
        start,
        end,
        service: 0,
        name: 0,
        flags: 0,
        kind: 0,
    }
}

#[test]
fn finds_orphans_duplicates_cycles_and_skew() {
    let mut rows = vec![
        row(1, 0, 0, 100),
        row(2, 1, 10, 50),
        row(3, 9, 20, 30), // orphan
        row(2, 1, 60, 70), // duplicate
        row(4, 5, 0, 1),   // cycle 4 <-> 5
        row(5, 4, 0, 1),
        row(6, 1, -5, 120), // skew both ways
    ];
    rows.sort_unstable_by_key(|r| (r.trace, r.start, r.span));
    let mut links = Links::default();
    let t = build(&rows, 0, 0..rows.len(), 0, &mut links);
    let kinds: Vec<&str> = t.findings.iter().map(|f| f.kind().name()).collect();
    assert!(kinds.contains(&"orphan"), "{kinds:?}");
    assert!(kinds.contains(&"duplicate"));
    assert!(t.findings.contains(&Finding::Cycle(vec![4, 5])));
    assert!(t.findings.contains(&Finding::Skew {
        span: 6,
        parent: 1,
        early: 5,
        late: 20
    }));
    let t = build(&rows, 0, 0..rows.len(), 50, &mut links);
    assert!(
        !t.findings.iter().any(|f| f.kind() == FindingKind::Skew),
        "within tolerance"
    );
}

#[test]
fn self_time_subtracts_the_union_of_children() {
    assert_eq!(
        self_time(0, 100, [(10, 30), (20, 40), (90, 150)].into_iter()),
        100 - 30 - 10
    );
    assert_eq!(self_time(0, 100, std::iter::empty()), 100);
}

/// Linking by the definition, in quadratic time: the earliest row (by start, then place)
/// with an id that is not a shared half owns it, else the earliest shared half;
/// shared halves and client/server twins of the owner fold into it; other rows with the id
/// are duplicates, reported in id order.
fn link_by_definition(rs: &[Row]) -> (Vec<Option<u32>>, Vec<bool>, Vec<u32>, Vec<Finding>) {
    let n = rs.len();
    let owner = |id: SpanId| {
        let all: Vec<usize> = (0..n).filter(|&k| rs[k].span == id).collect();
        let earliest = |ks: Vec<usize>| ks.into_iter().min_by_key(|&k| (rs[k].start, k));
        let plain: Vec<usize> = all
            .iter()
            .copied()
            .filter(|&k| rs[k].flags & SHARED == 0)
            .collect();
        earliest(plain).or_else(|| earliest(all))
    };
    let merged: Vec<bool> = (0..n)
        .map(|k| {
            let o = owner(rs[k].span).expect("own id");
            o != k && (rs[k].flags & SHARED != 0 || is_rpc_pair(&rs[o], &rs[k]))
        })
        .collect();
    let mut ids: Vec<SpanId> = rs.iter().map(|r| r.span).collect();
    ids.sort_unstable();
    ids.dedup();
    let mut findings = Vec::new();
    for id in ids {
        let o = owner(id).expect("present");
        let extra = (0..n)
            .filter(|&k| rs[k].span == id && k != o && !merged[k])
            .count();
        if extra > 0 {
            findings.push(Finding::Duplicate {
                span: id,
                count: extra + 1,
            });
        }
    }
    let mut parent = vec![None; n];
    let mut orphans = Vec::new();
    for k in (0..n).filter(|&k| !merged[k] && rs[k].parent != 0) {
        match owner(rs[k].parent) {
            Some(p) if p != k => parent[k] = Some(p as u32),
            // Its own parent: a cycle of one, found by the tree, not an orphan.
            Some(_) => {}
            None => {
                orphans.push(k as u32);
                findings.push(Finding::Orphan {
                    span: rs[k].span,
                    parent: rs[k].parent,
                });
            }
        }
    }
    (parent, merged, orphans, findings)
}

proptest::proptest! {
    #[test]
    fn links_agree_with_the_definition(
        spans in proptest::collection::vec(
            (1u64..12, 0u64..14, proptest::bool::weighted(0.2), 0u8..6, 0i64..6),
            1..40,
        )
    ) {
        // Few ids, so that repeats, shared halves, twins, orphans and self-parents are
        // common; wide ones too, so that the table's probing is exercised. Rows come in
        // any order of start, with ties (which their places decide).
        let rs: Vec<Row> = spans
            .iter()
            .enumerate()
            .map(|(i, &(span, parent, shared, kind, start))| {
                let wide = |x: u64| if i % 2 == 0 { x } else { x.wrapping_mul(0x1000_0000_0001) };
                let mut r = row(wide(span), if parent < 2 { 0 } else { wide(parent) }, start, 100);
                r.flags = if shared { SHARED } else { 0 };
                r.kind = kind;
                r
            })
            .collect();
        let mut links = Links::default();
        links.link(&rs);
        let (parent, merged, orphans, findings) = link_by_definition(&rs);
        proptest::prop_assert_eq!(&links.parent, &parent);
        proptest::prop_assert_eq!(&links.merged, &merged);
        proptest::prop_assert_eq!(&links.orphans, &orphans);
        let got: Vec<&Finding> = links
            .findings
            .iter()
            .filter(|f| matches!(f, Finding::Duplicate { .. } | Finding::Orphan { .. }))
            .collect();
        proptest::prop_assert_eq!(got, findings.iter().collect::<Vec<_>>());
    }
}
