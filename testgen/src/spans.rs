//! Deterministic span-per-line NDJSON for `obs trace`: traces of 3–30 spans over payment
//! services, written in export order. A batching exporter flushes a trace's spans as they finish,
//! so children come before their parents, and many traces are in flight at once, so their lines
//! interleave.

use std::collections::VecDeque;
use std::fmt::Write as _;
use std::io::{self, Write};

use crate::rng::Rng;

/// What to generate.
#[derive(Debug, Clone)]
pub struct Spec {
    /// Number of traces.
    pub traces: u64,
    /// Random seed.
    pub seed: u64,
    /// Start of the first trace, epoch ns.
    pub start_ns: i64,
    /// Traces whose lines interleave.
    pub in_flight: usize,
}

impl Default for Spec {
    fn default() -> Self {
        Spec {
            traces: 1000,
            seed: 7,
            start_ns: 1_764_000_000_000_000_000,
            in_flight: 64,
        }
    }
}

const SERVICES: [&str; 10] = [
    "api-gateway",
    "checkout",
    "payment-service",
    "upi-switch",
    "fraud-engine",
    "card-vault",
    "ledger",
    "notification",
    "cart",
    "inventory",
];
const OPS: [&str; 12] = [
    "POST /pay",
    "GET /cart",
    "charge",
    "authorize",
    "risk-score",
    "debit",
    "credit",
    "SELECT payments",
    "publish event",
    "lookup vpa",
    "tokenize",
    "GET /status",
];
const METHODS: [&str; 3] = ["UPI", "CARD", "NETBANKING"];
const HTTP: [u32; 6] = [200, 200, 200, 201, 400, 502];

struct Node {
    id: u64,
    parent: Option<u64>,
    start: i64,
    dur: i64,
    depth: u32,
}

/// The lines of one trace of `n` spans starting at `t0` ns, children first.
fn trace(rng: &mut Rng, n: usize, t0: i64) -> VecDeque<String> {
    let mut trace_hex = String::new();
    rng.hex(&mut trace_hex, 32);
    let mut nodes = vec![Node {
        id: rng.next_u64() | 1,
        parent: None,
        start: t0,
        dur: 5_000_000 + rng.below(2_995_000_000) as i64,
        depth: 0,
    }];
    while nodes.len() < n {
        let p = &nodes[rng.below(nodes.len() as u64) as usize];
        let off = rng.below((p.dur / 2).max(1) as u64) as i64;
        let room = (p.dur - off - 100_000).max(1);
        let node = Node {
            id: rng.next_u64() | 1,
            parent: Some(p.id),
            start: p.start + off,
            dur: 100_000 + rng.below(room as u64) as i64,
            depth: p.depth + 1,
        };
        nodes.push(node);
    }
    // Deepest first: a span ends (and is exported) before its parent does.
    nodes.sort_by_key(|s| std::cmp::Reverse(s.depth));
    nodes
        .iter()
        .map(|s| {
            let mut line = String::with_capacity(320);
            let _ = write!(
                line,
                r#"{{"trace_id":"{trace_hex}","span_id":"{:016x}","name":"{}","service":"{}","start_time":{},"duration_ms":{:.3},"status":"{}","kind":"{}","attributes":{{"http.status_code":{},"payment.method":"{}","amount":{:.2}}}"#,
                s.id,
                rng.pick(&OPS),
                rng.pick(&SERVICES),
                s.start / 1_000_000,
                s.dur as f64 / 1e6,
                if rng.below(50) == 0 { "ERROR" } else { "OK" },
                match s.parent {
                    None => "server",
                    Some(_) => *rng.pick(&["client", "internal", "server"]),
                },
                rng.pick(&HTTP),
                rng.pick(&METHODS),
                10.0 + rng.unit() * 49_990.0,
            );
            if let Some(p) = s.parent {
                let _ = write!(line, r#","parent_span_id":"{p:016x}""#);
            }
            line.push_str("}\n");
            line
        })
        .collect()
}

/// Writes `spec.traces` traces to `out`.
pub fn generate(spec: &Spec, out: &mut impl Write) -> io::Result<()> {
    let mut rng = Rng::new(spec.seed);
    let mut out = io::BufWriter::with_capacity(1 << 20, out);
    let mut t = spec.start_ns;
    let mut pending: VecDeque<VecDeque<String>> = VecDeque::new();
    for _ in 0..spec.traces {
        t += 1_000_000 + rng.below(49_000_000) as i64;
        let n = 3 + rng.below(28) as usize;
        pending.push_back(trace(&mut rng, n, t));
        // With a full window, flush one line of each trace in turn until half have finished.
        if pending.len() >= spec.in_flight {
            while pending.len() > spec.in_flight / 2 {
                for _ in 0..pending.len() {
                    let mut p = pending.pop_front().expect("non-empty");
                    if let Some(line) = p.pop_front() {
                        out.write_all(line.as_bytes())?;
                    }
                    if !p.is_empty() {
                        pending.push_back(p);
                    }
                }
            }
        }
    }
    for p in pending {
        for line in p {
            out.write_all(line.as_bytes())?;
        }
    }
    out.flush()
}
