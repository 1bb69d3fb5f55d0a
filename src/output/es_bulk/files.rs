//! `--out-dir`: `_bulk` bodies split into `bulk-00001.ndjson`, … at record boundaries, each at
//! most `--max-bytes` and `--max-docs`, each written atomically; and the `--template` file.

use std::io::Write;
use std::path::PathBuf;

use super::mapping::FieldStats;
use super::BulkOptions;
use crate::error::{ObsError, ObsResult};
use crate::output::atomic::AtomicFile;
use crate::output::{ByteSink, Destination, Rendered, Sink};

/// The sink `--format es-bulk` writes to, for every command: files of at most `--max-bytes`
/// and `--max-docs` in `--out-dir`, or else one stream to `out` (stdout when `None`); with
/// `--template`, the index template beside them.
pub fn sink(opts: &BulkOptions, out: Option<&PathBuf>) -> ObsResult<Box<dyn Sink>> {
    let template = opts.template.clone().map(|p| (p, opts.index.pattern()));
    Ok(match &opts.out_dir {
        Some(dir) => Box::new(BulkDirSink::new(
            dir.clone(),
            opts.max_bytes,
            opts.max_docs,
            template,
        )?),
        None => Box::new(BulkStreamSink::new(
            ByteSink::new(Destination::open(out)?),
            template,
        )),
    })
}

/// Writes bulk files into a directory.
pub struct BulkDirSink {
    dir: PathBuf,
    max_bytes: u64,
    max_docs: u64,
    current: Option<(std::io::BufWriter<AtomicFile>, u64, u64)>,
    files: u64,
    stats: Option<(FieldStats, PathBuf, String)>,
}

impl BulkDirSink {
    /// Prepares `dir`, refusing one that already holds bulk files (mixing two runs' files would
    /// import stale documents).
    pub fn new(
        dir: PathBuf,
        max_bytes: u64,
        max_docs: u64,
        template: Option<(PathBuf, String)>,
    ) -> Result<BulkDirSink, ObsError> {
        std::fs::create_dir_all(&dir).map_err(|e| ObsError::io(&dir, e))?;
        let existing = std::fs::read_dir(&dir)
            .map_err(|e| ObsError::io(&dir, e))?
            .filter_map(Result::ok)
            .any(|e| {
                let n = e.file_name().to_string_lossy().into_owned();
                n.starts_with("bulk-") && n.ends_with(".ndjson")
            });
        if existing {
            return Err(ObsError::Usage(format!(
                "{} already holds bulk-*.ndjson files; remove them or choose another --out-dir",
                dir.display()
            )));
        }
        Ok(BulkDirSink {
            dir,
            max_bytes,
            max_docs,
            current: None,
            files: 0,
            stats: template.map(|(p, pat)| (FieldStats::default(), p, pat)),
        })
    }

    fn rotate(&mut self) -> ObsResult<()> {
        if let Some((w, _, _)) = self.current.take() {
            w.into_inner().map_err(|e| e.into_error())?.commit()?;
        }
        self.files += 1;
        let path = self.dir.join(format!("bulk-{:05}.ndjson", self.files));
        self.current = Some((std::io::BufWriter::new(AtomicFile::create(path)?), 0, 0));
        Ok(())
    }
}

/// Writes a template to `path` (atomically).
pub fn write_template(path: PathBuf, stats: &FieldStats, pattern: &str) -> ObsResult<()> {
    let mut f = AtomicFile::create(path)?;
    serde_json::to_writer_pretty(&mut f, &stats.template(pattern))?;
    f.write_all(b"\n")?;
    f.commit()?;
    Ok(())
}

impl Sink for BulkDirSink {
    fn write(&mut self, r: &Rendered, take: usize) -> ObsResult<()> {
        let mut start = 0;
        for m in &r.marks[..take] {
            let entry = &r.buf[start..m.end];
            start = m.end;
            let len = entry.len() as u64;
            let full = match &self.current {
                None => true,
                Some((_, bytes, docs)) => bytes + len > self.max_bytes || *docs >= self.max_docs,
            };
            if full {
                self.rotate()?;
            }
            if let Some((w, bytes, docs)) = self.current.as_mut() {
                w.write_all(entry)?;
                *bytes += len;
                *docs += 1;
            }
        }
        if let (Some((stats, _, _)), Some(m)) = (self.stats.as_mut(), r.mapping.as_ref()) {
            stats.merge(m.clone());
        }
        Ok(())
    }

    fn finish(mut self: Box<Self>) -> ObsResult<()> {
        if let Some((w, _, _)) = self.current.take() {
            w.into_inner().map_err(|e| e.into_error())?.commit()?;
        }
        if let Some((stats, path, pattern)) = self.stats.take() {
            write_template(path, &stats, &pattern)?;
        }
        Ok(())
    }
}

/// `_bulk` to stdout or `-o`, with the template written at the end when asked for.
pub struct BulkStreamSink {
    inner: crate::output::ByteSink,
    stats: Option<(FieldStats, PathBuf, String)>,
}

impl BulkStreamSink {
    /// Wraps a byte sink.
    pub fn new(inner: crate::output::ByteSink, template: Option<(PathBuf, String)>) -> Self {
        BulkStreamSink {
            inner,
            stats: template.map(|(p, pat)| (FieldStats::default(), p, pat)),
        }
    }
}

impl Sink for BulkStreamSink {
    fn write(&mut self, r: &Rendered, take: usize) -> ObsResult<()> {
        if let (Some((stats, _, _)), Some(m)) = (self.stats.as_mut(), r.mapping.as_ref()) {
            stats.merge(m.clone());
        }
        self.inner.write(r, take)
    }

    fn finish(mut self: Box<Self>) -> ObsResult<()> {
        if let Some((stats, path, pattern)) = self.stats.take() {
            write_template(path, &stats, &pattern)?;
        }
        Box::new(self.inner).finish()
    }
    fn flush(&mut self) -> ObsResult<()> {
        self.inner.flush()
    }
}
