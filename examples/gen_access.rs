//! Generates Apache/nginx combined access-log lines, deterministically.
//!
//! ```text
//! cargo run --release --example gen_access -- --lines 4600000 --seed 7 > access.log
//! ```

use obs_testgen::access;

fn main() {
    let mut spec = access::Spec::default();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let Some(v) = args.get(i + 1).and_then(|v| v.parse::<i64>().ok()) else {
            eprintln!("usage: gen_access [--lines N] [--seed S] [--start-ms MS] [--hours H]");
            std::process::exit(2);
        };
        match args[i].as_str() {
            "--lines" => spec.lines = v as u64,
            "--seed" => spec.seed = v as u64,
            "--start-ms" => spec.start_ms = v,
            "--hours" => spec.span_ms = v * 3_600_000,
            other => {
                eprintln!("gen_access: unknown option {other}");
                std::process::exit(2);
            }
        }
        i += 2;
    }
    if let Err(e) = access::generate(&spec, &mut std::io::stdout().lock()) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("gen_access: {e}");
            std::process::exit(2);
        }
    }
}
