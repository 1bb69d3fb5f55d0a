//! Application log lines of one trace, for `obs trace show --logs`: lines whose trace id field
//! (or W3C `traceparent`) names the trace, keyed by the span they were written in.
//!
//! The trace id is searched as raw bytes first (the grep prefilter), so only the few lines that
//! mention it are decoded.

use crate::error::{ObsError, ObsResult};
use std::collections::HashMap;

use chrono_tz::Tz;

use super::format::ndjson::Role;
use super::format::Decoding;
use super::ids::{self, IdNames, SpanId, TraceId};
use crate::decode::value::value_text;
use crate::expr::Expr;
use crate::input::{ChunkReader, ReadOptions, Source, DEFAULT_CHUNK_SIZE};
use crate::pipeline::{run_ordered, Flow, Window};
use crate::record::time::TimeSpec;
use crate::record::{FieldPath, Record};
use crate::stage::filter::{Filter, FilterSpec};

/// Log lines by span (`None`: the line names the trace but no span of it), each with its time
/// (ns) and its text, in time order.
pub type TraceLogs = HashMap<Option<SpanId>, Vec<(i64, String)>>;

/// Reads `paths` and keeps the lines of `trace`.
pub fn collect(
    sources: Vec<Source>,
    trace: TraceId,
    dec: &Decoding,
    threads: usize,
    mmap: bool,
    tz: Tz,
) -> ObsResult<TraceLogs> {
    let names = IdNames::default();
    let hex = names.trace(trace);
    let core = hex.trim_start_matches('0');
    let f = &dec.fields;
    let tid = f.path(Role::TraceId).as_str().to_string();
    let tp = f.path(Role::Traceparent).as_str().to_string();
    // Case-sensitive substring tests let the raw-byte prefilter skip every other line; ids are
    // then compared by value.
    let src = format!(
        "{tid}~={c} or {tid}~={u} or {tp}~={c}",
        c = core.to_ascii_lowercase(),
        u = core.to_ascii_uppercase()
    );
    let expr = Expr::parse(&src)?;
    let time = TimeSpec::new(None, Some(tz.name()))?;
    let span_path = f.path(Role::SpanId).clone();
    let filter = Filter::new(FilterSpec {
        expr: Some(expr),
        ..FilterSpec::all(time.clone())
    })?;
    let reader = ChunkReader::new(
        sources,
        ReadOptions {
            chunk_size: DEFAULT_CHUNK_SIZE,
            mmap,
            ..ReadOptions::default()
        },
    );
    let tid_path = f.path(Role::TraceId).clone();
    let tp_path = f.path(Role::Traceparent).clone();
    let mut out: TraceLogs = HashMap::new();
    run_ordered::<_, _, _, ObsError>(
        reader,
        threads,
        Window::Reducing,
        |chunk| {
            let mut found = Vec::new();
            let mut names = IdNames::default();
            filter.scan(&chunk, &mut |rec: &Record| {
                let text = |p: &FieldPath| rec.get(p).map(|v| value_text(v).into_owned());
                let parent = text(&tp_path).and_then(|t| ids::traceparent(&t));
                let t = text(&tid_path)
                    .and_then(|t| ids::trace_id(&t, &mut names))
                    .or(parent.map(|p| p.trace));
                if t != Some(trace) {
                    return Ok(());
                }
                let span = text(&span_path)
                    .and_then(|s| ids::span_id(&s, &mut names))
                    .or(parent.filter(|p| p.trace == trace).map(|p| p.parent));
                let at = time
                    .of(rec)
                    .and_then(|t| t.timestamp_nanos_opt())
                    .unwrap_or(0);
                found.push((span, at, line_text(rec, &time, tz)));
                Ok(())
            });
            found
        },
        |_, found| {
            for (span, at, text) in found {
                out.entry(span).or_default().push((at, text));
            }
            Ok(Flow::Continue)
        },
    )?;
    for v in out.values_mut() {
        v.sort_by_key(|(t, _)| *t);
    }
    Ok(out)
}

/// `12:00:01.250 ERROR message` (or the whole line when it has no message field).
fn line_text(rec: &Record, time: &TimeSpec, tz: Tz) -> String {
    let Ok(obj) = rec.full() else {
        return String::from_utf8_lossy(rec.raw).into_owned();
    };
    let when = time
        .of(rec)
        .map(|t| t.with_timezone(&tz).format("%H:%M:%S%.3f").to_string())
        .unwrap_or_default();
    let level = ["level", "severity", "lvl"]
        .iter()
        .find_map(|k| obj.get(*k))
        .map(|v| value_text(v).into_owned())
        .unwrap_or_default();
    let msg = ["message", "msg", "body"]
        .iter()
        .find_map(|k| obj.get(*k))
        .map(|v| value_text(v).into_owned())
        .unwrap_or_else(|| String::from_utf8_lossy(rec.json).into_owned());
    format!("{when} {level} {msg}").trim().to_string()
}
