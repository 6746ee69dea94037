#!/usr/bin/env bash
# Build and install ember from this checkout, then run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."

bash tools/install_deps.sh
python3 -m pip install --no-build-isolation -q .
cd tests   # import the installed ember, not the source tree
# one worker per core (pytest-xdist), a test file per worker so module fixtures start once;
# a worker that crashes ends the run, naming its test (with --dist loadfile xdist's replacement
# worker can wait forever: pytest-xdist issue 784)
python3 -m pytest -q -p no:cacheprovider -n auto --dist loadfile --max-worker-restart=0 "$@" .
