//! The narrow per-span row of the first pass: what tree building and statistics need. Where a
//! span is, so that its details can be read back for what is shown, is kept beside the rows
//! ([`Loc`]), and only by the commands that show details: `obs trace stats` writes a fifth less
//! memory without it.

use super::ids::{SpanId, TraceId};
use super::names::Names;
use super::span::Span;

/// The span failed.
pub const ERROR: u8 = 1;
/// The parent reference is FOLLOWS_FROM.
pub const FOLLOWS_FROM: u8 = 2;
/// Zipkin shared (server) half of an RPC span.
pub const SHARED: u8 = 4;
/// The span ends before it starts: the row's end is its start (so statistics see no negative
/// duration), and the tree reports it; the span itself keeps its times for export.
pub const BACKWARDS: u8 = 8;

/// Where a span is: the line (by byte offset in its decompressed source) and the span's index
/// among those the line (or document) holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Loc {
    /// Index of the source.
    pub source: u32,
    /// Byte offset of the line's start in the source (0 for whole documents).
    pub offset: u64,
    /// Index of the span within the line or document.
    pub index: u32,
}

/// One span, narrow.
#[derive(Debug, Clone, Copy, Default)]
pub struct Row {
    /// Trace.
    pub trace: TraceId,
    /// Span id.
    pub span: SpanId,
    /// Parent span id (0: none).
    pub parent: SpanId,
    /// Start, ns since the epoch.
    pub start: i64,
    /// End, ns since the epoch.
    pub end: i64,
    /// Service code.
    pub service: u32,
    /// Operation name code.
    pub name: u32,
    /// [`ERROR`], [`FOLLOWS_FROM`], [`SHARED`], [`BACKWARDS`].
    pub flags: u8,
    /// [`super::span::Kind`] as its integer.
    pub kind: u8,
}

impl Row {
    /// The row of a fully decoded span.
    pub fn of(s: &Span, services: &mut Names, ops: &mut Names) -> Row {
        let mut flags = 0;
        if s.is_error() {
            flags |= ERROR;
        }
        if s.follows_from {
            flags |= FOLLOWS_FROM;
        }
        if s.shared {
            flags |= SHARED;
        }
        if s.end < s.start {
            flags |= BACKWARDS;
        }
        Row {
            trace: s.trace,
            span: s.span,
            parent: s.parent.unwrap_or(0),
            start: s.start,
            end: s.end.max(s.start),
            service: services.code(&s.service),
            name: ops.code(&s.name),
            flags,
            kind: s.kind as u8,
        }
    }

    /// Duration in ns.
    pub fn duration(&self) -> i64 {
        self.end - self.start
    }

    /// True when the span failed.
    pub fn is_error(&self) -> bool {
        self.flags & ERROR != 0
    }
}

// A row is one cache line: the first pass writes a million of them into fresh memory.
const _: () = assert!(std::mem::size_of::<Row>() == 64);
