//! `--parse auto`: the format of a file, from its first lines. Formats are tried from the most
//! particular to the least (JSON, access logs, syslog, logfmt), and the first that reads at
//! least four in five of the sample lines is chosen; a file none reads is raw text.

use super::{decoder, LineFormat, Object};

/// How many non-blank lines are looked at.
const SAMPLE: usize = 20;

/// What was chosen for a file, and on what evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sniffed {
    /// The format.
    pub format: LineFormat,
    /// Sample lines it read.
    pub read: usize,
    /// Sample lines looked at.
    pub of: usize,
}

/// The format of the lines that start `head` (its last, maybe cut, line is left out unless it
/// is the only one).
pub fn sniff(head: &[u8]) -> Sniffed {
    let text = String::from_utf8_lossy(head);
    let mut lines: Vec<&str> = text.split('\n').collect();
    if lines.len() > 1 {
        lines.pop();
    }
    let lines: Vec<&str> = lines
        .into_iter()
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .filter(|l| !l.trim().is_empty())
        .take(SAMPLE)
        .collect();
    let of = lines.len();
    let candidates = [
        LineFormat::Json,
        LineFormat::Combined,
        LineFormat::Common,
        LineFormat::Syslog,
        LineFormat::Logfmt,
    ];
    for format in candidates {
        let read = lines.iter().filter(|l| reads(format, l)).count();
        if of > 0 && read * 5 >= of * 4 {
            return Sniffed { format, read, of };
        }
    }
    Sniffed {
        format: LineFormat::Raw,
        read: of,
        of,
    }
}

/// Whether `format` reads `line`. Logfmt reads nearly any text (every word is a bare key), so
/// it must also find two `key=value` pairs.
fn reads(format: LineFormat, line: &str) -> bool {
    match format {
        LineFormat::Json => crate::decode::json::decode_full(line.as_bytes()).is_ok(),
        LineFormat::Logfmt
            if line
                .split_ascii_whitespace()
                .filter(|t| t.contains('='))
                .count()
                < 2 =>
        {
            false
        }
        f => {
            let Ok(Some(d)) = decoder(Some(f), None) else {
                return false;
            };
            let mut buf = Vec::new();
            let mut obj = Object::open(&mut buf);
            d.decode(line, &mut obj).is_ok()
        }
    }
}
