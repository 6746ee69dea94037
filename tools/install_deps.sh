#!/usr/bin/env bash
# System and Python packages ember builds and tests with. Idempotent; quiet when all is there.
set -euo pipefail
if ! command -v llvm-config-19 >/dev/null 2>&1 && [ ! -x /usr/lib/llvm-19/bin/llvm-config ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq llvm-19-dev libomp-19-dev >/dev/null
fi
need=()
python3 -c "import scikit_build_core" 2>/dev/null || need+=("scikit-build-core>=0.8")
python3 -c "import numpy" 2>/dev/null || need+=(numpy)
python3 -c "import pytest" 2>/dev/null || need+=(pytest)
python3 -c "import numba" 2>/dev/null || need+=(numba)       # comparisons only (bench, tests)
command -v cmake >/dev/null 2>&1 || need+=(cmake)
command -v ninja >/dev/null 2>&1 || need+=(ninja)
if [ ${#need[@]} -gt 0 ]; then
  python3 -m pip install -q "${need[@]}"
fi
