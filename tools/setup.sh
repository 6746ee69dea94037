#!/usr/bin/env bash
# Install everything ember needs on Debian bookworm (run as root), build and install ember from
# this checkout, then run the speedup demo. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."

bash tools/install_deps.sh
python3 -m pip install --no-build-isolation -q .
python3 -m ember.demo
