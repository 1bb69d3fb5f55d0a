use serde_json::{json, Value};

use super::*;

/// The record `line` decodes to with `d`, and its time as read.
fn decode(d: &dyn Decoder, line: &str) -> Result<(Value, Option<String>), ParseError> {
    let mut buf = Vec::new();
    let mut obj = Object::open(&mut buf);
    let time = d.decode(line, &mut obj)?.map(|t| t.into_owned());
    obj.close();
    let v = serde_json::from_slice(&buf).expect("decoders write JSON");
    Ok((v, time))
}

#[test]
fn combined_lines_have_logstash_legacy_names_and_numbers() {
    let d = decoder(Some(LineFormat::Combined), None)
        .expect("builds")
        .expect("a decoder");
    let line = r#"83.149.9.216 - frank [17/May/2015:10:05:03 +0000] "GET /a?b=1 HTTP/1.1" 200 203023 "http://x/" "Mozilla/5.0 (X; \"Y\")""#;
    let (v, time) = decode(d.as_ref(), line).expect("parses");
    assert_eq!(
        v,
        json!({"clientip": "83.149.9.216", "ident": "-", "auth": "frank",
               "timestamp": "17/May/2015:10:05:03 +0000", "verb": "GET", "request": "/a?b=1",
               "httpversion": "1.1", "response": 200, "bytes": 203023,
               "referrer": "http://x/", "agent": "Mozilla/5.0 (X; \"Y\")"})
    );
    assert_eq!(time.as_deref(), Some("17/May/2015:10:05:03 +0000"));
}

#[test]
fn access_logs_keep_odd_requests_and_nginx_additions() {
    let d = decoder(Some(LineFormat::Combined), None)
        .expect("builds")
        .expect("a decoder");
    let line = r#"10.0.0.1 - - [01/May/2024:10:00:00 +0530] "\x16\x03\x01" 400 - "-" "-" 0.042 0.040 rt=0.042 cache=HIT junk"#;
    let (v, _) = decode(d.as_ref(), line).expect("parses");
    assert_eq!(v["rawrequest"], json!("\\x16\\x03\\x01"));
    assert_eq!(v.get("bytes"), None, "a size of - is no size");
    assert_eq!(v["request_time"], json!(0.042));
    assert_eq!(v["upstream_response_time"], json!(0.040));
    assert_eq!(v["rt"], json!(0.042));
    assert_eq!(v["cache"], json!("HIT"));
    assert_eq!(v["extra"], json!("junk"));
    let common = decoder(Some(LineFormat::Common), None)
        .expect("builds")
        .expect("a decoder");
    let (v, _) = decode(
        common.as_ref(),
        r#"h - - [01/May/2024:10:00:00 +0000] "GET / HTTP/1.0" 304 0"#,
    )
    .expect("parses");
    assert_eq!(v["response"], json!(304));
    assert_eq!(v["bytes"], json!(0));
    assert_eq!(v.get("referrer"), None);
}

#[test]
fn broken_access_lines_say_what_is_wrong() {
    let d = decoder(Some(LineFormat::Combined), None)
        .expect("builds")
        .expect("a decoder");
    let cut = r#"1.2.3.4 - - [17/May/2015:10:05:03 +0000] "GET / HTTP/1.1" 200 10 "-" "Mozilla"#;
    let e = decode(d.as_ref(), cut).expect_err("does not parse");
    assert!(
        e.to_string()
            .starts_with("not a combined line: the quote of \"agent\""),
        "{e}"
    );
    for (line, says) in [
        ("", "no client address"),
        ("1.2.3.4 - - 17/May/2015 \"GET /\" 200 1", "no [time]"),
        (r#"1.2.3.4 - - [t] "GET /" 20x 1 "-" "-""#, "status '20x'"),
        (r#"1.2.3.4 - - [t] "GET /" 200 1k "-" "-""#, "size '1k'"),
        (r#"1.2.3.4 - - [t] "GET /" 200 1"#, "no \"referrer\""),
    ] {
        let e = decode(d.as_ref(), line).expect_err("does not parse");
        assert!(e.why.contains(says), "{line}: {e}");
    }
}

#[test]
fn logfmt_reads_quotes_escapes_bare_keys_and_keeps_the_last_of_a_key() {
    let d = decoder(Some(LineFormat::Logfmt), None)
        .expect("builds")
        .expect("a decoder");
    let (v, time) = decode(
        d.as_ref(),
        r#"ts=2024-05-01T10:00:00Z level=info msg="paid \"fast\"\n" path= ok n=1 n=2 u="\u20b9""#,
    )
    .expect("parses");
    assert_eq!(
        v,
        json!({"ts": "2024-05-01T10:00:00Z", "level": "info", "msg": "paid \"fast\"\n",
               "path": "", "ok": true, "n": "2", "u": "₹"})
    );
    assert_eq!(time.as_deref(), Some("2024-05-01T10:00:00Z"));
    for (line, says) in [
        (r#"a="open"#, "is not closed"),
        ("=x", "no key"),
        (r#"a"b=1"#, "a quote inside key"),
        (r#"a="\uzz""#, "bad \\u escape"),
    ] {
        let e = decode(d.as_ref(), line).expect_err("does not parse");
        assert!(e.why.contains(says), "{line}: {e}");
    }
}

#[test]
fn regex_groups_become_fields_and_absent_groups_stay_absent() {
    let d = decoder(
        None,
        Some(UserPattern::Regex(
            r"^(?P<ts>\S+) (?P<level>[A-Z]+)(?: code=(?P<code>\d+))? (?P<message>.*)$",
        )),
    )
    .expect("parses")
    .expect("parses");
    let (v, time) = decode(d.as_ref(), "2024-05-01T10:00:00Z WARN slow \"db\"").expect("parses");
    assert_eq!(
        v,
        json!({"ts": "2024-05-01T10:00:00Z", "level": "WARN", "message": "slow \"db\""})
    );
    assert_eq!(time.as_deref(), Some("2024-05-01T10:00:00Z"));
    assert!(decode(d.as_ref(), "no")
        .expect_err("does not parse")
        .why
        .contains("does not match"));
    assert!(decoder(None, Some(UserPattern::Regex(r"\d+")))
        .err()
        .expect("parses")
        .contains("names no group"));
    assert!(decoder(None, Some(UserPattern::Regex(r"(")))
        .err()
        .expect("parses")
        .starts_with("bad --regex"));
}

#[test]
fn raw_lines_are_messages_and_json_needs_no_decoder() {
    let d = decoder(Some(LineFormat::Raw), None)
        .expect("builds")
        .expect("a decoder");
    assert_eq!(
        decode(d.as_ref(), "Invalid user \"x\"").expect("parses"),
        (json!({"message": "Invalid user \"x\""}), None)
    );
    assert!(decoder(Some(LineFormat::Json), None)
        .expect("parses")
        .is_none());
    assert!(decoder(None, None).expect("parses").is_none());
}

#[test]
fn json_numbers_are_told_from_other_text() {
    for n in ["0", "-1", "12", "0.5", "1e3", "-2.5E-3"] {
        assert!(object::is_json_number(n), "{n}");
    }
    for s in ["", "-", "012", ".5", "1.", "1e", "0x1", "1,5", "NaN", " 1"] {
        assert!(!object::is_json_number(s), "{s}");
    }
}

#[test]
fn syslog_5424_lines_keep_structured_data_and_leave_nil_values_out() {
    let d = decoder(Some(LineFormat::Syslog), None)
        .expect("builds")
        .expect("a decoder");
    // RFC 5424's own examples (section 6.5), the second with structured data.
    let (v, time) = decode(
        d.as_ref(),
        "<34>1 2003-10-11T22:14:15.003Z mymachine.example.com su - ID47 - \u{feff}'su root' failed for lonvick on /dev/pts/8",
    )
    .expect("parses");
    assert_eq!(
        v,
        json!({"priority": 34, "facility": 4, "severity": 2, "level": "crit", "version": 1,
               "timestamp": "2003-10-11T22:14:15.003Z", "hostname": "mymachine.example.com",
               "appname": "su", "msgid": "ID47",
               "message": "'su root' failed for lonvick on /dev/pts/8"})
    );
    assert_eq!(time.as_deref(), Some("2003-10-11T22:14:15.003Z"));
    let (v, _) = decode(
        d.as_ref(),
        r#"<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 [exampleSDID@32473 iut="3" eventSource="Application \"x\" \]" eventID="1011"][examplePriority@32473 class="high"] An application event"#,
    )
    .expect("parses");
    assert_eq!(
        v["structured_data"],
        json!({"exampleSDID@32473": {"iut": "3", "eventSource": "Application \"x\" ]", "eventID": "1011"},
               "examplePriority@32473": {"class": "high"}})
    );
    assert_eq!(v["message"], json!("An application event"));
    assert_eq!(v["level"], json!("notice"));
    assert_eq!(v.get("procid"), None, "a NILVALUE is no value");
    let (v, time) = decode(d.as_ref(), "<13>1 - - - - - -").expect("parses");
    assert_eq!(
        v,
        json!({"priority": 13, "facility": 1, "severity": 5, "level": "notice", "version": 1})
    );
    assert_eq!(time, None);
}

#[test]
fn syslog_3164_lines_with_or_without_pri() {
    let d = decoder(Some(LineFormat::Syslog), None)
        .expect("builds")
        .expect("a decoder");
    let (v, time) = decode(
        d.as_ref(),
        "Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186",
    )
    .expect("parses");
    assert_eq!(
        v,
        json!({"timestamp": "Dec 10 06:55:46", "hostname": "LabSZ", "appname": "sshd",
               "procid": 24200, "message": "Invalid user webmaster from 173.234.31.186"})
    );
    assert_eq!(time.as_deref(), Some("Dec 10 06:55:46"));
    let (v, _) = decode(
        d.as_ref(),
        "<86>Jun  9 03:03:55 combo su(pam_unix)[21416]: session opened for user cyrus",
    )
    .expect("parses");
    assert_eq!(v["severity"], json!(6));
    assert_eq!(v["timestamp"], json!("Jun  9 03:03:55"));
    assert_eq!(v["appname"], json!("su(pam_unix)"));
    assert_eq!(v["procid"], json!(21416));
    let (v, _) = decode(
        d.as_ref(),
        "2024-05-01T10:00:00.123+05:30 web-1 kernel: eth0 up",
    )
    .expect("parses");
    assert_eq!(v["timestamp"], json!("2024-05-01T10:00:00.123+05:30"));
    assert_eq!(v["appname"], json!("kernel"));
    assert_eq!(v["message"], json!("eth0 up"));
    for (line, says) in [
        ("<999>1 - - - - - -", "PRI <999>"),
        ("<34 hello", "opens no <PRI>"),
        ("hello world", "no timestamp"),
        ("<34>1 - h a p m junk", "no structured data"),
        (r#"<34>1 - h a p m [id k="v"#, "not closed"),
    ] {
        let e = decode(d.as_ref(), line).expect_err("does not parse");
        assert!(e.why.contains(says), "{line}: {e}");
    }
}

#[test]
fn dissect_splits_on_delimiters_appends_skips_and_pads() {
    let dissect = |p: &str| {
        decoder(None, Some(UserPattern::Dissect(p)))
            .expect("builds")
            .expect("a decoder")
    };
    // Elastic's documentation example.
    let d = dissect(
        r#"%{clientip} %{ident} %{auth} [%{@timestamp}] "%{verb} %{request} HTTP/%{httpversion}" %{status} %{size}"#,
    );
    let (v, time) = decode(
        d.as_ref(),
        r#"1.2.3.4 - - [30/Apr/1998:22:00:52 +0000] "GET /english/venues/cities/images/montpellier/18.gif HTTP/1.0" 200 3171"#,
    )
    .expect("parses");
    assert_eq!(
        v,
        json!({"clientip": "1.2.3.4", "ident": "-", "auth": "-",
               "@timestamp": "30/Apr/1998:22:00:52 +0000", "verb": "GET",
               "request": "/english/venues/cities/images/montpellier/18.gif",
               "httpversion": "1.0", "status": "200", "size": "3171"})
    );
    assert_eq!(time.as_deref(), Some("30/Apr/1998:22:00:52 +0000"));
    let d = dissect("%{ts} %{+ts} %{+ts} %{?host} %{level->} %{*k}=%{&k} %{msg}");
    let (v, time) = decode(
        d.as_ref(),
        "May 01 10:00:00 web-1 INFO    upi=ok paid in full",
    )
    .expect("parses");
    assert_eq!(
        v,
        json!({"ts": "May 01 10:00:00", "level": "INFO", "upi": "ok", "msg": "paid in full"})
    );
    assert_eq!(time.as_deref(), Some("May 01 10:00:00"));
    let e = decode(d.as_ref(), "May").expect_err("does not parse");
    assert!(e.why.contains("no ' ' after the part for %{ts}"), "{e}");
    for (p, says) in [
        ("plain", "no %{key}"),
        ("%{a", "not closed"),
        ("%{a}%{b}", "nothing between them"),
        ("%{+} x", "has no name"),
        ("%{*k} %{v}", "has no %{&k}"),
    ] {
        let e = decoder(None, Some(UserPattern::Dissect(p)))
            .err()
            .expect("refused");
        assert!(e.contains(says), "{p}: {e}");
    }
}

#[test]
fn access_log_times_are_read_by_their_own_rule() {
    assert_eq!(
        clf::http_date("17/May/2015:10:05:03 +0000"),
        Some(1_431_857_103_000)
    );
    assert_eq!(
        clf::http_date("01/May/2024:10:00:00 +0530"),
        Some(1_714_537_800_000)
    );
    assert_eq!(
        clf::http_date("31/Dec/1999:23:59:59 -0800"),
        Some(946_713_599_000)
    );
    for bad in [
        "17/Mai/2015:10:05:03 +0000",
        "32/May/2015:10:05:03 +0000",
        "17/May/2015:10:05:03",
        "17/May/2015:1x:05:03 +0000",
    ] {
        assert_eq!(clf::http_date(bad), None, "{bad}");
    }
}

#[test]
fn auto_tells_formats_apart_from_first_lines() {
    use super::sniff::sniff;
    let pick = |text: &str| sniff(text.as_bytes()).format;
    assert_eq!(pick("{\"a\":1}\n{\"a\":2}\n"), LineFormat::Json);
    assert_eq!(
        pick("1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"GET / HTTP/1.1\" 200 5 \"-\" \"curl\"\n"),
        LineFormat::Combined
    );
    assert_eq!(
        pick("1.2.3.4 - - [17/May/2015:10:05:03 +0000] \"GET / HTTP/1.1\" 200 5\n"),
        LineFormat::Common
    );
    assert_eq!(
        pick("<34>1 2003-10-11T22:14:15.003Z host su - ID47 - hi\n"),
        LineFormat::Syslog
    );
    assert_eq!(
        pick("Jun 14 15:16:01 combo sshd(pam_unix)[19939]: check pass\n"),
        LineFormat::Syslog
    );
    assert_eq!(
        pick("level=info msg=\"ok\" n=1\nlevel=warn msg=slow\n"),
        LineFormat::Logfmt
    );
    assert_eq!(
        pick("hello world\nsecond line\n"),
        LineFormat::Raw,
        "bare words are no logfmt"
    );
    assert_eq!(pick(""), LineFormat::Raw);
    // One odd line in five does not change the choice; a cut last line is not looked at.
    let s = sniff(b"{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n{\"a\":4}\nnot json\n{\"a\":");
    assert_eq!((s.format, s.read, s.of), (LineFormat::Json, 4, 5));
}
