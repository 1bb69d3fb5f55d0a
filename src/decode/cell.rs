//! A JSON value borrowed from the line it was read from.
//!
//! Reducers that read a handful of scalar fields from every line (trace ids, times, names) do not
//! need a `serde_json::Value` per field: a string without escapes is a slice of the line, a
//! number is a number. Objects and arrays, which such fields rarely hold, are decoded whole.

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

/// One decoded JSON value; strings borrow from the input when they can.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell<'a> {
    /// `null`.
    Null,
    /// `true` / `false`.
    Bool(bool),
    /// A negative integer (or any integer that fits `i64`, from a `Value`).
    Int(i64),
    /// A non-negative integer.
    UInt(u64),
    /// Any other number.
    Float(f64),
    /// A string.
    Str(Cow<'a, str>),
    /// An object or array, boxed: a `Value` inline made every cell 72 bytes, and moving cells
    /// that size into their slots showed as a store-forwarding stall in the first pass of
    /// `obs trace` (scalars are what such fields hold).
    Tree(Box<Cow<'a, Value>>),
}

impl<'a> Cell<'a> {
    /// The cell of a decoded value, borrowing its strings and containers.
    pub fn of(v: &'a Value) -> Cell<'a> {
        match v {
            Value::Null => Cell::Null,
            Value::Bool(b) => Cell::Bool(*b),
            Value::Number(n) => match (n.as_u64(), n.as_i64()) {
                (Some(u), _) => Cell::UInt(u),
                (_, Some(i)) => Cell::Int(i),
                _ => Cell::Float(n.as_f64().unwrap_or(f64::NAN)),
            },
            Value::String(s) => Cell::Str(Cow::Borrowed(s)),
            other => Cell::Tree(Box::new(Cow::Borrowed(other))),
        }
    }

    /// The same value as a `serde_json::Value`.
    pub fn to_value(&self) -> Value {
        match self {
            Cell::Null => Value::Null,
            Cell::Bool(b) => Value::Bool(*b),
            Cell::Int(i) => Value::from(*i),
            Cell::UInt(u) => Value::from(*u),
            Cell::Float(f) => serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
            Cell::Str(s) => Value::String(s.to_string()),
            Cell::Tree(v) => v.as_ref().as_ref().clone(),
        }
    }

    /// The string, if the value is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            Cell::Str(s) => Some(s),
            _ => None,
        }
    }

    /// The integer, if the value is an integer that fits `i64`.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Cell::Int(i) => Some(*i),
            Cell::UInt(u) => i64::try_from(*u).ok(),
            _ => None,
        }
    }

    /// The text form used for ids and names: strings as they are, everything else as JSON
    /// writes it (the same as [`crate::decode::value::value_text`]).
    // Inlined, with the writing of other values out of line: span lines read two names through
    // it, and as a call each paid for the registers of the JSON writer.
    #[inline]
    pub fn text(&self) -> Cow<'_, str> {
        match self {
            Cell::Str(s) => Cow::Borrowed(s),
            other => Cow::Owned(other.written()),
        }
    }

    /// The value as JSON writes it.
    #[inline(never)]
    fn written(&self) -> String {
        self.to_value().to_string()
    }

    /// A number from a JSON number or from a string holding one (as
    /// [`crate::decode::value::value_number`]).
    pub fn number(&self) -> Option<f64> {
        match self {
            Cell::Int(i) => Some(*i as f64),
            Cell::UInt(u) => Some(*u as f64),
            Cell::Float(f) => Some(*f),
            Cell::Str(s) => crate::decode::value::parse_number(s),
            _ => None,
        }
    }
}

impl<'de> Deserialize<'de> for Cell<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(CellVisitor)
    }
}

struct CellVisitor;

impl<'de> Visitor<'de> for CellVisitor {
    type Value = Cell<'de>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON value")
    }
    fn visit_unit<E>(self) -> Result<Cell<'de>, E> {
        Ok(Cell::Null)
    }
    fn visit_none<E>(self) -> Result<Cell<'de>, E> {
        Ok(Cell::Null)
    }
    fn visit_bool<E>(self, b: bool) -> Result<Cell<'de>, E> {
        Ok(Cell::Bool(b))
    }
    fn visit_i64<E>(self, i: i64) -> Result<Cell<'de>, E> {
        Ok(if i >= 0 {
            Cell::UInt(i as u64)
        } else {
            Cell::Int(i)
        })
    }
    fn visit_u64<E>(self, u: u64) -> Result<Cell<'de>, E> {
        Ok(Cell::UInt(u))
    }
    fn visit_f64<E>(self, f: f64) -> Result<Cell<'de>, E> {
        Ok(Cell::Float(f))
    }
    fn visit_borrowed_str<E>(self, s: &'de str) -> Result<Cell<'de>, E> {
        Ok(Cell::Str(Cow::Borrowed(s)))
    }
    fn visit_str<E>(self, s: &str) -> Result<Cell<'de>, E> {
        Ok(Cell::Str(Cow::Owned(s.to_string())))
    }
    fn visit_string<E>(self, s: String) -> Result<Cell<'de>, E> {
        Ok(Cell::Str(Cow::Owned(s)))
    }
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<Cell<'de>, A::Error> {
        let v = Value::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
        Ok(Cell::Tree(Box::new(Cow::Owned(v))))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<Cell<'de>, A::Error> {
        let v = Value::deserialize(serde::de::value::SeqAccessDeserializer::new(seq))?;
        Ok(Cell::Tree(Box::new(Cow::Owned(v))))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn borrows_plain_strings_and_keeps_types() {
        let line = br#"["abc","a\nb",-3,7,1.5,true,null,{"k":[1]}]"#;
        let cells: Vec<Cell> = serde_json::from_slice(line).expect("valid");
        assert!(matches!(cells[0], Cell::Str(Cow::Borrowed("abc"))));
        assert_eq!(cells[1], Cell::Str(Cow::Owned("a\nb".into())));
        assert_eq!(cells[2], Cell::Int(-3));
        assert_eq!(cells[3], Cell::UInt(7));
        assert_eq!(cells[4], Cell::Float(1.5));
        assert_eq!(cells[5], Cell::Bool(true));
        assert_eq!(cells[6], Cell::Null);
        assert_eq!(cells[7].to_value(), json!({"k": [1]}));
    }

    #[test]
    fn text_and_number_agree_with_values() {
        for v in [
            json!("x"),
            json!(12),
            json!(-1.25),
            json!(true),
            json!(null),
        ] {
            let c = Cell::of(&v);
            assert_eq!(c.text(), crate::decode::value::value_text(&v));
            assert_eq!(c.number(), crate::decode::value::value_number(&v));
            assert_eq!(c.to_value(), v);
        }
        assert_eq!(Cell::Str("2999.00".into()).number(), Some(2999.0));
    }

    #[test]
    fn a_cell_is_at_most_four_words() {
        // What the first pass moves per projected field; see `Cell::Tree`.
        assert!(std::mem::size_of::<Option<Cell>>() <= 32);
    }
}
