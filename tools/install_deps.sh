#!/usr/bin/env bash
# System and Python packages ember builds and tests with. Idempotent; quiet when all is there.
set -euo pipefail
if ! command -v llvm-config-19 >/dev/null 2>&1 && [ ! -x /usr/lib/llvm-19/bin/llvm-config ]; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq llvm-19-dev libomp-19-dev >/dev/null
fi
# Open MPI for the mpi4py workflow test (mpi4py builds against its mpicc)
if ! command -v mpirun >/dev/null 2>&1 || ! command -v mpicc >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq openmpi-bin libopenmpi-dev >/dev/null
fi
need=()
python3 -c "import scikit_build_core" 2>/dev/null || need+=("scikit-build-core>=0.8")
python3 -c "import numpy" 2>/dev/null || need+=(numpy)
python3 -c "import pytest" 2>/dev/null || need+=(pytest)
python3 -c "import xdist" 2>/dev/null || need+=(pytest-xdist)   # the suite runs a worker per core
python3 -c "import numba" 2>/dev/null || need+=(numba)       # comparisons only (bench, tests)
# the workflows tests/test_workflows.py runs end to end (and examples/ notebooks)
python3 -c "import mpi4py" 2>/dev/null || need+=(mpi4py)
python3 -c "import dask.array" 2>/dev/null || need+=("dask[array]")
# a distributed of these years pins its dask; an old one (no pin) imports against a new dask and fails
python3 -c "import distributed" 2>/dev/null || need+=("distributed>=2024.1")
# the documentation site, built in strict mode by tests/test_docs.py
python3 -c "import mkdocs" 2>/dev/null || need+=(mkdocs)
# scipy: @cfunc callbacks through scipy.LowLevelCallable (tests/test_cfunc.py)
for m in joblib cloudpickle nbclient nbformat ipykernel matplotlib scipy; do
  python3 -c "import $m" 2>/dev/null || need+=("$m")
done
command -v cmake >/dev/null 2>&1 || need+=(cmake)
command -v ninja >/dev/null 2>&1 || need+=(ninja)
if [ ${#need[@]} -gt 0 ]; then
  python3 -m pip install -q "${need[@]}"
fi
