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
