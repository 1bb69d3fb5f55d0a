//! Terminal charts for aggregate results: horizontal bars per group, or, for time buckets, one
//! sparkline per series — because people would rather look than read.

use std::fmt::Write as _;

/// Eight block heights for sparklines.
const SPARKS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
/// Width of the longest bar.
const BAR_WIDTH: usize = 40;

/// Horizontal bars: one line per `(label, value)`, scaled to the largest value.
pub fn bars(title: &str, items: &[(String, Option<f64>)]) -> String {
    let mut out = format!("{title}\n");
    let max = items
        .iter()
        .filter_map(|(_, v)| *v)
        .fold(0.0f64, |a, b| a.max(b.abs()));
    let label_w = items
        .iter()
        .map(|(l, _)| l.chars().count())
        .max()
        .unwrap_or(0)
        .min(40);
    for (label, v) in items {
        let label: String = label.chars().take(40).collect();
        let (bar, text) = match v {
            Some(x) => {
                let n = if max > 0.0 {
                    (x.abs() / max * BAR_WIDTH as f64).round() as usize
                } else {
                    0
                };
                ("█".repeat(n.max(usize::from(*x != 0.0))), num(*x))
            }
            None => (String::new(), "null".to_string()),
        };
        let _ = writeln!(out, "{label:<label_w$}  {bar} {text}");
    }
    out
}

/// The columns a sparkline's statistics take at most (`  min … max … last …`).
const STATS_W: usize = 40;

/// One sparkline per series over the same buckets (`None`: an empty bucket), fitted to the
/// terminal's width.
pub fn sparklines(title: &str, range: &str, series: &[(String, Vec<Option<f64>>)]) -> String {
    sparklines_in(title, range, series, super::terminal::width(None))
}

/// [`sparklines`] in `width` columns: with more buckets than room, each mark stands for that
/// many consecutive buckets and shows their largest value, so a spike is never averaged away.
pub fn sparklines_in(
    title: &str,
    range: &str,
    series: &[(String, Vec<Option<f64>>)],
    width: usize,
) -> String {
    let label_w = series
        .iter()
        .map(|(l, _)| l.chars().count())
        .max()
        .unwrap_or(0)
        .min(40);
    let buckets = series.iter().map(|(_, v)| v.len()).max().unwrap_or(0);
    let room = width.saturating_sub(label_w + 2 + STATS_W).max(10);
    let per_mark = buckets.div_ceil(room).max(1);
    let mut out = if per_mark > 1 {
        format!("{title}  ({range}; each mark: the largest of {per_mark} buckets)\n")
    } else {
        format!("{title}  ({range})\n")
    };
    let series: Vec<(String, Vec<Option<f64>>)> = series
        .iter()
        .map(|(l, v)| {
            let marks = v
                .chunks(per_mark)
                .map(|c| c.iter().flatten().copied().reduce(f64::max))
                .collect();
            (l.clone(), marks)
        })
        .collect();
    for (label, values) in &series {
        let present: Vec<f64> = values.iter().flatten().copied().collect();
        let lo = present.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = present.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let line: String = values
            .iter()
            .map(|v| match v {
                None => ' ',
                Some(x) if hi > lo => SPARKS[(((x - lo) / (hi - lo)) * 7.0).round() as usize],
                Some(_) => SPARKS[3],
            })
            .collect();
        let label: String = label.chars().take(40).collect();
        let stats = if present.is_empty() {
            "no data".to_string()
        } else {
            format!(
                "min {} max {} last {}",
                num(lo),
                num(hi),
                values
                    .iter()
                    .rev()
                    .flatten()
                    .next()
                    .map_or("-".into(), |x| num(*x))
            )
        };
        let _ = writeln!(out, "{label:<label_w$}  {line}  {stats}");
    }
    out
}

fn num(x: f64) -> String {
    match serde_json::Number::from_f64(x) {
        Some(n) if x.fract() != 0.0 => super::cell::human_number(&n),
        _ => format!("{x:.0}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bars_scale_to_the_largest() {
        let s = bars(
            "count",
            &[
                ("UPI".into(), Some(40.0)),
                ("CARD".into(), Some(10.0)),
                ("COD".into(), None),
            ],
        );
        let lines: Vec<&str> = s.lines().collect();
        assert_eq!(lines[1], format!("UPI   {} 40", "█".repeat(40)));
        assert_eq!(lines[2], format!("CARD  {} 10", "█".repeat(10)));
        assert_eq!(lines[3], "COD    null");
    }

    #[test]
    fn sparklines_fit_the_width_and_keep_spikes() {
        let mut day: Vec<Option<f64>> = vec![Some(1.0); 288];
        day[100] = Some(50.0);
        let s = sparklines_in("t", "24h", &[("UPI".to_string(), day)], 100);
        for line in s.lines() {
            assert!(line.chars().count() <= 100, "{line}");
        }
        assert!(s.contains("each mark: the largest of"), "{s}");
        assert!(
            s.contains('█') && s.contains("max 50"),
            "the spike stays: {s}"
        );
        let few = sparklines_in("t", "1h", &[("a".to_string(), vec![Some(1.0); 12])], 100);
        assert!(!few.contains("each mark"), "{few}");
    }

    #[test]
    fn sparklines_span_min_to_max() {
        let s = sparklines(
            "count",
            "a..b",
            &[("x".into(), vec![Some(0.0), Some(7.0), None, Some(3.5)])],
        );
        assert!(s.contains("▁█ ▅"), "{s}");
        assert!(s.contains("min 0 max 7 last 3.5"), "{s}");
    }
}
