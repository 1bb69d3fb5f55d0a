//! Output formats: one family, [`Format`], and each command's `--format` as the subset of it
//! that the command writes, declared with [`formats!`](crate::formats). A subset converts into
//! the family, so one `auto` rule and one result writer serve every command, and a command's
//! `--help` lists only what it accepts.

use std::path::PathBuf;

/// Every format obs writes. No command accepts them all; see each command's subset.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// The terminal view on a terminal, NDJSON otherwise.
    Auto,
    /// One JSON object per line.
    Ndjson,
    /// Compact coloured record lines.
    Pretty,
    /// An aligned table for people.
    Table,
    /// CSV with a header row.
    Csv,
    /// Elasticsearch `_bulk` bodies.
    EsBulk,
    /// Apache Parquet.
    Parquet,
    /// Graphviz DOT.
    Dot,
    /// A Mermaid flowchart.
    Mermaid,
    /// A text view for people (trace waterfalls).
    Text,
}

impl Format {
    /// `auto` resolved: `on_terminal` when the output is a terminal, NDJSON otherwise. Every
    /// command's `--format auto` is resolved here, by [`writes_to_terminal`], so they agree.
    pub fn resolve(self, out: Option<&PathBuf>, on_terminal: Format) -> Format {
        match self {
            Format::Auto if writes_to_terminal(out) => on_terminal,
            Format::Auto => Format::Ndjson,
            f => f,
        }
    }
}

/// Whether output goes to a terminal: no `-o FILE`, and stdout is one.
pub fn writes_to_terminal(out: Option<&PathBuf>) -> bool {
    out.is_none() && std::io::IsTerminal::is_terminal(&std::io::stdout())
}

crate::formats! {
    /// `--format` of the commands whose result is one table (the trace views, `obs fields`).
    pub enum TableFormat {
        /// A table on a terminal, NDJSON otherwise.
        Auto,
        /// A table.
        Table,
        /// One JSON object per row.
        Ndjson,
        /// CSV with a header.
        Csv,
    }
}

/// Declares a command's `--format` values: a `clap::ValueEnum` whose variants are variants of
/// [`Format`] of the same name (a name that is not one does not compile), with their help
/// text, `From` it into the family, `TryFrom` the family back, and `resolve`, which resolves
/// `auto` as [`Format::resolve`] does (to `on_terminal` when the command has no NDJSON).
///
/// ```
/// obs::formats! {
///     /// `obs trace show --format`.
///     pub enum ShowFormat {
///         /// The waterfall.
///         Text,
///         /// One span per line.
///         Ndjson,
///     }
/// }
/// use obs::output::Format;
/// assert_eq!(Format::from(ShowFormat::Text), Format::Text);
/// assert_eq!(ShowFormat::try_from(Format::Csv), Err(Format::Csv));
/// // No `auto` here, so resolving leaves the choice as it is.
/// assert_eq!(ShowFormat::Ndjson.resolve(None, ShowFormat::Text), ShowFormat::Ndjson);
/// ```
#[macro_export]
macro_rules! formats {
    ($(#[$meta:meta])* $vis:vis enum $name:ident {
        $($(#[$vmeta:meta])* $variant:ident),+ $(,)?
    }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
        $vis enum $name {
            $($(#[$vmeta])* $variant),+
        }

        impl From<$name> for $crate::output::Format {
            fn from(f: $name) -> Self {
                match f {
                    $($name::$variant => $crate::output::Format::$variant),+
                }
            }
        }

        impl TryFrom<$crate::output::Format> for $name {
            type Error = $crate::output::Format;
            /// The subset's variant of that name; `Err` gives back a format it lacks.
            fn try_from(f: $crate::output::Format) -> Result<Self, Self::Error> {
                match f {
                    $($crate::output::Format::$variant => Ok($name::$variant),)+
                    other => Err(other),
                }
            }
        }

        impl $name {
            /// `auto` resolved by whether the output is a terminal; any other format as it is.
            pub fn resolve(self, out: Option<&std::path::PathBuf>, on_terminal: $name) -> $name {
                let family = $crate::output::Format::from(self).resolve(out, on_terminal.into());
                $name::try_from(family).unwrap_or(on_terminal)
            }
        }
    };
}
