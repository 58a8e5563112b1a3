"""Checks that user functions can be called the way the engine will call them.

Catching a wrong signature when the application is built gives a message that names the
function; the alternative is one error per message at run time.
"""
from __future__ import annotations

import inspect
from typing import Any, Optional

from wallaroo.errors import WallarooParameterError


def describe(fn: Any) -> str:
    """A short human name for a function, method or object."""
    name = getattr(fn, "__qualname__", None) or getattr(fn, "__name__", None)
    if name:
        return str(name)
    return type(fn).__name__


def _signature(fn: Any) -> Optional[inspect.Signature]:
    try:
        return inspect.signature(fn)
    except (TypeError, ValueError):  # builtins and C callables may not expose one: trust them
        return None


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
    sig = _signature(fn)
    if sig is None:
        return True
    try:
        sig.bind(*range(nargs))
    except TypeError:
        return False
    return True
