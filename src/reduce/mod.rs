//! Reducers: work that needs more than one record (group-by, windows, traces), built per chunk
//! in parallel and merged in input order.

pub mod aggregate;
pub mod fields;
pub mod trace;
