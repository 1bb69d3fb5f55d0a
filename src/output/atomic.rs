//! Files that appear complete or not at all: written under a hidden temporary name in the target
//! directory and renamed over the target on commit. Dropped uncommitted, the temporary is removed.
//!
//! The rename protects readers and a run that fails midway; there is no fsync, as with `sort -o`
//! or DuckDB's COPY: durability across a power cut is the file system's business, and syncing a
//! gigabyte of output would cost a third of a second for every run.
//!
//! Only regular files (or new paths) are replaced that way: a target that exists and is anything
//! else — `/dev/null`, a FIFO, `/dev/stdout` — is written in place, since renaming over it would
//! replace the device or pipe with a plain file.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::error::ObsError;

/// A file being written atomically.
pub struct AtomicFile {
    target: PathBuf,
    /// The temporary name; `None` when writing a special file in place.
    tmp: Option<PathBuf>,
    file: Option<File>,
}

impl AtomicFile {
    /// Starts writing `target` (through `.<name>.obs-tmp` beside it).
    pub fn create(target: PathBuf) -> Result<AtomicFile, ObsError> {
        if std::fs::metadata(&target).is_ok_and(|m| !m.is_file()) {
            let file = std::fs::OpenOptions::new()
                .write(true)
                .open(&target)
                .map_err(|e| ObsError::io(&target, e))?;
            return Ok(AtomicFile {
                target,
                tmp: None,
                file: Some(file),
            });
        }
        let name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .ok_or_else(|| ObsError::Usage(format!("not a file name: {}", target.display())))?;
        let tmp = target.with_file_name(format!(".{name}.obs-tmp"));
        let file = File::create(&tmp).map_err(|e| ObsError::io(&tmp, e))?;
        Ok(AtomicFile {
            target,
            tmp: Some(tmp),
            file: Some(file),
        })
    }

    /// The final path.
    pub fn path(&self) -> &Path {
        &self.target
    }

    /// Closes the file and renames it into place.
    pub fn commit(mut self) -> Result<(), ObsError> {
        drop(self.file.take());
        let Some(tmp) = self.tmp.take() else {
            return Ok(());
        };
        std::fs::rename(&tmp, &self.target).map_err(|e| ObsError::io(&self.target, e))
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
        if let (Some(_), Some(tmp)) = (self.file.take(), self.tmp.take()) {
            let _ = std::fs::remove_file(tmp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renames_into_place_only_on_commit() {
        let dir = tempfile::tempdir().expect("tmp");
        let target = dir.path().join("out.ndjson");
        let mut f = AtomicFile::create(target.clone()).expect("create");
        f.write_all(b"x").expect("write");
        assert!(!target.exists());
        f.commit().expect("commit");
        assert_eq!(std::fs::read(&target).expect("read"), b"x");
        let f = AtomicFile::create(dir.path().join("dropped")).expect("create");
        drop(f);
        assert_eq!(std::fs::read_dir(dir.path()).expect("dir").count(), 1);
    }

    #[test]
    fn special_files_are_written_in_place() {
        let mut f = AtomicFile::create(PathBuf::from("/dev/null")).expect("open");
        f.write_all(b"discarded").expect("write");
        f.commit().expect("commit");
        let meta = std::fs::metadata("/dev/null").expect("meta");
        assert!(!meta.is_file(), "/dev/null must stay a device");
    }
}
