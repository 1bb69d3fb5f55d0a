//! Generates realistic payment-platform NDJSON logs, deterministically.
//!
//! ```text
//! cargo run --release --example gen_logs -- --lines 2200000 --seed 7 > big.ndjson
//! cargo run --release --example gen_logs -- --lines 8000 --bad-every 997 > samples/payments.ndjson
//! ```

use obs_testgen::logs;

fn main() {
    let mut spec = logs::Spec::default();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let value = args.get(i + 1).and_then(|v| v.parse::<i64>().ok());
        let Some(v) = value else {
            eprintln!("usage: gen_logs [--lines N] [--seed S] [--start-ms MS] [--hours H] [--bad-every N]");
            std::process::exit(2);
        };
        match args[i].as_str() {
            "--lines" => spec.lines = v as u64,
            "--seed" => spec.seed = v as u64,
            "--start-ms" => spec.start_ms = v,
            "--hours" => spec.span_ms = v * 3_600_000,
            "--bad-every" => spec.bad_every = v as u64,
            other => {
                eprintln!("gen_logs: unknown option {other}");
                std::process::exit(2);
            }
        }
        i += 2;
    }
    if let Err(e) = logs::generate(&spec, &mut std::io::stdout().lock()) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("gen_logs: {e}");
            std::process::exit(2);
        }
    }
}
