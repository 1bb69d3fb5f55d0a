//! `obs grep`: matching, the expression language end to end, flags and exit codes.

use crate::{obs_stdin, Scratch, PAYMENTS};

fn ids(run: &crate::Run) -> Vec<String> {
    run.lines()
        .iter()
        .map(|l| {
            let v: serde_json::Value = serde_json::from_str(l).unwrap();
            v["payment_id"].as_str().unwrap_or("?").to_string()
        })
        .collect()
}

fn grep(expr: &str) -> Vec<String> {
    let s = Scratch::new();
    s.file("p.ndjson", PAYMENTS);
    let r = s.run(&["grep", expr, "p.ndjson"]);
    assert!(r.code == 0 || r.code == 1, "{expr}: {}", r.stderr);
    ids(&r)
}

#[test]
fn field_queries_from_the_issue() {
    assert_eq!(grep("level=ERROR and service=payment-service"), ["pay_1"]);
    assert_eq!(
        grep("amount>10000 and payment_method=UPI"),
        ["pay_1", "pay_4"]
    );
    assert_eq!(grep("http.status>=500"), ["pay_1", "pay_4"]);
    assert_eq!(grep(r#"message~~="(?i)GATEWAY""#), ["pay_1", "pay_4"]);
}

#[test]
fn escaped_values_are_not_lost_to_the_prefilter() {
    assert_eq!(grep("level=ERROR"), ["pay_1", "pay_3"]);
    assert_eq!(grep("level in (ERROR, WARN)"), ["pay_1", "pay_3", "pay_4"]);
}

#[test]
fn semantics_of_missing_fields_strings_and_arrays() {
    assert_eq!(grep("not payment_method=UPI"), ["pay_2", "pay_3"]);
    assert_eq!(grep("payment_method!=UPI"), ["pay_2"]);
    assert_eq!(
        grep("amount<5000"),
        ["pay_2", "pay_3", "pay_5"],
        "numeric string 2999.00"
    );
    assert_eq!(grep("tags=collect"), ["pay_5"]);
    assert_eq!(
        grep("exists(http) and not exists(http.status)"),
        Vec::<String>::new()
    );
    assert_eq!(
        grep("(level=INFO or level=WARN) and amount>100"),
        ["pay_2", "pay_4"]
    );
    assert_eq!(grep(r#"http["status"]=504"#), ["pay_1"]);
}

#[test]
fn output_is_byte_for_byte() {
    let s = Scratch::new();
    let crlf = PAYMENTS.replace('\n', "\r\n");
    s.file("p.ndjson", &crlf);
    let r = s.run(&["grep", "service=payment-service", "p.ndjson"]);
    assert_eq!(r.code, 0);
    let want: String = crlf
        .split_inclusive('\n')
        .filter(|l| l.contains("payment-service"))
        .map(|l| format!("{}\n", l.trim_end_matches('\n')))
        .collect();
    assert_eq!(r.stdout, want);
}

#[test]
fn invert_count_max_and_exit_codes() {
    let s = Scratch::new();
    s.file("p.ndjson", PAYMENTS);
    let r = s.run(&["grep", "-v", "payment_method=UPI", "p.ndjson"]);
    assert_eq!(ids(&r), ["pay_2", "pay_3"]);
    let r = s.run(&["grep", "-c", "payment_method=UPI", "p.ndjson"]);
    assert_eq!((r.code, r.stdout.as_str()), (0, "3\n"));
    let r = s.run(&["grep", "-m", "2", "exists(amount)", "p.ndjson"]);
    assert_eq!(ids(&r), ["pay_1", "pay_2"]);
    let r = s.run(&["grep", "level=FATAL", "p.ndjson"]);
    assert_eq!((r.code, r.stdout.as_str()), (1, ""));
    let r = s.run(&["grep", "-c", "level=FATAL", "p.ndjson"]);
    assert_eq!((r.code, r.stdout.as_str()), (1, "0\n"));
}

#[test]
fn raw_regex_alone_and_with_an_expression() {
    let s = Scratch::new();
    s.file("p.ndjson", PAYMENTS);
    let r = s.run(&["grep", "-e", "timeout|stock", "p.ndjson"]);
    assert_eq!(ids(&r), ["pay_1", "pay_3"]);
    let r = s.run(&[
        "grep",
        "-e",
        "timeout|stock",
        "--where",
        "service=order-service",
        "p.ndjson",
    ]);
    assert_eq!(ids(&r), ["pay_3"]);
    let r = s.run(&["grep", "-e", "gateway", "-e", "collect", "p.ndjson"]);
    assert_eq!(ids(&r), ["pay_1", "pay_4", "pay_5"]);
}

#[test]
fn fields_project_ndjson() {
    let s = Scratch::new();
    s.file("p.ndjson", PAYMENTS);
    let r = s.run(&[
        "grep",
        "level=ERROR",
        "p.ndjson",
        "--fields",
        "payment_id,http.status,nope",
    ]);
    assert_eq!(
        r.lines(),
        [
            r#"{"payment_id":"pay_1","http.status":504}"#,
            r#"{"payment_id":"pay_3"}"#
        ]
    );
}

#[test]
fn since_until_in_ist() {
    let s = Scratch::new();
    s.file("p.ndjson", PAYMENTS);
    let r = s.run(&[
        "grep",
        "exists(ts)",
        "p.ndjson",
        "--since",
        "2024-05-01T23:00:00",
        "--tz",
        "Asia/Kolkata",
    ]);
    assert_eq!(ids(&r), ["pay_4", "pay_5"]);
    let r = s.run(&[
        "grep",
        "exists(ts)",
        "p.ndjson",
        "--since",
        "2024-05-01",
        "--until",
        "2024-05-02",
        "--tz",
        "Asia/Kolkata",
    ]);
    assert_eq!(ids(&r), ["pay_1", "pay_2", "pay_3", "pay_4"]);
    let r = s.run(&[
        "grep",
        "exists(ts)",
        "p.ndjson",
        "--until",
        "2024-05-01T04:30:01Z",
    ]);
    assert_eq!(ids(&r), ["pay_1"]);
    let r = s.run(&["grep", "exists(ts)", "p.ndjson", "--since", "-1h"]);
    assert_eq!(r.code, 1, "2024 is more than an hour ago");
    let r = s.run(&["grep", "exists(ts)", "p.ndjson", "--since", "soonish"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("cannot read time 'soonish'"),
        "{}",
        r.stderr
    );
}

#[test]
fn time_field_and_epochs() {
    let s = Scratch::new();
    s.file(
        "e.ndjson",
        "{\"at\":1714537800000,\"n\":1}\n{\"at\":1714541400,\"n\":2}\n",
    );
    let r = s.run(&[
        "grep",
        "exists(n)",
        "e.ndjson",
        "--time-field",
        "at",
        "--since",
        "2024-05-01T05:00:00Z",
    ]);
    assert_eq!(r.lines(), [r#"{"at":1714541400,"n":2}"#]);
}

#[test]
fn in_file_lists() {
    let s = Scratch::new();
    s.file("p.ndjson", PAYMENTS);
    s.file("ids.txt", "pay_2\r\npay_5\n\n");
    let r = s.run(&["grep", "payment_id in @ids.txt", "p.ndjson"]);
    assert_eq!(ids(&r), ["pay_2", "pay_5"]);
}

#[test]
fn pipes_from_stdin() {
    let s = Scratch::new();
    let r = obs_stdin(
        s.path(),
        &["grep", "-c", r#"message~~="(?i)gateway timeout""#, "-"],
        PAYMENTS.as_bytes(),
    );
    assert_eq!((r.code, r.stdout.as_str()), (0, "1\n"));
    let first = obs_stdin(s.path(), &["grep", "amount>10000"], PAYMENTS.as_bytes());
    let second = obs_stdin(s.path(), &["grep", "http.status>=504"], &first.raw_stdout);
    assert_eq!(ids(&second), ["pay_1"]);
}

#[test]
fn usage_errors_exit_2_with_a_pointer() {
    let s = Scratch::new();
    s.file("p.ndjson", PAYMENTS);
    let r = s.run(&["grep", "amount>10000 and status>=", "p.ndjson"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .starts_with("obs: bad expression at 26: expected a value after '>='"),
        "{}",
        r.stderr
    );
    let r = s.run(&["grep", "level=ERROR", "missing.ndjson"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("missing.ndjson: no such file"),
        "{}",
        r.stderr
    );
    let r = s.run(&["grep", "level=ERROR", "p.ndjson", "--out-dir", "x"]);
    assert_eq!(r.code, 2);
    let r = s.run(&["grep", "level=ERROR", "p.ndjson", "--tz", "Asia/Bombay-ish"]);
    assert!(r.stderr.contains("unknown time zone"), "{}", r.stderr);
}

#[test]
fn log_format_timestamps_are_read_and_unreadable_ones_are_told() {
    let s = Scratch::new();
    s.file(
        "web.ndjson",
        concat!(
            "{\"timestamp\":\"17/May/2015:10:05:03 +0000\",\"path\":\"/a\"}\n",
            "{\"timestamp\":\"18/May/2015:10:05:03 +0000\",\"path\":\"/b\"}\n",
            "{\"timestamp\":\"2015-05-18 10:05:03,250\",\"path\":\"/c\"}\n",
            "{\"timestamp\":\"May 18 10:05:03\",\"path\":\"/d\"}\n",
            "{\"timestamp\":\"18.05.2015 10:05\",\"path\":\"/e\"}\n",
        ),
    );
    let r = s.run(&[
        "grep",
        "true",
        "web.ndjson",
        "--since",
        "2015-05-18",
        "--until",
        "2015-05-19",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let paths: Vec<&str> = r
        .lines()
        .iter()
        .map(|l| &l[l.len() - 4..l.len() - 2])
        .collect();
    assert_eq!(paths, ["/b", "/c"], "{}", r.stdout);
    // The syslog form has no year (it is read in this year), and one form is unknown: both
    // are said, never silently filtered.
    assert!(
        r.stderr
            .contains("1 record has a time field obs cannot read"),
        "{}",
        r.stderr
    );
    let r = s.run(&["aggregate", "web.ndjson", "--every", "1d"]);
    assert!(
        r.stdout
            .contains("{\"time\":\"2015-05-17T00:00:00+00:00\",\"count\":1}"),
        "{}",
        r.stdout
    );
    assert!(r.stderr.contains("in the null time bucket"), "{}", r.stderr);
    let r = s.run(&[
        "aggregate",
        "web.ndjson",
        "--every",
        "1d",
        "--time-format",
        "%d.%m.%Y %H:%M",
        "--since",
        "2015-01-01",
        "--until",
        "2016-01-01",
    ]);
    assert!(
        r.stdout
            .contains("{\"time\":\"2015-05-18T00:00:00+00:00\",\"count\":3}"),
        "{}",
        r.stdout
    );
    assert!(!r.stderr.contains("cannot read"), "{}", r.stderr);
    let r = s.run(&["grep", "true", "web.ndjson", "--time-format", "%Q"]);
    assert_eq!(r.code, 2);
}

#[test]
fn counts_per_file_names_of_files_and_silence_as_ripgrep() {
    let s = Scratch::new();
    s.file("a.ndjson", "{\"l\":\"E\"}\n{\"l\":\"I\"}\n{\"l\":\"E\"}\n");
    s.file("b.ndjson", "{\"l\":\"I\"}\n");
    s.file("c.ndjson", "{\"l\":\"E\"}\n");
    let r = s.run(&["grep", "-c", "l=E", "a.ndjson", "b.ndjson", "c.ndjson"]);
    assert_eq!(
        (r.code, r.stdout.as_str()),
        (0, "a.ndjson:2\nc.ndjson:1\n"),
        "{}",
        r.stderr
    );
    let r = s.run(&[
        "grep", "-c", "--total", "l=E", "a.ndjson", "b.ndjson", "c.ndjson",
    ]);
    assert_eq!(r.stdout, "3\n");
    let r = s.run(&["grep", "-c", "l=E", "a.ndjson"]);
    assert_eq!(r.stdout, "2\n", "one file, one number");
    let r = s.run(&["grep", "-l", "l=E", "a.ndjson", "b.ndjson", "c.ndjson"]);
    assert_eq!((r.code, r.stdout.as_str()), (0, "a.ndjson\nc.ndjson\n"));
    let r = s.run(&["grep", "-l", "l=X", "a.ndjson", "b.ndjson"]);
    assert_eq!((r.code, r.stdout.as_str()), (1, ""));
    let r = s.run(&["grep", "-q", "l=E", "a.ndjson", "b.ndjson"]);
    assert_eq!((r.code, r.stdout.as_str(), r.stderr.as_str()), (0, "", ""));
    let r = s.run(&["grep", "-q", "l=X", "a.ndjson"]);
    assert_eq!((r.code, r.stdout.as_str()), (1, ""));
    assert_eq!(s.run(&["grep", "-q", "-c", "l=E", "a.ndjson"]).code, 2);
    assert_eq!(
        s.run(&["grep", "--total", "l=E", "a.ndjson"]).code,
        2,
        "--total goes with -c"
    );
}

#[test]
fn ignore_case_folds_the_expression_and_the_raw_regexes() {
    let s = Scratch::new();
    s.file(
        "a.ndjson",
        "{\"level\":\"error\",\"msg\":\"Gateway Timeout\"}\n{\"level\":\"ERROR\",\"msg\":\"ok\"}\n{\"level\":\"INFO\",\"msg\":\"GATEWAY TIMEOUT\"}\n",
    );
    let r = s.run(&["grep", "-i", "-c", "level=Error", "a.ndjson"]);
    assert_eq!(r.stdout, "2\n", "{}", r.stderr);
    let r = s.run(&["grep", "-c", "level=Error", "a.ndjson"]);
    assert_eq!((r.code, r.stdout.as_str()), (1, "0\n"));
    let r = s.run(&["grep", "-i", "-c", "-e", "gateway timeout", "a.ndjson"]);
    assert_eq!(r.stdout, "2\n", "{}", r.stderr);
    let r = s.run(&[
        "grep",
        "-i",
        "-c",
        "msg~='gateway t' and level in (error)",
        "a.ndjson",
    ]);
    assert_eq!(r.stdout, "1\n", "{}", r.stderr);
}

#[test]
fn line_numbers_and_file_names_as_ripgrep_across_chunks_and_files() {
    let s = Scratch::new();
    let mut a = String::new();
    let mut expected = String::new();
    for i in 1..=3000 {
        let level = if i % 7 == 0 { "ERROR" } else { "INFO" };
        a.push_str(&format!("{{\"i\":{i},\"level\":\"{level}\"}}\n"));
        if i % 7 == 0 {
            expected.push_str(&format!("a.ndjson:{i}:{{\"i\":{i},\"level\":\"ERROR\"}}\n"));
        }
    }
    s.file("a.ndjson", &a);
    s.file("b.log", "x\nInvalid user y\n");
    expected.push_str("b.log:2:Invalid user y\n");
    let r = s.run(&[
        "grep",
        "-n",
        "-H",
        "-e",
        "ERROR|Invalid user",
        "a.ndjson",
        "b.log",
        "-j",
        "3",
        "--chunk-size",
        "4KiB",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout == expected,
        "{}",
        &r.stdout[..r.stdout.len().min(300)]
    );
    let r = s.run(&[
        "grep",
        "-n",
        "level=ERROR",
        "a.ndjson",
        "--fields",
        "i",
        "-m",
        "2",
    ]);
    assert_eq!(r.stdout, "7:{\"i\":7}\n14:{\"i\":14}\n", "{}", r.stderr);
    let r = s.run(&["grep", "-n", "level=ERROR", "a.ndjson", "-f", "csv"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("-n and -H prefix output lines"),
        "{}",
        r.stderr
    );
}

#[test]
fn context_lines_are_printed_as_gnu_grep_prints_them() {
    let s = Scratch::new();
    let mut a = String::new();
    for i in 1..=4000 {
        let what = if i % 97 == 0 || i % 101 == 0 {
            "Invalid user"
        } else {
            "ok"
        };
        a.push_str(&format!("line {i} {what}\n"));
    }
    s.file("a.log", &a);
    s.file("b.log", "Invalid user first\nok\nok\nok\nInvalid user last");
    for flags in [
        &["-C", "2"][..],
        &["-A", "3"],
        &["-B", "1"],
        &["-A", "1", "-B", "4"],
        &["-n", "-H", "-C", "1"],
    ] {
        let mut gnu = std::process::Command::new("grep");
        gnu.args(flags).args(["Invalid user", "a.log", "b.log"]);
        if !flags.contains(&"-H") {
            gnu.arg("-h");
        }
        let want = gnu.current_dir(s.path()).output().expect("GNU grep runs");
        let mut args = vec![
            "grep",
            "-e",
            "Invalid user",
            "a.log",
            "b.log",
            "-j",
            "3",
            "--chunk-size",
            "2KiB",
        ];
        args.extend_from_slice(flags);
        let r = s.run(&args);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(
            r.stdout.as_bytes() == want.stdout,
            "{flags:?}: {}",
            &r.stdout[..r.stdout.len().min(400)]
        );
    }
    let r = s.run(&["grep", "-C", "1", "-e", "x", "a.log", "-f", "csv"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("-A, -B and -C print raw lines"),
        "{}",
        r.stderr
    );
}
