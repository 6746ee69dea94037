"""pytest hooks for ember's suite: name the backend the differential tests compile with, and
count the specialisations they compiled (the suite's compile cost)."""

import difftest


def pytest_report_header(config):
    return (f"ember differential backend: {difftest.BACKEND} "
            "(EMBER_TEST_BACKEND=numba validates the tests against numba)")


def pytest_terminal_summary(terminalreporter):
    specialisations = 0
    for disp in list(difftest._compiled.values()):
        try:
            specialisations += len(disp.signatures)
        except Exception:  # noqa: BLE001 -- a summary line must not fail the run
            pass
    terminalreporter.write_line(
        f"difftest: {len(difftest._compiled)} functions, {specialisations} compiled specialisations"
    )
