//! The one error type of the library and the exit codes it maps to.
//!
//! Library code returns [`ObsError`] (typed, with the context needed to act on it); the command layer
//! wraps it in `anyhow` with what the user was doing. `main` turns any error into `obs: <message>`
//! on stderr and [`ExitStatus::Error`], except a closed output pipe, which ends quietly with status 0.

use std::io;
use std::path::PathBuf;

/// How a run ended, as the process exit status says it (fd and ripgrep keep the same four
/// meanings): each command returns one, and `main` turns errors into [`ExitStatus::Error`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// Success; for `grep`, at least one line matched.
    Ok,
    /// The command ran but nothing matched.
    NoMatch,
    /// Bad usage, bad input under `--on-error fail`, or an I/O failure.
    Error,
    /// A CI gate (`aggregate --fail-if`, `trace check`) found a violation.
    Gate,
}

impl ExitStatus {
    /// The process exit code: 0, 1, 2 or 3.
    pub fn code(self) -> i32 {
        match self {
            ExitStatus::Ok => 0,
            ExitStatus::NoMatch => 1,
            ExitStatus::Error => 2,
            ExitStatus::Gate => 3,
        }
    }

    /// [`ExitStatus::Ok`] when something matched, [`ExitStatus::NoMatch`] otherwise.
    pub fn matched(any: bool) -> ExitStatus {
        if any {
            ExitStatus::Ok
        } else {
            ExitStatus::NoMatch
        }
    }
}

/// What library functions return.
pub type ObsResult<T> = Result<T, ObsError>;

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
    /// Writing output failed; the message is the system's, as for any write.
    #[error(transparent)]
    Write(#[from] io::Error),
    /// The CSV writer failed (its I/O error inside).
    #[error(transparent)]
    Csv(#[from] csv::Error),
    /// The JSON writer failed (its I/O error inside).
    #[error(transparent)]
    Json(#[from] serde_json::Error),
    /// Polars failed building or writing a frame.
    #[error(transparent)]
    Frame(#[from] polars::error::PolarsError),
    /// What obs was doing when `cause` happened ("reading spans of x.json"): printed before it,
    /// as `what: cause`.
    #[error("{what}")]
    Context {
        /// What was being done.
        what: String,
        /// What went wrong.
        #[source]
        cause: Box<ObsError>,
    },
    /// A broken invariant of obs itself, never the input's fault.
    #[error("internal error: {0}")]
    Internal(String),
}

impl ObsError {
    /// This error with what was being done when it happened, said before it.
    pub fn context(self, what: impl Into<String>) -> Self {
        ObsError::Context {
            what: what.into(),
            cause: Box::new(self),
        }
    }

    /// Convenience constructor for [`ObsError::Io`].
    pub fn io(path: impl Into<PathBuf>, source: io::Error) -> Self {
        ObsError::Io {
            path: path.into(),
            cause: source,
        }
    }
}

impl ObsError {
    /// True when this error, or the one it gives context to, is a closed pipe on output.
    pub fn is_broken_pipe(&self) -> bool {
        const PIPE: io::ErrorKind = io::ErrorKind::BrokenPipe;
        match self {
            ObsError::Io { cause, .. } | ObsError::Write(cause) => cause.kind() == PIPE,
            ObsError::Csv(e) => matches!(e.kind(), csv::ErrorKind::Io(e) if e.kind() == PIPE),
            ObsError::Json(e) => e.io_error_kind() == Some(PIPE),
            ObsError::Context { cause, .. } => cause.is_broken_pipe(),
            _ => false,
        }
    }
}

/// What was being done, said before an error of the library: `ObsError`'s counterpart of
/// the `Context` of anyhow, so that library code keeps typed errors and the same messages.
pub trait Context<T> {
    /// The error, if any, as `what: cause`.
    fn context(self, what: &str) -> ObsResult<T>;
    /// As [`Context::context`], with the text made only on error.
    fn with_context<S: Into<String>>(self, what: impl FnOnce() -> S) -> ObsResult<T>;
}

impl<T, E: Into<ObsError>> Context<T> for Result<T, E> {
    fn context(self, what: &str) -> ObsResult<T> {
        self.map_err(|e| e.into().context(what))
    }
    fn with_context<S: Into<String>>(self, what: impl FnOnce() -> S) -> ObsResult<T> {
        self.map_err(|e| e.into().context(what()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn context_is_said_before_the_cause_and_keeps_a_closed_pipe_visible() {
        let pipe = || io::Error::from(io::ErrorKind::BrokenPipe);
        let Err(e) = Err::<(), _>(pipe()).context("writing out.csv") else {
            panic!("an error stays an error")
        };
        assert!(e.is_broken_pipe());
        // What `obs: {e:#}` prints: the context, then its cause.
        let cause = std::error::Error::source(&e).map(ToString::to_string);
        assert_eq!(e.to_string(), "writing out.csv");
        assert_eq!(cause, Some(pipe().to_string()));
        let csv = ObsError::from(csv::Error::from(pipe()));
        assert!(csv.is_broken_pipe());
        assert!(!ObsError::Usage("x".into()).is_broken_pipe());
        assert!(!ObsError::Write(io::Error::other("disk full")).is_broken_pipe());
    }
}
