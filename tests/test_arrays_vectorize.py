"""Loops over contiguous arrays vectorise: inspect_asm() of a sum loop and a saxpy loop over
C-contiguous arrays shows packed AVX2 (ymm) or AVX-512 (zmm) instructions. Skipped off x86-64/AVX2 and
on the numba backend (the test reads ember's assembly)."""

import platform

import numpy as np
import pytest

from difftest import ON_NUMBA, njit

pytestmark = pytest.mark.skipif(
    ON_NUMBA or platform.machine() != "x86_64" or "avx2" not in open("/proc/cpuinfo").read(),
    reason="needs ember on x86-64 with AVX2")


def int_sum(a):
    t = 0
    for i in range(a.shape[0]):
        t += a[i]
    return t


def saxpy(alpha, x, y, out):
    for i in range(x.shape[0]):
        out[i] = alpha * x[i] + y[i]


def expr(x, y):
    return 2.0 * x + y


def asm_of(fn, *args):
    f = njit(fn)
    f(*args)
    return "\n".join(f.inspect_asm().values())


def packed(asm, mnemonics):
    return [line for line in asm.splitlines()
            if ("ymm" in line or "zmm" in line) and any(m in line for m in mnemonics)]


def test_sum_loop_vectorises():
    asm = asm_of(int_sum, np.arange(1000, dtype=np.int64))
    assert packed(asm, ("vpaddq",)), asm


def test_saxpy_loop_vectorises():
    x = np.ones(1000)
    asm = asm_of(saxpy, 2.0, x, x, np.empty(1000))
    assert packed(asm, ("vfmadd", "vmulpd", "vaddpd")), asm


def test_array_expression_vectorises():
    x = np.ones(1000)
    asm = asm_of(expr, x, x)
    assert packed(asm, ("vfmadd", "vmulpd", "vaddpd")), asm
