//! The terminal waterfall of one trace: an indented tree of spans, each with a time bar scaled
//! to the terminal width, failed spans and the critical path highlighted, and detail lines
//! (attributes, events, log lines) under the span they belong to.

use std::fmt::Write as _;

/// One span line of the waterfall, in display order.
#[derive(Debug, Clone, Default)]
pub struct Bar {
    /// Tree depth (1 for a root).
    pub depth: u32,
    /// Operation name.
    pub name: String,
    /// Service.
    pub service: String,
    /// Start, ns.
    pub start: i64,
    /// End, ns.
    pub end: i64,
    /// The span failed.
    pub error: bool,
    /// Its critical-path sections, ns.
    pub critical: Vec<(i64, i64)>,
    /// Lines shown under it (already formatted).
    pub details: Vec<String>,
}

const RED: &str = "\x1b[31m";
const YELLOW: &str = "\x1b[33m";
const DIM: &str = "\x1b[2m";
const BOLD: &str = "\x1b[1m";
const RESET: &str = "\x1b[0m";

/// Human duration: `850µs`, `12.3ms`, `4.20s`.
pub fn duration(ns: i64) -> String {
    let ns = ns as f64;
    if ns < 1e3 {
        format!("{ns:.0}ns")
    } else if ns < 1e6 {
        format!("{:.0}µs", ns / 1e3)
    } else if ns < 1e9 {
        format!("{:.1}ms", ns / 1e6)
    } else {
        format!("{:.2}s", ns / 1e9)
    }
}

/// Renders the bars under `title`, `width` columns wide.
pub fn render(title: &str, bars: &[Bar], width: usize, color: bool) -> String {
    let mut out = String::new();
    let width = width.max(60);
    for line in super::terminal::fold(title, width) {
        let _ = writeln!(
            out,
            "{}{line}{}",
            if color { BOLD } else { "" },
            if color { RESET } else { "" }
        );
    }
    let t0 = bars.iter().map(|b| b.start).min().unwrap_or(0);
    let t1 = bars.iter().map(|b| b.end).max().unwrap_or(0);
    let total = (t1 - t0).max(1);
    let labels: Vec<String> = bars
        .iter()
        .map(|b| {
            let mark = match (b.error, !b.critical.is_empty()) {
                (true, _) => '!',
                (false, true) => '*',
                _ => ' ',
            };
            format!("{}{mark}{} {}", indent(b.depth), b.name, b.service)
        })
        .collect();
    let label_w = labels
        .iter()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0)
        .clamp(16, width * 45 / 100);
    let dur_w = 9;
    // A line is the label, " │", the bar, "│ " and the duration.
    let bar_w = width.saturating_sub(label_w + dur_w + 4).max(10);
    let scale = |t: i64| ((t - t0) as f64 / total as f64 * bar_w as f64) as usize;
    let _ = writeln!(
        out,
        "{:label_w$} │{}│ {}",
        "",
        axis(bar_w, total),
        duration(total)
    );
    for (b, label) in bars.iter().zip(&labels) {
        let label: String = if label.chars().count() > label_w {
            label.chars().take(label_w - 1).chain(['…']).collect()
        } else {
            format!("{label:label_w$}")
        };
        let a = scale(b.start).min(bar_w - 1);
        let z = scale(b.end).clamp(a + 1, bar_w);
        let mut bar = String::new();
        let mut in_color = false;
        for col in 0..bar_w {
            if col < a || col >= z {
                if in_color {
                    bar.push_str(RESET);
                    in_color = false;
                }
                bar.push(' ');
                continue;
            }
            // The time this column covers, for the critical-path overlap.
            let c0 = t0 + (col as f64 / bar_w as f64 * total as f64) as i64;
            let c1 = t0 + ((col + 1) as f64 / bar_w as f64 * total as f64) as i64;
            let crit = b
                .critical
                .iter()
                .any(|&(s, e)| s < c1.max(c0 + 1) && e > c0);
            if color {
                let want = match (b.error, crit) {
                    (true, _) => RED,
                    (false, true) => YELLOW,
                    _ => DIM,
                };
                bar.push_str(want);
                in_color = true;
            }
            bar.push(if crit { '█' } else { '▒' });
        }
        if in_color {
            bar.push_str(RESET);
        }
        let (l0, l1) = match (color, b.error) {
            (true, true) => (RED, RESET),
            _ => ("", ""),
        };
        let _ = writeln!(
            out,
            "{l0}{label}{l1} │{bar}│ {:>dur_w$}",
            duration(b.end - b.start)
        );
        for d in &b.details {
            let indent = format!("  {}", indent(b.depth));
            let (d0, d1) = if color { (DIM, RESET) } else { ("", "") };
            let _ = writeln!(out, "{indent}  {d0}{d}{d1}");
        }
    }
    out
}

/// How many levels are drawn as indentation; deeper spans show their depth as a number.
const MAX_INDENT: u32 = 16;

/// The indentation of a span at `depth` (1: a root): two columns a level up to
/// [`MAX_INDENT`], then the depth written out (`↳1234 `), so that a chain of 10^5 spans costs
/// a line of bounded width each, not 2 × depth bytes (10 GB for the chain).
fn indent(depth: u32) -> String {
    let levels = depth.saturating_sub(1);
    if levels <= MAX_INDENT {
        "  ".repeat(levels as usize)
    } else {
        format!("{}↳{depth} ", "  ".repeat(MAX_INDENT as usize - 2))
    }
}

fn axis(w: usize, total: i64) -> String {
    let mut s: Vec<char> = vec!['─'; w];
    for q in 1..4 {
        let col = w * q / 4;
        let label = duration(total * q as i64 / 4);
        if col + label.len() < w {
            for (i, ch) in label.chars().enumerate() {
                s[col + i] = ch;
            }
        }
    }
    s.into_iter().collect()
}
