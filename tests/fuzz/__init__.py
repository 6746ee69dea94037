"""Differential fuzzing of ember against CPython.

gen.py makes a random well-typed program from a seed, runner.py runs programs under both in
forked children and classifies each, minimize.py shrinks a failing one, and `python -m
tests.fuzz` (__main__.py) is the long mode. tests/test_fuzz.py runs a fixed seed set.
"""
