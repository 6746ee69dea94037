"""numba.core.types: ember's types, by Numba's names."""
from ember.types import *  # noqa: F401,F403
from ember.types import _NUMBA_TYPE_MODULES

import sys as _sys

# Numba's numba.core.types is a package of these modules (`from numba.core.types.misc import
# NoneType`); here each is this module, and this module a package (a __path__) so that an import
# system asked for numba.core.types.misc by another name looks for it
__path__ = []
for _sub in _NUMBA_TYPE_MODULES:
    _sys.modules[__name__ + "." + _sub] = _sys.modules[__name__]
    globals()[_sub] = _sys.modules[__name__]   # numba.core.types.npytypes.Array
