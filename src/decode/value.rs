//! The scalar helpers every layer shares: a JSON value as text or as a number, and the trims and
//! number parsing that go with them. They live at the bottom, in `decode`, so that `record`,
//! `expr`, `output` and `reduce` can all use them without `decode` looking up at `record`.

use serde_json::Value;

/// The text form of a scalar used for string comparisons and display: strings as they are,
/// numbers and booleans as JSON writes them, `null` as `null`, containers as compact JSON.
pub fn value_text(v: &Value) -> std::borrow::Cow<'_, str> {
    match v {
        Value::String(s) => std::borrow::Cow::Borrowed(s),
        other => std::borrow::Cow::Owned(other.to_string()),
    }
}

/// A number from a JSON number, or from a string holding one (`"2999.00"`), as logs often do.
pub fn value_number(v: &Value) -> Option<f64> {
    match v {
        Value::Number(n) => n.as_f64(),
        Value::String(s) => parse_number(s),
        _ => None,
    }
}

/// `s` without leading and trailing white space, like `str::trim`, but returning at once when
/// both ends are printable ASCII, as ids, kinds and statuses nearly always are: a full trim of
/// three ids per span showed in the first pass of `obs trace`.
pub fn trim(s: &str) -> &str {
    match (s.as_bytes().first(), s.as_bytes().last()) {
        (Some(a), Some(z)) if a.is_ascii_graphic() && z.is_ascii_graphic() => s,
        _ => s.trim(),
    }
}

/// Parses a finite decimal number written as JSON or a plain decimal would write it.
pub fn parse_number(s: &str) -> Option<f64> {
    let t = s.trim();
    let first = t.as_bytes().first()?;
    if !(first.is_ascii_digit() || *first == b'-' || *first == b'+' || *first == b'.') {
        return None; // refuse "inf", "NaN" and friends that f64::from_str accepts
    }
    t.parse::<f64>().ok().filter(|x| x.is_finite())
}

#[cfg(test)]
mod tests {
    use super::trim;

    #[test]
    fn trims_like_std_with_or_without_the_fast_path() {
        for s in [
            "",
            " ",
            "abc",
            " abc",
            "abc\t",
            "\u{a0}x\u{a0}",
            "a b",
            "\u{e9}t\u{e9}",
        ] {
            assert_eq!(trim(s), s.trim(), "{s:?}");
        }
    }
}
