"""The runner as Apache Flink operators call it (the flink-runner module).

A Flink job has no lanes: Flink routes records to the task that owns their key group. So the
same ``LaneRunner`` runs as "lane -1 of K", where K is the job's number of key groups (Flink's
max parallelism): it owns no state, and every state step puts its message in the outbox of its
key group, ``hash(key) % K`` (the local engine's stable routing hash; the CRC-32 of the name for
an unpartitioned state, as ``lane_of_name``). Each outbox leaves as one packed crossing, exactly
as between two local lanes (``wallaroo._crossing``): Java makes it one Flink record keyed by its
key group, and the task owning that key group continues its messages with ``keyed``. One record
per batch and key group, not one per message: that is what keeps Flink's per-record cost small.

Entities live in this interpreter between calls; Flink's keyed state holds their bytes, per key
group a map from the entity's key bytes to its bytes. ``keyed`` takes the bytes of entities this
interpreter has not seen yet (a key group met for the first time after a restore or a rescale),
and ``take_dirty`` gives the bytes of every entity saved since the last checkpoint.

Wire layouts (ints big-endian int32, blocks are a length then that many bytes):

- routes out (in the results): ``[code, key group, packed crossing str, count, ...]``
- messages in (``keyed``): packed crossings end to end (each one says its own length)
- entities in (``keyed``'s preloads): key block, entity block, ...
- entities out (``take_dirty``): key group, key block, entity block, ...
"""
from __future__ import annotations

import pickle
import struct
import zlib
from itertools import repeat
TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: typing costs seconds to import in a fresh GraalPy context
    from typing import Any, Dict, List, Optional, Sequence, Tuple

from wallaroo._crossing import FORMAT, Outbox, _read_column, _read_field
from wallaroo._runner import LaneRunner, StepError, _unexpected, describe_error, short_repr

_I = struct.Struct(">i")
_II = struct.Struct(">ii")

DEFAULT_KEY_GROUPS = 128


def key_bytes(key: Any) -> bytes:
    """Equal keys give equal bytes (Flink's map state compares entity keys by these bytes)."""
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


def key_group(name: str, partitioned: bool, key: Any, key_groups: int) -> int:
    """The key group of an entity: the local engine's routing hash modulo the key groups."""
    if not partitioned:
        return zlib.crc32(name.encode("utf-8")) % key_groups
    return hash(key) % key_groups


def unpack_at(text: str, pos: int, deserialize: Any, failed: Dict[int, BaseException]) -> Tuple[Any, Any, Any, int]:
    """One packed crossing starting at ``pos`` of ``text``: ``(codes, keys, values, end)``."""
    if not text.startswith(FORMAT, pos):
        raise ValueError(f"not a crossing of format {FORMAT} at {pos}: {text[pos:pos + 8]!r}")
    pos += len(FORMAT)
    tag, body, pos = _read_field(text, pos)
    codes: Any = int(body) if tag == "=" else _read_column("m", body, deserialize)
    tag, body, pos = _read_field(text, pos)
    keys = _read_column(tag, body, deserialize, failed)
    tag, body, pos = _read_field(text, pos)
    values = _read_column(tag, body, deserialize, failed)
    return codes, keys, values, pos


class KeyedRunner(LaneRunner):
    """A ``LaneRunner`` that owns no state but the ``inline`` ones: other state steps' messages
    come back per key group.

    An inline state runs in this runner, as on a local engine's only lane: its task is chained to
    this runner's (same thread, same context) and owns every key group (parallelism 1), so its
    messages need not be packed, handed to Java and unpacked again. Its operator then only loads
    its entities into this runner (``preload``) and takes the saved ones for Flink's checkpoints
    (``take_dirty``)."""

    def __init__(self, app: Any, sink_formats: Optional[List[str]] = None, serialize: Any = None,
                 deserialize: Any = None, key_groups: int = DEFAULT_KEY_GROUPS, inline: Sequence[str] = ()) -> None:
        self.inline = frozenset(inline)  # read while the pipelines are compiled, below
        # Lane -1 of key_groups: no lane is -1, so every other router puts its messages in the
        # outbox of the message's key group.
        super().__init__(app, -1, key_groups, sink_formats, serialize, deserialize)
        self.key_groups = key_groups
        self._specs: Dict[int, Any] = {}
        self._by_name: Dict[str, Any] = {}
        for p_index, pipeline in enumerate(app.pipelines):
            for s_index, step in enumerate(pipeline.steps):
                if step.state is not None:
                    self._specs[p_index * 4096 + s_index] = step.state
                    self._by_name[step.state.name] = step.state

    def _router(self, code: int, step: Any, here: Any, slot: int, sequenced: bool = False) -> Any:
        if step.state.name in self.inline:
            return self._local_router(step, here, slot)
        return super()._router(code, step, here, slot, sequenced)

    # -- entry points --------------------------------------------------------------------------
    def preload(self, state: str, preloads: Any) -> None:
        """Loads entities Flink restored for ``state`` (layout as ``keyed``'s preloads)."""
        pre = preloads.encode("latin-1") if isinstance(preloads, str) else preloads
        if pre:
            self._load_entities(state, pre)

    def keyed(self, state: str, crossings: Any, preloads: Any) -> Any:
        """Continues messages routed to ``state``'s key groups here, after loading the entities
        Flink restored for key groups met for the first time."""
        pre = preloads.encode("latin-1") if isinstance(preloads, str) else preloads
        if pre:
            self._load_entities(state, pre)
        text = crossings if isinstance(crossings, str) else crossings.decode("latin-1")
        entries, errors, step_names = self._routed_entries, self.errors, self._step_names
        pos, end = 0, len(text)
        while pos < end:
            failed: Dict[int, BaseException] = {}
            codes, keys, values, pos = unpack_at(text, pos, self.deserialize, failed)
            codes = repeat(codes) if type(codes) is int else codes
            keys = repeat(None) if keys is None else keys
            if failed:  # rare: the module's deserialize raised for some messages; only those are lost
                codes, keys, values = self._drop_undeserializable(failed, codes, keys, values)
            for code, key, value in zip(codes, keys, values):
                try:
                    entries[code](key, value)
                except StepError as err:
                    errors.append(err.entry())
                except Exception as e:  # noqa: BLE001
                    errors.append(_unexpected(step_names[code], e, value))
        return self._take_results()

    def _load_entities(self, state: str, pre: bytes) -> None:
        store = self.states.setdefault(state, {})
        pos, end = 0, len(pre)
        while pos < end:
            klen, = _I.unpack_from(pre, pos)
            pos += 4
            key = key_from_bytes(pre[pos:pos + klen])
            pos += klen
            elen, = _I.unpack_from(pre, pos)
            pos += 4
            store[key] = self.deserialize(pre[pos:pos + elen])
            pos += elen

    def take_dirty(self, state: Optional[str] = None) -> bytes:
        """Every entity of ``state`` (or of every state) saved (``save_state`` true) since the last
        call, with its key group."""
        out: List[bytes] = []
        for name, keys in self.dirty.items():
            if not keys or (state is not None and name != state):
                continue
            partitioned = self._by_name[name].partition is not None
            store = self.states.get(name, {})
            for key in keys:
                if key not in store:
                    continue
                kb = key_bytes(key)
                eb = self.serialize(store[key])
                out.append(_II.pack(key_group(name, partitioned, key, self.key_groups), len(kb)))
                out.append(kb)
                out.append(_I.pack(len(eb)))
                out.append(eb)
            keys.clear()
        return b"".join(out)

    # -- results -------------------------------------------------------------------------------
    def _take_results(self) -> Optional[Tuple[Any, Any, Any, Any]]:
        """As ``LaneRunner._take_results``, but routes are ``[code, key group, packed, count, ...]``."""
        routes: List[Any] = []
        for group, box in enumerate(self.outboxes):
            if not box.codes:
                continue
            codes = box.codes
            if codes.count(codes[0]) == len(codes):
                parts = [(codes[0], box)]
            else:  # messages for several state steps (a state feeding two pipelines): one record each
                by_code: Dict[int, Outbox] = {}
                for code, key, value in zip(box.codes, box.keys, box.values):
                    part = by_code.get(code)
                    if part is None:
                        part = by_code[code] = Outbox()
                    part.codes.append(code)
                    part.keys.append(key)
                    part.values.append(value)
                box.codes, box.keys, box.values = [], [], []
                parts = list(by_code.items())
            for code, part in parts:
                packed, count, dropped = part.take_checked(self.serialize)
                for _code, _key, value, e in dropped:
                    self.errors.append(("sending to state " + repr(self._specs[code].name), describe_error(e) + (
                        " (in the module's serialize(obj) while the message was routed to its state; make "
                        "serialize return bytes for every value it is given)"), short_repr(value)))
                if packed is not None:
                    routes.extend((code, group, packed, count))
        result = super()._take_results()
        if not routes:
            return result
        if result is None:
            return (None, routes, None, None)
        return (result[0], routes, result[2], result[3])


def make_keyed_runner(result: Any, sink_formats: List[str], key_groups: int = DEFAULT_KEY_GROUPS,
                      inline: Sequence[str] = ()) -> KeyedRunner:
    """A keyed runner using the module's own ``serialize``/``deserialize`` when it has them."""
    module = result.module
    serialize = getattr(module, "serialize", None)
    deserialize = getattr(module, "deserialize", None)
    if not (callable(serialize) and callable(deserialize)):
        serialize = deserialize = None
    return KeyedRunner(result.app, list(sink_formats), serialize, deserialize, int(key_groups), list(inline))
