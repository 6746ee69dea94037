"""jitclass (ember.experimental.jitclass): classes whose instances compiled code makes and uses.

Differential where it can be: each class is also kept as the plain Python class it was written
as, and `same` runs a function once in CPython with the plain classes and once compiled with the
jitclasses, comparing what comes back (numbers, tuples, arrays). Every test runs under difftest's
block count: instances, their fields and their boxes free everything.
"""
import types as pytypes

import numpy as np
import pytest

from difftest import errors, impl, ON_NUMBA, no_leaks  # noqa: F401 (no_leaks: autouse fixture)

if ON_NUMBA:
    from numba.experimental import jitclass
    from numba import types, typed, float64, int64, int32, float32, njit, deferred_type, optional
else:
    from ember.experimental import jitclass
    from ember import types, typed, float64, int64, int32, float32, njit, deferred_type, optional

PLAIN = {}   # jitclass name -> the Python class it was made from


def plain_and_jit(spec):
    """@plain_and_jit(spec): the jitclass, with the plain class kept for the reference runs."""
    def wrap(cls):
        j = jitclass(spec)(cls)
        PLAIN[cls.__name__] = cls
        return j
    return wrap


def _rebind(f, g):
    if isinstance(f, staticmethod):
        return staticmethod(_rebind(f.__func__, g))
    if isinstance(f, property):
        return property(_rebind(f.fget, g), f.fset and _rebind(f.fset, g))
    if isinstance(f, pytypes.FunctionType):
        return pytypes.FunctionType(f.__code__, g, f.__name__, f.__defaults__, f.__closure__)
    return f


def _agree(got, want):
    if isinstance(want, np.generic):   # a NumPy scalar in CPython is a Python one compiled
        want = want.item()
    assert type(got) is type(want), (got, want)
    if isinstance(want, tuple):
        assert len(got) == len(want)
        for a, b in zip(got, want):
            _agree(a, b)
    elif isinstance(want, np.ndarray):
        np.testing.assert_allclose(got, want, rtol=1e-12)
    elif isinstance(want, float):
        assert got == pytest.approx(want, rel=1e-12)
    else:
        assert got == want


def same(fn, *args):
    """fn compiled, with the module's jitclasses, against fn in CPython with the plain classes
    (whose own methods see the plain classes too)."""
    g = dict(fn.__globals__)
    for name, cls in PLAIN.items():
        g[name] = type(name, (), {k: _rebind(v, g) for k, v in cls.__dict__.items()
                                  if k not in ("__dict__", "__weakref__")})
    want = pytypes.FunctionType(fn.__code__, g, fn.__name__, fn.__defaults__)(*args)
    got = njit(fn)(*args)
    _agree(got, want)
    return got


@plain_and_jit([("x", float64), ("y", float64)])
class Vec:
    def __init__(self, x, y=0.0):
        self.x = x
        self.y = y

    def norm2(self):
        return self.x * self.x + self.y * self.y

    def add(self, o):
        return Vec(self.x + o.x, self.y + o.y)

    def scale(self, k):
        self.x *= k
        self.y *= k

    @staticmethod
    def zero():
        return Vec(0.0, 0.0)

    @property
    def mag(self):
        return self.norm2() ** 0.5

    @mag.setter
    def mag(self, m):
        s = m / self.mag
        self.scale(s)


@plain_and_jit([("n", int64), ("total", float64), ("hist", float64[:])])
class Stats:
    def __init__(self, bins):
        self.n = 0
        self.total = 0.0
        self.hist = np.zeros(bins)

    def add(self, x):
        self.n += 1
        self.total += x
        k = int(x * self.hist.size)
        if 0 <= k < self.hist.size:
            self.hist[k] += 1.0

    def mean(self):
        return self.total / self.n if self.n else 0.0


@plain_and_jit([("value", int64), ("nxt", int64)])
class Fib:
    def __init__(self):
        self.value = 0
        self.nxt = 1

    def step(self, times=1):
        for _ in range(times):
            self.value, self.nxt = self.nxt, self.value + self.nxt
        return self.value

    def nth(self, k):
        if k == 0:
            return self.value
        self.step()
        return self.nth(k - 1)


# ---- construction, fields, methods -----------------------------------------------------------
def make_and_read(x, y):
    v = Vec(x, y)
    return v.x, v.y, v.norm2()


@pytest.mark.parametrize("x, y", [(1.0, 2.0), (-0.0, 3.5), (1e300, 1e-300), (0.0, 0.0)])
def test_fields_and_method(x, y):
    same(make_and_read, x, y)


def defaults_and_keywords(x):
    a = Vec(x)
    b = Vec(y=2.0, x=x)
    return a.y, b.x, b.y


@pytest.mark.skipif(ON_NUMBA, reason="numba: a constructor's defaults only from Python")
def test_constructor_defaults_and_keywords():
    same(defaults_and_keywords, 3.0)


def chain(n):
    acc = Vec(0.0, 0.0)
    for i in range(n):
        acc = acc.add(Vec(float(i), 1.0))
    return acc.x, acc.y


@pytest.mark.parametrize("n", [0, 1, 7])
def test_methods_return_instances(n):
    same(chain, n)


def mutate(k):
    v = Vec(3.0, 4.0)
    v.scale(k)
    v.x += 1.0
    return v.x, v.y


def test_methods_mutate_fields():
    same(mutate, 2.0)


def props(m):
    v = Vec(3.0, 4.0)
    before = v.mag
    v.mag = m
    return before, v.mag, v.x


def test_property_getter_and_setter():
    same(props, 10.0)


def stats(xs):
    s = Stats(4)
    for x in xs:
        s.add(x)
    return s.mean(), s.n, s.hist


def test_array_field():
    same(stats, np.array([0.1, 0.3, 0.35, 0.9, 0.99, 1.5]))


def fib(k):
    f = Fib()
    a = f.step(3)
    return a, f.nth(k), f.value


@pytest.mark.skipif(ON_NUMBA, reason="numba: a method cannot call itself")
def test_method_defaults_and_recursion():
    same(fib, 10)


def many(n):
    vs = []
    for i in range(n):
        vs.append(Vec(float(i), float(-i)))
    total = 0.0
    for v in vs:
        total += v.norm2()
    return total, len(vs)


def test_list_of_instances():
    same(many, 20)


# ---- field types ----------------------------------------------------------------------------
@plain_and_jit([("i", int32), ("f", float32), ("b", types.boolean), ("c", types.complex128),
                ("t", types.UniTuple(int64, 2)), ("s", types.unicode_type)])
class Mixed:
    def __init__(self, i, f):
        self.i = i
        self.f = f
        self.b = i > 0
        self.c = complex(f, i)
        self.t = (i, 2 * i)
        self.s = "mixed"


@njit
def mixed_fields(i, f):
    m = Mixed(i, f)
    return m.i, m.f, m.b, m.c, m.t, m.s


def test_narrow_fields_store_at_their_width():
    i, f, b, c, t, s = mixed_fields(2**31 + 5, 0.1)
    assert i == np.int32(np.int64(2**31 + 5).astype(np.int32))   # wraps as NumPy's int32 does
    assert f == float(np.float32(0.1)) and b is True and s == "mixed"
    assert c == complex(0.1, 2**31 + 5) and t == (2**31 + 5, 2 * (2**31 + 5))


@plain_and_jit([("pos", Vec.class_type.instance_type), ("trail", types.ListType(float64)), ("tag", types.unicode_type)])
class Body:
    def __init__(self, p):
        self.pos = p
        self.trail = typed.List.empty_list(float64)
        self.tag = "body"

    def move(self, dx):
        self.trail.append(self.pos.x)
        self.pos = self.pos.add(Vec(dx, 0.0))
        return len(self.trail)


@njit
def bodies(n):
    b = Body(Vec(1.0, 2.0))
    for i in range(n):
        b.move(0.5)
    return b.pos.x, b.pos.y, len(b.trail), b.trail[n - 1], b.tag


def test_instance_and_list_fields():
    assert bodies(4) == (3.0, 2.0, 4, 2.5, "body")


# ---- the boundary: Python sees boxes ----------------------------------------------------------
def statics(n):
    return Vec.zero().add(Vec(float(n))).x


@pytest.mark.skipif(ON_NUMBA, reason="numba: Cls.static_method() only in Python")
def test_static_method_through_the_class():
    same(statics, 4)


def test_python_side_boxes():
    v = Vec(3.0, 4.0)
    assert isinstance(v, Vec) and (ON_NUMBA or type(v) is Vec)
    assert (v.x, v.y, v.norm2(), v.mag) == (3.0, 4.0, 25.0, 5.0)
    v.x = 6
    assert v.x == 6.0 and type(v.x) is float
    v.mag = 52 ** 0.5 / 2
    assert (v.x, v.y) == pytest.approx((3.0, 2.0))
    w = v.add(Vec(1.0))
    assert isinstance(w, Vec) and (w.x, w.y) == pytest.approx((4.0, 2.0))
    assert Vec.zero().x == 0.0
    s = Stats(3)
    s.add(0.5)
    assert s.n == 1 and s.hist.tolist() == [0.0, 1.0, 0.0]
    s.hist = np.ones(2)
    assert s.hist.tolist() == [1.0, 1.0]


@njit
def bump(v, k):
    v.x += k
    return v


def test_instances_pass_by_reference():
    v = Vec(1.0, 2.0)
    r = bump(v, 2.0)
    assert v.x == 3.0 and r.x == 3.0
    r.y = 7.0
    assert v.y == 7.0   # one instance: the box returned is of the same block


@njit
def make_vec(x):
    return Vec(x, x)


def test_returned_instances_and_typeof():
    v = make_vec(2.0)
    assert isinstance(v, Vec) and v.norm2() == 8.0
    t = impl.typeof(v)
    assert t == Vec.class_type.instance_type
    assert str(t).startswith("instance.jitclass.Vec")


def test_explicit_signature_with_an_instance_type():
    f = njit(float64(Vec.class_type.instance_type))(lambda v: v.x + v.y)
    assert f(Vec(1.0, 2.5)) == 3.5


@pytest.mark.skipif(ON_NUMBA, reason="numba leaks the failed compile's objects")
def test_wrong_field_type_from_python():
    v = Vec(1.0)
    with pytest.raises((TypeError, errors.TypingError)):
        v.x = "one"
    with pytest.raises((TypeError, errors.TypingError)):
        bump(Stats(2), 1.0)


def test_annotations_name_fields():
    @jitclass
    class Counter:
        count: int64
        step: float64

        def __init__(self, step):
            self.count = 0
            self.step = step

        def tick(self):
            self.count += 1
            return self.count * self.step

    c = Counter(0.5)
    c.tick()
    assert c.tick() == 1.0 and c.count == 2


# ---- what is refused, with a located message ------------------------------------------------
@pytest.mark.skipif(ON_NUMBA, reason="ember's messages")
def test_unknown_attribute_is_located():
    def f(v):
        return v.z
    with pytest.raises(errors.TypingError, match=r"Vec has no attribute 'z' \(it has: x, y"):
        njit(f)(Vec(1.0))


@pytest.mark.skipif(ON_NUMBA, reason="ember's messages")
def test_wrong_store_is_located():
    def f(v):
        v.x = "s"
    with pytest.raises(errors.TypingError, match="cannot store str into field 'x' of Vec"):
        njit(f)(Vec(1.0))


@pytest.mark.skipif(ON_NUMBA, reason="ember's messages")
def test_bad_specs_are_refused():
    with pytest.raises(TypeError, match="must be an ember type"):
        @jitclass([("x", object)])
        class A:
            pass

    with pytest.raises(TypeError, match="cannot inherit from list"):
        @jitclass([("x", float64)])
        class B(list):
            pass

    with pytest.raises(TypeError, match="cannot inherit from Vec"):
        @jitclass([("y", float64)])
        class C(Vec):
            pass


class _ProbModel:   # a plain Python base whose methods the jitclasses take (hftbacktest's queue models)
    def prob(self, front, back):
        return self.f(back) / (self.f(back) + self.f(front))

    def scaled(self, x):
        return self.k * self.f(x)


class _LogProb(_ProbModel):
    def __init__(self, k):
        self.k = k

    def f(self, x):
        return np.log(1.0 + x)


class _PowProb(_LogProb):
    def f(self, x):   # the nearest class's method wins
        return x ** self.k


def test_methods_of_plain_python_bases():
    LogProb = jitclass([("k", float64)])(_LogProb)
    PowProb = jitclass([("k", float64)])(_PowProb)
    m, p = LogProb(2.0), PowProb(2.0)
    assert m.prob(3.0, 5.0) == _LogProb(2.0).prob(3.0, 5.0)
    assert njit(lambda m: m.scaled(4.0))(m) == _LogProb(2.0).scaled(4.0)
    assert njit(lambda p: p.prob(1.0, 3.0))(p) == _PowProb(2.0).prob(1.0, 3.0)


@njit(cache=True)
def cached_reader(v):
    return v.x * 2.0


@njit(cache=True)
def cached_maker(x):
    return Vec(x, x).norm2()


@pytest.mark.skipif(ON_NUMBA, reason="ember's cache")
def test_cache_true_compiles_and_says_it_does_not_cache():
    """As numba: code using jitclasses compiles on every run (their methods are not in the
    cache's key), with a CacheWarning, never a stale entry."""
    import ember.errors
    with pytest.warns(ember.errors.CacheWarning, match="jitclass"):
        assert cached_reader(Vec(2.0)) == 4.0
    with pytest.warns(ember.errors.CacheWarning, match="jitclass Vec"):
        assert cached_maker(3.0) == 18.0


# ---- operators: the class's dunder methods -------------------------------------------------
@plain_and_jit([("x", float64), ("y", float64)])
class P2:
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def __add__(self, o):
        return P2(self.x + o.x, self.y + o.y)

    def __mul__(self, k):
        return P2(self.x * k, self.y * k)

    def __neg__(self):
        return P2(-self.x, -self.y)

    def __abs__(self):
        return (self.x * self.x + self.y * self.y) ** 0.5

    def __eq__(self, o):
        return self.x == o.x and self.y == o.y

    def __lt__(self, o):
        return self.x * self.x + self.y * self.y < o.x * o.x + o.y * o.y

    def __len__(self):
        return 2

    def __getitem__(self, i):
        return self.x if i == 0 else self.y

    def __setitem__(self, i, v):
        if i == 0:
            self.x = v
        else:
            self.y = v

    def __contains__(self, v):
        return v == self.x or v == self.y

    def __iadd__(self, o):
        self.x += o.x
        self.y += o.y
        return self


def arithmetic(ax, ay, bx, by):
    a, b = P2(ax, ay), P2(bx, by)
    c = a + b * 2.0
    d = -c
    return c.x, c.y, d.x, abs(a)


def comparisons(ax, ay, bx, by):
    a, b = P2(ax, ay), P2(bx, by)
    return a == b, a != b, a < b, b > a, len(a), a[1], ay in a, 9.5 not in a


def in_place(ax, bx):
    a, b = P2(ax, 1.0), P2(bx, 2.0)
    e = a
    e += b          # __iadd__ changes a itself
    a[0] = a[0] * 10.0
    return a.x, a.y, e.x, e is a, b is a


@pytest.mark.skipif(ON_NUMBA, reason="numba 0.68: RecursionError while typing these")
@pytest.mark.parametrize("args", [(1.0, 2.0, 3.0, 4.0), (3.0, 4.0, 3.0, 4.0), (-1.0, 0.5, 0.0, 0.0)])
def test_operator_methods(args):
    same(arithmetic, *args)
    same(comparisons, *args)


@pytest.mark.skipif(ON_NUMBA, reason="numba: 'is' of instances")
def test_in_place_operator_and_identity():
    same(in_place, 1.0, 2.0)


@plain_and_jit([("n", int64)])
class Bag:
    def __init__(self):
        self.n = 0

    def __len__(self):
        return self.n


def truthiness(k):
    b = Bag()
    first = 1 if b else 0
    b.n = k
    second = 1 if b else 0
    return first, second, bool(b), not b, len(b)


@pytest.mark.skipif(ON_NUMBA, reason="numba: `not obj` of an instance")
@pytest.mark.parametrize("k", [0, 3])
def test_truth_from_len(k):
    same(truthiness, k)


def test_python_operators_on_boxes():
    a, b = P2(1.0, 2.0), P2(3.0, 4.0)
    assert (a + b).x == 4.0 and (-a).y == -2.0 and abs(b) == 5.0
    assert a != b and a < b and len(a) == 2 and a[1] == 2.0 and 2.0 in a


@pytest.mark.skipif(ON_NUMBA, reason="ember's messages")
def test_missing_operator_is_located():
    def f(a):
        return a - a
    with pytest.raises(errors.TypingError, match=r"unsupported operand types for -"):
        njit(f)(P2(1.0, 2.0))


# ---- classes holding their own class: deferred_type, optional(instance) ---------------------
node_type = deferred_type()


@jitclass([("data", int64), ("next", optional(node_type))])
class LinkedNode:
    def __init__(self, data, next):
        self.data = data
        self.next = next

    def prepend(self, data):
        return LinkedNode(data, self)


node_type.define(LinkedNode.class_type.instance_type)


@njit
def linked_fill(arr):
    head = LinkedNode(0, None)
    for i in range(1, arr.size):
        head = head.prepend(i)
    c = 0
    while head is not None:
        arr[c] = head.data
        head = head.next
        c += 1
    return c


@njit
def optional_truth(k):
    n = LinkedNode(1, None)
    if k:
        n.next = LinkedNode(2, None)
    return bool(n.next), not n.next, 1 if n.next else 0


@pytest.mark.skipif(ON_NUMBA, reason="numba: the truth of an optional instance")
def test_truth_of_an_optional_instance_is_not_none():
    assert optional_truth(0) == (False, True, 0) and optional_truth(1) == (True, False, 1)


def test_linked_list():
    a = np.zeros(10, dtype=np.int64)
    assert linked_fill(a) == 10 and a.tolist() == list(range(9, -1, -1))
    n = LinkedNode(5, None)
    assert n.next is None
    m = n.prepend(7)
    assert m.data == 7 and m.next.data == 5 and m.next.next is None
    n.next = LinkedNode(1, None)     # set from Python, None or an instance
    assert m.next.next.data == 1
    n.next = None
    assert m.next.next is None


tree_type = deferred_type()


@jitclass([("key", float64), ("left", optional(tree_type)), ("right", optional(tree_type))])
class Tree:
    def __init__(self, key):
        self.key = key
        self.left = None
        self.right = None

    def insert(self, k):
        if k < self.key:
            if self.left is None:
                self.left = Tree(k)
            else:
                self.left.insert(k)
        elif self.right is None:
            self.right = Tree(k)
        else:
            self.right.insert(k)

    def count(self):
        c = 1
        if self.left is not None:
            c += self.left.count()
        if self.right is not None:
            c += self.right.count()
        return c


tree_type.define(Tree.class_type.instance_type)


@njit
def tree_of(xs):
    t = Tree(xs[0])
    for i in range(1, xs.size):
        t.insert(xs[i])
    smallest = t
    while smallest.left is not None:
        smallest = smallest.left
    return t.count(), smallest.key


@pytest.mark.skipif(ON_NUMBA, reason="numba: a method cannot call itself")
def test_binary_tree():
    xs = np.random.default_rng(5).random(300)
    assert tree_of(xs) == (300, xs.min())


@njit
def next_of_none():
    n = LinkedNode(1, None)
    return n.next.data


@pytest.mark.skipif(ON_NUMBA, reason="numba reads through the null pointer")
def test_none_instance_raises_attribute_error():
    with pytest.raises(AttributeError, match="'NoneType' object has no attribute 'data'"):
        next_of_none()


@pytest.mark.skipif(ON_NUMBA, reason="ember's messages")
def test_undefined_deferred_type_is_located():
    later = deferred_type()

    @jitclass([("x", float64), ("other", optional(later))])
    class Half:
        def __init__(self):
            self.x = 1.0

    def f():
        h = Half()
        return h.other
    with pytest.raises(errors.TypingError, match="deferred_type that was never defined"):
        njit(f)()


# ---- instances in containers, in parallel loops ---------------------------------------------
@njit
def total_score(items):
    s = 0.0
    for it in items:
        s += it.mean()
    return s


STATS_T = Stats.class_type.instance_type


@njit
def stats_by_key(n):
    d = typed.Dict.empty(types.int64, STATS_T)
    for i in range(n):
        s = Stats(2)
        s.add(0.25 * i)
        d[i] = s
    return d


@njit(parallel=True)
def means_parallel(items):
    out = np.empty(len(items))
    for i in impl.prange(len(items)):
        out[i] = items[i].mean()
    return out


def _stats_list(k):
    out = []
    for i in range(k):
        s = Stats(2)
        s.add(0.1 * i)
        out.append(s)
    return out


def test_instances_in_containers_and_prange():
    items = typed.List()
    for s in _stats_list(6):
        items.append(s)
    assert total_score(items) == pytest.approx(0.1 * sum(range(6)))
    assert means_parallel(items).tolist() == pytest.approx([0.1 * i for i in range(6)])
    assert total_score(_stats_list(4)) == pytest.approx(0.6)   # a Python list of instances
    d = stats_by_key(5)
    assert len(d) == 5 and d[4].mean() == 1.0 and d[3].n == 1


@pytest.mark.skipif(ON_NUMBA, reason="numba: Cls.class_type only outside compiled code")
def test_class_type_in_compiled_code():
    def f(n):
        d = typed.Dict.empty(types.int64, Stats.class_type.instance_type)
        d[n] = Stats(1)
        return len(d)
    assert njit(f)(3) == 1


# ---- annotations as Numba's as_numba_type reads them -----------------------------------------
def test_python_type_annotations():
    from typing import Dict, List, Optional

    @jitclass
    class Tally:
        count: int
        scale: float
        seen: List[float]
        by_key: Dict[int, float]
        parent: Optional[Vec]

        def __init__(self, scale):
            self.count = 0
            self.scale = scale
            self.seen = typed.List.empty_list(types.float64)
            self.by_key = typed.Dict.empty(types.int64, types.float64)
            self.parent = None

        def add(self, k, x):
            self.count += 1
            self.seen.append(x * self.scale)
            self.by_key[k] = x
            return len(self.seen)

    t = Tally(2.0)
    assert t.add(3, 1.5) == 1 and t.add(4, 2.0) == 2
    assert list(t.seen) == [3.0, 4.0] and dict(t.by_key) == {3: 1.5, 4: 2.0}
    assert t.parent is None and type(t.count) is int
    t.parent = Vec(1.0)
    assert t.parent.x == 1.0


@pytest.mark.skipif(ON_NUMBA, reason="numba: an empty list's type is not taken from the field")
def test_empty_literals_take_the_fields_types():
    from typing import Dict, List

    @jitclass
    class Log:
        xs: List[float]
        d: Dict[int, float]

        def __init__(self):
            self.xs = []
            self.d = {}

        def add(self, k, x):
            self.xs.append(x)
            self.d[k] = x
            return len(self.xs)

    g = Log()
    assert g.add(1, 2.0) == 1 and g.add(2, 3.5) == 2
    assert list(g.xs) == [2.0, 3.5] and dict(g.d) == {1: 2.0, 2: 3.5}


# ---- a stack of tree nodes: instances, optional instances and None through calls ---------------
stack_type = deferred_type()


@jitclass([("data", Tree.class_type.instance_type), ("next", optional(stack_type))])
class Stack:
    def __init__(self, data, next):
        self.data = data
        self.next = next


stack_type.define(Stack.class_type.instance_type)


@njit
def push(stack, data):
    return Stack(data, stack)


@njit
def in_order(node):
    out = []
    stack = None
    current = node
    while True:
        if current is not None:
            stack = push(stack, current)
            current = current.left
        elif stack is not None:
            top = stack.data
            out.append(top.key)
            stack = stack.next
            current = top.right
        else:
            return out


def test_stack_of_tree_nodes():
    root = Tree(5.0)
    for k in [3.0, 8.0, 1.0, 4.0, 9.0, 7.0]:
        root.insert(k) if not ON_NUMBA else None
    if ON_NUMBA:   # (numba: recursive methods) built from Python instead
        root.left, root.right = Tree(3.0), Tree(8.0)
        root.left.left, root.left.right, root.right.left, root.right.right = Tree(1.0), Tree(4.0), Tree(7.0), Tree(9.0)
    assert in_order(root) == [1.0, 3.0, 4.0, 5.0, 7.0, 8.0, 9.0]


@njit
def method_of_none():
    n = LinkedNode(1, None)
    return n.next.prepend(2).data


@pytest.mark.skipif(ON_NUMBA, reason="numba reads through the null pointer")
def test_method_of_none_raises_attribute_error():
    with pytest.raises(AttributeError, match="'NoneType' object has no attribute 'prepend'"):
        method_of_none()


@pytest.mark.skipif(ON_NUMBA, reason="ember keeps numba's pre-0.49 path")
def test_old_import_path():
    assert impl.jitclass is jitclass


@njit
def long_chain(n, keep):
    head = LinkedNode(0, None)
    for i in range(1, n):
        head = LinkedNode(i, head)
    return head if keep else None


@pytest.mark.skipif(ON_NUMBA, reason="numba's free recurses once per node: its stack overflows")
def test_a_long_chain_is_freed_without_recursing_per_node():
    assert long_chain(1_000_000, False) is None      # freed in compiled code
    head = long_chain(1_000_000, True)
    assert head.data == 999_999 and head.next.data == 999_998
    del head                                          # freed from Python (runtime/jitclass.c)


@njit
def kind_of(o):
    if isinstance(o, Vec):
        return 1
    elif isinstance(o, (Stats, int)):
        return 2
    return 0


@pytest.mark.skipif(ON_NUMBA, reason="numba: isinstance of jitclass instances")
def test_isinstance_of_instances():
    assert (kind_of(Vec(1.0)), kind_of(Stats(2)), kind_of(3), kind_of(2.5)) == (1, 2, 2, 0)


@jitclass([("best", optional(float64)), ("count", int64)])
class BestSoFar:
    def __init__(self):
        self.best = None
        self.count = 0

    def offer(self, x):
        self.count += 1
        if self.best is None or x > self.best:
            self.best = x

    def get(self):
        return -1.0 if self.best is None else self.best


def test_optional_number_fields():
    t = BestSoFar()
    assert t.best is None and t.get() == -1.0
    for v in [3.0, -1.0, 7.5, 2.0]:
        t.offer(v)
    assert (t.best, t.get(), t.count) == (7.5, 7.5, 4)
    t.best = None
    assert t.best is None
    t.best = 2
    assert t.best == 2.0

    @njit
    def run(a):
        b = BestSoFar()
        for x in a:
            b.offer(x)
        return b.get(), b.best is None

    assert run(np.array([1.0, 5.0, 2.0])) == (5.0, False)
    assert run(np.zeros(0)) == (-1.0, True)


def test_is_none_of_an_optional_instance_parameter_decides_at_run_time():
    """A parameter of OptionalType(instance): `x is None` is a run-time test (it was decided by the
    type, always False, so a None argument took the other branch)."""
    @jitclass([("v", int64)])
    class Box:
        def __init__(self, v):
            self.v = v

    @njit
    def branch(x):
        if x is None:
            return -1
        return x.v

    @njit
    def pick(flag):
        b = Box(7) if flag else None
        return branch(b)

    assert pick(False) == -1 and pick(True) == 7

    nt = deferred_type()

    @jitclass([("key", int64), ("left", optional(nt))])
    class Node:
        def __init__(self, key):
            self.key = key
            self.left = None

    nt.define(Node.class_type.instance_type)

    @njit
    def depth(root):
        if root is None:
            return 0
        return 1 + depth(root.left)

    @njit
    def chain(n):
        r = Node(0)
        cur = r
        for k in range(1, n):
            nxt = Node(k)
            cur.left = nxt
            cur = nxt
        return depth(r)

    assert chain(1) == 1 and chain(5) == 5


def test_typeof_typed_containers_of_instances():
    @jitclass([("x", float64)])
    class V:
        def __init__(self, x):
            self.x = x

    it = V.class_type.instance_type
    lt = impl.typeof(typed.List([V(1.0)]))
    assert isinstance(lt, types.ListType) and lt.item_type == it
    d = typed.Dict.empty(types.int64, it)
    d[1] = V(2.0)
    dt = impl.typeof(d)
    assert dt.key_type == types.int64 and dt.value_type == it


@plain_and_jit([("a", float64[:]), ("b", float64[:])])
class Buffers:
    def __init__(self, n):
        self.a = np.zeros(n)
        self.b = np.ones(n)

    def flip(self):
        self.a, self.b = self.b, self.a


def swap_fields(n, times):
    p = Buffers(n)
    for _ in range(times):
        p.a, p.b = p.b, p.a
    p.flip()
    fresh = np.full(n, 7.0)   # a block freed by a bad swap would be this array's
    return p.a[0], p.b[0], p.a.sum(), p.b.sum(), fresh[0]


@pytest.mark.parametrize("times", [1, 2, 3])
def test_swapping_array_fields_keeps_both(times):
    # `p.a, p.b = p.b, p.a` stores p.b into p.a first: the old p.a, read before, must outlive
    # that store (it freed its array, then stored the freed block into p.b: a double free)
    for n in (4, 1000):
        same(swap_fields, n, times)


def swap_items(n):
    l = [np.zeros(n), np.ones(n)]
    d = {0: np.zeros(n), 1: np.ones(n)}
    l[0], l[1] = l[1], l[0]
    d[0], d[1] = d[1], d[0]
    fresh = np.full(n, 7.0)
    return l[0][0], l[1][0], d[0][0], d[1][0], fresh[0]


def test_swapping_list_and_dict_items_keeps_both():
    assert njit(swap_items)(1000) == swap_items(1000)


@jitclass([("use_efron", types.boolean), ("n", int64)])
class Ties:
    def __init__(self, use_efron=False):
        self.use_efron = use_efron
        self.n = 0

    def rename(self, how):
        self.use_efron = how


def test_a_str_stored_into_a_bool_field_is_its_truth():
    # as numba: skglm's Cox("efron") keeps bool(datafit) in a bool_ field
    assert Ties("efron").use_efron is True and Ties("").use_efron is False and Ties().use_efron is False
    t = Ties(True)
    t.rename("")
    assert t.use_efron is False
    t.rename("breslow")
    assert t.use_efron is True
