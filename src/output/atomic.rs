//! Files that appear complete or not at all: written under a hidden temporary name in the target
//! directory and renamed over the target on commit. Dropped uncommitted, or at SIGINT/SIGTERM,
//! the temporary is removed.
//!
//! The rename protects readers and a run that fails midway; there is no fsync, as with `sort -o`
//! or DuckDB's COPY: durability across a power cut is the file system's business, and syncing a
//! gigabyte of output would cost a third of a second for every run (`scripts/compare-grep.sh`
//! writes such outputs).
//!
//! Only regular files (or new paths) are replaced that way: a target that exists and is anything
//! else — `/dev/null`, a FIFO, `/dev/stdout` — is written in place, since renaming over it would
//! replace the device or pipe with a plain file.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};

use crate::cleanup;
use crate::error::ObsError;

/// A file being written atomically.
pub struct AtomicFile {
    target: PathBuf,
    /// The temporary name; `None` when writing a special file in place.
    tmp: Option<PathBuf>,
    file: Option<File>,
}

impl AtomicFile {
    /// Starts writing `target`, through a temporary `.<name>.<random>.obs-tmp` beside it.
    ///
    /// The temporary is created exclusively (`O_EXCL`: a planted symlink or file of that
    /// name is never followed or reused) under a name no other run or output shares, and it
    /// gets the mode of the file it replaces (or the usual mode for a new file under the
    /// umask), so a private 0600 file stays private.
    pub fn create(target: PathBuf) -> Result<AtomicFile, ObsError> {
        let existing = std::fs::metadata(&target).ok();
        if existing.as_ref().is_some_and(|m| !m.is_file()) {
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
        let dir = match target.parent() {
            Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
            _ => PathBuf::from("."),
        };
        let prefix = format!(".{name}.");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".obs-tmp");
        #[cfg(unix)]
        let mode = {
            use std::os::unix::fs::PermissionsExt;
            let mode = existing.as_ref().map(|m| m.permissions().mode() & 0o7777);
            builder.permissions(std::fs::Permissions::from_mode(mode.unwrap_or(0o666)));
            mode
        };
        let (file, tmp) = builder
            .tempfile_in(&dir)
            .map_err(|e| ObsError::io(&target, e))?
            .keep()
            .map_err(|e| ObsError::io(&target, e.error))?;
        cleanup::remove_at_exit(tmp.clone());
        #[cfg(unix)]
        if let Some(mode) = mode {
            // The umask applied at creation may have narrowed the replaced file's mode.
            use std::os::unix::fs::PermissionsExt;
            let _ = file.set_permissions(std::fs::Permissions::from_mode(mode));
        }
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
        let renamed =
            std::fs::rename(&tmp, &self.target).map_err(|e| ObsError::io(&self.target, e));
        if renamed.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        cleanup::forget(&tmp);
        renamed
    }
}

impl AtomicFile {
    /// `e` with the target's name in its message (same kind): a full disk must say which
    /// output it stopped ("out.ndjson: No space left on device"), not only the OS's words.
    fn named(&self, e: std::io::Error) -> std::io::Error {
        std::io::Error::new(e.kind(), format!("{}: {e}", self.target.display()))
    }
}

impl Write for AtomicFile {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let written = match self.file.as_mut() {
            Some(f) => f.write(buf),
            None => Err(std::io::Error::other("file already committed")),
        };
        written.map_err(|e| self.named(e))
    }
    fn flush(&mut self) -> std::io::Result<()> {
        let flushed = match self.file.as_mut() {
            Some(f) => f.flush(),
            None => Ok(()),
        };
        flushed.map_err(|e| self.named(e))
    }
}

impl Drop for AtomicFile {
    fn drop(&mut self) {
        if let (Some(_), Some(tmp)) = (self.file.take(), self.tmp.take()) {
            let _ = std::fs::remove_file(&tmp);
            cleanup::forget(&tmp);
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

    #[cfg(unix)]
    #[test]
    fn temporaries_are_exclusive_unique_and_keep_the_mode() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tmp");
        let target = dir.path().join("rejects.ndjson");
        std::fs::write(&target, "old\n").expect("write");
        std::fs::set_permissions(&target, std::fs::Permissions::from_mode(0o600)).expect("chmod");
        // A planted symlink where the old fixed temporary name was must not be followed.
        let victim = dir.path().join("victim");
        std::fs::write(&victim, "precious").expect("write");
        std::os::unix::fs::symlink(&victim, dir.path().join(".rejects.ndjson.obs-tmp"))
            .expect("symlink");
        let mut a = AtomicFile::create(target.clone()).expect("a");
        let mut b = AtomicFile::create(target.clone()).expect("b");
        assert_ne!(a.tmp, b.tmp, "two writers of one name share no temporary");
        a.write_all(b"a\n").expect("write");
        b.write_all(b"b\n").expect("write");
        a.commit().expect("commit");
        assert_eq!(std::fs::read_to_string(&victim).expect("read"), "precious");
        assert_eq!(std::fs::read_to_string(&target).expect("read"), "a\n");
        let mode = std::fs::metadata(&target)
            .expect("meta")
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600);
        let tmp_b = b.tmp.clone().expect("tmp");
        assert!(tmp_b.exists());
        // (Removing them all is left to the CLI test that signals a run: other tests of this
        // process have theirs pending too.)
        assert!(cleanup::is_pending(&tmp_b), "the clean-up at exit knows it");
        drop(b);
        assert!(!tmp_b.exists() && !cleanup::is_pending(&tmp_b));
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
