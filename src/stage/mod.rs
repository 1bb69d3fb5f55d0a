//! Per-record stages: stateless work on one record at a time, run on many chunks at once.

pub mod filter;
pub mod parse;
