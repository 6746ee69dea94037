"""Dynamic-programming tables filled with an if/else that stores the same cell in both arms
(edit distance, longest common subsequence, Needleman-Wunsch, Smith-Waterman): differential
against CPython over dtypes, empty and one-letter inputs, tables made in the function and passed
in. codegen/joinstore.c keeps the store the arms share as one store at code generation (the
next trip reads the cell it wrote); the last test checks its marker is in the optimised code."""

import numpy as np
import pytest

from difftest import ON_NUMBA, check, jit, no_leaks  # noqa: F401


def edit_distance(a, b):
    n, m = a.shape[0], b.shape[0]
    D = np.zeros((n + 1, m + 1), dtype=np.int32)
    for i in range(n + 1):
        D[i, 0] = i
    for j in range(m + 1):
        D[0, j] = j
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            if a[i - 1] == b[j - 1]:
                D[i, j] = D[i - 1, j - 1]
            else:
                D[i, j] = 1 + min(D[i - 1, j], D[i, j - 1], D[i - 1, j - 1])
    return D[n, m]


def edit_distance_into(a, b, D):
    n, m = a.shape[0], b.shape[0]
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            if a[i - 1] == b[j - 1]:
                D[i, j] = D[i - 1, j - 1]
            else:
                D[i, j] = 1 + min(D[i - 1, j], D[i, j - 1], D[i - 1, j - 1])
    return D


def lcs_row(a, b):
    n, m = a.shape[0], b.shape[0]
    L = np.zeros((n + 1, m + 1), dtype=np.int64)
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            if a[i - 1] == b[j - 1]:
                L[i, j] = L[i - 1, j - 1] + 1
            elif L[i - 1, j] >= L[i, j - 1]:
                L[i, j] = L[i - 1, j]
            else:
                L[i, j] = L[i, j - 1]
    return L[n].copy()


def smith_waterman(a, b, match, mismatch, gap):
    n, m = a.shape[0], b.shape[0]
    H = np.zeros((n + 1, m + 1))
    best = 0.0
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            if a[i - 1] == b[j - 1]:
                d = H[i - 1, j - 1] + match
            else:
                d = H[i - 1, j - 1] + mismatch
            v = max(0.0, d, H[i - 1, j] + gap, H[i, j - 1] + gap)
            if v > best:
                H[i, j] = v
                best = v
            else:
                H[i, j] = v
    return best, H


def running_clip(x, lo, hi):
    # a 1-D recurrence: out[j] read on the next trip, written in both arms
    out = np.empty_like(x)
    prev = 0.0
    for j in range(x.shape[0]):
        if x[j] + prev > hi:
            out[j] = hi
        else:
            out[j] = max(lo, x[j] + prev)
        prev = out[j] * 0.5
    return out


def _letters(n, k, seed, dtype):
    return np.random.default_rng(seed).integers(0, k, n).astype(dtype)


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.uint8])
@pytest.mark.parametrize("n, m", [(0, 0), (0, 5), (1, 1), (1, 7), (13, 9), (40, 33)])
def test_edit_distance_and_lcs(dtype, n, m):
    a, b = _letters(n, 4, n, dtype), _letters(m, 4, m + 100, dtype)
    check(edit_distance, a, b)
    check(lcs_row, a, b)
    D = np.zeros((n + 1, m + 1), np.int32)
    D[:, 0] = np.arange(n + 1)
    D[0, :] = np.arange(m + 1)
    check(edit_distance_into, a, b, D)


@pytest.mark.parametrize("n, m", [(0, 3), (1, 1), (17, 23)])
def test_smith_waterman(n, m):
    check(smith_waterman, _letters(n, 4, 1, np.int64), _letters(m, 4, 2, np.int64), 2.0, -1.0, -1.5)


@pytest.mark.parametrize("n", [0, 1, 50])
def test_running_clip(n):
    x = np.random.default_rng(n).normal(size=n)
    check(running_clip, x, -0.5, 0.75)


@pytest.mark.skipif(ON_NUMBA, reason="ember's generated code")
def test_the_shared_store_stays_one_store():
    f = jit(edit_distance)
    assert f(np.array([1, 2, 3]), np.array([1, 3])) == 1
    assert 'asm sideeffect ""' in "\n".join(f.inspect_llvm().values())
