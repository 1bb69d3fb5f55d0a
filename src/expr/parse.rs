//! Recursive-descent parser for [`super::Expr`], with character columns in every error.

use chrono_tz::Tz;

use super::{level_rank, Expr, InSet, Literal, Op, Test};
use crate::decode::value::parse_number;
use crate::error::ObsError;
use crate::record::time::parse_time_str;
use crate::record::FieldPath;

/// How deeply groups (`(`, `not`, `any(`) may nest. The parser and the evaluator recurse once
/// per level, so without a bound a hostile expression (`((((…` × 10^5) overflows the stack;
/// no expression a person writes comes near it.
pub const MAX_NESTING: usize = 128;

/// Characters that end a bare path or value.
fn is_stop(c: char) -> bool {
    c.is_whitespace() || matches!(c, '(' | ')' | ',' | '=' | '!' | '<' | '>' | '~' | '&' | '|')
}

pub(super) struct Parser<'s> {
    src: &'s str,
    chars: Vec<(usize, char)>,
    pos: usize,
    /// Groups open around the current position (bounded by [`MAX_NESTING`]).
    depth: usize,
    /// The zone of offset-less timestamps in comparisons (`ts>=2024-05-01T06:00`).
    tz: Tz,
}

impl<'s> Parser<'s> {
    pub(super) fn new(src: &'s str, tz: Tz) -> Self {
        Parser {
            src,
            chars: src.char_indices().collect(),
            pos: 0,
            depth: 0,
            tz,
        }
    }

    /// Enters one more level of nesting, or refuses past [`MAX_NESTING`].
    fn enter(&mut self) -> Result<(), ObsError> {
        self.depth += 1;
        if self.depth > MAX_NESTING {
            return Err(self.err(&format!(
                "nested deeper than {MAX_NESTING} levels of '(', 'not' and 'any('"
            )));
        }
        Ok(())
    }

    pub(super) fn parse(mut self) -> Result<Expr, ObsError> {
        self.skip_ws();
        if self.at_end() {
            return Err(self.err_at(0, "empty expression"));
        }
        let e = self.or()?;
        self.skip_ws();
        if !self.at_end() {
            let what = self.rest_word();
            return Err(self.err(&format!(
                "unexpected '{what}': expected 'and', 'or' or the end"
            )));
        }
        Ok(e)
    }

    fn err(&self, msg: &str) -> ObsError {
        self.err_at(self.pos, msg)
    }

    fn err_at(&self, pos: usize, msg: &str) -> ObsError {
        ObsError::Expr {
            expr: self.src.to_string(),
            col: pos + 1,
            msg: msg.to_string(),
        }
    }

    fn at_end(&self) -> bool {
        self.pos >= self.chars.len()
    }

    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).map(|&(_, c)| c)
    }

    fn byte_pos(&self) -> usize {
        self.chars.get(self.pos).map_or(self.src.len(), |&(b, _)| b)
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(char::is_whitespace) {
            self.pos += 1;
        }
    }

    fn rest_word(&self) -> String {
        self.src[self.byte_pos()..]
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_string()
    }

    /// Consumes `word` if it stands next as a whole word (case-insensitive).
    fn keyword(&mut self, word: &str) -> bool {
        let rest = &self.src[self.byte_pos()..];
        // `get`, not slicing: the next bytes may stop inside a character (`x=é`).
        if rest
            .get(..word.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(word))
            && rest[word.len()..]
                .chars()
                .next()
                .is_none_or(|c| c.is_whitespace() || c == '(' || c == ')')
        {
            self.pos += word.chars().count();
            true
        } else {
            false
        }
    }

    fn symbol(&mut self, sym: &str) -> bool {
        if self.src[self.byte_pos()..].starts_with(sym) {
            self.pos += sym.chars().count();
            true
        } else {
            false
        }
    }

    fn or(&mut self) -> Result<Expr, ObsError> {
        let mut items = vec![self.and()?];
        loop {
            self.skip_ws();
            if self.keyword("or") || self.symbol("||") {
                items.push(self.and()?);
            } else {
                break;
            }
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Expr::Or(items)
        })
    }

    fn and(&mut self) -> Result<Expr, ObsError> {
        let mut items = vec![self.unary()?];
        loop {
            self.skip_ws();
            if self.keyword("and") || self.symbol("&&") {
                items.push(self.unary()?);
            } else {
                break;
            }
        }
        Ok(if items.len() == 1 {
            items.remove(0)
        } else {
            Expr::And(items)
        })
    }

    fn unary(&mut self) -> Result<Expr, ObsError> {
        self.skip_ws();
        if self.keyword("not")
            || (self.peek() == Some('!')
                && !self.src[self.byte_pos()..].starts_with("!=")
                && self.symbol("!"))
        {
            self.enter()?;
            let inner = self.unary()?;
            self.depth -= 1;
            return Ok(Expr::Not(Box::new(inner)));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Expr, ObsError> {
        self.skip_ws();
        match self.peek() {
            None => return Err(self.err("expected a condition")),
            Some('(') => {
                self.pos += 1;
                self.enter()?;
                let e = self.or()?;
                self.skip_ws();
                if !self.symbol(")") {
                    return Err(self.err("expected ')'"));
                }
                self.depth -= 1;
                return Ok(e);
            }
            Some(')') => return Err(self.err("unexpected ')': expected a condition")),
            _ => {}
        }
        if self.keyword("exists") {
            self.skip_ws();
            if !self.symbol("(") {
                return Err(self.err("expected '(' after exists"));
            }
            self.skip_ws();
            let path = self.path()?;
            self.skip_ws();
            if !self.symbol(")") {
                return Err(self.err("expected ')' after the path"));
            }
            return Ok(Expr::Exists(path));
        }
        if self.keyword("any") {
            self.skip_ws();
            if !self.symbol("(") {
                return Err(self.err("expected '(' after any"));
            }
            self.enter()?;
            let inner = self.or()?;
            self.skip_ws();
            if !self.symbol(")") {
                return Err(self.err("expected ')' to close any("));
            }
            self.depth -= 1;
            return Ok(Expr::Any(Box::new(inner)));
        }
        let mut path = self.path()?;
        if self.peek() == Some('(') {
            // `p99(response_time_ms)`: a metric's name, read as one literal key.
            path = self.call_name(&path)?;
        }
        self.skip_ws();
        let op_pos = self.pos;
        let test = if self.symbol("~~=") {
            let (lit, at) = self.value("~~=")?;
            let re = regex::Regex::new(lit.text()).map_err(|e| {
                self.err_at(at, &format!("bad regex: {}", first_line(&e.to_string())))
            })?;
            Test::Regex(re)
        } else if self.symbol("~=") {
            Test::Contains(self.value("~=")?.0.text().to_string())
        } else if let Some(op) = self.op() {
            let sym = &self.src[self.chars[op_pos].0..self.byte_pos()];
            let (lit, at) = self.value(sym)?;
            let lit = match op {
                Op::Eq | Op::Ne => lit,
                Op::Lt | Op::Le | Op::Gt | Op::Ge => self.ordered(lit, sym, at)?,
            };
            Test::Cmp(op, lit)
        } else if self.keyword("in") {
            Test::In(self.in_list()?)
        } else {
            // A bare word: a boolean constant or a truthiness test on a field; anything
            // after it is reported by the caller as an unexpected word.
            return Ok(match path.as_str() {
                "true" => Expr::Const(true),
                "false" => Expr::Const(false),
                _ => Expr::Truthy(path),
            });
        };
        Ok(Expr::Test(path, test))
    }

    /// Reads `(args)` after `head`, balanced, and returns `head(args)` as a literal key.
    fn call_name(&mut self, head: &FieldPath) -> Result<FieldPath, ObsError> {
        let start = self.pos;
        let mut depth = 0usize;
        while let Some(c) = self.peek() {
            self.pos += 1;
            match c {
                '(' => depth += 1,
                ')' => {
                    depth -= 1;
                    if depth == 0 {
                        let args = &self.src[self.chars[start].0..self.chars[self.pos - 1].0 + 1];
                        return Ok(FieldPath::literal(&format!("{}{args}", head.as_str())));
                    }
                }
                _ => {}
            }
        }
        Err(self.err_at(start, "unclosed '('"))
    }

    /// The literal of `<`, `<=`, `>`, `>=`: a number (or duration), a timestamp, or a log
    /// level, quoted or not; anything else has no order worth guessing, so it is refused here
    /// rather than compared as text.
    fn ordered(&self, lit: Literal, sym: &str, at: usize) -> Result<Literal, ObsError> {
        let text = match &lit {
            Literal::Num(..) => return Ok(lit),
            Literal::Str(t) => t.trim(),
            Literal::Bool(_) | Literal::Null => {
                return Err(self.err_at(
                    at,
                    &format!(
                        "'{sym}' compares numbers, timestamps and levels, not '{}'",
                        lit.text()
                    ),
                ))
            }
            Literal::Time(..) | Literal::Level(..) => return Ok(lit),
        };
        if let Some(n) = parse_number(text).or_else(|| duration_ms(text)) {
            return Ok(Literal::Num(n, text.to_string()));
        }
        if let Some(rank) = level_rank(text) {
            return Ok(Literal::Level(rank, text.to_string()));
        }
        if let Some(t) = parse_time_str(text, self.tz) {
            return Ok(Literal::Time(t, self.tz, text.to_string()));
        }
        Err(self.err_at(
            at,
            &format!(
                "'{sym}' compares numbers (10000, 2.5s), timestamps (2024-05-01T06:00+05:30) \
                 and levels (WARN); '{text}' is none of them (= and ~= compare text)"
            ),
        ))
    }

    fn op(&mut self) -> Option<Op> {
        for (sym, op) in [
            ("==", Op::Eq),
            ("!=", Op::Ne),
            ("<=", Op::Le),
            (">=", Op::Ge),
            ("=", Op::Eq),
            ("<", Op::Lt),
            (">", Op::Gt),
        ] {
            if self.symbol(sym) {
                return Some(op);
            }
        }
        None
    }

    fn path(&mut self) -> Result<FieldPath, ObsError> {
        let start = self.pos;
        let mut depth = 0usize;
        let mut in_str = false;
        while let Some(c) = self.peek() {
            if in_str {
                if c == '\\' {
                    self.pos += 1;
                } else if c == '"' {
                    in_str = false;
                }
            } else if c == '"' && depth > 0 {
                in_str = true;
            } else if c == '[' {
                depth += 1;
            } else if c == ']' {
                depth = depth.saturating_sub(1);
            } else if depth == 0 && (is_stop(c) || c == '"') {
                break;
            }
            self.pos += 1;
        }
        if self.pos == start {
            let what = match self.peek() {
                Some(c) => format!("unexpected '{c}': expected a field name"),
                None => "expected a field name".to_string(),
            };
            return Err(self.err(&what));
        }
        let text = &self.src[self.chars[start].0..self.byte_pos()];
        FieldPath::parse(text).map_err(|e| self.err_at(start, &e.to_string()))
    }

    /// A value after `after` (an operator, for the error message), and its position.
    fn value(&mut self, after: &str) -> Result<(Literal, usize), ObsError> {
        self.skip_ws();
        let at = self.pos;
        match self.peek() {
            Some('"') => Ok((Literal::Str(self.quoted()?), at)),
            Some('\'') => Ok((Literal::Str(self.single_quoted()?), at)),
            Some(c) if !is_stop(c) => {
                let start = self.byte_pos();
                while self
                    .peek()
                    .is_some_and(|c| !is_stop(c) || c == '!' || c == '=' || c == '~')
                {
                    self.pos += 1;
                }
                let word = &self.src[start..self.byte_pos()];
                Ok((bareword(word), at))
            }
            _ => Err(self.err(&format!("expected a value after '{after}'"))),
        }
    }

    fn quoted(&mut self) -> Result<String, ObsError> {
        let start = self.pos;
        let b0 = self.byte_pos();
        self.pos += 1;
        while let Some(c) = self.peek() {
            self.pos += 1;
            match c {
                '\\' => self.pos += 1,
                '"' => {
                    let text = &self.src[b0..self.byte_pos()];
                    return serde_json::from_str::<String>(text).or_else(|_| {
                        // Regexes are full of backslashes: keep unknown escapes as written.
                        Ok(lenient_unescape(&text[1..text.len() - 1]))
                    });
                }
                _ => {}
            }
        }
        Err(self.err_at(start, "unclosed string"))
    }

    /// `'text'`, the SQL habit: taken as written, with `''` for a quote inside.
    fn single_quoted(&mut self) -> Result<String, ObsError> {
        let start = self.pos;
        self.pos += 1;
        let mut out = String::new();
        while let Some(c) = self.peek() {
            self.pos += 1;
            if c == '\'' {
                if self.peek() == Some('\'') {
                    self.pos += 1;
                } else {
                    return Ok(out);
                }
            }
            out.push(c);
        }
        Err(self.err_at(start, "unclosed string"))
    }

    fn in_list(&mut self) -> Result<InSet, ObsError> {
        self.skip_ws();
        if self.symbol("@") {
            let start = self.pos;
            let b0 = self.byte_pos();
            while self.peek().is_some_and(|c| !c.is_whitespace() && c != ')') {
                self.pos += 1;
            }
            let file = &self.src[b0..self.byte_pos()];
            if file.is_empty() {
                return Err(self.err_at(start, "expected a file name after '@'"));
            }
            let text = read_list(file).map_err(|e| self.err_at(start, &e))?;
            let lits = text
                .lines()
                .map(|l| l.trim_end_matches('\r'))
                .filter(|l| !l.trim().is_empty())
                .map(|l| Literal::Str(l.to_string()))
                .collect();
            return Ok(InSet::new(lits));
        }
        if !self.symbol("(") {
            return Err(self.err("expected '(' or @file after 'in'"));
        }
        let mut lits = Vec::new();
        loop {
            let (lit, _) = self.value(if lits.is_empty() { "(" } else { "," })?;
            lits.push(lit);
            self.skip_ws();
            if self.symbol(",") {
                continue;
            }
            if self.symbol(")") {
                break;
            }
            return Err(self.err("expected ',' or ')' in the list"));
        }
        Ok(InSet::new(lits))
    }
}

/// The most an `in @file` list may hold: far more than any block list, and a bound on what
/// `in @/dev/zero` (or a mistyped path to a dump) can take.
pub const MAX_LIST_BYTES: u64 = 64 << 20;

/// The text of an `in @file` list, read up to [`MAX_LIST_BYTES`].
fn read_list(file: &str) -> Result<String, String> {
    use std::io::Read;
    let f = std::fs::File::open(file).map_err(|e| format!("cannot read {file}: {e}"))?;
    let mut bytes = Vec::new();
    f.take(MAX_LIST_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read {file}: {e}"))?;
    if bytes.len() as u64 > MAX_LIST_BYTES {
        return Err(format!(
            "{file} is larger than {} MiB, too large for a list of values",
            MAX_LIST_BYTES >> 20
        ));
    }
    String::from_utf8(bytes).map_err(|_| format!("{file} is not UTF-8 text"))
}

fn first_line(s: &str) -> String {
    s.lines().last().unwrap_or(s).trim().to_string()
}

fn bareword(word: &str) -> Literal {
    match word {
        "true" => Literal::Bool(true),
        "false" => Literal::Bool(false),
        "null" => Literal::Null,
        _ => match parse_number(word).or_else(|| duration_ms(word)) {
            Some(n) => Literal::Num(n, word.to_string()),
            None => Literal::Str(word.to_string()),
        },
    }
}

/// A number with a duration unit, in milliseconds (`2s` → 2000, `800us` → 0.8).
pub fn duration_ms(word: &str) -> Option<f64> {
    let split = word.find(|c: char| !(c.is_ascii_digit() || c == '.'))?;
    let (num, unit) = word.split_at(split);
    let factor = match unit {
        "ns" => 1e-6,
        "us" | "µs" => 1e-3,
        "ms" => 1.0,
        "s" => 1e3,
        "m" => 60e3,
        "h" => 3600e3,
        _ => return None,
    };
    parse_number(num).map(|n| n * factor)
}

/// Unescapes `\"` and `\\` only, leaving other backslash sequences (regex classes) intact.
fn lenient_unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut it = s.chars().peekable();
    while let Some(c) = it.next() {
        if c == '\\' && matches!(it.peek(), Some('"') | Some('\\')) {
            if let Some(n) = it.next() {
                out.push(n);
            }
        } else {
            out.push(c);
        }
    }
    out
}
