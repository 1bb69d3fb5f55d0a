//! `obs trace` against other people's definitions of correct (jaeger-ui's critical path cases,
//! Jaeger's storage queries, OTLP→Jaeger conversion pairs, Zipkin traces), plus hand-built cases
//! for findings, traceparent, logs and round trips.

use std::collections::{BTreeSet, HashMap};
use std::path::PathBuf;

use serde_json::{json, Value};

use super::{obs, Scratch};

fn data(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/traces")
        .join(rel)
}

fn json_lines(s: &str) -> Vec<Value> {
    s.lines()
        .map(|l| serde_json::from_str(l).expect("json line"))
        .collect()
}

fn path_str(p: &std::path::Path) -> String {
    p.to_str().expect("utf-8 path").to_string()
}

#[test]
fn critical_path_matches_jaeger_ui_cases() {
    let sc = Scratch::new();
    let cases: Vec<Value> = serde_json::from_str(
        &std::fs::read_to_string(data("critical_path_cases.json")).expect("read"),
    )
    .expect("json");
    assert_eq!(cases.len(), 9);
    for c in cases {
        let name = c["name"].as_str().expect("name");
        let f = sc.file(
            &format!("{name}.json"),
            serde_json::to_string_pretty(&c["trace"]).expect("ser"),
        );
        let id = c["trace"]["traceID"].as_str().expect("id");
        let r = obs(
            sc.path(),
            &["trace", "show", &path_str(&f), id, "-f", "ndjson"],
        );
        assert_eq!(r.code, 0, "{name}: {}", r.stderr);
        let mut got: Vec<(i64, i64, String)> = Vec::new();
        for o in json_lines(&r.stdout) {
            for sec in o["critical_path_ns"].as_array().expect("sections") {
                let (s, e) = (sec[0].as_i64().expect("s"), sec[1].as_i64().expect("e"));
                got.push((
                    s / 1000,
                    e / 1000,
                    o["span_id"].as_str().expect("span").to_string(),
                ));
            }
        }
        // Sections are disjoint in time, so latest-first order is by start, descending.
        got.sort_by_key(|s| std::cmp::Reverse(s.0));
        let want: Vec<(i64, i64, String)> = c["expected_critical_path_sections"]
            .as_array()
            .expect("expected")
            .iter()
            .map(|s| {
                (
                    s["sectionStart"].as_i64().expect("start"),
                    s["sectionEnd"].as_i64().expect("end"),
                    s["spanID"].as_str().expect("span").to_string(),
                )
            })
            .collect();
        assert_eq!(got, want, "{name}");
    }
}

fn ms_of(rfc3339: &str) -> f64 {
    chrono::DateTime::parse_from_rfc3339(rfc3339)
        .expect("time")
        .timestamp_micros() as f64
        / 1000.0
}

fn literal(v: &Value) -> String {
    match v {
        Value::String(s) => serde_json::to_string(s).expect("ser"),
        other => other.to_string(),
    }
}

#[test]
fn list_where_any_answers_jaeger_storage_queries() {
    let dir = data("jaeger-integration/traces");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("dir")
        .map(|e| e.expect("entry").path())
        .collect();
    files.sort();
    let sc = Scratch::new();
    // trace id -> fixture name
    let mut fixture: HashMap<u128, String> = HashMap::new();
    for f in &files {
        let r = obs(sc.path(), &["trace", "list", &path_str(f), "-f", "ndjson"]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        for o in json_lines(&r.stdout) {
            let id = u128::from_str_radix(o["trace_id"].as_str().expect("id"), 16).expect("hex");
            fixture.insert(
                id,
                f.file_stem().expect("stem").to_string_lossy().into_owned(),
            );
        }
    }
    let mut queries: Vec<(Value, bool)> = Vec::new();
    for (file, es) in [("queries.json", false), ("queries_es.json", true)] {
        let qs: Vec<Value> = serde_json::from_str(
            &std::fs::read_to_string(data(&format!("jaeger-integration/{file}"))).expect("read"),
        )
        .expect("json");
        queries.extend(qs.into_iter().map(|q| (q, es)));
    }
    assert_eq!(queries.len(), 27);
    let file_args: Vec<String> = files.iter().map(|f| path_str(f)).collect();
    for (q, es) in queries {
        let query = &q["Query"];
        let mut conds = Vec::new();
        if let Some(s) = query["ServiceName"].as_str().filter(|s| !s.is_empty()) {
            conds.push(format!("service={}", literal(&json!(s))));
        }
        if let Some(s) = query["OperationName"].as_str().filter(|s| !s.is_empty()) {
            conds.push(format!("name={}", literal(&json!(s))));
        }
        if let Some(tags) = query["Tags"].as_object() {
            for (k, v) in tags {
                // Elasticsearch reads tag values as regular expressions.
                if es {
                    let re = format!("^(?:{})$", v.as_str().expect("es tags are strings"));
                    conds.push(format!("{k}~~={}", literal(&json!(re))));
                } else {
                    conds.push(format!("{k}={}", literal(v)));
                }
            }
        }
        conds.push(format!(
            "start_ms>={}",
            ms_of(query["StartTimeMin"].as_str().expect("min"))
        ));
        conds.push(format!(
            "start_ms<={}",
            ms_of(query["StartTimeMax"].as_str().expect("max"))
        ));
        if let Some(d) = query["DurationMin"].as_i64().filter(|&d| d > 0) {
            conds.push(format!("duration>={d}ns"));
        }
        if let Some(d) = query["DurationMax"].as_i64().filter(|&d| d > 0) {
            conds.push(format!("duration<={d}ns"));
        }
        let expr = format!("any({})", conds.join(" and "));
        let top = query["NumTraces"].as_i64().expect("n").to_string();
        let mut args = vec!["trace", "list"];
        args.extend(file_args.iter().map(String::as_str));
        args.extend(["--where", &expr, "-f", "ndjson", "--top", &top]);
        let r = obs(sc.path(), &args);
        assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
        let got: BTreeSet<String> = json_lines(&r.stdout)
            .iter()
            .map(|o| {
                fixture
                    [&u128::from_str_radix(o["trace_id"].as_str().expect("id"), 16).expect("hex")]
                    .clone()
            })
            .collect();
        let want: BTreeSet<String> = q["ExpectedFixtures"]
            .as_array()
            .map(|a| {
                a.iter()
                    .map(|v| v.as_str().expect("name").to_string())
                    .collect()
            })
            .unwrap_or_default();
        assert_eq!(got, want, "{}: {expr}", q["Caption"]);
    }
}

/// A Jaeger document as comparable span descriptions (tags as sets; the older `otel.library.*`
/// tag names read as today's `otel.scope.*`).
fn jaeger_spans(doc: &Value) -> Vec<String> {
    let mut out = Vec::new();
    for t in doc["data"].as_array().expect("data") {
        for s in t["spans"].as_array().expect("spans") {
            let p = &t["processes"][s["processID"].as_str().expect("pid")];
            let tagset = |v: &Value| -> BTreeSet<String> {
                v.as_array()
                    .map(|a| {
                        a.iter()
                            .map(|x| {
                                let k = x["key"]
                                    .as_str()
                                    .expect("key")
                                    .replace("otel.library.", "otel.scope.");
                                format!("{k}:{}:{}", x["type"], x["value"])
                            })
                            .collect()
                    })
                    .unwrap_or_default()
            };
            let refs: Vec<String> = s["references"]
                .as_array()
                .expect("refs")
                .iter()
                .map(|r| format!("{}:{}:{}", r["refType"], r["traceID"], r["spanID"]))
                .collect();
            let logs: Vec<String> = s["logs"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .map(|l| format!("{}:{:?}", l["timestamp"], tagset(&l["fields"])))
                        .collect()
                })
                .unwrap_or_default();
            out.push(format!(
                "{} {} {} {refs:?} {} {} {:?} {logs:?} {} {:?}",
                t["traceID"],
                s["spanID"],
                s["operationName"],
                s["startTime"],
                s["duration"],
                tagset(&s["tags"]),
                p["serviceName"],
                tagset(&p["tags"])
            ));
        }
    }
    out.sort();
    out
}

#[test]
fn otlp_to_jaeger_matches_jaegers_conversions() {
    let sc = Scratch::new();
    for (input, expected) in [
        ("otlp2jaeger-in.json", "otlp2jaeger-out.json"),
        (
            "otlp2jaeger-multi-in.json.txt",
            "oltp2jaeger-multi-out.json",
        ),
        (
            "otlp2jaeger-multi-in-combined.json",
            "oltp2jaeger-multi-out.json",
        ),
        ("query_otlp2jaeger-in.json", "query_otlp2jaeger-out.json"),
    ] {
        let r = obs(
            sc.path(),
            &[
                "trace",
                "export",
                &path_str(&data(&format!("otlp2jaeger/{input}"))),
                "--to",
                "jaeger",
            ],
        );
        assert_eq!(r.code, 0, "{input}: {}", r.stderr);
        let got: Value = serde_json::from_str(&r.stdout).expect("jaeger json");
        let want: Value = serde_json::from_str(
            &std::fs::read_to_string(data(&format!("otlp2jaeger/{expected}"))).expect("read"),
        )
        .expect("json");
        assert_eq!(jaeger_spans(&got), jaeger_spans(&want), "{input}");
    }
}

#[test]
fn round_trips_keep_ids_times_attributes_events_and_status() {
    let sc = Scratch::new();
    // Jaeger keeps microseconds: start from spans that went through Jaeger JSON once.
    let src = path_str(&data("otlp2jaeger/otlp2jaeger-multi-in-combined.json"));
    let j0 = obs(sc.path(), &["trace", "export", &src, "--to", "jaeger"]);
    sc.file("j0.json", &j0.stdout);
    let spans = obs(sc.path(), &["trace", "export", "j0.json", "--to", "spans"]);
    assert_eq!(spans.code, 0, "{}", spans.stderr);
    sc.file("a.ndjson", &spans.stdout);
    // spans -> OTLP -> Jaeger -> spans must give the same spans (times to the microsecond).
    let otlp = obs(sc.path(), &["trace", "export", "a.ndjson", "--to", "otlp"]);
    sc.file("b.otlp.ndjson", &otlp.stdout);
    let jaeger = obs(
        sc.path(),
        &["trace", "export", "b.otlp.ndjson", "--to", "jaeger"],
    );
    sc.file("c.json", &jaeger.stdout);
    let back = obs(sc.path(), &["trace", "export", "c.json", "--to", "spans"]);
    assert_eq!(back.code, 0, "{}", back.stderr);
    let norm = |s: &str| -> Vec<Value> {
        let mut v = json_lines(s);
        v.sort_by_key(|o| o["span_id"].as_str().unwrap_or("").to_string());
        v
    };
    assert_eq!(norm(&spans.stdout), norm(&back.stdout));
    // A richer span: events, error status with message, kind, numeric and bool attributes.
    let rich = r#"{"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7","name":"POST /pay","service":"payment-service","kind":"server","start_time":"2026-11-25T10:00:00.123456Z","end_time":"2026-11-25T10:00:01.5Z","status":{"code":2,"message":"gateway timeout"},"attributes":{"http.status_code":504,"upi.vpa":"a@okaxis","retry":true,"amount":2999.5},"events":[{"name":"retry","time":"2026-11-25T10:00:00.5Z","attributes":{"attempt":2}}]}
"#;
    sc.file("rich.ndjson", rich);
    let one = obs(
        sc.path(),
        &["trace", "export", "rich.ndjson", "--to", "spans"],
    );
    sc.file("r1.ndjson", &one.stdout);
    let j = obs(
        sc.path(),
        &["trace", "export", "r1.ndjson", "--to", "jaeger"],
    );
    sc.file("r2.json", &j.stdout);
    let o = obs(sc.path(), &["trace", "export", "r2.json", "--to", "otlp"]);
    sc.file("r3.ndjson", &o.stdout);
    let again = obs(
        sc.path(),
        &["trace", "export", "r3.ndjson", "--to", "spans"],
    );
    assert_eq!(json_lines(&one.stdout), json_lines(&again.stdout));
    let s = &json_lines(&again.stdout)[0];
    assert_eq!(s["status"], "ERROR");
    assert_eq!(s["status_message"], "gateway timeout");
    assert_eq!(s["attributes"]["http.status_code"], 504);
    assert_eq!(s["events"][0]["attributes"]["attempt"], 2);
    assert_eq!(s["start_time"], "2026-11-25T10:00:00.123456000Z");
}

#[test]
fn zipkin_shared_spans_merge_and_shapes_match() {
    let sc = Scratch::new();
    // (file, trace, nodes, depth) from the corpus' derived shape summary; a shared client/server
    // pair is one span.
    for (file, id, spans, depth) in [
        ("zipkin/yelp.json", "a03ee8fff1dcd9b9", 13, 4),
        ("zipkin/skew.json", "1e223ff1f80f1c69", 3, 3),
        (
            "zipkin/smartthings-oauth-authorization.json",
            "8ce82b2e9ed820ba",
            130,
            0,
        ),
    ] {
        let r = obs(
            sc.path(),
            &["trace", "list", &path_str(&data(file)), "-f", "ndjson"],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        let t = json_lines(&r.stdout)
            .into_iter()
            .find(|o| o["trace_id"] == id)
            .expect("trace");
        assert_eq!(t["spans"], spans, "{file}");
        if depth > 0 {
            assert_eq!(t["depth"], depth, "{file}");
        }
    }
}

const SPANS: &str = r#"{"trace_id":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","span_id":"0000000000000002","parent_span_id":"0000000000000001","name":"charge","service":"payment-service","start_time":"2026-11-25T10:00:00.100Z","duration_ms":300,"status":"ERROR","attributes":{"gateway":"razorpay"}}
{"trace_id":"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb","span_id":"0000000000000011","name":"GET /cart","service":"cart","start_time":"2026-11-25T10:00:00Z","duration_ms":50}
{"trace_id":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","span_id":"0000000000000003","parent_span_id":"0000000000000001","name":"risk","service":"fraud","start_time":"2026-11-25T10:00:00.050Z","duration_ms":40}
{"trace_id":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","span_id":"0000000000000001","name":"POST /pay","service":"checkout","start_time":"2026-11-25T10:00:00Z","end_time":"2026-11-25T10:00:02.5Z"}
{"trace_id":"cccccccccccccccccccccccccccccccc","span_id":"0000000000000021","parent_span_id":"00000000000000ff","name":"lost","service":"cart","start_time":"2026-11-25T10:00:00Z","duration_ms":5}
{"trace_id":"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb","span_id":"0000000000000012","parent_span_id":"0000000000000011","name":"db","service":"cart","start_time":"2026-11-25T09:59:59.990Z","duration_ms":70}
not json
"#;

#[test]
fn files_that_are_not_json_throughout_have_their_bad_lines_rejected() {
    // A span file whose first line is broken (so it looks like neither span lines nor a
    // document at first sight), and a README beside it in the directory given.
    let sc = Scratch::new();
    sc.file(
        "dump/spans.ndjson",
        format!("{{\"trace_id\": \"broken\n{SPANS}"),
    );
    sc.file("dump/README.md", "# Span dump\n\nFrom the collector.\n");
    sc.file("clean.ndjson", SPANS);
    let stats = |input: &str| {
        let r = obs(
            sc.path(),
            &[
                "trace", "stats", input, "--by", "service", "-f", "ndjson", "--stats",
            ],
        );
        assert_eq!(r.code, 0, "{}", r.stderr);
        (r.stdout, r.stderr)
    };
    let (got, report) = stats("dump");
    let (want, _) = stats("clean.ndjson");
    assert_eq!(got, want, "the same spans are read");
    assert!(report.contains("spans.ndjson:1"), "{report}");
    assert!(report.contains("README.md:1"), "{report}");
    // 2 broken span lines + 2 README lines with text; its blank line is filtered.
    assert!(report.contains("4 rejected"), "{report}");
}

#[test]
fn list_filters_sorts_and_reports_bad_lines() {
    let sc = Scratch::new();
    sc.file("spans.ndjson", SPANS);
    let r = obs(
        sc.path(),
        &[
            "trace",
            "list",
            "spans.ndjson",
            "--where",
            "duration>2s or error",
            "-f",
            "ndjson",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = json_lines(&r.stdout);
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["trace_id"], "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
    assert_eq!(rows[0]["duration_ms"], 2500.0);
    assert_eq!(rows[0]["spans"], 3);
    assert_eq!(rows[0]["depth"], 2);
    assert_eq!(rows[0]["errors"], 1);
    assert_eq!(rows[0]["root"], "checkout: POST /pay");
    assert!(
        r.stderr.contains("spans.ndjson:7"),
        "bad line reported: {}",
        r.stderr
    );
    let r = obs(
        sc.path(),
        &[
            "trace",
            "list",
            "spans.ndjson",
            "--where",
            "any(gateway=razorpay)",
            "-f",
            "ndjson",
        ],
    );
    assert_eq!(json_lines(&r.stdout).len(), 1);
    let r = obs(
        sc.path(),
        &[
            "trace",
            "list",
            "spans.ndjson",
            "--sort",
            "spans",
            "--top",
            "2",
            "-f",
            "csv",
        ],
    );
    let lines = r.lines();
    assert_eq!(lines.len(), 3, "{}", r.stdout);
    assert!(lines[1].starts_with("aaaa"));
    let list = |args: &[&str]| {
        let mut all = vec!["trace", "list", "spans.ndjson"];
        all.extend(args);
        obs(sc.path(), &all)
    };
    let ids = |args: &[&str]| -> Vec<String> {
        let mut all = vec!["-f", "ndjson"];
        all.extend(args);
        json_lines(&list(&all).stdout)
            .iter()
            .map(|v| v["trace_id"].as_str().unwrap_or("")[..4].to_string())
            .collect()
    };
    // By start time, ties in trace id order; a text column sorts as text.
    assert_eq!(ids(&[]), ["bbbb", "aaaa", "cccc"]);
    assert_eq!(ids(&["--sort", "duration"]), ["aaaa", "bbbb", "cccc"]);
    assert_eq!(ids(&["--sort", "root:asc"]), ["bbbb", "cccc", "aaaa"]);
    assert_eq!(ids(&["--sort", "root", "--top", "1"]), ["aaaa"]);
    // Fields the expression reads, and only those, are built per trace.
    assert_eq!(
        ids(&["--where", "service=fraud and root.service=checkout"]),
        ["aaaa"]
    );
    assert_eq!(
        ids(&["--where", "findings=orphan or spans=2"]),
        ["bbbb", "cccc"]
    );
    // --since/--until read as grep's do: the same forms (relative ones start with '-'), the
    // same refusal of an empty window.
    assert_eq!(ids(&["--since", "2026-11-25T10:00:00Z"]), ["aaaa", "cccc"]);
    assert_eq!(ids(&["--until", "2026-11-25T10:00:00Z"]), ["bbbb"]);
    let r = list(&["--since", "-3h"]);
    assert_eq!(
        r.code, 1,
        "relative time taken, nothing so recent: {}",
        r.stderr
    );
    let r = list(&["--since", "2026-11-26", "--until", "2026-11-25"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("is not before --until"), "{}", r.stderr);
    let r = list(&["--sort", "nosuch"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("no column 'nosuch'"), "{}", r.stderr);
    let r = list(&["--where", "root.name=nothing"]);
    assert_eq!(r.code, 1);
}

#[test]
fn check_finds_orphans_skew_and_missing_roots_with_exit_3() {
    let sc = Scratch::new();
    sc.file("spans.ndjson", SPANS.replace("not json\n", ""));
    let r = obs(
        sc.path(),
        &["trace", "check", "spans.ndjson", "-f", "ndjson"],
    );
    assert_eq!(r.code, 3, "{}", r.stderr);
    let kinds: BTreeSet<String> = json_lines(&r.stdout)
        .iter()
        .map(|o| {
            format!(
                "{}:{}",
                &o["trace_id"].as_str().expect("id")[..4],
                o["finding"].as_str().expect("kind")
            )
        })
        .collect();
    let want: BTreeSet<String> = ["cccc:incomplete", "cccc:orphan", "bbbb:skew"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(kinds, want);
    assert!(
        r.stderr.contains("3 traces checked, 2 with findings"),
        "{}",
        r.stderr
    );
    let r = obs(
        sc.path(),
        &[
            "trace",
            "check",
            "spans.ndjson",
            "--skew-tolerance",
            "50ms",
            "--ignore",
            "incomplete,orphan",
        ],
    );
    assert_eq!(r.code, 0, "{} {}", r.stdout, r.stderr);
}

#[test]
fn show_draws_the_waterfall_with_logs_and_traceparent() {
    let sc = Scratch::new();
    sc.file("spans.ndjson", SPANS.replace("not json\n", ""));
    sc.file(
        "app.ndjson",
        r#"{"ts":"2026-11-25T10:00:00.200Z","level":"ERROR","message":"razorpay timeout","trace_id":"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa","span_id":"0000000000000002"}
{"ts":"2026-11-25T10:00:00.060Z","level":"INFO","message":"score 12","traceparent":"00-aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa-0000000000000003-01"}
{"ts":"2026-11-25T10:00:00.060Z","level":"INFO","message":"other trace","trace_id":"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"}
"#,
    );
    let r = obs(
        sc.path(),
        &[
            "trace",
            "show",
            "spans.ndjson",
            "--logs",
            "app.ndjson",
            "-a",
            "--width",
            "100",
            "--color",
            "never",
            "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = &r.stdout;
    // The header is folded to --width at its fields.
    for field in ["3 spans", "depth 2", "1 errors"] {
        assert!(out.lines().any(|l| l.contains(field)), "{field}: {out}");
    }
    assert!(out.lines().all(|l| l.chars().count() <= 100), "{out}");
    let pos = |s: &str| {
        out.find(s)
            .unwrap_or_else(|| panic!("{s} missing in\n{out}"))
    };
    assert!(pos("*POST /pay checkout") < pos("risk fraud"));
    assert!(
        pos("risk fraud") < pos("score 12"),
        "traceparent log under its span"
    );
    assert!(pos("!charge payment-service") < pos("razorpay timeout"));
    assert!(pos("gateway=razorpay") > pos("!charge"));
    assert!(!out.contains("other trace"));
    let r = obs(
        sc.path(),
        &[
            "trace",
            "show",
            "spans.ndjson",
            "dddddddddddddddddddddddddddddddd",
        ],
    );
    assert_eq!(r.code, 1);
}

#[test]
fn stats_and_deps() {
    let sc = Scratch::new();
    sc.file("spans.ndjson", SPANS.replace("not json\n", ""));
    let r = obs(
        sc.path(),
        &[
            "trace",
            "stats",
            "spans.ndjson",
            "--by",
            "service",
            "-f",
            "ndjson",
        ],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = json_lines(&r.stdout);
    let checkout = rows
        .iter()
        .find(|o| o["service"] == "checkout")
        .expect("checkout");
    // 2500 ms minus children covering 50..90 and 100..400 ms.
    assert_eq!(checkout["self_total_ms"], 2160.0);
    assert_eq!(rows[0]["service"], "checkout", "sorted by self time");
    let pay = rows
        .iter()
        .find(|o| o["service"] == "payment-service")
        .expect("pay");
    assert_eq!(pay["error_rate"], 1.0);
    let r = obs(sc.path(), &["trace", "deps", "spans.ndjson", "-f", "dot"]);
    assert!(
        r.stdout.contains(
            "\"checkout\" -> \"payment-service\" [label=\"1 calls, 1 errors\", color=red]"
        ),
        "{}",
        r.stdout
    );
    let r = obs(
        sc.path(),
        &["trace", "deps", "spans.ndjson", "-f", "mermaid"],
    );
    assert!(r.stdout.starts_with("graph LR"), "{}", r.stdout);
}

#[test]
fn span_fields_can_be_renamed_nested_or_flattened() {
    let sc = Scratch::new();
    // Role fields under other names: top-level (`tid`, `sid`, `op`), nested (`ctx.parent`,
    // `resource.service`), a flattened dotted key (`"t.start"`), and RFC 3339 / ns strings.
    sc.file(
        "custom.ndjson",
        concat!(
            r#"{"tid":"AB","sid":"01","op":"GET /a","resource":{"service":"edge"},"t.start":"2024-05-01T10:00:00Z","t":{"end":"2024-05-01T10:00:02Z"},"outcome":{"code":2}}"#,
            "\n",
            r#"{"tid":"ab","sid":"02","ctx":{"parent":"01"},"op":"db","resource":{"service":"store"},"t.start":"2024-05-01T10:00:00.5Z","t":{"end":"2024-05-01T10:00:01Z"},"outcome":"OK"}"#,
            "\n",
        ),
    );
    let fields = [
        "--span-field",
        "trace_id=tid",
        "--span-field",
        "span_id=sid",
        "--span-field",
        "parent_span_id=ctx.parent",
        "--span-field",
        "name=op",
        "--span-field",
        "service=resource.service",
        "--span-field",
        "start_time=t.start",
        "--span-field",
        "end_time=t.end",
        "--span-field",
        "status=outcome",
    ];
    let mut args = vec!["trace", "list", "custom.ndjson", "-f", "ndjson"];
    args.extend(fields);
    let r = obs(sc.path(), &args);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let traces = json_lines(&r.stdout);
    assert_eq!(traces.len(), 1, "hex ids compare by value: AB = ab");
    let t = &traces[0];
    assert_eq!(t["spans"], 2);
    assert_eq!(t["depth"], 2);
    assert_eq!(t["errors"], 1, "status {{\"code\": 2}} is an error");
    assert_eq!(t["duration_ms"], 2000.0);
    assert_eq!(t["root"], "edge: GET /a");

    let mut args = vec![
        "trace",
        "stats",
        "custom.ndjson",
        "-f",
        "ndjson",
        "--by",
        "service",
    ];
    args.extend(fields);
    let r = obs(sc.path(), &args);
    let rows = json_lines(&r.stdout);
    let edge = rows.iter().find(|o| o["service"] == "edge").expect("edge");
    assert_eq!(edge["self_total_ms"], 1500.0, "2 s minus the child's 0.5 s");

    let r = obs(
        sc.path(),
        &["trace", "stats", "custom.ndjson", "--by", "name,operation"],
    );
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("'name' is given twice (as 'name' or 'operation')"),
        "{}",
        r.stderr
    );
}

#[test]
fn spans_sharing_a_line_are_all_read_back() {
    let sc = Scratch::new();
    // OTLP lines as the collector writes them: several spans, of several traces, per line.
    let span = |trace: &str, id: &str, parent: &str, name: &str| {
        format!(
            r#"{{"traceId":"{trace}","spanId":"{id}","parentSpanId":"{parent}","name":"{name}","kind":2,"startTimeUnixNano":"1764000000000000000","endTimeUnixNano":"1764000001000000000"}}"#
        )
    };
    let line = |spans: &[String]| {
        format!(
            r#"{{"resourceSpans":[{{"resource":{{"attributes":[{{"key":"service.name","value":{{"stringValue":"pay"}}}}]}},"scopeSpans":[{{"spans":[{}]}}]}}]}}"#,
            spans.join(",")
        )
    };
    let (t1, t2) = (
        "4bf92f3577b34da6a3ce929d0e0e4736",
        "0af7651916cd43dd8448eb211c80319c",
    );
    let text = format!(
        "{}\n{}\n",
        line(&[
            span(t1, "00f067aa0ba90201", "", "root"),
            span(t1, "00f067aa0ba90202", "00f067aa0ba90201", "a"),
            span(t2, "00f067aa0ba90203", "", "other"),
        ]),
        line(&[
            span(t1, "00f067aa0ba90204", "00f067aa0ba90201", "b"),
            span(t2, "00f067aa0ba90205", "00f067aa0ba90203", "c"),
        ]),
    );
    sc.file("multi.otlp.ndjson", text);
    let out = obs(
        sc.path(),
        &["trace", "export", "multi.otlp.ndjson", "--to", "spans"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let mut names: Vec<String> = json_lines(&out.stdout)
        .iter()
        .map(|s| s["name"].as_str().unwrap_or("").to_string())
        .collect();
    names.sort();
    assert_eq!(names, ["a", "b", "c", "other", "root"]);
}

#[test]
fn links_keep_text_ids_through_export() {
    // Link ids are read only when spans are read back; an id that is not hex must still be
    // printed as written, not as its hash.
    let sc = Scratch::new();
    sc.file(
        "links.ndjson",
        r#"{"trace_id":"4bf92f3577b34da6a3ce929d0e0e4736","span_id":"00f067aa0ba902b7","name":"pay","service":"api","start_time":1764000000000,"duration_ms":5,"links":[{"trace_id":"batch-run-7","span_id":"step-3"}]}
"#,
    );
    let out = obs(
        sc.path(),
        &["trace", "export", "links.ndjson", "--to", "spans"],
    );
    assert_eq!(out.code, 0, "{}", out.stderr);
    let link = &json_lines(&out.stdout)[0]["links"][0];
    assert_eq!(link["trace_id"], "batch-run-7");
    assert_eq!(link["span_id"], "step-3");
}
