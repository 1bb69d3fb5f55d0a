//! Deterministic test-data generators shared by `examples/` (samples/ and the comparison
//! scripts' large files) and `benches/`.

pub mod logs;
pub mod rng;
pub mod spans;
