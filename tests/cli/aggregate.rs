//! `obs aggregate`: hand-computed results, time zones, missing and mistyped values, outputs, gates.

use serde_json::{json, Value};

use crate::Scratch;

/// Five records around midnight IST (18:30 UTC): one without `svc`, one with a non-numeric amount.
const AGG: &str = r#"{"ts":"2024-05-01T23:50:00+05:30","svc":"pay","gw":"a","amount":100,"rt":10,"status":"success"}
{"ts":"2024-05-01T23:58:00+05:30","svc":"pay","gw":"b","amount":"300.50","rt":20,"status":"failed"}
{"ts":"2024-05-02T00:03:00+05:30","svc":"pay","gw":"a","amount":200,"rt":30,"status":"success"}
{"ts":"2024-05-02T00:20:00+05:30","svc":"ord","gw":"a","amount":"n/a","rt":40,"status":"success"}
{"ts":"2024-05-02T00:21:00+05:30","gw":"b","amount":50,"rt":50,"status":"success"}
"#;

fn agg(args: &[&str]) -> (Vec<Value>, crate::Run) {
    let s = Scratch::new();
    s.file("a.ndjson", AGG);
    let mut full = vec!["aggregate", "a.ndjson"];
    full.extend_from_slice(args);
    let r = s.run(&full);
    let rows = r
        .lines()
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (rows, r)
}

#[test]
fn metrics_by_key_with_null_group_and_skipped_values() {
    let (rows, r) = agg(&[
        "--by", "svc",
        "--agg", "count, sum(amount), avg(rt), min(rt), max(rt), p50(rt), count_distinct(gw), first(gw), last(gw) as last_gw",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        rows,
        [
            json!({"svc":"ord","count":1,"sum(amount)":null,"avg(rt)":40,"min(rt)":40,"max(rt)":40,"p50(rt)":40,"count_distinct(gw)":1,"first(gw)":"a","last_gw":"a"}),
            json!({"svc":"pay","count":3,"sum(amount)":600.5,"avg(rt)":20,"min(rt)":10,"max(rt)":30,"p50(rt)":20,"count_distinct(gw)":2,"first(gw)":"a","last_gw":"a"}),
            json!({"svc":null,"count":1,"sum(amount)":50,"avg(rt)":50,"min(rt)":50,"max(rt)":50,"p50(rt)":50,"count_distinct(gw)":1,"first(gw)":"b","last_gw":"b"}),
        ]
    );
    assert!(
        r.stderr
            .contains("sum(amount) skipped 1 value of amount that is not numbers"),
        "{}",
        r.stderr
    );
}

#[test]
fn quantiles_interpolate_linearly_like_quantile_cont() {
    let (rows, _) = agg(&[
        "--agg",
        "p95(rt), p25(rt), p10(rt), median(rt), stddev(rt), rate(status=success)",
    ]);
    let r = &rows[0];
    assert_eq!(r["p95(rt)"], json!(48)); // position 3.8 between 40 and 50
    assert_eq!(r["p25(rt)"], json!(20));
    assert_eq!(r["p10(rt)"], json!(14));
    assert_eq!(r["median(rt)"], json!(30));
    let sd = r["stddev(rt)"].as_f64().unwrap();
    assert!((sd - 250f64.sqrt()).abs() < 1e-12, "sample stddev: {sd}");
    assert_eq!(r["rate(status=success)"], json!(0.8));
}

#[test]
fn dates_and_hours_follow_the_time_zone() {
    let (ist, _) = agg(&["--by", "date()", "--tz", "Asia/Kolkata"]);
    assert_eq!(
        ist,
        [
            json!({"date()":"2024-05-01","count":2}),
            json!({"date()":"2024-05-02","count":3})
        ]
    );
    let (utc, _) = agg(&["--by", "date(ts)"]);
    assert_eq!(utc, [json!({"date(ts)":"2024-05-01","count":5})]);
    let (hours, _) = agg(&["--by", "hour()", "--tz", "Asia/Kolkata"]);
    assert_eq!(
        hours,
        [
            json!({"hour()":0,"count":3}),
            json!({"hour()":23,"count":2})
        ]
    );
    let (days, _) = agg(&["--by", "weekday()", "--tz", "Asia/Kolkata"]);
    assert_eq!(
        days,
        [
            json!({"weekday()":3,"count":2}),
            json!({"weekday()":4,"count":3})
        ]
    );
}

#[test]
fn time_buckets_in_ist_with_empty_buckets_filled() {
    let (rows, r) = agg(&[
        "--every",
        "15m",
        "--tz",
        "Asia/Kolkata",
        "--by",
        "svc",
        "--agg",
        "count, sum(rt)",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let got: Vec<(String, Value, Value, Value)> = rows
        .iter()
        .map(|r| {
            (
                r["time"].as_str().unwrap().to_string(),
                r["svc"].clone(),
                r["count"].clone(),
                r["sum(rt)"].clone(),
            )
        })
        .collect();
    let t = |s: &str| format!("2024-05-0{s}+05:30");
    assert_eq!(
        got,
        [
            (t("1T23:45:00"), json!("ord"), json!(0), json!(null)),
            (t("1T23:45:00"), json!("pay"), json!(2), json!(30)),
            (t("1T23:45:00"), json!(null), json!(0), json!(null)),
            (t("2T00:00:00"), json!("ord"), json!(0), json!(null)),
            (t("2T00:00:00"), json!("pay"), json!(1), json!(30)),
            (t("2T00:00:00"), json!(null), json!(0), json!(null)),
            (t("2T00:15:00"), json!("ord"), json!(1), json!(40)),
            (t("2T00:15:00"), json!("pay"), json!(0), json!(null)),
            (t("2T00:15:00"), json!(null), json!(1), json!(50)),
        ]
    );
    let (days, _) = agg(&["--every", "1d", "--tz", "Asia/Kolkata"]);
    assert_eq!(
        days,
        [
            json!({"time":"2024-05-01T00:00:00+05:30","count":2}),
            json!({"time":"2024-05-02T00:00:00+05:30","count":3})
        ]
    );
}

#[test]
fn sub_second_buckets_read_with_their_milliseconds() {
    let s = Scratch::new();
    s.file(
        "ms.ndjson",
        "{\"ts\":\"2024-05-01T10:00:00.100Z\"}\n{\"ts\":\"2024-05-01T10:00:00.600Z\"}\n\
         {\"ts\":\"2024-05-01T10:00:01.200Z\"}\n",
    );
    let r = s.run(&["aggregate", "ms.ndjson", "--every", "500ms", "-f", "csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "time,count\n2024-05-01T10:00:00+00:00,1\n2024-05-01T10:00:00.500+00:00,1\n\
         2024-05-01T10:00:01+00:00,1\n"
    );
}

#[test]
fn buckets_of_amounts_in_range_order() {
    let (rows, _) = agg(&["--by", "bucket(amount, 100, 250)"]);
    let keys: Vec<Value> = rows
        .iter()
        .map(|r| r["bucket(amount, 100, 250)"].clone())
        .collect();
    assert_eq!(
        keys,
        [json!("<100"), json!("100-250"), json!(">=250"), json!(null)]
    );
}

#[test]
fn where_sort_and_top() {
    let (rows, _) = agg(&[
        "--by",
        "gw",
        "--where",
        "status=success",
        "--agg",
        "count, max(rt)",
        "--sort",
        "max(rt):asc",
    ]);
    assert_eq!(
        rows,
        [
            json!({"gw":"a","count":3,"max(rt)":40}),
            json!({"gw":"b","count":1,"max(rt)":50})
        ]
    );
    let (rows, _) = agg(&["--by", "svc", "--top", "1"]);
    assert_eq!(rows, [json!({"svc":"pay","count":3})]);
    let (_, r) = agg(&["--by", "svc", "--sort", "nope"]);
    assert_eq!(r.code, 2);
}

#[test]
fn fail_if_is_a_ci_gate_with_exit_3() {
    let (_, r) = agg(&[
        "--by",
        "gw",
        "--agg",
        "p99(rt), count",
        "--fail-if",
        "p99(rt) > 45",
    ]);
    assert_eq!(r.code, 3);
    assert!(
        r.stderr.contains("--fail-if 'p99(rt) > 45' holds for gw=b"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("gw=a"), "{}", r.stderr);
    let (_, r) = agg(&[
        "--by",
        "gw",
        "--agg",
        "p99(rt)",
        "--fail-if",
        "p99(rt) > 500",
    ]);
    assert_eq!(r.code, 0);
}

#[test]
fn sampling_weights_give_estimates() {
    let s = Scratch::new();
    s.file(
        "w.ndjson",
        "{\"x\":\"a\",\"sampling\":{\"adjusted_count\":10},\"v\":2}\n{\"x\":\"a\",\"sampling\":{\"adjusted_count\":10},\"v\":4}\n{\"x\":\"b\",\"v\":1}\n",
    );
    let r = s.run(&[
        "aggregate",
        "w.ndjson",
        "--by",
        "x",
        "--agg",
        "count, sum(v), avg(v)",
    ]);
    let rows: Vec<Value> = r
        .lines()
        .iter()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(
        rows,
        [
            json!({"x":"a","count":20,"sum(v)":60,"avg(v)":3}),
            json!({"x":"b","count":1,"sum(v)":1,"avg(v)":1})
        ]
    );
    assert!(
        r.stderr.contains("Horvitz-Thompson estimates"),
        "{}",
        r.stderr
    );
}

#[test]
fn csv_parquet_and_table_outputs() {
    let s = Scratch::new();
    s.file("a.ndjson", AGG);
    let r = s.run(&[
        "aggregate",
        "a.ndjson",
        "--by",
        "svc",
        "--agg",
        "count, sum(amount)",
        "-f",
        "csv",
    ]);
    assert_eq!(
        r.stdout,
        "svc,count,sum(amount)\nord,1,\npay,3,600.5\n,1,50\n"
    );
    let r = s.run(&[
        "aggregate",
        "a.ndjson",
        "--by",
        "svc",
        "--every",
        "1d",
        "--tz",
        "Asia/Kolkata",
        "-f",
        "parquet",
        "-o",
        "out.parquet",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    use polars::prelude::*;
    let df = ParquetReader::new(std::fs::File::open(s.path().join("out.parquet")).unwrap())
        .finish()
        .unwrap();
    assert_eq!(df.shape(), (6, 3));
    assert_eq!(df.get_column_names(), ["time", "svc", "count"]);
    let r = s.run(&["aggregate", "a.ndjson", "--by", "svc", "-f", "parquet"]);
    assert_eq!(r.code, 2, "parquet needs -o");
    let r = s.run(&[
        "aggregate",
        "a.ndjson",
        "--by",
        "gw",
        "--agg",
        "count, avg(rt)",
        "-f",
        "table",
    ]);
    insta::assert_snapshot!("aggregate_table", r.stdout);
}

#[test]
fn charts() {
    let s = Scratch::new();
    s.file("a.ndjson", AGG);
    let r = s.run(&["aggregate", "a.ndjson", "--by", "gw", "--chart"]);
    insta::assert_snapshot!("aggregate_bars", r.stdout);
    let r = s.run(&[
        "aggregate",
        "a.ndjson",
        "--every",
        "15m",
        "--by",
        "svc",
        "--tz",
        "Asia/Kolkata",
        "--chart",
    ]);
    insta::assert_snapshot!("aggregate_sparklines", r.stdout);
}

#[test]
fn es_bulk_documents_per_group_are_idempotent() {
    let s = Scratch::new();
    s.file("a.ndjson", AGG);
    let args = [
        "aggregate",
        "a.ndjson",
        "--by",
        "svc",
        "--every",
        "1d",
        "--tz",
        "Asia/Kolkata",
        "-f",
        "es-bulk",
        "--index",
        "agg-%{+yyyy.MM.dd}",
    ];
    let a = s.run(&args);
    assert_eq!(a.code, 0, "{}", a.stderr);
    let lines = a.lines();
    assert_eq!(lines.len(), 12);
    let action: Value = serde_json::from_str(lines[0]).unwrap();
    assert_eq!(action["index"]["_index"], "agg-2024.05.01");
    assert_eq!(action["index"]["_id"].as_str().unwrap().len(), 32);
    let doc: Value = serde_json::from_str(lines[1]).unwrap();
    assert_eq!(doc["time"], "2024-05-01T00:00:00+05:30");
    assert_eq!(s.run(&args).stdout, a.stdout, "same ids on a second run");
}

#[test]
fn bad_input_is_accounted_and_bad_specs_are_errors() {
    let s = Scratch::new();
    s.file("a.ndjson", format!("{AGG}not json\n"));
    let r = s.run(&["aggregate", "a.ndjson", "--by", "svc", "--stats"]);
    assert_eq!(r.code, 0);
    assert!(
        r.stderr.contains("a.ndjson:6: invalid JSON"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("read 6 lines: 5 aggregated + 0 filtered + 1 rejected"),
        "{}",
        r.stderr
    );
    for bad in [
        &["--by", "bucket(amount)"][..],
        &["--agg", "p200(rt)"],
        &["--every", "5x"],
        &["--fail-if", "p99(rt) >"],
    ] {
        let mut args = vec!["aggregate", "a.ndjson"];
        args.extend_from_slice(bad);
        assert_eq!(s.run(&args).code, 2, "{bad:?}");
    }
    // Two columns of one name would leave one of them out of every row's object.
    for twice in [
        &["--by", "svc", "--agg", "count as svc"][..],
        &["--by", "count"],
        &["--by", "svc,svc"],
        &["--by", "time", "--every", "1h"],
    ] {
        let mut args = vec!["aggregate", "a.ndjson"];
        args.extend_from_slice(twice);
        let r = s.run(&args);
        assert_eq!(r.code, 2, "{twice:?}");
        assert!(r.stderr.contains("two columns named"), "{}", r.stderr);
        assert!(r.stderr.contains("--agg or --every's"), "{}", r.stderr);
        assert!(r.stdout.is_empty());
    }
    let r = s.run(&[
        "aggregate",
        "a.ndjson",
        "--by",
        "count",
        "--agg",
        "count as n",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = s.run(&["aggregate", "a.ndjson", "--where", "svc=nothing"]);
    assert_eq!((r.code, r.stdout.as_str()), (1, ""));
}

#[test]
fn help_lists_only_what_each_command_accepts() {
    let s = Scratch::new();
    let r = s.run(&["aggregate", "--help"]);
    assert_eq!(r.code, 0);
    for grep_only in ["--fields", "--color", "pretty:"] {
        assert!(
            !r.stdout.contains(grep_only),
            "aggregate --help lists {grep_only}"
        );
    }
    assert!(r.stdout.contains("parquet:"), "{}", r.stdout);
    let r = s.run(&["grep", "--help"]);
    assert!(!r.stdout.contains("parquet"), "grep --help lists parquet");
    s.file("a.ndjson", "{\"a\":1}\n");
    assert_eq!(
        s.run(&["grep", "true", "a.ndjson", "-f", "parquet"]).code,
        2
    );
    assert_eq!(s.run(&["aggregate", "a.ndjson", "--fields", "a"]).code, 2);
}

#[test]
fn parquet_counts_are_integers_and_buckets_keep_their_zone() {
    use polars::prelude::{DataType, ParquetReader, SerReader, TimeUnit};
    let s = Scratch::new();
    s.file(
        "p.ndjson",
        concat!(
            "{\"ts\":\"2024-05-01T00:10:00+05:30\",\"g\":\"a\",\"amount\":1.5}\n",
            "{\"ts\":\"2024-05-01T23:50:00+05:30\",\"g\":\"a\",\"amount\":2}\n",
            "{\"ts\":\"2024-05-02T00:10:00+05:30\",\"g\":\"b\",\"amount\":3}\n",
        ),
    );
    let r = s.run(&[
        "aggregate",
        "p.ndjson",
        "--every",
        "1d",
        "--by",
        "g",
        "--agg",
        "count, sum(amount), count_distinct(g)",
        "--tz",
        "Asia/Kolkata",
        "-f",
        "parquet",
        "-o",
        "out.parquet",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let file = std::fs::File::open(s.path().join("out.parquet")).unwrap();
    let df = ParquetReader::new(file).finish().unwrap();
    let dtype = |c: &str| df.column(c).unwrap().dtype().clone();
    assert_eq!(dtype("count"), DataType::Int64);
    assert_eq!(dtype("count_distinct(g)"), DataType::Int64);
    assert_eq!(dtype("sum(amount)"), DataType::Float64);
    match dtype("time") {
        DataType::Datetime(TimeUnit::Milliseconds, Some(tz)) => {
            assert_eq!(tz.as_str(), "Asia/Kolkata")
        }
        other => panic!("time column is {other:?}"),
    }
    // The first bucket is IST midnight of 1 May: 18:30 UTC on 30 April, as an instant.
    let first = df.column("time").unwrap().cast(&DataType::Int64).unwrap();
    let ms = first.i64().unwrap().get(0).unwrap();
    assert_eq!(ms, 1_714_501_800_000);
}
