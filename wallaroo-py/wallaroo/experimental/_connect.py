"""Opening a script's connection to the engine, retrying while the engine is not listening yet."""
from __future__ import annotations

import logging
import socket
import time
TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: typing costs seconds to import in a fresh GraalPy context
    from typing import Optional

from wallaroo.experimental._protocol import ExtensionError

log = logging.getLogger("wallaroo.experimental")


def connect(host: str, port: int, hello: bytes, timeout: Optional[float], retry_interval: float) -> socket.socket:
    """A connected socket that has sent ``hello``. Retries every ``retry_interval`` seconds until the
    engine listens; gives up with ExtensionError after ``timeout`` seconds (None: never)."""
    deadline = None if timeout is None else time.monotonic() + timeout
    warned = False
    while True:
        try:
            sock = socket.create_connection((host, port), timeout=retry_interval + 5.0)
            if connected_to_itself(sock):
                sock.close()
                raise ConnectionRefusedError("nothing listens there yet (the connection reached itself)")
            break
        except OSError as e:
            if deadline is not None and time.monotonic() >= deadline:
                raise ExtensionError(f"no wallaroo engine listening on {host}:{port} after {timeout} s ({e}); "
                                     f"is the application running with this address?") from e
            if not warned:
                log.info("waiting for the wallaroo engine to listen on %s:%s (%s)", host, port, e)
                warned = True
            time.sleep(retry_interval)
    sock.settimeout(None)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    try:
        sock.sendall(hello)
    except OSError as e:
        sock.close()
        raise ExtensionError(f"the engine at {host}:{port} closed the connection at once ({e})") from e
    return sock


def connected_to_itself(sock: socket.socket) -> bool:
    """True for a TCP self-connection: connecting to a local port nobody listens on can, rarely,
    pick that same port as its own source port, and then the socket is connected to itself. Everything sent on it would come back to it and never reach an engine."""
    try:
        return sock.getsockname() == sock.getpeername()
    except OSError:
        return False


def port_number(port: object) -> int:
    try:
        number = int(port)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        number = -1
    if isinstance(port, bool) or not 0 < number <= 65535:
        raise ValueError(f"port {port!r} is not a port number (1-65535)")
    return number
