"""The normalized application model that ``ApplicationBuilder.build()`` returns.

Whatever style the user wrote in (decorated functions or the classic objects with ``name()`` and
``compute()``), the builder turns it into these plain objects. The engine's Python bridge and the
in-process test harness read only this model, so both see one shape.

The objects are also Wallaroo's (Machida's) own objects, so unit tests written against that API
run unchanged: a computation has ``name()`` and ``compute(data)`` (``compute_multi`` for
``computation_multi``, ``compute(data, state)`` for state computations), a decoder has
``header_length()``, ``payload_length(bs)`` and ``decode(bs)``, an encoder ``encode(data)``, a
partition ``partition(data)``. A decorated module-level function pickles by reference (module and
qualified name), as Machida's workers pickle them.
"""
from __future__ import annotations

import functools
import importlib
import struct
TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: typing costs seconds to import in a fresh GraalPy context
    from typing import Any, Callable, List, Optional


class StepName(str):
    """A step's name: a ``str`` for everything that reads ``obj.name``, and callable, so that
    Machida-style code calling ``obj.name()`` gets the same str."""

    __slots__ = ()

    def __call__(self) -> str:
        return str(self)


def _wrap(obj: Any, fn: Any) -> None:
    """Gives ``obj`` the name, docstring and ``__wrapped__`` of the user's function, so
    ``help()``, ``inspect.signature`` and test reports show the function, not the wrapper."""
    functools.update_wrapper(obj, fn, updated=())


def _lookup(module: str, qualname: str) -> Any:
    """The object bound to ``module.qualname``: how a pickled decorated function is loaded."""
    obj: Any = importlib.import_module(module)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj


class _UserFunction:
    """What every decorated object shares: it calls the user's function, and pickles as a
    reference to the module-level name it is bound to (the decorated object replaced the
    function there, so pickle's default by-reference pickling of the function would fail)."""

    fn: Callable[..., Any]

    def __reduce_ex__(self, protocol: Any) -> Any:
        module = self.__dict__.get("__module__")
        qualname = self.__dict__.get("__qualname__")
        if isinstance(module, str) and isinstance(qualname, str) and "<" not in qualname:
            try:
                found = _lookup(module, qualname)
            except Exception:  # noqa: BLE001 - not reachable by name: pickle by value instead
                found = None
            if found is self:
                return (_lookup, (module, qualname))
        return super().__reduce_ex__(protocol)


class Computation(_UserFunction):
    """A stateless step: ``fn(data)`` returns one output, or a list of outputs when ``multi``.

    Calling the object calls the user's function, so decorated functions stay unit-testable.
    """

    kind = "computation"

    def __init__(self, name: str, fn: Callable[[Any], Any], multi: bool = False) -> None:
        self.name = StepName(name)
        self.fn = fn
        self.multi = multi
        _wrap(self, fn)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.fn(*args, **kwargs)

    @property
    def compute(self) -> Callable[..., Any]:
        """``compute(data)`` (``compute(data, state)`` for a state computation), as in Machida;
        a ``computation_multi`` has ``compute_multi`` instead."""
        if self.multi:
            raise AttributeError(f"{self!r} is a _multi computation: call compute_multi(...)")
        return self.fn

    @property
    def compute_multi(self) -> Callable[..., Any]:
        """``compute_multi(data)`` (``compute_multi(data, state)`` for a state computation)."""
        if not self.multi:
            raise AttributeError(f"{self!r} is not a _multi computation: call compute(...)")
        return self.fn

    def __repr__(self) -> str:
        return f"<wallaroo {self.kind} {self.name!r}{' (multi)' if self.multi else ''}>"


class StateComputation(Computation):
    """A step over state: ``fn(data, state)`` returns ``(output, save_state)``."""

    kind = "state computation"


class Partition(_UserFunction):
    """A partition function: ``fn(data)`` returns the key of the state entity for ``data``."""

    def __init__(self, fn: Callable[[Any], Any], name: Optional[str] = None) -> None:
        self.fn = fn
        self.name = StepName(name or getattr(fn, "__name__", "partition"))
        _wrap(self, fn)

    def __call__(self, data: Any) -> Any:
        return self.fn(data)

    def partition(self, data: Any) -> Any:
        return self.fn(data)

    def __repr__(self) -> str:
        return f"<wallaroo partition {self.name!r}>"


class Decoder(_UserFunction):
    """Turns the bytes of one message into the pipeline's first input.

    ``header_size`` and ``length_fmt`` describe TCP framing. Classic decoder objects may give a
    ``payload_length`` function (``payload_length_fn``) instead of a struct format. Extension and
    Kafka sources hand over whole messages, so framing does not apply to them (``header_size``
    is None).
    """

    def __init__(self, fn: Callable[[bytes], Any], header_length: Optional[int] = 4,
                 length_fmt: Optional[str] = ">I",
                 payload_length: Optional[Callable[[bytes], int]] = None,
                 name: Optional[str] = None) -> None:
        self.fn = fn
        self.header_size = header_length
        self.length_fmt = length_fmt
        self.payload_length_fn = payload_length
        self.name = StepName(name or getattr(fn, "__name__", "decoder"))
        _wrap(self, fn)

    def __call__(self, data: bytes) -> Any:
        return self.fn(data)

    def header_length(self) -> Optional[int]:
        """The size of the TCP length header in bytes (None for whole-message sources)."""
        return self.header_size

    def payload_length(self, bs: bytes) -> int:
        """The payload length a TCP header ``bs`` declares."""
        if self.payload_length_fn is not None:
            return self.payload_length_fn(bs)
        if self.length_fmt:
            return struct.unpack(self.length_fmt, bs)[0]
        raise TypeError(f"decoder {self.name!r} has no TCP framing: its messages arrive whole")

    def decode(self, bs: bytes) -> Any:
        return self.fn(bs)

    def __repr__(self) -> str:
        return f"<wallaroo decoder {self.name!r}>"


class Encoder(_UserFunction):
    """Turns a pipeline output into what its sink sends: bytes (or str, sent as UTF-8) for TCP,
    ``(value, key)`` for Kafka."""

    def __init__(self, fn: Callable[[Any], Any], name: Optional[str] = None) -> None:
        self.fn = fn
        self.name = StepName(name or getattr(fn, "__name__", "encoder"))
        _wrap(self, fn)

    def __call__(self, data: Any) -> Any:
        return self.fn(data)

    def encode(self, data: Any) -> Any:
        return self.fn(data)

    def __repr__(self) -> str:
        return f"<wallaroo encoder {self.name!r}>"


class StateSpec:
    """A named state as one step uses it.

    ``factory()`` makes a new state entity (a state class, or a classic builder's ``build``).
    ``partition`` is None for a single entity (``to_stateful``).
    """

    def __init__(self, name: str, factory: Callable[[], Any], factory_name: str,
                 partition: Optional[Partition] = None, keys: Optional[List[Any]] = None,
                 u64: bool = False) -> None:
        self.name = name
        self.factory = factory
        self.factory_name = factory_name
        self.partition = partition
        self.keys = keys
        self.u64 = u64

    def __repr__(self) -> str:
        kind = "partitioned state" if self.partition is not None else "state"
        return f"<wallaroo {kind} {self.name!r} of {self.factory_name}>"

    @property
    def partitioned(self) -> bool:
        return self.partition is not None


class Step:
    """One step of a pipeline: a computation, and the state it runs against if it is stateful."""

    def __init__(self, computation: Computation, parallel: bool = False,
                 state: Optional[StateSpec] = None) -> None:
        self.computation = computation
        self.parallel = parallel
        self.state = state

    @property
    def name(self) -> str:
        return self.computation.name

    def __repr__(self) -> str:
        state = f" on state {self.state.name!r}" if self.state is not None else ""
        return f"<wallaroo step {self.name!r}{state}>"


class Pipeline:
    def __init__(self, name: str, source: Any) -> None:
        self.name = name
        self.source = source
        self.steps: List[Step] = []
        self.sinks: List[Any] = []

    def __repr__(self) -> str:
        return f"<wallaroo pipeline {self.name!r}: {len(self.steps)} step(s), {len(self.sinks)} sink(s)>"


class Application:
    """What ``build()`` returns and ``application_setup`` must return."""

    def __init__(self, name: str, pipelines: List[Pipeline]) -> None:
        self.name = name
        self.pipelines = pipelines

    def __repr__(self) -> str:
        return f"<wallaroo application {self.name!r}: {len(self.pipelines)} pipeline(s)>"
