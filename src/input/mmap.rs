//! Memory-mapping of regular files: the only `unsafe` in obs.

use std::fs::File;

use memmap2::{Advice, Mmap};

/// Maps `file` read-only and tells the kernel we read it front to back.
#[allow(unsafe_code)]
pub(super) fn map(file: &File) -> std::io::Result<Mmap> {
    // SAFETY: the map is only ever read, through `&[u8]`. Another process truncating or rewriting
    // the file while obs reads it could change or remove the mapped bytes; like ripgrep and jaq we
    // accept that for log dumps at rest, and `--no-mmap` reads the file with plain reads instead.
    let map = unsafe { Mmap::map(file)? };
    // Advice is only a hint; a kernel that refuses it reads the file just the same.
    let _ = map.advise(Advice::Sequential);
    Ok(map)
}
