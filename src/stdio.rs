//! The process's standard streams, beyond data on stdout: diagnostics on stderr (printed
//! above a live progress bar, hidden by `--quiet`), and whether stdout was open at all when
//! the process started.

use std::io;
use std::path::PathBuf;

use crate::error::ObsError;

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
