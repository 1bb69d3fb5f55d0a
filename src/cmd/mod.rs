//! One module per subcommand: its arguments, resolved into plain options, and the wiring of
//! input, stages and sinks. The logic lives in the library modules they call.

pub mod aggregate;
pub mod grep;
mod setup;
pub mod trace;

use crate::cli::{Cli, Command};

/// Runs the parsed command line, returning the exit status.
pub fn run(cli: Cli) -> anyhow::Result<i32> {
    match cli.command {
        Command::Grep(args) => grep::run(args),
        Command::Aggregate(args) => aggregate::run(args),
        Command::Trace(args) => trace::run(args),
    }
}
