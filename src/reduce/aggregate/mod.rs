//! `obs aggregate`: group-by, time buckets and metrics over column frames.

pub mod columns;
pub mod emit;
pub mod every;
pub mod frame;
pub mod keys;
pub mod plan;
pub mod result;
pub mod spec;
