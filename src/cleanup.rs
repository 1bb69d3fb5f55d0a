//! Temporary files this process must not leave behind: output temporaries not yet renamed into
//! place, and the spool of standard input. They are removed when the process exits, normally
//! ([`remove_all`] at the end of `main`: some commands leave their values to the process exit,
//! so no destructor runs), by SIGINT/SIGTERM (the handler `main` installs), or by SIGBUS (a
//! mapped input that shrank, see `input/mmap.rs`), whose handler reads [`SIGNAL_SAFE`].

use std::ffi::{c_char, CString};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicPtr, Ordering};
use std::sync::{Mutex, MutexGuard};

/// How many pending paths a fatal signal's handler can remove (a run has a few outputs).
const SIGNAL_SLOTS: usize = 64;

/// The pending paths again, as C strings in atomics, for a SIGBUS handler, which may take no
/// lock and allocate nothing: it unlinks what it finds here. A forgotten path's slot is emptied
/// and its string leaked (a few bytes per output).
pub static SIGNAL_SAFE: [AtomicPtr<c_char>; SIGNAL_SLOTS] =
    [const { AtomicPtr::new(std::ptr::null_mut()) }; SIGNAL_SLOTS];

/// The pending paths, each with its slot in [`SIGNAL_SAFE`] (if one was free).
static PENDING: Mutex<Vec<(PathBuf, Option<usize>)>> = Mutex::new(Vec::new());

fn pending() -> MutexGuard<'static, Vec<(PathBuf, Option<usize>)>> {
    PENDING.lock().unwrap_or_else(|p| p.into_inner())
}

/// Puts `path` in a free slot of [`SIGNAL_SAFE`].
fn mirror(path: &Path) -> Option<usize> {
    use std::os::unix::ffi::OsStrExt;
    let raw = CString::new(path.as_os_str().as_bytes()).ok()?.into_raw();
    SIGNAL_SAFE.iter().position(|slot| {
        slot.compare_exchange(
            std::ptr::null_mut(),
            raw,
            Ordering::AcqRel,
            Ordering::Acquire,
        )
        .is_ok()
    })
}

/// Removes `path` at exit unless [`forget`] is called first.
pub fn remove_at_exit(path: PathBuf) {
    let slot = mirror(&path);
    pending().push((path, slot));
}

/// `path` was renamed into place or removed already: leave it alone at exit.
pub fn forget(path: &Path) {
    pending().retain(|(p, slot)| {
        if p != path {
            return true;
        }
        if let Some(i) = slot {
            SIGNAL_SAFE[*i].store(std::ptr::null_mut(), Ordering::Release);
        }
        false
    });
}

/// True while `path` is to be removed at exit.
pub fn is_pending(path: &Path) -> bool {
    pending().iter().any(|(p, _)| p == path)
}

/// Removes every file still pending; the process is about to exit.
pub fn remove_all() {
    for (path, slot) in pending().drain(..) {
        if let Some(i) = slot {
            SIGNAL_SAFE[i].store(std::ptr::null_mut(), Ordering::Release);
        }
        let _ = std::fs::remove_file(path);
    }
}
