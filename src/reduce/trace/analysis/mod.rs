//! Traces built from the rows: trees, per-trace summaries, critical paths, self times
//! ([`traces`]), per-operation statistics ([`mod@stats`]) and service dependencies ([`mod@deps`]).

pub mod deps;
pub mod stats;
pub mod traces;

pub use deps::{deps, Edge};
pub use stats::{quantiles, stats, OpStats, StatKey};
pub use traces::{Summary, Traces};

#[cfg(test)]
mod tests;
