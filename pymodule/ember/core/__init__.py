"""Numba's `numba.core` names that programs import (`from numba.core import types, errors`)."""
from ember import errors, types  # noqa: F401
