"""python -m ember: a report of this system to paste into a bug report (as `numba -s` prints).

It says which ember, LLVM, Python and NumPy run here, the CPU LLVM compiles for (its name and
features, asked of LLVM through ember._embercc), the threads and threading layer, the BLAS that
np.linalg and np.dot use, where cache=True stores its files, and the EMBER_* variables set.
"""
import os
import platform
import sys


def _blas():
    """NumPy's BLAS (ember calls the one NumPy ships) and whether ember can load it."""
    import numpy as np

    try:
        info = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        name = "%s %s" % (info.get("name", "?"), info.get("version", ""))
    except Exception:   # an older NumPy without mode="dicts"
        name = "unknown"
    from ember import _ember, njit

    def det(m):
        return np.linalg.det(m)

    try:
        _ember.infer(njit(det), (np.eye(2),))   # typing loads BLAS/LAPACK for np.linalg
        found = "loaded by ember"
    except Exception as e:
        found = "NOT loaded by ember: %s" % str(e).splitlines()[0]
    return name.strip(), found


def report():
    """The report's (section, [(key, value)]) pairs."""
    import numpy as np

    import ember
    from ember import _ember

    build = _ember.build_info()
    par = _ember.parallel_info()
    try:
        from ember import _embercc   # loads LLVM

        cpu = _embercc.host_cpu()
        features = sorted(f[1:] for f in cpu["features"].split(",") if f.startswith("+"))
        cpu_name, cpu_features = cpu["name"], " ".join(features)
    except Exception as e:   # the code generator cannot load: that is the bug to report
        cpu_name, cpu_features = "unknown (ember._embercc: %s)" % e, ""
    model = ""
    try:
        with open("/proc/cpuinfo") as f:
            model = next((line.split(":", 1)[1].strip() for line in f if line.startswith("model name")), "")
    except OSError:
        pass
    blas, blas_found = _blas()
    from ember import _cache

    cache_dir = os.environ.get("EMBER_CACHE_DIR") or "__pycache__ beside each source file"
    cpus = ember._cpu_count()
    env = sorted((k, v) for k, v in os.environ.items() if k.startswith("EMBER_"))
    return [
        ("Versions", [("ember", "%s (%s)" % (ember.__version__, os.path.dirname(ember.__file__))),
                      ("LLVM", build["llvm"]),
                      ("Python", "%s %s (%s)" % (platform.python_implementation(), platform.python_version(),
                                                 sys.executable)),
                      ("NumPy", np.__version__),
                      ("OS", "%s %s %s" % (platform.system(), platform.release(), platform.machine()))]),
        ("CPU", [("model", model or platform.processor() or "unknown"),
                 ("LLVM host CPU", cpu_name),
                 ("LLVM host features", cpu_features),
                 ("CPUs this process may use", str(cpus))]),
        ("Threads", [("threads (EMBER_NUM_THREADS)", str(par["max_threads"])),
                     ("threads of this thread (get_num_threads)", str(ember.get_num_threads())),
                     ("threading layer", par["backend"])]),
        ("Libraries", [("BLAS/LAPACK (NumPy's)", blas), ("BLAS/LAPACK for np.linalg", blas_found),
                       ("vector maths (glibc libmvec)", "found" if build["libmvec"] else "not found")]),
        ("Cache", [("cache=True directory", cache_dir),
                   ("code without a source file", os.path.join(_cache._user_cache_dir(), "nofile"))]),
        ("Environment", env or [("EMBER_* variables", "none set")]),
    ]


def main():
    for section, rows in report():
        print("__%s__" % section)
        width = max(len(k) for k, _ in rows)
        for k, v in rows:
            print("  %-*s : %s" % (width, k, v))
        print()


if __name__ == "__main__":
    main()
