//! Recursive-descent parser for [`super::Expr`], with character columns in every error.

use super::{Expr, InSet, Literal, Op, Test};
use crate::error::ObsError;
use crate::record::{parse_number, FieldPath};

/// Characters that end a bare path or value.
fn is_stop(c: char) -> bool {
    c.is_whitespace() || matches!(c, '(' | ')' | ',' | '=' | '!' | '<' | '>' | '~' | '&' | '|')
}

pub(super) struct Parser<'s> {
    src: &'s str,
    chars: Vec<(usize, char)>,
    pos: usize,
}

impl<'s> Parser<'s> {
    pub(super) fn new(src: &'s str) -> Self {
        Parser {
            src,
            chars: src.char_indices().collect(),
            pos: 0,
        }
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
        if rest.len() >= word.len()
            && rest[..word.len()].eq_ignore_ascii_case(word)
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
            return Ok(Expr::Not(Box::new(self.unary()?)));
        }
        self.primary()
    }

    fn primary(&mut self) -> Result<Expr, ObsError> {
        self.skip_ws();
        match self.peek() {
            None => return Err(self.err("expected a condition")),
            Some('(') => {
                self.pos += 1;
                let e = self.or()?;
                self.skip_ws();
                if !self.symbol(")") {
                    return Err(self.err("expected ')'"));
                }
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
            let inner = self.or()?;
            self.skip_ws();
            if !self.symbol(")") {
                return Err(self.err("expected ')' to close any("));
            }
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
            Test::Cmp(op, self.value(sym)?.0)
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
            let text = std::fs::read_to_string(file)
                .map_err(|e| self.err_at(start, &format!("cannot read {file}: {e}")))?;
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
