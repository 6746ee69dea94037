#!/usr/bin/env bash
# Build and install ember from this checkout, then run the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."

bash tools/install_deps.sh
python3 -m pip install --no-build-isolation -q .
cd tests   # import the installed ember, not the source tree
python3 -m pytest -q -p no:cacheprovider "$@" .
