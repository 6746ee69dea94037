"""int() of a float whose test waits for the end of its loop (codegen/lower_defer.c).

In a `for` loop that qualifies, int(x), round(x), math.floor(x) and math.ceil(x) of a float
record a failure (NaN: ValueError; an infinity or a float outside int64: OverflowError) and go
on; the loop raises the first one CPython would have raised, at its line, when it ends or when
anything else in it raises. The loop vectorises. Such a loop writes only arrays its function
made and nothing else reaches, so what a caller sees is CPython's: the exception, and its own
arrays written up to the failing element, as the comparisons of every argument here check."""

import math
import traceback

import numpy as np
import pytest

from difftest import ON_NUMBA, check, impl, jit, no_leaks  # noqa: F401

pytestmark = pytest.mark.skipif(ON_NUMBA, reason="numba converts without a test")

BAD = [np.nan, np.inf, -np.inf, 1e300, -1e300, 9223372036854775808.0]
GOOD_EDGES = [-9223372036854775808.0, 9223372036854774784.0, -0.0, 0.5, -0.5, 1e18, -2.5]


def outcome(fn, *args):
    """(result or None, exception type, message, the line in this file where it was raised)."""
    try:
        return fn(*args), None, None, None
    except Exception as e:   # noqa: BLE001
        tb = [f for f in traceback.extract_tb(e.__traceback__) if f.filename == __file__]
        return None, type(e), str(e), tb[-1].lineno if tb else None


def same_failure(fn, *args):
    """fn raises in CPython and compiled alike (type, message, line); argument arrays agree."""
    copies = [a.copy() if isinstance(a, np.ndarray) else a for a in args]
    want = outcome(fn, *copies)
    got = outcome(jit(fn), *args)
    # CPython's own int() of 1e300 succeeds; storing it fails with a message of its own
    # (and raises where it stores it)
    if want[2] is None or want[2].startswith("cannot convert") or got[1] is not OverflowError:
        assert got[1:] == want[1:], (got[1:], want[1:])
    else:
        assert got[1] == want[1], (got[1:], want[1:])
    for a, b in zip(args, copies):
        if isinstance(a, np.ndarray):
            assert np.array_equal(a, b, equal_nan=True)
    return want


def llvm_of(fn):
    text = jit(fn).inspect_llvm()
    return "\n".join(text.values()) if isinstance(text, dict) else text


def waits(fn):
    """Whether fn's conversions wait (their failures are kept in a umin key)."""
    return "llvm.umin.i64" in llvm_of(fn)


def quantize(x, scale):
    out = np.empty(x.shape[0], np.int64)
    for i in range(x.shape[0]):
        out[i] = int(x[i] * scale)
    return out


def quantize_round(x):
    out = np.zeros_like(x, dtype=np.int64)
    for i in range(x.shape[0]):
        out[i] = round(x[i])
    return out


def floor_ceil(x):
    out = np.empty(x.shape[0], np.int64)
    for i in range(x.shape[0]):
        out[i] = math.floor(x[i]) + 2 * math.ceil(x[i] * 0.5)
    return out


@pytest.mark.parametrize("fn", [quantize, quantize_round, floor_ceil])
def test_good_values(fn):
    x = np.concatenate([np.linspace(-1e6, 1e6, 1001), GOOD_EDGES])
    if fn is floor_ceil:
        x = x[np.abs(x) < 4e18]   # floor(x) + 2 * ceil(x / 2) stays in int64
    check(fn, *((x, 1.0) if fn is quantize else (x,)))
    assert waits(fn)


@pytest.mark.parametrize("bad", BAD)
@pytest.mark.parametrize("where", [0, 1, 7, 8, 15, 16, 99, 100, 1000, 1022])
def test_first_failure(bad, where):
    x = np.linspace(-100.0, 100.0, 1023)
    x[where] = bad
    same_failure(quantize, x, 1.0)
    same_failure(quantize_round, x)


@pytest.mark.parametrize("first,second", [(np.nan, np.inf), (np.inf, np.nan), (1e300, np.nan), (np.nan, -1e300),
                                          (-np.inf, 1e300)])
@pytest.mark.parametrize("gap", [1, 3, 8, 50])
def test_mixed_failures_report_the_first(first, second, gap):
    x = np.ones(200)
    x[20], x[20 + gap] = first, second
    same_failure(quantize, x, 3.0)


def two_sites(x, y):
    out = np.empty(x.shape[0], np.int64)
    for i in range(x.shape[0]):
        a = int(x[i])
        b = int(y[i] * 2.0)
        out[i] = a - b
    return out


@pytest.mark.parametrize("xs,ys", [
    ({5: np.nan}, {5: np.inf}),     # same trip: the first site
    ({6: np.nan}, {5: np.inf}),     # the second site's trip comes first
    ({5: np.inf}, {6: np.nan}),
    ({5: 1e300}, {}), ({}, {5: -np.inf}), ({}, {})])
def test_two_sites(xs, ys):
    x, y = np.arange(64.0), np.arange(64.0) / 3
    for k, v in xs.items():
        x[k] = v
    for k, v in ys.items():
        y[k] = v
    same_failure(two_sites, x, y)


def then_divides(x, d):
    out = np.empty(x.shape[0], np.int64)
    for i in range(x.shape[0]):
        v = int(x[i])
        out[i] = v // int(d[i])   # a Python int: CPython raises too
    return out


def then_raises(x):
    out = np.empty(x.shape[0], np.int64)
    for i in range(x.shape[0]):
        v = int(x[i])
        if x[i] > 50.0:
            raise ValueError("too big")
        out[i] = v
    return out


def test_a_later_error_gives_way():
    x, d = np.arange(40.0), np.ones(40, np.int64)
    x[10], d[20] = np.inf, 0
    same_failure(then_divides, x, d)
    x[10], d[5] = np.inf, 0                          # the division by zero comes first
    same_failure(then_divides, x, d)
    y = np.arange(100.0)
    y[30] = np.nan
    same_failure(then_raises, y)
    y[30] = 30.0
    same_failure(then_raises, y)
    assert waits(then_divides) and waits(then_raises)


@impl.njit
def raises_a_string(x):
    out = np.empty(x.shape[0], np.int64)
    for i in range(x.shape[0]):
        v = int(x[i])
        if x[i] < -100.0:
            raise ValueError("too small at " + str(i))
        out[i] = v
    return out


def catches_it(x):
    try:
        return raises_a_string(x)[0]
    except ValueError as e:
        return -1 if str(e).startswith("cannot") else -2


def test_a_later_error_gives_way_in_a_callers_try():
    """The callee raises its string exception into its caller's slot; the waiting conversion's
    error replaces it there, and the string is dropped (no_leaks)."""
    x = np.arange(40.0)
    x[10], x[20] = np.nan, -200.0
    assert check(catches_it, x) == -1
    x[10], x[5] = 1.0, np.nan
    x[3] = -300.0                                    # the raise comes first
    assert check(catches_it, x) == -2
    assert waits(raises_a_string)


def divides_by_it(x):
    out = np.empty(x.shape[0], np.int64)
    for i in range(x.shape[0]):
        v = int(x[i])
        out[i] = 1000 // v
    return out


def test_divisor_and_clamps():
    x = np.arange(1.0, 41.0)
    check(divides_by_it, x)
    x[7] = np.nan   # the arbitrary int may be 0: ZeroDivisionError gives way to the conversion's error
    same_failure(divides_by_it, x)
    assert waits(divides_by_it)


def breaks(x, limit):
    out = np.zeros(x.shape, np.int64)
    n = 0
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            out[i, j] = int(x[i, j])
        if x[i, 0] > limit:
            break
        n += 1
    return n, out


def test_break_leaves_by_the_test():
    """The row loop waits for the conversions of the loop inside it; its break is one way out."""
    x = np.arange(60.0).reshape(20, 3)
    check(breaks, x, 30.0)
    x[5, 1] = np.nan
    same_failure(breaks, x, 30.0)
    x[5, 1], x[12, 2] = 5.0, np.inf   # the break after row 11 comes first: no error
    check(breaks, x, 30.0)
    x[12, 2], x[11, 2] = 0.0, -np.inf  # row 11 is converted before the break
    same_failure(breaks, x, 30.0)
    assert waits(breaks)


def scalar_loop(pos, box):
    """A loop over j accumulating into f[i] (through memory) does not vectorise: its floor()s test
    at once, as a waiting test would only cost there."""
    n = pos.shape[0]
    f = np.zeros(n)
    for i in range(n):
        for j in range(n):
            d = pos[i] - pos[j]
            d -= box * math.floor(d / box + 0.5)
            f[i] += d
    return f


def gamma_per_channel(img, g):
    """A loop with a maths call keeps its test: glibc's scalar pow, not 8 lanes of the vector one
    for each of a pixel's 3 channels (samemath.c)."""
    h, w, c = img.shape
    out = np.empty((h, w, c), np.uint8)
    for i in range(h):
        for j in range(w):
            for k in range(c):
                v = int(255.0 * img[i, j, k] ** g[k] + 0.5)
                out[i, j, k] = 255 if v > 255 else v
    return out


def gamma_channels(img, g):
    """Unless the loop over channels runs merged with the loop over columns (lower_collapse.c):
    then it has w * c trips and vectorises, and its test waits."""
    h, w, c = img.shape
    out = np.empty((h, w, c), np.uint8)
    for i in range(h):
        for j in range(w):
            for k in range(c):
                v = int(255.0 * img[i, j, k] ** g + 0.5)
                out[i, j, k] = 255 if v > 255 else v
    return out


def test_maths_loops_test_at_once():
    img = np.random.default_rng(5).random((6, 7, 3))
    g = np.array([0.8, 0.9, 1.1])
    check(gamma_per_channel, img, g)
    img[2, 3, 1] = np.nan
    same_failure(gamma_per_channel, img, g)
    assert not waits(gamma_per_channel)


@pytest.mark.parametrize("at", [(0, 0, 0), (2, 3, 1), (5, 6, 2)])
@pytest.mark.parametrize("bad", [np.nan, np.inf, -1e300])
def test_merged_maths_loops_wait(at, bad):
    img = np.random.default_rng(5).random((6, 7, 3))
    check(gamma_channels, img, 0.8)
    img[at] = bad
    same_failure(gamma_channels, img, 0.8)
    same_failure(gamma_channels, img[:, :, :2], 0.8)   # not merged: the nested loops wait
    assert waits(gamma_channels)


def test_scalar_loops_test_at_once():
    pos = np.linspace(0.0, 9.0, 30)
    check(scalar_loop, pos, 10.0)
    pos[7] = np.nan
    same_failure(scalar_loop, pos, 10.0)
    assert not waits(scalar_loop)


def conv_u8(img, k):
    h, w = img.shape
    out = np.empty((h - 2, w - 2), dtype=np.uint8)
    for i in range(h - 2):
        for j in range(w - 2):
            s = 0.0
            for a in range(3):
                for b in range(3):
                    s += img[i + a, j + b] * k[a, b]
            v = int(s + 0.5)
            out[i, j] = 0 if v < 0 else (255 if v > 255 else v)
    return out


def test_nested_constant_loops():
    rng = np.random.default_rng(1)
    img, k = rng.integers(0, 256, (40, 67)).astype(np.uint8), rng.standard_normal((3, 3))
    check(conv_u8, img, k)
    k[1, 1] = np.nan
    same_failure(conv_u8, img, k)
    k[1, 1], img[17, 30] = np.inf, 0      # inf * 0 is NaN at (16..17, 29..30) only
    same_failure(conv_u8, img, k)
    assert waits(conv_u8)


def as_index(x, a):
    s = 0
    for i in range(x.shape[0]):
        s += a[int(x[i])]
    return s


def inner_range(x):
    s = 0
    for i in range(x.shape[0]):
        for j in range(int(x[i])):
            s += j
    return s


def with_while(x):
    s = 0
    for i in range(x.shape[0]):
        v = int(x[i])
        while v > 0:
            v //= 2
            s += 1
    return s


def prints(x):
    s = 0
    for i in range(x.shape[0]):
        v = int(x[i])
        if v == 3:
            print("three")
        s += v
    return s


def into_argument(x, out):
    for i in range(x.shape[0]):
        out[i] = int(x[i])
    return out


def appended(x, keep):
    out = np.empty(x.shape[0], np.int64)
    keep.append(out)
    for i in range(x.shape[0]):
        out[i] = int(x[i])
    return out


def aliased(x, y):
    out = np.empty(x.shape[0], np.int64)
    other = out if x.shape[0] > 0 else y
    for i in range(x.shape[0]):
        other[i] = int(x[i])
    return out


def view_written(x, y):
    out = y[:]
    for i in range(x.shape[0]):
        out[i] = int(x[i])
    return out


@pytest.mark.parametrize("fn", [as_index, inner_range, with_while, prints, into_argument, appended, aliased,
                                view_written])
def test_loops_that_keep_the_test(fn, capfd):
    """An int that may index (unchecked by default), bound a loop or reach output keeps its test,
    and so does a loop writing an array its caller may see."""
    x = np.array([1.0, 2.0, 3.0, np.nan, 1e300, 2.0])
    extra = {as_index: (np.arange(4),), into_argument: (np.zeros(6, np.int64),), aliased: (np.zeros(6, np.int64),),
             view_written: (np.zeros(6, np.int64),)}.get(fn, ())
    if fn is appended:
        keep_py, keep_jit = [np.zeros(1, np.int64)], [np.zeros(1, np.int64)]
        want, got = outcome(fn, x, keep_py), outcome(jit(fn), x, keep_jit)
        assert got[1:] == want[1:] and np.array_equal(keep_py[1][:3], keep_jit[1][:3])
    else:
        same_failure(fn, x, *extra)
    out = capfd.readouterr().out
    assert out.count("three") == (2 if fn is prints else 0)   # CPython's run, then ember's
    assert not waits(fn)


def test_quantize_vectorises():
    x = np.linspace(-5, 5, 64)
    f = jit(quantize)
    assert np.array_equal(f(x, 3.0), quantize(x, 3.0))
    asm = f.inspect_asm()
    text = "\n".join(asm.values()) if isinstance(asm, dict) else asm
    assert "vcvttpd2qq" in text and "vpminuq" in text


# ---- float division by zero waits as a conversion's failure does --------------------------
# (the elements are made Python floats: CPython divides NumPy scalars as NumPy does)

def ratio(a, b):
    out = np.empty(a.shape[0])
    for i in range(a.shape[0]):
        out[i] = float(a[i]) / float(b[i])
    return out


def floor_ratio(a, b):
    out = np.empty(a.shape[0])
    for i in range(a.shape[0]):
        out[i] = float(a[i]) // float(b[i])
    return out


def remainder(a, b):
    out = np.empty(a.shape[0])
    for i in range(a.shape[0]):
        out[i] = float(a[i]) % float(b[i])
    return out


def ratio_sum(a, b):
    s = 0.0
    for i in range(a.shape[0]):
        s += float(a[i]) / (float(b[i]) - 1.0)
    return s


def angle(u, v):
    """A loop with no loop around it is long: its maths call does not keep the test."""
    out = np.empty(u.shape[0])
    for i in range(u.shape[0]):
        d = u[i, 0] * v[i, 0] + u[i, 1] * v[i, 1]
        nu = math.sqrt(u[i, 0] ** 2 + u[i, 1] ** 2)
        nv = math.sqrt(v[i, 0] ** 2 + v[i, 1] ** 2)
        out[i] = math.acos(min(1.0, max(-1.0, float(d) / float(nu * nv))))
    return out


def convert_then_divide(x, y):
    out = np.empty(x.shape[0])
    for i in range(x.shape[0]):
        v = int(x[i])
        out[i] = v / float(y[i])
    return out


def divide_then_convert(x, y):
    out = np.empty(x.shape[0], np.int64)
    for i in range(x.shape[0]):
        out[i] = int(float(x[i]) / float(y[i]))
    return out


def ratio_into(a, b, out):
    for i in range(a.shape[0]):
        out[i] = float(a[i]) / float(b[i])
    return out


def rows_exp_ratio(a, b):
    """Inside another loop, a loop with a maths call keeps its test (it may be of a few trips)."""
    out = np.empty(a.shape)
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            out[i, j] = math.exp(float(a[i, j]) / float(b[i, j])) + a[i, j] * j
    return out


def merged_ratio(a, b):
    out = np.empty(a.shape)
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            out[i, j] = math.exp(float(a[i, j]) / float(b[i, j]))
    return out


@pytest.mark.parametrize("fn", [ratio, floor_ratio, remainder])
@pytest.mark.parametrize("where", [None, 0, 17, 63])
@pytest.mark.parametrize("zero", [0.0, -0.0])
def test_division_waits(fn, where, zero):
    a = np.linspace(-3.0, 5.0, 64)
    b = np.linspace(0.5, 2.0, 64)
    if where is not None:
        b[where] = zero
    if where is None:
        check(fn, a, b)
    else:
        same_failure(fn, a, b)
    assert waits(fn)


def test_division_in_a_sum():
    a = np.arange(50.0)
    b = np.full(50, 3.0)
    check(ratio_sum, a, b)
    b[31] = 1.0
    same_failure(ratio_sum, a, b)
    assert waits(ratio_sum)


def test_maths_in_a_loop_of_its_own():
    rng = np.random.default_rng(3)
    u, v = rng.random((40, 2)), rng.random((40, 2))
    check(angle, u, v)
    u[9] = 0.0
    same_failure(angle, u, v)
    assert waits(angle)


@pytest.mark.parametrize("nan_at,zero_at", [(5, 3), (2, 3), (4, 4), (None, 0), (7, None)])
def test_division_and_conversion_in_order(nan_at, zero_at):
    x = np.arange(1.0, 11.0)
    y = np.full(10, 2.0)
    if nan_at is not None:
        x[nan_at] = np.nan
    if zero_at is not None:
        y[zero_at] = 0.0
    same_failure(convert_then_divide, x, y)
    same_failure(divide_then_convert, x, y)   # x / 0.0 fails before int() of it would
    assert waits(convert_then_divide) and waits(divide_then_convert)


def test_divisions_that_keep_the_test():
    a, b = np.arange(1.0, 9.0), np.ones(8)
    b[4] = 0.0
    same_failure(ratio_into, a, b, np.zeros(8))   # the caller's array: written up to the failure
    assert not waits(ratio_into)
    a2, b2 = np.ones((3, 4)), np.ones((3, 4))
    b2[1, 2] = 0.0
    same_failure(rows_exp_ratio, a2, b2)
    assert not waits(rows_exp_ratio)


def test_division_in_merged_loops():
    a, b = np.ones((3, 4)), np.full((3, 4), 2.0)
    check(merged_ratio, a, b)
    b[2, 1] = 0.0
    same_failure(merged_ratio, a, b)
    same_failure(merged_ratio, a[:, ::2], b[:, ::2])   # not merged: the nested loops wait
    assert waits(merged_ratio)


def int_ratio(a, b):
    out = np.empty(a.shape[0])
    for i in range(a.shape[0]):
        out[i] = int(a[i]) / int(b[i])
    return out


def scalar_ratio(a, b):
    return a / b


@pytest.mark.parametrize("where", [None, 0, 9])
def test_int_true_division(where):
    """int / int by zero says "division by zero", as CPython does, waiting or not."""
    a, b = np.arange(10), np.arange(1, 11)
    if where is None:
        check(int_ratio, a, b)
    else:
        b[where] = 0
        same_failure(int_ratio, a, b)
    assert waits(int_ratio)
    assert outcome(jit(scalar_ratio), 3, 0)[1:3] == (ZeroDivisionError, "division by zero")
    assert outcome(jit(scalar_ratio), 3.0, 0)[1:3] == (ZeroDivisionError, "float division by zero")
    assert outcome(jit(scalar_ratio), True, False)[1:3] == (ZeroDivisionError, "division by zero")
