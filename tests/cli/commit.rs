//! What a run writes, and when: outputs are committed only by a run that succeeds, never over
//! an input or each other, never through a planted link; machine formats lose nothing; a CI
//! gate's status depends on the data, not on who read the output.

use std::process::Stdio;

use crate::{gzip, obs_cmd, Scratch};

/// (status, stderr) of a shell script (see [`crate::shell`]).
fn sh(sc: &Scratch, script: &str) -> (i32, String) {
    let r = crate::shell(sc.path(), script);
    (r.code, r.stderr)
}

#[test]
fn csv_and_table_columns_cover_every_record_in_first_seen_order() {
    let sc = Scratch::new();
    let mut lines = String::new();
    // The field that first appears after the hundredth record was dropped before.
    for i in 0..150 {
        lines.push_str(&format!("{{\"n\":{i}}}\n"));
    }
    lines.push_str("{\"n\":150,\"card\":\"4111\",\"note\":\"a,\\\"b\\\"\"}\n");
    sc.file("late.ndjson", &lines);
    let r = sc.run(&["grep", "true", "late.ndjson", "-f", "csv"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = r.lines();
    assert_eq!(rows[0], "n,card,note");
    assert_eq!(rows[1], "0,,");
    assert_eq!(rows[151], "150,4111,\"a,\"\"b\"\"\"");
    assert_eq!(rows.len(), 152);
    let r = sc.run(&[
        "grep",
        "true",
        "late.ndjson",
        "-f",
        "table",
        "--color",
        "never",
    ]);
    assert!(
        r.stdout.lines().nth(1).unwrap().contains("card"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("4111"));
    // No record: no header either (as before), not an empty one.
    sc.file("empty.ndjson", "");
    let r = sc.run(&["grep", "true", "empty.ndjson", "-f", "csv"]);
    assert_eq!((r.code, r.stdout.as_str()), (1, ""));
}

#[test]
fn csv_carries_full_precision() {
    let sc = Scratch::new();
    sc.file("a.ndjson", "{\"amount\":49.46381344524507,\"s\":\"x\"}\n");
    let r = sc.run(&[
        "aggregate",
        "a.ndjson",
        "--by",
        "s",
        "--agg",
        "avg(amount)",
        "-f",
        "csv",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.lines(), ["s,avg(amount)", "x,49.46381344524507"]);
    let r = sc.run(&[
        "aggregate",
        "a.ndjson",
        "--by",
        "s",
        "--agg",
        "avg(amount)",
        "-f",
        "table",
    ]);
    assert!(
        r.stdout.contains("49.4638") && !r.stdout.contains("49.46381"),
        "{}",
        r.stdout
    );
}

#[test]
fn closed_stdout_is_an_error_not_a_success() {
    let sc = Scratch::new();
    sc.file("a.ndjson", "{\"a\":1}\n");
    for cmd in [
        "$OBS grep true a.ndjson",
        "$OBS grep -c true a.ndjson",
        "$OBS aggregate a.ndjson --agg count",
    ] {
        let (code, err) = sh(&sc, &format!("{cmd} >&-"));
        assert_eq!(code, 2, "{cmd}: {err}");
        assert!(err.contains("standard output"), "{err}");
    }
    // A /dev/null opened on purpose is fine, read-write too (Python's subprocess.DEVNULL).
    for null in [">/dev/null", "1<>/dev/null"] {
        let (code, err) = sh(&sc, &format!("$OBS grep true a.ndjson {null}"));
        assert_eq!(code, 0, "{null}: {err}");
    }
    let (code, err) = sh(&sc, "$OBS grep true a.ndjson -o out.ndjson >&-");
    assert_eq!(code, 0, "{err}");
}

#[test]
fn a_failed_run_commits_nothing_but_tells_what_it_read() {
    let sc = Scratch::new();
    sc.file("out.ndjson", "previous\n");
    sc.file("bad.ndjson", "old rejects\n");
    let mut lines = String::new();
    for i in 0..2000 {
        lines.push_str(&format!("{{\"n\":{i},\"pad\":\"{}\"}}\n", "x".repeat(40)));
    }
    let gz = gzip(lines.as_bytes());
    sc.file("cut.ndjson.gz", &gz[..gz.len() / 2]);
    let r = sc.run(&[
        "grep",
        "true",
        "cut.ndjson.gz",
        "-o",
        "out.ndjson",
        "--stats",
        "-c",
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(sc.read("out.ndjson"), "previous\n");
    assert!(r.stderr.contains("damaged"), "{}", r.stderr);
    assert!(
        r.stderr.contains(" emitted + "),
        "--stats still told: {}",
        r.stderr
    );
    let counted: u64 = r.stdout.trim().parse().expect(&r.stdout);
    assert!(counted > 0 && counted < 2000, "{counted}");
    // --on-error fail: neither the partial output nor a rejects file without the line.
    sc.file("m.ndjson", "{\"a\":1}\nnot json\n{\"a\":2}\n");
    let r = sc.run(&[
        "grep",
        "true",
        "m.ndjson",
        "-o",
        "out.ndjson",
        "--rejects",
        "bad.ndjson",
        "--on-error",
        "fail",
    ]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("m.ndjson:2"), "{}", r.stderr);
    assert_eq!(sc.read("out.ndjson"), "previous\n");
    assert_eq!(sc.read("bad.ndjson"), "old rejects\n");
    let left: Vec<_> = std::fs::read_dir(sc.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".obs-tmp"))
        .collect();
    assert!(left.is_empty(), "{left:?}");
}

#[test]
fn outputs_never_replace_inputs_or_each_other_and_rejects_are_byte_exact() {
    let sc = Scratch::new();
    sc.file("in.ndjson", "{\"a\":1}\nbad\n");
    for args in [
        vec!["grep", "true", "in.ndjson", "--rejects", "in.ndjson"],
        vec![
            "grep",
            "true",
            "in.ndjson",
            "--rejects-reasons",
            "./in.ndjson",
        ],
        vec!["aggregate", "in.ndjson", "--rejects", "in.ndjson"],
        vec!["trace", "list", "in.ndjson", "--rejects", "in.ndjson"],
        vec!["grep", "true", "in.ndjson", "-o", "x", "--rejects", "./x"],
    ] {
        let r = sc.run(&args);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert_eq!(sc.read("in.ndjson"), "{\"a\":1}\nbad\n", "{args:?}");
    }
    // A last line without its newline stays without one; lines of two files stay apart.
    sc.file("nonl.ndjson", "{\"a\":1}\nbad");
    let r = sc.run(&[
        "grep",
        "true",
        "nonl.ndjson",
        "nonl.ndjson",
        "--rejects",
        "r",
        "--on-error",
        "skip",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(sc.read("r"), "bad\nbad");
}

#[cfg(unix)]
#[test]
fn temporaries_follow_no_planted_link_and_keep_the_mode() {
    use std::os::unix::fs::PermissionsExt;
    let sc = Scratch::new();
    sc.file("in.ndjson", "{\"a\":1}\nbad\n");
    let victim = sc.file("victim", "precious");
    for name in ["out.ndjson", "rej"] {
        let target = sc.file(name, "old");
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o600)).unwrap();
        std::os::unix::fs::symlink(&victim, sc.path().join(format!(".{name}.obs-tmp"))).unwrap();
    }
    let r = sc.run(&[
        "grep",
        "true",
        "in.ndjson",
        "-o",
        "out.ndjson",
        "--rejects",
        "rej",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(sc.read("victim"), "precious");
    assert_eq!(sc.read("out.ndjson"), "{\"a\":1}\n");
    assert_eq!(sc.read("rej"), "bad\n");
    for name in ["out.ndjson", "rej"] {
        let mode = std::fs::metadata(sc.path().join(name))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{name}");
    }
}

#[cfg(unix)]
#[test]
fn an_interrupted_run_leaves_no_temporary_and_the_old_output() {
    let sc = Scratch::new();
    sc.file("out.ndjson", "previous\n");
    let mut child = obs_cmd(sc.path())
        .args(["grep", "true", "-", "-o", "out.ndjson"])
        .stdin(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    std::io::Write::write_all(&mut stdin, b"{\"a\":1}\n").unwrap();
    // Wait until the temporary exists, then interrupt.
    let tmp_exists = || {
        std::fs::read_dir(sc.path()).unwrap().any(|e| {
            e.unwrap()
                .file_name()
                .to_string_lossy()
                .ends_with(".obs-tmp")
        })
    };
    for _ in 0..200 {
        if tmp_exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert!(tmp_exists(), "the run never started its output");
    let status = std::process::Command::new("kill")
        .args(["-INT", &child.id().to_string()])
        .status()
        .unwrap();
    assert!(status.success());
    let out = child.wait_with_output().unwrap();
    drop(stdin);
    assert_eq!(out.status.code(), Some(130));
    assert!(!tmp_exists());
    assert_eq!(sc.read("out.ndjson"), "previous\n");
}

#[test]
fn gates_on_what_was_not_computed_are_errors() {
    let sc = Scratch::new();
    sc.file("a.ndjson", "{\"amount\":900,\"s\":\"x\"}\n");
    for gate in ["p95(amount) > 800", "p99(amuont) > 800", "svc=x"] {
        let r = sc.run(&[
            "aggregate",
            "a.ndjson",
            "--by",
            "s",
            "--agg",
            "p99(amount)",
            "--fail-if",
            gate,
        ]);
        assert_eq!(r.code, 2, "{gate}: {}", r.stderr);
        assert!(
            r.stderr.contains("not computed") && r.stderr.contains("p99(amount)"),
            "{}",
            r.stderr
        );
    }
    let r = sc.run(&[
        "aggregate",
        "a.ndjson",
        "--by",
        "s",
        "--agg",
        "p99(amount)",
        "--fail-if",
        "p99(amount) > 800 and s=x",
    ]);
    assert_eq!(r.code, 3, "{}", r.stderr);
}

#[test]
fn a_closed_pipe_changes_no_gate() {
    let sc = Scratch::new();
    let mut lines = String::new();
    for i in 0..3000 {
        lines.push_str(&format!("{{\"amount\":{i},\"s\":\"s{i}\"}}\n"));
    }
    sc.file("a.ndjson", &lines);
    sc.file(
        "spans.ndjson",
        concat!(
            r#"{"trace_id":"aaaa0000000000000000000000000001","span_id":"0000000000000002","#,
            r#""parent_span_id":"0000000000000009","name":"x","service":"s","start_time":1,"duration_ms":1}"#,
            "\n"
        ),
    );
    for fmt in ["ndjson", "csv", "table"] {
        let (code, err) = sh(
            &sc,
            &format!(
                "$OBS aggregate a.ndjson --by s --agg 'sum(amount)' \
                 --fail-if 'sum(amount) > 2990' -f {fmt} | head -1 >/dev/null"
            ),
        );
        assert_eq!(code, 3, "{fmt}: {err}");
        assert!(!err.contains("Broken pipe"), "{fmt}: {err}");
        let check = format!("$OBS trace check spans.ndjson -f {fmt} | head -0");
        let (code, err) = sh(&sc, &check);
        assert_eq!(code, 3, "trace check {fmt}: {err}");
    }
}
