//! Deterministic generator of realistic payment-platform logs (NDJSON), shared by
//! `examples/gen_logs.rs` (samples/ and the comparison script's large files) and `benches/`.
//!
//! The same seed gives the same bytes everywhere ([`crate::rng`]).

use std::fmt::Write as _;
use std::io::{self, Write};

use crate::rng::Rng;

/// What to generate.
#[derive(Debug, Clone)]
pub struct Spec {
    /// Number of lines.
    pub lines: u64,
    /// Random seed.
    pub seed: u64,
    /// First timestamp, epoch milliseconds (UTC).
    pub start_ms: i64,
    /// Time covered by the lines, in milliseconds.
    pub span_ms: i64,
    /// One line in this many is malformed (0: none), to exercise reject handling.
    pub bad_every: u64,
}

impl Default for Spec {
    fn default() -> Self {
        Spec {
            lines: 10_000,
            seed: 42,
            start_ms: 1_714_501_800_000, // 2024-05-01T00:00:00+05:30
            span_ms: 6 * 3_600_000,
            bad_every: 0,
        }
    }
}

const SERVICES: [(&str, u32); 7] = [
    ("payment-service", 30),
    ("upi-switch", 18),
    ("order-service", 16),
    ("checkout-api", 14),
    ("fraud-engine", 8),
    ("wallet-service", 8),
    ("notification-service", 6),
];
const LEVELS: [(&str, u32); 4] = [("INFO", 80), ("WARN", 12), ("ERROR", 6), ("DEBUG", 2)];
const METHODS: [(&str, u32); 6] = [
    ("UPI", 45),
    ("CARD", 25),
    ("NETBANKING", 10),
    ("WALLET", 10),
    ("EMI", 5),
    ("COD", 5),
];
const GATEWAYS: [&str; 7] = [
    "razorpay", "payu", "cashfree", "paytm", "phonepe", "billdesk", "juspay",
];
const CITIES: [(&str, &str, f64, f64); 10] = [
    ("Mumbai", "MH", 19.0760, 72.8777),
    ("Delhi", "DL", 28.7041, 77.1025),
    ("Bengaluru", "KA", 12.9716, 77.5946),
    ("Hyderabad", "TG", 17.3850, 78.4867),
    ("Chennai", "TN", 13.0827, 80.2707),
    ("Kolkata", "WB", 22.5726, 88.3639),
    ("Pune", "MH", 18.5204, 73.8567),
    ("Ahmedabad", "GJ", 23.0225, 72.5714),
    ("Jaipur", "RJ", 26.9124, 75.7873),
    ("Lucknow", "UP", 26.8467, 80.9462),
];
const IP_PREFIXES: [&str; 6] = ["49.36", "106.51", "117.96", "223.187", "157.48", "103.21"];
const ERRORS: [(&str, &str, u16); 6] = [
    ("GATEWAY_TIMEOUT", "gateway timeout after 30000 ms", 504),
    ("BANK_DECLINED", "transaction declined by issuing bank", 402),
    ("INSUFFICIENT_FUNDS", "insufficient funds in account", 402),
    (
        "UPI_COLLECT_EXPIRED",
        "UPI collect request expired before approval",
        408,
    ),
    ("RISK_REJECTED", "payment blocked by fraud rules", 403),
    (
        "UPSTREAM_UNAVAILABLE",
        "upstream service unavailable: connection refused",
        503,
    ),
];
const NAMES: [&str; 12] = [
    "rahul.sharma",
    "priya.patel",
    "amit.kumar",
    "sneha.reddy",
    "arjun.nair",
    "kavya.iyer",
    "vikram.singh",
    "ananya.das",
    "rohan.mehta",
    "isha.gupta",
    "karthik.rao",
    "neha.joshi",
];
const VPA_BANKS: [&str; 6] = ["okhdfcbank", "okicici", "oksbi", "ybl", "paytm", "axl"];
const PATHS: [(&str, &str); 5] = [
    ("POST", "/v1/payments"),
    ("POST", "/v1/payments/authorize"),
    ("GET", "/v1/payments/status"),
    ("POST", "/v1/refunds"),
    ("POST", "/v1/upi/collect"),
];
const AGENTS: [&str; 4] = [
    "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 Chrome/124.0 Mobile Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
    "okhttp/4.12.0",
    "PhonePe/24.05.01 (Android 13)",
];

/// ISO 8601 in IST with milliseconds, from epoch milliseconds.
fn ist_timestamp(out: &mut String, ms: i64) {
    let local = ms + 19_800_000; // +05:30; IST has no DST
    let rem = local.rem_euclid(86_400_000);
    let (y, m, d) = crate::clock::civil(local.div_euclid(86_400_000));
    let _ = write!(
        out,
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.{:03}+05:30",
        rem / 3_600_000,
        rem / 60_000 % 60,
        rem / 1000 % 60,
        rem % 1000
    );
}

/// Writes `spec.lines` lines to `out`.
pub fn generate(spec: &Spec, out: &mut dyn Write) -> io::Result<()> {
    let mut rng = Rng::new(spec.seed);
    let mut line = String::with_capacity(1024);
    let step = (spec.span_ms as f64 / spec.lines.max(1) as f64).max(0.001);
    let mut buf = io::BufWriter::with_capacity(1 << 20, out);
    for i in 0..spec.lines {
        line.clear();
        let ms = spec.start_ms + (i as f64 * step) as i64 + rng.below(1 + step as u64) as i64;
        if spec.bad_every > 0 && i % spec.bad_every == spec.bad_every - 1 {
            write_bad(&mut rng, &mut line, ms);
        } else {
            write_record(&mut rng, &mut line, ms);
        }
        line.push('\n');
        buf.write_all(line.as_bytes())?;
    }
    buf.flush()
}

fn write_bad(rng: &mut Rng, line: &mut String, ms: i64) {
    match rng.below(3) {
        0 => {
            // A record cut off mid-write, as a crashed logger leaves it.
            line.push_str("{\"timestamp\":\"");
            ist_timestamp(line, ms);
            line.push_str("\",\"level\":\"ERROR\",\"service\":\"payment-serv");
        }
        1 => {
            line.push_str(
                "panic: runtime error: invalid memory address or nil pointer dereference",
            );
        }
        _ => {
            line.push_str("{\"timestamp\":\"");
            ist_timestamp(line, ms);
            line.push_str("\",\"level\":\"WARN\",\"message\":\"retrying\",}");
        }
    }
}

fn write_record(rng: &mut Rng, line: &mut String, ms: i64) {
    let service = *rng.weighted(&SERVICES);
    let mut level = *rng.weighted(&LEVELS);
    let method = *rng.weighted(&METHODS);
    let gateway = *rng.pick(&GATEWAYS);
    let (city, state, lat, lon) = *rng.pick(&CITIES);
    let failed = level == "ERROR" || rng.below(100) < 4;
    let status = if failed {
        "failed"
    } else if rng.below(100) < 3 {
        "pending"
    } else {
        "success"
    };
    if failed && level == "INFO" {
        level = "WARN";
    }
    // Amounts: mostly small baskets, a long tail of large orders (rupees, two decimals).
    let amount = (rng.unit().powi(3) * 150_000.0 + 10.0 + rng.below(100) as f64 / 100.0).round()
        + rng.below(100) as f64 / 100.0;
    let base_latency = match gateway {
        "billdesk" => 420.0,
        "paytm" => 300.0,
        _ => 180.0,
    };
    let mut rt = base_latency * (0.3 + rng.unit() * 1.4) + rng.unit().powi(8) * 4000.0;
    let error = failed.then(|| *rng.pick(&ERRORS));
    if let Some(("GATEWAY_TIMEOUT", _, _)) = error {
        rt = 30_000.0 + rng.unit() * 500.0;
    }
    let (verb, path) = *rng.pick(&PATHS);
    let http_status = match error {
        Some((_, _, code)) => code,
        None if status == "pending" => 202,
        None => 200,
    };
    let name = *rng.pick(&NAMES);

    line.push_str("{\"timestamp\":\"");
    ist_timestamp(line, ms);
    let _ = write!(
        line,
        "\",\"level\":\"{level}\",\"service\":\"{service}\",\"host\":\"{service}-{}\"",
        rng.below(6)
    );
    let message = match (error, status) {
        (Some((_, msg, _)), _) => format!("payment failed: {msg}"),
        (None, "pending") => "payment pending confirmation from gateway".to_string(),
        _ => format!(
            "payment {} via {gateway}",
            if rng.below(2) == 0 {
                "captured"
            } else {
                "authorized"
            }
        ),
    };
    let _ = write!(line, ",\"message\":\"{message}\",\"trace_id\":\"");
    rng.hex(line, 32);
    line.push_str("\",\"span_id\":\"");
    rng.hex(line, 16);
    let _ = write!(
        line,
        "\",\"payment_id\":\"pay_{:014x}\",\"order_id\":\"ord_{:010}\",\"user_id\":\"usr_{:07}\"",
        rng.next_u64() >> 8,
        rng.below(10_000_000_000),
        rng.below(2_000_000)
    );
    let _ = write!(line, ",\"amount\":{amount:.2},\"currency\":\"INR\",\"payment_method\":\"{method}\",\"gateway\":\"{gateway}\",\"status\":\"{status}\"");
    if let Some((code, _, _)) = error {
        let _ = write!(line, ",\"error_code\":\"{code}\"");
    }
    match method {
        "UPI" => {
            let _ = write!(
                line,
                ",\"vpa\":\"{name}{}@{}\"",
                rng.below(100),
                rng.pick(&VPA_BANKS)
            );
        }
        "CARD" | "EMI" => {
            let network = *rng.pick(&["VISA", "MASTERCARD", "RUPAY", "AMEX"]);
            let _ = write!(
                line,
                ",\"card\":{{\"network\":\"{network}\",\"bin\":\"{}\",\"last4\":\"{:04}\"}}",
                400_000 + rng.below(200_000),
                rng.below(10_000)
            );
        }
        _ => {}
    }
    let _ = write!(
        line,
        ",\"response_time_ms\":{rt:.0},\"http\":{{\"method\":\"{verb}\",\"path\":\"{path}\",\"status\":{http_status}}}"
    );
    let _ = write!(
        line,
        ",\"client_ip\":\"{}.{}.{}\",\"city\":\"{city}\",\"state\":\"{state}\",\"lat\":{:.4},\"lon\":{:.4}",
        rng.pick(&IP_PREFIXES),
        rng.below(256),
        1 + rng.below(254),
        lat + (rng.unit() - 0.5) * 0.2,
        lon + (rng.unit() - 0.5) * 0.2
    );
    let _ = write!(
        line,
        ",\"device_id\":\"dev_{:012x}\",\"user_agent\":\"{}\",\"risk_score\":{:.3}}}",
        rng.next_u64() >> 16,
        rng.pick(&AGENTS),
        rng.unit().powi(4)
    );
}
