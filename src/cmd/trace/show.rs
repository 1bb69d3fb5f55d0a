//! `obs trace show`: one trace as a waterfall, or as NDJSON spans with depth, self time and
//! critical-path sections.

use std::collections::HashMap;
use std::io::Write as _;

use anyhow::{bail, Context};
use clap::Args;
use serde_json::{json, Map, Value};

use super::{load, SpanArgs};
use crate::cmd::setup;
use crate::error::ExitStatus;
use crate::output::color::ColorChoice;
use crate::output::waterfall::{self, Bar};
use crate::output::Destination;
use crate::reduce::trace::export::{self};
use crate::reduce::trace::ids::{self};
use crate::reduce::trace::view::{self};

/// `obs trace show`.
#[derive(Debug, Args)]
pub struct ShowArgs {
    /// Spans, then the trace id as the last positional.
    #[command(flatten)]
    pub spans: SpanArgs,
    /// Application log files whose lines carry trace_id/span_id (or traceparent); the trace's
    /// lines are shown under their spans, in time order. Repeatable.
    #[arg(long, value_name = "FILE", help_heading = "Output")]
    pub logs: Vec<String>,
    /// Show each span's attributes.
    #[arg(long, short = 'a', help_heading = "Output")]
    pub attributes: bool,
    /// Show each span's events.
    #[arg(long, help_heading = "Output")]
    pub events: bool,
    /// `text` (the waterfall) or `ndjson` (one span per line with depth, self time and
    /// critical-path sections).
    #[arg(long, short = 'f', default_value = "text", value_parser = ["text", "ndjson"], help_heading = "Output")]
    pub format: String,
    /// Width of the waterfall [default: the terminal's, else 120].
    #[arg(long, value_name = "COLUMNS", help_heading = "Output")]
    pub width: Option<usize>,
    /// Colour.
    #[arg(
        long,
        value_enum,
        default_value = "auto",
        value_name = "WHEN",
        help_heading = "Output"
    )]
    pub color: ColorChoice,
}

pub(super) fn show(mut a: ShowArgs) -> anyhow::Result<ExitStatus> {
    let Some(id) = a.spans.paths.pop() else {
        bail!(
            "obs trace show needs span files and a trace id: obs trace show spans.ndjson TRACE_ID"
        );
    };
    let mut l = load(&a.spans, ids::needles(&id))?;
    let wanted = ids::trace_id(&id, &mut l.traces.spans.ids)
        .with_context(|| format!("'{id}' is not a trace id"))?;
    let Some(idx) = l.traces.trees.iter().position(|t| t.trace == wanted) else {
        eprintln!("obs: trace {id} not found ({} lines read)", l.counts.read);
        return Ok(ExitStatus::NoMatch);
    };
    let spans = l.read_trees(&[idx])?.remove(0);
    let tree = l.traces.trees[idx].clone();
    let summary = l.traces.summary(idx);
    let path = l.traces.critical_path(&tree);
    let selfs = l.traces.self_times(&tree);
    let mut crit: HashMap<usize, Vec<(i64, i64)>> = HashMap::new();
    for s in &path {
        crit.entry(s.span).or_default().push((s.start, s.end));
    }
    let logs = if a.logs.is_empty() {
        HashMap::new()
    } else {
        let (sources, inputs) = setup::inputs(&a.logs, &a.spans.input)?;
        let logs = crate::reduce::trace::logs::collect(
            sources,
            wanted,
            &l.dec,
            setup::threads(&a.spans.input)?,
            !a.spans.input.no_mmap,
            l.tz,
        )?;
        setup::inputs_read(&inputs)?;
        logs
    };
    let order = tree.preorder();
    let rows = l.traces.rows(&tree);
    // The server half folded into each shared pair's node, by the pair's id.
    let halves: HashMap<u64, usize> = (0..rows.len())
        .filter(|&m| tree.merged[m])
        .map(|m| (rows[m].span, m))
        .collect();
    let ids = &l.traces.spans.ids;
    if a.format == "ndjson" {
        let mut dest = Destination::open(None)?;
        for &k in &order {
            let k = k as usize;
            let mut o = match export::span_object(&spans[k], ids) {
                Value::Object(o) => o,
                _ => Map::new(),
            };
            // A Zipkin shared pair is one node: the server half, with its own tags and
            // annotations, goes along with the client's span.
            if let Some(&m) = halves.get(&rows[k].span) {
                o.insert("server_half".into(), export::span_object(&spans[m], ids));
            }
            o.insert("depth".into(), json!(tree.depth[k]));
            o.insert("self_ms".into(), json!(view::ms(selfs[k])));
            let sections: Vec<Value> = crit.get(&k).map_or(Vec::new(), |v| {
                v.iter().map(|(s, e)| json!([s, e])).collect()
            });
            o.insert("critical_path_ns".into(), Value::Array(sections));
            serde_json::to_writer(&mut dest, &o)?;
            dest.write_all(b"\n")?;
        }
        dest.commit()?;
        return Ok(ExitStatus::Ok);
    }
    let mut bars = Vec::new();
    for &k in &order {
        let k = k as usize;
        let (r, s) = (&rows[k], &spans[k]);
        let half = halves.get(&r.span).map(|&m| &spans[m]);
        let mut details = Vec::new();
        if let Some(h) = half {
            details.push(format!(
                "(client and server halves of one shared span; server: {} {})",
                h.service, h.name
            ));
        }
        if a.attributes {
            for (key, v) in s
                .attributes
                .iter()
                .chain(half.iter().flat_map(|h| &h.attributes))
            {
                details.push(format!("{key}={}", crate::decode::value::value_text(v)));
            }
            if !s.status_message.is_empty() {
                details.push(format!("status: {}", s.status_message));
            }
        }
        if a.events {
            for e in s.events.iter().chain(half.iter().flat_map(|h| &h.events)) {
                let attrs: Vec<String> = e
                    .attributes
                    .iter()
                    .map(|(k, v)| format!("{k}={}", crate::decode::value::value_text(v)))
                    .collect();
                details.push(format!(
                    "@{} {} {}",
                    waterfall::duration(e.time - summary.start),
                    e.name,
                    attrs.join(" ")
                ));
            }
        }
        if let Some(lines) = logs.get(&Some(r.span)) {
            details.extend(lines.iter().map(|(_, t)| t.clone()));
        }
        bars.push(Bar {
            depth: tree.depth[k].max(1),
            name: s.name.clone(),
            service: match half {
                Some(h) if h.service != s.service => format!("{} → {}", s.service, h.service),
                _ => s.service.clone(),
            },
            start: r.start,
            end: r.end,
            error: r.is_error(),
            critical: crit.get(&k).cloned().unwrap_or_default(),
            details,
        });
    }
    let mut services: Vec<&str> = summary
        .services
        .iter()
        .map(|&c| l.traces.spans.services.text(c))
        .collect();
    services.sort_unstable();
    let findings: Vec<String> = tree
        .findings
        .iter()
        .map(|f| f.described(ids).to_string())
        .collect();
    let title = format!(
        "trace {}  {}  {}  {} spans  depth {}  {} errors  services: {}{}",
        ids.trace(tree.trace),
        view::time_text(summary.start, l.tz),
        waterfall::duration(summary.duration),
        summary.spans,
        summary.depth,
        summary.errors,
        services.join(", "),
        if findings.is_empty() {
            String::new()
        } else {
            format!("\nfindings: {}", findings.join("; "))
        }
    );
    let width = crate::output::terminal::width(a.width);
    let mut text = waterfall::render(&title, &bars, width, a.color.enabled());
    if let Some(lines) = logs.get(&None) {
        text.push_str("log lines of this trace without a known span:\n");
        for (_, t) in lines {
            text.push_str(&format!("  {t}\n"));
        }
    }
    text.push_str("legend: * critical path, ! error\n");
    let mut dest = Destination::open(None)?;
    dest.write_all(text.as_bytes())?;
    dest.commit()?;
    Ok(ExitStatus::Ok)
}
