"""The documentation: every ```python block of README.md and docs/ runs, the site builds with
`mkdocs build --strict` (a broken link or a missing page fails), the reference pages come from
ember's typing tables, and `python -m ember` prints its report.

How blocks run (docs/internals.md, "Documentation", says the same to writers):
  - the blocks of one page run in order in one namespace, as one script (__name__ is "__main__"),
    in a fresh temporary directory that is the working directory and is on sys.path;
  - a block whose first line is `# file: NAME.py` is written to NAME.py there, to be imported by
    the blocks after it, and is not run itself;
  - a block whose first line is `# raises: NAME` must raise an exception of class NAME (or a
    subclass), the error the page shows;
  - source lines keep their line numbers in the .md file, so a diagnostic points at the page.
"""
import gc
import re
import subprocess
import sys
from pathlib import Path

import pytest

from difftest import no_leaks  # noqa: F401 -- autouse: examples free what they allocate

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md"] + sorted((ROOT / "docs").rglob("*.md"))
FENCE = re.compile(r"^```python[ \t]*\n(.*?)^```[ \t]*$", re.S | re.M)


def python_blocks(path):
    """(first line number, source) of each ```python block of a Markdown file."""
    text = path.read_text()
    return [(text.count("\n", 0, m.start(1)) + 1, m.group(1)) for m in FENCE.finditer(text)]


def run_page(path, workdir):
    ns = {"__name__": "__main__", "__file__": str(path)}
    for line, src in python_blocks(path):
        first = src.split("\n", 1)[0].strip()
        if first.startswith("# file:"):
            (workdir / first.split(":", 1)[1].strip()).write_text(src)
            continue
        code = compile("\n" * (line - 1) + src, str(path), "exec")
        expected = first.split(":", 1)[1].strip() if first.startswith("# raises:") else None
        try:
            exec(code, ns)
        except Exception as e:   # noqa: BLE001 -- compared with the block's marker below
            names = {c.__name__ for c in type(e).__mro__}
            if expected in names:
                continue
            raise AssertionError(f"{path.name}:{line}: the block raised {type(e).__name__}: {e}") from e
        if expected:
            raise AssertionError(f"{path.name}:{line}: the block was to raise {expected} and did not")
    ns.clear()


@pytest.mark.parametrize("page", [p for p in PAGES if python_blocks(p)], ids=lambda p: str(p.relative_to(ROOT)))
def test_examples_run(page, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setenv("EMBER_CACHE_DIR", str(tmp_path / "cache"))
    modules = set(sys.modules)
    try:
        run_page(page, tmp_path)
    finally:
        for name in set(sys.modules) - modules:   # the page's own modules (kernels.py ...)
            if getattr(sys.modules[name], "__file__", "") and str(tmp_path) in sys.modules[name].__file__:
                del sys.modules[name]
        gc.collect()


def test_the_collector_sees_markers(tmp_path):
    page = tmp_path / "page.md"
    page.write_text("text\n\n```python\n# file: mod.py\nX = 2\n```\n\n```python\nimport mod\ny = mod.X * 3\n```\n\n"
                    "```python\n# raises: ZeroDivisionError\n1 / 0\n```\n\n```bash\nexit 1\n```\n")
    sys.path.insert(0, str(tmp_path))
    try:
        assert [line for line, _ in python_blocks(page)] == [4, 9, 14]
        run_page(page, tmp_path)
        page.write_text("```python\n# raises: KeyError\n1 / 0\n```\n")
        with pytest.raises(AssertionError, match="raised ZeroDivisionError"):
            run_page(page, tmp_path)
        page.write_text("```python\n# raises: KeyError\nx = 1\n```\n")
        with pytest.raises(AssertionError, match="did not"):
            run_page(page, tmp_path)
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop("mod", None)


def test_site_builds_strict(tmp_path):
    """mkdocs in strict mode: a link to a missing page or anchor, or a page left out of the nav,
    fails the build. The reference pages are generated during the build (tools/mkdocs_hooks.py)."""
    p = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-f", str(ROOT / "mkdocs.yml"),
                        "-d", str(tmp_path / "site")], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr
    for page in ["index.html", "getting-started/index.html", "reference/numpy/index.html",
                 "reference/ufuncs/index.html", "internals/index.html"]:
        assert (tmp_path / "site" / page).is_file(), page


def test_reference_rows_come_from_the_tables():
    """Every row of the typing tables is on a reference page as supported or partial, never as
    "not yet"; and a name the tables lack is not claimed as supported by a table row."""
    sys.path.insert(0, str(ROOT / "tools"))
    try:
        import gen_reference
    finally:
        sys.path.remove(str(ROOT / "tools"))
    from ember import _ember

    pages = gen_reference.pages()
    text = "\n".join(pages.values())
    prefix = {"builtins": "", "ember": "ember.", "ember.typed": "ember.typed.", "math": "math.", "numpy": "np.",
              "numpy.random": "np.random.", "numpy.linalg": "np.linalg.", "random": "random.",
              "numpy.lib.stride_tricks": "np.lib.stride_tricks."}
    rows = _ember.typing_tables()["builtins"]
    assert len(rows) > 150
    for module, name, shape in rows:
        cells = re.findall(r"^\| `%s%s` \| ([^|]+) \|" % (re.escape(prefix[module]), re.escape(name)), text, re.M)
        assert cells, (module, name)
        assert all(c.strip() in ("supported", "partial") for c in cells), (module, name, cells)
    assert "| `np.sum` | partial |" in pages["numpy.md"] or "| `np.sum` | supported |" in pages["numpy.md"]
    assert "| `np.cumulative_sum` | not yet |" in pages["numpy.md"]   # from the short list of names we lack
    assert re.search(r"^\| `try` / `except` \| (supported|not yet) \|", pages["python.md"], re.M)


def test_infer_types_without_compiling():
    """ember._ember.infer: typing alone (the reference pages' probe): the return type, or the
    located diagnostic the compile would raise; no specialisation is made."""
    import numpy as np

    from ember import _ember, errors, njit

    def mean_of(a, k):
        return a.sum() / k

    def bad(a):
        return a + "s"

    d = njit(mean_of)
    assert _ember.infer(d, (np.ones(3), 2)) == "float64"
    assert _ember.infer(d, (np.ones((2, 2), dtype=np.int32), 2)) == "float64"
    assert d.signatures == [] and d.stats["compiles"] == 0
    with pytest.raises(errors.TypingError, match=r"test_docs.py:\d+ in .*bad: cannot apply an operator to array\(float64, 1d, C\) and str\n"
                       r"    return a \+ \"s\"\n +\^+"):
        _ember.infer(njit(bad), (np.ones(3),))
    with pytest.raises(TypeError, match="unsupported type bytes"):
        _ember.infer(d, (b"s", 2))
    rows = _ember.typing_tables()["builtins"]
    assert ("math", "sqrt", "float -> float") in rows and ("numpy", "add", "ufunc: binary, promoted type") in rows


def test_system_report():
    p = subprocess.run([sys.executable, "-m", "ember"], capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    out = p.stdout
    import numpy as np

    import ember
    for needle in ["__Versions__", "ember  : " + ember.__version__, "NumPy  : " + np.__version__,
                   "LLVM   : 19.", "Python : CPython %d.%d" % sys.version_info[:2], "LLVM host CPU",
                   "threading layer", "BLAS/LAPACK for np.linalg    : loaded by ember", "cache=True directory"]:
        assert needle in out, (needle, out)
    features = re.search(r"LLVM host features\s*: (.*)", out).group(1).split()
    assert "sse2" in features   # x86-64's baseline, as LLVM names it
    assert re.search(r"LLVM host CPU\s*: \S+", out)
