"""`...` (Ellipsis) in array subscripts, compiled vs NumPy: reading (views, elements, None,
slices, one or several index arrays, boolean arrays) and writing (assignment, augmented
assignment, broadcasting), over dtypes and layouts, a subscript tuple held in a variable, and
located compile errors (two ellipses, too many indices); a subscript that indexes every
dimension with an integer and holds `...` is a 0-d view, as NumPy's."""

import numpy as np
import pytest

from difftest import ON_NUMBA, check, check_all, errors, jit, layouts, no_leaks, sample  # noqa: F401

pytestmark = pytest.mark.skipif(ON_NUMBA, reason="ember's indexing forms")

DTYPES = ["bool", "int8", "uint32", "int64", "float32", "float64", "complex64", "complex128"]


def reads(a):
    return (a[..., 0], a[1, ...], a[...], a[..., None], a[1, ..., 2], a[..., 1:3], a[None, ..., 0], a[:, ..., ::-1],
            a[..., 1, :], a[0, 1, ...], a[..., -1][0])


def reads_1d(v):
    return v[...], v[..., None], v[None, ...], v[..., ::2], v[..., 1:][..., 0:2]


@pytest.mark.parametrize("dtype", DTYPES)
def test_ellipsis_reads(dtype):
    check_all(reads, [(x,) for _, x in layouts(sample(dtype, (2, 3, 4)))])
    check(lambda a: (a[...], a[..., 1:], a[1, ...], a[..., None, :]), np.zeros((2, 0, 3), dtype))
    check_all(reads_1d, [(x,) for _, x in layouts(sample(dtype, (5,)), ("C", "reversed", "strided"))])


def fancy(a, i, j, m):
    return a[..., i], a[..., i, j], a[i, ..., j], a[..., m], a[..., i][..., None]


def test_ellipsis_with_index_arrays():
    a = sample("float64", (3, 4, 5))
    i, j = np.array([0, 2, -1]), np.array([1, 1, 0])
    check(fancy, a, i, j, sample("bool", (5,)))
    check(fancy, a, np.array([0, 7, 1]), j, sample("bool", (5,)))   # out of range: IndexError


def writes(a, b):
    a[..., 0] = -1
    a[1, ...] += 2
    a[...] *= 2
    a[..., 1:, None] = 3
    a[0, ..., 2] = b[0]
    a[..., 1] = b[..., 2][0]
    return a


@pytest.mark.parametrize("dtype", ["int16", "float32", "float64", "complex128"])
def test_ellipsis_writes(dtype):
    b = sample(dtype, (3, 4), 1)
    check_all(writes, [(x, b) for _, x in layouts(sample(dtype, (2, 3, 4)))])


def zero_d_views(a, i):
    z = a[1, 2, ...]
    w = a[i, -1, ...]
    z[...] = 9   # writes through to a
    return z, w, a[1, 2, ...] + 1, a, np.array(4.0)[...], a[..., 0, 0]


@pytest.mark.skipif(ON_NUMBA, reason="numba gives the element")
def test_every_dimension_an_integer_is_a_0d_view():
    check(zero_d_views, np.arange(12.0).reshape(3, 4), 0)
    check(zero_d_views, np.asfortranarray(np.arange(12).reshape(3, 4)), 2)


def held(a):
    t = (..., 1)
    u = (0, ...)
    a[t] = 7
    return a[t], a[u], a[(Ellipsis, None)]


def test_ellipsis_in_a_variable_and_by_name():
    check(held, sample("float64", (2, 3)))
    check(lambda a: a[Ellipsis, 0], sample("int64", (2, 3)))


def test_ellipsis_stacked_values():
    """The form NumPy code uses to broadcast eigenvalues against vectors."""
    check(lambda v, w: v * w[..., None, :], sample("float64", (2, 3, 3)), sample("float64", (2, 3), 1))


@pytest.mark.parametrize("fn, what", [
    (lambda a: a[..., 0, ...], "single ellipsis"),
    (lambda a: a[..., 0, 0, 0], "too many indices"),
])
def test_ellipsis_compile_errors(fn, what):
    with pytest.raises(errors.TypingError) as info:
        jit(fn)(np.zeros((2, 2)))
    text = str(info.value)
    assert "test_np_index.py:" in text and "^" in text and what in text, text


def versions_across_branches(a, c):
    x = a
    s = x[..., 0].sum()
    if c:
        x = a.astype(np.int32)[0]   # another dtype and ndim on one side
        s += x.sum()
    else:
        x = 3                       # an int on the other: the versions never meet
        s += x
    x = np.mgrid[0:2, 0:3]          # a new version after the join
    p, q = x
    return s + x.sum() + (p - q)[..., -1].sum()


def test_typing_rules_in_combination():
    """Issue 18's typing rules with this session's forms: a name re-assigned to other array kinds in
    branches that do not meet, then to a grid, unpacked, indexed with `...`."""
    a = sample("float64", (2, 3))
    check_all(versions_across_branches, [(a, True), (a, False), (a.T.copy(order="F")[:2], True)])
