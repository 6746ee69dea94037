"""ember's extension modules keep their thread-local storage small. A module that reads its TLS
with the initial-exec model (ember's small-block heap, random states) gets its whole TLS block
placed in the static TLS space glibc keeps for modules loaded after start-up, a few hundred
bytes shared by all of them: with 1.5 KB there, `import sklearn` and `import ember` could not
both load (either order: "cannot allocate memory in static TLS block"). The large per-thread
state (the error record, the binomial cache) lives on the heap instead."""
import glob
import os
import struct
import sys

import pytest

import ember

PT_TLS = 7


def tls_size(path):
    with open(path, "rb") as f:
        data = f.read()
    assert data[:4] == b"\x7fELF" and data[4] == 2 and data[5] == 1, path   # 64-bit little-endian
    phoff, = struct.unpack_from("<Q", data, 0x20)
    phentsize, phnum = struct.unpack_from("<HH", data, 0x36)
    for k in range(phnum):
        p_type, = struct.unpack_from("<I", data, phoff + k * phentsize)
        if p_type == PT_TLS:
            p_memsz, = struct.unpack_from("<Q", data, phoff + k * phentsize + 0x28)
            return p_memsz
    return 0


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="ELF modules")
def test_extension_modules_keep_tls_small():
    mods = glob.glob(os.path.join(os.path.dirname(ember.__file__), "_ember*.so"))
    assert mods
    for m in mods:
        assert tls_size(m) <= 128, (m, tls_size(m))


def test_binomial_draws_on_threads_keep_numpys_stream():
    # the binomial cache, now per thread on the heap, still gives NumPy's draws
    import threading
    import numpy as np
    f = ember.njit(lambda g, n: [g.binomial(7, 0.2) for _ in range(n)])
    want = np.random.default_rng(5).binomial(7, 0.2, 50).tolist()
    got = []
    t = threading.Thread(target=lambda: got.append(f(np.random.default_rng(5), 50)))
    t.start()
    t.join()
    assert got[0] == want and f(np.random.default_rng(5), 50) == want
