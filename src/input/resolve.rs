//! Expanding the command line's inputs: paths, globs, directories (recursively) and `-`.
//!
//! As ripgrep does: a file named on the command line is always read; inside a directory, hidden
//! entries (a name starting with `.`) and binary files (a NUL byte in their first 8 KiB, unless
//! they are gzip or zstd) are skipped, and `-g/--glob` chooses files. One bad entry (a missing
//! path, a dangling link, a loop, an unreadable directory) does not end the run: it is kept as a
//! problem for the command to report, and the rest is read.

use std::io::Read;
use std::path::{Path, PathBuf};

use super::{Compression, Source};
use crate::error::ObsError;

/// How many leading bytes decide whether a file in a directory is binary (ripgrep's window).
const BINARY_SNIFF: usize = 8 << 10;

/// `-g/--glob` patterns: a file inside a directory is read when it matches an include (or
/// there is none) and no exclude (`!pattern`). A pattern with a `/` is matched against the
/// path below the directory given, one without against the file name.
#[derive(Debug, Clone, Default)]
pub struct Globs {
    include: Vec<glob::Pattern>,
    exclude: Vec<glob::Pattern>,
}

impl Globs {
    /// Parses `-g` values.
    pub fn new(patterns: &[String]) -> Result<Globs, ObsError> {
        let mut g = Globs::default();
        for p in patterns {
            let (list, text) = match p.strip_prefix('!') {
                Some(rest) => (&mut g.exclude, rest),
                None => (&mut g.include, p.as_str()),
            };
            let pat = glob::Pattern::new(text)
                .map_err(|e| ObsError::Usage(format!("bad --glob '{p}': {e}")))?;
            list.push(pat);
        }
        Ok(g)
    }

    fn selects(&self, relative: &Path) -> bool {
        let name = relative.file_name().map(Path::new).unwrap_or(relative);
        let hit = |p: &glob::Pattern| {
            if p.as_str().contains('/') {
                p.matches_path(relative)
            } else {
                p.matches_path(name)
            }
        };
        (self.include.is_empty() || self.include.iter().any(hit)) && !self.exclude.iter().any(hit)
    }
}

/// What was passed over inside directories, for `--stats`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Skipped {
    /// Hidden files and directories (a directory counts once, not its files).
    pub hidden: u64,
    /// Files with a NUL byte in their first 8 KiB.
    pub binary: u64,
    /// Files `-g` did not choose.
    pub unselected: u64,
}

impl Skipped {
    /// `2 hidden, 1 binary` (only what is not zero), or `None` when nothing was skipped.
    pub fn describe(&self) -> Option<String> {
        let parts: Vec<String> = [
            (self.hidden, "hidden"),
            (self.binary, "binary"),
            (self.unselected, "not chosen by --glob"),
        ]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, what)| format!("{n} {what}"))
        .collect();
        (!parts.is_empty()).then(|| parts.join(", "))
    }
}

/// The inputs found, what was skipped, and the entries that could not be used.
#[derive(Debug, Default)]
pub struct Resolved {
    /// The sources, in order.
    pub sources: Vec<Source>,
    /// Passed over inside directories.
    pub skipped: Skipped,
    /// Paths that do not exist, globs that match nothing, entries that could not be walked.
    pub problems: Vec<ObsError>,
}

/// Resolves inputs in the order given. Globs (for shells that did not expand them) and
/// directories expand to their files sorted by path, so runs are reproducible. Standard input
/// named twice is read once.
pub fn resolve_inputs(args: &[String], globs: &Globs) -> Result<Resolved, ObsError> {
    let mut out = Resolved::default();
    for arg in args {
        if arg == "-" {
            // Standard input can be read once: a second `-` would be an empty input at best.
            if !out.sources.contains(&Source::Stdin) {
                out.sources.push(Source::Stdin);
            }
            continue;
        }
        let path = Path::new(arg);
        if path.exists() {
            push_path(path, globs, &mut out);
        } else if arg.contains(['*', '?', '[']) {
            let matches =
                glob::glob(arg).map_err(|e| ObsError::Usage(format!("bad glob '{arg}': {e}")))?;
            let mut found: Vec<PathBuf> = matches.filter_map(Result::ok).collect();
            if found.is_empty() {
                out.problems
                    .push(ObsError::Usage(format!("no file matches '{arg}'")));
            }
            found.sort();
            for p in found {
                push_path(&p, globs, &mut out);
            }
        } else {
            out.problems.push(ObsError::io(
                path,
                std::io::Error::new(std::io::ErrorKind::NotFound, "no such file or directory"),
            ));
        }
    }
    Ok(out)
}

fn push_path(path: &Path, globs: &Globs, out: &mut Resolved) {
    if !path.is_dir() {
        out.sources.push(Source::File(path.to_path_buf()));
        return;
    }
    let mut files = Vec::new();
    let mut hidden = 0;
    let walk = walkdir::WalkDir::new(path)
        .follow_links(true)
        .into_iter()
        .filter_entry(|e| {
            let is_hidden = e.depth() > 0 && e.file_name().to_string_lossy().starts_with('.');
            hidden += u64::from(is_hidden);
            !is_hidden
        });
    for entry in walk {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let at = e.path().unwrap_or(path).to_path_buf();
                let looped = e.loop_ancestor().map(Path::to_path_buf);
                let cause = match (looped, e.into_io_error()) {
                    (Some(a), _) => std::io::Error::other(format!(
                        "a link loop back to {}, not followed",
                        a.display()
                    )),
                    (None, Some(io)) => io,
                    (None, None) => std::io::Error::other("cannot be walked"),
                };
                out.problems.push(ObsError::io(at, cause));
                continue;
            }
        };
        if !entry.file_type().is_file() {
            continue;
        }
        let relative = entry.path().strip_prefix(path).unwrap_or(entry.path());
        if !globs.selects(relative) {
            out.skipped.unselected += 1;
        } else if is_binary(entry.path()) {
            out.skipped.binary += 1;
        } else {
            files.push(entry.into_path());
        }
    }
    out.skipped.hidden += hidden;
    files.sort();
    out.sources.extend(files.into_iter().map(Source::File));
}

/// A NUL byte in the first 8 KiB of a file that is not gzip or zstd (whose headers have them).
/// A file that cannot be opened is not binary: reading it will say why.
fn is_binary(path: &Path) -> bool {
    let mut head = Vec::with_capacity(BINARY_SNIFF);
    let read =
        std::fs::File::open(path).and_then(|f| f.take(BINARY_SNIFF as u64).read_to_end(&mut head));
    read.is_ok() && Compression::sniff(&head) == Compression::None && head.contains(&0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_choose_by_name_or_relative_path() {
        let g = Globs::new(&["*.ndjson".into(), "!old-*".into()]).expect("globs");
        assert!(g.selects(Path::new("a/b/pay.ndjson")));
        assert!(!g.selects(Path::new("a/old-pay.ndjson")));
        assert!(!g.selects(Path::new("a/pay.log")));
        let g = Globs::new(&["2024/**/*.gz".into()]).expect("globs");
        assert!(g.selects(Path::new("2024/05/01/x.gz")));
        assert!(!g.selects(Path::new("2023/05/x.gz")));
        assert!(Globs::default().selects(Path::new("anything")));
        assert!(Globs::new(&["[".into()]).is_err());
    }
}
