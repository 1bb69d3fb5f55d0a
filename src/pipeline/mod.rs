//! Runs per-chunk work on all cores and hands the results back in input order.
//!
//! The reader runs on the calling thread and may only get `window` chunks ahead of the consumer,
//! so memory is bounded whatever the input size. Workers (a rayon pool of `--threads`) turn
//! chunks into results; a consumer thread puts them back in `seq` order before they reach a sink,
//! which is why output is byte-identical for any thread count or chunk size.

pub mod accounting;

use std::collections::BTreeMap;
use std::sync::{Arc, Condvar, Mutex};

use crate::error::ObsError;
use crate::input::{Chunk, ChunkData, ChunkReader};

/// What the consumer wants after a chunk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    /// Keep going.
    Continue,
    /// Stop reading (e.g. `-m N` reached); results not yet consumed are dropped.
    Stop,
}

/// Where a chunk came from, as the consumer needs it.
#[derive(Debug, Clone, Copy)]
pub struct ChunkMeta {
    /// Position in the input.
    pub seq: u64,
    /// Index of the source.
    pub source: usize,
    /// Length in bytes.
    pub len: usize,
}

impl ChunkMeta {
    /// Items (rows, spans) to expect from `total` input bytes, extrapolated from the `items`
    /// this chunk gave, plus 5%: reducers size their tables once from the first chunk instead
    /// of growing them by copies.
    pub fn extrapolate(&self, items: usize, total: u64) -> usize {
        let per_byte = items as f64 / self.len.max(1) as f64;
        (total as f64 * per_byte * 1.05) as usize
    }
}

/// Limits how far the reader may run ahead of the consumer.
struct Gate {
    state: Mutex<(u64, bool)>,
    cond: Condvar,
    size: u64,
}

impl Gate {
    fn wait_for(&self, seq: u64) -> bool {
        let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        while !st.1 && seq >= st.0 + self.size {
            st = self.cond.wait(st).unwrap_or_else(|p| p.into_inner());
        }
        !st.1
    }
    fn advance(&self, next: u64) {
        let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        st.0 = next;
        self.cond.notify_all();
    }
    fn stop(&self) {
        let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        st.1 = true;
        self.cond.notify_all();
    }
}

enum Item<T> {
    Done(ChunkMeta, T),
    ReadError(ObsError),
}

/// How many chunks may be in flight per worker thread.
///
/// Streaming sinks want many (the consumer writing output then overlaps the workers instead of
/// stalling them); reducers want few, since each streamed chunk is an owned buffer.
#[derive(Debug, Clone, Copy)]
pub enum Window {
    /// For commands that write records as they go (grep).
    Streaming,
    /// For commands that fold records into a small state (aggregate).
    Reducing,
}

impl Window {
    fn chunks(self, threads: usize) -> u64 {
        let t = threads as u64;
        match self {
            Window::Streaming => t * 8 + 4,
            Window::Reducing => t * 2 + 2,
        }
    }
}

/// Reads all chunks of `reader`, runs `work` on each in parallel on `threads` threads, and calls
/// `consume` with the results in input order. A read error is delivered in order too: after the
/// results of every chunk read before it. The consumer's error type is the caller's own: the
/// pipeline adds only its read errors and its own failures to it.
pub fn run_ordered<T, W, C, E>(
    reader: ChunkReader,
    threads: usize,
    window: Window,
    work: W,
    mut consume: C,
) -> Result<(), E>
where
    T: Send,
    W: Fn(Chunk) -> T + Sync,
    C: FnMut(ChunkMeta, T) -> Result<Flow, E> + Send,
    E: From<ObsError> + Send,
{
    let threads = threads.max(1);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("obs-worker-{i}"))
        .build()
        .map_err(|e| ObsError::Internal(format!("starting worker threads: {e}")))?;
    let window = Arc::new(Gate {
        state: Mutex::new((0, false)),
        cond: Condvar::new(),
        size: window.chunks(threads),
    });
    let (tx, rx) = crossbeam_channel::unbounded::<(u64, Item<T>)>();
    // The map of the source being read, held until every chunk is done (see `unmap_later`).
    let mut held: Option<Arc<memmap2::Mmap>> = None;

    let result = std::thread::scope(|scope| {
        let win = Arc::clone(&window);
        let consumer = scope.spawn(move || -> Result<(), E> {
            let mut pending: BTreeMap<u64, Item<T>> = BTreeMap::new();
            let mut next = 0u64;
            let result = (|| {
                for (seq, item) in rx.iter() {
                    pending.insert(seq, item);
                    while let Some(item) = pending.remove(&next) {
                        next += 1;
                        match item {
                            Item::Done(meta, out) => {
                                if consume(meta, out)? == Flow::Stop {
                                    return Ok(());
                                }
                            }
                            Item::ReadError(e) => return Err(E::from(e)),
                        }
                        win.advance(next);
                    }
                }
                Ok(())
            })();
            win.stop();
            result
        });

        let work = &work;
        pool.in_place_scope(|s| {
            // Sequence number the next chunk will get; a read error takes it, so it is consumed
            // after every chunk read before it.
            let mut next_seq = 0u64;
            for chunk in reader {
                let chunk = match chunk {
                    Ok(chunk) => chunk,
                    Err(e) => {
                        let _ = tx.send((next_seq, Item::ReadError(e)));
                        break;
                    }
                };
                next_seq = chunk.seq + 1;
                if let ChunkData::Mapped(map, _) = &chunk.data {
                    if !held.as_ref().is_some_and(|h| Arc::ptr_eq(h, map)) {
                        held = Some(Arc::clone(map));
                    }
                }
                if !window.wait_for(chunk.seq) {
                    break;
                }
                let tx = tx.clone();
                s.spawn(move |_| {
                    let meta = ChunkMeta {
                        seq: chunk.seq,
                        source: chunk.source,
                        len: chunk.bytes().len(),
                    };
                    let out = work(chunk);
                    // The consumer may have stopped; its results are then unwanted.
                    let _ = tx.send((meta.seq, Item::Done(meta, out)));
                });
            }
        });
        drop(tx);
        consumer.join().unwrap_or_else(|_| {
            Err(E::from(ObsError::Internal(
                "consumer thread panicked".into(),
            )))
        })
    });
    unmap_later(held);
    result
}

/// Unmaps `map` on a thread of its own, if this is its last holder. Unmapping a large file
/// costs a page table entry per 4 KiB page: 20 ms for the 300 MB of spans
/// `scripts/compare-trace.sh` makes. Dropped by the worker that
/// finished the last chunk, it held up the end of the pass (the pool waits for its jobs), with
/// the other core idle; this way the work after the pass goes on meanwhile.
fn unmap_later(map: Option<Arc<memmap2::Mmap>>) {
    let Some(map) = map else { return };
    if Arc::strong_count(&map) > 1 {
        return;
    }
    // Should no thread start, the map is dropped here, as it would have been anyway.
    let _ = std::thread::Builder::new()
        .name("obs-unmap".into())
        .spawn(move || drop(map));
}
