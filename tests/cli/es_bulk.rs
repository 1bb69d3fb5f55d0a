//! `--format es-bulk`: framing as Elasticsearch parses it, index date math, ids, file splitting,
//! the index template.

use serde_json::Value;

use crate::{Scratch, PAYMENTS};

/// Checks a `_bulk` body the way Elasticsearch reads it and returns (action, meta, source) per
/// item: every line one JSON object, the body ends with a newline, each index/create action is
/// followed by its source, update by its doc, delete by nothing.
fn parse_bulk(body: &str) -> Vec<(String, Value, Option<Value>)> {
    assert!(
        body.is_empty() || body.ends_with('\n'),
        "a _bulk body must end with a newline"
    );
    let mut lines = body.lines();
    let mut items = Vec::new();
    while let Some(action) = lines.next() {
        let action: Value = serde_json::from_str(action).expect("action line is JSON");
        let obj = action.as_object().expect("action is an object");
        assert_eq!(obj.len(), 1, "one action per line: {action}");
        let (op, meta) = obj.iter().next().unwrap();
        let source = match op.as_str() {
            "index" | "create" | "update" => {
                let src: Value = serde_json::from_str(lines.next().expect("source line"))
                    .expect("source is JSON");
                assert!(src.is_object());
                Some(src)
            }
            "delete" => None,
            other => panic!("unknown action {other}"),
        };
        if let Some(id) = meta.get("_id") {
            assert!(
                !id.as_str().unwrap_or("x").is_empty(),
                "ES refuses an empty _id"
            );
        }
        items.push((op.clone(), meta.clone(), source));
    }
    items
}

#[test]
fn the_checker_accepts_elasticsearchs_own_examples() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/es-bulk");
    let mut seen = 0;
    for n in 1..=4 {
        let body =
            std::fs::read_to_string(dir.join(format!("BulkRequestExample{n}.ndjson"))).unwrap();
        seen += parse_bulk(&body).len();
    }
    assert!(seen >= 10);
}

#[test]
fn index_per_ist_day_with_ids_from_a_field() {
    let s = Scratch::new();
    s.file("p.ndjson", PAYMENTS);
    let r = s.run(&[
        "grep",
        "exists(amount)",
        "p.ndjson",
        "--format",
        "es-bulk",
        "--index",
        "payment-logs-%{+yyyy.MM.dd}",
        "--tz",
        "Asia/Kolkata",
        "--id-field",
        "payment_id",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let items = parse_bulk(&r.stdout);
    let got: Vec<(&str, &str)> = items
        .iter()
        .map(|(_, m, _)| (m["_index"].as_str().unwrap(), m["_id"].as_str().unwrap()))
        .collect();
    assert_eq!(
        got,
        [
            ("payment-logs-2024.05.01", "pay_1"),
            ("payment-logs-2024.05.01", "pay_2"),
            ("payment-logs-2024.05.01", "pay_3"),
            ("payment-logs-2024.05.01", "pay_4"),
            ("payment-logs-2024.05.02", "pay_5"),
        ]
    );
    let src: Vec<&str> = r.stdout.lines().skip(1).step_by(2).collect();
    let want: Vec<&str> = PAYMENTS.lines().collect();
    assert_eq!(src, want, "sources are the lines as read");
    let utc = s.run(&[
        "grep",
        "payment_id=pay_5",
        "p.ndjson",
        "-f",
        "es-bulk",
        "--index",
        "x-%{+yyyy.MM.dd}",
    ]);
    assert!(
        utc.stdout.contains("\"x-2024.05.01\""),
        "UTC by default: {}",
        utc.stdout
    );
}

#[test]
fn field_templates_create_action_and_joined_ids() {
    let s = Scratch::new();
    s.file("p.ndjson", PAYMENTS);
    let r = s.run(&[
        "grep",
        "level=ERROR",
        "p.ndjson",
        "-f",
        "es-bulk",
        "--index",
        "%{service}-%{+xxxx.ww}",
        "--action",
        "create",
        "--id-field",
        "service,payment_id",
    ]);
    let items = parse_bulk(&r.stdout);
    assert_eq!(items[0].0, "create");
    assert_eq!(items[0].1["_index"], "payment-service-2024.18");
    assert_eq!(items[0].1["_id"], "payment-service-pay_1");
}

#[test]
fn id_hash_is_stable_and_distinct() {
    let s = Scratch::new();
    s.file("p.ndjson", PAYMENTS);
    let run = |extra: &[&str]| {
        let mut args = vec![
            "grep",
            "exists(amount)",
            "p.ndjson",
            "-f",
            "es-bulk",
            "--id-hash",
        ];
        args.extend_from_slice(extra);
        let r = s.run(&args);
        parse_bulk(&r.stdout)
            .into_iter()
            .map(|(_, m, _)| m["_id"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    let a = run(&[]);
    assert_eq!(a, run(&["-j", "1", "--chunk-size", "64"]));
    assert_eq!(a.len(), 5);
    assert!(a.iter().all(|id| id.len() == 32));
    let mut dedup = a.clone();
    dedup.dedup();
    assert_eq!(dedup.len(), 5);
    let by_field = run(&["--id-field", "payment_id"]);
    assert_ne!(a, by_field);
    assert_eq!(by_field, run(&["--id-field", "payment_id"]));
}

#[test]
fn records_that_cannot_be_indexed_are_rejected_not_lost() {
    let s = Scratch::new();
    s.file("p.ndjson", PAYMENTS);
    let r = s.run(&[
        "grep",
        "exists(amount)",
        "p.ndjson",
        "-f",
        "es-bulk",
        "--index",
        "pm-%{http.status}",
        "--stats",
        "--rejects",
        "bad.ndjson",
    ]);
    assert_eq!(parse_bulk(&r.stdout).len(), 3);
    for line in [3, 5] {
        let why = format!("p.ndjson:{line}: index name: field 'http.status' is missing");
        assert!(r.stderr.contains(&why), "{}", r.stderr);
    }
    assert!(r.stderr.contains("3 emitted"), "{}", r.stderr);
    assert_eq!(s.read("bad.ndjson").lines().count(), 2);
    // A field that makes the name upper-case is refused per record, never lowercased.
    let r = s.run(&[
        "grep",
        "exists(amount)",
        "p.ndjson",
        "-f",
        "es-bulk",
        "--index",
        "pm-%{payment_method}",
    ]);
    assert!(
        r.stderr
            .contains("index name 'pm-UPI' has upper-case letters"),
        "{}",
        r.stderr
    );
    // Joda's month and weekday names, as Logstash writes them.
    s.file("t.ndjson", "{\"ts\":\"2024-05-01T10:00:00Z\",\"a\":1}\n");
    let r = s.run(&[
        "grep",
        "true",
        "t.ndjson",
        "-f",
        "es-bulk",
        "--index",
        "x-%{+yyyy.MM.dd}",
    ]);
    assert!(
        r.stdout.contains("\"_index\":\"x-2024.05.01\""),
        "{}",
        r.stdout
    );
    let r = s.run(&[
        "grep",
        "true",
        "t.ndjson",
        "-f",
        "es-bulk",
        "--index",
        "x-%{+MMM}",
    ]);
    assert!(
        r.stderr
            .contains("index name 'x-May' has upper-case letters"),
        "{}",
        r.stderr
    );
    let r = s.run(&[
        "grep",
        "true",
        "t.ndjson",
        "-f",
        "es-bulk",
        "--index",
        "%{+MMMM-EEE-EEEE}",
    ]);
    assert!(r.stderr.contains("'May-Wed-Wednesday'"), "{}", r.stderr);
}

#[test]
fn out_dir_splits_by_bytes_and_docs_atomically() {
    let s = Scratch::new();
    let body: String = (0..1000)
        .map(|i| {
            format!(
                "{{\"@timestamp\":\"2024-05-01T10:00:00Z\",\"i\":{i},\"pad\":\"{}\"}}\n",
                "x".repeat(100)
            )
        })
        .collect();
    s.file("d.ndjson", &body);
    let r = s.run(&[
        "grep",
        "exists(i)",
        "d.ndjson",
        "-f",
        "es-bulk",
        "--out-dir",
        "bulk",
        "--max-bytes",
        "20KB",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut files: Vec<_> = std::fs::read_dir(s.path().join("bulk"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() > 5);
    let mut ids = Vec::new();
    for (n, f) in files.iter().enumerate() {
        assert_eq!(
            f.file_name().unwrap().to_string_lossy(),
            format!("bulk-{:05}.ndjson", n + 1)
        );
        let text = std::fs::read_to_string(f).unwrap();
        assert!(
            text.len() <= 20 << 10,
            "20KB is 20 KiB, as Elasticsearch counts"
        );
        ids.extend(
            parse_bulk(&text)
                .into_iter()
                .map(|(_, _, src)| src.unwrap()["i"].as_u64().unwrap()),
        );
    }
    assert_eq!(
        ids,
        (0..1000).collect::<Vec<_>>(),
        "every record once, in order"
    );

    let r = s.run(&[
        "grep",
        "exists(i)",
        "d.ndjson",
        "-f",
        "es-bulk",
        "--out-dir",
        "bulk",
    ]);
    assert_eq!(r.code, 2, "refuses to mix runs");
    let r = s.run(&[
        "grep",
        "exists(i)",
        "d.ndjson",
        "-f",
        "es-bulk",
        "--out-dir",
        "b2",
        "--max-docs",
        "300",
    ]);
    assert_eq!(r.code, 0);
    assert_eq!(std::fs::read_dir(s.path().join("b2")).unwrap().count(), 4);
}

#[test]
fn refuses_requests_elasticsearch_would_refuse() {
    let s = Scratch::new();
    s.file("p.ndjson", PAYMENTS);
    let r = s.run(&[
        "grep",
        "exists(amount)",
        "p.ndjson",
        "-f",
        "es-bulk",
        "--max-bytes",
        "100MiB",
    ]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("100mb"), "{}", r.stderr);
    let r = s.run(&[
        "grep",
        "exists(amount)",
        "p.ndjson",
        "-f",
        "es-bulk",
        "--index",
        "Bad Index",
    ]);
    assert!(
        r.stderr.contains("index names are lower-case"),
        "{}",
        r.stderr
    );
    let r = s.run(&[
        "grep",
        "exists(amount)",
        "p.ndjson",
        "-f",
        "es-bulk",
        "--index",
        "bad index",
    ]);
    assert!(r.stderr.contains("contains ' '"), "{}", r.stderr);
    let r = s.run(&[
        "grep",
        "exists(amount)",
        "p.ndjson",
        "-f",
        "es-bulk",
        "--max-bytes",
        "100",
    ]);
    assert_eq!(
        r.code, 1,
        "every entry is larger than 100 bytes: {}",
        r.stderr
    );
    assert!(r.stderr.contains("larger than --max-bytes"), "{}", r.stderr);
}

#[test]
fn index_template_mappings_are_inferred() {
    let s = Scratch::new();
    s.file("p.ndjson", PAYMENTS);
    let r = s.run(&[
        "grep",
        "exists(amount)",
        "p.ndjson",
        "-f",
        "es-bulk",
        "--index",
        "payment-logs-%{+yyyy.MM.dd}",
        "--out-dir",
        "bulk",
        "--template",
        "template.json",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let t: Value = serde_json::from_str(&s.read("template.json")).unwrap();
    assert_eq!(t["index_patterns"], serde_json::json!(["payment-logs-*"]));
    let p = &t["template"]["mappings"]["properties"];
    assert_eq!(p["ts"]["type"], "date");
    assert_eq!(p["level"]["type"], "keyword");
    assert_eq!(p["message"]["type"], "text");
    assert_eq!(
        p["amount"]["type"], "keyword",
        "numbers and a numeric string: keyword takes both"
    );
    assert_eq!(p["http"]["properties"]["status"]["type"], "long");
    assert_eq!(p["tags"]["type"], "keyword");
}

#[test]
fn aggregate_bulk_without_every_has_a_dateless_default_index_and_no_silent_loss() {
    let s = Scratch::new();
    s.file("p.ndjson", PAYMENTS);
    let r = s.run(&["aggregate", "p.ndjson", "--by", "service", "-f", "es-bulk"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines = r.lines();
    let groups = s
        .run(&["aggregate", "p.ndjson", "--by", "service"])
        .lines()
        .len();
    assert!(groups > 1);
    assert_eq!(lines.len(), 2 * groups, "an action and a source per group");
    assert!(
        lines[0].contains("\"_index\":\"obs-aggregate\""),
        "{}",
        lines[0]
    );
    // A date in the index of a non-time aggregate: every group is refused, and that is an
    // error (exit 2) that writes nothing, not a success with 0 bytes.
    let r = s.run(&[
        "aggregate",
        "p.ndjson",
        "--by",
        "service",
        "-f",
        "es-bulk",
        "--index",
        "x-%{+yyyy.MM}",
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(r.stdout, "");
    let refused = format!("{groups} of {groups} groups could not be written");
    assert!(r.stderr.contains(&refused), "{}", r.stderr);
    // With --every the default index keeps its date.
    let r = s.run(&[
        "aggregate",
        "p.ndjson",
        "--every",
        "1d",
        "-f",
        "es-bulk",
        "--tz",
        "Asia/Kolkata",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.lines()[0].contains("\"_index\":\"logs-2024.05.01\""),
        "{}",
        r.stdout
    );
}
