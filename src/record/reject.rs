//! Why a line could not be used: the reason a rejected line carries to `--rejects-reasons`, the
//! stderr report and `--on-error fail`. Each kind of failure is its own variant, so a caller can
//! tell them apart (a line too long has no bytes to keep) and the decoders to come add theirs.

use crate::decode::json::DecodeError;
use crate::decode::text::ParseError;

/// The reason a line was rejected; its text is what `file:line: reason` says.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Reject {
    /// Not a JSON object, in the decoder's words (`invalid JSON: … at column N`).
    #[error("{0}")]
    Decode(#[from] DecodeError),
    /// Not a line of the format it was parsed as (`--parse`, `--regex`): what did not fit.
    #[error("{0}")]
    Parse(#[from] ParseError),
    /// Longer than `--max-line-bytes`: left undecoded, and its bytes are not kept.
    #[error("line longer than --max-line-bytes ({max} bytes); it is not kept in --rejects")]
    TooLong {
        /// The limit.
        max: usize,
    },
    /// Not a span the trace reader can use: which field is wrong or missing.
    #[error("{0}")]
    Span(String),
    /// The output cannot write the record (no field for its index name, an `_id` too long…).
    #[error("{0}")]
    Unwritable(String),
}

impl Reject {
    /// Whether the line's bytes can be kept for `--rejects` (a line too long was only read in
    /// part).
    pub fn keeps_bytes(&self) -> bool {
        !matches!(self, Reject::TooLong { .. })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn says_why_and_keeps_the_bytes_it_has() {
        let bad = crate::decode::json::decode_full(b"{\"a\":").expect_err("not JSON");
        let r = Reject::from(bad.clone());
        assert_eq!(r.to_string(), bad.0);
        assert!(r.to_string().starts_with("invalid JSON"), "{r}");
        assert!(r.keeps_bytes());
        let long = Reject::TooLong { max: 64 };
        assert!(!long.keeps_bytes(), "a line too long was read only in part");
        assert_eq!(
            long.to_string(),
            "line longer than --max-line-bytes (64 bytes); it is not kept in --rejects"
        );
    }
}
