//! Fuzzing the expression language with proptest (`cargo fuzz` needs a nightly toolchain,
//! which cannot be installed here): any text parses to an expression or to an error with a
//! column inside the text, never a panic or a stack overflow, and any parsed expression
//! evaluates on any record. The 100k-case runs are ignored by default:
//! `cargo test --lib -- --ignored fuzz_`.

use proptest::prelude::*;
use serde_json::{json, Map, Value};

use super::Expr;
use crate::error::ObsError;

/// Text made of the language's own pieces (so that most cases get deep into the parser),
/// with arbitrary characters among them.
fn source() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("level".to_string()),
        Just("amount".to_string()),
        Just("a.b[0]".to_string()),
        Just("attributes[\"http.status\"]".to_string()),
        Just("=".to_string()),
        Just("!=".to_string()),
        Just(">=".to_string()),
        Just("<".to_string()),
        Just("~=".to_string()),
        Just("~~=".to_string()),
        Just(" and ".to_string()),
        Just(" or ".to_string()),
        Just("not ".to_string()),
        Just("!".to_string()),
        Just("(".to_string()),
        Just(")".to_string()),
        Just("any(".to_string()),
        Just("exists(".to_string()),
        Just(" in (".to_string()),
        Just(",".to_string()),
        Just("\"".to_string()),
        Just("'".to_string()),
        Just("\\".to_string()),
        Just("ERROR".to_string()),
        Just("WARN".to_string()),
        Just("2024-05-01T06:00+05:30".to_string()),
        Just("1e400".to_string()),
        Just("2.5s".to_string()),
        Just("p99(x)".to_string()),
        Just("null".to_string()),
        Just("é".to_string()),
        Just("₹".to_string()),
        any::<char>().prop_map(String::from),
        "[ -~]{0,6}",
    ];
    prop::collection::vec(piece, 0..24).prop_map(|p| p.concat())
}

fn records() -> Vec<Map<String, Value>> {
    [
        json!({}),
        json!({"level": "ERROR", "amount": 15000, "a": {"b": [1, "x"]}}),
        json!({"level": null, "amount": "2999.00", "attributes": {"http.status": 503}}),
        json!({"level": ["WARN", 3], "amount": true, "a": "b", "p99(x)": 1.5}),
    ]
    .into_iter()
    .filter_map(|v| v.as_object().cloned())
    .collect()
}

fn parses_or_points(src: &str) -> Result<(), TestCaseError> {
    match Expr::parse(src) {
        Ok(e) => {
            for r in records() {
                let _ = e.matches(&r);
            }
            let again = Expr::parse(src).map(|e| format!("{e:?}"));
            prop_assert_eq!(again.ok(), Some(format!("{e:?}")), "deterministic");
        }
        Err(ObsError::Expr { col, .. }) => {
            prop_assert!(
                col >= 1 && col <= src.chars().count() + 1,
                "col {} of {:?}",
                col,
                src
            );
        }
        Err(other) => {
            // `in @file` names a file; anything else is a parser bug.
            prop_assert!(src.contains('@'), "{:?}: {}", src, other);
        }
    }
    Ok(())
}

proptest! {
    #[test]
    fn any_text_parses_or_points_at_a_column(src in source()) {
        parses_or_points(&src)?;
    }

    #[test]
    fn any_unicode_text_parses_or_points_at_a_column(src in "\\PC{0,40}") {
        parses_or_points(&src)?;
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(100_000))]
    #[test]
    #[ignore]
    fn fuzz_expression_parser(src in source(), noise in "\\PC{0,20}") {
        parses_or_points(&src)?;
        parses_or_points(&format!("{noise}{src}"))?;
        parses_or_points(&format!("{src}{noise}"))?;
    }
}
