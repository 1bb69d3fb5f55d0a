//! Field paths: `a.b.c`, `a[0]`, `attributes["http.status_code"]`, `["service.name"]`.
//!
//! Logs mix nested objects (`{"http":{"status":500}}`) with flattened dotted keys
//! (`{"http.status":500}`, as Elasticsearch and OpenTelemetry exporters write them). A path is
//! therefore resolved nested-first, and at each object level a key made of several consecutive
//! dotted segments is tried when the single segment is absent, so `http.status` finds either form.

use serde_json::{Map, Value};

use crate::error::ObsError;

/// One step of a path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Segment {
    /// An object key.
    Key(String),
    /// An array index.
    Index(usize),
}

/// A parsed field path.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct FieldPath {
    text: String,
    segments: Vec<Segment>,
    /// `a`, `a.b`, … computed once: lookups happen for every line.
    prefixes: Vec<String>,
}

impl FieldPath {
    /// Parses a path. Bare segments are separated by `.`; `[N]` indexes arrays; `["k.e.y"]` is a
    /// key that may contain any character (JSON string escapes allowed).
    pub fn parse(text: &str) -> Result<FieldPath, ObsError> {
        let err = |msg: &str| ObsError::Path {
            path: text.to_string(),
            msg: msg.to_string(),
        };
        let bytes = text.as_bytes();
        let mut segments = Vec::new();
        let mut i = 0;
        let mut expect_name = true;
        while i < bytes.len() {
            match bytes[i] {
                b'[' => {
                    let close = find_bracket_end(text, i).ok_or_else(|| err("unclosed '['"))?;
                    let inner = text[i + 1..close].trim();
                    if inner.starts_with('"') {
                        let key: String = serde_json::from_str(inner)
                            .map_err(|_| err("bad quoted key inside [...]"))?;
                        segments.push(Segment::Key(key));
                    } else {
                        let n = inner
                            .parse::<usize>()
                            .map_err(|_| err("expected an index or a quoted key inside [...]"))?;
                        segments.push(Segment::Index(n));
                    }
                    i = close + 1;
                    expect_name = false;
                }
                b'.' => {
                    if expect_name {
                        return Err(err("empty segment"));
                    }
                    i += 1;
                    expect_name = true;
                }
                _ => {
                    if !expect_name {
                        return Err(err("expected '.' or '[' between segments"));
                    }
                    let start = i;
                    while i < bytes.len() && bytes[i] != b'.' && bytes[i] != b'[' {
                        i += 1;
                    }
                    segments.push(Segment::Key(text[start..i].to_string()));
                    expect_name = false;
                }
            }
        }
        if segments.is_empty() {
            return Err(err("empty path"));
        }
        if expect_name {
            return Err(err("path ends with '.'"));
        }
        Ok(FieldPath {
            text: text.to_string(),
            prefixes: dotted_prefixes(&segments),
            segments,
        })
    }

    /// A path of one key taken literally, dots and parentheses included (aggregate result
    /// columns such as `p99(response_time_ms)` or `sum(http.bytes)`).
    pub fn literal(key: &str) -> FieldPath {
        FieldPath {
            text: key.to_string(),
            segments: vec![Segment::Key(key.to_string())],
            prefixes: vec![key.to_string()],
        }
    }

    /// The path as the user wrote it; used as the column or key name in projections.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// The steps of the path.
    pub fn segments(&self) -> &[Segment] {
        &self.segments
    }

    /// Top-level keys under which this path may start (`a`, `a.b`, `a.b.c` for `a.b.c`): a
    /// decoder that only materialises these keys has everything [`FieldPath::resolve`] needs.
    pub fn top_level_keys(&self) -> &[String] {
        &self.prefixes
    }

    /// Looks the path up through `top`, a lookup of top-level keys.
    pub fn resolve<'v>(&self, top: &dyn Fn(&str) -> Option<&'v Value>) -> Option<&'v Value> {
        for (n, key) in self.prefixes.iter().enumerate() {
            if let Some(v) = top(key) {
                if let Some(found) = walk(v, &self.segments[n + 1..]) {
                    return Some(found);
                }
            }
        }
        None
    }

    /// Looks the path up in a fully decoded object.
    pub fn resolve_in<'v>(&self, obj: &'v Map<String, Value>) -> Option<&'v Value> {
        self.resolve(&|k| obj.get(k))
    }
}

impl std::fmt::Display for FieldPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

/// Index of the `]` closing the `[` at `open`, skipping over a quoted key.
fn find_bracket_end(text: &str, open: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut i = open + 1;
    let mut in_str = false;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if in_str => i += 1,
            b'"' => in_str = !in_str,
            b']' if !in_str => return Some(i),
            _ => {}
        }
        i += 1;
    }
    None
}

/// `a`, `a.b`, `a.b.c` for the leading run of key segments.
fn dotted_prefixes(segments: &[Segment]) -> Vec<String> {
    let mut out = Vec::new();
    let mut acc = String::new();
    for seg in segments {
        match seg {
            Segment::Key(k) => {
                if !acc.is_empty() {
                    acc.push('.');
                }
                acc.push_str(k);
                out.push(acc.clone());
            }
            Segment::Index(_) => break,
        }
    }
    out
}

/// Follows `rest` from `v`, trying dotted keys at each object level.
fn walk<'v>(v: &'v Value, rest: &[Segment]) -> Option<&'v Value> {
    let Some(first) = rest.first() else {
        return Some(v);
    };
    match (first, v) {
        (Segment::Index(i), Value::Array(items)) => walk(items.get(*i)?, &rest[1..]),
        (Segment::Key(k), Value::Object(map)) => {
            // The nested form first, without building dotted keys.
            if let Some(found) = map.get(k.as_str()).and_then(|c| walk(c, &rest[1..])) {
                return Some(found);
            }
            if rest.len() < 2 {
                return None;
            }
            let prefixes = dotted_prefixes(rest);
            for (n, key) in prefixes.iter().enumerate().skip(1) {
                if let Some(child) = map.get(key.as_str()) {
                    if let Some(found) = walk(child, &rest[n + 1..]) {
                        return Some(found);
                    }
                }
            }
            None
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn get(path: &str, v: &Value) -> Option<Value> {
        let obj = v.as_object().expect("object");
        FieldPath::parse(path)
            .expect("path")
            .resolve_in(obj)
            .cloned()
    }

    #[test]
    fn nested_indexed_and_quoted() {
        let v = json!({"a":{"b":[{"c":1},{"c":2}]},"attributes":{"http.status_code":503},"service.name":"pay"});
        assert_eq!(get("a.b[1].c", &v), Some(json!(2)));
        assert_eq!(
            get(r#"attributes["http.status_code"]"#, &v),
            Some(json!(503))
        );
        assert_eq!(get(r#"["service.name"]"#, &v), Some(json!("pay")));
        assert_eq!(get("a.b[5]", &v), None);
        assert_eq!(get("a.x", &v), None);
    }

    #[test]
    fn dotted_keys_found_without_quotes() {
        let v = json!({"http.status":500,"attributes":{"http.method":"GET"}});
        assert_eq!(get("http.status", &v), Some(json!(500)));
        assert_eq!(get("attributes.http.method", &v), Some(json!("GET")));
    }

    #[test]
    fn nested_wins_over_dotted() {
        let v = json!({"http":{"status":200},"http.status":500});
        assert_eq!(get("http.status", &v), Some(json!(200)));
    }

    #[test]
    fn bad_paths_are_errors() {
        for p in ["", "a.", ".a", "a..b", "a[", "a[x]", "a[0]b"] {
            assert!(FieldPath::parse(p).is_err(), "{p}");
        }
        assert_eq!(
            FieldPath::parse("a.b[0]").expect("ok").top_level_keys(),
            vec!["a", "a.b"]
        );
    }
}
