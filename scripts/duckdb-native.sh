# Sourced by the compare scripts: `duckdb_native` prints the path of DuckDB's native command-line
# binary, installing it from PyPI (duckdb-cli) when missing.
#
# The `duckdb` that PyPI's duckdb-cli puts on PATH is a Python script: it starts the interpreter,
# then runs the packaged binary in a subprocess. Timing that script adds Python's start-up
# (0.1-0.3 s on a 2-core machine) to DuckDB's time, so the compare scripts run the binary itself,
# as a user with a native install would. Timing DuckDB through its Python module would add the
# same start-up, plus the module import.

is_elf() { [ -f "$1" ] && [ "$(head -c 4 "$1" | tail -c 3)" = ELF ]; }

duckdb_native() {
  local p
  p=$(command -v duckdb || true)
  if [ -n "$p" ] && is_elf "$p"; then
    echo "$p"
    return
  fi
  python3 -c 'import duckdb_cli' 2>/dev/null || python3 -m pip install -q duckdb-cli
  # The wrapper fetches the binary on first use when the wheel did not bundle it.
  python3 -m duckdb_cli --version >/dev/null
  p=$(python3 -c 'import duckdb_cli, os; print(os.path.join(os.path.dirname(duckdb_cli.__file__), "duckdb"))')
  is_elf "$p" || { echo "no native DuckDB binary at $p" >&2; return 1; }
  echo "$p"
}
