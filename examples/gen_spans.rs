//! Generates span-per-line NDJSON for `obs trace`, deterministically.
//!
//! ```text
//! cargo run --release --example gen_spans -- --traces 60000 --seed 7 > spans.ndjson
//! ```

use obs_testgen::spans;

fn main() {
    let mut spec = spans::Spec::default();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut i = 0;
    while i < args.len() {
        let value = args.get(i + 1).and_then(|v| v.parse::<i64>().ok());
        let Some(v) = value else {
            eprintln!("usage: gen_spans [--traces N] [--seed S] [--start-ns NS] [--in-flight N]");
            std::process::exit(2);
        };
        match args[i].as_str() {
            "--traces" => spec.traces = v as u64,
            "--seed" => spec.seed = v as u64,
            "--start-ns" => spec.start_ns = v,
            "--in-flight" => spec.in_flight = v.max(1) as usize,
            other => {
                eprintln!("gen_spans: unknown option {other}");
                std::process::exit(2);
            }
        }
        i += 2;
    }
    if let Err(e) = spans::generate(&spec, &mut std::io::stdout().lock()) {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            eprintln!("gen_spans: {e}");
            std::process::exit(2);
        }
    }
}
