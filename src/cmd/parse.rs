//! `obs parse`: lines of a text format (access logs, logfmt, a regex of your own) into records,
//! written as NDJSON or any record format. It is `obs grep` keeping every line that parses.

use anyhow::bail;
use clap::Args;

use super::grep::{self, GrepArgs};
use crate::cli::RecordArgs;
use crate::error::ExitStatus;

const HELP: &str = "\
Formats (--parse):
  combined   Apache/nginx combined log: clientip ident auth [timestamp] \"verb request
             HTTP/httpversion\" response bytes \"referrer\" \"agent\"; response and bytes are
             numbers, a request that is not METHOD TARGET [HTTP/v] is kept as rawrequest, nginx
             additions after the agent become fields (key=value, request_time,
             upstream_response_time, extra)
  common     the same without referrer and agent
  syslog     RFC 5424 or RFC 3164 per line, <PRI> optional: timestamp, hostname, appname,
             procid, msgid, message; priority, facility, severity (numbers) and level from the
             PRI; structured data as {ID: {NAME: VALUE}}; NILVALUE (-) fields absent
  logfmt     key=value pairs; \"quoted values\" have their escapes read; a bare key is true
  raw        {\"message\": LINE}, for the expression language on any text
  json       NDJSON (what every command reads when not told otherwise)
  auto       each file's format from its first lines (json, combined, common, syslog, logfmt,
             else raw), said on stderr; standard input is read as json
--regex takes a regex of your own instead: its named groups become string fields. --dissect
takes Logstash's dissect: %{a} %{+a} [%{b}] %{c->} %{rest} splits on the text between keys.

Every record also gets @timestamp, its time in RFC 3339 UTC, when it has a time obs reads
(offset-less times in --tz; --time-format FORMAT first). A line that does not parse is rejected
with its reason (--on-error, --rejects keep it byte for byte), or kept as {\"message\": LINE,
\"tags\": [\"_grokparsefailure\"]} with --keep-unmatched.

Every record command takes --parse and --regex too, to query logs in one pass:
  obs aggregate access.log --parse combined --by response --agg 'count, p95(bytes)'

Examples:
  obs parse access.log --parse combined > access.ndjson
  obs parse access.log.gz --parse combined --where 'response>=500' -f table \\
      --fields @timestamp,clientip,request,response
  obs parse app.log --parse logfmt --keep-unmatched -o app.ndjson
  obs parse x.log --regex '^(?P<ts>\\S+) (?P<level>[A-Z]+) (?P<message>.*)$'
  obs parse app.log --dissect '%{ts} %{+ts} %{level->} [%{service}] %{message}'
  obs parse access.log --parse combined -f es-bulk --index 'web-%{+yyyy.MM.dd}' --out-dir bulk/

Exit status: 0 records written, 1 none, 2 error.";

/// Arguments of `obs parse`.
#[derive(Debug, Args)]
#[command(after_long_help = HELP)]
pub struct ParseArgs {
    /// Files, directories, globs or `-` (stdin when none).
    #[arg(value_name = "PATH")]
    pub paths: Vec<String>,

    /// Only the records where this expression holds (obs grep's language).
    #[arg(long = "where", value_name = "EXPR", help_heading = "Matching")]
    pub where_expr: Option<String>,

    /// Stop after N records (the first N in input order).
    #[arg(short = 'm', long, value_name = "N", help_heading = "Matching")]
    pub max_count: Option<u64>,

    /// How records are read and written.
    #[command(flatten)]
    pub io: RecordArgs,
}

/// Runs `obs parse`.
pub fn run(a: ParseArgs) -> anyhow::Result<ExitStatus> {
    let p = &a.io.read.parsing;
    if p.parse.is_none() && p.regex.is_none() && p.dissect.is_none() {
        bail!("obs parse needs the lines' format: --parse FORMAT (combined, common, syslog, logfmt, raw, json) or --regex REGEX or --dissect PATTERN");
    }
    let paths = a.paths;
    let where_expr = a.where_expr;
    let args = GrepArgs {
        args: paths.clone(),
        regexp: Vec::new(),
        where_expr: where_expr.clone(),
        invert_match: false,
        ignore_case: false,
        line_number: false,
        after_context: 0,
        before_context: 0,
        context: None,
        with_filename: false,
        count: false,
        total: false,
        files_with_matches: false,
        silent: false,
        max_count: a.max_count,
        io: a.io,
    };
    grep::records(&args, where_expr, paths)
}
