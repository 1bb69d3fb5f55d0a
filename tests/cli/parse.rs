//! `obs parse` and `--parse` on grep and aggregate: access logs checked against the counts
//! published with a real log, logfmt, regexes, and the bad-input contract for lines that do
//! not parse.

use serde_json::{json, Value};

use crate::Scratch;

fn weblog() -> String {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/weblogs/apache_logs.gz")
        .to_str()
        .expect("utf-8")
        .to_string()
}

fn rows(stdout: &str) -> Vec<Value> {
    stdout
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn a_real_access_log_parses_to_its_published_counts_in_one_pass() {
    let s = Scratch::new();
    let log = weblog();
    let r = s.run(&[
        "aggregate",
        &log,
        "--parse",
        "combined",
        "--by",
        "response",
        "-f",
        "ndjson",
        "--stats",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        rows(&r.stdout),
        [
            json!({"response": 200, "count": 9125}),
            json!({"response": 206, "count": 45}),
            json!({"response": 301, "count": 164}),
            json!({"response": 304, "count": 445}),
            json!({"response": 403, "count": 2}),
            json!({"response": 404, "count": 213}),
            json!({"response": 416, "count": 2}),
            json!({"response": 500, "count": 3}),
        ]
    );
    assert!(
        r.stderr
            .contains("apache_logs.gz:8899: not a combined line: the quote of \"agent\""),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("read 10000 lines: 9999 aggregated + 0 filtered + 1 rejected"),
        "{}",
        r.stderr
    );
    let r = s.run(&[
        "aggregate",
        &log,
        "--parse",
        "combined",
        "--by",
        "verb",
        "--agg",
        "count, count_distinct(clientip)",
        "--sort",
        "count",
        "-f",
        "csv",
        "--on-error",
        "skip",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Distinct addresses per verb as a plain regex count over the same file gives them.
    assert_eq!(
        r.stdout,
        "verb,count,count_distinct(clientip)\nGET,9951,1736\nHEAD,42,18\nPOST,5,3\nOPTIONS,1,1\n"
    );
    let r = s.run(&[
        "aggregate",
        &log,
        "--parse",
        "combined",
        "--agg",
        "count_distinct(clientip)",
        "-f",
        "csv",
        "--on-error",
        "skip",
    ]);
    assert_eq!(r.stdout, "count_distinct(clientip)\n1753\n");
    let r = s.run(&[
        "aggregate",
        &log,
        "--parse",
        "combined",
        "--by",
        "clientip",
        "--top",
        "1",
        "-f",
        "csv",
        "--on-error",
        "skip",
    ]);
    assert_eq!(r.stdout, "clientip,count\n66.249.73.135,482\n");
}

#[test]
fn parsed_records_carry_their_time_for_windows_and_buckets() {
    let s = Scratch::new();
    let log = weblog();
    // 2015-05-17T10:05:03Z is the first line; a day's buckets in IST.
    let r = s.run(&[
        "aggregate",
        &log,
        "--parse",
        "combined",
        "--every",
        "1d",
        "--tz",
        "Asia/Kolkata",
        "-f",
        "csv",
        "--on-error",
        "skip",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines[0], "time,count");
    assert!(
        lines[1].starts_with("2015-05-17T00:00:00+05:30,"),
        "{}",
        r.stdout
    );
    let total: u64 = lines[1..]
        .iter()
        .map(|l| l.rsplit(',').next().unwrap().parse::<u64>().unwrap())
        .sum();
    assert_eq!(total, 9999);
    let r = s.run(&[
        "grep",
        "response>=500",
        &log,
        "--parse",
        "combined",
        "--since",
        "2015-05-18T00:00:00Z",
        "--until",
        "2015-05-19T00:00:00Z",
        "-f",
        "csv",
        "--fields",
        "@timestamp,clientip,request,response",
        "--on-error",
        "skip",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "@timestamp,clientip,request,response\n\
         2015-05-18T03:05:34.000Z,66.249.73.135,/misc/Title.php.txt,500\n\
         2015-05-18T15:05:42.000Z,66.249.73.135,/misc/Title.php.txt,500\n"
    );
}

#[test]
fn lines_that_do_not_parse_are_rejected_byte_for_byte_or_kept_tagged() {
    let s = Scratch::new();
    let good = "h - - [01/May/2024:10:00:00 +0000] \"GET / HTTP/1.1\" 200 5 \"-\" \"curl\"";
    let input = format!("{good}\nnot an access line\r\n\n{good}\n\u{1}\u{ff}odd\n");
    s.file("a.log", &input);
    let mut bad = input.as_bytes().to_vec();
    // A byte that is not UTF-8, on its own line.
    bad.extend_from_slice(b"h - - [t] \"\xff\" 200 1 \"-\" \"-\"\n");
    s.file("b.log", &bad);
    let r = s.run(&[
        "parse",
        "b.log",
        "--parse",
        "combined",
        "--rejects",
        "rej.log",
        "--rejects-reasons",
        "why.txt",
        "--stats",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(rows(&r.stdout).len(), 2);
    let rejected = std::fs::read(s.path().join("rej.log")).unwrap();
    assert_eq!(
        rejected,
        [
            &b"not an access line\r\n"[..],
            "\u{1}\u{ff}odd\n".as_bytes(),
            b"h - - [t] \"\xff\" 200 1 \"-\" \"-\"\n"
        ]
        .concat()
    );
    let why = std::fs::read_to_string(s.path().join("why.txt")).unwrap();
    assert_eq!(
        why,
        "b.log:2: not a combined line: no [time] at byte 15\n\
         b.log:5: not a combined line: no ident at byte 7\n\
         b.log:6: not a combined line: not UTF-8 at byte 12\n"
    );
    assert!(
        r.stderr
            .contains("read 6 lines from b.log: 2 emitted + 1 filtered + 3 rejected"),
        "{}",
        r.stderr
    );

    let r = s.run(&["parse", "a.log", "--parse", "combined", "--keep-unmatched"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = rows(&r.stdout);
    assert_eq!(out.len(), 4);
    assert_eq!(
        out[1],
        json!({"message": "not an access line", "tags": ["_grokparsefailure"]})
    );
    assert_eq!(out[3]["tags"], json!(["_grokparsefailure"]));
    assert!(r.stderr.is_empty(), "{}", r.stderr);

    let r = s.run(&[
        "parse",
        "a.log",
        "--parse",
        "combined",
        "--on-error",
        "fail",
    ]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("a.log:2: not a combined line"),
        "{}",
        r.stderr
    );
    assert_eq!(
        rows(&r.stdout).len(),
        1,
        "what precedes the bad line is written"
    );
}

#[test]
fn logfmt_raw_and_regex_lines_become_records() {
    let s = Scratch::new();
    s.file(
        "app.log",
        "ts=2024-05-01T10:00:00+05:30 level=error msg=\"upi \\\"timeout\\\"\" amount=2999.00 retried\n\
         ts=2024-05-01T10:01:00+05:30 level=info msg=ok amount=10\n",
    );
    let r = s.run(&["parse", "app.log", "--parse", "logfmt"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        rows(&r.stdout)[0],
        json!({"ts": "2024-05-01T10:00:00+05:30", "level": "error", "msg": "upi \"timeout\"",
               "amount": "2999.00", "retried": true, "@timestamp": "2024-05-01T04:30:00.000Z"})
    );
    let r = s.run(&[
        "grep",
        "amount>1000 and level=error",
        "app.log",
        "--parse",
        "logfmt",
        "-c",
    ]);
    assert_eq!(r.stdout, "1\n", "{}", r.stderr);
    let r = s.run(&[
        "aggregate",
        "app.log",
        "--parse",
        "logfmt",
        "--agg",
        "sum(amount)",
        "-f",
        "csv",
    ]);
    assert_eq!(r.stdout, "sum(amount)\n3009\n", "{}", r.stderr);

    s.file("sshd.log", "Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186\nDec 10 06:55:48 LabSZ sshd[24200]: Connection closed\n");
    let r = s.run(&[
        "grep",
        "message~='Invalid user'",
        "sshd.log",
        "--parse",
        "raw",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        rows(&r.stdout),
        [
            json!({"message": "Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186"})
        ]
    );
    let re = r"^(?P<time>\w+ +\d+ [\d:]+) (?P<host>\S+) (?P<program>[^\[:]+)(?:\[(?P<pid>\d+)\])?: (?P<message>.*)$";
    let r = s.run(&[
        "parse",
        "sshd.log",
        "--regex",
        re,
        "--tz",
        "Asia/Kolkata",
        "--time-format",
        "%Y %b %d %H:%M:%S",
        "-f",
        "csv",
        "--fields",
        "host,program,pid,message",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "host,program,pid,message\nLabSZ,sshd,24200,Invalid user webmaster from 173.234.31.186\nLabSZ,sshd,24200,Connection closed\n"
    );
}

#[test]
fn parse_refuses_what_it_cannot_do() {
    let s = Scratch::new();
    s.file("a.log", "x\n");
    let r = s.run(&["parse", "a.log"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("needs the lines' format"), "{}", r.stderr);
    let r = s.run(&["parse", "a.log", "--parse", "raw", "--regex", "(?P<a>x)"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let r = s.run(&["grep", "true", "a.log", "--keep-unmatched"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("--keep-unmatched goes with"),
        "{}",
        r.stderr
    );
    let r = s.run(&["parse", "a.log", "--regex", "x+"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("names no group"), "{}", r.stderr);
}

#[test]
fn parsing_gives_the_same_bytes_on_one_thread_and_many() {
    let s = Scratch::new();
    let log = weblog();
    let one = s.run(&[
        "parse",
        &log,
        "--parse",
        "combined",
        "-j",
        "1",
        "--chunk-size",
        "64KiB",
        "--on-error",
        "skip",
    ]);
    let many = s.run(&[
        "parse",
        &log,
        "--parse",
        "combined",
        "-j",
        "7",
        "--chunk-size",
        "4KiB",
        "--on-error",
        "skip",
    ]);
    assert_eq!(one.code, 0, "{}", one.stderr);
    assert_eq!(one.stdout.lines().count(), 9999);
    assert!(
        one.stdout == many.stdout,
        "outputs differ across threads and chunk sizes"
    );
}

#[test]
fn raw_regexes_search_any_text_as_ripgrep_does() {
    let s = Scratch::new();
    let text = "Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186\n\
                Dec 10 06:55:48 LabSZ sshd[24200]: Connection closed by 173.234.31.186\n\
                {\"level\":\"WARN\",\"message\":\"Invalid user in JSON\"}\n\
                {\"broken\": \n";
    s.file("auth.log", text);
    let r = s.run(&["grep", "-e", "Invalid user", "auth.log", "--stats"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186\n\
         {\"level\":\"WARN\",\"message\":\"Invalid user in JSON\"}\n"
    );
    assert!(
        r.stderr.contains("2 emitted + 2 filtered + 0 rejected"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("kept lines were written without decoding them"),
        "{}",
        r.stderr
    );
    let r = s.run(&["grep", "-c", "-v", "-e", "Invalid", "auth.log"]);
    assert_eq!(r.stdout, "2\n", "{}", r.stderr);
    // Reading a field, or --validate, decodes the lines again: text is then not JSON.
    let r = s.run(&[
        "grep",
        "-e",
        "Invalid user",
        "auth.log",
        "-f",
        "csv",
        "--validate",
    ]);
    assert!(
        r.stderr.contains("auth.log:1: invalid JSON"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("auth.log:4: invalid JSON"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("most lines are not JSON: --parse FORMAT"),
        "{}",
        r.stderr
    );
    assert_eq!(r.stdout, "level,message\nWARN,Invalid user in JSON\n");
}

#[test]
fn syslog_lines_of_both_rfcs_in_one_file() {
    let s = Scratch::new();
    s.file(
        "syslog",
        "<34>1 2024-05-01T04:30:00.003Z pay-1 upi-switch 4211 TXN [meta@32473 bank=\"HDFC\" vpa=\"a@okhdfc\"] collect timed out\n\
         <14>May  1 10:00:01 pay-1 cron[77]: job done\n\
         May  1 10:00:02 pay-2 sshd[24200]: Invalid user admin from 10.0.0.9\n\
         <999>broken\n",
    );
    let r = s.run(&[
        "parse",
        "syslog",
        "--parse",
        "syslog",
        "--rejects-reasons",
        "why.txt",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let out = rows(&r.stdout);
    assert_eq!(out.len(), 3);
    assert_eq!(
        out[0],
        json!({"priority": 34, "facility": 4, "severity": 2, "level": "crit", "version": 1,
               "timestamp": "2024-05-01T04:30:00.003Z", "hostname": "pay-1", "appname": "upi-switch",
               "procid": 4211, "msgid": "TXN",
               "structured_data": {"meta@32473": {"bank": "HDFC", "vpa": "a@okhdfc"}},
               "message": "collect timed out", "@timestamp": "2024-05-01T04:30:00.003Z"})
    );
    assert_eq!(out[1]["appname"], json!("cron"));
    assert_eq!(out[1]["severity"], json!(6));
    assert!(out[2].get("priority").is_none(), "no PRI, no priority");
    assert!(
        out[2]["@timestamp"].is_string(),
        "a year-less time still gets one"
    );
    let r = s.run(&[
        "parse",
        "syslog",
        "--parse",
        "syslog",
        "--year",
        "2023",
        "--tz",
        "Asia/Kolkata",
        "--on-error",
        "skip",
        "-f",
        "csv",
        "--fields",
        "@timestamp",
    ]);
    assert_eq!(
        r.stdout,
        "@timestamp\n2024-05-01T04:30:00.003Z\n2023-05-01T04:30:01.000Z\n2023-05-01T04:30:02.000Z\n",
        "{}",
        r.stderr
    );
    assert_eq!(
        std::fs::read_to_string(s.path().join("why.txt")).unwrap(),
        "syslog:4: not a syslog line: PRI <999> is not a number from 0 to 191\n"
    );
    let r = s.run(&[
        "grep",
        "structured_data.meta@32473.bank=HDFC",
        "syslog",
        "--parse",
        "syslog",
        "-c",
        "--on-error",
        "skip",
    ]);
    assert_eq!(r.stdout, "1\n", "{}", r.stderr);
}

#[test]
fn dissect_patterns_read_lines_without_regexes() {
    let s = Scratch::new();
    s.file(
        "app.log",
        "2024-05-01 10:00:00,123 ERROR [payment-service] UPI collect timed out\n\
         2024-05-01 10:00:01,007 INFO [order-service] order placed\n\
         garbage\n",
    );
    let r = s.run(&[
        "parse",
        "app.log",
        "--dissect",
        "%{ts} %{+ts} %{level->} [%{service}] %{message}",
        "--tz",
        "Asia/Kolkata",
        "--keep-unmatched",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        rows(&r.stdout),
        [
            json!({"ts": "2024-05-01 10:00:00,123", "level": "ERROR", "service": "payment-service",
                   "message": "UPI collect timed out", "@timestamp": "2024-05-01T04:30:00.123Z"}),
            json!({"ts": "2024-05-01 10:00:01,007", "level": "INFO", "service": "order-service",
                   "message": "order placed", "@timestamp": "2024-05-01T04:30:01.007Z"}),
            json!({"message": "garbage", "tags": ["_grokparsefailure"]}),
        ]
    );
    let r = s.run(&["parse", "app.log", "--dissect", "%{a}%{b}"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("bad --dissect"), "{}", r.stderr);
}

#[test]
fn fields_profiles_every_path_of_json_or_parsed_input() {
    let s = Scratch::new();
    s.file(
        "a.ndjson",
        "{\"level\":\"ERROR\",\"amount\":100,\"card\":{\"network\":\"VISA\"}}\n\
         {\"level\":\"INFO\",\"amount\":\"n/a\"}\n\
         {\"level\":\"ERROR\",\"amount\":5.5}\n\
         not json\n",
    );
    let r = s.run(&["fields", "a.ndjson", "-f", "ndjson", "--on-error", "skip"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        rows(&r.stdout),
        [
            json!({"field": "level", "types": ["string"], "present": 100.0, "records": 3,
                   "distinct": 2, "top": ["ERROR (2)", "INFO (1)"], "min": null, "max": null}),
            json!({"field": "amount", "types": ["number", "string"], "present": 100.0,
                   "records": 3, "distinct": 3, "top": [], "min": 5.5, "max": 100}),
            json!({"field": "card", "types": ["object"], "present": 33.3, "records": 1,
                   "distinct": null, "top": [], "min": null, "max": null}),
            json!({"field": "card.network", "types": ["string"], "present": 33.3, "records": 1,
                   "distinct": 1, "top": [], "min": null, "max": null}),
        ]
    );
    let r = s.run(&[
        "fields",
        &weblog(),
        "--parse",
        "combined",
        "-f",
        "csv",
        "--top",
        "1",
        "--on-error",
        "skip",
        "-j",
        "3",
        "--chunk-size",
        "16KiB",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let one = s.run(&[
        "fields",
        &weblog(),
        "--parse",
        "combined",
        "-f",
        "csv",
        "--top",
        "1",
        "--on-error",
        "skip",
        "-j",
        "1",
    ]);
    assert!(
        one.stdout == r.stdout,
        "the profile does not depend on threads or chunks"
    );
    assert!(
        r.stdout
            .contains("\nclientip,string,100.0,9999,1753,66.249.73.135 (482),,\n"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("\nresponse,number,100.0,9999,8,200 (9125),200,500\n"),
        "{}",
        r.stdout
    );
}

#[test]
fn auto_chooses_each_files_format_and_says_so() {
    let s = Scratch::new();
    s.file("d/app.ndjson", "{\"level\":\"ERROR\"}\n");
    s.file("d/app.logfmt", "level=ERROR msg=x\nlevel=INFO msg=y\n");
    s.file(
        "d/auth.log",
        "May  1 10:00:02 pay-2 sshd[24200]: Invalid user admin\n",
    );
    s.file("d/notes.txt", "ERROR is a word here\n");
    let r = s.run(&["fields", "d", "--parse", "auto", "-f", "csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for said in [
        "d/app.logfmt: --parse auto chose logfmt (2 of 2 first lines)",
        "d/app.ndjson: --parse auto chose json (1 of 1 first lines)",
        "d/auth.log: --parse auto chose syslog (1 of 1 first lines)",
        "d/notes.txt: --parse auto chose raw (1 of 1 first lines)",
    ] {
        assert!(r.stderr.contains(said), "{said}: {}", r.stderr);
    }
    let r = s.run(&[
        "grep",
        "level=ERROR or message~=ERROR",
        "d",
        "--parse",
        "auto",
        "-c",
        "--total",
        "--quiet",
    ]);
    assert_eq!((r.code, r.stdout.as_str()), (0, "3\n"), "{}", r.stderr);
}
