"""pytest hooks for ember's suite: name the backend the differential tests compile with, and
count the specialisations they compiled (the suite's compile cost)."""

import os

# the runtime holds freed blocks back and counts those written after their free (runtime/array.c):
# difftest's leak fixture asserts none were; set before any block is freed
os.environ.setdefault("EMBER_CHECK_FREES", "1")

import difftest  # noqa: E402


def pytest_report_header(config):
    return (f"ember differential backend: {difftest.BACKEND} "
            "(EMBER_TEST_BACKEND=numba validates the tests against numba)")


def _compiled_counts():
    specialisations = 0
    for disp in list(difftest._compiled.values()):
        try:
            specialisations += len(disp.signatures)
        except Exception:  # noqa: BLE001 -- a summary line must not fail the run
            pass
    return len(difftest._compiled), specialisations


def pytest_sessionfinish(session):
    # under pytest-xdist each worker compiles its share: hand the counts to the controller
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["difftest_counts"] = _compiled_counts()


def pytest_testnodedown(node, error):
    counts = getattr(node, "workeroutput", {}).get("difftest_counts")
    if counts:
        totals = getattr(node.config, "_difftest_worker_counts", (0, 0))
        node.config._difftest_worker_counts = (totals[0] + counts[0], totals[1] + counts[1])


def pytest_terminal_summary(terminalreporter):
    functions, specialisations = getattr(terminalreporter.config, "_difftest_worker_counts",
                                         None) or _compiled_counts()
    terminalreporter.write_line(
        f"difftest: {functions} functions, {specialisations} compiled specialisations"
    )
