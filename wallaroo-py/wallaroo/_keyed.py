"""The runner as Apache Flink operators call it (the flink-runner module).

A Flink job has no lanes: Flink routes every message to the task that owns its key. So the
same ``LaneRunner`` runs as a lane that owns no state at all; every state step then hands its
message out, and instead of packing those messages per lane (``wallaroo._crossing``) this
runner gives each one back on its own, with its key as canonical bytes and the same stable
hash the local engine routes by (``hash(key)``; the CRC-32 of the name for an unpartitioned
state). Java turns each into a Flink record and ``keyBy`` sends it to the task holding that
key's entity, which continues the message with ``keyed``.

Entities live in this interpreter between calls; Flink's keyed state holds their bytes.
``keyed`` takes the bytes of entities this interpreter has not seen yet (after a restore or a
rescale), and ``take_dirty`` gives the bytes of every entity saved since the last checkpoint.

Wire layouts (all ints big-endian int32, blocks are a length then that many bytes):

- routed message out: code, hash, key block, value block
- message in (``keyed``): code, key block, value block
- entity (preloads in, ``take_dirty`` out): code, hash, key block, entity block
"""
from __future__ import annotations

import marshal
import pickle
import struct
import zlib
from typing import Any, Dict, List, Optional, Tuple

from wallaroo._crossing import _is_plain
from wallaroo._runner import LaneRunner, StepError, describe_error, short_repr

_I = struct.Struct(">i")
_III = struct.Struct(">iii")


def key_bytes(key: Any) -> bytes:
    """Equal keys give equal bytes (Flink compares keys by these bytes)."""
    t = type(key)
    if key is None:
        return b""
    if t is str:
        return b"s" + key.encode("utf-8", "surrogatepass")
    if t is int:
        return b"i" + str(key).encode("ascii")
    if t is bytes:
        return b"b" + key
    return b"p" + pickle.dumps(key, 4)


def key_from_bytes(data: bytes) -> Any:
    if not data:
        return None
    tag, body = data[:1], data[1:]
    if tag == b"s":
        return body.decode("utf-8", "surrogatepass")
    if tag == b"i":
        return int(body)
    if tag == b"b":
        return bytes(body)
    return pickle.loads(body)


def int32(value: int) -> int:
    value &= 0xFFFFFFFF
    return value - 0x100000000 if value >= 0x80000000 else value


def state_hash(name: str, partitioned: bool, key: Any) -> int:
    """The hash Flink's key groups are computed from: the local engine's routing hash."""
    if not partitioned:
        return int32(zlib.crc32(name.encode("utf-8")))
    return int32(hash(key))


class KeyedRunner(LaneRunner):
    """A ``LaneRunner`` that owns no state: every state step's messages come back keyed."""

    def __init__(self, app: Any, sink_formats: Optional[List[str]] = None, serialize: Any = None,
                 deserialize: Any = None) -> None:
        # Lane -1 of 2: no lane is -1, so every router puts its messages in an outbox.
        super().__init__(app, -1, 2, sink_formats, serialize, deserialize)
        self._specs: Dict[int, Any] = {}
        for p_index, pipeline in enumerate(app.pipelines):
            for s_index, step in enumerate(pipeline.steps):
                if step.state is not None:
                    self._specs[p_index * 4096 + s_index] = step.state

    # -- values ----------------------------------------------------------------------------------
    def _value_bytes(self, value: Any) -> bytes:
        if _is_plain(value):
            return b"m" + marshal.dumps(value)
        return b"p" + self.serialize(value)

    def _value_from_bytes(self, data: bytes) -> Any:
        if data[:1] == b"m":
            return marshal.loads(data[1:])
        return self.deserialize(data[1:])

    # -- entry points --------------------------------------------------------------------------
    def keyed(self, batch: Any, preloads: Any) -> Any:
        """Continues messages routed here by key, after loading entities restored by Flink."""
        raw = batch.encode("latin-1") if isinstance(batch, str) else batch
        pre = preloads.encode("latin-1") if isinstance(preloads, str) else preloads
        if pre:
            self._load_entities(pre)
        entries, errors = self._routed_entries, self.errors
        pos, end = 0, len(raw)
        while pos < end:
            code, = _I.unpack_from(raw, pos)
            klen, = _I.unpack_from(raw, pos + 4)
            pos += 8
            kdata = raw[pos:pos + klen]
            pos += klen
            vlen, = _I.unpack_from(raw, pos)
            pos += 4
            vdata = raw[pos:pos + vlen]
            pos += vlen
            try:
                try:
                    key = key_from_bytes(kdata)
                    value = self._value_from_bytes(vdata)
                except Exception as e:
                    raise StepError("receiving a routed message", e, vdata[:40]) from None
                entries[code](key, value)
            except StepError as err:
                errors.append((err.step, describe_error(err.error), short_repr(err.data)))
        return self._take_results()

    def _load_entities(self, pre: bytes) -> None:
        pos, end = 0, len(pre)
        while pos < end:
            code, _hash, klen = _III.unpack_from(pre, pos)
            pos += 12
            key = key_from_bytes(pre[pos:pos + klen])
            pos += klen
            elen, = _I.unpack_from(pre, pos)
            pos += 4
            entity = self.deserialize(pre[pos:pos + elen])
            pos += elen
            self.states.setdefault(self._specs[code].name, {})[key] = entity

    def take_dirty(self) -> bytes:
        """Every entity saved (``save_state`` true) since the last call, as bytes."""
        out: List[bytes] = []
        by_name = {spec.name: (code, spec) for code, spec in self._specs.items()}
        for name, keys in self.dirty.items():
            if not keys:
                continue
            code, spec = by_name[name]
            store = self.states.get(name, {})
            for key in keys:
                if key not in store:
                    continue
                kb = key_bytes(key)
                eb = self.serialize(store[key])
                out.append(_III.pack(code, state_hash(name, spec.partition is not None, key), len(kb)))
                out.append(kb)
                out.append(_I.pack(len(eb)))
                out.append(eb)
            keys.clear()
        return b"".join(out)

    # -- results -------------------------------------------------------------------------------
    def _take_results(self) -> Optional[Tuple[Any, Any, Any, Any]]:
        """As ``LaneRunner._take_results``, but routes are one bytes of keyed messages."""
        parts: List[bytes] = []
        for box in self.outboxes:
            if not box.codes:
                continue
            specs = self._specs
            for code, key, value in zip(box.codes, box.keys, box.values):
                spec = specs[code]
                try:
                    vb = self._value_bytes(value)
                except Exception as e:
                    self.errors.append(("sending to state " + repr(spec.name), describe_error(e), short_repr(value)))
                    continue
                kb = key_bytes(key)
                parts.append(_III.pack(code, state_hash(spec.name, spec.partition is not None, key), len(kb)))
                parts.append(kb)
                parts.append(_I.pack(len(vb)))
                parts.append(vb)
            box.codes, box.keys, box.values = [], [], []
        result = super()._take_results()
        if not parts:
            return result
        routed = b"".join(parts)
        if result is None:
            return (None, routed, None, None)
        return (result[0], routed, result[2], result[3])


def make_keyed_runner(result: Any, sink_formats: List[str]) -> KeyedRunner:
    """A keyed runner using the module's own ``serialize``/``deserialize`` when it has them."""
    module = result.module
    serialize = getattr(module, "serialize", None)
    deserialize = getattr(module, "deserialize", None)
    if not (callable(serialize) and callable(deserialize)):
        serialize = deserialize = None
    return KeyedRunner(result.app, list(sink_formats), serialize, deserialize)
