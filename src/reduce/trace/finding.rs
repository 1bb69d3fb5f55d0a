//! What can be wrong with a trace: the findings `obs trace check` reports and the other views
//! show, their kinds, and how each is said to a person.

use super::ids::{IdNames, SpanId};
use crate::output::waterfall::duration;

/// Something wrong with a trace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finding {
    /// No span without a parent: the trace's root is not in the input.
    NoRoot,
    /// Several spans without a parent.
    MultipleRoots(Vec<SpanId>),
    /// A span whose parent is not in the input.
    Orphan {
        /// The span.
        span: SpanId,
        /// Its missing parent.
        parent: SpanId,
    },
    /// A span id that occurs more than once (Zipkin's shared client/server pairs excepted).
    Duplicate {
        /// The id.
        span: SpanId,
        /// How many times.
        count: usize,
    },
    /// Spans whose parent links go round in a circle (a span its own parent included).
    Cycle(Vec<SpanId>),
    /// A span that ends before it starts (its duration counts as 0; export keeps its times).
    EndBeforeStart {
        /// The span.
        span: SpanId,
    },
    /// A child starting before its parent, or ending after it, by more than the tolerance.
    Skew {
        /// The child.
        span: SpanId,
        /// Its parent.
        parent: SpanId,
        /// ns the child starts before its parent (0 if it does not).
        early: i64,
        /// ns the child ends after its parent (0 if it does not).
        late: i64,
    },
}

/// The kinds of [`Finding`], in the order `trace check` counts them; also the values of
/// `trace check --ignore`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum FindingKind {
    /// No root span.
    Incomplete,
    /// Several root spans.
    MultipleRoots,
    /// A parent not in the input.
    Orphan,
    /// A span id seen twice.
    Duplicate,
    /// Parent links in a circle.
    Cycle,
    /// A child outside its parent by more than the tolerance.
    Skew,
    /// A span ending before it starts.
    EndBeforeStart,
}

impl FindingKind {
    /// Every kind, in counting order.
    pub const ALL: [FindingKind; 7] = [
        FindingKind::Incomplete,
        FindingKind::MultipleRoots,
        FindingKind::Orphan,
        FindingKind::Duplicate,
        FindingKind::Cycle,
        FindingKind::Skew,
        FindingKind::EndBeforeStart,
    ];

    /// The kind's name, as printed and as `--ignore` takes it.
    pub fn name(self) -> &'static str {
        match self {
            FindingKind::Incomplete => "incomplete",
            FindingKind::MultipleRoots => "multiple-roots",
            FindingKind::Orphan => "orphan",
            FindingKind::Duplicate => "duplicate",
            FindingKind::Cycle => "cycle",
            FindingKind::Skew => "skew",
            FindingKind::EndBeforeStart => "end-before-start",
        }
    }
}

impl Finding {
    /// The finding's kind.
    pub fn kind(&self) -> FindingKind {
        match self {
            Finding::NoRoot => FindingKind::Incomplete,
            Finding::MultipleRoots(_) => FindingKind::MultipleRoots,
            Finding::Orphan { .. } => FindingKind::Orphan,
            Finding::Duplicate { .. } => FindingKind::Duplicate,
            Finding::Cycle(_) => FindingKind::Cycle,
            Finding::Skew { .. } => FindingKind::Skew,
            Finding::EndBeforeStart { .. } => FindingKind::EndBeforeStart,
        }
    }

    /// The span a finding is about, when it is about one span.
    pub fn span(&self) -> Option<SpanId> {
        match self {
            Finding::Orphan { span, .. }
            | Finding::Duplicate { span, .. }
            | Finding::Skew { span, .. }
            | Finding::EndBeforeStart { span } => Some(*span),
            _ => None,
        }
    }

    /// The finding as a person reads it, with span ids as the input wrote them.
    pub fn described<'a>(&'a self, ids: &'a IdNames) -> Described<'a> {
        Described { finding: self, ids }
    }
}

/// A [`Finding`] with the names of its ids, for `Display` (see [`Finding::described`]).
pub struct Described<'a> {
    finding: &'a Finding,
    ids: &'a IdNames,
}

impl std::fmt::Display for Described<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let ids = self.ids;
        let list = |spans: &[SpanId]| {
            spans
                .iter()
                .map(|s| ids.span(*s))
                .collect::<Vec<_>>()
                .join(",")
        };
        match self.finding {
            Finding::NoRoot => write!(f, "incomplete: no root span"),
            Finding::MultipleRoots(r) => write!(f, "multiple-roots: {}", list(r)),
            Finding::Orphan { span, parent } => write!(
                f,
                "orphan: {} (parent {} missing)",
                ids.span(*span),
                ids.span(*parent)
            ),
            Finding::Duplicate { span, count } => {
                write!(f, "duplicate: {} seen {count} times", ids.span(*span))
            }
            Finding::Cycle(c) => write!(f, "cycle: {}", list(c)),
            Finding::EndBeforeStart { span } => {
                write!(
                    f,
                    "end-before-start: {} ends before it starts",
                    ids.span(*span)
                )
            }
            Finding::Skew {
                span,
                parent,
                early,
                late,
            } => {
                write!(
                    f,
                    "skew: {} vs parent {}:",
                    ids.span(*span),
                    ids.span(*parent)
                )?;
                if *early > 0 {
                    write!(f, " starts {} early", duration(*early))?;
                }
                if *late > 0 {
                    write!(f, " ends {} late", duration(*late))?;
                }
                Ok(())
            }
        }
    }
}
