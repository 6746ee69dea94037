"""try/except/else/finally, raise with values and causes, and exceptions across compiled calls.

Every function runs in CPython and compiled (difftest.check): the same result, or the same
exception type (and the same args where they are the user's constants). Parametrised over
where the exception starts (this function, a compiled callee, a callee's callee, one of ember's
own operations, a prange body) and how it leaves (caught, re-raised, through finally with
return/break/continue).
"""

import math
import re
import traceback

import numpy as np
import pytest

from difftest import ON_NUMBA, check, check_all, errors, impl, jit, no_leaks  # noqa: F401

pytestmark = pytest.mark.skipif(ON_NUMBA, reason="numba catches only bare except / except Exception")


class AppError(Exception):
    pass


class DeepError(AppError):
    pass


class OtherError(ValueError):
    pass


# ---- where an exception starts --------------------------------------------------------------

@impl.njit
def leaf(k):
    if k == 1:
        raise ValueError("leaf value")
    if k == 2:
        raise DeepError("leaf deep")
    if k == 3:
        return 10 // (k - 3)          # ZeroDivisionError from ember's own operation
    if k == 4:
        raise OtherError(k, 2.5)
    return k * 10


@impl.njit
def middle(k):
    return leaf(k) + 1                # a callee's exception passes through


def start_here(k):
    if k == 1:
        raise ValueError("here value")
    if k == 2:
        raise DeepError("here deep")
    if k == 3:
        return 10 // (k - 3)
    if k == 4:
        raise OtherError(k, 2.5)
    return k * 10


# What computes r inside the try: the raise in this very function, or a call.
SOURCES = {
    "same function": """
        if k == 1:
            raise ValueError("here value")
        if k == 2:
            raise DeepError("here deep")
        if k == 3:
            r = 10 // (k - 3)
        if k == 4:
            raise OtherError(k, 2.5)
        r = k * 10""",
    "callee": "r = leaf(k)",
    "nested callee": "r = middle(k)",
}

# How it leaves: each template's BODY is replaced by a source above.
LEAVES = {
    "catch_value": """
def f(k):
    r = 0
    try:
        BODY
    except ValueError:
        r = -1
    return r""",
    "catch_app": """
def f(k):
    r = 0
    try:
        BODY
    except AppError:
        r = -2
    return r""",
    "catch_arith_then_any": """
def f(k):
    r = 0
    try:
        BODY
    except ArithmeticError:
        r = -3
    except Exception:
        r = -4
    return r""",
    "catch_tuple": """
def f(k):
    r = 0
    try:
        BODY
    except (ZeroDivisionError, DeepError, KeyError):
        r = -5
    return r""",
    "catch_bare": """
def f(k):
    r = 0
    try:
        BODY
    except:
        r = -6
    return r""",
    "reraise_bare": """
def f(k):
    r = 0
    try:
        BODY
    except ValueError:
        r = 1
        raise
    return r""",
    "reraise_named": """
def f(k):
    r = 0
    try:
        BODY
    except AppError as e:
        r = 100
        raise e
    return r""",
    "finally_return": """
def f(k):
    r = 0
    try:
        BODY
        return r
    finally:
        if k == 2:
            return -7""",
    "finally_break": """
def f(n):
    total = 0
    for k in range(n):
        r = 0
        try:
            BODY
            total += r
        finally:
            if k >= 2:
                break
    return total""",
    "finally_continue": """
def f(n):
    total = 0
    for k in range(n):
        r = 0
        try:
            BODY
            total += r
        except ValueError:
            total += 1000
            continue
        finally:
            total += 1
        total += 7
    return total""",
    "else_clause": """
def f(k):
    r = 0
    try:
        BODY
    except ArithmeticError:
        r = -8
    else:
        r += 5
    finally:
        r *= 2
    return r""",
}


def make(leave, where):
    body = SOURCES[where].strip("\n")
    lines = [ln for ln in LEAVES[leave].splitlines()]
    out = []
    for ln in lines:
        if ln.strip() == "BODY":
            indent = ln[: len(ln) - len(ln.lstrip())]
            src = [b.strip() for b in body.splitlines()] if "\n" not in body else None
            if src is not None:
                out += [indent + x for x in src]
            else:   # re-indent the block
                block = body.splitlines()
                base = min(len(b) - len(b.lstrip()) for b in block if b.strip())
                out += [indent + b[base:] for b in block]
        else:
            out.append(ln)
    name = f"{leave}_{where.replace(' ', '_')}"
    code = "\n".join(out).replace("def f(", f"def {name}(", 1)
    ns = globals()
    exec(compile(code, __file__, "exec"), ns)
    return ns[name]


@pytest.mark.parametrize("leave", list(LEAVES))
@pytest.mark.parametrize("where", list(SOURCES))
def test_where_and_how(where, leave):
    check_all(make(leave, where), [(k,) for k in range(6)])


# ---- matching --------------------------------------------------------------------------------

def hierarchy(k):
    try:
        if k == 0:
            return 1 // k
        if k == 1:
            raise OverflowError("o")
        if k == 2:
            raise IndexError("i")
        if k == 3:
            raise KeyError(k)
        if k == 4:
            raise RecursionError("r")
        if k == 5:
            raise AssertionError("a")
        return k
    except ArithmeticError:
        return 100
    except LookupError:
        return 200
    except RuntimeError:
        return 300


def test_builtin_hierarchy():
    check_all(hierarchy, [(k,) for k in range(7)])


def user_classes(k):
    try:
        if k == 0:
            raise DeepError("d")
        if k == 1:
            raise AppError("a")
        if k == 2:
            raise OtherError("o")
        return 0
    except DeepError:
        return 1
    except AppError:
        return 2
    except ValueError:
        return 3


def test_user_classes_by_mro():
    check_all(user_classes, [(k,) for k in range(4)])


def ember_operations(k, a):
    try:
        if k == 0:
            return a[k + 100]                 # IndexError from boundscheck
        if k == 1:
            return float(int(math.inf * a[0]))   # OverflowError from int()
        if k == 2:
            return float(int(math.nan * a[0]))   # ValueError from int()
        if k == 3:
            return float(np.arange(0.0, 1.0, 0.0)[0])   # ZeroDivisionError (NumPy raises it too)
        if k == 4:
            return a.reshape(7)[0]            # ValueError from a NumPy method
        return a[0]
    except IndexError:
        return -1.0
    except OverflowError:
        return -2.0
    except ZeroDivisionError:
        return -3.0
    except ValueError:
        return -4.0


def test_ember_operations_are_catchable():
    a = np.arange(1.0, 5.0)
    check_all(ember_operations, [(k, a) for k in range(6)], jit_opts={"boundscheck": True})


# ---- raise with values, causes, bare raise ------------------------------------------------------

def raise_values(x, i):
    if i == 0:
        raise ValueError("bad", x, i)
    if i == 1:
        raise KeyError((i, x))
    if i == 2:
        raise OtherError(x > 0, None, complex(x, 1.0))
    if i == 3:
        raise AppError()
    return x


@pytest.mark.parametrize("i", range(5))
def test_raise_with_values_has_those_args(i):
    f = jit(raise_values)
    try:
        expected = raise_values(2.5, i)
    except Exception as e:  # noqa: BLE001
        with pytest.raises(type(e)) as got:
            f(2.5, i)
        assert got.value.args == e.args
        assert str(got.value) == str(e)
    else:
        assert f(2.5, i) == expected


def test_too_many_values_is_a_located_error():
    def f(x):
        raise ValueError(x, x, x, x, x, x, x, x, x)
    with pytest.raises(errors.UnsupportedError, match="at most 8"):
        jit(f)(1)


def test_an_array_argument_is_a_located_error():
    def f(a):
        raise ValueError(a)
    with pytest.raises(errors.UnsupportedError, match="exception's arguments"):
        jit(f)(np.zeros(2))


def cause(k):
    try:
        try:
            return 1 // k
        except ZeroDivisionError as e:
            if k == 0:
                raise ValueError("wrapped") from e
            raise
    except ValueError as v:
        raise AppError("outer", k) from v


def test_raise_from_sets_cause():
    f = jit(cause)
    with pytest.raises(AppError) as got:
        f(0)
    assert got.value.args == ("outer", 0)
    assert type(got.value.__cause__) is ValueError
    assert got.value.__cause__.args == ("wrapped",)
    assert got.value.__suppress_context__


def from_none(k):
    try:
        return 10 // k
    except ZeroDivisionError:
        raise KeyError(k) from None


def test_raise_from_none_suppresses_context():
    with pytest.raises(KeyError) as got:
        jit(from_none)(0)
    assert got.value.__cause__ is None and got.value.__suppress_context__
    check_all(from_none, [(0,), (3,)])


def bare_raise_outside(k):
    if k:
        raise
    return 1


def test_bare_raise_without_an_exception():
    check_all(bare_raise_outside, [(0,), (1,)])


def nested_handlers(k):
    try:
        raise ValueError("outer")
    except ValueError:
        try:
            if k:
                raise KeyError("inner")
        except KeyError:
            pass
        raise   # the outer ValueError, handled again after the inner handler


def test_bare_raise_after_an_inner_handler():
    check_all(nested_handlers, [(0,), (1,)])


def raise_in_finally(k):
    try:
        if k == 0:
            raise ValueError("body")
    finally:
        if k < 2:
            raise KeyError("finally")
    return k


def test_raise_in_finally_replaces():
    check_all(raise_in_finally, [(0,), (1,), (2,)])


def reraise_caught_later(k):
    saved_ok = False
    try:
        raise OtherError("first", k)
    except ValueError as e:
        saved_ok = True
        try:
            return 10 // k
        except ZeroDivisionError:
            pass
        if saved_ok:
            raise e
        return -1


def test_reraise_a_named_exception_after_another():
    check_all(reraise_caught_later, [(0,), (5,)])


# ---- loops, arrays, leaks ------------------------------------------------------------------------

def loop_with_try(a):
    s = 0.0
    bad = 0
    for i in range(a.shape[0]):
        try:
            if a[i] < 0:
                raise ValueError("negative", i)
            s += math.sqrt(a[i])
        except ValueError:
            bad += 1
    return s, bad


def test_try_in_a_loop():
    a = np.array([1.0, -2.0, 4.0, -0.5, 9.0])
    check(loop_with_try, a)


def arrays_in_try(n, k):
    total = 0.0
    for j in range(n):
        try:
            b = np.ones(4) * j           # a fresh array each iteration
            c = b[:2] + 1.0
            if j == k:
                raise AppError("stop", j)
            total += c.sum()
        except AppError:
            total -= 100.0
        finally:
            total += 0.5
    return total


def test_no_leak_when_caught():
    check_all(arrays_in_try, [(5, 2), (5, 9), (0, 0)])


def arrays_escape(n):
    keep = np.zeros(3)
    try:
        tmp = np.ones(n)
        keep = tmp[:3] * 2.0
        raise DeepError("escape", n)
    finally:
        keep[0] = 7.0


def test_no_leak_when_escaping():
    check_all(arrays_escape, [(5,), (10,)])


def delete_variable(k):
    x = k * 2
    del x
    if k:
        x = 3
    return x


def test_del_then_read_raises_unbound():
    check_all(delete_variable, [(0,), (1,)])


# ---- prange --------------------------------------------------------------------------------------

def prange_caught(a):
    out = np.empty_like(a)
    for i in impl.prange(a.shape[0]):
        try:
            out[i] = 10 // int(a[i])
        except ZeroDivisionError:
            out[i] = -1.0
    return out


def prange_uncaught(a):
    out = np.empty_like(a)
    for i in impl.prange(a.shape[0]):
        if a[i] < 0:
            raise ValueError("negative at", i)
        out[i] = a[i]
    return out


def test_prange_body_catches():
    a = np.arange(-50.0, 50.0)
    check(prange_caught, a, jit_opts={"parallel": True})


def test_prange_lowest_failing_iteration():
    a = np.arange(100000.0)
    a[70000] = -1.0
    a[90000] = -2.0
    f = jit(prange_uncaught, parallel=True)
    with pytest.raises(ValueError) as got:
        f(a)
    assert got.value.args == ("negative at", 70000)


def try_around_prange(a):
    try:
        for i in impl.prange(a.shape[0]):
            if a[i] < 0:
                raise KeyError(i)
        return 0
    except LookupError:
        return 1


def test_try_around_a_prange_loop():
    check_all(try_around_prange, [(np.arange(1000.0),), (np.arange(1000.0) - 5,)], jit_opts={"parallel": True})


# ---- what reaches Python -------------------------------------------------------------------------

def test_traceback_names_the_compiled_function_and_line():
    f = impl.njit(start_here)
    g = impl.njit(middle.py_func)
    try:
        g(1)
    except ValueError as e:
        frames = traceback.extract_tb(e.__traceback__)
    names = [(fr.name, fr.lineno) for fr in frames]
    src = open(__file__).read().splitlines()
    leaf_line = src.index('        raise ValueError("leaf value")') + 1
    assert ("leaf", leaf_line) in names
    assert names.index(("leaf", leaf_line)) > [n for n, _ in names].index("middle")
    assert f(5) == 50


def test_with_statement_is_a_located_error():
    import contextlib

    def f(k):
        with contextlib.suppress(ValueError):
            k += 1
        return k
    with pytest.raises(errors.UnsupportedError, match="with statement") as got:
        jit(f)(1)
    assert "test_try.py" in str(got.value)


@pytest.mark.parametrize("what", ["3", "(ValueError, (KeyError,))"])
def test_catching_a_non_class_is_a_typing_error(what):
    ns = {}
    exec(f"def f(k):\n    try:\n        return 1 // k\n    except {what}:\n        return 0\n", ns)
    with pytest.raises(errors.TypingError, match="BaseException"):
        jit(ns["f"])(1)


def test_returning_a_caught_exception_is_refused():
    def f(k):
        try:
            return 1 // k, None
        except ZeroDivisionError as e:
            return e
    with pytest.raises(errors.EmberError, match="return"):
        jit(f)(0)


# ---- e.args and repr(e) ----------------------------------------------------------------------

def args_of_values(k, x):
    try:
        if k == 1:
            raise ValueError(x, k)
        if k == 2:
            raise OtherError(x * 2.0, -k)
        return (0.0, 0)
    except ValueError as e:
        return e.args


def args_of_strings(k, s):
    try:
        if k:
            raise AppError(s, len(s), (s + "!", k > 1))
        return ("", 0, ("", False))
    except AppError as e:
        return e.args


def args_of_ember_errors(k):
    try:
        return 10 // k, ("",)
    except ZeroDivisionError as e:
        return -1, e.args


def args_of_a_constant_message(k):
    try:
        if k:
            raise ValueError("bad k")
        return 0, ("",)
    except ValueError as e:
        return len(e.args), e.args


def args_of_a_bare_class(k):
    try:
        if k:
            raise ValueError
        raise ValueError()
    except ValueError as e:
        return len(e.args)


def args_of_key_errors(k):
    d = {1: 2.5, 3: 4.5}
    try:
        if k > 10:
            d.pop(k)
        return d[k], (0,)
    except KeyError as e:
        return -1.0, e.args


def args_per_clause(k):
    try:
        if k > 0:
            raise KeyError(k)
        raise ValueError("negative", float(k))
    except KeyError as e:
        return e.args[0] * 1.0
    except ValueError as e:
        return e.args[1]


def reprs(k, s):
    try:
        if k == 1:
            raise AppError(s, k)
        if k == 2:
            raise KeyError(s)
        return str(1 // (k - 3)), ""
    except Exception as e:
        return repr(e), f"{e!r}|{e}"


@pytest.mark.parametrize("f, args", [
    (args_of_values, (1, 2.5)), (args_of_values, (2, -1.5)), (args_of_values, (0, 1.0)),
    (args_of_strings, (1, "héllo")), (args_of_strings, (2, "")), (args_of_strings, (0, "x")),
    (args_of_ember_errors, (0,)), (args_of_ember_errors, (5,)),
    (args_of_a_constant_message, (1,)), (args_of_a_constant_message, (0,)),
    (args_of_a_bare_class, (1,)), (args_of_a_bare_class, (0,)),
    (args_of_key_errors, (7,)), (args_of_key_errors, (12,)), (args_of_key_errors, (3,)),
    (args_per_clause, (4,)), (args_per_clause, (-2,)),
    (reprs, (1, "a'b")), (reprs, (2, "k")), (reprs, (3, "z")), (reprs, (5, "z")),
])
def test_args_and_repr_of_a_caught_exception(f, args):
    check(f, *args)


@impl.njit
def raises_pair(k):
    raise ValueError(k, 1.5)


@impl.njit
def raises_pair_or_message(k):
    if k:
        raises_pair(k)
    raise ValueError("message")


def test_args_of_another_layout_is_a_type_error():
    def f(k):
        try:
            raises_pair_or_message(k)
        except ValueError as e:
            return len(e.args)
        return 0
    g = jit(f)
    assert g(0) == 1
    with pytest.raises(TypeError, match=r"has args \(int64, float64\), but this handler reads them as \(str\)"):
        g(1)


def test_args_that_differ_between_raises_is_a_clear_error():
    def f(k):
        try:
            if k:
                raise ValueError(k)
            raise ValueError("text")
        except ValueError as e:
            return e.args
    with pytest.raises(errors.TypingError, match="e.args has one type per exception"):
        jit(f)(0)


def test_other_attributes_of_a_caught_exception_are_a_clear_error():
    def f(k):
        try:
            return 1 // k
        except ZeroDivisionError as e:
            return e.errno
    with pytest.raises(errors.UnsupportedError, match="caught exception's 'errno' is not supported"):
        jit(f)(0)


def test_a_class_made_by_exec_reaches_python():
    ns = {"__name__": "not_a_module"}
    exec("class Made(ValueError):\n    pass\n"
         "def f(k):\n    raise Made('made', k)\n", ns)
    with pytest.raises(ns["Made"]) as got:
        jit(ns["f"])(3)
    assert got.value.args == ("made", 3)


class BadRepr(ValueError):
    def __repr__(self):
        raise KeyError("no repr")


def test_a_repr_that_raises_raises_that_exception():
    ns = {"BadRepr": BadRepr}
    exec("def f(k):\n    try:\n        raise BadRepr(k)\n    except ValueError as e:\n        return repr(e)\n", ns)
    with pytest.raises(KeyError, match="no repr"):
        jit(ns["f"])(1)


def index_in_try(a, i):
    try:
        return a[i]
    except IndexError:
        return -1.0


def index_2d_in_try(m, i, j):
    try:
        m[i, j] = 7.0
        return m[i, j] + m[-1, -1]
    except IndexError:
        return -2.0


@pytest.mark.skipif(ON_NUMBA, reason="numba reads out of bounds without boundscheck=True")
def test_indexing_inside_try_is_checked():
    # a handler may catch the IndexError, so indices inside a try are checked without boundscheck=True
    a = np.arange(3.0)
    check_all(index_in_try, [(a, 0), (a, 2), (a, -3), (a, 3), (a, -4), (a, 10**9)])
    m = np.zeros((2, 3))
    check_all(index_2d_in_try, [(m, 1, 2), (m, 2, 0), (m, 0, 3), (m, -3, 0)])


# ---- caught exceptions held by pointer ---------------------------------------------------------
# A frame with strings or calls into compiled code holds a caught exception as a counted block
# (codegen/lower_exc.c): copies share it, the last reference drops its strings (no_leaks checks).

@impl.njit
def ratio_or_raise(num, den, label):
    if den == 0.0:
        raise ValueError("zero denominator in " + label, num)
    return num / den


@impl.njit
def describe(e):
    return "caught: " + str(e)


def many_caught_from_a_callee(nums, dens):
    total = 0.0
    n = 0
    last = ""
    first = ""
    for i in range(nums.shape[0]):
        try:
            total += ratio_or_raise(float(nums[i]), float(dens[i]), "row " + str(i))
        except ValueError as e:
            n += 1
            last = describe(e)
            if not first:
                first = repr(e)
    return total, n, last, first


def many_caught_here(ks):
    n = 0
    msg = ""
    for i in range(ks.shape[0]):
        try:
            if ks[i] % 3 == 0:
                raise KeyError("multiple of three: " + str(ks[i]))
            if ks[i] % 5 == 0:
                raise AppError("five", ks[i])
        except KeyError as e:
            n += 1
            msg = repr(e)
        except AppError as e:
            n += 100
            msg = msg + "|" + str(e.args[1])
    return n, msg


def kept_past_its_handler(ks):
    n = 0
    for i in range(ks.shape[0]):
        try:
            leaf(int(ks[i]))
        except Exception as e:
            if n == 0:
                first = e
            n += 1
    if n:
        raise first
    return n


def wrapped_in_a_loop(ks):
    n = 0
    for i in range(ks.shape[0]):
        try:
            try:
                middle(int(ks[i]))
            except ValueError as e:
                raise AppError("wrapped " + str(i)) from e
        except AppError as e:
            n += 1 if isinstance_free_check(str(e)) else 0
    return n


@impl.njit
def isinstance_free_check(s):
    return len(s) > 0


def reraised_after_cleanup(ks):
    out = 0
    for i in range(ks.shape[0]):
        try:
            try:
                out += middle(int(ks[i]))
            except Exception:
                out -= 1
                raise
        except OtherError as e:
            out += 1000 + len(str(e))
        except Exception:
            out += 7
    return out


@pytest.mark.parametrize("rate", [0.0, 0.01, 0.5, 1.0])
def test_many_exceptions_from_a_callee(rate):
    r = np.random.default_rng(3)
    nums = r.random(500)
    dens = np.where(r.random(500) < rate, 0.0, r.random(500) + 0.5)
    check(many_caught_from_a_callee, nums, dens)


def test_many_exceptions_raised_and_caught_here():
    check(many_caught_here, np.arange(-40, 200))


@pytest.mark.parametrize("ks", [[0, 5, 6], [0, 1, 2], [2, 1, 4], [4, 4, 3]])
def test_an_exception_kept_past_its_handler(ks):
    check(kept_past_its_handler, np.array(ks, np.int64))


@pytest.mark.parametrize("ks", [[0, 5, 6], [1, 1, 0, 1], [2, 4, 3]])
def test_exceptions_wrapped_and_reraised_in_a_loop(ks):
    ks = np.array(ks, np.int64)
    check(wrapped_in_a_loop, ks)
    check(reraised_after_cleanup, ks)


def coords_or_nan(xs, ys):
    # a float ZeroDivisionError caught on each trip, in a function returning a tuple of arrays
    a = np.empty(xs.size)
    b = np.empty(xs.size)
    for m in range(xs.size):
        try:
            d = float(xs[m] - ys[m])   # a Python float: CPython raises as compiled code does
            u = 1.0 / d
            v = float(xs[m] + ys[m]) / d
        except Exception:
            u = np.nan
            v = np.nan
        a[m] = u
        b[m] = v
    return a, b


def test_caught_in_a_loop_returning_arrays_stays_a_value():
    """Arrays hold no strings: the caught exception stays a plain value in the frame, not a
    counted block made and freed per trip (HARK's find_coords_numba, every point raising: 28 ns
    a point, 3.4 after; numba 4.3)."""
    xs = np.array([1.0, 2.0, 3.0, 4.0, -0.0])
    ys = np.array([1.0, 0.5, 3.0, 0.0, 0.0])
    check(coords_or_nan, xs, ys)
    check(coords_or_nan, xs[:0], ys[:0])
    f = jit(coords_or_nan)
    f(xs, ys)
    assert "ember_rt_exc_box" not in "\n".join(f.inspect_llvm().values())


@impl.njit
def checked_root(v):
    if v < 0.0:
        raise ValueError("negative")
    return math.sqrt(v)


def roots_or_minus_one(x):
    # a helper that raises, caught around its call on each trip
    out = np.empty(x.size)
    bad = 0
    for i in range(x.size):
        try:
            out[i] = checked_root(x[i])
        except Exception:
            out[i] = -1.0
            bad += 1
    return out, bad


def roots_or_lookup(x):
    # the handler names the callee's class: matched in compiled code, not by name at run time
    out = np.empty(x.size)
    for i in range(x.size):
        try:
            out[i] = checked_root(x[i])
        except (KeyError, ValueError):
            out[i] = -2.0
    return out


@impl.njit
def named_root(v):
    if v < 0.0:
        raise ValueError(f"negative: {v}")
    return math.sqrt(v)


def roots_with_messages(x):
    # a helper whose exception holds a string: the caller counts what it catches
    n = 0
    for i in range(x.size):
        try:
            named_root(x[i])
        except ValueError as e:
            n += len(str(e))
    return n


@pytest.mark.parametrize("x", [[1.0, -1.0, 4.0, -0.0, -2.5], [], [-1.0] * 9, [9.0] * 9])
def test_exception_from_a_helper_caught_in_a_loop(x):
    x = np.array(x)
    check(roots_or_minus_one, x)
    check(roots_or_lookup, x)
    check(roots_with_messages, x)


def test_exception_from_a_helper_is_matched_by_its_class_and_not_counted():
    """A callee whose exceptions hold no strings (CallInfo's raises_refs) leaves the caller's
    caught exceptions plain values (no counted block made and freed per exception)."""
    if ON_NUMBA:
        pytest.skip("ember's generated code")
    f = jit(roots_or_lookup)
    f(np.array([1.0, -1.0]))
    code = "\n".join(f.inspect_llvm().values())
    assert "ember_rt_exc_fetch_box" not in code and "ember_rt_exc_box" not in code
    g = jit(roots_with_messages)
    g(np.array([1.0, -1.0]))
    assert "ember_rt_exc_fetch_box" in "\n".join(g.inspect_llvm().values())


@impl.njit
def nine_sum(a):
    return a.reshape(3, 3).sum()   # the runtime's message is a string it makes


def sum_or_minus_one(a):
    try:
        return nine_sum(a)
    except ValueError:
        return -1.0


@pytest.mark.parametrize("n", [8, 9])
def test_runtime_message_from_a_helper_is_freed_when_caught(n):
    # the callee fails in the C runtime, whose message is a counted string: its caller counts
    # what it catches (no_leaks checks), though neither frame has a string of its own
    check(sum_or_minus_one, np.arange(float(n)))


@impl.njit
def checked_values(x):
    for v in x:
        if v < 0.0:
            raise ValueError(f"negative: {v}")
        yield math.sqrt(v)


def sum_of_checked(x):
    # a generator's exception, with a message made at run time, caught by its consumer
    s = 0.0
    try:
        for v in checked_values(x):
            s += v
    except ValueError:
        s = -1.0
    return s


@pytest.mark.parametrize("x", [[1.0, 4.0], [1.0, -4.0, 9.0], []])
def test_generator_exception_with_a_message_caught_by_its_consumer(x):
    check(sum_of_checked, np.array(x))


def total_of_roots(x):
    # the helper's raise and the handler meet in this frame once the helper is inlined: the
    # exception is stores into the frame's slot, which LLVM takes apart
    t = 0.0
    for v in x:
        try:
            t += checked_root(v)
        except Exception:
            t -= 1.0
    return t


def count_of_roots(x):
    n = 0
    for v in x:
        try:
            if checked_root(v) > 1.0:
                n += 1
        except ValueError:
            n -= 1
    return n


@pytest.mark.parametrize("x", [[1.0, -1.0, 4.0, -0.0, -2.5, 9.0, 0.25, -7.0, 16.0], [], [-1.0] * 19, [4.0] * 19])
def test_helper_raising_into_a_try_of_its_caller(x):
    x = np.array(x)
    check(total_of_roots, x)
    check(count_of_roots, x)


VECTOR_OF_DOUBLES = re.compile(r"<([4-9]|[1-9]\d+) x double>")


def test_helper_raising_into_a_try_of_its_caller_vectorises():
    """A compiled callee's exception goes to the slot its caller hands it (<sym>.x): inside a
    `try`, the caller's frame slot, so the inlined raise, the class test and the handler are
    plain values and branches: the loop vectorises, with no call into the runtime left."""
    if ON_NUMBA:
        pytest.skip("ember's generated code")
    x = np.array([1.0, -1.0, 4.0])
    for fn in (total_of_roots, count_of_roots):
        f = jit(fn)
        f(x)
        ir = "\n".join(f.inspect_llvm().values())
        body = ir[ir.index("define"):]
        assert VECTOR_OF_DOUBLES.search(body)
        for name in ("ember_rt_raise", "ember_rt_traceback", "ember_rt_exc_match", "ember_rt_exc_fetch"):
            assert "call void @%s(" % name not in body and "call i32 @%s(" % name not in body, name


@impl.njit
def root_or_key_error(v):
    if v < 0.0:
        raise KeyError(v)
    return checked_root(v)


def roots_unmatched(x):
    # a handler that does not match: the callee's exception goes on, from the caller's frame
    t = 0.0
    for v in x:
        try:
            t += root_or_key_error(v)
        except IndexError:
            t = -1.0
    return t


@pytest.mark.parametrize("x", [[1.0, 4.0], [1.0, -4.0], [-0.5]])
def test_helper_exception_a_caller_does_not_match(x):
    check(roots_unmatched, np.array(x))


def roots_into(x, m):
    # out[i] is checked inside the try (an IndexError is caught), x[i] and out[i] both in a
    # loop over range(x.size): the test that every index lies in its array is made once
    out = np.zeros(m)
    bad = 0
    for i in range(x.size):
        try:
            out[i] = checked_root(x[i])
        except Exception:
            bad += 1
    return bad, out


def roots_to(x, out):
    # the same into an array passed in, whose size the loop does not know
    bad = 0
    for i in range(x.size):
        try:
            out[i] = checked_root(x[i])
        except Exception:
            out[i] = -1.0
            bad += 1
    return bad


@pytest.mark.parametrize("m", [0, 3, 9, 12])
def test_checked_indices_in_a_try_over_a_range(m):
    x = np.array([1.0, -1.0, 4.0, -0.0, -2.5, 9.0, 0.25, -7.0, 16.0])
    check(roots_into, x, m)
    check(roots_into, x[:0], m)
    if m >= x.size:   # (a shorter out: CPython raises IndexError in the except clause, unchecked here)
        check(roots_to, x, np.zeros(m))


def test_checked_indices_in_a_try_vectorise():
    """Inside a `try` ember checks indices (an IndexError may be caught); where the index is a
    range loop's value, the loop-invariant test floor >= 0 and last < n comes first and LLVM's
    unswitching leaves a copy of the loop with no test, which vectorises. The except clause's own
    code is covered only by the cleanup that re-raises, and is not checked (as outside a try)."""
    if ON_NUMBA:
        pytest.skip("ember's generated code")
    for fn, args in ((roots_into, (np.array([1.0, -1.0]), 2)), (roots_or_minus_one, (np.array([1.0, -1.0]),)),
                     (roots_to, (np.array([1.0, -1.0]), np.zeros(2)))):
        f = jit(fn)
        f(*args)
        ir = "\n".join(f.inspect_llvm().values())
        assert VECTOR_OF_DOUBLES.search(ir[ir.index("define"):]), fn.__name__


def test_unmatched_handler_traceback_names_the_failing_line():
    """An except clause that does not match raises the exception again from where it came into
    the try (the call's line), as CPython's traceback shows it, not from the function's first line."""
    if ON_NUMBA:
        pytest.skip("numba catches only Exception")
    f = jit(roots_unmatched)
    with pytest.raises(KeyError) as info:
        f(np.array([1.0, -0.5]))
    src = open(__file__).read().splitlines()
    call_line = src.index("            t += root_or_key_error(v)") + 1
    frames = [(fr.name, fr.lineno) for fr in traceback.extract_tb(info.value.__traceback__)]
    assert ("roots_unmatched", call_line) in frames, frames
