//! `obs trace` on the spellings of "no parent" and on broken trees (cycles, odd times): what is
//! healthy passes `trace check`, and what is broken is named, never hidden.

use serde_json::Value;

use super::Scratch;

fn json_lines(s: &str) -> Vec<Value> {
    s.lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect()
}

/// A root and a child, the root's parent spelt `spelling` (a JSON fragment, or None: absent).
fn two_spans(spelling: Option<&str>) -> String {
    let parent = spelling.map_or(String::new(), |p| format!(r#","parent_span_id":{p}"#));
    format!(
        concat!(
            r#"{{"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7"{}"#,
            r#","name":"GET /pay","service":"gw","start_time":1714550000000,"duration_ms":20}}"#,
            "\n",
            r#"{{"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b8","#,
            r#""parent_span_id":"00f067aa0ba902b7","name":"charge","service":"pay","#,
            r#""start_time":1714550000005,"duration_ms":10}}"#,
            "\n"
        ),
        parent
    )
}

#[test]
fn every_spelling_of_no_parent_is_a_root() {
    for spelling in [
        Some("null"),
        Some(r#""""#),
        Some(r#""0000000000000000""#),
        Some(r#""  ""#),
        None,
    ] {
        let sc = Scratch::new();
        sc.file("spans.ndjson", two_spans(spelling));
        // Both the fast first pass and the general decoder (forced by an escape elsewhere).
        let escaped = two_spans(spelling).replace("GET /pay", "GET \\/pay");
        sc.file("escaped.ndjson", escaped);
        for file in ["spans.ndjson", "escaped.ndjson"] {
            let r = sc.run(&["trace", "check", file]);
            assert_eq!(r.code, 0, "{spelling:?} {file}: {} {}", r.stdout, r.stderr);
            let r = sc.run(&["trace", "list", file, "-f", "ndjson"]);
            assert_eq!(r.code, 0, "{}", r.stderr);
            let rows = json_lines(&r.stdout);
            assert_eq!(rows.len(), 1);
            assert_eq!(
                rows[0]["findings"],
                serde_json::json!([]),
                "{spelling:?}: {rows:?}"
            );
            assert_eq!(rows[0]["root"], "gw: GET /pay");
            let r = sc.run(&["trace", "export", file, "--to", "jaeger"]);
            assert_eq!(r.code, 0, "{}", r.stderr);
            assert!(
                !r.stdout.contains(r#""null""#),
                "{spelling:?}: {}",
                r.stdout
            );
            let r = sc.run(&["trace", "export", file, "--to", "otlp"]);
            assert_eq!(r.code, 0, "{}", r.stderr);
            assert!(
                !r.stdout.contains(r#""null""#),
                "{spelling:?}: {}",
                r.stdout
            );
        }
    }
}

fn span(id: &str, parent: Option<&str>, start: i64, end: i64) -> String {
    let parent = parent.map_or(String::new(), |p| format!(r#","parent_span_id":"{p}""#));
    format!(
        concat!(
            r#"{{"trace_id":"aaaa0000000000000000000000000001","span_id":"{}"{}"#,
            r#","name":"op-{}","service":"svc","start_time":{},"end_time":{}}}"#,
            "\n"
        ),
        id, parent, id, start, end
    )
}

#[test]
fn a_self_parent_is_a_cycle_and_spans_in_cycles_are_shown() {
    let sc = Scratch::new();
    let t = "aaaa0000000000000000000000000001";
    // A root, a span that is its own parent, and two spans parenting each other.
    let spans = [
        span(
            "0000000000000001",
            None,
            1_714_550_000_000,
            1_714_550_000_100,
        ),
        span(
            "0000000000000002",
            Some("0000000000000002"),
            1_714_550_000_010,
            1_714_550_000_020,
        ),
        span(
            "0000000000000003",
            Some("0000000000000004"),
            1_714_550_000_030,
            1_714_550_000_040,
        ),
        span(
            "0000000000000004",
            Some("0000000000000003"),
            1_714_550_000_050,
            1_714_550_000_060,
        ),
    ]
    .concat();
    sc.file("c.ndjson", spans);
    let r = sc.run(&["trace", "check", "c.ndjson", "-f", "ndjson"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    let kinds: Vec<String> = json_lines(&r.stdout)
        .iter()
        .map(|o| o["finding"].as_str().expect("kind").to_string())
        .collect();
    // One cycle holds all three; none of them is an orphan (a self-parent was one).
    assert_eq!(
        kinds.iter().filter(|k| *k == "cycle").count(),
        1,
        "{}",
        r.stdout
    );
    assert!(!kinds.iter().any(|k| k == "orphan"), "{}", r.stdout);
    assert!(
        r.stdout.contains("0000000000000002"),
        "the self-parent is in the cycle"
    );
    // Every span is shown, those in cycles too, once each.
    let r = sc.run(&["trace", "show", "c.ndjson", t, "-f", "ndjson"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut shown: Vec<String> = json_lines(&r.stdout)
        .iter()
        .map(|o| o["span_id"].as_str().expect("id").to_string())
        .collect();
    shown.sort();
    assert_eq!(shown.len(), 4, "{}", r.stdout);
    shown.dedup();
    assert_eq!(shown.len(), 4);
    let r = sc.run(&["trace", "show", "c.ndjson", t, "--width", "100"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for op in [
        "op-0000000000000002",
        "op-0000000000000003",
        "op-0000000000000004",
    ] {
        assert!(r.stdout.contains(op), "{op} missing from\n{}", r.stdout);
    }
}

#[test]
fn odd_times_are_findings_or_reasons_never_silently_changed() {
    let sc = Scratch::new();
    let spans = [
        span(
            "0000000000000001",
            None,
            1_714_550_000_000,
            1_714_550_000_100,
        ),
        // Ends 30 ms before it starts.
        span(
            "0000000000000002",
            Some("0000000000000001"),
            1_714_550_000_050,
            1_714_550_000_020,
        ),
    ]
    .concat();
    sc.file("b.ndjson", &spans);
    let r = sc.run(&["trace", "check", "b.ndjson", "-f", "ndjson"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stdout.contains("\"end-before-start\""), "{}", r.stdout);
    let r = sc.run(&["trace", "check", "b.ndjson", "--ignore", "end-before-start"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Export keeps the span's times as they were.
    let r = sc.run(&["trace", "export", "b.ndjson", "--to", "spans"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .contains(r#""end_time":"2024-05-01T07:53:20.020000000Z""#),
        "{}",
        r.stdout
    );
    let r = sc.run(&["trace", "export", "b.ndjson", "--to", "otlp"]);
    assert!(r.stdout.contains("1714550000020000000"), "{}", r.stdout);
    // Times past what obs holds are "out of range", not "no start time".
    sc.file(
        "far.ndjson",
        [
            span("0000000000000001", None, 1, 2).replace("\"start_time\":1,", "\"start_time\":1e20,"),
            r#"{"trace_id":"aaaa0000000000000000000000000002","span_id":"0000000000000003","name":"x","service":"s","start_time":"9999-01-01T00:00:00Z","duration_ms":1}"#.to_string() + "\n",
            r#"{"trace_id":"aaaa0000000000000000000000000002","span_id":"0000000000000004","name":"x","service":"s","start_time":"soon","duration_ms":1}"#.to_string() + "\n",
        ]
        .concat(),
    );
    let r = sc.run(&["trace", "list", "far.ndjson", "--rejects-reasons", "why"]);
    let why = sc.read("why");
    assert!(
        why.contains("far.ndjson:1: start time 1e+20 is out of range"),
        "{why}"
    );
    assert!(
        why.contains("far.ndjson:2: start time 9999-01-01T00:00:00Z is out of range"),
        "{why}"
    );
    assert!(
        why.contains("far.ndjson:3: start time soon is not a time"),
        "{why}"
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
}
