"""The wire format between extension scripts and the engine, version 1.

The engine is the server on both ends. Source scripts connect to the address of a
``SourceExtensionConfig`` and write messages; sink scripts connect to the address of a
``SinkExtensionConfig`` and read the pipeline's output. The engine's side is
``io.wallaroo.engine.connector.extension.ExtensionProtocol``; the two change together.

Every frame is a big-endian ``uint32`` length followed by that many bytes: a ``uint8`` frame
type, then the body. All integers are big-endian.

========  ====  ======================  ==========================================================
frame     type  direction               body
========  ====  ======================  ==========================================================
HELLO     1     script -> engine,       ``uint8`` version (1), ``uint8`` role (1 source, 2 sink),
                first frame             ``uint16`` n, n bytes UTF-8 stream name
MESSAGE   2     source -> engine        ``uint8`` flags (bit 0 partition present, bit 1 sequence
                                        present), [``int64`` sequence], [``uint16`` n, n bytes
                                        UTF-8 partition], then the payload (the rest of the frame)
BYE       3     source -> engine        empty: the script is done; the engine takes every message
                                        before it and closes the connection
RECORDS   4     engine -> sink          records, each ``int32`` key length (-1: no key), key,
                                        ``int32`` value length, value
ACK       5     sink -> engine          ``int64`` count of records of this connection the script
                                        has handled so far (cumulative)
RESUME    6     engine -> source        right after HELLO: ``int32`` n, then n times ``uint8``
                                        has-partition, [``uint16``-prefixed partition], ``int64``
                                        last sequence the engine holds
ERROR     127   engine -> script        UTF-8 reason; the engine closes the connection after it
========  ====  ======================  ==========================================================

What the engine does with the metadata: a message with a sequence is dropped when its sequence
is not greater than the last one the engine accepted for the same (stream name, partition) of that
source. The engine remembers these for as long as it runs, across connections, so a script that is
restarted and resends is deduplicated. Messages without a sequence are always taken. A
connection's messages enter the pipeline in the order they were written.
"""
from __future__ import annotations

import struct
TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: typing costs seconds to import in a fresh GraalPy context
    from typing import Dict, Iterator, List, Optional, Tuple

VERSION = 1

HELLO = 1
MESSAGE = 2
BYE = 3
RECORDS = 4
ACK = 5
RESUME = 6
ERROR = 127

ROLE_SOURCE = 1
ROLE_SINK = 2

FLAG_PARTITION = 1
FLAG_SEQUENCE = 2

MAX_SEQUENCE = 2 ** 63 - 1
MAX_NAME_BYTES = 0xFFFF

_FRAME_HEAD = struct.Struct(">IB")
_UINT32 = struct.Struct(">I")
_INT32 = struct.Struct(">i")
_INT64 = struct.Struct(">q")
_UINT16 = struct.Struct(">H")


class ExtensionError(ConnectionError):
    """The connection to the engine failed or the engine refused it; the message says why."""


def _short_text(text: str, what: str) -> bytes:
    data = text.encode("utf-8")
    if len(data) > MAX_NAME_BYTES:
        raise ValueError(f"the {what} is {len(data)} bytes of UTF-8; at most {MAX_NAME_BYTES} fit")
    return _UINT16.pack(len(data)) + data


def frame(kind: int, body: bytes = b"") -> bytes:
    return _FRAME_HEAD.pack(1 + len(body), kind) + body


def hello_frame(role: int, name: str) -> bytes:
    return frame(HELLO, bytes((VERSION, role)) + _short_text(name, "stream name"))


def message_frame(payload: bytes, partition: Optional[str] = None, sequence: Optional[int] = None) -> bytes:
    flags = 0
    meta = b""
    if sequence is not None:
        flags |= FLAG_SEQUENCE
        meta += _INT64.pack(sequence)
    if partition is not None:
        flags |= FLAG_PARTITION
        meta += _short_text(partition, "partition")
    return _FRAME_HEAD.pack(2 + len(meta) + len(payload), MESSAGE) + bytes((flags,)) + meta + payload


def bye_frame() -> bytes:
    return frame(BYE)


def ack_frame(count: int) -> bytes:
    return frame(ACK, _INT64.pack(count))


def error_frame(reason: str) -> bytes:
    return frame(ERROR, reason.encode("utf-8"))


def records_frame(records: List[Tuple[Optional[bytes], bytes]]) -> bytes:
    """A RECORDS frame, as the engine sends it (used by tests standing in for the engine)."""
    parts = []
    for key, value in records:
        parts.append(_INT32.pack(-1) if key is None else _INT32.pack(len(key)) + key)
        parts.append(_INT32.pack(len(value)) + value)
    return frame(RECORDS, b"".join(parts))


def parse_records(body: bytes) -> List[Tuple[Optional[bytes], bytes]]:
    """The (key, value) records of a RECORDS frame body."""
    records = []
    at, end = 0, len(body)
    while at < end:
        if at + 4 > end:
            raise ExtensionError("a records frame ends inside a key length")
        (key_length,) = _INT32.unpack_from(body, at)
        at += 4
        key = None
        if key_length >= 0:
            key = bytes(body[at:at + key_length])
            at += key_length
        if at + 4 > end:
            raise ExtensionError("a records frame ends inside a value length")
        (value_length,) = _INT32.unpack_from(body, at)
        at += 4
        if value_length < 0 or at + value_length > end:
            raise ExtensionError(f"a record declares {value_length} value bytes but the frame has {end - at} left")
        records.append((key, bytes(body[at:at + value_length])))
        at += value_length
    return records


def resume_frame(partitions: Dict[Optional[str], int]) -> bytes:
    """A RESUME frame, as the engine sends it (used by tests standing in for the engine)."""
    parts = [_INT32.pack(len(partitions))]
    for partition, sequence in partitions.items():
        if partition is None:
            parts.append(b"\x00")
        else:
            name = partition.encode("utf-8")
            parts.append(b"\x01" + struct.pack(">H", len(name)) + name)
        parts.append(_INT64.pack(sequence))
    return frame(RESUME, b"".join(parts))


def parse_resume(body: bytes) -> Dict[Optional[str], int]:
    """Partition (None: no partition) -> the last sequence the engine accepted."""
    (count,) = _INT32.unpack_from(body, 0)
    at = 4
    out: Dict[Optional[str], int] = {}
    for _ in range(count):
        has_partition = body[at]
        at += 1
        partition = None
        if has_partition:
            (n,) = struct.unpack_from(">H", body, at)
            partition = body[at + 2:at + 2 + n].decode("utf-8")
            at += 2 + n
        (sequence,) = _INT64.unpack_from(body, at)
        at += 8
        out[partition] = sequence
    return out


class FrameReader:
    """Collects bytes as they arrive and hands out complete frames; a frame may arrive split
    across any number of reads, and one read may hold several frames."""

    def __init__(self) -> None:
        self._buffer = bytearray()

    def feed(self, data: bytes) -> None:
        self._buffer += data

    def frames(self) -> Iterator[Tuple[int, bytes]]:
        """Yields ``(type, body)`` for every complete frame received so far."""
        buffer = self._buffer
        at = 0
        try:
            while len(buffer) - at >= 4:
                (length,) = _UINT32.unpack_from(buffer, at)
                if length < 1:
                    raise ExtensionError("the engine sent a frame of length 0; is this a wallaroo engine port?")
                if len(buffer) - at - 4 < length:
                    break
                kind = buffer[at + 4]
                body = bytes(buffer[at + 5:at + 4 + length])
                at += 4 + length
                yield kind, body
        finally:
            del buffer[:at]

    def pending(self) -> int:
        """Bytes of a frame that is not complete yet."""
        return len(self._buffer)
