"""State entities to bytes and back, for the engine's snapshots (``--resilience-dir``).

The engine asks each lane at a snapshot barrier for the entities a state computation marked
with ``save_state=True`` since the previous barrier (the runner's dirty sets), and at start hands
each lane the entities it owns. An entity crosses as (state name, key hash, key bytes, value
bytes); the engine re-routes by the key hash (``hash(key) % lanes``, the runner's own rule), so a
different lane count on restart puts every entity on the lane that will look for it.

Encodings, chosen per value (the first byte says which):

- ``u``: the application module's ``serialize``/``deserialize``, when it defines both;
- ``m``: ``marshal`` for plain data (None, bool, int, float, str, bytes, tuples/lists/dicts of
  those), which is much cheaper than pickle inside GraalPy;
- ``o``: an instance of a plain class (no ``__slots__``, no custom pickling) whose attributes are
  plain data: its class's module and name plus ``marshal`` of its ``__dict__``;
- ``p``: ``pickle`` for everything else.

Keys are plain data almost always and are written with marshal version 2, whose output is the
same for equal values (later versions mark shared references, which depend on reference counts),
so the engine can tell two versions of the same entity apart by their key bytes.
"""
from __future__ import annotations

import importlib
import marshal
import pickle
from typing import Any, Callable, Dict, List, Optional, Tuple

from wallaroo._crossing import _is_plain
from wallaroo._runner import pickle_dumps

_KEY_MARSHAL_VERSION = 2


def _plain_object(value: Any) -> Optional[Tuple[str, str, dict]]:
    cls = type(value)
    if cls.__module__ in ("builtins", "__main__") or hasattr(cls, "__slots__"):
        return None
    if cls.__reduce_ex__ is not object.__reduce_ex__ or cls.__reduce__ is not object.__reduce__:
        return None
    getstate = getattr(cls, "__getstate__", None)
    if getstate is not None and getstate is not getattr(object, "__getstate__", None):
        return None
    if getattr(cls, "__setstate__", None) is not None:
        return None
    attrs = getattr(value, "__dict__", None)
    if type(attrs) is not dict or not _is_plain(attrs):
        return None
    return cls.__module__, cls.__qualname__, attrs


def encode_value(value: Any, serialize: Optional[Callable[[Any], bytes]]) -> bytes:
    if serialize is not None:
        return b"u" + bytes(serialize(value))
    if _is_plain(value):
        return b"m" + marshal.dumps(value)
    plain = _plain_object(value)
    if plain is not None:
        return b"o" + marshal.dumps(plain)
    return b"p" + pickle.dumps(value)


def decode_value(data: bytes, deserialize: Optional[Callable[[bytes], Any]]) -> Any:
    tag, body = data[:1], data[1:]
    if tag == b"m":
        return marshal.loads(body)
    if tag == b"o":
        module, qualname, attrs = marshal.loads(body)
        cls: Any = importlib.import_module(module)
        for part in qualname.split("."):
            cls = getattr(cls, part)
        obj = cls.__new__(cls)
        obj.__dict__.update(attrs)
        return obj
    if tag == b"u":
        if deserialize is None:
            raise ValueError("this entity was written with the module's serialize(), but the module no longer "
                             "defines deserialize()")
        return deserialize(body)
    if tag == b"p":
        return pickle.loads(body)
    raise ValueError(f"unknown entity encoding {tag!r}")


def encode_key(key: Any, serialize: Optional[Callable[[Any], bytes]]) -> bytes:
    if _is_plain(key):
        return b"m" + marshal.dumps(key, _KEY_MARSHAL_VERSION)
    return encode_value(key, serialize)


def _user_codec(runner: Any) -> Tuple[Optional[Callable[[Any], bytes]], Optional[Callable[[bytes], Any]]]:
    """The module's own serialize/deserialize, or None when the runner fell back to pickle."""
    if runner.serialize is pickle_dumps:
        return None, None
    return runner.serialize, runner.deserialize


def partitioned_states(runner: Any) -> Dict[str, bool]:
    """State name -> True when it is partitioned by key (entities placed by ``hash(key)``)."""
    out: Dict[str, bool] = {}
    for pipeline in runner.app.pipelines:
        for step in pipeline.steps:
            if step.state is not None:
                out[step.state.name] = step.state.partition is not None
    return out


def take_dirty(runner: Any, partitioned: Optional[Dict[str, bool]] = None) -> Tuple[List[Any], List[Tuple[str, str, str]]]:
    """The dirty entities as a flat list ``[state, key_hash, key_bytes, value_bytes, ...]`` and
    the failures ``[(what, error, key)]``; dirty sets are emptied. An entity whose serialization
    raises is left out (and reported); the others are written."""
    from wallaroo._runner import describe_error, short_repr
    serialize, _ = _user_codec(runner)
    if partitioned is None:
        partitioned = partitioned_states(runner)
    out: List[Any] = []
    errors: List[Tuple[str, str, str]] = []
    for name, keys in runner.dirty.items():
        if not keys:
            continue
        store = runner.states.get(name, {})
        keyed = partitioned.get(name, True)
        for key in keys:
            if key not in store:
                continue
            try:
                key_bytes = encode_key(key, serialize)
                value_bytes = encode_value(store[key], serialize)
                key_hash = hash(key) if keyed else 0
            except Exception as e:  # user serialize or an unpicklable state object
                errors.append((f"snapshot of state {name!r}", describe_error(e), short_repr(key)))
                continue
            out.append(name)
            out.append(key_hash)
            out.append(key_bytes)
            out.append(value_bytes)
        keys.clear()
    return out, errors


def restore(runner: Any, entities: List[Any]) -> List[Tuple[str, str, str]]:
    """Loads ``[state, key_bytes, value_bytes, ...]`` (bytes or latin-1 str) into the runner's
    stores. An entity that cannot be read is reported and left out: its state class rebuilds it."""
    from wallaroo._runner import describe_error
    _, deserialize = _user_codec(runner)
    errors: List[Tuple[str, str, str]] = []
    entities = list(entities)  # a Java array arrives as a foreign sequence
    for i in range(0, len(entities), 3):
        name = entities[i]
        key_bytes, value_bytes = _as_bytes(entities[i + 1]), _as_bytes(entities[i + 2])
        try:
            key = decode_value(key_bytes, deserialize)
        except Exception as e:
            errors.append((f"restoring state {name!r}", describe_error(e), f"key bytes {key_bytes[:40]!r}"))
            continue
        try:
            value = decode_value(value_bytes, deserialize)
        except Exception as e:
            errors.append((f"restoring state {name!r}", describe_error(e), repr(key)[:120]))
            continue
        runner.states.setdefault(name, {})[key] = value
    return errors


def _as_bytes(data: Any) -> bytes:
    return data.encode("latin-1") if isinstance(data, str) else bytes(data)
