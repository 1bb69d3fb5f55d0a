//! Raw-byte prefilter: literals a line must contain for an expression to possibly match.
//!
//! Derived in conjunctive form, each clause a set of alternatives: `level=ERROR and
//! service=payment-service` needs `ERROR` *and* `payment-service`. Lines are found with a
//! chunk-wide search for the rarest clause, then checked for the others, so most lines are never
//! decoded. The prefilter must never drop a line that matches:
//!
//! * a JSON string can spell any character as `\uXXXX` (and `/` as `\/`), so a line containing
//!   such an escape always stays a candidate;
//! * numbers have many spellings (`2e2`, `200.0`), so numeric literals give no needle;
//! * negations, `exists`, regexes and bare paths give no needle.

use aho_corasick::AhoCorasick;
use memchr::{memchr, memrchr};

use super::{Expr, Literal, Op, Test};
use crate::decode::value::parse_number;

/// Escape sequences that let a matching value hide from a plain byte search.
const UNICODE_ESCAPE: &[u8] = b"\\u";
const SLASH_ESCAPE: &[u8] = b"\\/";

/// Needles longer than this in all are searched by an NFA, not a DFA (see [`Clause::new`]).
const DFA_BYTES: usize = 512;

/// How many bytes of a chunk are sampled to pick the rarest clause.
const SAMPLE_BYTES: usize = 64 * 1024;

/// One required clause: the line contains at least one of the needles.
#[derive(Debug, Clone)]
struct Clause {
    needles: Vec<Vec<u8>>,
    finder: AhoCorasick,
}

impl Clause {
    fn new(mut needles: Vec<Vec<u8>>) -> Option<Clause> {
        if needles.iter().any(|n| n.contains(&b'/')) {
            needles.push(SLASH_ESCAPE.to_vec());
        }
        needles.push(UNICODE_ESCAPE.to_vec());
        needles.sort();
        needles.dedup();
        // For a few short needles aho-corasick builds a DFA, whose construction grew with the
        // square of a long repetitive literal (`message=` + 40,000 × `x` took 35 s); past
        // [`DFA_BYTES`] the contiguous NFA is built in linear time instead.
        let long = needles.iter().map(Vec::len).sum::<usize>() > DFA_BYTES;
        let finder = AhoCorasick::builder()
            .kind(long.then_some(aho_corasick::AhoCorasickKind::ContiguousNFA))
            .build(&needles)
            .ok()?;
        Some(Clause { needles, finder })
    }

    fn find(&self, hay: &[u8], from: usize) -> Option<usize> {
        self.finder
            .find(aho_corasick::Input::new(hay).span(from..hay.len()))
            .map(|m| m.start())
    }

    fn in_line(&self, line: &[u8]) -> bool {
        self.finder.is_match(line)
    }

    fn count(&self, hay: &[u8]) -> usize {
        self.finder.find_iter(hay).count()
    }
}

/// The prefilter of one expression; `None` from [`Prefilter::new`] means every line is a candidate.
#[derive(Debug, Clone)]
pub struct Prefilter {
    clauses: Vec<Clause>,
}

impl Prefilter {
    /// Derives the prefilter of `expr`, if it has any required literal.
    pub fn new(expr: &Expr) -> Option<Prefilter> {
        let cnf = required(expr)?;
        let clauses: Vec<Clause> = cnf.into_iter().filter_map(Clause::new).collect();
        (!clauses.is_empty()).then_some(Prefilter { clauses })
    }

    /// The literals each clause requires (without the escape fallbacks), for `--stats` and tests.
    pub fn describe(&self) -> Vec<Vec<String>> {
        self.clauses
            .iter()
            .map(|c| {
                c.needles
                    .iter()
                    .filter(|n| n.as_slice() != UNICODE_ESCAPE && n.as_slice() != SLASH_ESCAPE)
                    .map(|n| String::from_utf8_lossy(n).into_owned())
                    .collect()
            })
            .collect()
    }

    /// True when `line` contains a needle of every clause.
    pub fn may_match(&self, line: &[u8]) -> bool {
        self.clauses.iter().all(|c| c.in_line(line))
    }

    /// Calls `f(start, end)` for each line of `chunk` (bounds exclude the `\n`) that may match,
    /// in order. Lines not reported cannot match.
    pub fn candidates(&self, chunk: &[u8], mut f: impl FnMut(usize, usize)) {
        let lead = self.rarest(chunk);
        let mut from = 0;
        while from < chunk.len() {
            let Some(hit) = self.clauses[lead].find(chunk, from) else {
                break;
            };
            let start = memrchr(b'\n', &chunk[..hit]).map_or(0, |i| i + 1);
            let end = memchr(b'\n', &chunk[hit..]).map_or(chunk.len(), |i| hit + i);
            let line = &chunk[start..end];
            if self
                .clauses
                .iter()
                .enumerate()
                .all(|(i, c)| i == lead || c.in_line(line))
            {
                f(start, end);
            }
            from = end + 1;
        }
    }

    /// The clause with the fewest hits in a sample of the chunk: searching for it skips most.
    fn rarest(&self, chunk: &[u8]) -> usize {
        if self.clauses.len() == 1 {
            return 0;
        }
        let sample = &chunk[..chunk.len().min(SAMPLE_BYTES)];
        (0..self.clauses.len())
            .min_by_key(|&i| {
                (
                    self.clauses[i].count(sample),
                    usize::MAX - self.clauses[i].needles.len(),
                )
            })
            .unwrap_or(0)
    }
}

/// Conjunctive form of the literals `expr` needs; `None` when nothing is required.
fn required(expr: &Expr) -> Option<Vec<Vec<Vec<u8>>>> {
    match expr {
        Expr::Test(_, test) => needles(test).map(|n| vec![n]),
        Expr::And(xs) => {
            let all: Vec<_> = xs.iter().filter_map(required).flatten().collect();
            (!all.is_empty()).then_some(all)
        }
        Expr::Or(xs) => {
            // A matching line satisfies some branch, so contains a needle of that branch's
            // first clause: the union of those first clauses is required.
            let mut union = Vec::new();
            for x in xs {
                let mut cnf = required(x)?;
                union.append(&mut cnf.swap_remove(0));
            }
            Some(vec![union])
        }
        Expr::Not(_) | Expr::Exists(_) | Expr::Truthy(_) | Expr::Const(_) | Expr::Any(_) => None,
    }
}

fn needles(test: &Test) -> Option<Vec<Vec<u8>>> {
    match test {
        Test::Cmp(Op::Eq, Literal::Str(s)) => needle(s).map(|n| vec![n]),
        Test::Contains(s) => needle(s).map(|n| vec![n]),
        Test::In(set) => set
            .literals
            .iter()
            .map(|l| match l {
                Literal::Str(s) => needle(s),
                _ => None,
            })
            .collect(),
        _ => None,
    }
}

/// The bytes a string value must show in the raw line, if it has one reliable spelling.
fn needle(s: &str) -> Option<Vec<u8>> {
    let plain = !s.is_empty()
        && !s.bytes().any(|b| b == b'"' || b == b'\\' || b < 0x20)
        // A numeric-looking text may be matched by a number written another way.
        && parse_number(s).is_none()
        && s.bytes().any(|b| !b"0123456789.eE+-".contains(&b));
    plain.then(|| s.as_bytes().to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pf(e: &str) -> Option<Prefilter> {
        Prefilter::new(&Expr::parse(e).expect("parse"))
    }

    #[test]
    fn derives_conjunctions_and_unions() {
        let p = pf("level=ERROR and service=payment-service and amount>5").expect("some");
        assert_eq!(p.describe(), vec![vec!["ERROR"], vec!["payment-service"]]);
        let p = pf("level=ERROR or level=WARN").expect("some");
        assert_eq!(p.describe(), vec![vec!["ERROR", "WARN"]]);
        assert!(pf("level=ERROR or amount>5").is_none());
        assert!(pf("not level=ERROR").is_none());
        assert!(pf("status=200").is_none());
        assert!(pf(r#"level="a\"b""#).is_none());
        assert!(pf("m~=12.5").is_none());
    }

    #[test]
    fn long_repetitive_literals_build_in_linear_time() {
        // Counted, not timed: the literal is 10^5 bytes; a quadratic build would not return
        // within the test run, and the needle must still find exactly its lines.
        let lit = "x".repeat(100_000);
        let p = pf(&format!("message={lit}")).expect("some");
        let hit = format!("{{\"message\":\"{lit}\"}}");
        let miss = format!("{{\"message\":\"{}\"}}", "x".repeat(99_999));
        assert!(p.may_match(hit.as_bytes()));
        assert!(!p.may_match(miss.as_bytes()));
    }

    #[test]
    fn escaped_values_stay_candidates() {
        let p = pf("level=ERROR").expect("some");
        assert!(p.may_match(br#"{"level":"ERR\u004fR"}"#));
        assert!(!p.may_match(br#"{"level":"INFO"}"#));
        let p = pf("path=/api/pay").expect("some");
        assert!(p.may_match(br#"{"path":"\/api\/pay"}"#));
    }

    #[test]
    fn candidates_are_whole_lines_in_order() {
        let p = pf("level=ERROR and svc=pay").expect("some");
        let chunk = b"{\"level\":\"ERROR\",\"svc\":\"pay\"}\n{\"level\":\"ERROR\"}\n{\"svc\":\"pay\",\"level\":\"ERROR\"}";
        let mut got = Vec::new();
        p.candidates(chunk, |s, e| {
            got.push(String::from_utf8_lossy(&chunk[s..e]).into_owned())
        });
        assert_eq!(
            got,
            vec![
                "{\"level\":\"ERROR\",\"svc\":\"pay\"}",
                "{\"svc\":\"pay\",\"level\":\"ERROR\"}"
            ]
        );
    }
}
