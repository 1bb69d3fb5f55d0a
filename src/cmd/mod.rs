//! One module per subcommand: its arguments, resolved into plain options, and the wiring of
//! input, stages and sinks. The logic lives in the library modules they call.

pub mod aggregate;
pub mod fields;
pub mod grep;
pub mod parse;
mod setup;
pub mod trace;

use crate::cli::{Cli, Command};
use crate::error::ExitStatus;

/// Runs the parsed command line, returning the exit status. Once per process: some commands
/// leave their largest values to the process exit (`keep_until_exit`).
pub fn run(cli: Cli) -> anyhow::Result<ExitStatus> {
    match cli.command {
        Command::Grep(args) => grep::run(args),
        Command::Parse(args) => parse::run(args),
        Command::Aggregate(args) => aggregate::run(args),
        Command::Fields(args) => fields::run(args),
        Command::Trace(args) => trace::run(args),
    }
}

/// Leaves `v` to the operating system instead of freeing it: the command is returning and the
/// process exits right after, when the whole heap goes at once. Freeing a tree per trace, a few
/// hundred thousand small allocations made on worker threads, one by one on the main thread
/// was 45 ms of serial work at the end of `obs trace list` (8% of its wall time, on the 1 M
/// spans of `scripts/compare-trace.sh`). Only for
/// values with nothing left to do on drop (no buffered output, no temporary files).
fn keep_until_exit<T>(v: T) {
    std::mem::forget(v);
}

/// True when `err` (anywhere in its chain) is a closed pipe on output, which is not a failure:
/// `obs grep … | head` must end quietly.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    const PIPE: std::io::ErrorKind = std::io::ErrorKind::BrokenPipe;
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == PIPE)
            || cause.downcast_ref::<crate::error::ObsError>().is_some_and(crate::error::ObsError::is_broken_pipe)
            // The CSV and JSON writers wrap the error of the writer under them.
            || matches!(cause.downcast_ref::<csv::Error>().map(csv::Error::kind),
                Some(csv::ErrorKind::Io(e)) if e.kind() == PIPE)
            || cause
                .downcast_ref::<serde_json::Error>()
                .and_then(serde_json::Error::io_error_kind)
                == Some(PIPE)
    })
}
