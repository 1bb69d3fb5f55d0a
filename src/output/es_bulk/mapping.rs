//! `--template`: an `_index_template` whose mappings are inferred from the records written.
//!
//! Per field path we count the kinds of values seen; then: booleans → `boolean`; whole numbers →
//! `long`, any fraction → `double`; strings that all read as times → `date`, as IP addresses →
//! `ip`; message-like strings (named message/msg/log/…, or long, spaced and varied) → `text`;
//! other strings (identifiers, enums such as level or payment_method) → `keyword`. Values of
//! several kinds → `keyword`, which accepts them all. The time field holding epoch numbers →
//! `date` with the epoch format its magnitude shows.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{json, Map, Value};

use crate::record::time::parse_time_str;

/// Distinct values remembered per field before it counts as high-cardinality.
const DISTINCT_CAP: usize = 64;
/// Names that are messages, whatever their values look like.
const TEXT_NAMES: [&str; 7] = [
    "message",
    "msg",
    "log",
    "description",
    "stack_trace",
    "stacktrace",
    "error.message",
];

/// What was seen under one field path.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldStat {
    bools: u64,
    ints: u64,
    floats: u64,
    strings: u64,
    dates: u64,
    ips: u64,
    spaced: u64,
    total_len: u64,
    distinct: BTreeSet<String>,
    many: bool,
    max_abs: f64,
}

/// Field statistics of many records; mergeable across chunks.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldStats {
    fields: BTreeMap<String, FieldStat>,
    records: u64,
    time_fields: BTreeSet<String>,
}

impl FieldStats {
    /// Observes one record; `time_field` is the path its timestamp was found under.
    pub fn observe(&mut self, obj: &Map<String, Value>, time_field: Option<&str>) {
        self.records += 1;
        if let Some(t) = time_field {
            self.time_fields.insert(t.to_string());
        }
        for (k, v) in obj {
            self.observe_value(k, v);
        }
    }

    fn observe_value(&mut self, path: &str, v: &Value) {
        match v {
            Value::Null => {}
            Value::Object(map) => {
                for (k, child) in map {
                    self.observe_value(&format!("{path}.{k}"), child);
                }
            }
            Value::Array(items) => items.iter().for_each(|x| self.observe_value(path, x)),
            scalar => {
                let st = self.fields.entry(path.to_string()).or_default();
                match scalar {
                    Value::Bool(_) => st.bools += 1,
                    Value::Number(n) => {
                        if n.is_f64() {
                            st.floats += 1;
                        } else {
                            st.ints += 1;
                        }
                        st.max_abs = st.max_abs.max(n.as_f64().unwrap_or(0.0).abs());
                    }
                    Value::String(s) => {
                        st.strings += 1;
                        st.total_len += s.len() as u64;
                        if s.contains(' ') {
                            st.spaced += 1;
                        }
                        if s.parse::<std::net::IpAddr>().is_ok() {
                            st.ips += 1;
                        } else if s.len() >= 10
                            && s.contains('-')
                            && parse_time_str(s, chrono_tz::UTC).is_some()
                        {
                            st.dates += 1;
                        }
                        if !st.many {
                            st.distinct.insert(s.clone());
                            if st.distinct.len() > DISTINCT_CAP {
                                st.many = true;
                                st.distinct.clear();
                            }
                        }
                    }
                    _ => {}
                }
            }
        }
    }

    /// Adds another chunk's statistics.
    pub fn merge(&mut self, other: FieldStats) {
        self.records += other.records;
        self.time_fields.extend(other.time_fields);
        for (k, o) in other.fields {
            let st = self.fields.entry(k).or_default();
            st.bools += o.bools;
            st.ints += o.ints;
            st.floats += o.floats;
            st.strings += o.strings;
            st.dates += o.dates;
            st.ips += o.ips;
            st.spaced += o.spaced;
            st.total_len += o.total_len;
            st.max_abs = st.max_abs.max(o.max_abs);
            st.many |= o.many;
            if !st.many {
                st.distinct.extend(o.distinct);
                if st.distinct.len() > DISTINCT_CAP {
                    st.many = true;
                    st.distinct.clear();
                }
            }
        }
    }

    fn mapping_of(&self, path: &str, st: &FieldStat) -> Value {
        let kinds = [st.bools > 0, st.ints + st.floats > 0, st.strings > 0];
        let n_kinds = kinds.iter().filter(|&&b| b).count();
        let leaf = path.rsplit('.').next().unwrap_or(path);
        if n_kinds > 1 {
            return json!({"type": "keyword", "ignore_above": 1024});
        }
        if st.bools > 0 {
            return json!({"type": "boolean"});
        }
        if st.ints + st.floats > 0 {
            if self.time_fields.contains(path) {
                let fmt = if st.max_abs >= 1e11 {
                    "epoch_millis"
                } else {
                    "epoch_second"
                };
                return json!({"type": "date", "format": fmt});
            }
            return json!({"type": if st.floats > 0 { "double" } else { "long" }});
        }
        if st.dates == st.strings {
            return json!({"type": "date"});
        }
        if st.ips == st.strings {
            return json!({"type": "ip"});
        }
        let avg_len = st.total_len / st.strings.max(1);
        let message_like = TEXT_NAMES.contains(&path)
            || TEXT_NAMES.contains(&leaf)
            || (st.many && avg_len > 48 && st.spaced * 2 > st.strings);
        if message_like {
            json!({"type": "text"})
        } else {
            json!({"type": "keyword", "ignore_above": 1024})
        }
    }

    /// The `_index_template` body for `pattern`.
    pub fn template(&self, pattern: &str) -> Value {
        let mut props = Map::new();
        for (path, st) in &self.fields {
            insert_path(&mut props, path, self.mapping_of(path, st));
        }
        json!({
            "index_patterns": [pattern],
            "priority": 200,
            "template": {"mappings": {"properties": props}},
            "_meta": {"generated_by": "obs", "records_seen": self.records}
        })
    }
}

/// Puts `mapping` at a dotted `path`, creating `properties` objects on the way.
fn insert_path(props: &mut Map<String, Value>, path: &str, mapping: Value) {
    let mut parts = path.splitn(2, '.');
    let head = parts.next().unwrap_or(path).to_string();
    match parts.next() {
        None => {
            props.insert(head, mapping);
        }
        Some(rest) => {
            let entry = props
                .entry(head)
                .or_insert_with(|| json!({"properties": {}}));
            if entry.get("properties").is_none() {
                // A leaf and an object under one name: the object wins, as in ES dynamic mapping
                // the first document would decide; keep the nested fields reachable.
                *entry = json!({"properties": {}});
            }
            if let Some(Value::Object(inner)) = entry.get_mut("properties") {
                insert_path(inner, rest, mapping);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn infers_types() {
        let mut a = FieldStats::default();
        let mut b = FieldStats::default();
        for i in 0..200 {
            let rec = json!({
                "@timestamp": "2024-05-01T10:00:00+05:30",
                "level": if i % 2 == 0 { "INFO" } else { "ERROR" },
                "amount": if i % 3 == 0 { json!(12.5) } else { json!(100) },
                "count": i,
                "ok": true,
                "client": {"ip": "10.1.2.3"},
                "message": format!("payment {i} failed at gateway"),
                "payment_id": format!("pay_{i:08}"),
                "ts": 1714537800123i64
            });
            let target = if i % 2 == 0 { &mut a } else { &mut b };
            target.observe(rec.as_object().expect("obj"), Some("ts"));
        }
        a.merge(b);
        let t = a.template("payment-logs-*");
        let p = &t["template"]["mappings"]["properties"];
        assert_eq!(p["@timestamp"]["type"], "date");
        assert_eq!(p["level"]["type"], "keyword");
        assert_eq!(p["amount"]["type"], "double");
        assert_eq!(p["count"]["type"], "long");
        assert_eq!(p["ok"]["type"], "boolean");
        assert_eq!(p["client"]["properties"]["ip"]["type"], "ip");
        assert_eq!(p["message"]["type"], "text");
        assert_eq!(p["payment_id"]["type"], "keyword");
        assert_eq!(p["ts"], json!({"type": "date", "format": "epoch_millis"}));
        assert_eq!(t["index_patterns"], json!(["payment-logs-*"]));
        assert_eq!(t["_meta"]["records_seen"], 200);
    }
}
