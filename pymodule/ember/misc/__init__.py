"""numba.misc: the names programs import from it (numba.misc.special)."""
