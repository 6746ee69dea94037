"""NumPy's shape and assembly functions, compiled vs NumPy: flip fliplr flipud rot90 swapaxes
moveaxis expand_dims squeeze broadcast_to atleast_1d/2d/3d diagonal diag trace triu tril roll
tile repeat stack hstack vstack dstack column_stack concatenate split array_split pad meshgrid
indices, over dtypes and layouts (C, F, reversed, strided; empty and one-element arrays),
keyword forms, run-time errors (same exception type as NumPy) and located compile errors.

split and array_split give a list of views, as NumPy's, for a constant or a run-time number of
sections."""

import inspect

import numpy as np
import pytest

from difftest import ON_NUMBA, check, check_all, errors, jit, layouts, no_leaks, sample  # noqa: F401

pytestmark = pytest.mark.skipif(ON_NUMBA, reason="ember's NumPy function set (numba lacks several)")

DTYPES = ["bool", "int8", "uint16", "int64", "float32", "float64", "complex128"]


def cases(dtype, shape, which=("C", "F", "reversed", "strided")):
    return [(v,) for _, v in layouts(sample(dtype, shape), which)]


# ------------------------------------------------------------------ views


def flips(a):
    return np.flip(a), np.flip(a, 0), np.flip(a, axis=(0, -1)), np.flipud(a), np.fliplr(a)


@pytest.mark.parametrize("dtype", DTYPES)
def test_flip(dtype):
    check_all(flips, cases(dtype, (3, 4)) + cases(dtype, (2, 3, 2)) + [(np.zeros((0, 3), dtype),)])


def rots(a, k):
    return np.rot90(a), np.rot90(a, k), np.rot90(a, k=k, axes=(1, 0))


def test_rot90():
    check_all(rots, [(v, k) for _, v in layouts(sample("int32", (3, 5))) for k in (-5, -1, 0, 1, 2, 3, 4, 7)])
    check(lambda a, k: np.rot90(a, k, axes=(0, 2)), sample("float64", (2, 3, 4)), 1)


def axes_views(a, i, j):
    return np.swapaxes(a, i, j), a.swapaxes(j, i), np.moveaxis(a, 0, -1), np.moveaxis(a, (0, 1), (2, 0)), \
        np.expand_dims(a, 1), np.expand_dims(a, (0, -1)), np.squeeze(np.expand_dims(a, 2), axis=2)


@pytest.mark.parametrize("dtype", ["bool", "int16", "float64", "complex64"])
def test_axis_views(dtype):
    check_all(axes_views, [(v, i, j) for _, v in layouts(sample(dtype, (2, 3, 4))) for i, j in ((0, 1), (-1, 0), (2, 2))])
    check_all(axes_views, [(np.zeros((0, 2, 1), dtype), 0, 2)])


def swap_bad(a, i):
    return np.swapaxes(a, i, 0)


def test_swapaxes_run_time_axis_error():
    check_all(swap_bad, [(np.zeros((2, 3)), 2), (np.zeros((2, 3)), -3)])


def squeeze_bad(a):
    return np.squeeze(a, axis=0)


def test_squeeze_not_one():
    check_all(squeeze_bad, [(np.zeros((2, 3)),), (np.zeros((1, 3)),)])


def bcast(a, n):
    return np.broadcast_to(a, (n, 3)), np.broadcast_to(a, (2, n, 3)).sum()


def test_broadcast_to():
    check_all(bcast, [(np.arange(3.0), 4), (np.ones((1, 3), np.int32), 2), (np.arange(3), 0)])
    check_all(bcast, [(np.arange(4.0), 2), (np.arange(3.0), -1)])   # ValueError both
    check(lambda x: np.broadcast_to(x, 3), 2.5)


def test_broadcast_to_is_read_only():
    def f(a):
        b = np.broadcast_to(a, (2, 3))
        b[0, 0] = 1.0
        return b

    with pytest.raises(errors.TypingError):
        jit(f)(np.arange(3.0))


def atleasts(a):
    return np.atleast_1d(a), np.atleast_2d(a), np.atleast_3d(a)


@pytest.mark.parametrize("dtype", ["int8", "float64", "complex128"])
def test_atleast(dtype):
    check_all(atleasts, [(sample(dtype, s),) for s in ((), (4,), (2, 3), (2, 1, 3), (0,))])
    check_all(atleasts, [(2.5,), (3,), (True,)])
    check(lambda a, b: np.atleast_2d(a, b), np.arange(3), np.ones((2, 2)))


def diags(a, k):
    return np.diagonal(a), np.diagonal(a, k), a.diagonal(offset=-k), np.diag(a, k), np.trace(a), a.trace(k)


@pytest.mark.parametrize("dtype", ["bool", "uint8", "int64", "float32", "complex128"])
def test_diagonal_trace(dtype):
    check_all(diags, [(v, k) for shape in ((3, 4), (4, 3), (1, 1), (0, 2)) for _, v in layouts(sample(dtype, shape))
                      for k in (0, 1, -2, 5)])
    check(lambda a: np.diagonal(a, 1, 0, 2), sample("float64", (3, 2, 4)))
    check(lambda a: np.diagonal(a, axis1=2, axis2=1), sample("int32", (3, 2, 4)))
    check(lambda a: (np.trace(a), np.trace(a, 1, 0, 2), a.trace(-1, axis1=2, axis2=1)), sample(dtype, (3, 2, 4)))


def diag_vec(v, k):
    return np.diag(v), np.diag(v, k)


@pytest.mark.parametrize("dtype", ["bool", "int32", "float64", "complex64"])
def test_diag_of_vector(dtype):
    check_all(diag_vec, [(v, k) for _, v in layouts(sample(dtype, (4,)), ("C", "reversed", "strided")) for k in (0, 2, -3)]
              + [(np.zeros(0, dtype), 1)])


def test_diagonal_is_read_only():
    def f(a):
        d = np.diagonal(a)
        d[0] = 1.0
        return d

    with pytest.raises(errors.TypingError):
        jit(f)(np.eye(3))


def split_views(a):
    x, y = np.split(a, 2)
    x[0] = 7   # views of a, as in NumPy
    return a


def splits(a, i):
    s0, s1, s2 = np.split(a, 3)
    t0, t1, t2 = np.split(a, (1, i))
    u0, u1, u2, u3 = np.array_split(a, 4)
    v0, v1, v2, v3 = np.array_split(a, (i, -1, 2), axis=0)
    return s0, s1, s2, t0, t1, t2, u0, u1, u2, u3, v0, v1, v2, v3


def split_cols(a):
    x, y = np.split(a, 2, axis=1)
    p, q, r = np.array_split(a, 3, axis=-1)
    return x, y, p, q, r


def test_split():
    check_all(splits, [(v, i) for _, v in layouts(sample("float64", (6, 2))) for i in (0, 3, 9, -2)])
    check(split_cols, sample("int16", (3, 4)))
    check(split_views, np.arange(6.0))


def split_at(a, idx):
    return np.split(a, idx, axis=1), np.array_split(a, idx), len(np.split(a[0], idx[1:-1]))


def test_split_at_an_array_of_indices():
    # sections between the indices of an integer array, wrapped and clamped as slices take them
    # (scanpy's np.split(data, indptr[1:-1]))
    a = np.arange(24.0).reshape(4, 6)
    for idx in (np.array([2, -1, 1, 9]), np.zeros(0, np.int64), np.array([0, 3], np.int32)):
        check(split_at, a, idx)


def split_at_list(a, k):
    return np.split(a, [1, 3]), np.array_split(a, [2, k, 100], axis=1), np.hsplit(a, [k]), np.split(a[0], [-2, 1])


def test_split_at_a_list_of_indices():
    # NumPy's usual spelling, np.split(a, [i, j]): the list taken as an array of indices
    a = np.arange(24.0).reshape(4, 6)
    for k in (0, 2, -1, 7):
        check(split_at_list, a, k)


def test_split_unequal():
    check(lambda a: np.split(a, 4)[0], np.arange(6.0))   # ValueError
    check(lambda a: np.array_split(a, 4)[3], np.arange(6.0))


def split_n(a, n):
    parts = np.array_split(a, n, axis=-1)
    parts.append(a)
    return parts, len(parts)


def split_n_equal(a, n):
    return np.split(a, n)


@pytest.mark.parametrize("n", [1, 2, 4, 5, 7, 70, 0, -3])
def test_split_into_a_run_time_number_of_sections(n):
    check(split_n, sample("float64", (5, 6)), n)
    check(split_n, np.arange(7.0)[::-1], n)
    check(split_n_equal, np.arange(70.0), n)   # ValueError where 70 % n, ZeroDivisionError for 0


# ------------------------------------------------------------------ new arrays


def tris(a, k):
    return np.triu(a), np.tril(a), np.triu(a, k), np.tril(a, k=k)


@pytest.mark.parametrize("dtype", DTYPES)
def test_triu_tril(dtype):
    check_all(tris, [(v, k) for shape in ((3, 4), (2, 3, 3), (0, 2), (4,), (0,)) for _, v in layouts(sample(dtype, shape))
                     for k in (0, 2, -1)])   # a 1-d v: masks v broadcast to (n, n)


def rolls(a, s):
    return np.roll(a, s), np.roll(a, s, axis=0), np.roll(a, -s, axis=-1), np.roll(a, (s, 1), axis=(0, 1)), \
        np.roll(a, (1, s), axis=0)


@pytest.mark.parametrize("dtype", DTYPES)
def test_roll(dtype):
    check_all(rolls, [(v, s) for _, v in layouts(sample(dtype, (3, 4))) for s in (0, 1, -5, 13)]
              + [(np.zeros((0, 3), dtype), 2), (sample(dtype, (1, 1)), 3)])
    check(lambda a, s: np.roll(a, s), sample(dtype, (5,)), -2)


def tiles(a, n):
    return np.tile(a, n), np.tile(a, (n, 1)), np.tile(a, (2, 1, n))


@pytest.mark.parametrize("dtype", ["bool", "int8", "float64", "complex128"])
def test_tile(dtype):
    check_all(tiles, [(v, n) for shape in ((3,), (2, 3)) for _, v in layouts(sample(dtype, shape)) for n in (0, 1, 3)])
    check_all(tiles, [(np.zeros((0, 2), dtype), 2)])
    check(lambda x: np.tile(x, (2, 2)), 1.5)


def test_tile_negative():
    check(lambda a: np.tile(a, -1), np.arange(3))


def repeats(a, r):
    return np.repeat(a, r), np.repeat(a, r, axis=0), a.repeat(r, axis=-1)


@pytest.mark.parametrize("dtype", ["bool", "uint8", "int64", "float32", "complex64"])
def test_repeat(dtype):
    check_all(repeats, [(v, r) for _, v in layouts(sample(dtype, (3, 2))) for r in (0, 1, 3)])
    check_all(repeats, [(np.zeros((0, 2), dtype), 2), (sample(dtype, (1, 1)), 4)])


def repeat_scalar(v, r):
    return np.repeat(v, r)


def test_repeat_of_a_number():
    check_all(repeat_scalar, [(7, 3), (2.5, 0), (True, 2), (1 + 2j, 1), (3, np.array([2])), (3, -1)])


def repeat_numpy_scalars(a):
    return np.repeat(np.float32(0.1), 3), np.repeat(np.int8(3), 2), np.repeat(a[0], 2)


def test_repeat_of_a_numpy_scalar_keeps_its_dtype():
    # statsforecast's _tsb: np.repeat(np.float32(0), n) is float32, as NumPy's
    check(repeat_numpy_scalars, np.array([1, 2], np.uint16))


def repeat_counts(a, r):
    return np.repeat(a, r, axis=0), np.repeat(a[:, 0], r)


def test_repeat_counts():
    a = sample("float64", (3, 2))
    check_all(repeat_counts, [(a, np.array([1, 0, 3])), (a, np.array([2])), (a, np.array([1, 2, 3], np.int32)[::-1])])
    check_all(repeat_counts, [(a, np.array([1, 2])), (a, np.array([1, -1, 2]))])   # ValueError both
    check(lambda a, r: np.repeat(a, r), a, -1)


def stacks(a, b):
    return (np.stack((a, b)), np.stack([a, b], axis=1), np.stack((a, b), axis=-1), np.hstack((a, b)),
            np.vstack([a, b]), np.dstack((a, b)), np.column_stack((a, b)), np.concatenate([a, b]))


@pytest.mark.parametrize("dtype", ["bool", "int32", "float64", "complex128"])
def test_stacks(dtype):
    for shape in ((3,), (2, 3), (1, 1), (0,)):
        va, vb = layouts(sample(dtype, shape)), layouts(sample(dtype, shape, seed=1))
        check_all(stacks, [(x, y) for (_, x), (_, y) in zip(va, vb[::-1])])


def test_stacks_mixed_dtypes():
    check(stacks, np.arange(3, dtype=np.int8), np.linspace(0, 1, 3))
    check(lambda a, b: np.hstack((a, b)), np.ones((2, 3)), np.zeros((2, 1), np.int32))
    check(lambda a, b: np.vstack((a, b)), np.ones(3), np.zeros((2, 3)))
    check(lambda a, b: np.column_stack((a, b)), np.ones(3), np.zeros((3, 2)))


def test_stack_shape_errors():
    check(lambda a, b: np.stack((a, b)), np.ones(3), np.ones(4))
    check(lambda a, b: np.vstack((a, b)), np.ones(3), np.ones(4))
    check(lambda a, b: np.concatenate((a, b), axis=1), np.ones((2, 3)), np.ones((3, 3)))


def pads(a, w):
    return (np.pad(a, w), np.pad(a, (w, 1)), np.pad(a, ((1, w), (w, 0))), np.pad(a, w, constant_values=9),
            np.pad(a, (1, w), mode="edge"), np.pad(a, ((w, 2), (0, w)), mode="wrap"), np.pad(a, 7, "wrap"))


@pytest.mark.parametrize("dtype", ["bool", "int16", "float64", "complex64"])
def test_pad(dtype):
    check_all(pads, [(v, w) for shape in ((2, 3), (1, 1)) for _, v in layouts(sample(dtype, shape)) for w in (0, 1, 4)])
    check(lambda a: (np.pad(a, 2), np.pad(a, (1, 3), "edge"), np.pad(a, 5, mode="wrap")), sample(dtype, (3,)))


def test_pad_errors():
    check(lambda a: np.pad(a, -1), np.ones(3))
    check(lambda a: np.pad(a, 1, mode="edge"), np.ones((0, 2)))
    check(lambda a: np.pad(a, 1, mode="wrap"), np.ones((2, 0)))
    check(lambda a: np.pad(a, 1), np.ones((0, 2)))


def meshes(x, y, z):
    return np.meshgrid(x, y), np.meshgrid(x, y, indexing="ij"), np.meshgrid(x, y, z), np.meshgrid(z, indexing="ij")


def test_meshgrid():
    check_all(meshes, [(np.arange(3.0), np.arange(4)[::-1], np.ones(2, np.float32)),
                       (np.zeros(0), np.arange(2), np.arange(3)[::2].astype(np.int8))])


def test_indices():
    check(lambda n: np.indices((2, n)), 3)
    check(lambda n: np.indices((n, 2, 1), dtype=np.int32), 2)
    check(lambda n: np.indices((n,)), 0)


# ------------------------------------------------------------------ compile-time errors


def compile_error(fn, *args):
    with pytest.raises((errors.TypingError, errors.UnsupportedError)) as info:
        jit(fn)(*args)
    line = inspect.getsourcelines(fn)[1]
    text = str(info.value)
    assert f"test_np_shape.py:" in text and "^" in text, text
    return text, line


@pytest.mark.parametrize("fn, args, what", [
    (lambda a: np.flip(a, 2), (np.ones((2, 2)),), "out of bounds"),
    (lambda a, k: np.expand_dims(a, k), (np.ones(2), 0), "integer constant"),
    (lambda a: np.squeeze(a), (np.ones((1, 2)),), "axis="),
    (lambda a: np.split(a, 2.5), (np.ones(4),), "an int or a tuple"),
    (lambda a: np.moveaxis(a, (0, 1), 0), (np.ones((2, 2)),), "same number"),
    (lambda a: np.pad(a, 1, mode="reflected"), (np.ones(3),), "mode"),
    (lambda a: np.pad(a, 1, mode="edge", constant_values=1), (np.ones(3),), "constant_values"),
    (lambda a: np.stack((a, 1.0)), (np.ones(3),), "arrays"),
    (lambda a: np.fliplr(a), (np.ones(3),), "2 dimensions"),
    (lambda a: np.meshgrid(a, indexing="xx"), (np.ones(3),), "indexing"),
    (lambda a: np.tile(a, 1.5), (np.ones(3),), "reps"),
])
def test_compile_errors(fn, args, what):
    text, _ = compile_error(fn, *args)
    assert what in text, text


# ------------------------------------------------------------------ creation with dtypes


def linspaces(a, b, n):
    return (np.linspace(a, b, n), np.linspace(a, b, n, endpoint=False), np.linspace(a, b, num=n, dtype=np.float32),
            np.linspace(a, b, n, dtype=np.int32), np.linspace(a, b, n, endpoint=False, dtype=np.uint8),
            np.linspace(a, b, n, retstep=True)[1], np.linspace(a, b, n, True, True, np.int64)[0])


def test_linspace():
    check_all(linspaces, [(0, 10, 7), (2.5, -3.0, 5), (0, 1, 1), (3, 3, 4), (0.0, 1e-320, 5), (0, 255, 0), (1, 2, 2)])
    check(linspaces, 0, 1, -1)   # ValueError


@pytest.mark.parametrize("dtype", ["bool", "int8", "uint16", "int32", "uint64", "float32", "complex64", "complex128"])
def test_creation_dtypes(dtype):
    dt = np.dtype(dtype).type
    check(lambda n: (np.zeros((n, 2), dt), np.ones(n, dtype=dt), np.full((2, n), 1, dtype=dt), np.empty(n, dt).shape), 3)
    if dtype != "bool":
        check(lambda n: (np.arange(n, dtype=dt), np.arange(1, n, 2, dtype=dt)), 6)


# ------------------------------------------------------------------ mgrid / ogrid


def grids():
    return (np.mgrid[0:5], np.mgrid[0:5, 0:3], np.mgrid[-1:1:5j], np.mgrid[0:1:0.25, 0:2:3j], np.mgrid[1:10:3, 0:2, 0:1:2j],
            np.mgrid[0:0:1j], np.mgrid[0:1:1j, 0:3], np.mgrid[0:-3:-1, 0:2], np.mgrid[:3], np.mgrid[0.5:3], np.mgrid[0:3, ],
            np.mgrid[0:1:0.1], np.mgrid[5:0])


def ogrids():
    return np.ogrid[0:5, 0:3], np.ogrid[0:1:4j, 2:0:-0.5], np.ogrid[0:3], np.ogrid[5:0, 0:2], np.ogrid[0:2:3j]


def test_mgrid_ogrid():
    check(grids)
    check(ogrids)


def run_time_grids(n, x, s):
    return np.mgrid[0:n, 0:x:3j], np.ogrid[-x:x:s, 0:n], np.mgrid[n:0:-1]


def test_grids_of_run_time_values():
    check_all(run_time_grids, [(3, 2.0, 0.5), (0, 1.5, 1.0), (4, -1.0, -0.25), (2, 1.0, 0.0)])   # last: ZeroDivisionError
    check(lambda n: np.mgrid[n:0, 0:2], 3)   # negative length: ValueError
    check(lambda n: np.mgrid[0:3:n * 1j], 4)


@pytest.mark.parametrize("fn, what", [
    (lambda: np.mgrid[0:2:1, :], "stop"),
    (lambda: np.mgrid[0:1j:3], "cannot be complex128"),
])
def test_grid_compile_errors(fn, what):
    with pytest.raises(errors.TypingError) as info:
        jit(fn)()
    text = str(info.value)
    assert "test_np_shape.py:" in text and what in text, text


def test_concatenate_axis_none():
    """axis=None joins the arrays flattened in C order (found by tools/np_probe.py: it was taken as 0)."""
    a = sample("float64", (2, 3))
    check_all(lambda a, b: (np.concatenate((a, b), axis=None), np.concatenate([a.T, b], None)),
              [(x, sample("int32", (2, 2), 1)) for _, x in layouts(a)] + [(np.zeros((0, 3)), np.zeros((1, 0), np.int8))])


def unpack_rows(a, v):
    x, y = np.mgrid[0:3, 0:1:4j]
    p, q = a
    s, t, u = v
    return x + y, p - q, s * t + u


def test_unpack_array_rows():
    """x, y = np.mgrid[...] and a, b = array: the rows (elements of a 1-d array); ValueError for a
    length other than the names' count, as NumPy's iteration gives."""
    check_all(unpack_rows, [(sample("float64", (2, 3)), sample("int64", (3,))), (sample("float64", (3, 3)), sample("int64", (3,))),
                            (sample("float32", (2, 0)), sample("int64", (2,)))])


def sections_kept(a, idx):
    return np.split(a, idx), np.array_split(a, 3)


def test_sections_outlive_the_callers_array():
    """The sections of a caller's array share one block holding it: dropping the array in Python
    leaves them valid."""
    a = np.arange(20.0)
    got = jit(sections_kept)(a, np.array([3, 9, 15]))
    del a
    import gc
    gc.collect()
    assert [list(p) for p in got[0]] == [list(p) for p in np.split(np.arange(20.0), [3, 9, 15])]
    assert [list(p) for p in got[1]] == [list(p) for p in np.array_split(np.arange(20.0), 3)]
