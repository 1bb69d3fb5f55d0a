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
