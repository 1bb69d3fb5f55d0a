# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_obs_global_optspecs
    string join \n h/help V/version
end

function __fish_obs_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_obs_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_obs_using_subcommand
    set -l cmd (__fish_obs_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c obs -n "__fish_obs_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c obs -n "__fish_obs_needs_command" -s V -l version -d 'Print version'
complete -c obs -n "__fish_obs_needs_command" -f -a "grep" -d 'Select lines with an expression; print them, count them, or write `_bulk` files'
complete -c obs -n "__fish_obs_needs_command" -f -a "parse" -d 'Turn lines of access logs, logfmt or a regex of your own into records (NDJSON, CSV…)'
complete -c obs -n "__fish_obs_needs_command" -f -a "aggregate" -d 'Group records and compute counts, sums, percentiles and rates, per time bucket if asked'
complete -c obs -n "__fish_obs_needs_command" -f -a "fields" -d 'Profile every key path: types, % present, distinct values, top values, min and max'
complete -c obs -n "__fish_obs_needs_command" -f -a "trace" -d 'Rebuild traces from span dumps: list, show, stats, deps, export, check'
complete -c obs -n "__fish_obs_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c obs -n "__fish_obs_using_subcommand grep" -s e -l regexp -d 'Regex on the raw line (Rust syntax); repeatable (any may match); ANDed with the expression. Alone (no expression, output the lines or -c) it searches any text, JSON or not' -r
complete -c obs -n "__fish_obs_using_subcommand grep" -l where -d 'The expression, given as an option (so all positionals are paths)' -r
complete -c obs -n "__fish_obs_using_subcommand grep" -s A -l after-context -d 'Also print N lines after each kept line (raw lines, from the same file)' -r
complete -c obs -n "__fish_obs_using_subcommand grep" -s B -l before-context -d 'Also print N lines before each kept line (raw lines, from the same file)' -r
complete -c obs -n "__fish_obs_using_subcommand grep" -s C -l context -d 'Also print N lines before and after each kept line (-A N -B N)' -r
complete -c obs -n "__fish_obs_using_subcommand grep" -s m -l max-count -d 'Stop after N matching lines (the first N in input order)' -r
complete -c obs -n "__fish_obs_using_subcommand grep" -s j -l threads -d 'Worker threads [default: number of CPUs; at most 8 per CPU, or 64]; output is identical for any value' -r
complete -c obs -n "__fish_obs_using_subcommand grep" -s g -l glob -d 'Inside directories, read only files matching GLOB (`*.ndjson`, `2024/**/*.gz`), or not matching `!GLOB`; repeatable. Hidden and binary files in directories are skipped' -r
complete -c obs -n "__fish_obs_using_subcommand grep" -l max-line-bytes -d 'Reject lines longer than this (e.g. 64MiB), undecoded and with a reason: a file with no newline (10 GB of zeros) cannot grow memory without bound' -r
complete -c obs -n "__fish_obs_using_subcommand grep" -l chunk-size -d 'Chunk size in bytes (testing and tuning; output does not depend on it)' -r
complete -c obs -n "__fish_obs_using_subcommand grep" -l parse -d 'Read lines as FORMAT instead of NDJSON: raw ({"message": LINE}), logfmt, combined or common (Apache/nginx access logs), syslog (RFC 5424/3164), json, or auto (each file\'s own, from its first lines). Each record gets @timestamp (RFC 3339, UTC) from the time it carries' -r -f -a "auto\t'Each file\'s format from its first lines (json, combined, common, syslog, logfmt, else raw), said on stderr'
json\t'NDJSON, one object per line (the default)'
raw\t'Each line as `{"message": LINE}`, for the expression language on any text'
logfmt\t'`key=value key2="quoted \\"value\\"" bare`: values are strings, a bare key is `true`'
combined\t'Apache/nginx combined log: common, then "referrer" "agent" (nginx extras kept)'
common\t'Apache/nginx common log: host ident user [time] "request" status bytes'
syslog\t'Syslog, RFC 5424 or RFC 3164 per line (PRI optional): hostname, appname, procid…'"
complete -c obs -n "__fish_obs_using_subcommand grep" -l regex -d 'Read lines with this regex (Rust syntax): its named groups, as (?P<level>\\w+), become fields; a group named timestamp, time or ts gives @timestamp' -r
complete -c obs -n "__fish_obs_using_subcommand grep" -l dissect -d 'Read lines with a dissect pattern, as Logstash\'s: %{a} %{+a} %{?skip} %{b->} %{*k}=%{&k}; the text between keys splits the line, the last key takes the rest' -r
complete -c obs -n "__fish_obs_using_subcommand grep" -l year -d 'The year of times written without one (syslog\'s `May  1 10:00:00`) [default: the year that puts them at most a day ahead of now]' -r
complete -c obs -n "__fish_obs_using_subcommand grep" -l on-error -d 'What to do with a line that is not a JSON object: stop (exit 2), count it silently, or count it and print the first few `file:line: reason` on stderr' -r -f -a "fail\t'Stop at the first bad line with exit status 2'
skip\t'Count bad lines silently (still in `--stats` and `--rejects`)'
report\t'Count them and print the first few sites on stderr (default)'"
complete -c obs -n "__fish_obs_using_subcommand grep" -l rejects -d 'Write every rejected line here exactly as read, so it can be fixed and fed back' -r -F
complete -c obs -n "__fish_obs_using_subcommand grep" -l rejects-reasons -d 'Write `file:line: reason` for every rejected line here' -r -F
complete -c obs -n "__fish_obs_using_subcommand grep" -l time-field -d 'Field holding the record\'s timestamp (by default the first of timestamp, @timestamp, time, ts that a record has)' -r
complete -c obs -n "__fish_obs_using_subcommand grep" -l tz -d 'IANA time zone for offset-less times, dates, `today`, the terminal view and index date math (e.g. Asia/Kolkata; `local`: this machine\'s) [default: UTC; for the terminal view, the local zone from TZ or the system]' -r
complete -c obs -n "__fish_obs_using_subcommand grep" -l since -d 'Keep records at or after this time: RFC 3339, a date, epoch s/ms, `today`, `yesterday`, or relative (`-3h`, `-15m`, `-2d`). Records without a timestamp are filtered out' -r
complete -c obs -n "__fish_obs_using_subcommand grep" -l time-format -d 'Read timestamps in this strftime format too (e.g. \'%d.%m.%Y %H:%M:%S\'; with %z for an offset), before the forms obs knows: RFC 3339, epochs, Apache, log4j, syslog' -r
complete -c obs -n "__fish_obs_using_subcommand grep" -l until -d 'Keep records before this time (same forms as --since)' -r
complete -c obs -n "__fish_obs_using_subcommand grep" -s f -l format -d 'Output format [default: pretty on a terminal, ndjson otherwise]' -r -f -a "auto\t'The terminal view on a terminal, NDJSON otherwise'
ndjson\t'One JSON object per line; kept lines byte for byte as read'
pretty\t'Compact coloured lines: time, level, service, message, then key=value'
table\t'An aligned table (columns: --fields, or every key of any record)'
csv\t'CSV with a header row (columns: --fields, or every key of any record)'
es-bulk\t'Elasticsearch `_bulk` bodies: an action line and a source line per record'"
complete -c obs -n "__fish_obs_using_subcommand grep" -s o -l output -d 'Write to FILE (atomically: complete or not at all) instead of stdout' -r -F
complete -c obs -n "__fish_obs_using_subcommand grep" -l fields -d 'Only these fields (comma-separated paths), as NDJSON keys, columns or key=value' -r
complete -c obs -n "__fish_obs_using_subcommand grep" -l color -d 'Colour the terminal view (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when stdout is a terminal and `NO_COLOR` is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c obs -n "__fish_obs_using_subcommand grep" -l index -d 'Index name template: `%{field}` and `%{+yyyy.MM.dd}` (the record\'s time in --tz) [default: logs-%{+yyyy.MM.dd}; for `obs aggregate` without --every: obs-aggregate]' -r
complete -c obs -n "__fish_obs_using_subcommand grep" -l action -d 'Bulk action: index (create or replace) or create (fail on existing _id)' -r -f -a "index\t'Create or replace the document'
create\t'Create only; an existing `_id` is a per-item 409 conflict'"
complete -c obs -n "__fish_obs_using_subcommand grep" -l id-field -d 'Take _id from these fields (comma-separated, joined with \'-\')' -r
complete -c obs -n "__fish_obs_using_subcommand grep" -l out-dir -d 'Write bulk-00001.ndjson, … into DIR (each one request), instead of stdout' -r -F
complete -c obs -n "__fish_obs_using_subcommand grep" -l max-bytes -d 'Largest bulk file (Elasticsearch\'s units: 10mb = 10MiB = 10 × 2^20 bytes); below ES\'s 100mb request cap, which is refused' -r
complete -c obs -n "__fish_obs_using_subcommand grep" -l max-docs -d 'Most documents per bulk file' -r
complete -c obs -n "__fish_obs_using_subcommand grep" -l template -d 'Write an _index_template for the index pattern, with mappings inferred from the records' -r -F
complete -c obs -n "__fish_obs_using_subcommand grep" -s i -l ignore-case -d 'Match text without case: `=`, `!=`, `~=`, `in` and `~~=` on text, and the -e regexes (numbers, times and levels compare as always)'
complete -c obs -n "__fish_obs_using_subcommand grep" -s n -l line-number -d 'Print each line after its line number (`12:…`), as ripgrep does; with NDJSON or the terminal view'
complete -c obs -n "__fish_obs_using_subcommand grep" -s H -l with-filename -d 'Print each line after its file\'s name (`logs/a.ndjson:…`); with NDJSON or the terminal view'
complete -c obs -n "__fish_obs_using_subcommand grep" -s v -l invert-match -d 'Keep the lines that do not match'
complete -c obs -n "__fish_obs_using_subcommand grep" -s c -l count -d 'Print only the number of matching lines: per file (`FILE:N`, files with a match) when there are several, as ripgrep does'
complete -c obs -n "__fish_obs_using_subcommand grep" -l total -d 'With -c: one total for all files'
complete -c obs -n "__fish_obs_using_subcommand grep" -s l -l files-with-matches -d 'Print only the names of the files with a matching line, in input order'
complete -c obs -n "__fish_obs_using_subcommand grep" -s q -l silent -d 'Print nothing; the exit status says whether a line matched (0) or not (1). Stops at the first match. (--quiet is another thing: it hides the progress bar and diagnostics.)'
complete -c obs -n "__fish_obs_using_subcommand grep" -l no-mmap -d 'Read regular files with plain reads instead of memory-mapping them'
complete -c obs -n "__fish_obs_using_subcommand grep" -l keep-unmatched -d 'Emit a line that does not parse as {"message": LINE, "tags": ["_grokparsefailure"]}, as Logstash does, instead of rejecting it'
complete -c obs -n "__fish_obs_using_subcommand grep" -l stats -d 'Print the accounting on stderr: read = emitted + filtered + rejected'
complete -c obs -n "__fish_obs_using_subcommand grep" -l validate -d 'Decode every line, so every malformed line is found (by default lines the raw-byte prefilter rules out are never decoded, and count as filtered)'
complete -c obs -n "__fish_obs_using_subcommand grep" -l quiet -d 'No progress bar and no diagnostics (bad-line sites, notes); errors and the end-of-run counts of rejected lines still go to stderr. Unlike ripgrep\'s -q, output is written'
complete -c obs -n "__fish_obs_using_subcommand grep" -l id-hash -d '_id = stable xxh3-128 hash of the --id-field values, or of the whole line'
complete -c obs -n "__fish_obs_using_subcommand grep" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c obs -n "__fish_obs_using_subcommand grep" -s V -l version -d 'Print version'
complete -c obs -n "__fish_obs_using_subcommand parse" -l where -d 'Only the records where this expression holds (obs grep\'s language)' -r
complete -c obs -n "__fish_obs_using_subcommand parse" -s m -l max-count -d 'Stop after N records (the first N in input order)' -r
complete -c obs -n "__fish_obs_using_subcommand parse" -s j -l threads -d 'Worker threads [default: number of CPUs; at most 8 per CPU, or 64]; output is identical for any value' -r
complete -c obs -n "__fish_obs_using_subcommand parse" -s g -l glob -d 'Inside directories, read only files matching GLOB (`*.ndjson`, `2024/**/*.gz`), or not matching `!GLOB`; repeatable. Hidden and binary files in directories are skipped' -r
complete -c obs -n "__fish_obs_using_subcommand parse" -l max-line-bytes -d 'Reject lines longer than this (e.g. 64MiB), undecoded and with a reason: a file with no newline (10 GB of zeros) cannot grow memory without bound' -r
complete -c obs -n "__fish_obs_using_subcommand parse" -l chunk-size -d 'Chunk size in bytes (testing and tuning; output does not depend on it)' -r
complete -c obs -n "__fish_obs_using_subcommand parse" -l parse -d 'Read lines as FORMAT instead of NDJSON: raw ({"message": LINE}), logfmt, combined or common (Apache/nginx access logs), syslog (RFC 5424/3164), json, or auto (each file\'s own, from its first lines). Each record gets @timestamp (RFC 3339, UTC) from the time it carries' -r -f -a "auto\t'Each file\'s format from its first lines (json, combined, common, syslog, logfmt, else raw), said on stderr'
json\t'NDJSON, one object per line (the default)'
raw\t'Each line as `{"message": LINE}`, for the expression language on any text'
logfmt\t'`key=value key2="quoted \\"value\\"" bare`: values are strings, a bare key is `true`'
combined\t'Apache/nginx combined log: common, then "referrer" "agent" (nginx extras kept)'
common\t'Apache/nginx common log: host ident user [time] "request" status bytes'
syslog\t'Syslog, RFC 5424 or RFC 3164 per line (PRI optional): hostname, appname, procid…'"
complete -c obs -n "__fish_obs_using_subcommand parse" -l regex -d 'Read lines with this regex (Rust syntax): its named groups, as (?P<level>\\w+), become fields; a group named timestamp, time or ts gives @timestamp' -r
complete -c obs -n "__fish_obs_using_subcommand parse" -l dissect -d 'Read lines with a dissect pattern, as Logstash\'s: %{a} %{+a} %{?skip} %{b->} %{*k}=%{&k}; the text between keys splits the line, the last key takes the rest' -r
complete -c obs -n "__fish_obs_using_subcommand parse" -l year -d 'The year of times written without one (syslog\'s `May  1 10:00:00`) [default: the year that puts them at most a day ahead of now]' -r
complete -c obs -n "__fish_obs_using_subcommand parse" -l on-error -d 'What to do with a line that is not a JSON object: stop (exit 2), count it silently, or count it and print the first few `file:line: reason` on stderr' -r -f -a "fail\t'Stop at the first bad line with exit status 2'
skip\t'Count bad lines silently (still in `--stats` and `--rejects`)'
report\t'Count them and print the first few sites on stderr (default)'"
complete -c obs -n "__fish_obs_using_subcommand parse" -l rejects -d 'Write every rejected line here exactly as read, so it can be fixed and fed back' -r -F
complete -c obs -n "__fish_obs_using_subcommand parse" -l rejects-reasons -d 'Write `file:line: reason` for every rejected line here' -r -F
complete -c obs -n "__fish_obs_using_subcommand parse" -l time-field -d 'Field holding the record\'s timestamp (by default the first of timestamp, @timestamp, time, ts that a record has)' -r
complete -c obs -n "__fish_obs_using_subcommand parse" -l tz -d 'IANA time zone for offset-less times, dates, `today`, the terminal view and index date math (e.g. Asia/Kolkata; `local`: this machine\'s) [default: UTC; for the terminal view, the local zone from TZ or the system]' -r
complete -c obs -n "__fish_obs_using_subcommand parse" -l since -d 'Keep records at or after this time: RFC 3339, a date, epoch s/ms, `today`, `yesterday`, or relative (`-3h`, `-15m`, `-2d`). Records without a timestamp are filtered out' -r
complete -c obs -n "__fish_obs_using_subcommand parse" -l time-format -d 'Read timestamps in this strftime format too (e.g. \'%d.%m.%Y %H:%M:%S\'; with %z for an offset), before the forms obs knows: RFC 3339, epochs, Apache, log4j, syslog' -r
complete -c obs -n "__fish_obs_using_subcommand parse" -l until -d 'Keep records before this time (same forms as --since)' -r
complete -c obs -n "__fish_obs_using_subcommand parse" -s f -l format -d 'Output format [default: pretty on a terminal, ndjson otherwise]' -r -f -a "auto\t'The terminal view on a terminal, NDJSON otherwise'
ndjson\t'One JSON object per line; kept lines byte for byte as read'
pretty\t'Compact coloured lines: time, level, service, message, then key=value'
table\t'An aligned table (columns: --fields, or every key of any record)'
csv\t'CSV with a header row (columns: --fields, or every key of any record)'
es-bulk\t'Elasticsearch `_bulk` bodies: an action line and a source line per record'"
complete -c obs -n "__fish_obs_using_subcommand parse" -s o -l output -d 'Write to FILE (atomically: complete or not at all) instead of stdout' -r -F
complete -c obs -n "__fish_obs_using_subcommand parse" -l fields -d 'Only these fields (comma-separated paths), as NDJSON keys, columns or key=value' -r
complete -c obs -n "__fish_obs_using_subcommand parse" -l color -d 'Colour the terminal view (NO_COLOR is honoured by auto)' -r -f -a "auto\t'Colour when stdout is a terminal and `NO_COLOR` is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c obs -n "__fish_obs_using_subcommand parse" -l index -d 'Index name template: `%{field}` and `%{+yyyy.MM.dd}` (the record\'s time in --tz) [default: logs-%{+yyyy.MM.dd}; for `obs aggregate` without --every: obs-aggregate]' -r
complete -c obs -n "__fish_obs_using_subcommand parse" -l action -d 'Bulk action: index (create or replace) or create (fail on existing _id)' -r -f -a "index\t'Create or replace the document'
create\t'Create only; an existing `_id` is a per-item 409 conflict'"
complete -c obs -n "__fish_obs_using_subcommand parse" -l id-field -d 'Take _id from these fields (comma-separated, joined with \'-\')' -r
complete -c obs -n "__fish_obs_using_subcommand parse" -l out-dir -d 'Write bulk-00001.ndjson, … into DIR (each one request), instead of stdout' -r -F
complete -c obs -n "__fish_obs_using_subcommand parse" -l max-bytes -d 'Largest bulk file (Elasticsearch\'s units: 10mb = 10MiB = 10 × 2^20 bytes); below ES\'s 100mb request cap, which is refused' -r
complete -c obs -n "__fish_obs_using_subcommand parse" -l max-docs -d 'Most documents per bulk file' -r
complete -c obs -n "__fish_obs_using_subcommand parse" -l template -d 'Write an _index_template for the index pattern, with mappings inferred from the records' -r -F
complete -c obs -n "__fish_obs_using_subcommand parse" -l no-mmap -d 'Read regular files with plain reads instead of memory-mapping them'
complete -c obs -n "__fish_obs_using_subcommand parse" -l keep-unmatched -d 'Emit a line that does not parse as {"message": LINE, "tags": ["_grokparsefailure"]}, as Logstash does, instead of rejecting it'
complete -c obs -n "__fish_obs_using_subcommand parse" -l stats -d 'Print the accounting on stderr: read = emitted + filtered + rejected'
complete -c obs -n "__fish_obs_using_subcommand parse" -l validate -d 'Decode every line, so every malformed line is found (by default lines the raw-byte prefilter rules out are never decoded, and count as filtered)'
complete -c obs -n "__fish_obs_using_subcommand parse" -l quiet -d 'No progress bar and no diagnostics (bad-line sites, notes); errors and the end-of-run counts of rejected lines still go to stderr. Unlike ripgrep\'s -q, output is written'
complete -c obs -n "__fish_obs_using_subcommand parse" -l id-hash -d '_id = stable xxh3-128 hash of the --id-field values, or of the whole line'
complete -c obs -n "__fish_obs_using_subcommand parse" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c obs -n "__fish_obs_using_subcommand parse" -s V -l version -d 'Print version'
complete -c obs -n "__fish_obs_using_subcommand aggregate" -l by -d 'Group by these keys (fields or key functions; see below)' -r
complete -c obs -n "__fish_obs_using_subcommand aggregate" -l agg -d 'Metrics to compute [default: count]' -r
complete -c obs -n "__fish_obs_using_subcommand aggregate" -l where -d 'Only records where this expression holds (same language as obs grep)' -r
complete -c obs -n "__fish_obs_using_subcommand aggregate" -l every -d 'Time buckets of this width on the record timestamp: 500ms, 30s, 5m, 1h, 1d, 1w, 1M' -r
complete -c obs -n "__fish_obs_using_subcommand aggregate" -l sort -d 'Order by a metric or key, largest first (NAME:asc for smallest first)' -r
complete -c obs -n "__fish_obs_using_subcommand aggregate" -l top -d 'Keep the first N groups (per time bucket with --every), by --sort or the first metric' -r
complete -c obs -n "__fish_obs_using_subcommand aggregate" -l weight -d 'Sampling weight field [default: sampling.adjusted_count when present]' -r
complete -c obs -n "__fish_obs_using_subcommand aggregate" -l fail-if -d 'CI gate: exit 3 and print the groups for which this expression over the result columns holds, e.g. \'p99(response_time_ms) > 800\'. Repeatable. A column not computed is an error (2), never a pass' -r
complete -c obs -n "__fish_obs_using_subcommand aggregate" -s j -l threads -d 'Worker threads [default: number of CPUs; at most 8 per CPU, or 64]; output is identical for any value' -r
complete -c obs -n "__fish_obs_using_subcommand aggregate" -s g -l glob -d 'Inside directories, read only files matching GLOB (`*.ndjson`, `2024/**/*.gz`), or not matching `!GLOB`; repeatable. Hidden and binary files in directories are skipped' -r
complete -c obs -n "__fish_obs_using_subcommand aggregate" -l max-line-bytes -d 'Reject lines longer than this (e.g. 64MiB), undecoded and with a reason: a file with no newline (10 GB of zeros) cannot grow memory without bound' -r
complete -c obs -n "__fish_obs_using_subcommand aggregate" -l chunk-size -d 'Chunk size in bytes (testing and tuning; output does not depend on it)' -r
complete -c obs -n "__fish_obs_using_subcommand aggregate" -l parse -d 'Read lines as FORMAT instead of NDJSON: raw ({"message": LINE}), logfmt, combined or common (Apache/nginx access logs), syslog (RFC 5424/3164), json, or auto (each file\'s own, from its first lines). Each record gets @timestamp (RFC 3339, UTC) from the time it carries' -r -f -a "auto\t'Each file\'s format from its first lines (json, combined, common, syslog, logfmt, else raw), said on stderr'
json\t'NDJSON, one object per line (the default)'
raw\t'Each line as `{"message": LINE}`, for the expression language on any text'
logfmt\t'`key=value key2="quoted \\"value\\"" bare`: values are strings, a bare key is `true`'
combined\t'Apache/nginx combined log: common, then "referrer" "agent" (nginx extras kept)'
common\t'Apache/nginx common log: host ident user [time] "request" status bytes'
syslog\t'Syslog, RFC 5424 or RFC 3164 per line (PRI optional): hostname, appname, procid…'"
complete -c obs -n "__fish_obs_using_subcommand aggregate" -l regex -d 'Read lines with this regex (Rust syntax): its named groups, as (?P<level>\\w+), become fields; a group named timestamp, time or ts gives @timestamp' -r
complete -c obs -n "__fish_obs_using_subcommand aggregate" -l dissect -d 'Read lines with a dissect pattern, as Logstash\'s: %{a} %{+a} %{?skip} %{b->} %{*k}=%{&k}; the text between keys splits the line, the last key takes the rest' -r
complete -c obs -n "__fish_obs_using_subcommand aggregate" -l year -d 'The year of times written without one (syslog\'s `May  1 10:00:00`) [default: the year that puts them at most a day ahead of now]' -r
complete -c obs -n "__fish_obs_using_subcommand aggregate" -l on-error -d 'What to do with a line that is not a JSON object: stop (exit 2), count it silently, or count it and print the first few `file:line: reason` on stderr' -r -f -a "fail\t'Stop at the first bad line with exit status 2'
skip\t'Count bad lines silently (still in `--stats` and `--rejects`)'
report\t'Count them and print the first few sites on stderr (default)'"
complete -c obs -n "__fish_obs_using_subcommand aggregate" -l rejects -d 'Write every rejected line here exactly as read, so it can be fixed and fed back' -r -F
complete -c obs -n "__fish_obs_using_subcommand aggregate" -l rejects-reasons -d 'Write `file:line: reason` for every rejected line here' -r -F
complete -c obs -n "__fish_obs_using_subcommand aggregate" -l time-field -d 'Field holding the record\'s timestamp (by default the first of timestamp, @timestamp, time, ts that a record has)' -r
complete -c obs -n "__fish_obs_using_subcommand aggregate" -l tz -d 'IANA time zone for offset-less times, dates, `today`, the terminal view and index date math (e.g. Asia/Kolkata; `local`: this machine\'s) [default: UTC; for the terminal view, the local zone from TZ or the system]' -r
complete -c obs -n "__fish_obs_using_subcommand aggregate" -l since -d 'Keep records at or after this time: RFC 3339, a date, epoch s/ms, `today`, `yesterday`, or relative (`-3h`, `-15m`, `-2d`). Records without a timestamp are filtered out' -r
complete -c obs -n "__fish_obs_using_subcommand aggregate" -l time-format -d 'Read timestamps in this strftime format too (e.g. \'%d.%m.%Y %H:%M:%S\'; with %z for an offset), before the forms obs knows: RFC 3339, epochs, Apache, log4j, syslog' -r
complete -c obs -n "__fish_obs_using_subcommand aggregate" -l until -d 'Keep records before this time (same forms as --since)' -r
complete -c obs -n "__fish_obs_using_subcommand aggregate" -s f -l format -d 'Output format (auto: a table on a terminal, ndjson otherwise)' -r -f -a "auto\t'A table on a terminal, NDJSON otherwise'
table\t'An aligned table (numbers rounded for people)'
ndjson\t'One JSON object per group'
csv\t'CSV with a header row, numbers at full precision'
parquet\t'Apache Parquet (needs -o FILE)'
es-bulk\t'Elasticsearch `_bulk` bodies, one document per group'"
complete -c obs -n "__fish_obs_using_subcommand aggregate" -s o -l output -d 'Write to FILE (atomically: complete or not at all) instead of stdout' -r -F
complete -c obs -n "__fish_obs_using_subcommand aggregate" -l index -d 'Index name template: `%{field}` and `%{+yyyy.MM.dd}` (the record\'s time in --tz) [default: logs-%{+yyyy.MM.dd}; for `obs aggregate` without --every: obs-aggregate]' -r
complete -c obs -n "__fish_obs_using_subcommand aggregate" -l action -d 'Bulk action: index (create or replace) or create (fail on existing _id)' -r -f -a "index\t'Create or replace the document'
create\t'Create only; an existing `_id` is a per-item 409 conflict'"
complete -c obs -n "__fish_obs_using_subcommand aggregate" -l id-field -d 'Take _id from these fields (comma-separated, joined with \'-\')' -r
complete -c obs -n "__fish_obs_using_subcommand aggregate" -l out-dir -d 'Write bulk-00001.ndjson, … into DIR (each one request), instead of stdout' -r -F
complete -c obs -n "__fish_obs_using_subcommand aggregate" -l max-bytes -d 'Largest bulk file (Elasticsearch\'s units: 10mb = 10MiB = 10 × 2^20 bytes); below ES\'s 100mb request cap, which is refused' -r
complete -c obs -n "__fish_obs_using_subcommand aggregate" -l max-docs -d 'Most documents per bulk file' -r
complete -c obs -n "__fish_obs_using_subcommand aggregate" -l template -d 'Write an _index_template for the index pattern, with mappings inferred from the records' -r -F
complete -c obs -n "__fish_obs_using_subcommand aggregate" -l chart -d 'Draw a terminal chart of the first metric instead of a table'
complete -c obs -n "__fish_obs_using_subcommand aggregate" -l no-mmap -d 'Read regular files with plain reads instead of memory-mapping them'
complete -c obs -n "__fish_obs_using_subcommand aggregate" -l keep-unmatched -d 'Emit a line that does not parse as {"message": LINE, "tags": ["_grokparsefailure"]}, as Logstash does, instead of rejecting it'
complete -c obs -n "__fish_obs_using_subcommand aggregate" -l stats -d 'Print the accounting on stderr: read = emitted + filtered + rejected'
complete -c obs -n "__fish_obs_using_subcommand aggregate" -l validate -d 'Decode every line, so every malformed line is found (by default lines the raw-byte prefilter rules out are never decoded, and count as filtered)'
complete -c obs -n "__fish_obs_using_subcommand aggregate" -l quiet -d 'No progress bar and no diagnostics; errors and the count of rejected lines still print'
complete -c obs -n "__fish_obs_using_subcommand aggregate" -l id-hash -d '_id = stable xxh3-128 hash of the --id-field values, or of the whole line'
complete -c obs -n "__fish_obs_using_subcommand aggregate" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c obs -n "__fish_obs_using_subcommand aggregate" -s V -l version -d 'Print version'
complete -c obs -n "__fish_obs_using_subcommand fields" -l top -d 'How many of the most frequent values to show per path' -r
complete -c obs -n "__fish_obs_using_subcommand fields" -s f -l format -d 'Output format' -r -f -a "auto\t'A table on a terminal, NDJSON otherwise'
table\t'A table'
ndjson\t'One JSON object per row'
csv\t'CSV with a header'"
complete -c obs -n "__fish_obs_using_subcommand fields" -s o -l output -d 'Write to FILE (atomically) instead of stdout' -r -F
complete -c obs -n "__fish_obs_using_subcommand fields" -s j -l threads -d 'Worker threads [default: number of CPUs; at most 8 per CPU, or 64]; output is identical for any value' -r
complete -c obs -n "__fish_obs_using_subcommand fields" -s g -l glob -d 'Inside directories, read only files matching GLOB (`*.ndjson`, `2024/**/*.gz`), or not matching `!GLOB`; repeatable. Hidden and binary files in directories are skipped' -r
complete -c obs -n "__fish_obs_using_subcommand fields" -l max-line-bytes -d 'Reject lines longer than this (e.g. 64MiB), undecoded and with a reason: a file with no newline (10 GB of zeros) cannot grow memory without bound' -r
complete -c obs -n "__fish_obs_using_subcommand fields" -l chunk-size -d 'Chunk size in bytes (testing and tuning; output does not depend on it)' -r
complete -c obs -n "__fish_obs_using_subcommand fields" -l parse -d 'Read lines as FORMAT instead of NDJSON: raw ({"message": LINE}), logfmt, combined or common (Apache/nginx access logs), syslog (RFC 5424/3164), json, or auto (each file\'s own, from its first lines). Each record gets @timestamp (RFC 3339, UTC) from the time it carries' -r -f -a "auto\t'Each file\'s format from its first lines (json, combined, common, syslog, logfmt, else raw), said on stderr'
json\t'NDJSON, one object per line (the default)'
raw\t'Each line as `{"message": LINE}`, for the expression language on any text'
logfmt\t'`key=value key2="quoted \\"value\\"" bare`: values are strings, a bare key is `true`'
combined\t'Apache/nginx combined log: common, then "referrer" "agent" (nginx extras kept)'
common\t'Apache/nginx common log: host ident user [time] "request" status bytes'
syslog\t'Syslog, RFC 5424 or RFC 3164 per line (PRI optional): hostname, appname, procid…'"
complete -c obs -n "__fish_obs_using_subcommand fields" -l regex -d 'Read lines with this regex (Rust syntax): its named groups, as (?P<level>\\w+), become fields; a group named timestamp, time or ts gives @timestamp' -r
complete -c obs -n "__fish_obs_using_subcommand fields" -l dissect -d 'Read lines with a dissect pattern, as Logstash\'s: %{a} %{+a} %{?skip} %{b->} %{*k}=%{&k}; the text between keys splits the line, the last key takes the rest' -r
complete -c obs -n "__fish_obs_using_subcommand fields" -l year -d 'The year of times written without one (syslog\'s `May  1 10:00:00`) [default: the year that puts them at most a day ahead of now]' -r
complete -c obs -n "__fish_obs_using_subcommand fields" -l on-error -d 'What to do with a line that is not a JSON object: stop (exit 2), count it silently, or count it and print the first few `file:line: reason` on stderr' -r -f -a "fail\t'Stop at the first bad line with exit status 2'
skip\t'Count bad lines silently (still in `--stats` and `--rejects`)'
report\t'Count them and print the first few sites on stderr (default)'"
complete -c obs -n "__fish_obs_using_subcommand fields" -l rejects -d 'Write every rejected line here exactly as read, so it can be fixed and fed back' -r -F
complete -c obs -n "__fish_obs_using_subcommand fields" -l rejects-reasons -d 'Write `file:line: reason` for every rejected line here' -r -F
complete -c obs -n "__fish_obs_using_subcommand fields" -l time-field -d 'Field holding the record\'s timestamp (by default the first of timestamp, @timestamp, time, ts that a record has)' -r
complete -c obs -n "__fish_obs_using_subcommand fields" -l tz -d 'IANA time zone for offset-less times, dates, `today`, the terminal view and index date math (e.g. Asia/Kolkata; `local`: this machine\'s) [default: UTC; for the terminal view, the local zone from TZ or the system]' -r
complete -c obs -n "__fish_obs_using_subcommand fields" -l since -d 'Keep records at or after this time: RFC 3339, a date, epoch s/ms, `today`, `yesterday`, or relative (`-3h`, `-15m`, `-2d`). Records without a timestamp are filtered out' -r
complete -c obs -n "__fish_obs_using_subcommand fields" -l time-format -d 'Read timestamps in this strftime format too (e.g. \'%d.%m.%Y %H:%M:%S\'; with %z for an offset), before the forms obs knows: RFC 3339, epochs, Apache, log4j, syslog' -r
complete -c obs -n "__fish_obs_using_subcommand fields" -l until -d 'Keep records before this time (same forms as --since)' -r
complete -c obs -n "__fish_obs_using_subcommand fields" -l no-mmap -d 'Read regular files with plain reads instead of memory-mapping them'
complete -c obs -n "__fish_obs_using_subcommand fields" -l keep-unmatched -d 'Emit a line that does not parse as {"message": LINE, "tags": ["_grokparsefailure"]}, as Logstash does, instead of rejecting it'
complete -c obs -n "__fish_obs_using_subcommand fields" -l stats -d 'Print the accounting on stderr: read = emitted + filtered + rejected'
complete -c obs -n "__fish_obs_using_subcommand fields" -l validate -d 'Decode every line, so every malformed line is found (by default lines the raw-byte prefilter rules out are never decoded, and count as filtered)'
complete -c obs -n "__fish_obs_using_subcommand fields" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c obs -n "__fish_obs_using_subcommand fields" -s V -l version -d 'Print version'
complete -c obs -n "__fish_obs_using_subcommand trace; and not __fish_seen_subcommand_from list show stats deps export check help" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c obs -n "__fish_obs_using_subcommand trace; and not __fish_seen_subcommand_from list show stats deps export check help" -s V -l version -d 'Print version'
complete -c obs -n "__fish_obs_using_subcommand trace; and not __fish_seen_subcommand_from list show stats deps export check help" -f -a "list" -d 'A table of traces: duration, spans, depth, services, errors, root, findings'
complete -c obs -n "__fish_obs_using_subcommand trace; and not __fish_seen_subcommand_from list show stats deps export check help" -f -a "show" -d 'One trace as a waterfall: tree, time bars, errors and the critical path'
complete -c obs -n "__fish_obs_using_subcommand trace; and not __fish_seen_subcommand_from list show stats deps export check help" -f -a "stats" -d 'Latency percentiles, error rate and self time per service and operation'
complete -c obs -n "__fish_obs_using_subcommand trace; and not __fish_seen_subcommand_from list show stats deps export check help" -f -a "deps" -d 'Service dependency graph: caller → callee with call and error counts'
complete -c obs -n "__fish_obs_using_subcommand trace; and not __fish_seen_subcommand_from list show stats deps export check help" -f -a "export" -d 'Write traces as Jaeger JSON, OTLP/JSON lines or span NDJSON'
complete -c obs -n "__fish_obs_using_subcommand trace; and not __fish_seen_subcommand_from list show stats deps export check help" -f -a "check" -d 'Find orphans, missing roots, duplicates, cycles and clock skew; exit 3 if any'
complete -c obs -n "__fish_obs_using_subcommand trace; and not __fish_seen_subcommand_from list show stats deps export check help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from list" -l input -d 'Input format [default: detected per file]' -r -f -a "auto\t'Detect per file from its first line or value'
spans\t'Span-per-line NDJSON (field names set with --span-field)'
otlp\t'OTLP/JSON (`resourceSpans`), per line or one document'
jaeger\t'Jaeger JSON (`{"data": [...]}` or one trace)'
zipkin\t'Zipkin v2 JSON (an array of spans, or one span per line)'"
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from list" -l span-field -d 'Field of a span NDJSON role, e.g. `trace_id=traceId` or `service=resource.service`. Roles: trace_id span_id parent_span_id name service start_time end_time duration_ms status kind attributes events traceparent error ref_type. Repeatable' -r
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from list" -l skew-tolerance -d 'Clock skew allowed before a child outside its parent is a finding (`5ms`, `1s`)' -r
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from list" -l tz -d 'Zone for printed times and offset-less input times [default: UTC]' -r
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from list" -s j -l threads -d 'Worker threads [default: number of CPUs; at most 8 per CPU, or 64]; output is identical for any value' -r
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from list" -s g -l glob -d 'Inside directories, read only files matching GLOB (`*.ndjson`, `2024/**/*.gz`), or not matching `!GLOB`; repeatable. Hidden and binary files in directories are skipped' -r
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from list" -l max-line-bytes -d 'Reject lines longer than this (e.g. 64MiB), undecoded and with a reason: a file with no newline (10 GB of zeros) cannot grow memory without bound' -r
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from list" -l chunk-size -d 'Chunk size in bytes (testing and tuning; output does not depend on it)' -r
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from list" -l on-error -d 'What to do with a line that is not a JSON object: stop (exit 2), count it silently, or count it and print the first few `file:line: reason` on stderr' -r -f -a "fail\t'Stop at the first bad line with exit status 2'
skip\t'Count bad lines silently (still in `--stats` and `--rejects`)'
report\t'Count them and print the first few sites on stderr (default)'"
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from list" -l rejects -d 'Write every rejected line here exactly as read, so it can be fixed and fed back' -r -F
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from list" -l rejects-reasons -d 'Write `file:line: reason` for every rejected line here' -r -F
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from list" -s w -l where -d 'Keep traces for which this expression over trace fields holds' -r
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from list" -l since -d 'Keep traces starting at or after this time (RFC 3339, a date, `today`, `-3h`…)' -r
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from list" -l until -d 'Keep traces starting before this time' -r
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from list" -l sort -d 'Sort by a column (duration, spans, depth, errors, start), descending; `NAME:asc` for ascending [default: start:asc]' -r
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from list" -l top -d 'Only the first N traces after sorting' -r
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from list" -s f -l format -d 'Output format' -r -f -a "auto\t'A table on a terminal, NDJSON otherwise'
table\t'A table'
ndjson\t'One JSON object per row'
csv\t'CSV with a header'"
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from list" -s o -l output -d 'Write to FILE instead of stdout' -r -F
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from list" -l no-mmap -d 'Read regular files with plain reads instead of memory-mapping them'
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from list" -l stats -d 'Print the accounting on stderr: read = emitted + filtered + rejected'
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from list" -l validate -d 'Decode every line, so every malformed line is found (by default lines the raw-byte prefilter rules out are never decoded, and count as filtered)'
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from list" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from list" -s V -l version -d 'Print version'
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from show" -l input -d 'Input format [default: detected per file]' -r -f -a "auto\t'Detect per file from its first line or value'
spans\t'Span-per-line NDJSON (field names set with --span-field)'
otlp\t'OTLP/JSON (`resourceSpans`), per line or one document'
jaeger\t'Jaeger JSON (`{"data": [...]}` or one trace)'
zipkin\t'Zipkin v2 JSON (an array of spans, or one span per line)'"
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from show" -l span-field -d 'Field of a span NDJSON role, e.g. `trace_id=traceId` or `service=resource.service`. Roles: trace_id span_id parent_span_id name service start_time end_time duration_ms status kind attributes events traceparent error ref_type. Repeatable' -r
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from show" -l skew-tolerance -d 'Clock skew allowed before a child outside its parent is a finding (`5ms`, `1s`)' -r
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from show" -l tz -d 'Zone for printed times and offset-less input times [default: UTC]' -r
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from show" -s j -l threads -d 'Worker threads [default: number of CPUs; at most 8 per CPU, or 64]; output is identical for any value' -r
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from show" -s g -l glob -d 'Inside directories, read only files matching GLOB (`*.ndjson`, `2024/**/*.gz`), or not matching `!GLOB`; repeatable. Hidden and binary files in directories are skipped' -r
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from show" -l max-line-bytes -d 'Reject lines longer than this (e.g. 64MiB), undecoded and with a reason: a file with no newline (10 GB of zeros) cannot grow memory without bound' -r
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from show" -l chunk-size -d 'Chunk size in bytes (testing and tuning; output does not depend on it)' -r
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from show" -l on-error -d 'What to do with a line that is not a JSON object: stop (exit 2), count it silently, or count it and print the first few `file:line: reason` on stderr' -r -f -a "fail\t'Stop at the first bad line with exit status 2'
skip\t'Count bad lines silently (still in `--stats` and `--rejects`)'
report\t'Count them and print the first few sites on stderr (default)'"
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from show" -l rejects -d 'Write every rejected line here exactly as read, so it can be fixed and fed back' -r -F
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from show" -l rejects-reasons -d 'Write `file:line: reason` for every rejected line here' -r -F
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from show" -l logs -d 'Application log files whose lines carry trace_id/span_id (or traceparent); the trace\'s lines are shown under their spans, in time order. Repeatable' -r
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from show" -s f -l format -d 'Output format' -r -f -a "text\t'The waterfall'
ndjson\t'One span per line, with depth, self time and critical-path sections'"
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from show" -l width -d 'Width of the waterfall [default: the terminal\'s, else 120]' -r
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from show" -l color -d 'Colour' -r -f -a "auto\t'Colour when stdout is a terminal and `NO_COLOR` is unset'
always\t'Always colour'
never\t'Never colour'"
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from show" -l no-mmap -d 'Read regular files with plain reads instead of memory-mapping them'
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from show" -l stats -d 'Print the accounting on stderr: read = emitted + filtered + rejected'
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from show" -l validate -d 'Decode every line, so every malformed line is found (by default lines the raw-byte prefilter rules out are never decoded, and count as filtered)'
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from show" -s a -l attributes -d 'Show each span\'s attributes'
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from show" -l events -d 'Show each span\'s events'
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from show" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from show" -s V -l version -d 'Print version'
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from stats" -l input -d 'Input format [default: detected per file]' -r -f -a "auto\t'Detect per file from its first line or value'
spans\t'Span-per-line NDJSON (field names set with --span-field)'
otlp\t'OTLP/JSON (`resourceSpans`), per line or one document'
jaeger\t'Jaeger JSON (`{"data": [...]}` or one trace)'
zipkin\t'Zipkin v2 JSON (an array of spans, or one span per line)'"
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from stats" -l span-field -d 'Field of a span NDJSON role, e.g. `trace_id=traceId` or `service=resource.service`. Roles: trace_id span_id parent_span_id name service start_time end_time duration_ms status kind attributes events traceparent error ref_type. Repeatable' -r
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from stats" -l skew-tolerance -d 'Clock skew allowed before a child outside its parent is a finding (`5ms`, `1s`)' -r
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from stats" -l tz -d 'Zone for printed times and offset-less input times [default: UTC]' -r
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from stats" -s j -l threads -d 'Worker threads [default: number of CPUs; at most 8 per CPU, or 64]; output is identical for any value' -r
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from stats" -s g -l glob -d 'Inside directories, read only files matching GLOB (`*.ndjson`, `2024/**/*.gz`), or not matching `!GLOB`; repeatable. Hidden and binary files in directories are skipped' -r
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from stats" -l max-line-bytes -d 'Reject lines longer than this (e.g. 64MiB), undecoded and with a reason: a file with no newline (10 GB of zeros) cannot grow memory without bound' -r
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from stats" -l chunk-size -d 'Chunk size in bytes (testing and tuning; output does not depend on it)' -r
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from stats" -l on-error -d 'What to do with a line that is not a JSON object: stop (exit 2), count it silently, or count it and print the first few `file:line: reason` on stderr' -r -f -a "fail\t'Stop at the first bad line with exit status 2'
skip\t'Count bad lines silently (still in `--stats` and `--rejects`)'
report\t'Count them and print the first few sites on stderr (default)'"
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from stats" -l rejects -d 'Write every rejected line here exactly as read, so it can be fixed and fed back' -r -F
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from stats" -l rejects-reasons -d 'Write `file:line: reason` for every rejected line here' -r -F
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from stats" -l by -d 'Group by these (comma-separated)' -r -f -a "service\t'The service'
name\t'The operation name (also spelled `operation`)'
kind\t'The span kind'"
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from stats" -l sort -d 'Sort by a column, descending (`NAME:asc` for ascending) [default: self_total_ms]' -r
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from stats" -l top -d 'Only the first N groups' -r
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from stats" -s f -l format -d 'Output format' -r -f -a "auto\t'A table on a terminal, NDJSON otherwise'
table\t'A table'
ndjson\t'One JSON object per row'
csv\t'CSV with a header'"
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from stats" -s o -l output -d 'Write to FILE instead of stdout' -r -F
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from stats" -l no-mmap -d 'Read regular files with plain reads instead of memory-mapping them'
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from stats" -l stats -d 'Print the accounting on stderr: read = emitted + filtered + rejected'
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from stats" -l validate -d 'Decode every line, so every malformed line is found (by default lines the raw-byte prefilter rules out are never decoded, and count as filtered)'
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from stats" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from stats" -s V -l version -d 'Print version'
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from deps" -l input -d 'Input format [default: detected per file]' -r -f -a "auto\t'Detect per file from its first line or value'
spans\t'Span-per-line NDJSON (field names set with --span-field)'
otlp\t'OTLP/JSON (`resourceSpans`), per line or one document'
jaeger\t'Jaeger JSON (`{"data": [...]}` or one trace)'
zipkin\t'Zipkin v2 JSON (an array of spans, or one span per line)'"
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from deps" -l span-field -d 'Field of a span NDJSON role, e.g. `trace_id=traceId` or `service=resource.service`. Roles: trace_id span_id parent_span_id name service start_time end_time duration_ms status kind attributes events traceparent error ref_type. Repeatable' -r
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from deps" -l skew-tolerance -d 'Clock skew allowed before a child outside its parent is a finding (`5ms`, `1s`)' -r
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from deps" -l tz -d 'Zone for printed times and offset-less input times [default: UTC]' -r
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from deps" -s j -l threads -d 'Worker threads [default: number of CPUs; at most 8 per CPU, or 64]; output is identical for any value' -r
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from deps" -s g -l glob -d 'Inside directories, read only files matching GLOB (`*.ndjson`, `2024/**/*.gz`), or not matching `!GLOB`; repeatable. Hidden and binary files in directories are skipped' -r
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from deps" -l max-line-bytes -d 'Reject lines longer than this (e.g. 64MiB), undecoded and with a reason: a file with no newline (10 GB of zeros) cannot grow memory without bound' -r
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from deps" -l chunk-size -d 'Chunk size in bytes (testing and tuning; output does not depend on it)' -r
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from deps" -l on-error -d 'What to do with a line that is not a JSON object: stop (exit 2), count it silently, or count it and print the first few `file:line: reason` on stderr' -r -f -a "fail\t'Stop at the first bad line with exit status 2'
skip\t'Count bad lines silently (still in `--stats` and `--rejects`)'
report\t'Count them and print the first few sites on stderr (default)'"
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from deps" -l rejects -d 'Write every rejected line here exactly as read, so it can be fixed and fed back' -r -F
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from deps" -l rejects-reasons -d 'Write `file:line: reason` for every rejected line here' -r -F
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from deps" -s f -l format -d 'Output format' -r -f -a "auto\t'A table on a terminal, NDJSON otherwise'
table\t'A table'
ndjson\t'One edge per line'
csv\t'CSV'
dot\t'Graphviz DOT'
mermaid\t'Mermaid flowchart'"
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from deps" -s o -l output -d 'Write to FILE instead of stdout' -r -F
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from deps" -l no-mmap -d 'Read regular files with plain reads instead of memory-mapping them'
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from deps" -l stats -d 'Print the accounting on stderr: read = emitted + filtered + rejected'
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from deps" -l validate -d 'Decode every line, so every malformed line is found (by default lines the raw-byte prefilter rules out are never decoded, and count as filtered)'
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from deps" -l same-service -d 'Also count calls within one service'
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from deps" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from deps" -s V -l version -d 'Print version'
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from export" -l input -d 'Input format [default: detected per file]' -r -f -a "auto\t'Detect per file from its first line or value'
spans\t'Span-per-line NDJSON (field names set with --span-field)'
otlp\t'OTLP/JSON (`resourceSpans`), per line or one document'
jaeger\t'Jaeger JSON (`{"data": [...]}` or one trace)'
zipkin\t'Zipkin v2 JSON (an array of spans, or one span per line)'"
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from export" -l span-field -d 'Field of a span NDJSON role, e.g. `trace_id=traceId` or `service=resource.service`. Roles: trace_id span_id parent_span_id name service start_time end_time duration_ms status kind attributes events traceparent error ref_type. Repeatable' -r
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from export" -l skew-tolerance -d 'Clock skew allowed before a child outside its parent is a finding (`5ms`, `1s`)' -r
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from export" -l tz -d 'Zone for printed times and offset-less input times [default: UTC]' -r
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from export" -s j -l threads -d 'Worker threads [default: number of CPUs; at most 8 per CPU, or 64]; output is identical for any value' -r
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from export" -s g -l glob -d 'Inside directories, read only files matching GLOB (`*.ndjson`, `2024/**/*.gz`), or not matching `!GLOB`; repeatable. Hidden and binary files in directories are skipped' -r
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from export" -l max-line-bytes -d 'Reject lines longer than this (e.g. 64MiB), undecoded and with a reason: a file with no newline (10 GB of zeros) cannot grow memory without bound' -r
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from export" -l chunk-size -d 'Chunk size in bytes (testing and tuning; output does not depend on it)' -r
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from export" -l on-error -d 'What to do with a line that is not a JSON object: stop (exit 2), count it silently, or count it and print the first few `file:line: reason` on stderr' -r -f -a "fail\t'Stop at the first bad line with exit status 2'
skip\t'Count bad lines silently (still in `--stats` and `--rejects`)'
report\t'Count them and print the first few sites on stderr (default)'"
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from export" -l rejects -d 'Write every rejected line here exactly as read, so it can be fixed and fed back' -r -F
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from export" -l rejects-reasons -d 'Write `file:line: reason` for every rejected line here' -r -F
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from export" -s w -l where -d 'Keep traces for which this expression over trace fields holds' -r
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from export" -l since -d 'Keep traces starting at or after this time (RFC 3339, a date, `today`, `-3h`…)' -r
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from export" -l until -d 'Keep traces starting before this time' -r
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from export" -l trace -d 'Only these traces (repeatable)' -r
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from export" -l to -d 'Target format' -r -f -a "jaeger\t'Jaeger JSON `{"data": [trace…]}`, for Jaeger UI\'s "JSON file" loader'
otlp\t'OTLP/JSON, one `resourceSpans` envelope per trace per line'
spans\t'Span-per-line NDJSON with obs\'s default field names'"
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from export" -s o -l output -d 'Write to FILE (atomically) instead of stdout' -r -F
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from export" -l no-mmap -d 'Read regular files with plain reads instead of memory-mapping them'
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from export" -l stats -d 'Print the accounting on stderr: read = emitted + filtered + rejected'
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from export" -l validate -d 'Decode every line, so every malformed line is found (by default lines the raw-byte prefilter rules out are never decoded, and count as filtered)'
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from export" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from export" -s V -l version -d 'Print version'
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from check" -l input -d 'Input format [default: detected per file]' -r -f -a "auto\t'Detect per file from its first line or value'
spans\t'Span-per-line NDJSON (field names set with --span-field)'
otlp\t'OTLP/JSON (`resourceSpans`), per line or one document'
jaeger\t'Jaeger JSON (`{"data": [...]}` or one trace)'
zipkin\t'Zipkin v2 JSON (an array of spans, or one span per line)'"
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from check" -l span-field -d 'Field of a span NDJSON role, e.g. `trace_id=traceId` or `service=resource.service`. Roles: trace_id span_id parent_span_id name service start_time end_time duration_ms status kind attributes events traceparent error ref_type. Repeatable' -r
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from check" -l skew-tolerance -d 'Clock skew allowed before a child outside its parent is a finding (`5ms`, `1s`)' -r
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from check" -l tz -d 'Zone for printed times and offset-less input times [default: UTC]' -r
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from check" -s j -l threads -d 'Worker threads [default: number of CPUs; at most 8 per CPU, or 64]; output is identical for any value' -r
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from check" -s g -l glob -d 'Inside directories, read only files matching GLOB (`*.ndjson`, `2024/**/*.gz`), or not matching `!GLOB`; repeatable. Hidden and binary files in directories are skipped' -r
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from check" -l max-line-bytes -d 'Reject lines longer than this (e.g. 64MiB), undecoded and with a reason: a file with no newline (10 GB of zeros) cannot grow memory without bound' -r
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from check" -l chunk-size -d 'Chunk size in bytes (testing and tuning; output does not depend on it)' -r
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from check" -l on-error -d 'What to do with a line that is not a JSON object: stop (exit 2), count it silently, or count it and print the first few `file:line: reason` on stderr' -r -f -a "fail\t'Stop at the first bad line with exit status 2'
skip\t'Count bad lines silently (still in `--stats` and `--rejects`)'
report\t'Count them and print the first few sites on stderr (default)'"
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from check" -l rejects -d 'Write every rejected line here exactly as read, so it can be fixed and fed back' -r -F
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from check" -l rejects-reasons -d 'Write `file:line: reason` for every rejected line here' -r -F
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from check" -l ignore -d 'Do not count these kinds of finding (comma-separated or repeated)' -r -f -a "incomplete\t'No root span'
multiple-roots\t'Several root spans'
orphan\t'A parent not in the input'
duplicate\t'A span id seen twice'
cycle\t'Parent links in a circle'
skew\t'A child outside its parent by more than the tolerance'
end-before-start\t'A span ending before it starts'"
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from check" -s f -l format -d 'Output format' -r -f -a "auto\t'A table on a terminal, NDJSON otherwise'
table\t'A table'
ndjson\t'One JSON object per row'
csv\t'CSV with a header'"
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from check" -s o -l output -d 'Write to FILE instead of stdout' -r -F
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from check" -l no-mmap -d 'Read regular files with plain reads instead of memory-mapping them'
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from check" -l stats -d 'Print the accounting on stderr: read = emitted + filtered + rejected'
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from check" -l validate -d 'Decode every line, so every malformed line is found (by default lines the raw-byte prefilter rules out are never decoded, and count as filtered)'
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from check" -s V -l version -d 'Print version'
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from help" -f -a "list" -d 'A table of traces: duration, spans, depth, services, errors, root, findings'
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from help" -f -a "show" -d 'One trace as a waterfall: tree, time bars, errors and the critical path'
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from help" -f -a "stats" -d 'Latency percentiles, error rate and self time per service and operation'
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from help" -f -a "deps" -d 'Service dependency graph: caller → callee with call and error counts'
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from help" -f -a "export" -d 'Write traces as Jaeger JSON, OTLP/JSON lines or span NDJSON'
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from help" -f -a "check" -d 'Find orphans, missing roots, duplicates, cycles and clock skew; exit 3 if any'
complete -c obs -n "__fish_obs_using_subcommand trace; and __fish_seen_subcommand_from help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c obs -n "__fish_obs_using_subcommand help; and not __fish_seen_subcommand_from grep parse aggregate fields trace help" -f -a "grep" -d 'Select lines with an expression; print them, count them, or write `_bulk` files'
complete -c obs -n "__fish_obs_using_subcommand help; and not __fish_seen_subcommand_from grep parse aggregate fields trace help" -f -a "parse" -d 'Turn lines of access logs, logfmt or a regex of your own into records (NDJSON, CSV…)'
complete -c obs -n "__fish_obs_using_subcommand help; and not __fish_seen_subcommand_from grep parse aggregate fields trace help" -f -a "aggregate" -d 'Group records and compute counts, sums, percentiles and rates, per time bucket if asked'
complete -c obs -n "__fish_obs_using_subcommand help; and not __fish_seen_subcommand_from grep parse aggregate fields trace help" -f -a "fields" -d 'Profile every key path: types, % present, distinct values, top values, min and max'
complete -c obs -n "__fish_obs_using_subcommand help; and not __fish_seen_subcommand_from grep parse aggregate fields trace help" -f -a "trace" -d 'Rebuild traces from span dumps: list, show, stats, deps, export, check'
complete -c obs -n "__fish_obs_using_subcommand help; and not __fish_seen_subcommand_from grep parse aggregate fields trace help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c obs -n "__fish_obs_using_subcommand help; and __fish_seen_subcommand_from trace" -f -a "list" -d 'A table of traces: duration, spans, depth, services, errors, root, findings'
complete -c obs -n "__fish_obs_using_subcommand help; and __fish_seen_subcommand_from trace" -f -a "show" -d 'One trace as a waterfall: tree, time bars, errors and the critical path'
complete -c obs -n "__fish_obs_using_subcommand help; and __fish_seen_subcommand_from trace" -f -a "stats" -d 'Latency percentiles, error rate and self time per service and operation'
complete -c obs -n "__fish_obs_using_subcommand help; and __fish_seen_subcommand_from trace" -f -a "deps" -d 'Service dependency graph: caller → callee with call and error counts'
complete -c obs -n "__fish_obs_using_subcommand help; and __fish_seen_subcommand_from trace" -f -a "export" -d 'Write traces as Jaeger JSON, OTLP/JSON lines or span NDJSON'
complete -c obs -n "__fish_obs_using_subcommand help; and __fish_seen_subcommand_from trace" -f -a "check" -d 'Find orphans, missing roots, duplicates, cycles and clock skew; exit 3 if any'
