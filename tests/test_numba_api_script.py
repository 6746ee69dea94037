"""A Numba tutorial-style script runs unchanged apart from `import ember as numba`."""
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
