//! Apache/nginx combined access-log lines of an e-commerce front end, deterministically: the
//! input of `scripts/compare-parse.sh`.

use std::fmt::Write as _;
use std::io::{self, Write};

use crate::rng::Rng;

/// What to generate.
pub struct Spec {
    /// Number of lines.
    pub lines: u64,
    /// Seed of the random stream.
    pub seed: u64,
    /// Time of the first line, epoch milliseconds.
    pub start_ms: i64,
    /// Time the lines span, milliseconds.
    pub span_ms: i64,
}

impl Default for Spec {
    fn default() -> Self {
        Spec {
            lines: 10_000,
            seed: 1,
            start_ms: 1_714_501_800_000, // 2024-05-01T00:00:00+05:30
            span_ms: 86_400_000,
        }
    }
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const PATHS: [&str; 8] = [
    "/",
    "/api/v1/cart",
    "/api/v1/payments/upi/collect",
    "/api/v1/orders",
    "/static/app.3f9a1c.js",
    "/products/mobiles/redmi-note-13",
    "/search?q=kurta&page=2",
    "/api/v1/payments/status",
];
const AGENTS: [&str; 4] = [
    "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 Chrome/124.0 Mobile Safari/537.36",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148",
    "okhttp/4.12.0",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
];

/// Writes `spec.lines` lines to `out`.
pub fn generate(spec: &Spec, out: &mut dyn Write) -> io::Result<()> {
    let mut rng = Rng::new(spec.seed);
    let mut line = String::with_capacity(512);
    let step = (spec.span_ms as f64 / spec.lines.max(1) as f64).max(0.001);
    let mut buf = io::BufWriter::with_capacity(1 << 20, out);
    for i in 0..spec.lines {
        line.clear();
        let ms = spec.start_ms + (i as f64 * step) as i64;
        write_line(&mut rng, &mut line, ms);
        buf.write_all(line.as_bytes())?;
    }
    buf.flush()
}

fn write_line(rng: &mut Rng, line: &mut String, ms: i64) {
    // Shown in IST, as an Indian front end's servers log it.
    let local = ms / 1000 + 19_800;
    let (y, m, d) = crate::clock::civil(local.div_euclid(86_400));
    let secs = local.rem_euclid(86_400);
    let verb = *rng.weighted(&[("GET", 80), ("POST", 15), ("PUT", 3), ("HEAD", 2)]);
    let status = *rng.weighted(&[
        (200, 80),
        (201, 4),
        (304, 6),
        (404, 5),
        (499, 1),
        (500, 2),
        (502, 1),
        (503, 1),
    ]);
    let user = if rng.below(10) == 0 { "u4821" } else { "-" };
    let _ = write!(
        line,
        "{}.{}.{}.{} - {user} [{d:02}/{}/{y}:{:02}:{:02}:{:02} +0530] \"{verb} {} HTTP/1.1\" {status} ",
        10 + rng.below(200),
        rng.below(256),
        rng.below(256),
        1 + rng.below(254),
        MONTHS[(m - 1) as usize],
        secs / 3600,
        secs / 60 % 60,
        secs % 60,
        PATHS[rng.below(PATHS.len() as u64) as usize],
    );
    if status == 304 {
        line.push('-');
    } else {
        let _ = write!(line, "{}", 200 + rng.below(90_000));
    }
    let referrer = if rng.below(3) == 0 {
        "-"
    } else {
        "https://shop.example.in/"
    };
    let _ = writeln!(
        line,
        " \"{referrer}\" \"{}\"",
        AGENTS[rng.below(AGENTS.len() as u64) as usize]
    );
}
