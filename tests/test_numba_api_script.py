"""Numba tutorial-style scripts run unchanged apart from the import (`import ember as numba`)."""
import os
import subprocess
import sys

import pytest

from difftest import ON_NUMBA


@pytest.mark.skipif(ON_NUMBA, reason="the script imports ember")
def test_tutorial_script_runs():
    script = os.path.join(os.path.dirname(__file__), "scripts", "numba_tutorial.py")
    p = subprocess.run([sys.executable, script], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr
    assert p.stdout.splitlines() == ["division by zero for 1.0", "tutorial ok"]


def test_tour_script_runs(tmp_path):
    """scripts/numba_tour.py under ember; under the numba backend, the same text importing numba."""
    script = os.path.join(os.path.dirname(__file__), "scripts", "numba_tour.py")
    if ON_NUMBA:
        with open(script) as f:
            text = f.read().replace("import ember as numba", "import numba").replace("from ember import", "from numba import")
        script = str(tmp_path / "numba_tour.py")
        with open(script, "w") as f:
            f.write(text)
    p = subprocess.run([sys.executable, "-W", "ignore", script], capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stdout + p.stderr
    assert p.stdout.splitlines() == ["cfunc True True True", "tour ok"]


def test_numba_warning_classes_and_core_modules():
    """Programs silence Numba's warnings by class and import numba.core's types and errors."""
    import importlib
    import warnings

    from difftest import impl
    name = impl.__name__
    for w in ("NumbaWarning", "NumbaPerformanceWarning", "NumbaDeprecationWarning", "NumbaPendingDeprecationWarning"):
        cls = getattr(impl, w)
        assert issubclass(cls, Warning)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", category=cls)
    errors = importlib.import_module(name + ".core.errors")
    types = importlib.import_module(name + ".core.types")
    assert issubclass(errors.NumbaPerformanceWarning, errors.NumbaWarning) and errors.TypingError
    assert str(types.float64) == "float64" and str(types.int32) == "int32"
