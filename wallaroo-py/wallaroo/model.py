"""The normalized application model that ``ApplicationBuilder.build()`` returns.

Whatever style the user wrote in (decorated functions or the classic objects with ``name()`` and
``compute()``), the builder turns it into these plain objects. The engine's Python bridge and the
in-process test harness read only this model, so both see one shape.
"""
from __future__ import annotations

import functools
TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: typing costs seconds to import in a fresh GraalPy context
    from typing import Any, Callable, List, Optional


def _wrap(obj: Any, fn: Any) -> None:
    """Gives ``obj`` the name, docstring and ``__wrapped__`` of the user's function, so
    ``help()``, ``inspect.signature`` and test reports show the function, not the wrapper."""
    functools.update_wrapper(obj, fn, updated=())


class Computation:
    """A stateless step: ``fn(data)`` returns one output, or a list of outputs when ``multi``.

    Calling the object calls the user's function, so decorated functions stay unit-testable.
    """

    kind = "computation"

    def __init__(self, name: str, fn: Callable[[Any], Any], multi: bool = False) -> None:
        self.name = name
        self.fn = fn
        self.multi = multi
        _wrap(self, fn)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.fn(*args, **kwargs)

    def __repr__(self) -> str:
        return f"<wallaroo {self.kind} {self.name!r}{' (multi)' if self.multi else ''}>"


class StateComputation(Computation):
    """A step over state: ``fn(data, state)`` returns ``(output, save_state)``."""

    kind = "state computation"


class Partition:
    """A partition function: ``fn(data)`` returns the key of the state entity for ``data``."""

    def __init__(self, fn: Callable[[Any], Any], name: Optional[str] = None) -> None:
        self.fn = fn
        self.name = name or getattr(fn, "__name__", "partition")
        _wrap(self, fn)

    def __call__(self, data: Any) -> Any:
        return self.fn(data)

    def __repr__(self) -> str:
        return f"<wallaroo partition {self.name!r}>"


class Decoder:
    """Turns the bytes of one message into the pipeline's first input.

    ``header_length`` and ``length_fmt`` describe TCP framing. Classic decoder objects may give a
    ``payload_length`` function instead of a struct format. Extension and Kafka sources hand over
    whole messages, so framing does not apply to them.
    """

    def __init__(self, fn: Callable[[bytes], Any], header_length: Optional[int] = 4,
                 length_fmt: Optional[str] = ">I",
                 payload_length: Optional[Callable[[bytes], int]] = None,
                 name: Optional[str] = None) -> None:
        self.fn = fn
        self.header_length = header_length
        self.length_fmt = length_fmt
        self.payload_length = payload_length
        self.name = name or getattr(fn, "__name__", "decoder")
        _wrap(self, fn)

    def __call__(self, data: bytes) -> Any:
        return self.fn(data)

    def __repr__(self) -> str:
        return f"<wallaroo decoder {self.name!r}>"


class Encoder:
    """Turns a pipeline output into what its sink sends: bytes (or str, sent as UTF-8) for TCP,
    ``(value, key)`` for Kafka."""

    def __init__(self, fn: Callable[[Any], Any], name: Optional[str] = None) -> None:
        self.fn = fn
        self.name = name or getattr(fn, "__name__", "encoder")
        _wrap(self, fn)

    def __call__(self, data: Any) -> Any:
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
