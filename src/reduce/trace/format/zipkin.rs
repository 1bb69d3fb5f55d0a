//! Zipkin v2 JSON: an array of spans with microsecond `timestamp`/`duration`, `id`/`parentId`,
//! `localEndpoint.serviceName`, string `tags` and `annotations`. A server span with
//! `"shared": true` reuses its client's id; the tree merges the two halves into one node.
//!
//! A span may also be reported in pieces (a late fragment with an annotation or a tag, no
//! timestamp). The pieces are merged first, by Zipkin's own rules (`Trace.merge` on the server,
//! `mergeV2ById` in its UI): spans of one id merge when their `shared` flags agree and their
//! local endpoints do not contradict each other, the first non-empty name, kind, times and
//! parent win, tags and annotations are united; a SERVER after a CLIENT of its id is shared,
//! and a shared span without a parent takes its client's. Zipkin leaves a fragment apart when
//! its `shared` flag differs, even if it carries nothing but its id and endpoint; obs also folds
//! such a fragment (no timestamp, kind or shared flag) into the one same-id span of its
//! endpoint, since it can belong to no other. A span with no timestamp after that has no time
//! obs may invent: it is left out, and said.

use std::cmp::Ordering;

use serde_json::{Map, Value};

use super::super::ids::{span_id, trace_id, IdNames};
use super::super::span::{Event, Kind, Span, Status};

/// The spans of a Zipkin array, their pieces merged, in id order.
pub fn spans(doc: &Value, names: &mut IdNames) -> Result<Vec<Span>, String> {
    let arr = doc.as_array().ok_or("not Zipkin: not an array of spans")?;
    let merged = merge(arr.iter().filter_map(Value::as_object).cloned().collect());
    let (timed, untimed): (Vec<_>, Vec<_>) = merged.into_iter().partition(|s| {
        s.get("timestamp")
            .and_then(Value::as_i64)
            .is_some_and(|t| t != 0)
    });
    if !untimed.is_empty() {
        eprintln!(
            "obs: {} Zipkin span{} without a timestamp, and no piece of the same span to take \
             one from, left out (first: id {})",
            untimed.len(),
            if untimed.len() == 1 { "" } else { "s" },
            untimed[0].get("id").and_then(Value::as_str).unwrap_or("?")
        );
    }
    timed
        .iter()
        .map(|s| span(&Value::Object(s.clone()), names))
        .collect()
}

type Obj = Map<String, Value>;

fn text<'a>(s: &'a Obj, k: &str) -> &'a str {
    s.get(k).and_then(Value::as_str).unwrap_or("")
}

fn is_shared(s: &Obj) -> bool {
    s.get("shared").and_then(Value::as_bool) == Some(true)
}

fn endpoint(s: &Obj) -> Option<&Obj> {
    s.get("localEndpoint")
        .and_then(Value::as_object)
        .filter(|e| !e.is_empty())
}

/// Zipkin's clean-up: no self-parent, no empty or `unknown` name, `shared` only off CLIENT.
fn clean(mut s: Obj) -> Obj {
    if s.get("parentId") == s.get("id") {
        s.remove("parentId");
    }
    if matches!(text(&s, "name"), "" | "unknown") {
        s.remove("name");
    }
    if text(&s, "kind") == "CLIENT" || !is_shared(&s) {
        s.remove("shared");
    }
    s
}

/// Zipkin's order: by id, then client first and shared last, then endpoint (none first).
fn order(a: &Obj, b: &Obj) -> Ordering {
    let by_shared = |a: &Obj, b: &Obj| match (is_shared(a), is_shared(b)) {
        (false, false) => (text(b, "kind") == "CLIENT").cmp(&(text(a, "kind") == "CLIENT")),
        (x, y) => x.cmp(&y),
    };
    let by_endpoint = |a: Option<&Obj>, b: Option<&Obj>| match (a, b) {
        (None, None) => Ordering::Equal,
        (None, Some(_)) => Ordering::Less,
        (Some(_), None) => Ordering::Greater,
        (Some(x), Some(y)) => ["serviceName", "ipv4", "ipv6"]
            .iter()
            .map(|k| {
                match (
                    x.get(*k).and_then(Value::as_str),
                    y.get(*k).and_then(Value::as_str),
                ) {
                    (None, None) => Ordering::Equal,
                    (None, Some(_)) => Ordering::Greater,
                    (Some(_), None) => Ordering::Less,
                    (Some(p), Some(q)) => p.cmp(q),
                }
            })
            .find(|o| o.is_ne())
            .unwrap_or(Ordering::Equal),
    };
    text(a, "id")
        .cmp(text(b, "id"))
        .then_with(|| by_shared(a, b))
        .then_with(|| by_endpoint(endpoint(a), endpoint(b)))
}

/// Whether `next`'s endpoint can be the one `seen` gathered: no field of both differs.
fn agrees(seen: &Obj, next: Option<&Obj>) -> bool {
    let Some(next) = next else { return true };
    ["serviceName", "ipv4", "ipv6", "port"]
        .iter()
        .all(|k| match (seen.get(*k), next.get(*k)) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        })
}

/// Adds the fields of `next`'s endpoint that `seen` lacks.
fn gather(seen: &mut Obj, next: Option<&Obj>) {
    for (k, v) in next.into_iter().flatten() {
        seen.entry(k.clone()).or_insert_with(|| v.clone());
    }
}

/// Zipkin's merge of two pieces of one span: the first present value wins, except endpoints,
/// tags (the later piece's win) and annotations (united, by time then value).
fn absorb(into: &mut Obj, other: Obj) {
    for k in ["parentId", "name", "kind", "timestamp", "duration"] {
        let empty = match into.get(k) {
            None | Some(Value::Null) => true,
            Some(Value::Number(n)) => n.as_i64() == Some(0),
            Some(_) => false,
        };
        if empty {
            if let Some(v) = other.get(k) {
                into.insert(k.to_string(), v.clone());
            }
        }
    }
    for k in ["localEndpoint", "remoteEndpoint", "tags"] {
        if let Some(Value::Object(theirs)) = other.get(k) {
            let mine = into
                .entry(k.to_string())
                .or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(mine) = mine {
                for (tk, tv) in theirs {
                    mine.insert(tk.clone(), tv.clone());
                }
            }
        }
    }
    let mut notes: Vec<Value> = into
        .get("annotations")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default();
    for a in other
        .get("annotations")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        if !notes.contains(a) {
            notes.push(a.clone());
        }
    }
    notes.sort_by(|a, b| {
        let t = |v: &Value| v.get("timestamp").and_then(Value::as_i64).unwrap_or(0);
        let n = |v: &Value| {
            v.get("value")
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        t(a).cmp(&t(b)).then_with(|| n(a).cmp(&n(b)))
    });
    if !notes.is_empty() {
        into.insert("annotations".into(), Value::Array(notes));
    }
    if other.get("debug").and_then(Value::as_bool) == Some(true) {
        into.insert("debug".into(), Value::Bool(true));
    }
}

/// Merges the pieces of each span (see the module's notes).
fn merge(spans: Vec<Obj>) -> Vec<Obj> {
    let mut sorted: Vec<Obj> = spans.into_iter().map(clean).collect();
    sorted.sort_by(order);
    let mut out: Vec<Obj> = Vec::with_capacity(sorted.len());
    let mut it = sorted.into_iter().peekable();
    while let Some(mut span) = it.next() {
        let mut seen = endpoint(&span).cloned().unwrap_or_default();
        while let Some(next) = it.next_if(|n| {
            text(n, "id") == text(&span, "id")
                && is_shared(n) == is_shared(&span)
                && agrees(&seen, endpoint(n))
        }) {
            gather(&mut seen, endpoint(&next));
            absorb(&mut span, next);
        }
        if let Some(last) = out.last().filter(|l| text(l, "id") == text(&span, "id")) {
            if text(last, "kind") == "CLIENT" && text(&span, "kind") == "SERVER" {
                span.insert("shared".into(), Value::Bool(true));
            }
            if is_shared(&span) && !span.contains_key("parentId") {
                if let Some(p) = last.get("parentId").cloned() {
                    span.insert("parentId".into(), p);
                }
            }
        }
        out.push(span);
    }
    fold_timeless(out)
}

/// Folds each fragment that has no timestamp, kind or shared flag into the one timed span of
/// its id whose endpoint it matches; a fragment with no such span, or with several, is kept.
fn fold_timeless(spans: Vec<Obj>) -> Vec<Obj> {
    let timeless = |s: &Obj| {
        s.get("timestamp").and_then(Value::as_i64).unwrap_or(0) == 0
            && !s.contains_key("kind")
            && !is_shared(s)
    };
    let mut out: Vec<Obj> = Vec::with_capacity(spans.len());
    let mut pending: Vec<Obj> = Vec::new();
    for s in spans {
        if timeless(&s) {
            pending.push(s);
        } else {
            out.push(s);
        }
    }
    for frag in pending {
        let homes: Vec<usize> = out
            .iter()
            .enumerate()
            .filter(|(_, s)| text(s, "id") == text(&frag, "id"))
            .filter(|(_, s)| endpoint(s).is_some_and(|e| agrees(e, endpoint(&frag))))
            .map(|(i, _)| i)
            .collect();
        match homes[..] {
            [home] => absorb(&mut out[home], frag),
            _ => out.push(frag),
        }
    }
    out
}

/// One Zipkin span.
pub fn span(s: &Value, names: &mut IdNames) -> Result<Span, String> {
    let text = |v: &Value, k: &str| v.get(k).and_then(Value::as_str).unwrap_or("").to_string();
    let trace = trace_id(&text(s, "traceId"), names).ok_or("span without a valid traceId")?;
    let id = span_id(&text(s, "id"), names).ok_or("span without a valid id")?;
    let start = s.get("timestamp").and_then(Value::as_i64).unwrap_or(0) * 1000;
    let end = start + s.get("duration").and_then(Value::as_i64).unwrap_or(0) * 1000;
    let mut attributes: Map<String, Value> = s
        .get("tags")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    // Zipkin marks a failure with an `error` tag whose value is the message ("" counts too).
    let status = if attributes.contains_key("error") {
        Status::Error
    } else {
        Status::Unset
    };
    let status_message = match attributes.remove("error") {
        Some(Value::String(m)) => m,
        _ => String::new(),
    };
    if let Some(remote) = s.get("remoteEndpoint").and_then(Value::as_object) {
        for (k, v) in remote {
            let key = match k.as_str() {
                "serviceName" => "peer.service".to_string(),
                other => format!("peer.{other}"),
            };
            attributes.insert(key, v.clone());
        }
    }
    let events = s
        .get("annotations")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|a| Event {
            time: a.get("timestamp").and_then(Value::as_i64).unwrap_or(0) * 1000,
            name: text(a, "value"),
            attributes: Map::new(),
        })
        .collect();
    Ok(Span {
        trace,
        span: id,
        parent: span_id(&text(s, "parentId"), names),
        name: text(s, "name"),
        service: s
            .get("localEndpoint")
            .map(|e| text(e, "serviceName"))
            .unwrap_or_default(),
        kind: s.get("kind").map_or(Kind::Unspecified, Kind::parse),
        start,
        end,
        status,
        status_message,
        attributes,
        events,
        shared: s.get("shared").and_then(Value::as_bool).unwrap_or(false),
        ..Span::default()
    })
}
