//! Decoders that turn raw lines into fields: JSON (the flat scanner and the general decoder),
//! and the text formats of `--parse` (`text`).

pub mod cell;
pub mod flat;
pub mod hex;
pub mod json;
mod plain;
mod shape;
pub mod text;
pub mod value;
