//! Expanding the command line's inputs: paths, globs, directories (recursively) and `-`.

use std::path::{Path, PathBuf};

use super::Source;
use crate::error::ObsError;

/// Resolves inputs in the order given. Globs (for shells that did not expand them) and
/// directories expand to their files sorted by path, so runs are reproducible. A path that does
/// not exist, or a glob that matches nothing, is an error before anything is read.
pub fn resolve_inputs(args: &[String]) -> Result<Vec<Source>, ObsError> {
    let mut out = Vec::new();
    for arg in args {
        if arg == "-" {
            // Standard input can be read once: a second `-` would be an empty input at best.
            if !out.contains(&Source::Stdin) {
                out.push(Source::Stdin);
            }
            continue;
        }
        let path = Path::new(arg);
        if path.exists() {
            push_path(path, &mut out)?;
        } else if arg.contains(['*', '?', '[']) {
            let matches =
                glob::glob(arg).map_err(|e| ObsError::Usage(format!("bad glob '{arg}': {e}")))?;
            let mut found: Vec<PathBuf> = matches.filter_map(Result::ok).collect();
            if found.is_empty() {
                return Err(ObsError::Usage(format!("no file matches '{arg}'")));
            }
            found.sort();
            for p in found {
                push_path(&p, &mut out)?;
            }
        } else {
            return Err(ObsError::io(
                path,
                std::io::Error::new(std::io::ErrorKind::NotFound, "no such file or directory"),
            ));
        }
    }
    Ok(out)
}

fn push_path(path: &Path, out: &mut Vec<Source>) -> Result<(), ObsError> {
    if !path.is_dir() {
        out.push(Source::File(path.to_path_buf()));
        return Ok(());
    }
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(path).follow_links(true) {
        let entry = entry.map_err(|e| {
            let p = e.path().unwrap_or(path).to_path_buf();
            ObsError::io(p, e.into())
        })?;
        if entry.file_type().is_file() {
            files.push(entry.into_path());
        }
    }
    files.sort();
    out.extend(files.into_iter().map(Source::File));
    Ok(())
}
