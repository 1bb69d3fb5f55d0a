//! The shapes of the lines the fast path has read in full: their text with the scalar values
//! cut out, and where each value went.
//!
//! Lines from one producer repeat a few structures: the same keys in the same order, the same
//! nesting and spacing; only the scalar values change (span lines with and without a parent,
//! log lines with and without an error object). A line that is a learnt text with other scalars
//! in the values' places is valid JSON when those scalars are, and projects the same keys into
//! the same slots. So the scanner first reads a line through the shapes: one comparison of the
//! structural text before each value (`,"span_id":`, `,"attributes":{"http.status_code":`),
//! then the value read as its slot needs. That replaces reading each key, colon, comma and
//! bracket on its own, which was most of the scanner's work per member. A line of no learnt
//! shape is read in full, and teaches its shape.
//!
//! The shapes are kept as a tree: lines share the nodes of the values they have in common up to
//! where they first differ, so a line goes down the tree once, whichever shape it has.

use super::cell::Cell;
use super::flat::{put, Scanner};
use super::hex::Hex;

/// Where a value of a learnt line went: skipped, or the projection slot it filled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Target {
    /// Checked and passed over.
    Skip,
    /// Read into this slot.
    Slot(u32),
    /// Read into this slot, which the projection marks as hex.
    Hex(u32),
}

/// A scalar value of a line read in full: where its text starts and ends, and where it went.
#[derive(Debug, Clone, Copy)]
pub(super) struct Seen {
    /// Where the value's text starts in the line.
    pub(super) start: u32,
    /// Where it ends (past a string's closing quote).
    pub(super) end: u32,
    /// Where the value went.
    pub(super) target: Target,
}

/// A node of the tree: the text before a value and what becomes of the value, or (`target`
/// `None`) the text that ends a line.
#[derive(Debug, Clone, Copy)]
struct Node {
    /// Where the text is in [`Shape::text`].
    from: u32,
    to: u32,
    target: Option<Target>,
    /// The first node that can follow this one, and the next node that can stand in its place.
    child: u32,
    sibling: u32,
}

/// No node.
const NONE: u32 = u32::MAX;

/// The tree is forgotten and learnt anew past this many nodes or bytes of text: lines whose
/// shapes hardly repeat (arrays of changing length) should not grow it without end.
const MAX_NODES: usize = 1024;
const MAX_TEXT: usize = 64 << 10;

/// The learnt shapes, and when to try them.
#[derive(Debug)]
pub(super) struct Shape {
    /// The text of every node.
    text: Vec<u8>,
    /// The tree; the first node is its root, which has no text.
    nodes: Vec<Node>,
    /// How many lines to wait after a miss: 1, 3, 7 ... up to 63 for misses in a row, 0 after
    /// a hit, so that lines of ever-changing shapes do not pay for a failed try on every line.
    backoff: u8,
    /// Lines still to read in full before the shapes are tried again.
    wait: u8,
    /// Lines read through the shapes (tests check that they are used).
    pub(super) hits: u64,
}

impl Default for Shape {
    fn default() -> Self {
        Shape {
            text: Vec::new(),
            nodes: vec![Node::root()],
            backoff: 0,
            wait: 0,
            hits: 0,
        }
    }
}

impl Node {
    fn root() -> Node {
        Node {
            from: 0,
            to: 0,
            target: None,
            child: NONE,
            sibling: NONE,
        }
    }
}

impl Shape {
    /// True when the next line should be tried against the shapes.
    pub(super) fn ready(&mut self) -> bool {
        if self.wait > 0 {
            self.wait -= 1;
            return false;
        }
        self.nodes[0].child != NONE
    }

    /// Records that a line had a learnt shape.
    pub(super) fn hit(&mut self) {
        self.backoff = 0;
        self.hits += 1;
    }

    /// Records that a line had no learnt shape.
    pub(super) fn miss(&mut self) {
        self.backoff = (self.backoff * 2 + 1).min(63);
        self.wait = self.backoff;
    }

    /// True when a line read in full now is worth learning: the shapes will be tried on the
    /// next line or the one after (during a long wait, learning every line would cost more
    /// than it saves).
    pub(super) fn learning(&self) -> bool {
        self.wait <= 1
    }

    /// Learns the shape of `line`, which the full reading accepted, finding its scalar values
    /// at `values` (in line order).
    pub(super) fn learn(&mut self, line: &[u8], values: &[Seen]) {
        // A line too large for the tree is not learnt (its value places may not even fit the
        // `u32`s of `Seen`); one that would overfill it starts it anew.
        if values.len() + 1 >= MAX_NODES || line.len() > MAX_TEXT {
            return;
        }
        if self.nodes.len() + values.len() + 1 > MAX_NODES
            || self.text.len() + line.len() > MAX_TEXT
        {
            self.text.clear();
            self.nodes.truncate(1);
            self.nodes[0] = Node::root();
        }
        let mut at = 0;
        let mut from = 0;
        for v in values {
            at = self.step(at, &line[from..v.start as usize], Some(v.target));
            from = v.end as usize;
        }
        self.step(at, &line[from..], None);
    }

    /// The child of `parent` with this text and target, added when there is none.
    fn step(&mut self, parent: usize, lead: &[u8], target: Option<Target>) -> usize {
        let mut c = self.nodes[parent].child;
        let mut last = NONE;
        while c != NONE {
            let n = self.nodes[c as usize];
            if n.target == target && self.text[n.from as usize..n.to as usize] == *lead {
                return c as usize;
            }
            last = c;
            c = n.sibling;
        }
        let from = self.text.len() as u32;
        self.text.extend_from_slice(lead);
        let new = self.nodes.len() as u32;
        self.nodes.push(Node {
            from,
            to: self.text.len() as u32,
            target,
            child: NONE,
            sibling: NONE,
        });
        match last {
            NONE => self.nodes[parent].child = new,
            last => self.nodes[last as usize].sibling = new,
        }
        new as usize
    }

    /// Reads the line under `s` (from its start) through the shapes into `cells` and `hex`;
    /// `None` when it has no learnt shape or a value is one the fast path declines (the cells
    /// then hold nothing meaningful).
    pub(super) fn read<'a>(
        &self,
        s: &mut Scanner<'a>,
        cells: &mut [Option<Cell<'a>>],
        hex: &mut [Hex],
    ) -> Option<()> {
        let mut c = self.nodes[0].child;
        loop {
            // The first node here whose text is next and whose value reads. Texts hold no
            // scalars, so when one sibling's text is another's beginning, the longer goes on
            // with a bracket or white space where the shorter's value would start: at most
            // one sibling's text and value both read, and going back is only needed when a
            // text read but its value did not.
            let n = loop {
                let n = self.nodes.get(c as usize)?;
                let at = s.at();
                if s.lead(&self.text[n.from as usize..n.to as usize]).is_some() {
                    let read = match n.target {
                        None if s.at_end() => return Some(()),
                        None => None,
                        Some(Target::Skip) => s.skip_scalar(),
                        // The last of duplicate keys wins, as in serde_json: values are read
                        // in order.
                        Some(Target::Hex(slot)) => {
                            s.hex_or_scalar(&mut cells[slot as usize], &mut hex[slot as usize])
                        }
                        Some(Target::Slot(slot)) => {
                            s.scalar().map(|v| put(&mut cells[slot as usize], v))
                        }
                    };
                    if read.is_some() {
                        break n;
                    }
                    s.back_to(at);
                }
                c = n.sibling;
            };
            c = n.child;
        }
    }
}
