//! Files that appear complete or not at all: written under a hidden temporary name in the target
//! directory and renamed over the target on commit. Dropped uncommitted, the temporary is removed.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::ObsError;

/// A file being written atomically.
pub struct AtomicFile {
    target: PathBuf,
    tmp: PathBuf,
    file: Option<File>,
}

impl AtomicFile {
    /// Starts writing `target` (through `.<name>.obs-tmp` beside it).
    pub fn create(target: PathBuf) -> Result<AtomicFile, ObsError> {
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| ObsError::Usage(format!("not a file name: {}", target.display())))?;
        let tmp = target.with_file_name(format!(".{name}.obs-tmp"));
        let file = File::create(&tmp).map_err(|e| ObsError::io(&tmp, e))?;
        Ok(AtomicFile {
            target,
            tmp,
            file: Some(file),
        })
    }

    /// The final path.
    pub fn path(&self) -> &Path {
        &self.target
    }

    /// Flushes to disk and renames into place.
    pub fn commit(mut self) -> Result<(), ObsError> {
        if let Some(f) = self.file.take() {
            f.sync_all().map_err(|e| ObsError::io(&self.tmp, e))?;
        }
        std::fs::rename(&self.tmp, &self.target).map_err(|e| ObsError::io(&self.target, e))
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self.file.as_mut() {
            Some(f) => f.write(buf),
            None => Err(std::io::Error::other("file already committed")),
        }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        match self.file.as_mut() {
            Some(f) => f.flush(),
            None => Ok(()),
        }
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if self.file.take().is_some() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}
