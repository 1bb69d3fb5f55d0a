//! Temporary files this process must not leave behind: output temporaries not yet renamed into
//! place, and the spool of standard input. They are removed when the process exits, normally
//! ([`remove_all`] at the end of `main`: some commands leave their values to the process exit,
//! so no destructor runs) or by SIGINT/SIGTERM (the handler `main` installs).

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

fn pending() -> MutexGuard<'static, Vec<PathBuf>> {
    PENDING.lock().unwrap_or_else(|p| p.into_inner())
}

/// Removes `path` at exit unless [`forget`] is called first.
pub fn remove_at_exit(path: PathBuf) {
    pending().push(path);
}

/// `path` was renamed into place or removed already: leave it alone at exit.
pub fn forget(path: &Path) {
    pending().retain(|p| p != path);
}

/// True while `path` is to be removed at exit.
pub fn is_pending(path: &Path) -> bool {
    pending().iter().any(|p| p == path)
}

/// Removes every file still pending; the process is about to exit.
pub fn remove_all() {
    for path in pending().drain(..) {
        let _ = std::fs::remove_file(path);
    }
}
