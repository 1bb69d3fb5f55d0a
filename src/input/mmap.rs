//! Memory-mapping of regular files, and the SIGBUS handler it needs: the only `unsafe` in obs.
//!
//! A mapped file that another process truncates (log rotation with `copytruncate`, a rewrite)
//! takes its pages away, and reading them raises SIGBUS, which would kill obs with no word.
//! The reader checks each chunk's file is still long enough before handing the chunk on, which
//! turns the usual case into a plain error; for a file cut between that check and the read,
//! the handler installed here says what happened, removes the run's temporary files and exits
//! with status 2.

use std::fs::File;
use std::sync::atomic::Ordering;

use memmap2::{Advice, Mmap};

/// Maps `file` read-only and tells the kernel we read it front to back.
#[allow(unsafe_code)]
pub(super) fn map(file: &File) -> std::io::Result<Mmap> {
    on_bus_error();
    // SAFETY: the map is only ever read, through `&[u8]`. Another process truncating or rewriting
    // the file while obs reads it could change or remove the mapped bytes: a shrink is caught by
    // the reader's size check or, in a race with it, by the SIGBUS handler below, which ends the
    // process; `--no-mmap` reads the file with plain reads instead.
    let map = unsafe { Mmap::map(file)? };
    // Advice is only a hint; a kernel that refuses it reads the file just the same.
    let _ = map.advise(Advice::Sequential);
    Ok(map)
}

/// What the SIGBUS handler writes (it may not format or allocate).
const BUS_MESSAGE: &[u8] = b"obs: an input file shrank while it was read (truncated or rotated?); \
nothing was committed. Read files that are still being written with --no-mmap, or copy them first.\n";

/// Installs the SIGBUS handler, once.
#[cfg(unix)]
#[allow(unsafe_code)]
fn on_bus_error() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // SAFETY: `sigaction` with a zeroed struct whose handler is a valid `extern "C"`
        // function; the handler below calls only async-signal-safe functions.
        unsafe {
            let mut action: libc::sigaction = std::mem::zeroed();
            action.sa_sigaction = bus_error as extern "C" fn(libc::c_int) as usize;
            libc::sigemptyset(&mut action.sa_mask);
            libc::sigaction(libc::SIGBUS, &action, std::ptr::null_mut());
        }
    });
}

#[cfg(not(unix))]
fn on_bus_error() {}

/// The SIGBUS handler: say why, unlink the pending temporaries, exit 2. Only `write`,
/// `unlink` and `_exit`, which are async-signal-safe, and atomic loads.
#[cfg(unix)]
#[allow(unsafe_code)]
extern "C" fn bus_error(_: libc::c_int) {
    // SAFETY: the message is a valid buffer; each pointer in SIGNAL_SAFE is null or a C string
    // leaked by `cleanup`, never freed; `_exit` does not return.
    unsafe {
        libc::write(2, BUS_MESSAGE.as_ptr().cast(), BUS_MESSAGE.len());
        for slot in &crate::cleanup::SIGNAL_SAFE {
            let path = slot.load(Ordering::Acquire);
            if !path.is_null() {
                libc::unlink(path);
            }
        }
        libc::_exit(2);
    }
}
