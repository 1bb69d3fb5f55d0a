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

/// Whether standard output was closed when the process started (`obs grep … >&-`): set by
/// `main` from a probe that runs before Rust's runtime, which reopens a closed descriptor on
/// `/dev/null` (and whose `stdout` then swallows every write) so that nothing later can tell.
static STDOUT_CLOSED_AT_START: std::sync::atomic::AtomicBool =
    std::sync::atomic::AtomicBool::new(false);

/// Records what the start-up probe found (see [`stdout_open`]).
pub fn set_stdout_closed_at_start(closed: bool) {
    STDOUT_CLOSED_AT_START.store(closed, std::sync::atomic::Ordering::Relaxed);
}

/// Standard output, checked to be open, so that `obs grep … >&-` is an error rather than a run
/// that reports lines emitted which went nowhere. A `/dev/null` that was opened on purpose
/// (`>/dev/null`, Python's `subprocess.DEVNULL`, read-write) is of course fine.
pub fn stdout_open() -> Result<(), ObsError> {
    if STDOUT_CLOSED_AT_START.load(std::sync::atomic::Ordering::Relaxed) {
        return Err(ObsError::Io {
            path: PathBuf::from("standard output"),
            // Not BrokenPipe: that would end the run quietly, as a reader leaving early does.
            cause: io::Error::other("it was closed when obs started"),
        });
    }
    Ok(())
}

/// `--quiet`: diagnostics (bad-line sites, notes) are not printed.
static QUIET: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Where diagnostics go while a progress bar is drawn (it prints them above the bar).
static SAY_THROUGH: std::sync::Mutex<Option<fn(&str)>> = std::sync::Mutex::new(None);

/// Sets `--quiet` for the process.
pub fn set_quiet(quiet: bool) {
    QUIET.store(quiet, std::sync::atomic::Ordering::Relaxed);
}

/// Sets (or clears) the printer of diagnostics while a progress bar is on screen.
pub fn say_through(printer: Option<fn(&str)>) {
    *SAY_THROUGH.lock().unwrap_or_else(|p| p.into_inner()) = printer;
}

/// Prints a diagnostic on stderr: above the progress bar when one is drawn (a line printed
/// past it froze it on screen), and not at all under `--quiet`. Errors that end the run and
/// what `--stats` asks for are printed by the command, whatever `--quiet` says.
pub fn say(msg: &str) {
    if QUIET.load(std::sync::atomic::Ordering::Relaxed) {
        return;
    }
    let printer = *SAY_THROUGH.lock().unwrap_or_else(|p| p.into_inner());
    match printer {
        Some(print) => print(msg),
        None => eprintln!("{msg}"),
    }
}
