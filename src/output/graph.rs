//! Dependency graphs as Graphviz DOT or Mermaid, from edge rows with `from`, `to`, `calls` and
//! `errors`.

use serde_json::{Map, Value};

fn field<'a>(r: &'a Map<String, Value>, k: &str) -> &'a str {
    r.get(k).and_then(Value::as_str).unwrap_or("")
}

fn count(r: &Map<String, Value>, k: &str) -> u64 {
    r.get(k).and_then(Value::as_u64).unwrap_or(0)
}

fn label(r: &Map<String, Value>) -> String {
    match count(r, "errors") {
        0 => format!("{} calls", count(r, "calls")),
        e => format!("{} calls, {e} errors", count(r, "calls")),
    }
}

/// A DOT digraph; edges with errors are red.
pub fn dot(rows: &[Map<String, Value>]) -> String {
    let q = |s: &str| format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""));
    let mut out = String::from("digraph services {\n  rankdir=LR;\n  node [shape=box];\n");
    for r in rows {
        let color = if count(r, "errors") > 0 {
            ", color=red"
        } else {
            ""
        };
        out.push_str(&format!(
            "  {} -> {} [label={}{color}];\n",
            q(field(r, "from")),
            q(field(r, "to")),
            q(&label(r))
        ));
    }
    out.push_str("}\n");
    out
}

/// A Mermaid flowchart; nodes get plain ids and the service names as labels.
pub fn mermaid(rows: &[Map<String, Value>]) -> String {
    let id = |s: &'_ str, nodes: &mut Vec<String>| -> String {
        let i = match nodes.iter().position(|n| n == s) {
            Some(i) => i,
            None => {
                nodes.push(s.to_string());
                nodes.len() - 1
            }
        };
        format!("s{i}")
    };
    let mut names: Vec<String> = Vec::new();
    let mut edges = String::new();
    for r in rows {
        let a = id(field(r, "from"), &mut names);
        let b = id(field(r, "to"), &mut names);
        edges.push_str(&format!("  {a} -->|\"{}\"| {b}\n", label(r)));
    }
    let mut out = String::from("graph LR\n");
    for (i, n) in names.iter().enumerate() {
        out.push_str(&format!("  s{i}[\"{}\"]\n", n.replace('"', "#quot;")));
    }
    out.push_str(&edges);
    out
}
