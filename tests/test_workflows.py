"""The parallel workflows scientists use, end to end with the real libraries: multiprocessing
(fork and spawn), concurrent.futures, joblib (loky and threading), Dask (threads, processes,
distributed), mpi4py under mpirun, and the example notebooks run headless.

Kernels come from workflow_kernels (importable by every worker: pickled by reference) and from
closures (pickled by value). Each test keeps its pool at two workers and its data small.
"""
import json
import multiprocessing
import os
import subprocess
import sys
import textwrap
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import pytest

import workflow_kernels as wk

HERE = os.path.dirname(os.path.abspath(__file__))
EXAMPLES = os.path.join(os.path.dirname(HERE), "examples")
ARRAYS = [np.linspace(0.0, 1.0, n) for n in (3, 10, 50, 200)]


def check_smooth(results):
    assert len(results) == len(ARRAYS)
    for a, r in zip(ARRAYS, results):
        np.testing.assert_allclose(r, wk.expected_smooth(a), rtol=1e-14)


def check_affine(results, k=3.0, c=1.0):
    for a, r in zip(ARRAYS, results):
        np.testing.assert_array_equal(r, a * k + c)


# ---- multiprocessing, concurrent.futures ------------------------------------------------------

@pytest.mark.parametrize("method", ["fork", "spawn"])
def test_multiprocessing_pool(method):
    big = np.ones(1 << 16)   # over the size that runs in parallel
    assert wk.sum_sq(big) == big.size   # a parallel region ran before the fork
    affine = wk.make_affine(3.0, 1.0)
    with multiprocessing.get_context(method).Pool(2) as pool:
        check_smooth(pool.map(wk.smooth, ARRAYS))
        check_affine(pool.map(affine, ARRAYS))
        sums = pool.map(wk.sum_sq, ARRAYS + [big])
        pending = [pool.apply_async(wk.smooth, (a,)) for a in ARRAYS]
        check_smooth([p.get(timeout=120) for p in pending])
        assert pool.apply_async(affine, (ARRAYS[1],)).get(timeout=120).tolist() == (ARRAYS[1] * 3 + 1).tolist()
    np.testing.assert_allclose(sums, [float((a * a).sum()) for a in ARRAYS + [big]], rtol=1e-12)


def test_process_pool_executor():
    affine = wk.make_affine(3.0, 1.0)
    with ProcessPoolExecutor(2, mp_context=multiprocessing.get_context("spawn")) as ex:
        check_affine(list(ex.map(affine, ARRAYS)))
        assert list(ex.map(wk.ramp_sum, [1, 10, 100])) == [0.0, 285.0, 328350.0]


# ---- joblib -----------------------------------------------------------------------------------

@pytest.mark.parametrize("backend", ["loky", "threading"])
def test_joblib(backend):
    from joblib import Parallel, delayed
    affine = wk.make_affine(3.0, 1.0)
    run = Parallel(n_jobs=2, backend=backend)
    check_smooth(run(delayed(wk.smooth)(a) for a in ARRAYS))
    check_affine(run(delayed(affine)(a) for a in ARRAYS))


# ---- Dask -------------------------------------------------------------------------------------

@pytest.mark.parametrize("scheduler", ["threads", "processes"])
def test_dask_map_blocks(scheduler):
    import dask.array as da
    x = da.linspace(0.0, 1.0, 400, chunks=100)
    affine = wk.make_affine(3.0, 1.0)
    values = x.compute()
    got = x.map_blocks(affine).compute(scheduler=scheduler)
    np.testing.assert_array_equal(got, values * 3.0 + 1.0)
    sm = x.map_blocks(wk.smooth).compute(scheduler=scheduler)
    np.testing.assert_allclose(sm, np.concatenate([wk.expected_smooth(b) for b in np.split(values, 4)]), rtol=1e-14)


def test_dask_distributed():
    import dask.array as da
    from distributed import Client, LocalCluster
    affine = wk.make_affine(3.0, 1.0)
    with LocalCluster(n_workers=2, processes=True, threads_per_worker=1, dashboard_address=None) as cluster, \
            Client(cluster) as client:
        x = da.linspace(0.0, 1.0, 400, chunks=100)
        np.testing.assert_array_equal(x.map_blocks(affine).compute(), x.compute(scheduler="threads") * 3.0 + 1.0)
        assert client.submit(wk.ramp_sum, 10).result() == 285.0
        assert client.gather(client.map(wk.ramp_sum, [1, 2, 3, 100])) == [0.0, 1.0, 5.0, 328350.0]
        scaled = wk.make_scaled_ramp(2.0)   # a closure calling a module-level kernel
        assert client.gather(client.map(scaled, [2, 3, 100])) == [2.0, 10.0, 656700.0]
        assert client.submit(scaled, 10).result() == 570.0
        # arrays sent from the client arrive as buffers Dask deserialises, unaligned as often as not
        big = np.linspace(0.0, 1.0, 200_000)
        assert client.submit(wk.sum_sq, big).result() == pytest.approx(float(np.sum(big * big)), rel=1e-12)
        parts = [big[:1000], big[1000:3001], np.arange(7.0)]
        assert client.gather(client.map(wk.sum_sq, parts)) == pytest.approx([float(np.sum(p * p)) for p in parts], rel=1e-12)


# ---- mpi4py -----------------------------------------------------------------------------------

MPI_SCRIPT = '''
import json
import numpy as np
from mpi4py import MPI
from ember import njit, prange

@njit(cache=True)
def rank_part(rank, n):
    """Rank r's share: (r + 1) * i for i < n, made in compiled code."""
    out = np.empty(n)
    for i in range(n):
        out[i] = (rank + 1) * i
    return out

comm = MPI.COMM_WORLD
rank, size = comm.Get_rank(), comm.Get_size()
n = 1000
mine = rank_part(rank, n)
total = np.empty(n)
comm.Reduce(mine, total if rank == 0 else None, op=MPI.SUM, root=0)
everywhere = comm.allreduce(float(mine.sum()), op=MPI.SUM)
right = bool(np.array_equal(mine, (rank + 1) * np.arange(n, dtype=np.float64)))
report = comm.gather({"rank": rank, "right": right, "stats": rank_part.stats, "everywhere": everywhere}, root=0)
if rank == 0:
    expected = size * (size + 1) / 2 * np.arange(n, dtype=np.float64)
    print(json.dumps({"size": size, "reduced_right": bool(np.array_equal(total, expected)),
                      "sum": float(expected.sum()), "ranks": report}))
'''


def run_mpi(tmp_path, cache):
    script = tmp_path / "ranks.py"
    script.write_text(MPI_SCRIPT)
    env = dict(os.environ, EMBER_CACHE_DIR=str(cache), OMPI_MCA_rmaps_base_oversubscribe="1")
    p = subprocess.run(["mpirun", "-np", "4", "--allow-run-as-root", "--oversubscribe", sys.executable, str(script)],
                       cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr
    return json.loads(p.stdout.strip().splitlines()[-1])


def test_mpi4py_ranks_compile_once_on_a_cold_cache(tmp_path):
    cache = tmp_path / "cache"
    r = run_mpi(tmp_path, cache)
    assert r["size"] == 4 and r["reduced_right"]
    assert [x["rank"] for x in r["ranks"]] == [0, 1, 2, 3]
    assert all(x["right"] and x["everywhere"] == r["sum"] for x in r["ranks"])
    compiled = [x["stats"]["compiles"] for x in r["ranks"]]
    loaded = [x["stats"]["cache_hits"] for x in r["ranks"]]
    assert sum(compiled) == 1 and sum(loaded) == 3, r["ranks"]   # one rank compiled, three waited and loaded
    assert not [f for f in os.listdir(cache) if f.endswith(".lock")]
    warm = run_mpi(tmp_path, cache)
    assert [x["stats"]["cache_hits"] for x in warm["ranks"]] == [1, 1, 1, 1] and warm["reduced_right"]


# ---- notebooks --------------------------------------------------------------------------------

NOTEBOOKS = sorted(f for f in os.listdir(EXAMPLES) if f.endswith(".ipynb")) if os.path.isdir(EXAMPLES) else []


def execute(path, cwd):
    import nbformat
    from nbclient import NotebookClient
    nb = nbformat.read(path, as_version=4)
    NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(cwd)}}).execute()
    return nb


def outputs(nb):
    return "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []))


def test_there_are_three_example_notebooks_without_outputs():
    import nbformat
    assert len(NOTEBOOKS) >= 3
    for name in NOTEBOOKS:
        nb = nbformat.read(os.path.join(EXAMPLES, name), as_version=4)
        assert all(not c.get("outputs") and c.get("execution_count") is None
                   for c in nb.cells if c.cell_type == "code"), name   # outputs are not committed


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_example_notebook_runs(name, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))   # the kernel's ember cache
    monkeypatch.setenv("MPLBACKEND", "Agg")
    nb = execute(os.path.join(EXAMPLES, name), tmp_path)   # raises CellExecutionError if a cell does
    assert nb.cells
    if name.startswith("01"):   # cache=True in a notebook: a restarted kernel loads, not compiles
        assert "compiled 1, loaded 0" in outputs(nb)
        assert "compiled 0, loaded 1" in outputs(execute(os.path.join(EXAMPLES, name), tmp_path))
        assert os.listdir(tmp_path / "cache" / "ember") == ["nofile"]
