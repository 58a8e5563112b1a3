"""Adapters from the classic object API (seed: the log-file example) to the model.

Classic applications pass objects instead of decorated functions: computations with ``name()``
and ``compute(data)`` / ``compute(data, state)`` (or ``compute_multi``), decoders with
``header_length()``, ``payload_length(bs)`` and ``decode(bs)``, encoders with ``encode(data)``,
and state builders with ``build()``. Decorated objects pass through unchanged.
"""
from __future__ import annotations

import inspect
from typing import Any, Callable, Optional, Tuple

from wallaroo.errors import WallarooParameterError
from wallaroo.model import Computation, Decoder, Encoder, StateComputation


def _name_of(obj: Any) -> str:
    name = getattr(obj, "name", None)
    if callable(name):
        name = name()
    return str(name) if name else type(obj).__name__


def _instance(obj: Any) -> Any:
    # The seed passes classes (``ab.to_stateful(Count)``) as well as instances.
    if inspect.isclass(obj):
        try:
            return obj()
        except TypeError as e:
            raise WallarooParameterError(
                f"{obj.__name__} was passed as a class but cannot be created without arguments ({e}); "
                f"pass an instance instead") from e
    return obj


def as_computation(obj: Any, what: str) -> Computation:
    if isinstance(obj, StateComputation):
        raise WallarooParameterError(
            f"{what}: {obj.name!r} is a state computation; use to_stateful or to_state_partition for it")
    if isinstance(obj, Computation):
        return obj
    inst = _instance(obj)
    if hasattr(inst, "compute_multi"):
        return Computation(_name_of(inst), inst.compute_multi, multi=True)
    if hasattr(inst, "compute"):
        return Computation(_name_of(inst), inst.compute, multi=False)
    raise WallarooParameterError(
        f"{what} needs a function decorated with @wallaroo.computation or @wallaroo.computation_multi "
        f"(or an object with compute(data)), got {obj!r}")


def as_state_computation(obj: Any, what: str) -> StateComputation:
    if isinstance(obj, StateComputation):
        return obj
    if isinstance(obj, Computation):
        raise WallarooParameterError(
            f"{what}: {obj.name!r} is a stateless computation; decorate it with "
            f"@wallaroo.state_computation(name=...) and give it a (data, state) signature")
    inst = _instance(obj)
    if hasattr(inst, "compute_multi"):
        return StateComputation(_name_of(inst), inst.compute_multi, multi=True)
    if hasattr(inst, "compute"):
        return StateComputation(_name_of(inst), inst.compute, multi=False)
    raise WallarooParameterError(
        f"{what} needs a function decorated with @wallaroo.state_computation or "
        f"@wallaroo.state_computation_multi (or an object with compute(data, state)), got {obj!r}")


def as_decoder(obj: Any, what: str) -> Decoder:
    if isinstance(obj, Decoder):
        return obj
    inst = _instance(obj)
    if hasattr(inst, "decode"):
        header = inst.header_length() if hasattr(inst, "header_length") else None
        payload_length = getattr(inst, "payload_length", None)
        return Decoder(inst.decode, header_length=header, length_fmt=None,
                       payload_length=payload_length, name=type(inst).__name__)
    raise WallarooParameterError(
        f"{what} needs a decoder: a function decorated with @wallaroo.decoder(...) "
        f"(or an object with header_length(), payload_length(bs) and decode(bs)), got {obj!r}")


def as_encoder(obj: Any, what: str) -> Encoder:
    if isinstance(obj, Encoder):
        return obj
    inst = _instance(obj)
    if hasattr(inst, "encode"):
        return Encoder(inst.encode, name=type(inst).__name__)
    raise WallarooParameterError(
        f"{what} needs an encoder: a function decorated with @wallaroo.encoder "
        f"(or an object with encode(data)), got {obj!r}")


def as_state_factory(obj: Any, what: str) -> Tuple[Callable[[], Any], str]:
    """A zero-argument callable making a new state entity, and a name identifying it."""
    if inspect.isclass(obj):
        if hasattr(obj, "build") and not _takes_no_args(obj):
            raise WallarooParameterError(f"{what}: {obj.__name__} must be a state class or a builder instance")
        if hasattr(obj, "build") and _is_builder_class(obj):
            builder = obj()
            return builder.build, f"{obj.__module__}.{obj.__qualname__}"
        return obj, f"{obj.__module__}.{obj.__qualname__}"
    if hasattr(obj, "build") and callable(obj.build):
        cls = type(obj)
        return obj.build, f"{cls.__module__}.{cls.__qualname__}"
    if callable(obj):
        return obj, getattr(obj, "__qualname__", repr(obj))
    raise WallarooParameterError(
        f"{what} needs a state class (called with no arguments to make each state entity) or a "
        f"builder with build(), got {obj!r}")


def _takes_no_args(cls: type) -> bool:
    try:
        sig = inspect.signature(cls)
    except (TypeError, ValueError):
        return True
    return all(p.default is not p.empty or p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
               for p in sig.parameters.values())


def _is_builder_class(cls: type) -> bool:
    # A class whose instances build state (classic CounterBuilder) rather than a state class
    # that happens to have a build method: builders have build() and nothing that mutates.
    return cls.__name__.endswith("Builder")
