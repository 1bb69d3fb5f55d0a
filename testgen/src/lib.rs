//! Deterministic test-data generators shared by `examples/` (samples/ and the comparison
//! scripts' large files) and `benches/`.

pub mod access;
pub mod clock;
pub mod logs;
pub mod rng;
pub mod spans;
