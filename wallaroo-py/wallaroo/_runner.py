"""Runs an application's pipelines on one lane, a batch at a time.

The engine calls into Python once per batch, never once per message: ``frames`` takes a whole
batch of raw messages, decodes them and runs every step that can run on this lane, and
``routed`` continues messages another lane sent here. Steps are compiled into a chain of
closures, so a message passes from step to step as plain Python calls.

A partitioned state step routes each message to the lane that owns its key. When that is this
lane the chain simply goes on; otherwise the message is put in the outbox for that lane and
crosses packed as ``wallaroo._crossing`` describes (joined text for str, ``marshal`` for other
plain data, the application's ``serialize``/``deserialize`` or ``pickle`` for anything else).
When the engine spreads a pipeline's input over lanes batch by batch (``sequenced``), its first
state step's messages all go through outboxes, this lane's own included: the engine hands each
owner its messages in the input's order, which a batch that ran on another lane may precede.

The same runner backs ``wallaroo.testing``, so tests of an application exercise the engine's
own semantics.
"""
from __future__ import annotations

import struct
import sys
import zlib
from itertools import repeat
TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: typing costs seconds to import in a fresh GraalPy context
    from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from wallaroo._crossing import Outbox, unpack

STREAM = "stream"     # sink output: the encoder's bytes end to end (TCP)
RECORDS = "records"   # sink output: length-prefixed (key, value) records (Kafka, extensions)

_INT32 = struct.Struct(">i")


def pickle_dumps(value: Any) -> bytes:
    """``pickle.dumps``, imported on first use: pickle and the ``re`` and ``enum`` it imports cost
    a fresh GraalPy context most of a second before ready (measured), and an application whose
    values cross lanes as plain data never needs it."""
    import pickle
    return pickle.dumps(value)


def pickle_loads(data: bytes) -> Any:
    import pickle
    return pickle.loads(data)


class StepError(Exception):
    """User code raised, or returned what its step cannot use; carries the step name and the
    input so the engine can report it. ``error`` is the exception; for a wrong value it is a
    TypeError whose text says what the step must return."""

    def __init__(self, step: str, error: BaseException, data: Any, note: str = "") -> None:
        super().__init__(step)
        self.step = str(step)  # a plain str for Java (model names are a callable str subclass)
        self.error = error
        self.data = data
        self.note = note  # where the error happened, when the step name alone does not say

    def entry(self) -> Tuple[str, str, str]:
        """``(step, error, input)`` as the engine logs and counts it."""
        return (self.step, describe_error(self.error) + self.note, short_repr(self.data))


def _kind(value: Any) -> str:
    """``int 12345``: a wrong value as an error message shows it."""
    return f"{type(value).__name__} {short_repr(value, 60)}"


def _outputs(outs: Any, what: str, data: Any) -> Any:
    """The outputs of a _multi step as something to iterate over, or a StepError saying what the
    step must return. Lists pass without a check; this runs only for other values."""
    if isinstance(outs, (str, bytes, bytearray)) or not hasattr(outs, "__iter__"):
        raise StepError(what, TypeError(
            f"a _multi computation must return a list of outputs (or None for none), got {_kind(outs)}; "
            f"return [value] for a single output"), data)
    return outs


def short_repr(value: Any, limit: int = 120) -> str:
    try:
        text = repr(value)
    except Exception as e:  # a user __repr__ may itself raise
        text = f"<unprintable {type(value).__name__}: {e!r}>"
    return text if len(text) <= limit else text[:limit] + "..."


# GraalPy raises MemoryError when the JVM's heap cannot hold an allocation: the fix is the cap.
_HEAP_HINT = (" (the engine's Java heap is full: the application keeps, or this message asked for, more than"
              " its cap; raise the cap if the state needs it: WALLAROO_JAVA_OPTS=-Xmx1g for scripts/wallaroo,"
              " taskmanager.memory.task.heap.size for a Flink cluster)")
_ON_GRAALPY = sys.implementation.name == "graalpy"


def describe_error(error: BaseException) -> str:
    text = f"{type(error).__name__}: {error}"
    if _ON_GRAALPY and isinstance(error, MemoryError):
        text += _HEAP_HINT
    return text


def lane_of_name(name: str, lanes: int) -> int:
    """The lane that owns an unpartitioned state; stable in every process."""
    return zlib.crc32(name.encode("utf-8")) % lanes


class LaneRunner:
    """One lane's view of an application: its state entities and its compiled pipelines."""

    def __init__(self, app: Any, lane: int = 0, lanes: int = 1, sink_formats: Optional[List[str]] = None,
                 serialize: Optional[Callable[[Any], bytes]] = None,
                 deserialize: Optional[Callable[[bytes], Any]] = None, keep_messages: bool = False,
                 count_steps: bool = False, sequenced: Sequence[int] = ()) -> None:
        self.app = app
        # sequenced: pipelines whose input the engine spreads over lanes batch by batch; their
        # first state step's messages leave through the outboxes even when this lane owns the key
        self.sequenced = frozenset(sequenced)
        # count_steps: results carry a fifth element, the messages each step took in (the engine
        # asks for it; wallaroo.testing and the Flink runner keep the four-element results).
        self.count_steps = count_steps
        # Messages that entered each step: slot _slots[p] + s is step s of pipeline p, and
        # _slots[p] + len(steps) the pipeline's sinks. A step's closure adds 1 to its slot; the
        # sinks' slot costs nothing per message: it is read off the first sink's buffer per batch.
        self._counts: List[int] = []
        self._slots: List[int] = []
        self._slot_names: List[Tuple[int, int]] = []
        self._sink_slots: List[Tuple[int, int]] = []  # (first sink's id, its pipeline's sinks slot)
        # keep_messages: sink output as a list of per-message bytes instead of one joined bytes
        # (wallaroo.testing uses it; the engine keeps the default).
        self.keep_messages = keep_messages
        self.lane = lane
        self.lanes = lanes
        self.serialize = serialize or pickle_dumps
        self.deserialize = deserialize or pickle_loads
        self.states: Dict[str, Dict[Any, Any]] = {}
        self.dirty: Dict[str, set] = {}
        self.notices: List[str] = []
        self._noticed: set = set()
        self.errors: List[Tuple[str, str, str]] = []
        self.outboxes: List[Outbox] = [Outbox() for _ in range(lanes)]
        sinks = [s for p in app.pipelines for s in p.sinks]
        formats = sink_formats or [RECORDS if getattr(s, "kind", "tcp") != "tcp" else STREAM for s in sinks]
        # A stream sink's buffer holds each output as its encoder returned it, str or bytes: the
        # str outputs of a batch are joined and encoded once in _take_results (_stream_joined).
        self.sink_buffers: List[List[Any]] = [[] for _ in sinks]
        self._sink_encoders: List[str] = [str(s.encoder.name) for s in sinks]
        self._sink_streams: List[bool] = [f == STREAM for f in formats]
        self._entries: List[Callable[[Any], None]] = []
        self._decoders: List[Callable[[bytes], Any]] = []
        self._decoder_names: List[str] = []
        self._routed_entries: Dict[int, Callable[[Any, Any], None]] = {}
        self._step_names: Dict[int, str] = {}
        sink_id = 0
        for p_index, pipeline in enumerate(app.pipelines):
            self._slots.append(len(self._counts))
            for s_index in range(len(pipeline.steps) + 1):
                self._counts.append(0)
                self._slot_names.append((p_index, s_index))
            if pipeline.sinks:
                self._sink_slots.append((sink_id, len(self._counts) - 1))
            ids = list(range(sink_id, sink_id + len(pipeline.sinks)))
            sink_id += len(pipeline.sinks)
            self._entries.append(self._compile(p_index, pipeline, ids, [formats[i] for i in ids]))
            self._decoders.append(pipeline.source.decoder.fn)
            self._decoder_names.append(pipeline.source.decoder.name)

    # -- compiling a pipeline into closures ----------------------------------------------------
    def _compile(self, p_index: int, pipeline: Any, sink_ids: List[int], formats: List[str]) -> Callable[[Any], None]:
        chain = self._sink_stage(pipeline, sink_ids, formats, self._slots[p_index] + len(pipeline.steps))
        first_state = next((i for i, step in enumerate(pipeline.steps) if step.state is not None), -1)
        for s_index in reversed(range(len(pipeline.steps))):
            step = pipeline.steps[s_index]
            slot = self._slots[p_index] + s_index
            if step.state is None:
                chain = self._stateless(step.computation, chain, slot)
            else:
                here = self._stateful(step, chain)
                code = p_index * 4096 + s_index
                self._routed_entries[code] = here
                self._step_names[code] = str(step.computation.name)
                # counted by the router, on the lane the message comes from: a message that crosses
                # lanes is counted once, and a step's out is what entered the stage after it
                chain = self._router(code, step, here, slot,
                                     sequenced=s_index == first_state and p_index in self.sequenced)
        return chain

    def _sink_stage(self, pipeline: Any, sink_ids: List[int], formats: List[str], slot: int) -> Callable[[Any], None]:
        stages = []
        counts = self._counts
        for sink, sink_id, fmt in zip(pipeline.sinks, sink_ids, formats):
            buf = self.sink_buffers[sink_id]
            encoder = sink.encoder
            # the first sink counts only the messages its encoder failed on; _take_results adds its output
            fails = slot if sink_id == sink_ids[0] else -1
            stages.append(self._stream_sink(encoder, buf, counts, fails) if fmt == STREAM
                          else self._record_sink(encoder, buf, counts, fails))
        if not stages:
            def no_sink(value: Any) -> None:
                counts[slot] += 1
            return no_sink
        if len(stages) == 1:
            return stages[0]

        def to_all(value: Any) -> None:
            for stage in stages:
                stage(value)
        return to_all

    @staticmethod
    def _stream_sink(encoder: Any, buf: List[Any], counts: List[int], fails: int) -> Callable[[Any], None]:
        """A str output is buffered as it is and encoded with the rest of its batch: one
        str.encode per message costs GraalPy about 300 ns, a joined batch about 80 ns a message."""
        fn, name, append = encoder.fn, encoder.name, buf.append

        def sink(value: Any) -> None:
            try:
                out = fn(value)
                if out.__class__ is not str and out.__class__ is not bytes:
                    out = _sink_bytes(out, name, "a TCP sink's encoder must return bytes or str (sent as UTF-8)")
            except StepError as err:
                if fails >= 0:
                    counts[fails] += 1
                err.data = value
                raise
            except Exception as e:
                if fails >= 0:
                    counts[fails] += 1
                raise StepError(name, e, value) from None
            append(out)
        return sink

    @staticmethod
    def _record_sink(encoder: Any, buf: List[bytes], counts: List[int], fails: int) -> Callable[[Any], None]:
        """Each output as one record in the RECORDS layout. A str key is encoded once and kept with
        its length prefix (keys repeat: sensors, users), and lengths below 1024 come from a table:
        GraalPy's str.encode and struct.pack cost about 300 ns a message here, measured warm."""
        fn, name, append, pack, sizes = encoder.fn, encoder.name, buf.append, _INT32.pack, _size_prefixes()
        prefixed_keys: Dict[str, bytes] = {}

        def sink(value: Any) -> None:
            try:
                out = fn(value)
                if isinstance(out, tuple):  # a namedtuple pair is a pair too
                    if len(out) != 2:
                        raise StepError(name, TypeError(
                            f"{_RECORD_RULE}, got a tuple of {len(out)} items {short_repr(out, 60)}"), value)
                    payload, key = out
                else:
                    payload, key = out, None
                if payload.__class__ is not bytes:
                    payload = payload.encode("utf-8") if payload.__class__ is str else _sink_bytes(
                        payload, name, _RECORD_RULE + ": the value")
                if key is None:
                    prefixed_key = _NO_KEY
                elif key.__class__ is str:
                    prefixed_key = prefixed_keys.get(key)
                    if prefixed_key is None:
                        prefixed_key = _size_prefixed(key.encode("utf-8"), sizes)
                        if len(prefixed_keys) < _KEYS_KEPT:
                            prefixed_keys[key] = prefixed_key
                else:
                    prefixed_key = _size_prefixed(key if key.__class__ is bytes else _sink_bytes(
                        key, name, _RECORD_RULE + ": the key"), sizes)
            except StepError as err:
                if fails >= 0:
                    counts[fails] += 1
                err.data = value
                raise
            except Exception as e:
                if fails >= 0:
                    counts[fails] += 1
                raise StepError(name, e, value) from None
            n = len(payload)
            append(prefixed_key + (sizes[n] if n < 1024 else pack(n)) + payload)
        return sink

    def _stateless(self, comp: Any, nxt: Callable[[Any], None], slot: int) -> Callable[[Any], None]:
        fn, name, counts = comp.fn, comp.name, self._counts
        if comp.multi:
            errors = self.errors

            def run_multi(data: Any) -> None:
                counts[slot] += 1
                try:
                    outs = fn(data)
                except Exception as e:
                    raise StepError(name, e, data) from None
                if outs is None:
                    return
                if outs.__class__ is not list:
                    outs = _outputs(outs, name, data)
                try:
                    for out in outs:
                        if out is not None:
                            try:
                                nxt(out)
                            except StepError as err:  # one output failing must not lose its siblings
                                errors.append(err.entry())
                except Exception as e:  # iterating what the step returned raised
                    raise StepError(name, e, data) from None
            return run_multi

        def run(data: Any) -> None:
            counts[slot] += 1
            try:
                out = fn(data)
            except Exception as e:
                raise StepError(name, e, data) from None
            if out is not None:
                nxt(out)
        return run

    def _stateful(self, step: Any, nxt: Callable[[Any], None]) -> Callable[[Any, Any], None]:
        comp, spec = step.computation, step.state
        fn, name, multi, errors = comp.fn, comp.name, comp.multi, self.errors
        store = self.states.setdefault(spec.name, {})
        dirty = self.dirty.setdefault(spec.name, set())
        factory = spec.factory
        declared = set(spec.keys) if spec.keys is not None else None

        def entity(key: Any, data: Any) -> Any:
            try:
                state = factory()
            except Exception as e:
                raise StepError(name, e, data, (
                    f" (raised by {spec.factory_name}() while making the entity of state {spec.name!r} for key "
                    f"{short_repr(key, 60)}; it is called with no arguments for each new key: fix it so that call "
                    f"works)")) from None
            store[key] = state
            if declared is not None and key not in declared:
                self.notice(f"state {spec.name!r}: key {short_repr(key)} is not among the declared partition "
                            f"keys; it gets its own state entity (further undeclared keys are not reported)",
                            once=("undeclared", spec.name))
            return state

        def run(key: Any, data: Any) -> None:
            state = store.get(key)
            if state is None:
                state = entity(key, data)
            try:
                result = fn(data, state)
            except Exception as e:
                raise StepError(name, e, data) from None
            if (result.__class__ is not tuple and result.__class__ is not list) or len(result) != 2:
                raise StepError(name, TypeError(
                    f"a state computation must return a pair ({'outputs' if multi else 'output'}, save_state), "
                    f"got {_kind(result)}; return (None, False) to emit nothing and leave the state unsaved"),
                    data)
            out, save = result
            if save:
                dirty.add(key)
            if out is None:
                return
            if multi:
                if out.__class__ is not list:
                    out = _outputs(out, name, data)
                try:
                    for item in out:
                        if item is not None:
                            try:
                                nxt(item)
                            except StepError as err:
                                errors.append(err.entry())
                except Exception as e:  # iterating what the step returned raised
                    raise StepError(name, e, data) from None
            else:
                nxt(out)
        return run

    def _router(self, code: int, step: Any, here: Callable[[Any, Any], None], slot: int,
                sequenced: bool = False) -> Callable[[Any], None]:
        spec = step.state
        lanes, me, outboxes, counts = self.lanes, self.lane, self.outboxes, self._counts
        if sequenced and spec.partition is not None and lanes > 1:
            me = -1  # no key is this lane's here: every message waits in an outbox for its turn
        if spec.partition is None:
            owner = lane_of_name(spec.name, lanes)
            if owner == me:
                return self._local_router(step, here, slot)
            box = outboxes[owner]

            def send(data: Any) -> None:
                counts[slot] += 1
                box.codes.append(code)
                box.keys.append(None)
                box.values.append(data)
            return send

        if lanes == 1:
            return self._local_router(step, here, slot)
        part, part_name, u64 = spec.partition.fn, spec.partition.name, spec.u64

        def route(data: Any) -> None:
            counts[slot] += 1
            try:
                key = part(data)
            except Exception as e:
                raise StepError(part_name, e, data) from None
            try:
                dest = hash(key) % lanes
            except Exception as e:
                raise StepError(part_name, _key_error(e, key), data) from None
            if u64 and (key.__class__ is not int or not 0 <= key <= _U64_MAX):
                raise StepError(part_name, _u64_error(spec.name, key), data)
            if dest == me:
                here(key, data)
            else:
                box = outboxes[dest]
                box.codes.append(code)
                box.keys.append(key)
                box.values.append(data)
        return route

    def _local_router(self, step: Any, here: Callable[[Any, Any], None], slot: int) -> Callable[[Any], None]:
        """A state step whose every key is this runner's: the chain simply goes on."""
        spec, counts = step.state, self._counts
        if spec.partition is None:
            def mine(data: Any) -> None:
                counts[slot] += 1
                here(None, data)
            return mine
        part, part_name, u64 = spec.partition.fn, spec.partition.name, spec.u64

        def local(data: Any) -> None:
            counts[slot] += 1
            try:
                key = part(data)
            except Exception as e:
                raise StepError(part_name, e, data) from None
            try:
                hash(key)  # an unhashable key must fail here as a step error, as route() does
            except Exception as e:
                raise StepError(part_name, _key_error(e, key), data) from None
            if u64 and (key.__class__ is not int or not 0 <= key <= _U64_MAX):
                raise StepError(part_name, _u64_error(spec.name, key), data)
            here(key, data)
        return local

    # -- entry points called by the engine (once per batch) ------------------------------------
    def frames(self, pipeline: int, data: Any, lengths: Any) -> Any:
        """Runs a batch of raw messages of ``pipeline``: ``data`` holds them end to end and
        ``lengths`` holds their sizes (``frames_spread`` with the sizes in one sequence)."""
        return self.frames_spread(pipeline, data, *lengths)

    def frames_spread(self, pipeline: int, data: Any, *lengths: int) -> Any:
        """Runs a batch of raw messages of ``pipeline``, as the engine calls it. ``data`` holds them
        end to end, as ``bytes`` or as a latin-1 ``str`` (one char per byte, cheap to hand over from
        Java); their sizes arrive as arguments, a tuple of ints, which GraalPy iterates about ten
        times faster than a Java ``int[]`` (measured warm). The loop is here, in the function the
        engine calls, and not in a helper it wraps: Truffle would compile the helper on its own and
        then again inlined into the wrapper, a second 3-4 s compilation of the hottest code."""
        raw = data.encode("latin-1") if isinstance(data, str) else data
        decode, entry, errors = self._decoders[pipeline], self._entries[pipeline], self.errors
        pos = 0
        for n in lengths:
            end = pos + n
            chunk = raw[pos:end]
            pos = end
            try:
                try:
                    message = decode(chunk)
                except Exception as e:
                    raise StepError(self._decoder_names[pipeline], e, chunk) from None
                if message is not None:
                    entry(message)
            except StepError as err:
                errors.append(err.entry())
            except Exception as e:  # noqa: BLE001 - user code outside a step (a key's __eq__): lose one message
                errors.append(_unexpected(self.app.pipelines[pipeline].name, e, chunk))
        return self._take_results()

    def messages(self, pipeline: int, messages: List[Any]) -> Any:
        """Runs already-decoded messages of ``pipeline`` (used by the test harness)."""
        entry, errors = self._entries[pipeline], self.errors
        for message in messages:
            try:
                entry(message)
            except StepError as err:
                errors.append(err.entry())
            except Exception as e:  # noqa: BLE001
                errors.append(_unexpected(self.app.pipelines[pipeline].name, e, message))
        return self._take_results()

    def routed(self, packed: str) -> Any:
        """Continues messages that another lane routed here (as ``Outbox.take`` packed them)."""
        failed: Dict[int, BaseException] = {}
        codes, keys, values = unpack(packed, self.deserialize, failed)
        entries, errors = self._routed_entries, self.errors
        # A batch usually holds one step's messages, and unpartitioned states have no keys:
        # unpack gives a single code and None for those columns.
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
                errors.append(_unexpected(self._step_names[code], e, value))
        return self._take_results()

    def _drop_undeserializable(self, failed: Dict[int, BaseException], codes: Any, keys: Any,
                               values: List[Any]) -> Tuple[List[Any], List[Any], List[Any]]:
        rows = list(zip(codes, keys, values))
        for i in sorted(failed):
            e = failed[i]
            self.errors.append((self._step_names[rows[i][0]], describe_error(e) + (
                " (in the module's deserialize(bs) while the message crossed to this lane; make deserialize "
                "rebuild what serialize(obj) returns)"), "<a message routed from another lane>"))
        kept = [row for i, row in enumerate(rows) if i not in failed]
        return [r[0] for r in kept], [r[1] for r in kept], [r[2] for r in kept]

    # -- results -------------------------------------------------------------------------------
    def _stream_joined(self, sink_id: int, buf: List[Any]) -> Tuple[Any, int]:
        """A stream sink's batch as one value, and how many outputs it holds: all str (the usual
        case) joined, then handed over as str when it is ASCII and encoded once when it is not;
        all bytes joined; a mix item by item.

        ASCII text goes to the engine as str because Java encodes it for a fraction of what
        GraalPy's ``str.encode`` costs (a Java CharsetEncoder and buffers per call: about 15 us of a
        512-output batch's 27, warm), and ASCII cannot hold the lone surrogates UTF-8 refuses."""
        try:
            if buf[0].__class__ is str:
                text = "".join(buf)
                return (text if text.isascii() else text.encode("utf-8")), len(buf)
            return b"".join(buf), len(buf)
        except (TypeError, UnicodeEncodeError):  # str and bytes mixed, or a str UTF-8 refuses
            parts = self._stream_bytes(sink_id, buf)
            return b"".join(parts), len(parts)

    def _stream_bytes(self, sink_id: int, buf: List[Any]) -> List[bytes]:
        """Each output as bytes. A str that UTF-8 cannot encode (a lone surrogate) is reported as
        its encoder's error and dropped; the batch's other outputs go on."""
        out = []
        for item in buf:
            if item.__class__ is str:
                try:
                    item = item.encode("utf-8")
                except UnicodeEncodeError as e:
                    self.errors.append((self._sink_encoders[sink_id], describe_error(e) + (
                        " (the encoder returned a str that UTF-8 cannot encode; return bytes, or a str"
                        " without lone surrogates)"), short_repr(item)))
                    continue
            out.append(item)
        return out

    def _take_results(self) -> Optional[Tuple[Any, ...]]:
        """``(sinks, routes, errors, notices)`` or None when the batch produced nothing at all;
        with ``count_steps`` a fifth element, ``steps``.

        sinks: [sink_id, data, count, ...], data bytes (or an ASCII str: a stream sink's text);
        routes: [lane, packed str, count, ...]; errors: [(step, error, input), ...];
        notices: [str, ...]; steps: [pipeline, step index, messages in, ...] for the steps that
        took messages in (step index == the pipeline's number of steps: its sinks), or None."""
        steps = None
        counts = self._counts
        for sink_id, slot in self._sink_slots:
            counts[slot] += len(self.sink_buffers[sink_id])
        if any(counts):
            if self.count_steps:
                steps = []
                for slot, n in enumerate(counts):
                    if n:
                        steps.extend(self._slot_names[slot])
                        steps.append(n)
            counts[:] = [0] * len(counts)
        sinks = None
        for sink_id, buf in enumerate(self.sink_buffers):
            if buf:
                if sinks is None:
                    sinks = []
                count = len(buf)
                if not self._sink_streams[sink_id]:
                    data = buf[:] if self.keep_messages else b"".join(buf)
                elif self.keep_messages:
                    data = self._stream_bytes(sink_id, buf)
                    count = len(data)
                else:
                    data, count = self._stream_joined(sink_id, buf)
                sinks.append(sink_id)
                sinks.append(data)
                sinks.append(count)
                buf.clear()
        routes = None
        for lane, box in enumerate(self.outboxes):
            if box.codes:
                packed, count, dropped = box.take_checked(self.serialize)
                for code, _key, value, e in dropped:
                    self.errors.append((self._step_names[code], describe_error(e) + (
                        " (in the module's serialize(obj) while the message was routed to another lane; make "
                        "serialize return bytes for every value it is given)"), short_repr(value)))
                if packed is None:
                    continue
                if routes is None:
                    routes = []
                routes.append(lane)
                routes.append(packed)
                routes.append(count)
        errors = notices = None
        if self.errors:
            errors = list(self.errors)
            self.errors.clear()
        if self.notices:
            notices = list(self.notices)
            self.notices.clear()
        if sinks is None and routes is None and errors is None and notices is None and steps is None:
            return None
        if self.count_steps:
            return (sinks, routes, errors, notices, steps)
        return (sinks, routes, errors, notices)

    def notice(self, text: str, once: Any = None) -> None:
        if once is not None:
            if once in self._noticed:
                return
            self._noticed.add(once)
        self.notices.append(text)


_RECORD_RULE = ("an encoder of a Kafka or extension sink must return bytes or str, or a pair (value, key) "
                "with a bytes or str value and a bytes, str or None key")
_U64_MAX = 2 ** 64 - 1
_NO_KEY = _INT32.pack(-1)
_KEYS_KEPT = 4096  # distinct str keys a record sink keeps encoded; later new keys are encoded each time
_SIZE_PREFIXES: List[bytes] = []


def _size_prefixes() -> List[bytes]:
    """A record's int32 length prefixes for lengths below 1024, made when the first record sink is:
    a thousand struct calls would add to every application's start in a cold interpreter."""
    if not _SIZE_PREFIXES:
        _SIZE_PREFIXES.extend(_INT32.pack(n) for n in range(1024))
    return _SIZE_PREFIXES


def _size_prefixed(block: bytes, sizes: List[bytes]) -> bytes:
    """``block`` after its int32 length; ``sizes`` is the table from ``_size_prefixes``."""
    n = len(block)
    return (sizes[n] if n < 1024 else _INT32.pack(n)) + block


def _sink_bytes(value: Any, name: str, rule: str) -> bytes:
    """What an encoder returned, as bytes; a StepError naming the rule for anything else (an int
    must not become that many zero bytes, as ``bytes(n)`` would make it)."""
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    raise StepError(name, TypeError(f"{rule}, got {_kind(value)}"), None)


def _key_error(e: BaseException, key: Any) -> BaseException:
    if isinstance(e, TypeError) and "unhashable" in str(e):
        return TypeError(f"a partition function must return a hashable key (str, int, bytes, or a tuple of "
                         f"these): {e}, got {_kind(key)}")
    return e


def _u64_error(state: str, key: Any) -> TypeError:
    return TypeError(f"state {state!r} is partitioned with to_state_partition_u64, so its partition function "
                     f"must return an int from 0 to 2**64-1, got {_kind(key)}")


def _unexpected(where: str, e: BaseException, data: Any) -> Tuple[str, str, str]:
    return (str(where), describe_error(e), short_repr(data))
