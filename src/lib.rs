//! # obs — fast, trustworthy processing of large NDJSON log dumps
//!
//! Data flows one way:
//!
//! ```text
//! paths | '-' ─► input::ChunkReader ─► Chunk{seq, whole lines} ─► stage / reduce (per chunk, in parallel)
//!                  mmap / gz / zst / stdin                             │  decode (+ record) only the
//!                                                                      │  fields needed, expr to select
//!                                                                      ▼
//!                          output::Sink ◄── pipeline (results back in seq order, bounded window)
//!            ndjson · pretty · table · csv · es-bulk · parquet · chart · waterfall
//! ```
//!
//! Layers, top to bottom (a module uses only those below it): [`cmd`] (with [`cli`]) →
//! [`reduce`], [`stage`] → [`expr`], [`record`] → [`decode`] → [`input`]; [`output`] is used
//! by `cmd` and `reduce` and uses none of them; [`pipeline`], [`error`], [`cleanup`] and
//! [`stdio`] serve every layer. `docs/ARCHITECTURE.md` says more.
//!
//! * [`input`] cuts inputs into newline-aligned chunks (mmap for files, streaming for
//!   stdin/gzip/zstd); it knows nothing of JSON.
//! * [`record`] is a line plus lazily decoded fields, field paths and time handling;
//!   [`decode`] validates a line while materialising only the keys a stage needs.
//! * [`expr`] is the one expression language, with a raw-byte [`expr::prefilter`] derived from
//!   it so most lines are never decoded.
//! * [`stage`] holds per-record work; [`pipeline`] runs it on all cores and keeps the
//!   `read = emitted + filtered + rejected` accounting; [`output`] renders and writes.
//! * [`cmd`] wires one subcommand each; [`cli`] holds the shared argument groups.
//! * [`reduce`] holds the work over many records (aggregate, trace); [`error`] the error type
//!   and exit codes; [`cleanup`] the temporary files removed at exit and on signals;
//!   [`stdio`] the diagnostics on stderr and whether stdout was open.

pub mod cleanup;
pub mod cli;
pub mod cmd;
pub mod decode;
pub mod error;
pub mod expr;
pub mod input;
pub mod output;
pub mod pipeline;
pub mod record;
pub mod reduce;
pub mod stage;
pub mod stdio;
