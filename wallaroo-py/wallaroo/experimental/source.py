"""``SourceExtension``: the half of a source that runs in its own script and feeds the engine."""
from __future__ import annotations

import socket
TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: typing costs seconds to import in a fresh GraalPy context
    from typing import Any, Dict, Optional

from wallaroo.experimental import _protocol as wire
from wallaroo.experimental._connect import connect as _connect, port_number
from wallaroo.experimental._protocol import ExtensionError


def _encoding_function(encoder: Any) -> Any:
    if callable(encoder):
        return encoder
    encode = getattr(encoder, "encode", None)
    if callable(encode) and not isinstance(encoder, (str, bytes)):
        return encode
    raise TypeError(f"SourceExtension needs an encoder: a function decorated with "
                    f"@wallaroo.experimental.streaming_message_encoder, got {encoder!r}")


def as_payload(data: Any, what: str) -> bytes:
    """The bytes an encoder returned; str is sent as UTF-8."""
    if isinstance(data, bytes):
        return data
    if isinstance(data, (bytearray, memoryview)):
        return bytes(data)
    if isinstance(data, str):
        return data.encode("utf-8")
    raise TypeError(f"{what} returned {type(data).__name__} {data!r:.80}; it must return bytes (or str, sent as UTF-8)")


class SourceExtension:
    """Writes messages into a pipeline whose source is a ``SourceExtensionConfig``.

    ::

        extension = SourceExtension(text_encoder, name="documents")
        extension.connect("127.0.0.1", 7100)
        extension.write("some text", partition="doc-1.txt", sequence=1)
        extension.close()

    ``name`` identifies the stream to the engine; together with a message's partition it is the
    key under which the engine remembers sequences. A script restarted after a crash must use the
    same name (and partitions) for its resends to be recognised. Scripts whose sequences are
    unrelated must differ in name or partition.
    """

    def __init__(self, encoder: Any, name: str = "") -> None:
        self._encode = _encoding_function(encoder)
        self._encoder_name = getattr(encoder, "__name__", None) or type(encoder).__name__
        if not isinstance(name, str):
            raise TypeError(f"SourceExtension name must be a str, got {name!r}")
        self.name = name
        self._hello = wire.hello_frame(wire.ROLE_SOURCE, name)  # checks the name's length now
        self._sock: Optional[socket.socket] = None
        self._address = ""
        self._resume: Optional[Dict[Optional[str], int]] = None

    def connect(self, host: str, port: Any, timeout: Optional[float] = None,
                retry_interval: float = 0.25) -> "SourceExtension":
        """Connects to the engine, retrying until it listens (at most ``timeout`` seconds when
        given; ExtensionError after that). Returns the extension, so calls can be chained."""
        if self._sock is not None:
            raise ExtensionError(f"already connected to {self._address}; close() first")
        number = port_number(port)
        self._sock = _connect(host, number, self._hello, timeout, retry_interval)
        self._address = f"{host}:{number}"
        self._resume = None
        return self

    def last_sequence(self, partition: Any = None, timeout: float = 30.0) -> Optional[int]:
        """The last sequence the engine has accepted for this stream name and ``partition``, or
        None when it has none. With ``--resilience-dir`` this survives an engine restart too, so a
        script that reconnects can resend from the message after it instead of from the start
        (resending more is harmless: the engine drops sequences it has seen)."""
        if self._resume is None:
            self._resume = self._read_resume(timeout)
        return self._resume.get(None if partition is None else str(partition))

    def _read_resume(self, timeout: float) -> Dict[Optional[str], int]:
        sock = self._require_connection()
        reader = wire.FrameReader()
        sock.settimeout(timeout)
        try:
            while True:
                for kind, body in reader.frames():
                    if kind == wire.RESUME:
                        return wire.parse_resume(body)
                    if kind == wire.ERROR:
                        raise ExtensionError(f"the engine at {self._address} closed the connection: "
                                             f"{body.decode('utf-8', 'replace')}")
                data = sock.recv(4096)
                if not data:
                    raise ExtensionError(f"the engine at {self._address} closed the connection before saying "
                                         f"where the stream stands")
                reader.feed(data)
        except socket.timeout:
            raise ExtensionError(f"the engine at {self._address} did not say where the stream stands within "
                                 f"{timeout} s; is it an engine of the same version?") from None
        finally:
            if self._sock is not None:
                self._sock.settimeout(None)

    def write(self, message: Any, partition: Any = None, sequence: Optional[int] = None) -> None:
        """Encodes ``message`` and sends it to the engine.

        ``partition`` (any object; sent as ``str(partition)``) names the part of the upstream the
        message comes from. ``sequence`` is the message's position in that partition, an int from
        0 to 2**63 - 1 that grows with every message: the engine drops a message whose sequence is
        not greater than the last it accepted for the same stream name and partition. Without a
        sequence a message is always taken.

        Blocks while the engine applies back-pressure. Raises ExtensionError when the connection
        is lost; reconnect and resend from a point you know was taken (or from further back:
        sequences make resends harmless).
        """
        sock = self._require_connection()
        if sequence is not None:
            if isinstance(sequence, bool) or not isinstance(sequence, int) or not 0 <= sequence <= wire.MAX_SEQUENCE:
                raise ValueError(f"sequence must be an int from 0 to 2**63 - 1, got {sequence!r}")
        payload = as_payload(self._encode(message), f"the encoder {self._encoder_name}")
        frame = wire.message_frame(payload, None if partition is None else str(partition), sequence)
        try:
            sock.sendall(frame)
        except OSError as e:
            raise self._lost(e) from e

    def close(self, timeout: Optional[float] = None) -> None:
        """Ends the stream: tells the engine this script is done and waits (at most ``timeout``
        seconds when given) until the engine has taken every message written before. Safe to call
        twice."""
        sock = self._sock
        if sock is None:
            return
        try:
            try:
                sock.sendall(wire.bye_frame())
            except OSError as e:
                raise self._lost(e) from e
            sock.settimeout(timeout)
            reader = wire.FrameReader()
            try:
                while True:
                    data = sock.recv(4096)
                    if not data:
                        break
                    reader.feed(data)
                    self._raise_on_error(reader)
            except socket.timeout:
                raise TimeoutError(f"the engine at {self._address} did not confirm the end of the stream within "
                                   f"{timeout} s; messages still in flight may not have been taken") from None
            except ConnectionResetError:
                pass  # the engine closed first, after taking everything
        finally:
            self._abort()

    def _abort(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None

    def _require_connection(self) -> socket.socket:
        if self._sock is None:
            raise ExtensionError("the SourceExtension is not connected; call connect(host, port) first")
        return self._sock

    def _lost(self, error: OSError) -> ExtensionError:
        """An ExtensionError for a failed send, with the engine's reason when it sent one."""
        sock = self._sock
        address = self._address
        reason = ""
        if sock is not None:
            reader = wire.FrameReader()
            try:
                sock.setblocking(False)
                while True:
                    data = sock.recv(65536)
                    if not data:
                        break
                    reader.feed(data)
            except OSError:
                pass
            try:
                self._raise_on_error(reader)
            except ExtensionError as refusal:
                reason = str(refusal)
        self._abort()
        return ExtensionError(reason or f"lost the connection to the engine at {address} ({error})")

    def _raise_on_error(self, reader: wire.FrameReader) -> None:
        for kind, body in reader.frames():
            if kind == wire.ERROR:
                raise ExtensionError(f"the engine at {self._address} closed the connection: "
                                     f"{body.decode('utf-8', 'replace')}")

    def __enter__(self) -> "SourceExtension":
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        if exc_type is None:
            self.close()
        else:
            self._abort()  # no bye: the engine logs that the stream broke off

    def __repr__(self) -> str:
        state = f"connected to {self._address}" if self._sock is not None else "not connected"
        return f"<SourceExtension {self.name!r} {state}>"
