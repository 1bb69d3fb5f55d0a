//! The one expression language, used by every command that selects records.
//!
//! ```text
//! expr    := or
//! or      := and ( ("or" | "||") and )*
//! and     := unary ( ("and" | "&&") unary )*
//! unary   := ("not" | "!") unary | primary
//! primary := "(" expr ")" | "exists(" path ")" | "any(" expr ")" | "true" | "false"
//!            (groups nest at most [`parse::MAX_NESTING`] deep)
//!          | path [ op value | "in" "(" value, … ")" | "in" @file ]
//! op      := = | == | != | < | <= | > | >= | ~= (substring) | ~~= (regex)
//! ```
//!
//! Semantics, chosen to be unsurprising on messy logs:
//! * against a number literal, comparisons are numeric: the value must be a number or a string
//!   holding one (`"2999.00"`); any other value (`"n/a"`, `true`, an object) never satisfies
//!   `=`, `<`, `>`…; `=` and `!=` against a text literal compare text;
//! * `<`, `<=`, `>`, `>=` take a number or duration (quoted or not: `amount>"10000"` is
//!   `amount>10000`), a timestamp (`ts>=2024-05-01T06:00+05:30`, compared as instants; values
//!   may be any time form obs reads), or a level (`level>=WARN`: WARN, ERROR, FATAL in any
//!   case, by severity); any other literal is refused when the expression is parsed;
//! * `'single quotes'` are a string as written, like `"double quotes"`;
//! * a comparison on a missing field is false, `!=` included, so `not level=ERROR` matches lines
//!   without `level`, and `level!=ERROR` does not;
//! * `null` only equals `null`; a null field is otherwise treated like a missing one;
//! * on an array, a comparison holds when it holds for any element;
//! * a bare path (`error`) holds when the field is present and not `false`, `null`, `0` or `""`;
//! * a number with a duration unit (`250ms`, `2s`, `1.5m`, `1h`, `800us`, `5000ns`) is that many
//!   milliseconds, so `duration>2s` and `response_time_ms>=1.5s` read naturally; against a text
//!   value, `=` and `!=` still compare the text as written;
//! * `any(expr)` holds when `expr` holds for any item the record is made of (the spans of a trace
//!   in `obs trace list`); a plain log line has none, so it never holds there.

mod eval;
#[cfg(test)]
mod fuzz;
pub mod parse;
pub mod prefilter;

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use regex::Regex;

use crate::decode::json::Projection;
use crate::error::ObsError;
use crate::record::FieldPath;

pub use eval::Eval;
pub use parse::duration_ms;

/// Comparison operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `=` / `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
}

/// A literal on the right-hand side of a comparison.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    /// A number written bare (`10000`, `-2.5`).
    Num(f64, String),
    /// A quoted string, or a bareword that is not a number/bool/null.
    Str(String),
    /// `true` / `false`.
    Bool(bool),
    /// `null`.
    Null,
    /// A timestamp on the right of `<`, `<=`, `>`, `>=`: values compare as instants, read in
    /// the zone kept here when they carry no offset.
    Time(DateTime<Utc>, Tz, String),
    /// A log level on the right of `<`, `<=`, `>`, `>=`: values compare by severity
    /// ([`level_rank`]), in any case.
    Level(u8, String),
}

/// The severity of a level name, in any case: trace < debug < info < notice < warn < error <
/// fatal (with their usual other spellings: `warning`, `err`, `crit`, `critical`, `panic`…).
pub fn level_rank(name: &str) -> Option<u8> {
    let lower = name.trim().to_ascii_lowercase();
    Some(match lower.as_str() {
        "trace" | "trc" | "verbose" => 1,
        "debug" | "dbg" => 2,
        "info" | "inf" | "information" | "informational" => 3,
        "notice" => 4,
        "warn" | "wrn" | "warning" => 5,
        "error" | "err" | "eror" => 6,
        "fatal" | "crit" | "critical" | "alert" | "emerg" | "emergency" | "panic" => 7,
        _ => return None,
    })
}

impl Literal {
    /// The literal as text, for string comparisons.
    pub fn text(&self) -> &str {
        match self {
            Literal::Num(_, t)
            | Literal::Str(t)
            | Literal::Time(_, _, t)
            | Literal::Level(_, t) => t,
            Literal::Bool(true) => "true",
            Literal::Bool(false) => "false",
            Literal::Null => "null",
        }
    }
}

/// A test applied to the value at a path.
#[derive(Debug, Clone)]
pub enum Test {
    /// `path OP literal`.
    Cmp(Op, Literal),
    /// `path ~= "text"`.
    Contains(String),
    /// `path ~~= "regex"`.
    Regex(Regex),
    /// `path in (a, b)` / `path in @file`: any literal equal.
    In(InSet),
    /// A text test under `-i`: the value's text compared without case.
    Folded(Fold),
}

/// The text tests of `-i` (`obs grep -i`), their literals lower-cased; a value is lower-cased
/// before it is compared.
#[derive(Debug, Clone)]
pub enum Fold {
    /// `=`.
    Eq(String),
    /// `!=`: present and not equal.
    Ne(String),
    /// `~=`.
    Contains(String),
    /// `in`.
    In(InSet),
}

impl Test {
    fn ignore_case(self) -> Test {
        match self {
            Test::Cmp(Op::Eq, Literal::Str(s)) => Test::Folded(Fold::Eq(s.to_lowercase())),
            Test::Cmp(Op::Ne, Literal::Str(s)) => Test::Folded(Fold::Ne(s.to_lowercase())),
            Test::Contains(s) => Test::Folded(Fold::Contains(s.to_lowercase())),
            Test::Regex(re) => match regex::RegexBuilder::new(re.as_str())
                .case_insensitive(true)
                .build()
            {
                Ok(folded) => Test::Regex(folded),
                Err(_) => Test::Regex(re),
            },
            Test::In(set) => Test::Folded(Fold::In(InSet::new(
                set.literals
                    .into_iter()
                    .map(|l| match l {
                        Literal::Str(s) => Literal::Str(s.to_lowercase()),
                        other => other,
                    })
                    .collect(),
            ))),
            t => t,
        }
    }
}

/// The literals of an `in` test, indexed for fast membership.
#[derive(Debug, Clone, Default)]
pub struct InSet {
    /// Every literal as given.
    pub literals: Vec<Literal>,
    texts: HashSet<String>,
    numbers: Vec<f64>,
}

impl InSet {
    /// Builds the set.
    pub fn new(literals: Vec<Literal>) -> Self {
        let texts = literals
            .iter()
            .filter(|l| !matches!(l, Literal::Null))
            .map(|l| l.text().to_string())
            .collect();
        let numbers = literals
            .iter()
            .filter_map(|l| match l {
                Literal::Num(n, _) => Some(*n),
                _ => None,
            })
            .collect();
        InSet {
            literals,
            texts,
            numbers,
        }
    }
}

/// A parsed expression.
#[derive(Debug, Clone)]
pub enum Expr {
    /// Any branch holds.
    Or(Vec<Expr>),
    /// Every branch holds.
    And(Vec<Expr>),
    /// The branch does not hold.
    Not(Box<Expr>),
    /// A test on the value at a path (false when the path is missing).
    Test(FieldPath, Test),
    /// `exists(path)`.
    Exists(FieldPath),
    /// A bare path: present and truthy.
    Truthy(FieldPath),
    /// `true` / `false`.
    Const(bool),
    /// `any(expr)`: the expression holds for one of the record's items (a trace's spans).
    Any(Box<Expr>),
}

impl Expr {
    /// Parses an expression; errors name the 1-based column. Offset-less timestamps in
    /// comparisons are UTC; [`Expr::parse_in`] reads them in another zone.
    pub fn parse(src: &str) -> Result<Expr, ObsError> {
        Self::parse_in(src, Tz::UTC)
    }

    /// Parses an expression whose offset-less timestamps (`ts>=2024-05-01T06:00`) are in `tz`.
    pub fn parse_in(src: &str, tz: Tz) -> Result<Expr, ObsError> {
        parse::Parser::new(src, tz).parse()
    }

    /// The expression with its text tests made case-insensitive (`obs grep -i`): `=`, `!=`,
    /// `~=`, `in` and `~~=` on text; numbers, times and levels compare as before.
    pub fn ignore_case(self) -> Expr {
        let fold = |e: Expr| e.ignore_case();
        match self {
            Expr::Or(v) => Expr::Or(v.into_iter().map(fold).collect()),
            Expr::And(v) => Expr::And(v.into_iter().map(fold).collect()),
            Expr::Not(e) => Expr::Not(Box::new(e.ignore_case())),
            Expr::Any(e) => Expr::Any(Box::new(e.ignore_case())),
            Expr::Test(path, test) => Expr::Test(path, test.ignore_case()),
            e => e,
        }
    }

    /// Every path the expression reads.
    pub fn paths(&self) -> Vec<&FieldPath> {
        let mut out = Vec::new();
        self.collect_paths(&mut out);
        out
    }

    fn collect_paths<'a>(&'a self, out: &mut Vec<&'a FieldPath>) {
        match self {
            Expr::Or(xs) | Expr::And(xs) => xs.iter().for_each(|x| x.collect_paths(out)),
            Expr::Not(x) => x.collect_paths(out),
            Expr::Test(p, _) | Expr::Exists(p) | Expr::Truthy(p) => out.push(p),
            // The inner paths are the items' fields, not the record's.
            Expr::Const(_) | Expr::Any(_) => {}
        }
    }

    /// True when the expression uses `any(...)`.
    pub fn uses_any(&self) -> bool {
        match self {
            Expr::Or(xs) | Expr::And(xs) => xs.iter().any(Expr::uses_any),
            Expr::Not(x) => x.uses_any(),
            Expr::Any(_) => true,
            _ => false,
        }
    }

    /// Adds the top-level keys this expression needs to `proj`.
    pub fn project_into(&self, proj: &mut Projection) {
        for p in self.paths() {
            for k in p.top_level_keys() {
                proj.add(k.clone());
            }
        }
    }
}
