//! Human-facing and tabular outputs: the terminal view, table, CSV, -o files.

use crate::{Scratch, PAYMENTS};

#[test]
fn pretty_view() {
    let s = Scratch::new();
    s.file("p.ndjson", PAYMENTS);
    let r = s.run(&[
        "grep",
        "exists(amount)",
        "p.ndjson",
        "-f",
        "pretty",
        "--tz",
        "Asia/Kolkata",
        "--color",
        "never",
    ]);
    insta::assert_snapshot!("pretty_view", r.stdout);
}

#[test]
fn pretty_view_colours_levels_when_asked() {
    let s = Scratch::new();
    s.file("p.ndjson", PAYMENTS);
    let r = s.run(&[
        "grep",
        "level=ERROR",
        "p.ndjson",
        "-f",
        "pretty",
        "--color",
        "always",
    ]);
    assert!(r.stdout.contains("\x1b[1;31mERROR"), "{:?}", r.stdout);
    let mut cmd = crate::obs_cmd(s.path());
    cmd.env("NO_COLOR", "1")
        .args(["grep", "level=ERROR", "p.ndjson", "-f", "pretty"]);
    let out = cmd.output().unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains('\x1b'));
}

#[test]
fn table_with_fields() {
    let s = Scratch::new();
    s.file("p.ndjson", PAYMENTS);
    let r = s.run(&[
        "grep",
        "exists(amount)",
        "p.ndjson",
        "-f",
        "table",
        "--fields",
        "payment_id,level,amount,http.status",
    ]);
    insta::assert_snapshot!("table_with_fields", r.stdout);
}

#[test]
fn csv_quotes_and_orders_columns() {
    let s = Scratch::new();
    s.file("c.ndjson", "{\"a\":\"x,y\",\"b\":{\"c\":1},\"q\":\"say \\\"hi\\\"\"}\n{\"b\":2,\"a\":\"z\",\"extra\":true}\n");
    let r = s.run(&["grep", "exists(a)", "c.ndjson", "-f", "csv"]);
    assert_eq!(
        r.stdout,
        "a,b,q,extra\n\"x,y\",\"{\"\"c\"\":1}\",\"say \"\"hi\"\"\",\nz,2,,true\n"
    );
    let r = s.run(&[
        "grep",
        "exists(nothing)",
        "c.ndjson",
        "-f",
        "csv",
        "--fields",
        "a,b",
    ]);
    assert_eq!((r.code, r.stdout.as_str()), (1, "a,b\n"));
}

#[test]
fn output_file_is_written_atomically() {
    let s = Scratch::new();
    s.file("p.ndjson", PAYMENTS);
    let r = s.run(&["grep", "level=ERROR", "p.ndjson", "-o", "out.ndjson"]);
    assert_eq!((r.code, r.stdout.as_str()), (0, ""));
    assert_eq!(s.read("out.ndjson").lines().count(), 2);
    let names: Vec<String> = std::fs::read_dir(s.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.iter().any(|n| n.ends_with(".obs-tmp")), "{names:?}");
    let r = s.run(&["grep", "level=ERROR", "p.ndjson", "-o", "p.ndjson"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("-o p.ndjson is also an input"),
        "{}",
        r.stderr
    );
    assert_eq!(s.read("p.ndjson"), PAYMENTS);
}
