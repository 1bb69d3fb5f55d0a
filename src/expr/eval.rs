//! Evaluation of [`Expr`] against a record (or anything that can look up a path).

use serde_json::Value;

use super::{level_rank, Expr, Fold, InSet, Literal, Op, Test};
use crate::decode::value::{value_number, value_text};
use crate::record::time::parse_time_value;
use crate::record::{FieldPath, Record};

/// Anything an expression can be evaluated against.
pub trait Eval {
    /// The value at `path`, if present.
    fn lookup(&self, path: &FieldPath) -> Option<&Value>;

    /// Whether `inner` holds for any of the record's items (`any(...)`); records without items
    /// have none.
    fn any_item(&self, inner: &Expr) -> bool {
        let _ = inner;
        false
    }
}

impl Eval for Record<'_> {
    fn lookup(&self, path: &FieldPath) -> Option<&Value> {
        self.get(path)
    }
}

impl Eval for serde_json::Map<String, Value> {
    fn lookup(&self, path: &FieldPath) -> Option<&Value> {
        path.resolve_in(self)
    }
}

impl Expr {
    /// True when the expression holds for `rec`.
    pub fn matches(&self, rec: &dyn Eval) -> bool {
        match self {
            Expr::Or(xs) => xs.iter().any(|x| x.matches(rec)),
            Expr::And(xs) => xs.iter().all(|x| x.matches(rec)),
            Expr::Not(x) => !x.matches(rec),
            Expr::Const(b) => *b,
            Expr::Any(inner) => rec.any_item(inner),
            Expr::Exists(p) => rec.lookup(p).is_some(),
            Expr::Truthy(p) => rec.lookup(p).is_some_and(truthy),
            Expr::Test(p, test) => match rec.lookup(p) {
                None => false,
                Some(v) => test_value(test, v),
            },
        }
    }
}

fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64() != Some(0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        Value::Object(_) => true,
    }
}

fn test_value(test: &Test, v: &Value) -> bool {
    match test {
        // `!=` is "present and not equal", so on arrays it means no element is equal.
        Test::Cmp(Op::Ne, lit) => {
            !any(v, &|x| compare(x, Op::Eq, lit)) && !is_null_vs_value(v, lit)
        }
        Test::Cmp(op, lit) => any(v, &|x| compare(x, *op, lit)),
        Test::Contains(s) => any(v, &|x| scalar(x) && value_text(x).contains(s.as_str())),
        Test::Regex(re) => any(v, &|x| scalar(x) && re.is_match(&value_text(x))),
        Test::In(set) => any(v, &|x| in_set(x, set)),
        Test::Folded(f) => folded(f, v),
    }
}

/// A `-i` test: the value's text lower-cased.
fn folded(f: &Fold, v: &Value) -> bool {
    let lower = |x: &Value| value_text(x).to_lowercase();
    match f {
        Fold::Eq(s) => any(v, &|x| scalar(x) && lower(x) == *s),
        Fold::Ne(s) => !v.is_null() && !any(v, &|x| scalar(x) && lower(x) == *s),
        Fold::Contains(s) => any(v, &|x| scalar(x) && lower(x).contains(s.as_str())),
        Fold::In(set) => any(v, &|x| match x {
            Value::String(s) => in_set(&Value::String(s.to_lowercase()), set),
            other => in_set(other, set),
        }),
    }
}

/// A null field compared with a non-null literal behaves like a missing field (false).
fn is_null_vs_value(v: &Value, lit: &Literal) -> bool {
    v.is_null() && !matches!(lit, Literal::Null)
}

fn scalar(v: &Value) -> bool {
    !matches!(v, Value::Array(_) | Value::Object(_) | Value::Null)
}

fn any(v: &Value, f: &dyn Fn(&Value) -> bool) -> bool {
    match v {
        Value::Array(items) => items.iter().any(f),
        other => f(other),
    }
}

fn compare(v: &Value, op: Op, lit: &Literal) -> bool {
    use std::cmp::Ordering;
    let ord: Option<Ordering> = match (v, lit) {
        (Value::Null, Literal::Null) => Some(Ordering::Equal),
        (Value::Null, _) | (_, Literal::Null) => None,
        (Value::Array(_) | Value::Object(_), _) => None,
        (Value::Bool(b), Literal::Bool(l)) => return op == Op::Eq && b == l,
        (_, Literal::Time(t, tz, _)) => parse_time_value(v, *tz).map(|x| x.cmp(t)),
        (Value::String(s), Literal::Level(rank, _)) => level_rank(s).map(|r| r.cmp(rank)),
        (_, Literal::Level(..)) => None,
        // Against a number, only numbers (or numeric strings) compare: `amount>1000` must not
        // hold for "n/a" or true by comparing text.
        (_, Literal::Num(n, text)) => match value_number(v) {
            Some(x) => x.partial_cmp(n),
            // `region=1h` on a text value compares the text as written (equality only).
            None if matches!(op, Op::Eq | Op::Ne) && v.is_string() => {
                Some(value_text(v).as_ref().cmp(text.as_str()))
            }
            None => None,
        },
        (_, lit) => Some(value_text(v).as_ref().cmp(lit.text())),
    };
    let Some(ord) = ord else { return false };
    match op {
        Op::Eq => ord == Ordering::Equal,
        Op::Ne => ord != Ordering::Equal,
        Op::Lt => ord == Ordering::Less,
        Op::Le => ord != Ordering::Greater,
        Op::Gt => ord == Ordering::Greater,
        Op::Ge => ord != Ordering::Less,
    }
}

fn in_set(v: &Value, set: &InSet) -> bool {
    match v {
        Value::Null => set.literals.iter().any(|l| matches!(l, Literal::Null)),
        Value::Array(_) | Value::Object(_) => false,
        _ => {
            if set.texts.contains(value_text(v).as_ref()) {
                return true;
            }
            value_number(v).is_some_and(|x| set.numbers.contains(&x))
        }
    }
}

#[cfg(test)]
mod tests;
