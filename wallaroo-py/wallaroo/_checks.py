"""Checks that user functions can be called the way the engine will call them.

Catching a wrong signature when the application is built gives a message that names the
function; the alternative is one error per message at run time.
"""
from __future__ import annotations

import types

from wallaroo.errors import WallarooParameterError

# Annotations only. Importing typing and inspect costs seconds of CPU in a fresh GraalPy context
# (every lane is one), so the checks below answer plain functions from their code objects and
# import inspect only for the rare callable they cannot read.
TYPE_CHECKING = False
if TYPE_CHECKING:
    import inspect
    from typing import Any, Optional

_CO_VARARGS = 0x04


def describe(fn: Any) -> str:
    """A short human name for a function, method or object."""
    name = getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None)
    if name:
        return str(name)
    return type(fn).__name__


def _signature(fn: Any) -> Optional[inspect.Signature]:
    import inspect
    try:
        return inspect.signature(fn)
    except (TypeError, ValueError):  # builtins and C callables may not expose one: trust them
        return None


def _quick_binds(fn: Any, nargs: int) -> Optional[bool]:
    """Whether a plain function or bound method binds ``nargs`` positional arguments, read from
    its code object; None when ``fn`` is anything else (then inspect.signature decides)."""
    bound = 0
    if isinstance(fn, types.MethodType):
        fn, bound = fn.__func__, 1
    if type(fn) is not types.FunctionType or getattr(fn, "__wrapped__", None) is not None \
            or getattr(fn, "__signature__", None) is not None:
        return None
    code = fn.__code__
    given = nargs + bound
    positional = code.co_argcount
    required = positional - len(fn.__defaults__ or ())
    kwonly = code.co_varnames[positional:positional + code.co_kwonlyargcount]
    if any(name not in (fn.__kwdefaults__ or {}) for name in kwonly):
        return False
    return required <= given and (given <= positional or bool(code.co_flags & _CO_VARARGS))


def check_callable(fn: Any, nargs: int, subject: str, params: str, fname: Optional[str] = None) -> None:
    """Raises WallarooParameterError unless ``fn`` can be called with ``nargs`` positional arguments.

    ``subject`` names what is checked in the message ("@wallaroo.computation('Double')"),
    ``params`` is the expected parameter list ("data"), ``fname`` the name to show in the
    expected ``def`` (the function's own name by default). Defaults and ``*args`` are fine as
    long as the call would bind; callables without a signature (builtins) are trusted.
    """
    fname = fname or getattr(fn, "__name__", None) or "f"
    if not callable(fn):
        raise WallarooParameterError(f"{subject} needs a function like def {fname}({params}), got {fn!r}")
    if _quick_binds(fn, nargs):
        return
    sig = _signature(fn)
    if sig is None:
        return
    try:
        sig.bind(*range(nargs))
    except TypeError:
        plural = "" if nargs == 1 else "s"
        raise WallarooParameterError(
            f"{subject}: {describe(fn)}{sig} cannot be called with {nargs} positional argument{plural}; "
            f"it must look like def {fname}({params})") from None


def binds(fn: Any, nargs: int) -> bool:
    """Whether ``fn`` could be called with ``nargs`` positional arguments (True when unknown)."""
    quick = _quick_binds(fn, nargs)
    if quick is not None:
        return quick
    sig = _signature(fn)
    if sig is None:
        return True
    try:
        sig.bind(*range(nargs))
    except TypeError:
        return False
    return True


def constructor_binds(cls: type) -> Optional[bool]:
    """Whether ``cls()`` binds, answered without inspect for classes whose ``__init__`` is a plain
    function (or object's) and whose ``__new__`` is object's; None when unknown."""
    if type(cls) is not type or cls.__new__ is not object.__new__:
        return None
    init = cls.__init__
    if init is object.__init__:
        return True
    return _quick_binds(types.MethodType(init, object()), 0)
