//! The parse stage (`--parse FORMAT`, `--regex`): every line of a chunk through a line
//! decoder, into one buffer of JSON objects that the filter then reads as it reads NDJSON.
//! Each record gets `@timestamp`, its time normalised to RFC 3339 in UTC, when the decoder
//! found a time obs can read (in `--tz` when it has no offset; `--time-format` first).
//!
//! A chunk is parsed whole before it is filtered: the flat scanner borrows strings from the
//! text it reads, so the text of every line must stay where it is while the chunk is scanned.

use std::ops::Range;

use chrono::{Datelike, TimeZone as _, Timelike};

use super::filter::{each_line, json_text};
use crate::decode::text::{Decoder, Object, ParseError};
use crate::input::Chunk;
use crate::record::time::TimeSpec;
use crate::record::Reject;

/// A line decoder with what the stage adds to its records.
pub struct Parse {
    decoders: Decoders,
    time: TimeSpec,
    keep_unmatched: bool,
    year: Option<i32>,
}

/// One decoder for every source, or one per source.
enum Decoders {
    One(Box<dyn Decoder>),
    PerSource(Vec<Option<Box<dyn Decoder>>>),
}

/// What a line became.
#[derive(Debug, Clone, PartialEq)]
pub enum Line {
    /// Not looked at: blank, or longer than `--max-line-bytes` (the filter sees to both).
    Skipped,
    /// The record's JSON text, at this range of [`Parsed::text`].
    Text(Range<usize>),
    /// Not a line of the format.
    Failed(Reject),
}

/// A parsed chunk: the records' text, and what each line became, by line number.
#[derive(Debug, Default)]
pub struct Parsed {
    /// The JSON objects, one after another.
    pub text: Vec<u8>,
    /// One entry per line of the chunk.
    pub lines: Vec<Line>,
}

impl Parsed {
    /// The JSON text of line `line`, or why it has none.
    pub fn line(&self, line: u64) -> &Line {
        self.lines.get(line as usize).unwrap_or(&Line::Skipped)
    }
}

impl Parse {
    /// A stage decoding with `decoder`; times read with `time`'s zone and format; lines that
    /// do not parse emitted as `{"message": …, "tags": ["_grokparsefailure"]}` when
    /// `keep_unmatched`, else rejected.
    pub fn new(decoder: Box<dyn Decoder>, time: TimeSpec, keep_unmatched: bool) -> Parse {
        Parse {
            decoders: Decoders::One(decoder),
            time,
            keep_unmatched,
            year: None,
        }
    }

    /// Reads year-less times (syslog's `May  1 10:00:00`) in `year`, not in the year that
    /// puts them at most a day ahead of now.
    pub fn with_year(mut self, year: Option<i32>) -> Parse {
        self.year = year;
        self
    }

    /// A stage decoding each source with its own decoder (`--parse auto`), `None` for a source
    /// of NDJSON; a source past the list (standard input) is NDJSON too.
    pub fn per_source(
        decoders: Vec<Option<Box<dyn Decoder>>>,
        time: TimeSpec,
        keep_unmatched: bool,
    ) -> Parse {
        Parse {
            decoders: Decoders::PerSource(decoders),
            time,
            keep_unmatched,
            year: None,
        }
    }

    /// The decoder of source `source`, `None` when its lines are NDJSON.
    fn decoder(&self, source: usize) -> Option<&dyn Decoder> {
        match &self.decoders {
            Decoders::One(d) => Some(d.as_ref()),
            Decoders::PerSource(v) => v.get(source).and_then(|d| d.as_deref()),
        }
    }

    /// A time text as epoch milliseconds: `--time-format` first, then the decoder's own
    /// rule, then every form obs knows.
    fn read_time(&self, decoder: &dyn Decoder, text: &str) -> Option<i64> {
        if self.time.format.is_none() {
            if let Some(ms) = decoder.read_time(text) {
                return Some(ms);
            }
        }
        if let Some(y) = self
            .year
            .filter(|_| text.starts_with(|c: char| c.is_ascii_alphabetic()))
        {
            let with_year = format!("{y} {}", text.trim());
            if let Ok(t) = chrono::NaiveDateTime::parse_from_str(&with_year, "%Y %b %e %H:%M:%S%.f")
            {
                let local = self.time.tz.from_local_datetime(&t).earliest()?;
                return Some(local.timestamp_millis());
            }
        }
        self.time.text(text).map(|t| t.timestamp_millis())
    }

    /// Parses every line of `chunk`; `None` when its source is NDJSON.
    pub fn chunk(&self, chunk: &Chunk) -> Option<Parsed> {
        let decoder = self.decoder(chunk.source)?;
        let bytes = chunk.bytes();
        let mut out = Parsed {
            text: Vec::with_capacity(bytes.len() + bytes.len() / 2),
            lines: Vec::new(),
        };
        each_line(bytes, |line, span| {
            let first = chunk.starts_source && line == 0;
            let parsed = self.line(decoder, &bytes[span], first, chunk.max_line, &mut out.text);
            out.lines.push(parsed);
        });
        Some(out)
    }

    fn line(
        &self,
        decoder: &dyn Decoder,
        raw: &[u8],
        starts_source: bool,
        max: usize,
        text: &mut Vec<u8>,
    ) -> Line {
        if raw.len() > max {
            return Line::Skipped;
        }
        let Some(s) = json_text(raw, starts_source) else {
            return Line::Skipped;
        };
        let s = match std::str::from_utf8(s) {
            Ok(s) => s,
            Err(e) => {
                return Line::Failed(Reject::Parse(ParseError {
                    format: decoder.name(),
                    why: format!("not UTF-8 at byte {}", e.valid_up_to() + 1),
                }))
            }
        };
        let at = text.len();
        let mut obj = Object::open(text);
        match decoder.decode(s, &mut obj) {
            Ok(time) => {
                let mut stamp = [0u8; 24];
                if let Some(s) =
                    time.and_then(|t| utc_millis(self.read_time(decoder, &t)?, &mut stamp))
                {
                    obj.str("@timestamp", s);
                }
                obj.close();
                Line::Text(at..text.len())
            }
            Err(e) => {
                text.truncate(at);
                if !self.keep_unmatched {
                    return Line::Failed(Reject::Parse(e));
                }
                let mut obj = Object::open(text);
                obj.str("message", s);
                obj.strs("tags", &["_grokparsefailure"]);
                obj.close();
                Line::Text(at..text.len())
            }
        }
    }
}

/// `ms` as `2024-05-01T04:30:00.123Z` in `buf`, written digit by digit: no format string is
/// interpreted per line.
/// `None` for a year RFC 3339 cannot write.
fn utc_millis(ms: i64, buf: &mut [u8; 24]) -> Option<&str> {
    let t = chrono::DateTime::from_timestamp_millis(ms)?;
    let year = t.year();
    if !(0..=9999).contains(&year) {
        return None;
    }
    let fields = [
        (0, 4, year as u32),
        (5, 2, t.month()),
        (8, 2, t.day()),
        (11, 2, t.hour()),
        (14, 2, t.minute()),
        (17, 2, t.second()),
        (20, 3, t.timestamp_subsec_millis()),
    ];
    buf.copy_from_slice(b"0000-00-00T00:00:00.000Z");
    for (at, width, mut n) in fields {
        for i in (at..at + width).rev() {
            buf[i] = b'0' + (n % 10) as u8;
            n /= 10;
        }
    }
    std::str::from_utf8(buf).ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn timestamps_are_written_as_rfc_3339_utc_with_milliseconds() {
        let mut buf = [0u8; 24];
        assert_eq!(
            super::utc_millis(1_714_537_800_123, &mut buf),
            Some("2024-05-01T04:30:00.123Z")
        );
        assert_eq!(
            super::utc_millis(0, &mut buf),
            Some("1970-01-01T00:00:00.000Z")
        );
        assert_eq!(
            super::utc_millis(-1, &mut buf),
            Some("1969-12-31T23:59:59.999Z")
        );
        assert_eq!(super::utc_millis(i64::MAX, &mut buf), None);
    }
}
