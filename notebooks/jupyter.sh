#!/usr/bin/env bash
# Opens the notebooks interactively: same setup and demo as `make notebooks` (notebooks/run.sh, with no notebook
# executed), then Jupyter with the gonb kernel and the environment the notebooks read.
# Needs a Jupyter front end besides the Debian packages setup.sh installs, e.g. `apt-get install jupyter-notebook`.
set -euo pipefail
cd "$(dirname "$0")/.."
eval "$(bash notebooks/run.sh --print-env)"
exec /usr/bin/python3 -m notebook --notebook-dir="$PWD/notebooks" "$@"
