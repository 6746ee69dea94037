"""Forms that numba libraries use (numba-stats, stumpy, poliastro, pysheds, pydata sparse,
fast_hdbscan, pynndescent), each compiled vs CPython: type(x)(1) as a conversion, numba.config
read in compiled code, a 0-d array stored into an element, np.cross of a list, the truth of a
one-element array, a list stored into a row or slice, a global np.dtype instance as dtype=,
NumPy reductions of numbers. Runs on both backends (EMBER_TEST_BACKEND=numba)."""

import numpy as np
import pytest

from difftest import ON_NUMBA, check, errors, impl, no_leaks, numba_leaks, numba_xfail  # noqa: F401  (autouse: frees)


def pointwise_pdf(x):
    T = type(x)               # numba-stats: constants of the argument's own type
    return T(1) / x + T(0.5), type(x)(2) * x


def test_type_of_a_number_converts():
    for x in (4.0, np.float32(0.1), 3, np.float64(-2.5)):
        check(pointwise_pdf, x)


def threads_cap():
    return impl.config.NUMBA_NUM_THREADS >= 1


def test_config_in_compiled_code():
    assert impl.njit(threads_cap)() is True


def rotation_z(angle):
    R = np.zeros((3, 3))
    c = np.cos(np.asarray(angle))
    R[0, 0] = c               # a 0-d array stored into an element: its value
    R[..., 1, 1] = c
    R[2, 2] = np.asarray(1.0)
    return R


def normal_of(h):
    return np.cross([0, 0, 1], h), np.cross(h, (1.0, 0.0, 0.0))


def test_zero_d_values_and_sequences_as_operands():
    for a in (0.3, -1.0):
        check(rotation_z, a)
    check(normal_of, np.array([1.0, 2.0, 3.0]))
    check(normal_of, np.array([[1.0, 2.0, 3.0], [0.5, 0.0, -1.0]]))


def label_of(a, x):
    b = a[a == x]
    if b >= 2.0:              # the truth of a one-element array
        return 1
    return 0


def truth_of(a):
    return bool(a)


def negated(a):
    return not a


@numba_leaks("numba does not free the arrays live where compiled code raises")
def test_truth_of_arrays():
    check(label_of, np.array([1.0, 3.0]), 3.0)
    check(label_of, np.array([1.0, 3.0]), 1.0)
    for a in (np.array([True]), np.array([0.0]), np.array([[5]]), np.array([2, 3]), np.zeros(0)):
        check(truth_of, a)    # more than one element, or none: ValueError


@numba_xfail("numba has no `not` of an array")
def test_not_of_an_array():
    for a in (np.array([True]), np.array([0.0]), np.array([2, 3])):
        check(negated, a)


def rows_from_lists(i, x):
    a = np.zeros((2, 3), np.intp)
    a[1] = [i, i + 1, 1]      # pydata sparse: a list literal into a row
    b = np.zeros(5)
    b[1:4] = [x, 2.0, 3]
    return a, b


def wrong_length(i):
    a = np.zeros((2, 3))
    a[0] = [i, i]
    return a


@numba_leaks("numba does not free the arrays live where compiled code raises")
def test_lists_stored_into_rows_and_slices():
    check(rows_from_lists, 4, 0.5)
    check(wrong_length, 2)    # ValueError: cannot broadcast


def through_an_index_array(x):
    a = np.zeros(4)
    a[np.array([0, 2])] = [x, 2.0]
    return a


@pytest.mark.skipif(ON_NUMBA, reason="ember's message")
def test_a_list_through_an_index_array_is_refused():
    # (it stored nothing, silently)
    with pytest.raises(errors.UnsupportedError, match="assigning a list through an index array"):
        impl.njit(through_an_index_array)(5.0)


F32 = np.dtype("float32")
I16 = np.dtype(np.int16)


def of_dtypes(n):
    return np.zeros(n, dtype=F32), np.ones(n, I16), np.arange(n).astype(F32)


def test_dtype_instances_as_dtype():
    check(of_dtypes, 3)


def reductions_of_numbers(x, k):
    return np.sum(k), np.prod(x), np.mean(k), np.max(x), np.min(3), np.any(0), np.all(x), np.std(x)


def more_reductions_of_numbers(x, k):
    return np.var(k), np.argmax(x), np.cumsum(k), np.cumprod(x), np.count_nonzero(k)


@pytest.mark.parametrize("x, k", [(3.0, 2), (-1.5, 0), (np.float32(0.1), 7)])
def test_reductions_of_numbers(x, k):
    check(reductions_of_numbers, x, k)


@numba_xfail("numba's var, argmax, cumprod and count_nonzero take arrays only; its cumsum of a number is a number")
def test_more_reductions_of_numbers():
    for x, k in [(3.0, 2), (-1.5, 0)]:
        check(more_reductions_of_numbers, x, k)


def flat_updates(a, x):
    for k in range(0, a.size, 3):
        a.flat[k] += x * k    # pysheds: a.flat[kix] of arrays of any strides
    a.flat[a.size - 1] = -1.0
    return a.flat[1] + a.flat[a.size - 2]


def test_flat_of_arrays_of_any_strides():
    base = np.arange(48.0).reshape(6, 8)
    for a in (base.copy(), base[:, ::2], base.T, base[1:5, 2:7]):
        check(flat_updates, a, 0.5)
    check(flat_updates, np.arange(60.0).reshape(3, 4, 5)[:, ::-1, 1:], 2.0)


types = impl.types


@impl.njit("void(float64[:], int32)", inline="always")
def _set_first(a, i):
    a[i] = 1.5


def set_first(a):
    _set_first(a, 0)       # fast_hdbscan: an inline="always" callee typed for the call, not its signature
    return a


def test_inline_always_callee_takes_the_calls_types():
    check(set_first, np.zeros(3, np.float32))
    check(set_first, np.zeros(2))


def squares_dict(n):
    rows = [[0]]
    d = {0: 0}
    _ = rows.pop()
    _ = d.pop(0)
    for i in range(n):
        d[i] = i * i
        rows.append([i, i])
    return rows, d


def test_signature_returning_a_typed_dict_of_a_dict_made_in_code():
    sig = types.Tuple((types.List(types.List(types.int64)), types.DictType(types.int64, types.int64)))(types.int64)
    rows, d = impl.njit(sig)(squares_dict)(3)   # pysheds: a dict display returned as the signature's DictType
    assert isinstance(d, impl.typed.Dict) and dict(d) == {0: 0, 1: 1, 2: 4} and list(map(list, rows)) == [[0, 0], [1, 1], [2, 2]]


Pair = __import__("collections").namedtuple("Pair", ["data", "count"])
PairType = types.NamedTuple((types.float64[::1], types.int64), Pair)


def pair_total(p):
    return p.data.sum() * p.count


def make_pair(n):
    return Pair(np.arange(n) * 1.0, n)


def test_namedtuple_types_in_signatures():
    f = impl.njit(types.float64(PairType))(pair_total)   # fast_hdbscan's kd-tree signatures
    assert f(Pair(np.ones(3), 2)) == 6.0
    g = impl.njit(PairType(types.int64))(make_pair)
    got = g(3)
    assert isinstance(got, Pair) and got.count == 3 and got.data.tolist() == [0.0, 1.0, 2.0]


def heap_of(n, item_type):
    heap = impl.typed.List.empty_list(item_type)   # pysheds: the item type passed in
    for i in range(n):
        heap.append((0.5 * (n - i), i))
    return len(heap), heap[0]


def test_type_objects_as_arguments():
    f = impl.njit(heap_of)
    assert f(3, types.Tuple([types.float64, types.int64])) == (3, (1.5, 0))
    assert f(2, types.Tuple([types.float64, types.int64])) == (2, (1.0, 0))   # (an equal type object: the same code)
    assert impl.njit(lambda n, t: len(impl.typed.List.empty_list(t)) + n)(1, types.float64) == 1


def euclidean_grad(x, y, w):
    result = 0.0
    for i in range(w.shape[0]):
        result += w[i] ** 2
    d = np.sqrt(result)                 # np.sqrt of a Python float: an np.float64, strong under NEP 50
    return d, (x - y) / (1e-6 + d), (x - y) * np.exp(0.5), (x - y) * (2 * np.int64(3))


@numba_xfail("numba does not follow NEP 50: (x - y) * (2 * np.int64(3)) is a float64 there")
def test_numpy_scalars_from_ufuncs_are_strong():
    # umap's euclidean_grad: float32 vectors over np.sqrt's float64 give float64, as NumPy 2's
    x = np.array([0.5, 1.5, -2.0], np.float32)
    check(euclidean_grad, x, np.zeros(3, np.float32), np.array([0.5, 1.5, -2.0]))


@pytest.mark.skipif(ON_NUMBA, reason="ember's stand-in for numba.cuda")
def test_cuda_imports_and_says_it_is_not_there():
    # `from numba import cuda` at a library's top level (datashader) imports; a GPU kernel raises
    from ember import cuda
    assert cuda.is_available() is False
    with pytest.raises(errors.UnsupportedError, match="no CUDA target"):
        cuda.jit(lambda x: x)
