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

#[test]
fn pretty_view_marks_the_zone_follows_tz_and_escapes_control_characters() {
    let s = Scratch::new();
    s.file(
        "e.ndjson",
        "{\"ts\":\"2024-05-01T10:00:00+05:30\",\"level\":\"ERROR\",\"message\":\"bad \\u001b[31mred\\u001b[0m\\nsecond\",\"k\":\"a\\tb\"}\n",
    );
    let args = [
        "grep", "true", "e.ndjson", "-f", "pretty", "--color", "never",
    ];
    let r = s.run(&args);
    // No live escape from the data, no record split over two lines.
    assert!(!r.stdout.contains('\u{1b}'), "{:?}", r.stdout);
    assert_eq!(r.stdout.lines().count(), 1, "{:?}", r.stdout);
    assert!(
        r.stdout.contains("bad \\u{1b}[31mred\\u{1b}[0m\\nsecond"),
        "{}",
        r.stdout
    );
    // The reader's zone (TZ), marked; --tz wins over it; `local` is accepted.
    let r = crate::Run::from_output(
        crate::obs_cmd(s.path())
            .env("TZ", "Asia/Kolkata")
            .args(args)
            .output()
            .unwrap(),
    );
    assert!(
        r.stdout.starts_with("2024-05-01 10:00:00.000+05:30 ERROR"),
        "{}",
        r.stdout
    );
    let mut ny = args.to_vec();
    ny.extend(["--tz", "America/New_York"]);
    let r = crate::Run::from_output(
        crate::obs_cmd(s.path())
            .env("TZ", "Asia/Kolkata")
            .args(&ny)
            .output()
            .unwrap(),
    );
    assert!(
        r.stdout.starts_with("2024-05-01 00:30:00.000-04:00"),
        "{}",
        r.stdout
    );
    let mut local = args.to_vec();
    local.extend(["--tz", "local"]);
    let r = crate::Run::from_output(
        crate::obs_cmd(s.path())
            .env("TZ", "Asia/Kolkata")
            .args(&local)
            .output()
            .unwrap(),
    );
    assert!(
        r.stdout.starts_with("2024-05-01 10:00:00.000+05:30"),
        "{} {}",
        r.stdout,
        r.stderr
    );
}
