//! Elasticsearch `_bulk` bodies: for each record an action line (`{"index":{"_index":…,"_id":…}}`)
//! and the record itself as the source line; every body ends with a newline, as `_bulk` requires.
//! Written to stdout, or with `--out-dir` into `bulk-00001.ndjson`, … each under `--max-bytes` and
//! `--max-docs`, so each file is one request Elasticsearch accepts.

pub mod files;
pub mod grid;
pub mod index;
pub mod mapping;

use serde_json::{Map, Value};
use std::path::PathBuf;

use super::{Render, Rendered};
use crate::decode::value::value_text;
use crate::record::time::TimeSpec;
use crate::record::{FieldPath, Record, Reject};
use index::IndexTemplate;
use mapping::FieldStats;

/// Elasticsearch's default `http.max_content_length` (100mb): no request may reach it.
pub const ES_REQUEST_CAP: u64 = 100 * 1024 * 1024;
/// `_id` values longer than this are refused by Elasticsearch.
const MAX_ID_BYTES: usize = 512;

/// `--action`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Action {
    /// Create or replace the document.
    Index,
    /// Create only; an existing `_id` is a per-item 409 conflict.
    Create,
}

/// How the `_id` is made.
#[derive(Debug, Clone)]
pub enum IdSpec {
    /// No `_id`: Elasticsearch assigns one (a second import duplicates).
    Auto,
    /// The fields' values joined with `-`.
    Fields(Vec<FieldPath>),
    /// A stable 128-bit xxh3 hash (hex) of the fields' values, or of the whole line.
    Hash(Vec<FieldPath>),
}

/// Everything the bulk renderer needs.
#[derive(Debug, Clone)]
pub struct BulkOptions {
    /// `--index`.
    pub index: IndexTemplate,
    /// `--action`.
    pub action: Action,
    /// `--id-field` / `--id-hash`.
    pub id: IdSpec,
    /// `--max-bytes` (only enforced per document without `--out-dir`).
    pub max_bytes: u64,
    /// `--max-docs`.
    pub max_docs: u64,
    /// `--out-dir`.
    pub out_dir: Option<PathBuf>,
    /// `--template`.
    pub template: Option<PathBuf>,
}

/// Renders records as action + source line pairs.
pub struct BulkRender {
    opts: BulkOptions,
    time: TimeSpec,
    fields: Vec<FieldPath>,
}

impl BulkRender {
    /// `fields`, when given, project the source document.
    pub fn new(opts: BulkOptions, time: TimeSpec, fields: Vec<FieldPath>) -> Self {
        BulkRender { opts, time, fields }
    }

    fn id(&self, rec: &Record) -> Result<Option<String>, String> {
        // A literal id must have a value; a hashed one may hash a present `null` (the null group
        // of an aggregation has one).
        let values = |fields: &[FieldPath], allow_null: bool| -> Result<Vec<String>, String> {
            fields
                .iter()
                .map(|f| match rec.get(f) {
                    Some(v) if allow_null || !v.is_null() => Ok(value_text(v).into_owned()),
                    _ => Err(format!("_id: field '{f}' is missing")),
                })
                .collect()
        };
        let id = match &self.opts.id {
            IdSpec::Auto => return Ok(None),
            IdSpec::Fields(f) => values(f, false)?.join("-"),
            IdSpec::Hash(f) if f.is_empty() => hex(xxhash_rust::xxh3::xxh3_128(rec.json)),
            // The unit separator cannot occur in the values' text, so ("a","bc") and ("ab","c")
            // hash differently.
            IdSpec::Hash(f) => hex(xxhash_rust::xxh3::xxh3_128(
                values(f, true)?.join("\u{1f}").as_bytes(),
            )),
        };
        if id.is_empty() {
            return Err("_id is empty (Elasticsearch refuses an empty _id)".to_string());
        }
        if id.len() > MAX_ID_BYTES {
            return Err(format!(
                "_id is {} bytes; Elasticsearch allows {MAX_ID_BYTES}",
                id.len()
            ));
        }
        Ok(Some(id))
    }
}

/// A record serde_json cannot write (a number it cannot represent, ...).
fn unwritable(e: serde_json::Error) -> Reject {
    Reject::Unwritable(e.to_string())
}

fn hex(h: u128) -> String {
    format!("{h:032x}")
}

impl Render for BulkRender {
    fn render(&self, rec: &Record, out: &mut Rendered) -> Result<(), Reject> {
        let index = self
            .opts
            .index
            .render(rec, &self.time)
            .map_err(Reject::Unwritable)?;
        let id = self.id(rec).map_err(Reject::Unwritable)?;
        let mut meta = Map::new();
        meta.insert("_index".into(), Value::String(index));
        if let Some(id) = id {
            meta.insert("_id".into(), Value::String(id));
        }
        let op = match self.opts.action {
            Action::Index => "index",
            Action::Create => "create",
        };
        let start = out.buf.len();
        let mut action = Map::new();
        action.insert(op.into(), Value::Object(meta));
        serde_json::to_writer(&mut out.buf, &action).map_err(unwritable)?;
        out.buf.push(b'\n');
        if self.fields.is_empty() {
            out.buf.extend_from_slice(rec.json);
        } else {
            let doc = super::ndjson::project(rec, &self.fields);
            serde_json::to_writer(&mut out.buf, &doc).map_err(unwritable)?;
        }
        out.buf.push(b'\n');
        let size = (out.buf.len() - start) as u64;
        if size > self.opts.max_bytes {
            out.buf.truncate(start);
            return Err(Reject::Unwritable(format!(
                "bulk entry of {size} bytes is larger than --max-bytes {}",
                self.opts.max_bytes
            )));
        }
        if self.opts.template.is_some() {
            let obj = rec.full().map_err(|e| Reject::Decode(e.clone()))?;
            let tf = self
                .time
                .fields
                .iter()
                .find(|f| f.resolve_in(obj).is_some())
                .map(|f| f.as_str().to_string());
            let stats = out.mapping.get_or_insert_with(FieldStats::default);
            match self.fields.is_empty() {
                true => stats.observe(obj, tf.as_deref()),
                false => stats.observe(&super::ndjson::project(rec, &self.fields), tf.as_deref()),
            }
        }
        out.mark(rec, None);
        Ok(())
    }

    fn needs(&self) -> Vec<String> {
        let mut keys: Vec<String> = self
            .opts
            .index
            .fields()
            .iter()
            .flat_map(|f| f.top_level_keys().iter().cloned())
            .collect();
        if let IdSpec::Fields(f) | IdSpec::Hash(f) = &self.opts.id {
            keys.extend(f.iter().flat_map(|f| f.top_level_keys().iter().cloned()));
        }
        if self.opts.index.uses_time() {
            keys.extend(
                self.time
                    .fields
                    .iter()
                    .flat_map(|f| f.top_level_keys().iter().cloned()),
            );
        }
        keys.extend(
            self.fields
                .iter()
                .flat_map(|f| f.top_level_keys().iter().cloned()),
        );
        keys
    }
}
