//! Inputs: several files in order, directories, globs, compressed files, stdin, --no-mmap.

use crate::{gzip, obs_stdin, Scratch};

fn lines(prefix: &str, n: usize) -> String {
    (0..n)
        .map(|i| format!("{{\"src\":\"{prefix}\",\"i\":{i}}}\n"))
        .collect()
}

#[test]
fn inputs_keep_their_order_and_formats() {
    let s = Scratch::new();
    s.file("b.ndjson", lines("b", 3));
    s.file("a.gz", gzip(lines("a", 3).as_bytes()));
    s.file(
        "c.zst",
        zstd::encode_all(lines("c", 3).as_bytes(), 3).unwrap(),
    );
    let r = s.run(&["grep", "i>=1", "b.ndjson", "a.gz", "c.zst"]);
    let srcs: Vec<String> = r.lines().iter().map(|l| l[8..9].to_string()).collect();
    assert_eq!(srcs, ["b", "b", "a", "a", "c", "c"]);
    let r2 = s.run(&["grep", "i>=1", "b.ndjson", "a.gz", "c.zst", "--no-mmap"]);
    assert_eq!(r.stdout, r2.stdout);
}

#[test]
fn directories_recurse_sorted_and_globs_expand() {
    let s = Scratch::new();
    s.file("logs/2024/02.ndjson", lines("2", 1));
    s.file("logs/2024/01.ndjson.gz", gzip(lines("1", 1).as_bytes()));
    s.file("logs/0.ndjson", lines("0", 1));
    let r = s.run(&["grep", "exists(i)", "logs"]);
    let srcs: Vec<&str> = r.lines().iter().map(|l| &l[8..9]).collect();
    assert_eq!(srcs, ["0", "1", "2"]);
    let r = s.run(&["grep", "exists(i)", "logs/2024/*.ndjson*"]);
    assert_eq!(r.lines().len(), 2);
    let r = s.run(&["grep", "exists(i)", "logs/*.nothing"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("no file matches"), "{}", r.stderr);
}

#[test]
fn compressed_stdin_is_detected() {
    let s = Scratch::new();
    let r = obs_stdin(
        s.path(),
        &["grep", "-c", "i>0"],
        &gzip(lines("z", 10).as_bytes()),
    );
    assert_eq!(r.stdout, "9\n");
}

#[test]
fn concatenated_gzip_members() {
    let s = Scratch::new();
    let mut data = gzip(lines("x", 2).as_bytes());
    data.extend(gzip(lines("y", 2).as_bytes()));
    s.file("cat.gz", data);
    let r = s.run(&["grep", "-c", "exists(i)", "cat.gz"]);
    assert_eq!(r.stdout, "4\n");
}

/// (status, stdout) of a shell script (see [`crate::shell`]).
fn bash(dir: &std::path::Path, script: &str) -> (i32, String) {
    let r = crate::shell(dir, script);
    (r.code, r.stdout)
}

#[cfg(unix)]
#[test]
fn fifos_and_process_substitutions_are_read_once_and_whole() {
    let s = Scratch::new();
    s.file("a.ndjson", "{\"a\":1}\n{\"a\":2}\n");
    s.file(
        "a.ndjson.gz",
        crate::gzip(b"{\"a\":1}\n{\"a\":2}\n{\"a\":3}\n"),
    );
    let spans = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/traces/zipkin/yelp.json"),
    )
    .unwrap();
    s.file("yelp.json", &spans);
    for (script, want) in [
        (
            "timeout 20 $OBS grep -c true <(printf '{\"a\":1}\\n{\"a\":2}\\n')",
            "2",
        ),
        ("timeout 20 $OBS grep -c true <(cat a.ndjson.gz)", "3"),
        (
            "mkfifo f1 && (cat a.ndjson > f1 &) && timeout 20 $OBS grep -c true f1",
            "2",
        ),
        (
            "mkfifo f2 && (cat a.ndjson.gz > f2 &) && timeout 20 $OBS aggregate f2 --agg count",
            "{\"count\":3}",
        ),
        (
            "mkfifo f3 && (cat yelp.json > f3 &) && timeout 20 $OBS trace list f3 -f csv | wc -l",
            "2",
        ),
        (
            "timeout 20 $OBS trace list <(cat yelp.json) -f csv | wc -l",
            "2",
        ),
        (
            "cat yelp.json | timeout 20 $OBS trace list - - -f csv | wc -l",
            "2",
        ),
        ("cat a.ndjson | timeout 20 $OBS grep -c true - -", "2"),
    ] {
        let (code, out) = bash(s.path(), script);
        assert_eq!((code, out.trim()), (0, want), "{script}");
    }
}

#[cfg(unix)]
#[test]
fn the_stdin_spool_is_private_exclusive_and_removed() {
    use std::io::Write;
    use std::os::unix::fs::PermissionsExt;
    let s = Scratch::new();
    let tmp = s.path().join("tmp");
    std::fs::create_dir(&tmp).unwrap();
    let spans = std::fs::read(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/traces/zipkin/yelp.json"),
    )
    .unwrap();
    for sub in ["list", "check", "deps", "stats"] {
        let mut child = crate::obs_cmd(s.path())
            .env("TMPDIR", &tmp)
            .args(["trace", sub, "-"])
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(&spans).unwrap();
        // While stdin is open the spool exists: only its owner may read it.
        let mut spool = None;
        for _ in 0..200 {
            spool = std::fs::read_dir(&tmp)
                .unwrap()
                .next()
                .map(|e| e.unwrap().path());
            if spool.is_some() {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let spool = spool.expect("a spool file");
        let mode = std::fs::metadata(&spool).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{sub}");
        drop(stdin);
        let out = child.wait_with_output().unwrap();
        assert!(matches!(out.status.code(), Some(0 | 3)), "{sub}: {:?}", out);
        let left: Vec<_> = std::fs::read_dir(&tmp).unwrap().collect();
        assert!(left.is_empty(), "{sub} left {left:?}");
    }
}

#[cfg(unix)]
#[test]
fn one_bad_entry_is_reported_and_the_rest_is_read() {
    let s = Scratch::new();
    s.file("d/a.ndjson", "{\"a\":1}\n");
    s.file("d/sub/b.ndjson", "{\"a\":2}\n");
    std::os::unix::fs::symlink("nowhere", s.path().join("d/dangling")).unwrap();
    std::os::unix::fs::symlink("..", s.path().join("d/sub/loop")).unwrap();
    let r = s.run(&["grep", "-c", "--total", "true", "d", "--stats"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(r.stdout.trim(), "2", "the readable files were read");
    assert!(
        r.stderr.contains("d/dangling: No such file"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("d/sub/loop: a link loop back to d"),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.contains("2 inputs could not be read"),
        "{}",
        r.stderr
    );
    // A missing path among several: the others are read, exit 2, and -o is not committed.
    s.file("out.ndjson", "previous\n");
    let r = s.run(&[
        "grep",
        "true",
        "d/a.ndjson",
        "missing.ndjson",
        "d/sub/b.ndjson",
        "-o",
        "out.ndjson",
    ]);
    assert_eq!(r.code, 2);
    assert_eq!(
        r.stderr
            .matches("missing.ndjson: no such file or directory")
            .count(),
        1,
        "{}",
        r.stderr
    );
    assert_eq!(s.read("out.ndjson"), "previous\n");
    let r = s.run(&[
        "grep",
        "-c",
        "--total",
        "true",
        "d/a.ndjson",
        "missing.ndjson",
        "d/sub/b.ndjson",
    ]);
    assert_eq!((r.code, r.stdout.trim()), (2, "2"));
    let r = s.run(&[
        "aggregate",
        "d/a.ndjson",
        "missing.ndjson",
        "--agg",
        "count",
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    let r = s.run(&["trace", "list", "d/a.ndjson", "missing.ndjson"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr.contains("missing.ndjson: no such file"),
        "{}",
        r.stderr
    );
}

#[test]
fn directories_skip_hidden_and_binary_files_and_globs_choose() {
    let s = Scratch::new();
    s.file("d/a.ndjson", "{\"a\":1}\n");
    s.file("d/b.ndjson.gz", gzip(b"{\"a\":2}\n"));
    s.file("d/.hidden.ndjson", "{\"a\":3}\n");
    s.file("d/.git/x.ndjson", "{\"a\":4}\n");
    s.file("d/image.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    s.file("d/old/c.ndjson", "{\"a\":5}\n");
    let r = s.run(&["grep", "-c", "--total", "true", "d", "--stats"]);
    assert_eq!((r.code, r.stdout.trim()), (0, "3"), "{}", r.stderr);
    assert!(
        r.stderr
            .contains("skipped inside directories: 2 hidden, 1 binary"),
        "{}",
        r.stderr
    );
    let r = s.run(&[
        "grep", "-c", "true", "d", "-g", "*.ndjson", "-g", "!old/*", "--stats",
    ]);
    assert_eq!((r.code, r.stdout.trim()), (0, "1"), "{}", r.stderr);
    assert!(r.stderr.contains("3 not chosen by --glob"), "{}", r.stderr);
    // A file named on the command line is always read, hidden or not.
    let r = s.run(&["grep", "-c", "true", "d/.hidden.ndjson"]);
    assert_eq!(r.stdout.trim(), "1");
    // A JSON file of no trace format in a directory given to trace is said and passed over.
    s.file(
        "t/spans.ndjson",
        concat!(
            r#"{"trace_id":"aaaa0000000000000000000000000001","span_id":"0000000000000001","#,
            r#""name":"x","service":"s","start_time":1,"duration_ms":1}"#,
            "\n"
        ),
    );
    s.file("t/config.json", "{\n \"not\": \"a trace\"\n}\n");
    let r = s.run(&["trace", "list", "t", "-f", "csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.lines().len(), 2);
    assert!(
        r.stderr
            .contains("config.json: skipped: JSON, but no trace format"),
        "{}",
        r.stderr
    );
}

#[test]
fn stdin_is_streamed_a_match_shows_before_the_input_ends() {
    use std::io::{BufRead, Write};
    let s = Scratch::new();
    for args in [
        vec!["grep", "level=ERROR"],
        vec!["grep", "level=ERROR", "-f", "csv", "--fields", "n"],
    ] {
        let mut child = crate::obs_cmd(s.path())
            .args(&args)
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in std::io::BufReader::new(stdout).lines() {
                let _ = tx.send(line.unwrap());
            }
        });
        stdin
            .write_all(b"{\"level\":\"INFO\",\"n\":0}\n{\"level\":\"ERROR\",\"n\":1}\n")
            .unwrap();
        stdin.flush().unwrap();
        // The input stays open (as `tail -f` keeps it): the match must come out anyway.
        let deadline = std::time::Duration::from_secs(20);
        let first = rx
            .recv_timeout(deadline)
            .expect("no output while the input was open");
        let want = if args.len() == 2 {
            "{\"level\":\"ERROR\",\"n\":1}"
        } else {
            "n"
        };
        assert_eq!(first, want, "{args:?}");
        if args.len() > 2 {
            assert_eq!(rx.recv_timeout(deadline).unwrap(), "1");
        }
        stdin.write_all(b"{\"level\":\"ERROR\",\"n\":2}\n").unwrap();
        drop(stdin);
        let rest: Vec<String> = rx.iter().collect();
        assert_eq!(rest.len(), 1, "{rest:?}");
        assert!(child.wait().unwrap().success());
    }
}

#[cfg(unix)]
#[test]
fn a_mapped_file_that_shrinks_while_read_is_an_error_not_a_signal() {
    use std::io::Read;
    let s = Scratch::new();
    let line = format!("{{\"a\":1,\"pad\":\"{}\"}}\n", "x".repeat(200));
    let path = s.file("grow.ndjson", line.repeat(20_000));
    for truncate_to in [0u64, 1_000_000] {
        std::fs::write(&path, line.repeat(20_000)).unwrap();
        let mut child = crate::obs_cmd(s.path())
            .args([
                "grep",
                "true",
                "grow.ndjson",
                "--chunk-size",
                "65536",
                "-j",
                "1",
            ])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // Nobody reads stdout yet: the pipe fills and the run waits mid-file.
        std::thread::sleep(std::time::Duration::from_millis(500));
        std::fs::OpenOptions::new()
            .write(true)
            .open(&path)
            .unwrap()
            .set_len(truncate_to)
            .unwrap();
        let mut out = Vec::new();
        child.stdout.take().unwrap().read_to_end(&mut out).unwrap();
        let status = child.wait().unwrap();
        let mut err = String::new();
        child
            .stderr
            .take()
            .unwrap()
            .read_to_string(&mut err)
            .unwrap();
        assert_eq!(
            status.code(),
            Some(2),
            "{status:?} (signal: {:?}): {err}",
            {
                use std::os::unix::process::ExitStatusExt;
                status.signal()
            }
        );
        assert!(err.contains("shrank"), "{err}");
    }
}
