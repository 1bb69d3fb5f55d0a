//! Colour on or off (`--color`, `NO_COLOR`), and the few ANSI styles the terminal view uses.

use std::io::IsTerminal;

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// Colour when stdout is a terminal and `NO_COLOR` is unset.
    Auto,
    /// Always colour.
    Always,
    /// Never colour.
    Never,
}

impl ColorChoice {
    /// Whether to colour stdout.
    pub fn enabled(self) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
                    && std::io::stdout().is_terminal()
            }
        }
    }
}

/// ANSI style prefixes; [`RESET`](style::RESET) ends them.
pub mod style {
    /// Red bold, for errors.
    pub const ERROR: &str = "\x1b[1;31m";
    /// Yellow, for warnings.
    pub const WARN: &str = "\x1b[33m";
    /// Green, for info.
    pub const INFO: &str = "\x1b[32m";
    /// Blue, for debug and trace.
    pub const DEBUG: &str = "\x1b[34m";
    /// Dim, for timestamps and keys.
    pub const DIM: &str = "\x1b[2m";
    /// Cyan, for the service.
    pub const SERVICE: &str = "\x1b[36m";
    /// Back to normal.
    pub const RESET: &str = "\x1b[0m";
}
