//! `obs trace`: traces rebuilt from span dumps.
//!
//! A first pass reads every span into a narrow row (ids, times, status, service, name and where
//! the span is) in parallel ([`collect`]), bucketed by a hash of the trace id; each partition's
//! rows are grouped by trace and a tree is built per trace, with its findings ([`partition`],
//! [`tree`]); views and statistics work on rows and trees ([`analysis`], [`critical`]); only
//! what is shown or exported is read back in full ([`sources`]).

pub mod analysis;
pub mod collect;
pub mod critical;
pub mod detail;
pub mod export;
pub mod finding;
pub mod format;
pub mod ids;
pub mod logs;
pub mod names;
pub mod partition;
pub mod row;
pub mod sources;
pub mod span;
pub mod tree;
#[cfg(test)]
mod tree_fuzz;
pub mod view;
