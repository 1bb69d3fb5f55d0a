//! Parallel output equals single-threaded output for any chunk size: stdout, the accounting and
//! the rejects, byte for byte.

use proptest::prelude::*;

use crate::Scratch;

fn line() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => (0u32..1000, prop::sample::select(vec!["INFO", "WARN", "ERROR", "ERR\\u004fR"]), prop::bool::ANY)
            .prop_map(|(n, level, crlf)| format!(
                "{{\"n\":{n},\"level\":\"{level}\",\"svc\":\"{}\"}}{}",
                if n % 3 == 0 { "payment-service" } else { "order-service" },
                if crlf { "\r" } else { "" }
            )),
        1 => Just(String::new()),
        1 => "[a-z {}\":,]{0,30}",
    ]
}

fn run(s: &Scratch, args: &[&str]) -> (i32, String, String, String) {
    let r = s.run(args);
    let rejects = std::fs::read_to_string(s.path().join("rej.txt")).unwrap_or_default();
    (r.code, r.stdout, r.stderr, rejects)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn parallel_equals_sequential(
        lines in prop::collection::vec(line(), 0..300),
        chunk in 1u64..400,
        trailing_newline in prop::bool::ANY,
        query in prop::sample::select(vec![
            "level=ERROR and svc=payment-service",
            "n>500",
            "not level=INFO",
        ]),
        format in prop::sample::select(vec!["ndjson", "csv", "es-bulk"]),
        gz in prop::bool::ANY,
    ) {
        let s = Scratch::new();
        let mut body = lines.join("\n");
        if trailing_newline && !body.is_empty() {
            body.push('\n');
        }
        let name = if gz { "in.ndjson.gz" } else { "in.ndjson" };
        if gz {
            s.file(name, crate::gzip(body.as_bytes()));
        } else {
            s.file(name, &body);
        }
        let chunk = chunk.to_string();
        let common = ["grep", query, name, "-f", format, "--stats", "--rejects-reasons", "rej.txt", "--index", "i"];
        let mut seq = common.to_vec();
        seq.extend(["-j", "1", "--chunk-size", "1GiB"]);
        let mut par = common.to_vec();
        par.extend(["-j", "3", "--chunk-size", chunk.as_str()]);
        let a = run(&s, &seq);
        let b = run(&s, &par);
        prop_assert_eq!(a, b);
    }
}
