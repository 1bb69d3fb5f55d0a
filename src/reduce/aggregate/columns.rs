//! Column builders: what each chunk's records contribute to the aggregation, in input order.
//!
//! Text-like values (grouping keys, `count_distinct`, `first`/`last` inputs) are dictionary
//! coded per chunk — a `u32` per row plus each distinct value once — and the consumer remaps the
//! codes into one global dictionary as chunks arrive in order. Polars then groups on integers,
//! and strings are materialised once per distinct value, not once per row.

use rustc_hash::FxHashMap;
use serde_json::Value;

/// The code of a missing (null) value. Polars groups it like any other code (so columns move
/// into the frame without a validity mask), and it is turned back into null afterwards.
pub const NULL: u32 = u32::MAX;

/// The bucket of records without a timestamp.
pub const NO_TIME: i64 = i64::MIN;

/// Distinct values and their codes. Strings are looked up by their text, without allocating per
/// row; other values (numbers, booleans, containers) by their JSON text, so the number `200` and
/// the string `"200"` stay apart. Hashed with rustc-hash's Fx, as the trace name dictionaries
/// are: SipHash was a twentieth of `aggregate`'s CPU, one lookup per row and key
/// (`benches/aggregate.rs`).
#[derive(Debug, Default, Clone)]
pub struct Dict {
    strings: FxHashMap<String, u32>,
    others: FxHashMap<String, u32>,
    values: Vec<Value>,
}

impl Dict {
    /// The code of `v` (not null), adding it if new.
    pub fn code(&mut self, v: &Value) -> u32 {
        let next = self.values.len() as u32;
        let code = match v {
            Value::String(s) => match self.strings.get(s.as_str()) {
                Some(&c) => return c,
                None => {
                    self.strings.insert(s.clone(), next);
                    next
                }
            },
            other => {
                let text = other.to_string();
                match self.others.get(&text) {
                    Some(&c) => return c,
                    None => {
                        self.others.insert(text, next);
                        next
                    }
                }
            }
        };
        self.values.push(v.clone());
        code
    }

    /// The value of `code` (`None` for [`NULL`]).
    pub fn value(&self, code: u32) -> Option<Value> {
        self.values.get(code as usize).cloned()
    }

    /// Number of distinct values.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }
}

/// A dictionary-coded column.
#[derive(Debug, Default, Clone)]
pub struct Coded {
    /// One code per row ([`NULL`] for missing).
    pub codes: Vec<u32>,
    /// The values.
    pub dict: Dict,
}

impl Coded {
    /// Appends a row holding `v` (`None` or JSON null: the null group).
    pub fn push(&mut self, v: Option<&Value>) {
        let code = match v {
            None | Some(Value::Null) => NULL,
            Some(v) => self.dict.code(v),
        };
        self.codes.push(code);
    }

    /// Appends `other`'s rows, remapping its codes into this column's dictionary.
    pub fn append(&mut self, other: Coded) {
        let remap: Vec<u32> = other
            .dict
            .values
            .iter()
            .map(|t| self.dict.code(t))
            .collect();
        self.codes.extend(other.codes.into_iter().map(|c| {
            if c == NULL {
                NULL
            } else {
                remap[c as usize]
            }
        }));
    }
}

/// Everything one chunk (or, merged, the whole input) contributes.
#[derive(Debug, Default, Clone)]
pub struct Columns {
    /// Rows so far.
    pub rows: usize,
    /// One per grouping key.
    pub keys: Vec<Coded>,
    /// Time bucket starts (epoch ms), when `--every` is given; [`NO_TIME`] for records without
    /// a timestamp.
    pub time: Option<Vec<i64>>,
    /// Numeric inputs; NaN marks a missing value (JSON has no NaN, and numeric strings that
    /// spell one are refused, so NaN is never data) at half the size of `Option<f64>`.
    pub nums: Vec<Vec<f64>>,
    /// Condition inputs (`count(expr)`, `rate(expr)`).
    pub bools: Vec<Vec<bool>>,
    /// Value inputs (`count_distinct`, `first`, `last`).
    pub values: Vec<Coded>,
    /// Sampling weights: empty until a record carries one, then one per row (1 where absent).
    pub weights: Vec<f64>,
    /// Records whose weight field held a usable weight.
    pub weighted: u64,
    /// Per numeric input: values present but not numbers.
    pub skipped: Vec<u64>,
    /// Records whose time field is there but holds no time obs can read (`--every`).
    pub untimed: u64,
}

impl Columns {
    /// Empty columns of the given shape.
    pub fn new(keys: usize, time: bool, nums: usize, bools: usize, values: usize) -> Columns {
        Columns {
            rows: 0,
            keys: vec![Coded::default(); keys],
            time: time.then(Vec::new),
            nums: vec![Vec::new(); nums],
            bools: vec![Vec::new(); bools],
            values: vec![Coded::default(); values],
            weights: Vec::new(),
            weighted: 0,
            skipped: vec![0; nums],
            untimed: 0,
        }
    }

    /// Records a row's sampling weight (`None`: the record has none, so weight 1).
    pub fn push_weight(&mut self, w: Option<f64>) {
        match w {
            Some(w) => {
                if self.weights.is_empty() {
                    self.weights = vec![1.0; self.rows - 1];
                }
                self.weights.push(w);
                self.weighted += 1;
            }
            None if !self.weights.is_empty() => self.weights.push(1.0),
            None => {}
        }
    }

    /// Reserves room for `rows` more rows, so the merged columns are allocated once instead of
    /// doubling (a doubling briefly holds three times a column).
    pub fn reserve(&mut self, rows: usize) {
        for k in &mut self.keys {
            k.codes.reserve_exact(rows);
        }
        if let Some(t) = self.time.as_mut() {
            t.reserve_exact(rows);
        }
        for n in &mut self.nums {
            n.reserve_exact(rows);
        }
        for b in &mut self.bools {
            b.reserve_exact(rows);
        }
        for v in &mut self.values {
            v.codes.reserve_exact(rows);
        }
    }

    /// Appends a later chunk's columns.
    pub fn append(&mut self, other: Columns) {
        self.rows += other.rows;
        for (a, b) in self.keys.iter_mut().zip(other.keys) {
            a.append(b);
        }
        if let (Some(a), Some(b)) = (self.time.as_mut(), other.time) {
            a.extend(b);
        }
        for (a, b) in self.nums.iter_mut().zip(other.nums) {
            a.extend(b);
        }
        for (a, b) in self.bools.iter_mut().zip(other.bools) {
            a.extend(b);
        }
        for (a, b) in self.values.iter_mut().zip(other.values) {
            a.append(b);
        }
        match (self.weights.is_empty(), other.weights.is_empty()) {
            (_, true) if !self.weights.is_empty() => {
                self.weights.resize(self.rows, 1.0);
            }
            (true, false) => {
                self.weights = vec![1.0; self.rows - other.rows];
                self.weights.extend(other.weights);
            }
            _ => self.weights.extend(other.weights),
        }
        self.weighted += other.weighted;
        for (a, b) in self.skipped.iter_mut().zip(other.skipped) {
            *a += b;
        }
        self.untimed += other.untimed;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn dictionaries_merge_in_order_and_keep_types() {
        let mut a = Coded::default();
        a.push(Some(&json!("UPI")));
        a.push(None);
        a.push(Some(&json!(200)));
        let mut b = Coded::default();
        b.push(Some(&json!("200")));
        b.push(Some(&json!("UPI")));
        a.append(b);
        let vals: Vec<Option<Value>> = a.codes.iter().map(|&c| a.dict.value(c)).collect();
        assert_eq!(
            vals,
            vec![
                Some(json!("UPI")),
                None,
                Some(json!(200)),
                Some(json!("200")),
                Some(json!("UPI"))
            ]
        );
        assert_eq!(
            a.dict.len(),
            3,
            "the number 200 and the string \"200\" stay apart"
        );
    }
}
