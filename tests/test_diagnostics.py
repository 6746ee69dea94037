"""Diagnostics: code ember cannot compile raises an EmberError subclass whose text points at
the user's source, in this form:

    kernels.py:12 in saxpy: cannot add float64 and str
        y[i] = a * x[i] + s
                   ^^^^^^^^

The first line names the file's basename, the line and the function; then the source line;
then a line of carets under the offending expression. Each test finds the expected line with
inspect and checks the caret columns against the displayed source line where the offending
expression is clear. Skipped under numba, whose messages have another form."""

import contextlib
import inspect
import linecache
import os
import re

import numpy as np
import pytest

from difftest import ON_NUMBA, errors, jit, njit

pytestmark = pytest.mark.skipif(ON_NUMBA, reason="ember's diagnostic format; numba's differs")

HEADER = re.compile(r"^(?P<file>[^\s:]+):(?P<line>\d+) in (?P<func>[\w.<>]+): (?P<what>\S.*)$")
CARETS = re.compile(r"^\s*\^+\s*$")

GREETING = "hello"
CTX = contextlib.nullcontext()


# ------------------------------------------------------------------ functions that fail


def add_str(x):
    y = x * 2.0
    return y + GREETING


def uses_except_star(x):
    try:
        y = 10 // x
    except* ZeroDivisionError:
        y = 0
    return y


def uses_yield_from(n):
    yield from range(n)


def uses_with(x):
    with CTX:
        x += 1
    return x


def uses_dict(x):
    d = {[x]: x}
    return d[[x]]


def uses_list(x):
    items = [x, (x, x)]
    return items[0]


def calls_unknown(x):
    return undefined_function(x) + 1  # noqa: F821


def type_changes(x):
    if x > 0:
        t = (x, x)
    else:
        t = 1.5
    return t


# ------------------------------------------------------------------ helpers


def line_of(fn, snippet):
    """Absolute line number of the first source line of fn containing snippet."""
    lines, start = inspect.getsourcelines(fn)
    for i, text in enumerate(lines):
        if snippet in text:
            return start + i
    raise AssertionError(f"{snippet!r} not in the source of {fn.__name__}")


def diagnose(fn, *args):
    """The exception compiling fn for args raises (at decoration or at the first call)."""
    with pytest.raises(errors.EmberError) as info:
        jit(fn)(*args)
    return info.value


def parse(exc):
    """(header match, displayed source line, caret line) of a diagnostic."""
    text = str(exc)
    lines = text.splitlines()
    assert len(lines) >= 3, f"diagnostic has fewer than 3 lines:\n{text}"
    m = HEADER.match(lines[0])
    assert m, f"first line is not 'file.py:LINE in FUNC: what':\n{text}"
    assert CARETS.match(lines[2]), f"third line is not a caret line:\n{text}"
    return m, lines[1], lines[2]


def caret_text(source_line, caret_line):
    start = caret_line.index("^")
    end = caret_line.rindex("^") + 1
    assert end <= len(source_line.rstrip()), f"carets run past the source line:\n{source_line}\n{caret_line}"
    return source_line[start:end]


def check_diagnostic(exc, fn, lines, caret=None):
    """exc points into fn at one of lines (absolute numbers), with a caret under caret (a str
    the marked text must equal, a callable that must accept it, or None for any non-blank
    text of the line). Returns the header match."""
    m, shown, carets = parse(exc)
    text = str(exc)
    assert m["file"] == os.path.basename(__file__), text
    assert m["func"] == fn.__name__, text
    line = int(m["line"])
    assert line in lines, f"reported line {line}, expected one of {sorted(lines)}:\n{text}"
    actual = linecache.getline(__file__, line)
    assert shown.strip() == actual.strip(), f"shown source is not line {line}:\n{text}"
    marked = caret_text(shown, carets)
    assert marked.strip(), f"carets under blank text:\n{text}"
    if isinstance(caret, str):
        assert marked == caret, f"carets mark {marked!r}, expected {caret!r}:\n{text}"
    elif caret is not None:
        assert caret(marked), f"carets mark {marked!r}:\n{text}"
    return m


# ------------------------------------------------------------------ tests


def test_add_float_and_str():
    exc = diagnose(add_str, 1.5)
    assert isinstance(exc, errors.TypingError)
    m = check_diagnostic(exc, add_str, {line_of(add_str, "y + GREETING")}, caret="y + GREETING")
    assert "float64" in m["what"] and "str" in m["what"], str(exc)


def test_add_float_and_str_explicit_signature():
    # Eager compilation reports the same diagnostic when the decorator is applied.
    with pytest.raises(errors.TypingError) as info:
        f = njit("float64(float64)")(add_str)
        f(1.0)
    check_diagnostic(info.value, add_str, {line_of(add_str, "y + GREETING")}, caret="y + GREETING")


def test_diagnostic_repeats_on_second_call():
    f = njit(add_str)
    with pytest.raises(errors.TypingError) as info:
        f(2.0)
    first = str(info.value)
    with pytest.raises(errors.TypingError) as info:
        f(2.0)
    second = str(info.value)
    assert first.splitlines()[:3] == second.splitlines()[:3]


def test_except_star_unsupported():
    exc = diagnose(uses_except_star, 2)
    assert isinstance(exc, errors.UnsupportedError)
    assert "except*" in str(exc)
    check_diagnostic(exc, uses_except_star, {line_of(uses_except_star, "except* ZeroDivisionError")},
                     caret=lambda s: "ZeroDivisionError" in s or s.startswith("except"))


def test_yield_from_unsupported():
    exc = diagnose(uses_yield_from, 3)
    assert isinstance(exc, errors.UnsupportedError)
    check_diagnostic(exc, uses_yield_from, {line_of(uses_yield_from, "yield from")})


def test_with_unsupported():
    exc = diagnose(uses_with, 2)
    assert isinstance(exc, (errors.UnsupportedError, errors.TypingError))
    check_diagnostic(exc, uses_with, {line_of(uses_with, "with CTX")},
                     caret=lambda s: "CTX" in s or s.startswith("with"))


def test_dict_of_list_keys_unsupported():
    exc = diagnose(uses_dict, 2)
    assert isinstance(exc, errors.UnsupportedError) and "dict key" in str(exc)
    check_diagnostic(exc, uses_dict, {line_of(uses_dict, "d = {")}, caret=lambda s: s == "[x]")


def test_list_literal_of_mixed_items():
    exc = diagnose(uses_list, 2)
    assert isinstance(exc, errors.TypingError) and "one type" in str(exc)
    check_diagnostic(exc, uses_list, {line_of(uses_list, "items = [")}, caret=lambda s: "[" in s)


def test_unknown_global():
    exc = diagnose(calls_unknown, 2)
    assert isinstance(exc, (errors.TypingError, errors.UnsupportedError))
    m = check_diagnostic(exc, calls_unknown, {line_of(calls_unknown, "undefined_function(x)")},
                         caret=lambda s: s in ("undefined_function", "undefined_function(x)"))
    assert "undefined_function" in m["what"], str(exc)


def test_variable_changes_type():
    exc = diagnose(type_changes, 2)
    assert isinstance(exc, errors.TypingError)
    lines = {line_of(type_changes, "t = (x, x)"), line_of(type_changes, "t = 1.5"),
             line_of(type_changes, "return t")}
    check_diagnostic(exc, type_changes, lines)


def test_error_classes():
    assert issubclass(errors.EmberError, Exception)
    assert issubclass(errors.TypingError, errors.EmberError)
    assert issubclass(errors.UnsupportedError, errors.EmberError)


def returns_exception(x):
    return ValueError(x)


def returns_range(n):
    return range(n)


@njit
def recurses_forever(n):
    return recurses_forever(n - 1)


@pytest.mark.parametrize("fn, arg, line, caret", [(returns_exception, 1, "return ValueError(x)", "ValueError(x)"),
                                                  (returns_range, 3, "return range(n)", "range(n)")])
def test_unreturnable_value_is_located(fn, arg, line, caret):
    exc = diagnose(fn, arg)
    assert isinstance(exc, errors.UnsupportedError)
    check_diagnostic(exc, fn, {line_of(fn, line)}, caret=caret)


def test_recursion_without_base_case():
    with pytest.raises(errors.TypingError) as info:
        recurses_forever(3)
    py = recurses_forever.py_func
    m = check_diagnostic(info.value, py, {line_of(py, "return recurses_forever")},
                         caret="recurses_forever(n - 1)")
    assert "recursive" in m["what"], str(info.value)


def test_unsupported_argument_type_names_it():
    with pytest.raises(errors.TypingError, match="dict"):
        njit(lambda a: a)({None: 2.0})


def gather2(a, i, j):
    return a[i > 0, j]


@pytest.mark.skipif(ON_NUMBA, reason="numba reports several array indices its own way")
def test_bool_among_array_indices_is_an_error_not_a_wrong_answer():
    import numpy as np
    exc = diagnose(gather2, np.ones((3, 3)), np.array([0, 2, 1]), np.array([1, 1]))
    assert isinstance(exc, errors.UnsupportedError)
    assert "boolean array among other index arrays" in str(exc)
    check_diagnostic(exc, gather2, {line_of(gather2, "return a[i > 0, j]")}, caret=lambda s: "a[i > 0, j]" in s)


# ------------------------------------------------------------------ what the decorator takes

@pytest.mark.skipif(ON_NUMBA, reason="ember's messages")
def test_decorator_given_a_non_function():
    with pytest.raises(TypeError, match="not int"):
        njit(5)
    with pytest.raises(TypeError, match="compiles Python functions"):
        njit()(5)


@pytest.mark.skipif(ON_NUMBA, reason="ember's messages")
def test_star_kwargs_is_a_located_error():
    # as with Numba, decorating works (the module that defines such a function imports) and the
    # call raises; a compiled caller's error names it; a signature compiles (and fails) at once
    def with_kwargs(a, **kw):
        return a

    line = with_kwargs.__code__.co_firstlineno
    where = rf"test_diagnostics.py:{line} in .*with_kwargs: a \*\*kwargs parameter"
    f = njit(with_kwargs)
    with pytest.raises(errors.UnsupportedError, match=where):
        f(1)

    def caller(a):
        return f(a) + 1

    with pytest.raises(errors.TypingError, match=where):
        njit(caller)(1)
    with pytest.raises(errors.UnsupportedError, match=where):
        njit("int64(int64)")(with_kwargs)


@njit
def _sum_items(a):
    s = 0.0
    for x in a:
        s += x
    return s


def empty_list_typed_later():
    out = []
    first = _sum_items(out)   # typed once the append below gives the list its item type
    out.append(1.5)
    return first + _sum_items(out)


def empty_list_never_typed(n):
    out = []
    return _sum_items(out) + n


@pytest.mark.skipif(ON_NUMBA, reason="numba types the call before the append (list(undefined))")
def test_empty_list_passed_to_a_compiled_callee():
    assert jit(empty_list_typed_later)() == 1.5
    line = empty_list_never_typed.__code__.co_firstlineno + 2
    with pytest.raises(errors.TypingError, match=rf"test_diagnostics.py:{line} in empty_list_never_typed: cannot type "
                       r"this call: an argument is an empty list whose item type nothing here gives \(list\(undefined\)\)"):
        jit(empty_list_never_typed)(3)


def first_two(items):
    return items[0] + items[1]


def test_a_list_argument_of_mixed_items_says_which_item():
    with pytest.raises(TypeError, match=r"a list argument holds items of one type: its first item makes it list\(int64\), "
                                        r"but item 1 is float \(2.5\)"):
        jit(first_two)([1, 2.5])


def empty_set_popped(n):
    s = set()
    s.pop()
    return n


def test_a_method_of_an_empty_set_as_a_statement():
    line = empty_set_popped.__code__.co_firstlineno + 2
    with pytest.raises(errors.TypingError, match=rf"test_diagnostics.py:{line} in empty_set_popped: cannot type "
                       r"this call: an argument is an empty set whose item type nothing here gives"):
        jit(empty_set_popped)(3)


# ------------------------------------------------------------------ arguments ember does not take


def _masked():
    import numpy as np
    return np.ma.array([1.0, 2.0, 3.0], mask=[False, True, False])


def _array(dtype, n=3):
    import numpy as np
    return np.zeros(n, dtype)


def _matrix():
    import numpy as np
    return np.matrix([[1.0, 2.0], [3.0, 4.0]])


# (value maker, what the message must say about it: the kind of value, why, and the fix)
UNSUPPORTED_ARGUMENTS = {
    "float16": (lambda: _array("float16"), r"is a float16 array, which ember does not support: half precision .*"
                                           r"pass x\.astype\(np\.float32\)"),
    "longdouble": (lambda: _array("longdouble"), r"is a float128 array.*extended precision.*x\.astype\(np\.float64\)"),
    "object": (lambda: _array(object), r"is an array of dtype object.*Python objects.*x\.astype\(np\.float64\)"),
    "structured": (lambda: _array([("a", "S3"), ("b", "<i4")]),
                   r"is a structured array of dtype \[\('a', 'S3'\), \('b', '<i4'\)\].*not byte strings, nor "
                   r"sub-arrays of records or strings.*x\['field'\]"),
    "datetime": (lambda: _array("M8[ns]"), r"is a datetime64\[ns\] array.*dates and durations.*x\.view\(np\.int64\)"),
    "timedelta": (lambda: _array("m8[s]"), r"is a timedelta64\[s\] array.*x\.view\(np\.int64\)"),
    "timedelta scalar": (lambda: np.timedelta64(3, "ns"), r"is a numpy\.timedelta64.*dates and durations.*"
                                                          r"x\.astype\(np\.int64\)"),   # (was taken as the int 3)
    "datetime scalar": (lambda: np.datetime64("2020-01-01"), r"is a numpy\.datetime64.*x\.astype\(np\.int64\)"),
    "unicode swapped": (lambda: _array(">U4"), r"is an array of strings of dtype >U4.*native byte order.*"
                                               r"x\.astype\('U'\)"),
    "bytes": (lambda: _array("S4"), r"is an array of byte strings \(dtype \|S4\).*not bytes.*x\.astype\(str\)"),
    "byteswapped": (lambda: _array(">f8"), r"is a float64 array in non-native byte order \('>f8'\).*"
                                           r"x\.astype\(x\.dtype\.newbyteorder\('='\)\)"),
    "byteswapped int": (lambda: _array(">i4"), r"is an int32 array in non-native byte order \('>i4'\)"),
    "masked": (_masked, r"is a numpy\.ma\.MaskedArray.*ignore the mask.*x\.filled\(value\)"),
    "matrix": (_matrix, r"is a numpy\.matrix.*matrix product.*np\.asarray\(x\)"),
    "memoryview object": (lambda: memoryview(b"abc"), r"is a memoryview.*np\.frombuffer\(x, dtype=\.\.\.\)"),
    "list": (lambda: [], r"is an empty list.*make the list inside the function"),
    "dict": (lambda: {None: 2.0}, r"is a dict.*maps numbers, strings or tuples of these"),
    "set": (lambda: set(), r"is an empty set.*make the set inside the function"),
    "object()": (lambda: object(), r"has type 'object'.*arguments are numbers"),
    "untyped List": (lambda: __import__("ember").typed.List(), r"is an empty typed List with no item type yet.*"
                                                              r"typed\.List\.empty_list\(item_type\)"),
    "untyped Dict": (lambda: __import__("ember").typed.Dict(), r"is an empty typed Dict with no key and value type.*"
                                                              r"typed\.Dict\.empty\(key_type, value_type\)"),
    "tuple": (lambda: (1.0, _array("float16")), r"is a tuple whose element 1 is a float16 array.*"
                                                r"x\[1\]\.astype\(np\.float32\)"),
}


def takes_x(n, x):
    return n


@pytest.mark.parametrize("kind", list(UNSUPPORTED_ARGUMENTS))
def test_unsupported_argument_says_what_and_how_to_fix_it(kind):
    make, says = UNSUPPORTED_ARGUMENTS[kind]
    f = njit(takes_x)
    with pytest.raises(errors.TypingError) as info:
        f(1, make())
    text = str(info.value)
    assert re.match(r"test_diagnostics\.py:\d+ in takes_x: argument 2 \('x'\) ", text), text   # where it is defined
    assert re.search(says, text), text
    g = njit("int64(int64, float64[:])")(takes_x)   # explicit signatures: a TypeError, same reason
    with pytest.raises(TypeError) as info:
        g(1, make())
    assert "No matching definition for takes_x: argument 2 ('x') " in str(info.value)
    assert re.search(says, str(info.value)), str(info.value)


def test_masked_array_is_rejected_not_summed_without_its_mask():
    f = njit(lambda a: a.sum())
    with pytest.raises(errors.TypingError, match="MaskedArray"):
        f(_masked())
    assert f(_masked().filled(0.0)) == 4.0


def test_unsupported_keyword_argument_is_named_by_its_parameter():
    f = njit(takes_x)
    with pytest.raises(errors.TypingError, match=r"argument 2 \('x'\) is an empty list"):
        f(1, x=[])


def apply_to_one(f):
    return f(1.0)


def passes_a_closure(c):
    def shifted(x):
        return x - c
    return apply_to_one(shifted)


def test_a_closure_passed_on_names_itself_and_what_it_uses():
    callee = njit(apply_to_one)
    outer = njit(passes_a_closure)
    passes_a_closure.__globals__["apply_to_one"] = callee
    try:
        with pytest.raises(errors.UnsupportedError, match=r"inner function passes_a_closure.<locals>.shifted "
                           r"\(test_diagnostics.py:\d+\) uses 'c' .*pass 'c' as an argument"):
            outer(2.0)
    finally:
        passes_a_closure.__globals__["apply_to_one"] = apply_to_one


def comprehension_of_an_empty_list():
    h = []
    return [len(h) for _ in range(3)]


def test_a_comprehension_using_an_empty_list_says_so():
    with pytest.raises(errors.TypingError, match="it uses 'h', an empty list whose item type nothing here gives"):
        njit(comprehension_of_an_empty_list)()


def vander_of(a):
    return np.vander(a, 2.5)


def test_an_error_inside_embers_own_implementation_points_at_the_call():
    # np.vander(a, 2.5) fails inside ember/_nplib.py (a float shape): reported at the user's call,
    # the implementation's place as a note (it pointed into ember's file before)
    exc = diagnose(vander_of, np.arange(3.0))
    assert isinstance(exc, errors.TypingError)
    check_diagnostic(exc, vander_of, {line_of(vander_of, "np.vander")})
    assert "in ember's implementation: _nplib.py:" in str(exc)
