"""How messages cross from one lane to another.

Each lane is its own interpreter, so a message routed to another lane must be turned into a
value that can leave this interpreter and be rebuilt in the other. The outbox for a lane keeps
three columns (step code, key, value) and packs each column the cheapest way that keeps its
types exactly:

- a column of ``str`` is joined with NUL separators: one native join here and one split there;
- other plain data (None, bool, int, float, str, bytes, and tuples/lists/dicts of these) goes
  through ``marshal``;
- anything else goes through the application's ``serialize``/``deserialize``, or ``pickle``.

The packed form is a ``str`` (binary parts are carried as latin-1 text), which the Java side
hands to the other lane without copying it into bytes and back.

Layout: ``FORMAT`` followed by three fields (codes, keys, values); a field is a one-letter tag,
the length of its body in decimal, ``:``, and the body.
"""
from __future__ import annotations

import marshal
TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: typing costs seconds to import in a fresh GraalPy context
    from typing import Any, Callable, Dict, List, Optional, Tuple

FORMAT = "X1"
_SEP = "\x00"

_PLAIN_SCALARS = (type(None), bool, int, float, str, bytes)
_PLAIN_SCALAR_TYPES = frozenset(_PLAIN_SCALARS)


class Outbox:
    """The messages of one batch bound for one other lane."""

    __slots__ = ("codes", "keys", "values")

    def __init__(self) -> None:
        self.codes: List[int] = []
        self.keys: List[Any] = []
        self.values: List[Any] = []

    def __len__(self) -> int:
        return len(self.codes)

    def take(self, serialize: Callable[[Any], bytes]) -> str:
        """Packs the messages and empties the outbox."""
        packed = pack(self.codes, self.keys, self.values, serialize)
        self.codes = []
        self.keys = []
        self.values = []
        return packed

    def take_checked(self, serialize: Callable[[Any], bytes]) -> Tuple[Optional[str], int, List[Tuple[int, Any, Any, BaseException]]]:
        """Packs the messages and empties the outbox; a message whose key or value ``serialize``
        cannot handle is left out alone. Returns ``(packed or None, messages packed, dropped)``
        with ``(code, key, value, error)`` for each message left out."""
        codes, keys, values = self.codes, self.keys, self.values
        self.codes = []
        self.keys = []
        self.values = []
        dropped: List[Tuple[int, Any, Any, BaseException]] = []
        while codes:
            failed: Dict[int, BaseException] = {}
            packed = pack(codes, keys, values, serialize, failed)
            if not failed:
                return packed, len(codes), dropped
            for i in sorted(failed):
                dropped.append((codes[i], keys[i], values[i], failed[i]))
            kept = [i for i in range(len(codes)) if i not in failed]
            codes = [codes[i] for i in kept]
            keys = [keys[i] for i in kept]
            values = [values[i] for i in kept]
        return None, 0, dropped


def pack(codes: List[int], keys: List[Any], values: List[Any], serialize: Callable[[Any], bytes],
         failed: Optional[Dict[int, BaseException]] = None) -> str:
    """Packs the columns. With ``failed``, a message whose key or value cannot be serialized is
    recorded there by index (its slot packs as None) instead of raising."""
    n = len(codes)
    if codes.count(codes[0]) == n:
        code_field = _field("=", str(codes[0]))
    else:
        code_field = _field("m", marshal.dumps(codes).decode("latin-1"))
    return FORMAT + code_field + _column(keys, serialize, failed) + _column(values, serialize, failed)


def unpack(packed: str, deserialize: Callable[[bytes], Any],
           failed: Optional[Dict[int, BaseException]] = None) -> Tuple[Any, List[Any], List[Any]]:
    """``(codes, keys, values)``; ``codes`` is one int when every message has the same code.

    Each object message deserializes on its own: with ``failed``, a message whose key or value
    ``deserialize`` cannot rebuild is recorded there by index (its slot holds None) and the
    others come out whole; without it the error is raised."""
    if not packed.startswith(FORMAT):
        raise ValueError(f"not a lane crossing of format {FORMAT}: {packed[:8]!r}")
    pos = len(FORMAT)
    tag, body, pos = _read_field(packed, pos)
    codes: Any = int(body) if tag == "=" else marshal.loads(body.encode("latin-1"))
    tag, body, pos = _read_field(packed, pos)
    keys = _read_column(tag, body, deserialize, failed)
    tag, body, pos = _read_field(packed, pos)
    values = _read_column(tag, body, deserialize, failed)
    return codes, keys, values


def _field(tag: str, body: str) -> str:
    return f"{tag}{len(body)}:{body}"


def _read_field(packed: str, pos: int) -> Tuple[str, str, int]:
    tag = packed[pos]
    colon = packed.index(":", pos + 1)
    end = colon + 1 + int(packed[pos + 1:colon])
    return tag, packed[colon + 1:end], end


def _column(column: List[Any], serialize: Callable[[Any], bytes],
            failed: Optional[Dict[int, BaseException]] = None) -> str:
    n = len(column)
    if _all_str(column):
        joined = _SEP.join(column)
        if joined.count(_SEP) == n - 1:  # no str in the column holds a NUL itself
            return _field("s", joined)
    if column.count(None) == n:
        return _field("n", "")
    if _all_plain(column):
        return _field("m", marshal.dumps(column).decode("latin-1"))
    flags = bytearray(n)
    out = list(column)
    for i, value in enumerate(column):
        if not _is_plain(value):
            if failed is None:
                out[i] = serialize(value)
            else:
                try:
                    out[i] = serialize(value)
                except Exception as e:  # noqa: BLE001 - user code: only this message is lost
                    failed.setdefault(i, e)
                    out[i] = None
                    continue
                if out[i].__class__ is not bytes and not isinstance(out[i], (bytes, bytearray)):
                    failed.setdefault(i, TypeError(
                        f"serialize must return bytes, got {type(out[i]).__name__}"))
                    out[i] = None
                    continue
            flags[i] = 1
    return _field("p", marshal.dumps((out, bytes(flags))).decode("latin-1"))


def _read_column(tag: str, body: str, deserialize: Callable[[bytes], Any],
                 failed: Optional[Dict[int, BaseException]] = None) -> List[Any]:
    if tag == "s":
        return body.split(_SEP)
    if tag == "n":
        return None  # type: ignore[return-value]  # every key is None; the caller repeats it
    data = marshal.loads(body.encode("latin-1"))
    if tag == "m":
        return data
    values, flags = data
    for i, flag in enumerate(flags):
        if flag:
            if failed is None:
                values[i] = deserialize(values[i])
                continue
            try:
                values[i] = deserialize(values[i])
            except Exception as e:  # noqa: BLE001 - user code: only this message is lost
                failed.setdefault(i, e)
                values[i] = None
    return values


def _all_str(column: List[Any]) -> bool:
    for value in column:
        if type(value) is not str:
            return False
    return True


def _is_plain(value: Any) -> bool:
    """True for data marshal carries without changing its type (marshal would turn a bytearray
    or memoryview into bytes, so those are not plain)."""
    t = type(value)
    if t in _PLAIN_SCALAR_TYPES:
        return True
    if t is tuple or t is list:
        return all(_is_plain(v) for v in value)
    if t is dict:
        return all(_is_plain(k) and _is_plain(v) for k, v in value.items())
    return False


def _all_plain(column: List[Any]) -> bool:
    scalars = _PLAIN_SCALAR_TYPES
    for value in column:
        if type(value) not in scalars and not _is_plain(value):
            return False
    return True
