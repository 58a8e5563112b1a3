"""``SinkExtension``: the half of a sink that runs in its own script and drains the engine."""
from __future__ import annotations

import collections
import logging
import selectors
import socket
import time
TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: typing costs seconds to import in a fresh GraalPy context
    from typing import Any, Deque, List, Optional, Tuple

from wallaroo.experimental import _protocol as wire
from wallaroo.experimental._connect import connect as _connect, port_number
from wallaroo.experimental._protocol import ExtensionError

log = logging.getLogger("wallaroo.experimental")


def _decoding_function(decoder: Any) -> Any:
    if callable(decoder):
        return decoder
    decode = getattr(decoder, "decode", None)
    if callable(decode) and not isinstance(decoder, (str, bytes)):
        return decode
    raise TypeError(f"SinkExtension needs a decoder: a function decorated with "
                    f"@wallaroo.experimental.streaming_message_decoder, got {decoder!r}")


class _EngineConnection:
    """One connection to an engine's sink port, with its frame buffer and acknowledgement count."""

    def __init__(self, host: str, port: int, hello: bytes) -> None:
        self.host = host
        self.port = port
        self.hello = hello
        self.sock: Optional[socket.socket] = None
        self.reader = wire.FrameReader()
        self.returned = 0    # records handed to the caller on this connection
        self.acked = 0       # records acknowledged to the engine
        self.retry_at = 0.0  # when a lost connection is tried again

    @property
    def address(self) -> str:
        return f"{self.host}:{self.port}"

    def open(self, timeout: Optional[float], retry_interval: float) -> None:
        self.sock = _connect(self.host, self.port, self.hello, timeout, retry_interval)
        self.reader = wire.FrameReader()
        self.returned = self.acked = 0

    def ack(self) -> None:
        """Tells the engine every record handed out so far is handled."""
        if self.sock is not None and self.returned > self.acked:
            try:
                self.sock.sendall(wire.ack_frame(self.returned))
                self.acked = self.returned
            except OSError:
                pass  # the read side notices the loss and reconnects

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
            self.sock = None


class SinkExtension:
    """Reads a pipeline's output from a ``SinkExtensionConfig``, one decoded message at a time.

    ::

        extension = SinkExtension(text_decoder)
        extension.connect("127.0.0.1", 7200)
        while True:
            message = extension.read()
            ...

    ``connect`` may be called several times, for several engines; ``read`` returns messages from
    all of them. When the engine closes a connection (it stopped, or restarts), the extension
    connects again in the background of ``read``; with ``reconnect=False`` it raises
    ExtensionError once no connection is left instead.

    Acknowledgements: a message counts as handled once the script calls ``read`` again (or
    ``close``), and the engine keeps every message until it is handled. Messages of a script that
    dies before handling them go to another sink script, or to this one when it comes back, so
    delivery is at least once. ``ack_every`` bounds how many handled messages wait before an
    acknowledgement is sent while more are ready (one is always sent before ``read`` waits).
    """

    def __init__(self, decoder: Any, name: str = "", reconnect: bool = True, ack_every: int = 256,
                 retry_interval: float = 0.25) -> None:
        self._decode = _decoding_function(decoder)
        if not isinstance(name, str):
            raise TypeError(f"SinkExtension name must be a str, got {name!r}")
        if ack_every < 1:
            raise ValueError(f"ack_every must be at least 1, got {ack_every!r}")
        self.name = name
        self._hello = wire.hello_frame(wire.ROLE_SINK, name)
        self._reconnect = reconnect
        self._ack_every = ack_every
        self._retry_interval = retry_interval
        self._connections: List[_EngineConnection] = []
        self._ready: Deque[Tuple[_EngineConnection, bytes]] = collections.deque()
        self._selector = selectors.DefaultSelector()

    def connect(self, host: str, port: Any, timeout: Optional[float] = None) -> "SinkExtension":
        """Connects to an engine's sink port, retrying until it listens (at most ``timeout``
        seconds when given; ExtensionError after that). Returns the extension."""
        connection = _EngineConnection(host, port_number(port), self._hello)
        connection.open(timeout, self._retry_interval)
        self._connections.append(connection)
        self._selector.register(connection.sock, selectors.EVENT_READ, connection)
        return self

    def read(self, timeout: Optional[float] = None) -> Any:
        """The next message, decoded; None when none arrives within ``timeout`` seconds (None:
        wait as long as it takes). A decoder that returns None for a message makes the two cases
        look alike, so return something else from it."""
        if not self._connections:
            raise ExtensionError("the SinkExtension is not connected; call connect(host, port) first")
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            if self._ready:
                connection, value = self._ready.popleft()
                if connection.returned - connection.acked >= self._ack_every:
                    connection.ack()
                connection.returned += 1
                return self._decode(value)
            for connection in self._connections:
                connection.ack()  # all handled: say so before waiting for more
            remaining = None if deadline is None else deadline - time.monotonic()
            self._receive(remaining)
            if not self._ready and deadline is not None and time.monotonic() >= deadline:
                return None

    def _receive(self, remaining: Optional[float]) -> None:
        """Waits up to ``remaining`` seconds for data and turns it into ready records."""
        self._retry_lost()
        live = [c for c in self._connections if c.sock is not None]
        if not live and not self._reconnect:
            raise ExtensionError("every engine connection is closed: "
                                 + ", ".join(c.address for c in self._connections))
        wait = remaining
        if len(live) < len(self._connections):
            wait = self._retry_interval if wait is None else min(wait, self._retry_interval)
        if not live:
            time.sleep(max(wait or 0.0, 0.0))
            return
        for key, _ in self._selector.select(None if wait is None else max(wait, 0.0)):
            self._take(key.data)

    def _take(self, connection: _EngineConnection) -> None:
        assert connection.sock is not None
        try:
            data = connection.sock.recv(256 * 1024)
        except (BlockingIOError, InterruptedError):
            return
        except OSError as e:
            self._lose(connection, str(e))
            return
        if not data:
            self._lose(connection, "the engine closed the connection")
            return
        connection.reader.feed(data)
        for kind, body in connection.reader.frames():
            if kind == wire.RECORDS:
                self._ready.extend((connection, value) for _, value in wire.parse_records(body))
            elif kind == wire.ERROR:
                reason = body.decode("utf-8", "replace")
                self._lose(connection, reason, retry=False)
                raise ExtensionError(f"the engine at {connection.address} closed the connection: {reason}")
            else:
                self._lose(connection, f"unexpected frame type {kind}", retry=False)
                raise ExtensionError(f"the engine at {connection.address} sent a frame of unknown type {kind}; "
                                     f"is the wallaroo package the one that ships with the engine?")

    def _lose(self, connection: _EngineConnection, why: str, retry: bool = True) -> None:
        """Forgets a broken connection. Records it delivered but not handed out yet are dropped:
        the engine did not get their acknowledgement, so it sends them again."""
        if connection.sock is not None:
            self._selector.unregister(connection.sock)
            connection.close()
        self._ready = collections.deque(item for item in self._ready if item[0] is not connection)
        if retry and self._reconnect:
            log.warning("lost the engine connection %s (%s); reconnecting", connection.address, why)
            connection.retry_at = time.monotonic()
        else:
            self._connections.remove(connection)

    def _retry_lost(self) -> None:
        now = time.monotonic()
        for connection in self._connections:
            if connection.sock is None and now >= connection.retry_at:
                try:
                    connection.open(timeout=0.0, retry_interval=self._retry_interval)
                except ExtensionError:
                    connection.retry_at = now + self._retry_interval
                    continue
                self._selector.register(connection.sock, selectors.EVENT_READ, connection)
                log.info("reconnected to the engine at %s", connection.address)

    def close(self) -> None:
        """Acknowledges what was handed out and closes every connection. Messages received but
        not handed out yet go back to the engine, which sends them to another sink script."""
        for connection in self._connections:
            connection.ack()
            if connection.sock is not None:
                self._selector.unregister(connection.sock)
            connection.close()
        self._connections.clear()
        self._ready.clear()
        self._selector.close()
        self._selector = selectors.DefaultSelector()

    def __enter__(self) -> "SinkExtension":
        return self

    def __exit__(self, exc_type: Any, exc: Any, tb: Any) -> None:
        self.close()

    def __repr__(self) -> str:
        addresses = ", ".join(c.address for c in self._connections) or "not connected"
        return f"<SinkExtension {self.name!r} {addresses}>"
