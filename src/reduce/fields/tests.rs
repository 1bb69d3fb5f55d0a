use serde_json::json;

use super::*;

fn profile(lines: &[serde_json::Value]) -> Profile {
    let mut p = Profile::default();
    for l in lines {
        if let serde_json::Value::Object(o) = l {
            p.observe(o);
        }
    }
    p
}

#[test]
fn every_path_with_its_types_presence_values_and_range() {
    let lines = [
        json!({"level": "ERROR", "amount": 10, "ts": "2024-05-01T10:00:00Z", "http": {"status": 500}, "tags": ["a", "b"]}),
        json!({"level": "INFO", "amount": "n/a", "ts": "2024-05-01T11:00:00+05:30", "tags": []}),
        json!({"level": "ERROR", "amount": 2.5, "http": null}),
    ];
    let rows = profile(&lines).rows(2);
    let by: std::collections::HashMap<String, &serde_json::Map<String, serde_json::Value>> = rows
        .iter()
        .map(|r| (r["field"].as_str().expect("a name").to_string(), r))
        .collect();
    let fields: Vec<&str> = rows
        .iter()
        .map(|r| r["field"].as_str().expect("a name"))
        .collect();
    assert_eq!(
        fields,
        [
            "level",
            "amount",
            "ts",
            "http",
            "http.status",
            "tags",
            "tags[]"
        ]
    );
    let level = by["level"];
    assert_eq!(level["types"], json!(["string"]));
    assert_eq!(level["present"], json!(100.0));
    assert_eq!(level["distinct"], json!(2));
    assert_eq!(level["top"], json!(["ERROR (2)", "INFO (1)"]));
    assert_eq!(by["ts"]["top"], json!([]));
    let amount = by["amount"];
    assert_eq!(amount["types"], json!(["number", "string"]));
    assert_eq!(
        (amount["min"].clone(), amount["max"].clone()),
        (json!(2.5), json!(10))
    );
    let ts = by["ts"];
    assert_eq!(ts["present"], json!(66.7));
    assert_eq!(ts["min"], json!("2024-05-01T05:30:00+00:00"));
    assert_eq!(ts["max"], json!("2024-05-01T10:00:00+00:00"));
    assert_eq!(by["http"]["types"], json!(["null", "object"]));
    assert_eq!(by["http.status"]["distinct"], json!(1));
    assert_eq!(
        by["http.status"]["top"],
        json!([]),
        "a value seen once is no top value"
    );
    assert_eq!(
        by["tags"]["distinct"],
        json!(null),
        "arrays have no distinct values"
    );
    assert_eq!(by["http.status"]["records"], json!(1));
    assert_eq!(
        by["tags[]"]["records"],
        json!(1),
        "a record counts once whatever its array holds"
    );
    assert_eq!(by["tags[]"]["distinct"], json!(2));
}

#[test]
fn merging_chunks_gives_the_profile_of_the_whole() {
    let lines: Vec<serde_json::Value> = (0..30_000)
        .map(|i| json!({"user": format!("u{}", i % 12_000), "n": i, "k": i % 3}))
        .collect();
    let whole = profile(&lines).rows(3);
    for split in [1, 7, 12_345] {
        let mut merged = Profile::default();
        for part in lines.chunks(split) {
            merged.merge(profile(part));
        }
        assert_eq!(merged.rows(3), whole, "split every {split}");
    }
    let user = &whole[0];
    assert_eq!(user["top"], json!([]), "past the cap, no exact top");
    let d = user["distinct"].as_u64().expect("a count") as f64;
    assert!((d - 12_000.0).abs() < 12_000.0 * 0.05, "estimated {d}");
    assert_eq!(whole[2]["distinct"], json!(3));
}

#[test]
fn paths_past_the_cap_are_counted_not_profiled() {
    let mut p = Profile::default();
    for i in 0..(PATH_CAP + 100) {
        let mut o = serde_json::Map::new();
        o.insert(format!("id-{i}"), json!(1));
        p.observe(&o);
    }
    assert_eq!(p.rows(1).len(), PATH_CAP);
    let n = p.unprofiled() as f64;
    assert!((n - 100.0).abs() < 10.0, "{n}");
}
