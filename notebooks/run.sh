#!/usr/bin/env bash
# `make notebooks`: installs the GoNB kernel and its tools when missing (notebooks/setup.sh), checks that the
# committed notebooks carry no outputs, builds the demo warehouse (fixed seed and dates, so the numbers are
# reproducible) when it is missing or was built by another binary, then executes every notebook headless and
# fails on the first error.
#
#   notebooks/run.sh                    # all notebooks
#   notebooks/run.sh 02_locality.ipynb  # some of them
#   notebooks/run.sh --print-env        # prepare only, print the environment the notebooks read (jupyter.sh)
#
# Environment (all optional):
#   CANHBAO_NB_WORK   cache folder for the binary and the demo (default ~/.cache/canhbao-notebooks)
#   CANHBAO_NB_OUT    where executed notebooks are written (default: a new temporary folder)
#   CANHBAO_NB_SKIP_SETUP=1  do not run setup.sh (tools already installed)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

export PATH="$PATH:/usr/local/go/bin"
export PATH="$(go env GOPATH)/bin:$PATH"
export CGO_ENABLED=1

# The demo the notebooks are written against: seed 1, four years up to Sunday 22/11/2026 (report week 2026-W47).
DEMO_SEED=1
DEMO_FROM=2022-01-01
DEMO_TO=2026-11-22
# A fixed party-hash key: case identities without a source id, and the split-unit apportionment that hashes
# them, then come out the same on every machine. It protects simulated names only.
export CANHBAO_HASH_KEY="canhbao-notebooks-demo-key-not-secret"

WORK="${CANHBAO_NB_WORK:-$HOME/.cache/canhbao-notebooks}"
OUT="${CANHBAO_NB_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/canhbao-notebooks.XXXXXX")}"
mkdir -p "$WORK/bin" "$OUT"
say() { printf 'notebooks: %s\n' "$*" >&2; }
t0=$SECONDS

# 1. Committed notebooks must be stripped of outputs (diffs stay readable, no data in git).
/usr/bin/python3 notebooks/strip.py --check notebooks/*.ipynb

# 2. Kernel and tools.
[ "${CANHBAO_NB_SKIP_SETUP:-}" = 1 ] || bash notebooks/setup.sh

# 3. echarts (pinned by package-lock.json) and the binary.
[ -f node_modules/echarts/dist/echarts.min.js ] || make --no-print-directory deps >&2
export CANHBAO_ECHARTS="$ROOT/node_modules/echarts/dist/echarts.min.js"
go build -o "$WORK/bin/canhbao" ./cmd/canhbao
BIN="$WORK/bin/canhbao"

# 4. The demo warehouse, rebuilt when the binary or the scenario changed.
DEMO="$WORK/demo"
stamp="seed=$DEMO_SEED from=$DEMO_FROM to=$DEMO_TO bin=$(sha256sum "$BIN" | cut -c1-64)"
if [ ! -f "$DEMO/canhbao.duckdb" ] || [ "$(cat "$DEMO/.stamp" 2>/dev/null)" != "$stamp" ]; then
  say "building the demo warehouse in $DEMO"
  rm -f "$DEMO/.stamp"
  "$BIN" demo --out "$DEMO" --seed "$DEMO_SEED" --from "$DEMO_FROM" --to "$DEMO_TO" --lang en >&2
  echo "$stamp" >"$DEMO/.stamp"
fi
export CANHBAO_ROOT="$ROOT"
export CANHBAO_DEMO_DB="$DEMO/canhbao.duckdb"
export CANHBAO_DEMO_WEEK=2026-W47
export CANHBAO_BIN="$BIN"
say "setup and demo ready after $((SECONDS - t0)) s"
if [ "${1:-}" = --print-env ]; then
  rmdir "$OUT" 2>/dev/null || true
  for v in PATH CGO_ENABLED CANHBAO_HASH_KEY CANHBAO_ECHARTS CANHBAO_ROOT CANHBAO_DEMO_DB CANHBAO_DEMO_WEEK CANHBAO_BIN; do
    printf 'export %s=%q\n' "$v" "${!v}"
  done
  exit 0
fi

# 5. Execute. nbconvert exits non-zero when a cell fails (a compile error, a panic, a failed assertion).
if [ $# -gt 0 ]; then
  nbs=()
  for a in "$@"; do nbs+=("notebooks/$(basename "$a")"); done
else
  nbs=(notebooks/[0-9][0-9]_*.ipynb)
fi
for nb in "${nbs[@]}"; do
  t1=$SECONDS
  say "executing $nb"
  /usr/bin/python3 -m nbconvert --to notebook --execute \
    --ExecutePreprocessor.kernel_name=gonb --ExecutePreprocessor.timeout=600 \
    --output-dir "$OUT" "$nb"
  say "$nb: ok in $((SECONDS - t1)) s"
done
say "all ${#nbs[@]} notebooks ran in $((SECONDS - t0)) s; executed copies in $OUT"
