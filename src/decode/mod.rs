//! Decoders that turn raw lines into fields. JSON today; logfmt and grok patterns belong here too.

pub mod cell;
pub mod flat;
pub mod hex;
pub mod json;
mod plain;
mod shape;
pub mod value;
