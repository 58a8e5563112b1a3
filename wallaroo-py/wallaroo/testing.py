"""Run an application in-process, without the engine, to test it.

The harness drives the engine's own lane runner (``wallaroo._runner.LaneRunner``, one lane), so
``None`` filtering, multi outputs, state entities, errors and encoders behave as they do in the
engine. Example::

    import wallaroo.testing
    import word_count

    result = wallaroo.testing.run(word_count, [b"why hello world", b"hello"])
    assert result.outputs[0][-1] == b"hello => 2\\n"
    assert result.errors == []

``app`` may be an application module (its ``application_setup(args)`` is called), the
``application_setup`` function itself, an ``ApplicationBuilder`` or a built application. Inputs
are the payloads a source hands to the decoder (bytes; a str is sent as UTF-8);
``decoded=True`` feeds already-decoded messages straight to the first step.
``Harness`` keeps state between batches and across pipelines.
"""
from __future__ import annotations

import inspect
import struct
from typing import Any, Iterable, List, NamedTuple, Optional, Sequence, Tuple, Union

from wallaroo._framing import payload_length_reader
from wallaroo._runner import LaneRunner
from wallaroo.builder import ApplicationBuilder
from wallaroo.model import Application, Decoder

__all__ = ["run", "Harness", "Result", "Failure", "frame", "unframe", "DEFAULT_ARGS"]

# Arguments for application_setup when the test gives none: enough addresses for the usual
# tcp_parse_input_addrs(args)[0] and kafka_parse_*_options(args) calls. Nothing is opened.
DEFAULT_ARGS: List[str] = [
    "--in", "127.0.0.1:7010,127.0.0.1:7011,127.0.0.1:7012,127.0.0.1:7013",
    "--out", "127.0.0.1:7020,127.0.0.1:7021,127.0.0.1:7022,127.0.0.1:7023",
    "--kafka_source_topic", "test-in", "--kafka_source_brokers", "127.0.0.1:9092",
    "--kafka_sink_topic", "test-out", "--kafka_sink_brokers", "127.0.0.1:9092",
]

_INT32 = struct.Struct(">i")


class Failure(NamedTuple):
    """A message a step failed on: the step's name, ``"ErrorType: message"``, and the input's repr."""
    step: str
    error: str
    input: str


class Result:
    """What one run produced.

    ``outputs[i]`` lists, in order, the encoded messages of sink ``i`` (sinks numbered across
    pipelines in the order they were added): bytes for a TCP sink, ``(value, key)`` bytes pairs
    for a Kafka sink (key None when the encoder gave none). ``errors`` lists a ``Failure`` per
    failed message; ``notices`` holds the runner's one-off warnings (e.g. undeclared keys).
    """

    def __init__(self, sinks: int) -> None:
        self.outputs: List[List[Any]] = [[] for _ in range(sinks)]
        self.errors: List[Failure] = []
        self.notices: List[str] = []

    def texts(self, sink: int = 0, encoding: str = "utf-8") -> List[str]:
        """The messages of a TCP sink decoded as text."""
        return [out.decode(encoding) for out in self.outputs[sink]]

    def __repr__(self) -> str:
        counts = ", ".join(str(len(o)) for o in self.outputs)
        return f"<wallaroo.testing.Result outputs per sink: [{counts}], {len(self.errors)} error(s)>"


def load(app: Any, args: Optional[Sequence[str]] = None) -> Tuple[Application, Any]:
    """The built application for ``app``, and the module it came from (or None)."""
    if isinstance(app, Application):
        return app, None
    if isinstance(app, ApplicationBuilder):
        return app.build(), None
    setup = getattr(app, "application_setup", None)
    if setup is None and inspect.isfunction(app):
        setup, app = app, None  # the application_setup function itself
    if not callable(setup):
        raise TypeError(f"{app!r} is not an application: pass a module with application_setup(args), "
                        f"that function itself, an ApplicationBuilder or the Application that build() "
                        f"returned")
    built = setup(list(DEFAULT_ARGS if args is None else [str(a) for a in args]))
    if not isinstance(built, Application):
        raise TypeError(f"application_setup(args) returned {type(built).__name__}, not an application; "
                        f"end it with 'return ab.build()'")
    return built, app


class Harness:
    """One lane of an application, fed batch by batch; state is kept between calls.

    ``serialize``/``deserialize`` default to the module's own functions when it defines both, as
    in the engine (with one lane they are not needed to cross lanes, but keep the setup alike).
    """

    def __init__(self, app: Any, args: Optional[Sequence[str]] = None,
                 serialize: Optional[Any] = None, deserialize: Optional[Any] = None) -> None:
        self.app, module = load(app, args)
        if serialize is None and deserialize is None and module is not None:
            ser, de = getattr(module, "serialize", None), getattr(module, "deserialize", None)
            if callable(ser) and callable(de):
                serialize, deserialize = ser, de
        self.runner = LaneRunner(self.app, lane=0, lanes=1, serialize=serialize, deserialize=deserialize,
                                 keep_messages=True)
        self.sinks = [s for p in self.app.pipelines for s in p.sinks]
        self._records = [getattr(s, "kind", "tcp") != "tcp" for s in self.sinks]
        self.total = Result(len(self.sinks))  # everything since the harness was made

    # -- feeding -------------------------------------------------------------------------------
    def send(self, inputs: Iterable[Union[bytes, str]], pipeline: Union[int, str] = 0) -> Result:
        """Runs raw messages through the pipeline's decoder and every step."""
        index = self.pipeline_index(pipeline)
        chunks = [_as_bytes(m) for m in _messages(inputs)]
        raw = b"".join(chunks)
        return self._collect(self.runner.frames(index, raw, [len(c) for c in chunks]))

    def send_decoded(self, messages: Iterable[Any], pipeline: Union[int, str] = 0) -> Result:
        """Runs already-decoded messages from the pipeline's first step on."""
        index = self.pipeline_index(pipeline)
        return self._collect(self.runner.messages(index, list(_messages(messages))))

    def send_stream(self, data: bytes, pipeline: Union[int, str] = 0) -> Result:
        """Cuts a framed TCP byte stream (headers and payloads) with the decoder's framing, as
        the engine's TCP source does, and runs the messages."""
        index = self.pipeline_index(pipeline)
        return self.send(unframe(data, self.app.pipelines[index].source.decoder), index)

    # -- looking inside ------------------------------------------------------------------------
    def pipeline_index(self, pipeline: Union[int, str]) -> int:
        names = [p.name for p in self.app.pipelines]
        if isinstance(pipeline, str):
            if pipeline not in names:
                raise KeyError(f"no pipeline named {pipeline!r}; the pipelines are {names}")
            return names.index(pipeline)
        if not 0 <= pipeline < len(names):
            raise IndexError(f"pipeline {pipeline} does not exist; the application has {len(names)}")
        return pipeline

    def state(self, name: str, key: Any = None) -> Any:
        """The state entity of ``name`` (for a partitioned state, the one of ``key``), or None if
        no message has created it yet."""
        return self.runner.states.get(name, {}).get(key)

    def states(self, name: str) -> dict:
        """All entities of state ``name``, by key (None for a to_stateful state)."""
        return dict(self.runner.states.get(name, {}))

    # -- results -------------------------------------------------------------------------------
    def _collect(self, taken: Any) -> Result:
        result = Result(len(self.sinks))
        if taken is not None:
            sinks, routes, errors, notices = taken
            if routes:
                raise AssertionError("a one-lane runner routed messages to another lane")
            for i in range(0, len(sinks or ()), 3):
                sink_id, messages = sinks[i], sinks[i + 1]
                if self._records[sink_id]:
                    messages = [_read_record(m) for m in messages]
                result.outputs[sink_id].extend(messages)
            result.errors.extend(Failure(*e) for e in errors or ())
            result.notices.extend(notices or ())
        for total, new in zip(self.total.outputs, result.outputs):
            total.extend(new)
        self.total.errors.extend(result.errors)
        self.total.notices.extend(result.notices)
        return result


def run(app: Any, inputs: Iterable[Any], pipeline: Union[int, str] = 0,
        args: Optional[Sequence[str]] = None, decoded: bool = False) -> Result:
    """Runs ``inputs`` through one pipeline of a fresh application and returns what came out.

    ``inputs`` are raw messages for the decoder, or decoded messages when ``decoded`` is true.
    ``args`` go to ``application_setup`` (``DEFAULT_ARGS`` when None).
    """
    harness = Harness(app, args)
    if decoded:
        return harness.send_decoded(inputs, pipeline)
    return harness.send(inputs, pipeline)


# -- framing helpers ---------------------------------------------------------------------------

def frame(payload: Union[bytes, str], length_fmt: str = ">I") -> bytes:
    """``payload`` behind a length header, as a TCP sender frames it."""
    data = _as_bytes(payload)
    return struct.pack(length_fmt, len(data)) + data


def unframe(data: bytes, decoder: Decoder) -> List[bytes]:
    """The payloads of a framed byte stream, cut with ``decoder``'s header."""
    header_length = decoder.header_size
    if not header_length:
        raise ValueError(f"decoder {decoder.name!r} has no header_length, so it cannot frame a stream")
    read_length = payload_length_reader(decoder)
    payloads = []
    pos = 0
    while pos < len(data):
        header = data[pos:pos + header_length]
        if len(header) < header_length:
            raise ValueError(f"the stream ends inside a header at byte {pos}")
        length = read_length(header)
        if length < 0:
            raise ValueError(f"the header at byte {pos} gives a negative payload length ({length})")
        start = pos + header_length
        if start + length > len(data):
            raise ValueError(f"the stream ends inside the payload that starts at byte {start}")
        payloads.append(data[start:start + length])
        pos = start + length
    return payloads


def _messages(inputs: Any) -> Iterable[Any]:
    if isinstance(inputs, (bytes, bytearray, str)):
        raise TypeError("inputs must be a list of messages; wrap a single message in a list: [message]")
    return inputs


def _as_bytes(message: Any) -> bytes:
    if isinstance(message, str):
        return message.encode("utf-8")
    return bytes(memoryview(message))  # not bytes(message): bytes(3) would be three zero bytes


def _read_record(record: bytes) -> Tuple[bytes, Optional[bytes]]:
    """``(value, key)`` from the runner's record format: key length (-1: no key), key, value
    length, value."""
    key_length = _INT32.unpack_from(record, 0)[0]
    pos = 4
    key = None
    if key_length >= 0:
        key = record[pos:pos + key_length]
        pos += key_length
    value_length = _INT32.unpack_from(record, pos)[0]
    pos += 4
    return record[pos:pos + value_length], key

