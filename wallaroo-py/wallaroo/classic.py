"""Adapters from the classic object API to the model.

Classic applications (Wallaroo's first Python API, used by the log-file example) pass objects
where the decorator API passes decorated functions:

* computations with ``name()`` and ``compute(data)``, or ``compute(data, state)`` for a state
  computation (``compute_multi`` instead of ``compute`` returns a list of outputs);
* decoders with ``header_length()``, ``payload_length(bs)`` and ``decode(bs)``;
* encoders with ``encode(data)``;
* partitions with ``partition(data)``;
* state builders with ``build()``, in place of a state class.

A class is accepted where an instance is expected, as long as it can be created without
arguments. Decorated objects pass through unchanged. Every adapter checks the signature of the
method it will call, so a wrong one is reported when the application is built.
"""
from __future__ import annotations

import types

from wallaroo._checks import binds, check_callable, constructor_binds, describe
from wallaroo._framing import infer_length_fmt
from wallaroo.errors import WallarooParameterError
from wallaroo.model import Computation, Decoder, Encoder, Partition, StateComputation

# Annotations only; inspect's predicates are replaced by isinstance checks below, because
# importing typing and inspect costs seconds in every fresh GraalPy context (one per lane).
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any, Callable, Optional, Tuple

# What inspect.isroutine accepts: functions, methods and their built-in kinds.
_ROUTINES = (types.FunctionType, types.BuiltinFunctionType, types.MethodType, types.MethodDescriptorType,
             types.WrapperDescriptorType, types.MethodWrapperType, types.ClassMethodDescriptorType)


def _isclass(obj: Any) -> bool:
    return isinstance(obj, type)


def _isroutine(obj: Any) -> bool:
    return isinstance(obj, _ROUTINES)


def _instance(obj: Any, what: str) -> Any:
    """``obj`` itself, or a new instance when a class was passed (``ab.to(Split)``)."""
    if not _isclass(obj):
        return obj
    try:
        return obj()
    except TypeError as e:
        raise WallarooParameterError(
            f"{what}: {obj.__name__} was passed as a class but cannot be created without arguments "
            f"({e}); pass an instance instead, e.g. {obj.__name__}(...)") from None


def _name_of(inst: Any, what: str) -> str:
    name = getattr(inst, "name", None)
    if callable(name):
        try:
            name = name()
        except Exception as e:
            raise WallarooParameterError(
                f"{what}: {type(inst).__name__}.name() raised {type(e).__name__}: {e}; it must return "
                f"the step's name as a str") from None
    if name is None:
        return type(inst).__name__
    if not isinstance(name, str) or not name:
        raise WallarooParameterError(
            f"{what}: {type(inst).__name__}.name() must return a non-empty str, got {name!r}")
    return name


def _is_user_object(obj: Any) -> bool:
    """True for an instance or class that could be a classic object. Functions and built-in
    values are not: a str has a ``partition`` method, but it is no partition object."""
    if obj is None or _isroutine(obj):
        return False
    cls = obj if _isclass(obj) else type(obj)
    return cls.__module__ != "builtins"


def _shown(obj: Any) -> str:
    return describe(obj) if _isroutine(obj) else repr(obj)


def _plain_function_hint(obj: Any, decorator: str) -> str:
    if isinstance(obj, (types.FunctionType, types.BuiltinFunctionType)):
        return f"; {describe(obj)} is a plain function: put @wallaroo.{decorator} above its def"
    return ""


def _classic_compute(obj: Any, what: str, kind: Any, arity: int, signature: str,
                     other_kind_hint: str) -> Any:
    """A classic object's ``compute_multi`` (preferred) or ``compute`` method as a step of `kind`,
    checked to take `arity` arguments besides self; None if it has neither method. When the
    method takes the other kind's arity, the error ends with `other_kind_hint`."""
    inst = _instance(obj, what)
    for method, multi in (("compute_multi", True), ("compute", False)):
        fn = getattr(inst, method, None)
        if fn is not None:
            name = _name_of(inst, what)
            other_arity = 2 if arity == 1 else 1  # stateless steps take data; state steps data and state
            hint = other_kind_hint if binds(fn, other_arity) else ""
            _check_method(fn, arity, what, method, signature, hint)
            return kind(name, fn, multi=multi)
    return None


def as_computation(obj: Any, what: str) -> Computation:
    """A stateless step from a decorated function or a classic computation object."""
    if isinstance(obj, StateComputation):
        raise WallarooParameterError(
            f"{what}: {obj.name!r} is a state computation; add it with to_stateful(...) or "
            f"to_state_partition(...), or decorate it with @wallaroo.computation if it needs no state")
    if isinstance(obj, Computation):
        return obj
    if _is_user_object(obj) and not isinstance(obj, (Partition, Decoder, Encoder)):
        step = _classic_compute(obj, what, Computation, 1, "(self, data)",
                                "; a compute(data, state) belongs to a state computation: use to_stateful")
        if step is not None:
            return step
    raise WallarooParameterError(
        f"{what} needs a function decorated with @wallaroo.computation(name=...) or "
        f"@wallaroo.computation_multi(name=...), or an object with name() and compute(data); "
        f"got {obj!r}{_plain_function_hint(obj, 'computation(name=...)')}")


def as_state_computation(obj: Any, what: str) -> StateComputation:
    """A step over state from a decorated function or a classic computation object."""
    if isinstance(obj, StateComputation):
        return obj
    if isinstance(obj, Computation):
        raise WallarooParameterError(
            f"{what}: {obj.name!r} is a stateless computation; decorate it with "
            f"@wallaroo.state_computation(name=...) and give it a (data, state) signature, or add it "
            f"with to(...)")
    if _is_user_object(obj) and not isinstance(obj, (Partition, Decoder, Encoder)):
        step = _classic_compute(obj, what, StateComputation, 2, "(self, data, state)",
                                "; a compute(data) without state belongs to a stateless step: use to(...)")
        if step is not None:
            return step
    raise WallarooParameterError(
        f"{what} needs a function decorated with @wallaroo.state_computation(name=...) or "
        f"@wallaroo.state_computation_multi(name=...), or an object with name() and "
        f"compute(data, state); got {obj!r}{_plain_function_hint(obj, 'state_computation(name=...)')}")


def as_partition(obj: Any, what: str) -> Partition:
    """A partition function: decorated with ``@wallaroo.partition``, or a classic object with
    ``partition(data)``. A plain function is refused so that a forgotten decorator is noticed."""
    if isinstance(obj, Partition):
        return obj
    if _is_user_object(obj) and not isinstance(obj, (Computation, Decoder, Encoder)):
        inst = _instance(obj, what)
        fn = getattr(inst, "partition", None)
        if fn is not None:
            _check_method(fn, 1, what, "partition", "(self, data)")
            return Partition(fn, name=type(inst).__name__)
    raise WallarooParameterError(
        f"{what}: the partition function {_shown(obj)} must be decorated with @wallaroo.partition "
        f"(or be an object with partition(data))")


def as_decoder(obj: Any, what: str, source_kind: str = "tcp") -> Decoder:
    """A decoder from ``@wallaroo.decoder(...)`` or a classic decoder object.

    For a classic decoder, ``length_fmt`` is the struct format its ``payload_length`` turns out to
    compute (see ``_framing.infer_length_fmt``), or None, in which case the engine calls
    ``payload_length`` itself.
    """
    if isinstance(obj, Decoder):
        return obj
    if _is_user_object(obj) and not isinstance(obj, (Computation, Partition, Encoder)):
        inst = _instance(obj, what)
        decode = getattr(inst, "decode", None)
        if decode is not None:
            _check_method(decode, 1, what, "decode", "(self, bs)")
            header, payload_length = _classic_framing(inst, what, source_kind)
            length_fmt = infer_length_fmt(header, payload_length) if payload_length is not None else None
            return Decoder(decode, header_length=header, length_fmt=length_fmt,
                           payload_length=payload_length, name=type(inst).__name__)
    raise WallarooParameterError(
        f"{what} needs a decoder: a function decorated with @wallaroo.decoder(header_length=..., "
        f"length_fmt=...), or an object with header_length(), payload_length(bs) and decode(bs); "
        f"got {obj!r}{_plain_function_hint(obj, _DECODER_DECORATOR)}")


def _classic_framing(inst: Any, what: str, source_kind: str) -> Tuple[Optional[int], Optional[Callable[[bytes], Any]]]:
    header_fn = getattr(inst, "header_length", None)
    payload_length = getattr(inst, "payload_length", None)
    cls = type(inst).__name__
    if source_kind != "tcp" and (header_fn is None or payload_length is None):
        return None, None  # whole messages: framing is not used
    if header_fn is None or payload_length is None:
        raise WallarooParameterError(
            f"{what}: the classic decoder {cls} needs header_length() and payload_length(bs) as well as "
            f"decode(bs), because a TCP source cuts its byte stream into messages with them")
    if callable(header_fn):
        _check_method(header_fn, 0, what, "header_length", "(self)")
        try:
            header = header_fn()
        except Exception as e:
            raise WallarooParameterError(
                f"{what}: {cls}.header_length() raised {type(e).__name__}: {e}") from None
    else:
        header = header_fn  # a plain attribute holding the number
    if source_kind == "tcp" and (not isinstance(header, int) or isinstance(header, bool)
                                 or not 1 <= header <= 8):
        raise WallarooParameterError(
            f"{what}: {cls}.header_length() must return the header size in bytes, an int from 1 to 8, "
            f"got {header!r}")
    _check_method(payload_length, 1, what, "payload_length", "(self, bs)")
    return header, payload_length


_DECODER_DECORATOR = 'decoder(header_length=4, length_fmt=">I")'


def as_encoder(obj: Any, what: str) -> Encoder:
    """An encoder from ``@wallaroo.encoder`` or a classic object with ``encode(data)``."""
    if isinstance(obj, Encoder):
        return obj
    if _is_user_object(obj) and not isinstance(obj, (Computation, Partition, Decoder)):
        inst = _instance(obj, what)
        encode = getattr(inst, "encode", None)
        if encode is not None:
            _check_method(encode, 1, what, "encode", "(self, data)")
            return Encoder(encode, name=type(inst).__name__)
    raise WallarooParameterError(
        f"{what} needs an encoder: a function decorated with @wallaroo.encoder, or an object with "
        f"encode(data); got {obj!r}{_plain_function_hint(obj, 'encoder')}")


def as_state_factory(obj: Any, what: str) -> Tuple[Callable[[], Any], str]:
    """A zero-argument callable making a new state entity, and a name identifying the state type.

    Accepted: a state class (called with no arguments), a builder instance with ``build()``, or a
    builder class, recognised as a class whose only public methods are ``build()`` and perhaps
    ``name()`` (a state class with other methods is used as the state itself).
    """
    if obj is None:
        raise WallarooParameterError(
            f"{what} needs a state class (or a builder with build()) to make its state; got None")
    if _isclass(obj):
        if _is_builder_class(obj):
            builder = _instance(obj, what)
            _check_method(builder.build, 0, what, "build", "(self)")
            return builder.build, _qualified(obj)
        _check_constructor(obj, what)
        return obj, _qualified(obj)
    build = getattr(obj, "build", None)
    if build is not None and callable(build) and not _isroutine(obj):
        _check_method(build, 0, what, "build", "(self)")
        return build, _qualified(type(obj))
    if _isroutine(obj) or callable(obj):
        check_callable(obj, 0, f"{what}: the state factory", "")
        return obj, getattr(obj, "__module__", "?") + "." + describe(obj)
    raise WallarooParameterError(
        f"{what} needs a state class (called with no arguments to make each state entity) or a "
        f"builder with build(); got {obj!r}: pass the class {type(obj).__name__} itself rather than "
        f"an instance")


def _qualified(cls: type) -> str:
    return f"{cls.__module__}.{cls.__qualname__}"


def _is_builder_class(cls: type) -> bool:
    build = getattr(cls, "build", None)
    if build is None or not callable(build):
        return False
    public = {n for n in dir(cls) if not n.startswith("_") and callable(getattr(cls, n, None))}
    return public <= {"build", "name"}


def _check_constructor(cls: type, what: str) -> None:
    if constructor_binds(cls):
        return
    import inspect
    try:
        sig = inspect.signature(cls)
    except (TypeError, ValueError):
        return
    try:
        sig.bind()
    except TypeError:
        raise WallarooParameterError(
            f"{what}: state class {cls.__name__}{sig} cannot be created without arguments; give its "
            f"__init__ defaults, or pass a builder object whose build() returns a new state") from None


def _check_method(fn: Any, nargs: int, what: str, method: str, expected: str, hint: str = "") -> None:
    """Checks a classic method; ``expected`` is its parameter list as written, self included."""
    try:
        check_callable(fn, nargs, what, expected.strip("()"), method)
    except WallarooParameterError as e:
        raise WallarooParameterError(f"{e}{hint}") from None
