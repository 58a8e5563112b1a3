"""TCP framing: checking a decoder's header format, and reading classic ``payload_length``.

A TCP source cuts its byte stream into messages in Java: a fixed-size header holds the payload
length as one integer described by a ``struct`` format. Decorated decoders state that format;
classic decoders give a ``payload_length(bs)`` function instead. Most of those functions are just
``struct.unpack(">I", bs)[0]``, so ``infer_length_fmt`` recognises them and the engine can frame
without calling into Python for every message.
"""
from __future__ import annotations

import struct
TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: typing costs seconds to import in a fresh GraalPy context
    from typing import Any, Callable, Dict, List, Optional, Tuple

# The integer codes the engine's framing understands (see engine LengthField).
_INTEGER_CODES = frozenset("bBhHiIlLqQnN")

# The plain one-integer formats of each header size, tried in this order.
_CANDIDATES: Dict[int, Tuple[str, ...]] = {
    1: ("B", "b"),
    2: (">H", "<H", ">h", "<h"),
    4: (">I", "<I", ">i", "<i"),
    8: (">Q", "<Q", ">q", "<q"),
}


def length_fmt_problem(header_length: Any, length_fmt: Any) -> Optional[str]:
    """Why ``header_length`` and ``length_fmt`` cannot frame messages, or None when they can."""
    if not isinstance(header_length, int) or isinstance(header_length, bool):
        return f"header_length must be an int number of bytes, got {header_length!r}"
    if not 1 <= header_length <= 8:
        return f"header_length must be 1 to 8 bytes, got {header_length}"
    if not isinstance(length_fmt, str) or not length_fmt.strip():
        return f"length_fmt must be a struct format string such as '>I', got {length_fmt!r}"
    try:
        size = struct.calcsize(length_fmt)
        values = struct.unpack(length_fmt, bytes(size))
    except struct.error as e:
        return f"length_fmt {length_fmt!r} is not a valid struct format ({e}); use one such as '>I'"
    codes = [c for c in length_fmt if c.isalpha() and c != "x"]
    # type() rather than isinstance(): '?' unpacks to bool, which is an int subclass.
    if len(values) != 1 or type(values[0]) is not int or any(c not in _INTEGER_CODES for c in codes):
        return (f"length_fmt {length_fmt!r} must hold exactly one integer "
                f"(one of b B h H i I l L q Q, optionally with x padding), e.g. '>I'")
    if size != header_length:
        return (f"header_length={header_length} but length_fmt {length_fmt!r} describes {size} bytes; "
                f"make them agree (header_length={size}, or a format of {header_length} bytes)")
    return None


def _probes(size: int) -> List[bytes]:
    # Distinct patterns that tell every candidate apart: asymmetric bytes separate the byte orders,
    # high bits set separate signed from unsigned.
    patterns = [
        bytes(range(1, size + 1)),
        bytes(size - 1) + b"\x07",
        b"\x07" + bytes(size - 1),
        b"\xff" * size,
        b"\x80" + bytes(size - 1),
        bytes(size - 1) + b"\x80",
        bytes((0x12, 0x34, 0x56, 0x78, 0x9A, 0xBC, 0xDE, 0xF0)[:size]),
        bytes(size),
    ]
    return list(dict.fromkeys(patterns))  # drop repeats (size 1), keep order


def infer_length_fmt(header_length: Optional[int],
                     payload_length_fn: Callable[[bytes], Any]) -> Optional[str]:
    """The standard one-integer struct format that ``payload_length_fn`` computes, or None.

    The function is called with a few header patterns of ``header_length`` bytes; a candidate
    format (big/little endian, signed/unsigned) is returned only if it agrees on every one. When
    none does, or the function raises, the engine calls ``payload_length_fn`` itself.
    """
    if not isinstance(header_length, int) or isinstance(header_length, bool):
        return None
    candidates = _CANDIDATES.get(header_length)
    if not candidates or not callable(payload_length_fn):
        return None
    probes = _probes(header_length)
    answers = []
    for probe in probes:
        try:
            answers.append(payload_length_fn(probe))
        except Exception:  # the function rejects some headers: it is not a plain unpack
            return None
    for fmt in candidates:
        if all(_same(answer, struct.unpack(fmt, probe)[0]) for answer, probe in zip(answers, probes)):
            return fmt
    return None


def _same(answer: Any, expected: int) -> bool:
    if isinstance(answer, bool):
        return False
    try:
        return bool(answer == expected) and int(answer) == expected
    except (TypeError, ValueError, OverflowError):
        return False


def payload_length_reader(decoder: Any) -> Callable[[bytes], int]:
    """A function reading the payload length from a header, for a decorated or classic decoder."""
    if decoder.length_fmt:
        unpack = struct.Struct(decoder.length_fmt).unpack
        return lambda header: unpack(header)[0]
    if decoder.payload_length_fn is not None:
        fn = decoder.payload_length_fn
        return lambda header: int(fn(header))
    raise ValueError(f"decoder {decoder.name!r} has neither length_fmt nor payload_length, so it cannot "
                     f"cut a TCP byte stream into messages")
