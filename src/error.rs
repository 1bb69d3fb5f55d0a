//! The one error type of the library and the exit codes it maps to.
//!
//! Library code returns [`ObsError`] (typed, with the context needed to act on it); the command layer
//! wraps it in `anyhow` with what the user was doing. `main` turns any error into `obs: <message>`
//! on stderr and [`EXIT_ERROR`], except a closed output pipe, which ends quietly with status 0.

use std::io;
use std::path::PathBuf;

/// Success; for `grep`, at least one line matched.
pub const EXIT_OK: i32 = 0;
/// The command ran but nothing matched.
pub const EXIT_NO_MATCH: i32 = 1;
/// Bad usage, bad input under `--on-error fail`, or an I/O failure.
pub const EXIT_ERROR: i32 = 2;
/// A CI gate (`aggregate --fail-if`) found a violation.
pub const EXIT_GATE: i32 = 3;

/// Errors raised by the library, each carrying the context a user needs to fix the cause.
#[derive(Debug, thiserror::Error)]
pub enum ObsError {
    /// An expression did not parse; `col` is 1-based and counts characters.
    #[error("bad expression at {col}: {msg}\n  {expr}\n  {caret}^", caret = " ".repeat(col.saturating_sub(1)))]
    Expr {
        /// The expression as given.
        expr: String,
        /// 1-based character column of the problem.
        col: usize,
        /// What was expected or found.
        msg: String,
    },
    /// A field path (`a.b[0]`, `attributes["http.status"]`) did not parse.
    #[error("bad field path '{path}': {msg}")]
    Path {
        /// The path as given.
        path: String,
        /// What is wrong with it.
        msg: String,
    },
    /// A file could not be opened, read or written.
    // The cause is said in the message and is not also the error's `source()`: `obs: {e:#}`
    // prints the chain, which said it twice ("no such file: no such file").
    #[error("{}: {cause}", path.display())]
    Io {
        /// The file concerned (`-` for stdin/stdout).
        path: PathBuf,
        /// The underlying error.
        cause: io::Error,
    },
    /// A compressed stream ended early or is corrupt; lines before the damage were processed.
    #[error("{}: {what} stream is damaged after {bytes} decompressed bytes: {cause}", path.display())]
    Damaged {
        /// The input file.
        path: PathBuf,
        /// `gzip` or `zstd`.
        what: &'static str,
        /// How many decompressed bytes were read before the damage.
        bytes: u64,
        /// The decoder's error (in the message, not `source()`, as for `Io`).
        cause: io::Error,
    },
    /// An input line was rejected under `--on-error fail`.
    #[error("{origin}:{line}: {reason}")]
    BadLine {
        /// File name, or `-` for stdin.
        origin: String,
        /// 1-based line number in that input.
        line: u64,
        /// Why the line was rejected.
        reason: String,
    },
    /// An option value is not usable (a bad time, size, template, ...).
    #[error("{0}")]
    Usage(String),
}

impl ObsError {
    /// Convenience constructor for [`ObsError::Io`].
    pub fn io(path: impl Into<PathBuf>, source: io::Error) -> Self {
        ObsError::Io {
            path: path.into(),
            cause: source,
        }
    }
}

/// True when `err` (anywhere in its chain) is a closed pipe on output, which is not a failure:
/// `obs grep … | head` must end quietly.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    const PIPE: io::ErrorKind = io::ErrorKind::BrokenPipe;
    err.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == PIPE)
            || matches!(cause.downcast_ref::<ObsError>(),
                Some(ObsError::Io { cause, .. }) if cause.kind() == PIPE)
            // The CSV and JSON writers wrap the error of the writer under them.
            || matches!(cause.downcast_ref::<csv::Error>().map(csv::Error::kind),
                Some(csv::ErrorKind::Io(e)) if e.kind() == PIPE)
            || cause
                .downcast_ref::<serde_json::Error>()
                .and_then(serde_json::Error::io_error_kind)
                == Some(PIPE)
    })
}
