"""ember's exceptions. Compile-time problems raise one of these, with the file, line, function,
the source line and a caret under the expression in the message."""


class EmberError(Exception):
    """Base class of ember's compile-time errors."""


class TypingError(EmberError):
    """The types of the values involved do not support the operation."""


class UnsupportedError(TypingError):
    """A construct ember does not compile. A TypingError too: where ember lacks what Numba types,
    Numba raises TypingError, so code that catches TypingError catches this."""


class CacheWarning(UserWarning):
    """The on-disk cache (cache=True) could not be read or written; ember compiled instead."""


# Numba spells these the same way; `import ember as numba` code catching them keeps working.
NumbaError = EmberError
LoweringError = EmberError


class NumbaNotImplementedError(TypingError, NotImplementedError):
    """A value or dtype that has no ember type, or a type that has no NumPy dtype (Numba's class,
    a TypingError; a NotImplementedError too)."""


# Numba's TypingError subclasses, which programs name in except clauses; ember raises TypingError
# or UnsupportedError itself.
class NumbaTypeError(TypingError):
    pass


class NumbaValueError(TypingError):
    pass


class NumbaIndexError(TypingError):
    pass


class NumbaKeyError(TypingError):
    pass


class NumbaAttributeError(TypingError):
    pass


class NumbaAssertionError(TypingError):
    pass


class NumbaRuntimeError(EmberError):
    pass


# Numba's warning classes, which programs name to silence them
# (warnings.simplefilter("ignore", category=numba.NumbaPerformanceWarning)); ember raises none.
class NumbaWarning(Warning):
    """Base class of the warnings Numba's code names."""


class NumbaPerformanceWarning(NumbaWarning):
    pass


class NumbaDeprecationWarning(NumbaWarning, DeprecationWarning):
    pass


class NumbaPendingDeprecationWarning(NumbaWarning, PendingDeprecationWarning):
    pass


class NumbaParallelSafetyWarning(NumbaWarning):
    pass


class NumbaTypeSafetyWarning(NumbaWarning):
    pass


class NumbaExperimentalFeatureWarning(NumbaWarning):
    pass


class NumbaPedanticWarning(NumbaWarning):
    pass


class NumbaIRAssumptionWarning(NumbaPedanticWarning):
    pass


class NumbaSystemWarning(NumbaWarning):
    pass


class NumbaInvalidConfigWarning(NumbaWarning):
    pass


class NumbaDebugInfoWarning(NumbaWarning):
    pass


NUMBA_WARNINGS = ("NumbaWarning", "NumbaPerformanceWarning", "NumbaDeprecationWarning", "NumbaPendingDeprecationWarning",
                  "NumbaParallelSafetyWarning", "NumbaTypeSafetyWarning", "NumbaExperimentalFeatureWarning")

