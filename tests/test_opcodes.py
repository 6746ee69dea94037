"""The frontend's opcode table is generated from the interpreter's dis module; it must match
the running interpreter exactly."""
import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = os.path.join(ROOT, "frontend", "gen_opcodes.py")


@pytest.mark.skipif(not os.path.exists(GEN), reason="needs the source tree")
def test_opcode_table_matches_interpreter():
    r = subprocess.run([sys.executable, GEN, "--check"], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


@pytest.mark.skipif(not os.path.exists(GEN), reason="needs the source tree")
def test_check_detects_a_stale_table(tmp_path):
    # A copy of the generator next to a doctored table must report it as out of date.
    import shutil
    shutil.copy(GEN, tmp_path / "gen_opcodes.py")
    ver = "%d%d" % sys.version_info[:2]
    src = open(os.path.join(ROOT, "frontend", "opcodes_%s.h" % ver)).read()
    (tmp_path / ("opcodes_%s.h" % ver)).write_text(src.replace("PYOP(POP_TOP, 1,", "PYOP(POP_TOP, 2,"))
    r = subprocess.run([sys.executable, str(tmp_path / "gen_opcodes.py"), "--check"], capture_output=True, text=True)
    assert r.returncode == 1
