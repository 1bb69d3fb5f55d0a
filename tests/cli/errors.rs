//! Bad input is never silently lost: every case of DESIGN.md §3 has a defined, tested outcome.

use std::io::Read;
use std::process::Stdio;

use crate::{gzip, obs_cmd, Scratch};

const MIXED: &[u8] = b"{\"n\":1,\"level\":\"ERROR\"}\nnot json at all\n{\"n\":2,\"level\":\"ERROR\"\n[1,2,3]\n{\"n\":3,\"level\":\"INFO\"}\n\n{\"n\":4,\"level\":\"ERROR\",\"bad\":\"\xff\"}\n{\"n\":5,\"level\":\"ERROR\"}";

/// Parses `read N lines …: E emitted + F filtered + R rejected` from --stats.
fn stats(stderr: &str) -> (u64, u64, u64, u64) {
    let line = stderr
        .lines()
        .find(|l| l.contains(" emitted + "))
        .expect(stderr);
    let nums: Vec<u64> = line
        .split(|c: char| !c.is_ascii_digit())
        .filter(|t| !t.is_empty())
        .map(|t| t.parse().unwrap())
        .collect();
    let n = nums.len();
    (nums[0], nums[n - 3], nums[n - 2], nums[n - 1])
}

#[test]
fn report_counts_and_points_at_lines() {
    let s = Scratch::new();
    s.file("m.ndjson", MIXED);
    let r = s.run(&["grep", "--validate", "--stats", "level=ERROR", "m.ndjson"]);
    assert_eq!(r.code, 0);
    assert_eq!(
        r.lines(),
        [
            "{\"n\":1,\"level\":\"ERROR\"}",
            "{\"n\":5,\"level\":\"ERROR\"}"
        ]
    );
    assert!(
        r.stderr.contains("obs: m.ndjson:2: invalid JSON"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("obs: m.ndjson:3: invalid JSON: EOF while parsing"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("obs: m.ndjson:4: not a JSON object (the line is an array)"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .contains("obs: m.ndjson:7: invalid UTF-8 at column 31"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("4 lines rejected"), "{}", r.stderr);
    let (read, emitted, filtered, rejected) = stats(&r.stderr);
    assert_eq!((read, emitted, filtered, rejected), (8, 2, 2, 4));
    assert_eq!(read, emitted + filtered + rejected);
}

#[test]
fn prefilter_mode_finds_only_what_it_decodes_and_says_so() {
    let s = Scratch::new();
    s.file("m.ndjson", MIXED);
    let r = s.run(&["grep", "--stats", "level=ERROR", "m.ndjson"]);
    let (read, emitted, filtered, rejected) = stats(&r.stderr);
    assert_eq!(read, emitted + filtered + rejected);
    assert_eq!(
        (emitted, rejected),
        (2, 2),
        "lines 3 and 7 contain ERROR: decoded, rejected"
    );
    assert!(
        r.stderr.contains("raw-byte prefilter (ERROR)"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("--validate"), "{}", r.stderr);
}

#[test]
fn rejects_file_keeps_lines_exactly_as_read() {
    let s = Scratch::new();
    s.file("m.ndjson", MIXED);
    let r = s.run(&[
        "grep",
        "--validate",
        "--on-error",
        "skip",
        "--rejects",
        "bad.ndjson",
        "--rejects-reasons",
        "why.txt",
        "exists(n)",
        "m.ndjson",
    ]);
    assert_eq!(r.code, 0);
    assert_eq!(r.stderr, "", "skip prints nothing");
    let bad = std::fs::read(s.path().join("bad.ndjson")).unwrap();
    assert_eq!(
        bad,
        b"not json at all\n{\"n\":2,\"level\":\"ERROR\"\n[1,2,3]\n{\"n\":4,\"level\":\"ERROR\",\"bad\":\"\xff\"}\n"
    );
    let why = s.read("why.txt");
    let sites: Vec<&str> = why.lines().map(|l| l.split(": ").next().unwrap()).collect();
    assert_eq!(
        sites,
        ["m.ndjson:2", "m.ndjson:3", "m.ndjson:4", "m.ndjson:7"]
    );
}

#[test]
fn fail_stops_at_the_first_bad_line_after_writing_what_precedes_it() {
    let s = Scratch::new();
    s.file("m.ndjson", MIXED);
    let r = s.run(&[
        "grep",
        "--on-error",
        "fail",
        "--validate",
        "exists(n)",
        "m.ndjson",
    ]);
    assert_eq!(r.code, 2);
    assert_eq!(r.lines(), ["{\"n\":1,\"level\":\"ERROR\"}"]);
    assert!(
        r.stderr.starts_with("obs: m.ndjson:2: invalid JSON"),
        "{}",
        r.stderr
    );
}

#[test]
fn crlf_bom_no_final_newline_empty_file() {
    let s = Scratch::new();
    s.file(
        "bom.ndjson",
        b"\xEF\xBB\xBF{\"a\":1}\r\n{\"a\":2}\r\n{\"a\":3}",
    );
    s.file("empty.ndjson", b"");
    let r = s.run(&["grep", "--stats", "a>=1", "bom.ndjson", "empty.ndjson"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.raw_stdout,
        b"\xEF\xBB\xBF{\"a\":1}\r\n{\"a\":2}\r\n{\"a\":3}\n"
    );
    assert_eq!(stats(&r.stderr), (3, 3, 0, 0));
    let r = s.run(&["grep", "--stats", "a>=1", "empty.ndjson"]);
    assert_eq!(r.code, 1);
    assert_eq!(stats(&r.stderr), (0, 0, 0, 0));
}

#[test]
fn a_very_long_line_passes_whole() {
    let s = Scratch::new();
    let big = "x".repeat(12 << 20);
    let content = format!("{{\"a\":1}}\n{{\"a\":2,\"blob\":\"{big}\"}}\n{{\"a\":3}}\n");
    s.file("big.ndjson", &content);
    for extra in [&[][..], &["--no-mmap"][..]] {
        let mut args = vec!["grep", "a=2", "big.ndjson", "--chunk-size", "4096"];
        args.extend_from_slice(extra);
        let r = s.run(&args);
        assert_eq!(r.code, 0);
        assert_eq!(r.stdout.len(), big.len() + 18);
    }
}

#[test]
fn mistyped_values_compare_as_documented() {
    let s = Scratch::new();
    s.file("t.ndjson", "{\"amount\":\"2999.00\"}\n{\"amount\":\"n/a\"}\n{\"amount\":true}\n{\"amount\":[5000,1]}\n{\"amount\":{\"v\":1}}\n");
    let r = s.run(&["grep", "amount>1000", "t.ndjson"]);
    assert_eq!(
        r.lines(),
        ["{\"amount\":\"2999.00\"}", "{\"amount\":[5000,1]}"]
    );
}

#[test]
fn truncated_gzip_processes_what_is_readable_then_fails() {
    let s = Scratch::new();
    let body: String = (0..20000)
        .map(|i| format!("{{\"i\":{i},\"pad\":\"{}\"}}\n", "p".repeat(40)))
        .collect();
    let gz = gzip(body.as_bytes());
    s.file("cut.ndjson.gz", &gz[..gz.len() * 2 / 3]);
    let r = s.run(&[
        "grep",
        "--stats",
        "--rejects",
        "bad.ndjson",
        "exists(i)",
        "cut.ndjson.gz",
    ]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("gzip stream is damaged after"),
        "{}",
        r.stderr
    );
    let got = r.lines();
    assert!(got.len() > 1000, "lines before the damage are written");
    for (i, l) in got.iter().enumerate() {
        assert!(
            l.starts_with(&format!("{{\"i\":{i},")),
            "line {i} out of order"
        );
    }
    // The run failed (exit 2), so it commits no rejects file; the accounting is still told.
    assert!(!s.path().join("bad.ndjson").exists());
    assert!(r.stderr.contains(" emitted + "), "{}", r.stderr);
}

#[test]
fn closed_pipe_ends_quietly() {
    let s = Scratch::new();
    let body: String = (0..200_000).map(|i| format!("{{\"i\":{i}}}\n")).collect();
    s.file("many.ndjson", &body);
    let mut child = obs_cmd(s.path())
        .args(["grep", "exists(i)", "many.ndjson"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut out = child.stdout.take().unwrap();
    let mut first = [0u8; 16];
    out.read_exact(&mut first).unwrap();
    drop(out);
    let status = child.wait().unwrap();
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert_eq!(status.code(), Some(0), "{err}");
    assert_eq!(err, "");
}

#[test]
fn each_message_is_said_once_and_names_its_file() {
    let s = Scratch::new();
    s.file("a.ndjson", "{\"a\":1}\n");
    let gz = gzip(b"{\"a\":1}\n{\"a\":2}\n");
    s.file("cut.gz", &gz[..gz.len() - 6]);
    for (args, said) in [
        (
            vec!["grep", "true", "missing.ndjson"],
            "no such file or directory",
        ),
        (vec!["grep", "true", "cut.gz"], "unexpected end of file"),
        (
            vec!["grep", "true", "a.ndjson", "-o", "/dev/full"],
            "No space left on device",
        ),
    ] {
        let r = s.run(&args);
        assert_eq!(r.code, 2, "{args:?}");
        assert_eq!(r.stderr.matches(said).count(), 1, "{args:?}: {}", r.stderr);
    }
    let r = s.run(&["grep", "true", "a.ndjson", "-o", "/dev/full"]);
    assert!(
        r.stderr.contains("/dev/full: No space left"),
        "{}",
        r.stderr
    );
}

/// Lines that only a full decode finds invalid: a lone surrogate, numbers beyond an f64, an
/// integer longer than any, nesting past the limit, in a field no query reads.
fn hostile_lines() -> String {
    let mut s = String::new();
    s.push_str("{\"a\":\"\\ud800\",\"b\":1}\n");
    s.push_str("{\"a\":\"\\udc00x\",\"b\":1}\n");
    s.push_str("{\"a\":1e400,\"b\":1}\n");
    s.push_str("{\"a\":-1e309,\"b\":1}\n");
    s.push_str(&format!("{{\"a\":{},\"b\":1}}\n", "9".repeat(400)));
    for depth in [129, 18_000, 100_000] {
        s.push_str(&format!(
            "{{\"a\":{}{},\"b\":1}}\n",
            "[".repeat(depth),
            "]".repeat(depth)
        ));
    }
    s.push_str(&format!(
        "{{\"a\":{}1{},\"b\":1}}\n",
        "{\"x\":".repeat(200),
        "}".repeat(200)
    ));
    // And valid ones around them: paired surrogates, large but finite numbers, depth 127.
    s.push_str("{\"a\":\"\\ud83d\\ude00\",\"b\":1}\n");
    s.push_str("{\"a\":1.7e308,\"b\":1,\"c\":2.5e3}\n");
    s.push_str(&format!(
        "{{\"a\":{}{},\"b\":1}}\n",
        "[".repeat(126),
        "]".repeat(126)
    ));
    s
}

#[test]
fn a_lines_validity_does_not_depend_on_the_query() {
    let s = Scratch::new();
    s.file("h.ndjson", hostile_lines());
    for query in ["b=1", "a=1", "exists(a)", "c>1", "true"] {
        for validate in [true, false] {
            let mut args = vec![
                "grep",
                "-c",
                query,
                "h.ndjson",
                "--stats",
                "--on-error",
                "skip",
            ];
            if validate {
                args.push("--validate");
            }
            let r = s.run(&args);
            assert!(
                matches!(r.code, 0 | 1),
                "{args:?} died: {} {}",
                r.code,
                r.stderr
            );
            let (read, _, _, rejected) = stats(&r.stderr);
            assert_eq!(read, 12, "{args:?}");
            // The prefilter may rule a line out undecoded; a decoded line is judged alike.
            if validate || query == "true" || query == "exists(a)" {
                assert_eq!(rejected, 9, "{args:?}: {}", r.stderr);
            }
        }
    }
    let r = s.run(&[
        "grep",
        "--validate",
        "true",
        "h.ndjson",
        "--rejects-reasons",
        "why.txt",
    ]);
    let why = s.read("why.txt");
    assert!(
        why.contains("h.ndjson:8: invalid JSON: nested deeper than 127 levels"),
        "{why}"
    );
    assert!(
        why.contains("h.ndjson:3: invalid JSON: number out of range"),
        "{why}"
    );
    assert_eq!(r.lines().len(), 3);
}

#[test]
fn lines_past_max_line_bytes_are_rejected_with_memory_bounded() {
    let s = Scratch::new();
    let mut body = b"{\"a\":1}\n".to_vec();
    body.extend(std::iter::repeat_n(b'0', 3_000_000));
    body.extend_from_slice(b"\n{\"a\":2}\n");
    s.file("long.ndjson", &body);
    s.file("long.ndjson.gz", gzip(&body));
    for file in ["long.ndjson", "long.ndjson.gz"] {
        for mmap in [true, false] {
            let mut args = vec![
                "grep",
                "exists(a)",
                file,
                "--max-line-bytes",
                "1MiB",
                "--stats",
                "--rejects",
                "r",
                "--rejects-reasons",
                "why",
            ];
            if !mmap {
                args.push("--no-mmap");
            }
            let r = s.run(&args);
            assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
            assert_eq!(r.lines(), ["{\"a\":1}", "{\"a\":2}"]);
            assert_eq!(stats(&r.stderr), (3, 2, 0, 1), "{}", r.stderr);
            assert_eq!(
                s.read("why").trim(),
                format!("{file}:2: line longer than --max-line-bytes (1048576 bytes); it is not kept in --rejects")
            );
            assert_eq!(s.read("r"), "");
        }
    }
    // The default limit passes the same line.
    let r = s.run(&["grep", "-c", "true", "long.ndjson.gz", "--on-error", "skip"]);
    assert_eq!(r.stdout.trim(), "2");
    // A list file is bounded too: `in @/dev/zero` is refused, not read forever.
    let r = s.run(&["grep", "a in @/dev/zero", "long.ndjson"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("too large for a list of values"),
        "{}",
        r.stderr
    );
}

#[test]
fn absurd_thread_counts_are_refused() {
    let s = Scratch::new();
    s.file("a.ndjson", "{\"a\":1}\n");
    for cmd in [
        vec!["grep", "true", "a.ndjson", "-j", "100000"],
        vec!["aggregate", "a.ndjson", "-j", "100000"],
        vec!["trace", "list", "a.ndjson", "-j", "100000"],
    ] {
        let r = s.run(&cmd);
        assert_eq!(r.code, 2, "{cmd:?}");
        assert!(
            r.stderr.contains("--threads 100000 is more than obs uses"),
            "{}",
            r.stderr
        );
    }
    let r = s.run(&["grep", "-c", "true", "a.ndjson", "-j", "64"]);
    assert_eq!((r.code, r.stdout.trim()), (0, "1"));
}

#[test]
fn quiet_hides_diagnostics_but_not_output_nor_the_count_of_rejects() {
    let s = Scratch::new();
    s.file("m.ndjson", MIXED);
    let r = s.run(&["grep", "--validate", "level=ERROR", "m.ndjson", "--quiet"]);
    assert_eq!(r.code, 0);
    assert_eq!(r.lines().len(), 2, "output is written, unlike ripgrep's -q");
    assert!(!r.stderr.contains("m.ndjson:2:"), "no sites: {}", r.stderr);
    assert!(r.stderr.contains("4 lines rejected"), "{}", r.stderr);
    let r = s.run(&["grep", "--validate", "level=ERROR", "m.ndjson"]);
    assert!(
        r.stderr.contains("m.ndjson:2: invalid JSON"),
        "{}",
        r.stderr
    );
}

#[cfg(unix)]
#[test]
fn reports_print_above_the_progress_bar_not_into_it() {
    let s = Scratch::new();
    let mut body = String::new();
    for i in 0..600_000 {
        if i % 150_000 == 7 {
            body.push_str("not json\n");
        } else {
            body.push_str(&format!("{{\"i\":{i},\"level\":\"INFO\"}}\n"));
        }
    }
    s.file("big.ndjson", &body);
    // `script` (util-linux) runs obs on a pseudo-terminal, so the bar is drawn.
    let cmd = format!(
        "{} grep -c level=INFO big.ndjson --validate -j 1",
        env!("CARGO_BIN_EXE_obs")
    );
    let out = std::process::Command::new("script")
        .args(["-qfec", &cmd, "/dev/null"])
        .env_clear()
        .env("PATH", "/usr/bin:/bin")
        .env("TERM", "xterm")
        .current_dir(s.path())
        .output()
        .unwrap();
    let screen = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(screen.contains("MiB"), "no bar was drawn: {screen:?}");
    let sites: Vec<usize> = screen
        .match_indices("obs: big.ndjson:")
        .map(|(i, _)| i)
        .collect();
    assert_eq!(sites.len(), 4, "{screen:?}");
    for at in sites {
        let before = &screen[..at];
        assert!(
            before.ends_with("\u{1b}[2K") || before.ends_with('\n'),
            "a report written into the bar's line: {:?}",
            &before[before.len().saturating_sub(40)..]
        );
    }
}
