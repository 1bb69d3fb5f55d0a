use super::number::{digit_count, leading_digits};
use super::*;
use proptest::prelude::*;

/// `trace_id` (slot 2) is marked as holding hex ids.
fn proj() -> Projection {
    let mut p = Projection::new(["a", "bb", "trace_id", "n"].map(String::from));
    p.mark_hex(2);
    p
}

/// What the hex reading of slot 2 must be: the value of a string of 8, 16, 24 or 32 hex
/// digits, when the fast path read the line.
fn expected_hex(slots: &CellSlots, taken: bool) -> Hex {
    match &slots.cells[2] {
        Some(Cell::Str(t))
            if taken
                && matches!(t.len(), 8 | 16 | 24 | 32)
                && t.bytes().all(|b| b.is_ascii_hexdigit()) =>
        {
            Hex {
                value: u128::from_str_radix(t, 16).expect("hex"),
                digits: t.len() as u8,
            }
        }
        _ => Hex::default(),
    }
}

/// What the serde route makes of a line.
fn serde_route(line: &[u8]) -> Result<Vec<Option<Cell<'_>>>, DecodeError> {
    let mut slots = Vec::new();
    decode_projected_as(line, &proj(), &mut slots).map(|()| slots)
}

/// The fast path's answer must be the serde route's whenever it gives one; `slots` carries
/// what earlier lines taught it.
fn agrees<'a>(line: &'a [u8], slots: &mut CellSlots<'a>) -> bool {
    agrees_through_shape(line, slots).0
}

/// [`agrees`], and whether the fast path read the line through the shape.
fn agrees_through_shape<'a>(line: &'a [u8], slots: &mut CellSlots<'a>) -> (bool, bool) {
    let want = serde_route(line);
    let hits = slots.shape.hits;
    let taken = scan(line, &proj(), slots);
    let shape = slots.shape.hits > hits;
    if taken {
        assert_eq!(
            want.as_ref().ok(),
            Some(&slots.cells),
            "{}",
            String::from_utf8_lossy(line)
        );
    }
    let got = decode_cells(line, &proj(), slots).map(|()| slots.cells.clone());
    assert_eq!(got, want);
    if got.is_ok() {
        assert_eq!(slots.hex(2), expected_hex(slots, taken));
    }
    (taken, shape)
}

#[test]
fn span_lines_take_the_fast_path() {
    let lines: [&[u8]; 5] = [
        br#"{"trace_id":"2ba16e19bce068f758fddf09af7d8c82","a":1764000000135,"bb":0.100,"attributes":{"http.status_code":200,"m":"UPI","x":[1,2.5e3,true,null,{}]},"n":null}"#,
        r#" { "a" : -12 , "bb" : "₹ 499 payée" , "n" : false } "#.as_bytes(),
        br#"{}"#,
        br#"{"a":"a long string that spans several eight-byte words","a":"last wins"}"#,
        br#"{"a":1023.299,"bb":-0.000100,"n":123456789012345.6,"x":0.1e1}"#,
    ];
    let mut slots = CellSlots::default();
    for line in lines {
        assert!(
            agrees(line, &mut slots),
            "{}",
            String::from_utf8_lossy(line)
        );
    }
}

#[test]
fn unsure_lines_go_the_serde_route() {
    let lines: [&[u8]; 12] = [
        br#"{"a":"esc\"aped"}"#,
        br#"{"a":{"nested":1}}"#,
        br#"{"a":-0}"#,
        br#"{"a":12345678901234567890}"#,
        br#"{"a":1e400}"#,
        br#"{"a":01}"#,
        br#"{"a":1.}"#,
        br#"{"a":"tab	inside"}"#,
        br#"{"a":1,}"#,
        br#"{"a":1} x"#,
        br#"[1]"#,
        b"{\"a\":\"\xff\"}",
    ];
    let mut slots = CellSlots::default();
    for line in lines {
        assert!(
            !agrees(line, &mut slots),
            "{}",
            String::from_utf8_lossy(line)
        );
    }
}

#[test]
fn hex_ids_are_read_on_the_way() {
    let lines: [&[u8]; 7] = [
        br#"{"trace_id":"4bf92f3577b34da6A3CE929D0E0E4736"}"#,
        br#"{"trace_id":"00f067aa0ba902b7","a":1}"#,
        br#"{"trace_id":"00f067aa0ba902b"}"#,
        br#"{"trace_id":"00f067aa0ba902b7 "}"#,
        br#"{"trace_id":12345678}"#,
        br#"{"trace_id":"00f067aa\u0030a902b7"}"#,
        br#"{"trace_id":"4bf92f3577b34da6a3ce929d0e0e47360"}"#,
    ];
    let mut slots = CellSlots::default();
    let read: Vec<(bool, u8)> = lines
        .iter()
        .map(|l| (agrees(l, &mut slots), slots.hex(2).digits))
        .collect();
    let fast = |digits| (true, digits);
    let escaped = (false, 0);
    let want = [
        fast(32),
        fast(16),
        fast(0),
        fast(0),
        fast(0),
        escaped,
        fast(0),
    ];
    assert_eq!(read, want);
}

#[test]
fn nested_keys_are_checked() {
    // The second line has the first's shape; the third and fourth differ from it only
    // where they must not be taken for it.
    let lines: [&[u8]; 5] = [
        br#"{"a":1,"attributes":{"http.status_code":200,"m":"UPI"}}"#,
        br#"{"a":2,"attributes":{"http.status_code":500,"m":"CARD"}}"#,
        br#"{"a":3,"attributes":{"http.status_code":200,"m\u0041":"x"}}"#,
        br#"{"a":4,"attributes":{"http.status_code":200,"m":"x}}"#,
        br#"{"a":5,"attributes":{"http.status_code":200,"m2":"x","m":{"m":1}}}"#,
    ];
    let mut slots = CellSlots::default();
    let taken: Vec<bool> = lines.iter().map(|l| agrees(l, &mut slots)).collect();
    assert_eq!(taken, [true, true, false, false, true]);
}

#[test]
fn a_line_keeps_nothing_of_the_one_before() {
    // Each line lacks a key the one before it had; the first goes the serde route.
    let lines: [&[u8]; 4] = [
        br#"{"a":"esc\"aped","n":1}"#,
        br#"{"n":2,"bb":"x"}"#,
        br#"{"n":3}"#,
        br#"{}"#,
    ];
    let mut slots = CellSlots::default();
    for line in lines {
        agrees(line, &mut slots);
    }
}

/// Scalars of every kind, escapes included.
fn atom() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("null".to_string()),
        Just("true".to_string()),
        Just("false".to_string()),
        any::<i64>().prop_map(|i| i.to_string()),
        any::<u64>().prop_map(|u| u.to_string()),
        any::<f64>().prop_map(|f| format!("{f:e}")),
        (any::<i32>(), 0u32..20).prop_map(|(i, e)| format!("{i}.{e}e-{e}")),
        r"-?(0|[1-9][0-9]{0,21})(\.[0-9]{1,20})?([eE][+-]?[0-9]{1,3})?",
        // Decimals short enough for the exact division.
        r"-?(0|[1-9][0-9]{0,8})\.[0-9]{1,8}",
        r#""[a-z₹é .:@-]{0,30}""#,
        // Ids: hex digits, of id widths and near them.
        r#""[0-9a-fA-F]{0,34}[g ]?""#,
        r#""([a-z₹é ]|\\["\\/bfnrt]|\\u00e9){0,12}""#,
        // What makes a line invalid only where a full decode looks: lone or paired
        // surrogates, numbers beyond an f64, integers longer than u64.
        r#""x?(\\ud[89ab][0-9a-f]{2})?(\\ud[c-f][0-9a-f]{2})?""#,
        r"-?[1-9](\.[0-9])?[eE]\+?3[0-9]{2}",
        r"[1-9][0-9]{300,320}",
    ]
}

/// A value nested `depth` deep, around the limit of a valid line.
fn deep() -> impl Strategy<Value = String> {
    (120usize..136, prop::bool::ANY).prop_map(|(depth, arrays)| {
        if arrays {
            format!("{}1{}", "[".repeat(depth), "]".repeat(depth))
        } else {
            format!("{}1{}", "{\"x\":".repeat(depth), "}".repeat(depth))
        }
    })
}

/// Lines with hostile values among ordinary ones.
fn hostile_line() -> impl Strategy<Value = String> {
    let value = prop_oneof![6 => atom(), 2 => tree(), 1 => deep()];
    prop::collection::vec((KEY, value), 0..5).prop_map(|kv| {
        let body: Vec<String> = kv.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
        format!("{{{}}}", body.join(","))
    })
}

/// The projections a stage may ask for: none (`--validate`), some, all of a line's keys.
fn projections() -> [Projection; 4] {
    [
        Projection::default(),
        Projection::new(["a".to_string()]),
        Projection::new(["x", "n"].map(String::from)),
        proj(),
    ]
}

/// Whether a line is valid must not depend on what is read of it: every projection, on
/// the fast path or the serde route, accepts exactly the lines a full decode accepts.
fn validity_is_the_full_decodes(line: &str) -> Result<(), TestCaseError> {
    let want = super::super::json::decode_full(line.as_bytes()).is_ok();
    for proj in projections() {
        let mut cells = CellSlots::default();
        let mut values = Vec::new();
        // Twice: the second read may go through the shape the first taught.
        for _ in 0..2 {
            let got = decode_values(line.as_bytes(), &proj, &mut cells, &mut values).is_ok();
            prop_assert_eq!(got, want, "{} with {} keys", line, proj.len());
        }
        let mut slots = Vec::new();
        let got = decode_projected(line.as_bytes(), &proj, &mut slots).is_ok();
        prop_assert_eq!(got, want, "serde route: {}", line);
    }
    Ok(())
}

proptest! {
    #[test]
    fn a_lines_validity_does_not_depend_on_the_query(line in hostile_line()) {
        validity_is_the_full_decodes(&line)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(100_000))]
    /// The fuzzing run of the line decoder (cargo fuzz needs a nightly toolchain, which
    /// cannot be fetched here): `cargo test --release -- --ignored fuzz_`.
    #[test]
    #[ignore]
    fn fuzz_line_decoder_validity_and_values(
        line in hostile_line(),
        at in any::<prop::sample::Index>(),
        byte in mutation(),
    ) {
        validity_is_the_full_decodes(&line)?;
        let bad = String::from_utf8_lossy(&mutated(&line, at, byte)).into_owned();
        validity_is_the_full_decodes(&bad)?;
        let mut slots = CellSlots::default();
        agrees(line.as_bytes(), &mut slots);
        agrees(bad.as_bytes(), &mut slots);
    }
}

/// Keys: projected ones and others.
const KEY: &str = "(a|bb|n|x|trace_id)";

/// Arrays and objects of scalars, nested.
fn tree() -> impl Strategy<Value = String> {
    atom().prop_recursive(3, 24, 4, move |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..4).prop_map(|v| format!("[{}]", v.join(","))),
            prop::collection::vec((KEY, inner), 0..4).prop_map(|kv| {
                let body: Vec<String> = kv.iter().map(|(k, v)| format!("\"{k}\":{v}")).collect();
                format!("{{{}}}", body.join(","))
            }),
        ]
    })
}

/// Valid lines: flat and nested, with every kind of scalar, escapes included.
fn line() -> impl Strategy<Value = String> {
    // Projected values are mostly scalars, as in logs; the fast path declines trees.
    let value = prop_oneof![4 => atom(), 1 => tree()];
    prop::collection::vec((KEY, "[ \t\r\n]?", value), 0..6).prop_map(|kv| {
        let body: Vec<String> = kv
            .iter()
            .map(|(k, s, v)| format!("\"{k}\"{s}:{s}{v}"))
            .collect();
        format!("{{{}}}", body.join(","))
    })
}

#[test]
fn a_line_too_large_to_learn_leaves_the_shapes_learnt() {
    let long = format!(r#"{{"a":1,"x":"{}"}}"#, "y".repeat(70_000));
    let lines = [r#"{"a":1,"n":2}"#, &long, r#"{"a":3,"n":4}"#];
    let mut slots = CellSlots::default();
    let read: Vec<(bool, bool)> = lines
        .iter()
        .map(|l| agrees_through_shape(l.as_bytes(), &mut slots))
        .collect();
    assert_eq!(read, [(true, false), (true, false), (true, true)]);
}

/// The members of a line with its scalar values left open (`None`), and trees fixed.
type Members = Vec<(String, String, Option<String>)>;

/// Lines of one shape: members, and three sets of scalars to fill them with.
fn shaped() -> impl Strategy<Value = (Members, [Vec<String>; 3])> {
    let value = prop_oneof![4 => Just(None), 1 => tree().prop_map(Some)];
    let members = prop::collection::vec((KEY, "[ \t]?", value), 0..6);
    let atoms = || prop::collection::vec(atom(), 6);
    (members, [atoms(), atoms(), atoms()])
}

/// `members` filled in with `atoms`.
fn render(members: &[(String, String, Option<String>)], atoms: &[String]) -> String {
    let body: Vec<String> = members
        .iter()
        .zip(atoms)
        .map(|((k, s, tree), atom)| format!("\"{k}\"{s}:{s}{}", tree.as_ref().unwrap_or(atom)))
        .collect();
    format!("{{{}}}", body.join(","))
}

#[test]
fn lines_of_a_learnt_shape_are_read_through_it() {
    // Spans with a parent and root spans without one, alternating; then a line of
    // neither shape, one of the root shape, and one whose value the fast path declines.
    let child = |id: &str, amount: &str| {
        format!(
            r#"{{"trace_id":"{id}","a":1764000000135,"bb":"OK","attributes":{{"http.status_code":200,"amount":{amount}}},"n":"{id}"}}"#
        )
    };
    let root = |id: &str| {
        format!(
            r#"{{"trace_id":"{id}","a":17,"bb":"ERROR","attributes":{{"http.status_code":502,"amount":1.5}}}}"#
        )
    };
    let lines = [
        child("2ba16e19bce068f758fddf09af7d8c82", "16120.91"),
        root("00f067aa0ba902b7"),
        child("35ef475190cda737", "0.5"),
        child("35ef475190cda737", "7"),
        root("4bf92f3577b34da6a3ce929d0e0e4736"),
        child("x", "-3e2"),
        r#"{"trace_id":"x","a":1,"bb":"OK","attributes":{"http.status_code":200}}"#.to_string(),
        r#"{"trace_id":"x","a":1,"bb":"OK","attributes":{"http.status_code":200,"amount":1.5}}"#
            .to_string(),
        child("x", r#""esc\u0061ped""#),
    ];
    let mut slots = CellSlots::default();
    let read: Vec<(bool, bool)> = lines
        .iter()
        .map(|l| agrees_through_shape(l.as_bytes(), &mut slots))
        .collect();
    // Two shapes where the text before a value in one is that text and a space in the
    // other: a line of the second is not taken for the first.
    let spaced = [r#"{"a":1,"n":2}"#, r#"{"a": 1,"n":2}"#, r#"{"a": 3,"n":4}"#];
    let mut slots = CellSlots::default();
    let spaced: Vec<(bool, bool)> = spaced
        .iter()
        .map(|l| agrees_through_shape(l.as_bytes(), &mut slots))
        .collect();
    let (shape, full, declined) = ((true, true), (true, false), (false, false));
    // The root line is learnt as a second form; a child line leaves it where the two
    // differ and goes on in the child form. So does the last line of the first form.
    assert_eq!(
        read,
        [full, full, shape, shape, shape, shape, full, shape, declined]
    );
    assert_eq!(spaced, [full, full, shape]);
}
/// A byte that often breaks a line, or changes what it means.
fn mutation() -> impl Strategy<Value = u8> {
    prop::sample::select(b"\"\\{}[],:-.0e+ \t\x01\xffntfx".to_vec())
}

/// `line` with the byte `at` replaced by `byte`: a near miss.
fn mutated(line: &str, at: prop::sample::Index, byte: u8) -> Vec<u8> {
    let mut bad = line.as_bytes().to_vec();
    if !bad.is_empty() {
        let i = at.index(bad.len());
        bad[i] = byte;
    }
    bad
}

proptest! {
    #[test]
    fn digits_are_read_eight_at_a_time(
        bytes in prop::collection::vec(
            prop_oneof![4 => b'0'..=b'9', 1 => any::<u8>()],
            8,
        )
    ) {
        let w = u64::from_le_bytes(bytes.as_slice().try_into().expect("8 bytes"));
        let n = bytes.iter().take_while(|b| b.is_ascii_digit()).count();
        let value = bytes[..n].iter().fold(0, |m, &d| m * 10 + u64::from(d - b'0'));
        prop_assert_eq!(leading_digits(w), (n, value));
        prop_assert_eq!(digit_count(w), n);
    }

    #[test]
    fn values_agree_with_serde(
        line in line(),
        at in any::<prop::sample::Index>(),
        byte in mutation(),
    ) {
        let bad = mutated(&line, at, byte);
        let lines = [line.as_bytes(), &bad, line.as_bytes(), b"{}"];
        let (mut cells, mut got) = (CellSlots::default(), Vec::new());
        for l in lines {
            let mut want = Vec::new();
            let want = decode_projected(l, &proj(), &mut want).map(|()| want);
            let result = decode_values(l, &proj(), &mut cells, &mut got);
            prop_assert_eq!(result.map(|()| got.clone()), want);
        }
    }

    #[test]
    fn lines_of_learnt_shapes_agree_with_serde(
        (members, atoms) in shaped(),
        order in prop::collection::vec((0usize..3, 0usize..3), 1..12),
        at in any::<prop::sample::Index>(),
        byte in mutation(),
    ) {
        let [a, b, _] = atoms.each_ref().map(|v| render(&members, v));
        let bad = mutated(&b, at, byte);
        let mut slots = CellSlots::default();
        let (learnt, _) = agrees_through_shape(a.as_bytes(), &mut slots);
        let (taken, shape) = agrees_through_shape(b.as_bytes(), &mut slots);
        // A line of the learnt shape is read through it, unless a value is declined.
        prop_assert!(!learnt || taken == shape);
        // Near misses of a learnt shape: a byte changed, a line that goes on after it.
        let mut slots = CellSlots::default();
        agrees(a.as_bytes(), &mut slots);
        agrees(&bad, &mut slots);
        let mut slots = CellSlots::default();
        agrees(a.as_bytes(), &mut slots);
        agrees(format!("{b}{b}").as_bytes(), &mut slots);
        // Three shapes that share their first or last members, lines of each in any
        // order, with other values.
        let n = members.len();
        let shapes = [&members[..], &members[..n.saturating_sub(1)], &members[n.min(1)..]];
        let lines: Vec<String> = order
            .iter()
            .map(|&(shape, values)| render(shapes[shape], &atoms[values]))
            .collect();
        let mut slots = CellSlots::default();
        for line in &lines {
            agrees(line.as_bytes(), &mut slots);
        }
    }

    #[test]
    fn fast_path_agrees_with_serde(
        line in line(),
        cut in any::<prop::sample::Index>(),
        at in any::<prop::sample::Index>(),
        byte in mutation(),
    ) {
        // Near misses: every prefix of a line, and the line with one byte changed, read
        // after the line itself so that the remembered key order is put to the test.
        let bad = mutated(&line, at, byte);
        let mut slots = CellSlots::default();
        agrees(line.as_bytes(), &mut slots);
        agrees(&line.as_bytes()[..cut.index(line.len() + 1)], &mut slots);
        agrees(&bad, &mut slots);
        agrees(line.as_bytes(), &mut slots);
    }
}
