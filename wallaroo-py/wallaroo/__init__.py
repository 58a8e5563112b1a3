"""The Wallaroo Python API: build streaming applications from decorated functions.

An application module defines ``application_setup(args)`` and returns
``ApplicationBuilder(...).build()``. The same package imports under plain CPython, so the
functions of an application can be unit-tested, and run in-process with ``wallaroo.testing``.

The decorators wrap a function in a small model object that is still callable like the
function, and check its signature at once, so a mistake is reported where it was made.
"""
from __future__ import annotations

TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: typing costs seconds to import in a fresh GraalPy context
    from typing import Any, Callable, Optional

from wallaroo._checks import check_callable
from wallaroo._framing import length_fmt_problem
from wallaroo._version import __version__
from wallaroo.builder import ApplicationBuilder
from wallaroo.config import (KafkaSinkConfig, KafkaSourceConfig, TCPSinkConfig, TCPSourceConfig,
                             kafka_parse_sink_options, kafka_parse_source_options,
                             tcp_parse_input_addrs, tcp_parse_output_addrs)
from wallaroo.errors import WallarooParameterError
from wallaroo.model import (Application, Computation, Decoder, Encoder, Partition,
                            StateComputation)

__all__ = [
    "ApplicationBuilder", "WallarooParameterError",
    "computation", "computation_multi", "state_computation", "state_computation_multi",
    "partition", "decoder", "encoder",
    "TCPSourceConfig", "TCPSinkConfig", "KafkaSourceConfig", "KafkaSinkConfig",
    "tcp_parse_input_addrs", "tcp_parse_output_addrs",
    "kafka_parse_source_options", "kafka_parse_sink_options",
    "Application", "Computation", "StateComputation", "Partition", "Decoder", "Encoder",
]


def _step_name(decorator: str, name: Any) -> str:
    if callable(name):
        # @wallaroo.computation written without (name=...): the function arrived as the name.
        raise WallarooParameterError(
            f"@wallaroo.{decorator} needs the step's name: write @wallaroo.{decorator}(name=\"...\") "
            f"above def {getattr(name, '__name__', 'f')}(...)")
    if not isinstance(name, str) or not name:
        raise WallarooParameterError(
            f"@wallaroo.{decorator}(name=...) needs the step's name as a non-empty str, got {name!r}")
    return name


def computation(name: str) -> Callable[[Callable[[Any], Any]], Computation]:
    """A stateless step: ``fn(data)`` returns one output; ``None`` emits nothing."""
    name = _step_name("computation", name)

    def wrap(fn: Callable[[Any], Any]) -> Computation:
        check_callable(fn, 1, f"@wallaroo.computation({name!r})", "data")
        return Computation(name, fn, multi=False)
    return wrap


def computation_multi(name: str) -> Callable[[Callable[[Any], Any]], Computation]:
    """A stateless step: ``fn(data)`` returns a list of outputs, each delivered on its own;
    ``None`` (or ``None`` items) emit nothing."""
    name = _step_name("computation_multi", name)

    def wrap(fn: Callable[[Any], Any]) -> Computation:
        check_callable(fn, 1, f"@wallaroo.computation_multi({name!r})", "data")
        return Computation(name, fn, multi=True)
    return wrap


def state_computation(name: str) -> Callable[[Callable[[Any, Any], Any]], StateComputation]:
    """A step over state: ``fn(data, state)`` returns ``(output, save_state)``."""
    name = _step_name("state_computation", name)

    def wrap(fn: Callable[[Any, Any], Any]) -> StateComputation:
        check_callable(fn, 2, f"@wallaroo.state_computation({name!r})", "data, state")
        return StateComputation(name, fn, multi=False)
    return wrap


def state_computation_multi(name: str) -> Callable[[Callable[[Any, Any], Any]], StateComputation]:
    """A step over state: ``fn(data, state)`` returns ``(outputs, save_state)`` with a list of
    outputs, each delivered on its own."""
    name = _step_name("state_computation_multi", name)

    def wrap(fn: Callable[[Any, Any], Any]) -> StateComputation:
        check_callable(fn, 2, f"@wallaroo.state_computation_multi({name!r})", "data, state")
        return StateComputation(name, fn, multi=True)
    return wrap


def partition(fn: Optional[Callable[[Any], Any]] = None) -> Any:
    """Marks a function that returns the partition key of a message.

    Used bare (``@wallaroo.partition``); ``@wallaroo.partition()`` is accepted too.
    """
    if fn is None:
        return partition
    check_callable(fn, 1, "@wallaroo.partition", "data")
    return Partition(fn)


def decoder(header_length: int = 4, length_fmt: str = ">I") -> Callable[[Callable[[bytes], Any]], Decoder]:
    """A source decoder: ``fn(bs)`` turns one message's bytes into the pipeline's first input.

    TCP messages are framed by a ``header_length``-byte header that ``struct.unpack(length_fmt,
    header)`` turns into the payload length; the format must hold exactly one integer.
    """
    if callable(header_length):
        raise WallarooParameterError(
            "@wallaroo.decoder needs parentheses: write @wallaroo.decoder(header_length=4, length_fmt=\">I\") "
            f"above def {getattr(header_length, '__name__', 'f')}(bs)")
    problem = length_fmt_problem(header_length, length_fmt)
    if problem:
        raise WallarooParameterError(f"@wallaroo.decoder(header_length={header_length!r}, "
                                     f"length_fmt={length_fmt!r}): {problem}")

    def wrap(fn: Callable[[bytes], Any]) -> Decoder:
        check_callable(fn, 1, "@wallaroo.decoder", "bs")
        return Decoder(fn, header_length=header_length, length_fmt=length_fmt)
    return wrap


def encoder(fn: Optional[Callable[[Any], Any]] = None) -> Any:
    """A sink encoder: ``fn(data)`` returns bytes or str (sent as UTF-8) for a TCP sink, and
    ``(value, key)`` for a Kafka sink. Used bare; ``@wallaroo.encoder()`` is accepted too."""
    if fn is None:
        return encoder
    check_callable(fn, 1, "@wallaroo.encoder", "data")
    return Encoder(fn)
