"""np.lib.stride_tricks: as_strided (a view of given shape and strides over the array's memory,
unchecked, as NumPy's) and sliding_window_view (NumPy's shapes, strides and messages; read-only
unless writeable=True)."""
import numpy as np
import pytest
from numpy.lib.stride_tricks import as_strided, sliding_window_view

from ember import njit


def rolling_mean(x, w):
    return sliding_window_view(x, w).mean(axis=-1)


def windows_2d(x):
    return sliding_window_view(x, (2, 3)).sum(axis=(2, 3))


def along_axis(x):
    return sliding_window_view(x, 2, axis=0).max(axis=-1), sliding_window_view(x, 3, axis=-1).min(axis=-1)


@pytest.mark.parametrize("n, w", [(10, 3), (5, 5), (5, 1)])
def test_rolling_windows(n, w):
    x = np.random.default_rng(n).standard_normal(n)
    np.testing.assert_array_equal(njit(rolling_mean)(x, w), rolling_mean(x, w))


def test_empty_windows():
    x = np.arange(6.0)
    assert njit(lambda x: sliding_window_view(x, 0).shape)(x) == sliding_window_view(x, 0).shape == (7, 0)


def test_windows_over_axes():
    x = np.arange(20.0).reshape(4, 5)
    np.testing.assert_array_equal(njit(windows_2d)(x), windows_2d(x))
    for g, w in zip(njit(along_axis)(x), along_axis(x)):
        np.testing.assert_array_equal(g, w)
    xs = x[:, ::2]   # a strided view: its own strides
    np.testing.assert_array_equal(njit(rolling_mean)(xs[1], 2), rolling_mean(xs[1], 2))


def test_views_share_memory_and_are_read_only():
    x = np.arange(6.0)
    v = njit(lambda x: sliding_window_view(x, 3))(x)
    assert not v.flags.writeable and v.shape == (4, 3) and np.shares_memory(v, x)
    v2 = njit(lambda x: sliding_window_view(x, 3, writeable=True))(x)
    assert v2.flags.writeable


def write_window(x):
    v = sliding_window_view(x, 2)
    v[0, 0] = 1.0


def test_writing_a_read_only_window_is_a_compile_error():
    from ember.errors import EmberError
    with pytest.raises(EmberError, match="read-only"):
        njit(write_window)(np.arange(4.0))


@pytest.mark.parametrize("w, axis, match", [(7, None, "larger than input"), (-1, None, "negative"),
                                            (2, 3, "out of bounds")])
def test_bad_windows_raise_numpys_errors(w, axis, match):
    x = np.arange(6.0)
    f = njit(lambda x: sliding_window_view(x, w, axis=axis)) if axis is not None else njit(lambda x: sliding_window_view(x, w))
    with pytest.raises(ValueError, match=match):
        f(x)
    with pytest.raises(ValueError, match="must provide window_shape for all dimensions"):
        njit(lambda x: sliding_window_view(x, 2))(np.ones((2, 2)))


def test_as_strided():
    x = np.arange(10.0)
    f = njit(lambda x, n: as_strided(x, shape=(n - 2, 3), strides=(x.strides[0], x.strides[0])))
    np.testing.assert_array_equal(f(x, 10), as_strided(x, (8, 3), (8, 8)))
    g = njit(lambda x: as_strided(x, (5,), (16,), writeable=False))
    r = g(x)
    assert not r.flags.writeable and list(r) == [0.0, 2.0, 4.0, 6.0, 8.0]

    @njit
    def local(n):
        y = np.arange(n * 1.0)
        return as_strided(y, (n // 2,), (16,))   # the view keeps y's memory
    np.testing.assert_array_equal(local(8), [0.0, 2.0, 4.0, 6.0])
