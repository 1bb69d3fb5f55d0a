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

fn corpus(rel: &str) -> String {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/traces")
        .join(rel)
        .to_str()
        .expect("utf-8")
        .to_string()
}

#[test]
fn zipkin_pieces_merge_as_zipkin_merges_them_and_no_time_is_invented() {
    let sc = Scratch::new();
    let f = corpus("zipkin/smartthings-mobile-web-install.json");
    let r = sc.run(&["trace", "list", &f, "-f", "ndjson"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let t = &json_lines(&r.stdout)[0];
    // 84 pieces without a timestamp belong to spans that have one: no start in 1970.
    assert!(
        t["start"]
            .as_str()
            .expect("start")
            .starts_with("2018-11-30"),
        "{t}"
    );
    assert!(t["duration_ms"].as_f64().expect("ms") < 400_000.0, "{t}");
    let r = sc.run(&["trace", "export", &f, "--to", "jaeger"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let doc: Value = serde_json::from_str(&r.stdout).expect("json");
    let spans = doc["data"][0]["spans"].as_array().expect("spans");
    assert_eq!(spans.len(), 1041 - 84);
    let mut ids: Vec<&str> = spans
        .iter()
        .map(|s| s["spanID"].as_str().expect("id"))
        .collect();
    ids.sort_unstable();
    let n = ids.len();
    ids.dedup();
    assert_eq!(ids.len(), n, "every span id once, as Jaeger wants");
    assert!(spans.iter().all(|s| s["startTime"].as_i64() > Some(0)));
    // A span with no timestamp and no piece to take one from is left out, and said.
    sc.file(
        "lonely.json",
        r#"[{"traceId":"0000000000000001","id":"0000000000000002","name":"x","localEndpoint":{"serviceName":"a"}},
            {"traceId":"0000000000000001","id":"0000000000000003","name":"y","timestamp":1600000000000000,"duration":5,"localEndpoint":{"serviceName":"a"}}]"#,
    );
    let r = sc.run(&["trace", "list", "lonely.json", "-f", "ndjson"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.contains("1 Zipkin span without a timestamp"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.contains("2020-09-13"), "{}", r.stdout);
}

#[test]
fn a_shared_spans_server_half_keeps_its_tags_and_its_hop() {
    let sc = Scratch::new();
    let f = corpus("zipkin/yelp.json");
    let r = sc.run(&["trace", "show", &f, "a03ee8fff1dcd9b9", "-f", "ndjson"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let node = json_lines(&r.stdout)
        .into_iter()
        .find(|o| o["span_id"] == "668ed78ad94b35a1")
        .expect("node");
    let half = &node["server_half"];
    assert_eq!(half["service"], "yelp_main/api_proxy", "{node}");
    assert_eq!(half["attributes"].as_object().expect("tags").len(), 21);
    assert_eq!(half["events"].as_array().expect("annotation").len(), 1);
    let r = sc.run(&[
        "trace",
        "show",
        &f,
        "a03ee8fff1dcd9b9",
        "--width",
        "160",
        "--attributes",
    ]);
    assert!(
        r.stdout.contains("unknown → yelp_main/api_proxy"),
        "{}",
        r.stdout
    );
    let r = sc.run(&["trace", "deps", &f, "-f", "csv"]);
    let edges: Vec<&str> = r.lines();
    for hop in [
        "unknown,yelp_main/api_proxy,1",
        "yelp_main/api_proxy,yelp-main,2",
        "yelp-main,mobile_api,1",
        "mobile_api,spectre,1",
    ] {
        assert!(
            edges.iter().any(|e| e.starts_with(hop)),
            "{hop} missing: {edges:?}"
        );
    }
    assert!(
        !edges.iter().any(|e| e.starts_with("unknown,yelp-main")),
        "{edges:?}"
    );
    // Exported, the half is a span of its own under its client, as Jaeger makes it.
    let r = sc.run(&["trace", "export", &f, "--to", "jaeger"]);
    let doc: Value = serde_json::from_str(&r.stdout).expect("json");
    let spans = doc["data"][0]["spans"].as_array().expect("spans");
    assert_eq!(spans.len(), 16);
    let half = spans
        .iter()
        .find(|s| s["operationName"] == "post api proxy proxy")
        .expect("server half");
    assert_ne!(half["spanID"], "668ed78ad94b35a1");
    assert_eq!(half["references"][0]["spanID"], "668ed78ad94b35a1");
    assert_eq!(
        half["tags"].as_array().expect("tags").len(),
        21 + 1,
        "its tags and span.kind"
    );
}

#[test]
fn a_chain_of_a_hundred_thousand_spans_shows_in_linear_space() {
    let sc = Scratch::new();
    let n = 100_000usize;
    let mut text = String::with_capacity(n * 180);
    for i in 1..=n {
        let parent = if i > 1 {
            format!(r#","parent_span_id":"{:016x}""#, i - 1)
        } else {
            String::new()
        };
        text.push_str(&format!(
            concat!(
                r#"{{"trace_id":"0000000000000000000000000000abcd","span_id":"{:016x}"{}"#,
                r#","name":"op","service":"s","start_time":{},"duration_ms":{}}}"#,
                "\n"
            ),
            i,
            parent,
            1_714_550_000_000u64 + i as u64,
            n - i + 1
        ));
    }
    sc.file("chain.ndjson", text);
    let r = sc.run(&[
        "trace",
        "show",
        "chain.ndjson",
        "0000000000000000000000000000abcd",
        "--width",
        "100",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Every span on a line of bounded width: indentation stops at 16 levels, then the depth
    // is written out (it was 2 bytes a level: 10 GB for this chain).
    let lines = r.lines();
    assert!(lines.len() > n, "{}", lines.len());
    assert!(
        lines.iter().all(|l| l.chars().count() <= 100),
        "a line wider than --width"
    );
    assert!(
        r.stdout.contains("↳100000 "),
        "the deepest span says its depth"
    );
}
