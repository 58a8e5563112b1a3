"""The Wallaroo Python API: build streaming applications from decorated functions.

An application module defines ``application_setup(args)`` and returns
``ApplicationBuilder(...).build()``. The same package imports under plain CPython, so the
functions of an application can be unit-tested, and run in-process with ``wallaroo.testing``.
"""
from __future__ import annotations

from typing import Any, Callable, List, Optional, Sequence, Tuple

from wallaroo.builder import ApplicationBuilder
from wallaroo.errors import WallarooParameterError
from wallaroo.model import (Application, Computation, Decoder, Encoder, Partition,
                            StateComputation)
from wallaroo.config import (KafkaSinkConfig, KafkaSourceConfig, TCPSinkConfig, TCPSourceConfig,
                             kafka_parse_sink_options, kafka_parse_source_options,
                             tcp_parse_input_addrs, tcp_parse_output_addrs)

__all__ = [
    "ApplicationBuilder", "WallarooParameterError",
    "computation", "computation_multi", "state_computation", "state_computation_multi",
    "partition", "decoder", "encoder",
    "TCPSourceConfig", "TCPSinkConfig", "KafkaSourceConfig", "KafkaSinkConfig",
    "tcp_parse_input_addrs", "tcp_parse_output_addrs",
    "kafka_parse_source_options", "kafka_parse_sink_options",
]


def computation(name: str) -> Callable[[Callable[[Any], Any]], Computation]:
    """A stateless step returning one output (``None`` emits nothing)."""
    return lambda fn: Computation(name, fn, multi=False)


def computation_multi(name: str) -> Callable[[Callable[[Any], Any]], Computation]:
    """A stateless step returning a list of outputs, delivered one by one (``None`` emits nothing)."""
    return lambda fn: Computation(name, fn, multi=True)


def state_computation(name: str) -> Callable[[Callable[[Any, Any], Any]], StateComputation]:
    """A step over state returning ``(output, save_state)``."""
    return lambda fn: StateComputation(name, fn, multi=False)


def state_computation_multi(name: str) -> Callable[[Callable[[Any, Any], Any]], StateComputation]:
    """A step over state returning ``(outputs, save_state)`` with a list of outputs."""
    return lambda fn: StateComputation(name, fn, multi=True)


def partition(fn: Callable[[Any], Any]) -> Partition:
    """Marks a function that returns the partition key of a message."""
    return Partition(fn)


def decoder(header_length: int = 4, length_fmt: str = ">I") -> Callable[[Callable[[bytes], Any]], Decoder]:
    """A source decoder; TCP messages are framed by a ``header_length``-byte header that
    ``struct.unpack(length_fmt, header)`` turns into the payload length."""
    return lambda fn: Decoder(fn, header_length=header_length, length_fmt=length_fmt)


def encoder(fn: Callable[[Any], Any]) -> Encoder:
    """A sink encoder."""
    return Encoder(fn)
