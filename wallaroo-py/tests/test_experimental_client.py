"""The extension client (SourceExtension, SinkExtension) against stand-in engines on real loopback
sockets. The stand-ins parse and build frames with struct directly, from the documented format,
so these tests check the wire format itself rather than the client against its own helpers."""
import socket
import struct
import threading
import time
import unittest

import support  # noqa: F401  (puts the package source first on sys.path)

from wallaroo.experimental import (ExtensionError, SinkExtension, SourceExtension,
                                   streaming_message_decoder, streaming_message_encoder)
from wallaroo.experimental._connect import connected_to_itself


@streaming_message_encoder
def shout(message):
    return message.upper()


@streaming_message_decoder
def text(message):
    return message.decode("utf-8")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen(1)  # GraalPy reports the bound port only once the socket listens
        return s.getsockname()[1]


class StandInEngine:
    """Listens on a loopback port and accepts one script connection."""

    def __init__(self, port=0):
        self.server = socket.socket()
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", port))
        self.server.listen(4)
        self.port = self.server.getsockname()[1]
        self.conn = None

    def accept(self, timeout=5.0):
        self.server.settimeout(timeout)
        self.conn, _ = self.server.accept()
        self.conn.settimeout(timeout)
        return self.conn

    def read_exactly(self, n):
        data = b""
        while len(data) < n:
            chunk = self.conn.recv(n - len(data))
            if not chunk:
                raise EOFError(f"connection closed after {len(data)} of {n} bytes")
            data += chunk
        return data

    def read_frame(self):
        (length,) = struct.unpack(">I", self.read_exactly(4))
        body = self.read_exactly(length)
        return body[0], body[1:]

    def send_records(self, values, split=False):
        body = b"".join(struct.pack(">i", -1) + struct.pack(">i", len(v)) + v for v in values)
        frame = struct.pack(">IB", 1 + len(body), 4) + body
        if split:  # one byte at a time: every possible partial read
            for i in range(len(frame)):
                self.conn.sendall(frame[i:i + 1])
                time.sleep(0.001)
        else:
            self.conn.sendall(frame)

    def send_error(self, reason):
        data = reason.encode()
        self.conn.sendall(struct.pack(">IB", 1 + len(data), 127) + data)

    def close(self):
        if self.conn is not None:
            self.conn.close()
        self.server.close()


def hello_bytes(role, name):
    data = name.encode()
    return struct.pack(">IBBBH", 5 + len(data), 1, 1, role, len(data)) + data


class SourceExtensionTest(unittest.TestCase):
    def setUp(self):
        self.engine = StandInEngine()
        self.addCleanup(self.engine.close)

    def connected(self, name="docs"):
        extension = SourceExtension(shout, name=name)
        extension.connect("127.0.0.1", self.engine.port, timeout=5)
        self.engine.accept()
        self.addCleanup(extension._abort)
        return extension

    def test_hello_then_messages_carry_partition_and_sequence(self):
        extension = self.connected()
        self.assertEqual(self.engine.read_exactly(len(hello_bytes(1, "docs"))), hello_bytes(1, "docs"))
        extension.write("hi", partition="p1", sequence=7)
        extension.write("plain")
        extension.write("numbered", partition=42)
        self.assertEqual(self.engine.read_frame(),
                         (2, bytes([3]) + struct.pack(">q", 7) + struct.pack(">H", 2) + b"p1" + b"HI"))
        self.assertEqual(self.engine.read_frame(), (2, bytes([0]) + b"PLAIN"))
        self.assertEqual(self.engine.read_frame(), (2, bytes([1]) + struct.pack(">H", 2) + b"42" + b"NUMBERED"))

    def test_close_says_bye_and_waits_until_the_engine_closes(self):
        extension = self.connected()
        self.engine.read_frame()  # hello
        extension.write("last")

        def engine_side():
            self.engine.read_frame()
            self.assertEqual(self.engine.read_frame(), (3, b""))
            time.sleep(0.3)
            self.engine.conn.close()
        worker = threading.Thread(target=engine_side)
        worker.start()
        started = time.monotonic()
        extension.close(timeout=5)
        self.assertGreaterEqual(time.monotonic() - started, 0.25, "close returns only once the engine is done")
        worker.join()
        extension.close()  # a second close does nothing

    def test_last_sequence_reads_where_the_engine_stands(self):
        extension = self.connected()
        self.engine.read_frame()  # hello
        # RESUME, built from the documented layout: int32 n, (uint8 has-partition, [uint16 n, name], int64)*
        body = struct.pack(">i", 2) + bytes([1]) + struct.pack(">H", 5) + b"a.txt" + struct.pack(">q", 41) \
            + bytes([0]) + struct.pack(">q", 7)
        self.engine.conn.sendall(struct.pack(">IB", 1 + len(body), 6) + body)
        self.assertEqual(extension.last_sequence("a.txt"), 41)
        self.assertEqual(extension.last_sequence(), 7)
        self.assertIsNone(extension.last_sequence("b.txt"))
        extension.write("after", partition="a.txt", sequence=42)
        self.assertEqual(self.engine.read_frame()[0], 2)

    def test_close_times_out_when_the_engine_does_not_answer(self):
        extension = self.connected()
        with self.assertRaises(TimeoutError):
            extension.close(timeout=0.2)

    def test_write_blocks_while_the_engine_does_not_read(self):
        extension = self.connected()
        payload = "x" * 65536
        written = []

        def writer():
            for i in range(200):  # 13 MB: far more than the socket buffers hold
                extension.write(payload)
                written.append(i)
        thread = threading.Thread(target=writer, daemon=True)
        thread.start()
        deadline = time.monotonic() + 10
        stalled_at = -1
        while len(written) != stalled_at and time.monotonic() < deadline:  # until it stops moving
            stalled_at = len(written)
            time.sleep(0.3)
        self.assertTrue(thread.is_alive(), "write blocks instead of buffering without bound")
        self.assertLess(stalled_at, 200)
        self.assertEqual(len(written), stalled_at, "no progress while the engine is not reading")
        self.engine.read_frame()  # hello
        for _ in range(200):
            self.engine.read_frame()
        thread.join(10)
        self.assertEqual(len(written), 200)

    def test_the_engines_reason_is_raised_when_it_closes_the_connection(self):
        extension = self.connected()
        self.engine.read_frame()
        self.engine.send_error("a frame declares a length of 7 bytes, more than the limit")
        self.engine.conn.close()
        with self.assertRaises(ExtensionError) as raised:
            for _ in range(1000):
                extension.write("more")
                time.sleep(0.001)
        self.assertIn("more than the limit", str(raised.exception))

    def test_connect_retries_until_the_engine_listens(self):
        port = free_port()
        self.engine.close()
        result = {}

        def connect():
            result["extension"] = SourceExtension(shout).connect("127.0.0.1", port, timeout=10, retry_interval=0.05)
        thread = threading.Thread(target=connect)
        thread.start()
        time.sleep(0.4)
        self.assertTrue(thread.is_alive(), "still waiting for the engine")
        late = StandInEngine(port)
        self.addCleanup(late.close)
        late.accept()
        thread.join(5)
        self.assertEqual(late.read_frame(), (1, bytes([1, 1]) + struct.pack(">H", 0)))
        result["extension"]._abort()

    def test_connect_gives_up_after_its_timeout(self):
        port = free_port()
        started = time.monotonic()
        with self.assertRaises(ExtensionError):
            SourceExtension(shout).connect("127.0.0.1", port, timeout=0.3, retry_interval=0.05)
        self.assertLess(time.monotonic() - started, 3)

    def test_bad_arguments_are_refused_before_anything_is_sent(self):
        extension = self.connected()
        for sequence in (-1, 2 ** 63, 1.5, True, "3"):
            with self.assertRaises(ValueError, msg=repr(sequence)):
                extension.write("x", sequence=sequence)
        wrong_encoder = SourceExtension(lambda m: 42).connect("127.0.0.1", self.engine.port)
        self.addCleanup(wrong_encoder._abort)
        with self.assertRaises(TypeError):
            wrong_encoder.write("x")
        with self.assertRaises(ExtensionError):
            SourceExtension(shout).write("not connected")


class SelfConnectionTest(unittest.TestCase):
    """A script retrying against an engine that is not listening yet must not settle for a TCP
    connection to itself (it happened in CI: the source script then wrote into itself)."""

    def test_a_socket_connected_to_itself_is_told_apart(self):
        port = free_port()
        sock = socket.socket()
        self.addCleanup(sock.close)
        sock.bind(("127.0.0.1", port))
        try:
            sock.connect(("127.0.0.1", port))  # TCP simultaneous open with itself
        except OSError as e:
            self.skipTest(f"this platform does not connect a socket to itself ({e})")
        self.assertTrue(connected_to_itself(sock))

    def test_a_connection_to_a_listener_is_not(self):
        engine = StandInEngine()
        self.addCleanup(engine.close)
        with socket.create_connection(("127.0.0.1", engine.port)) as sock:
            self.assertFalse(connected_to_itself(sock))


class SinkExtensionTest(unittest.TestCase):
    def setUp(self):
        self.engine = StandInEngine()
        self.addCleanup(self.engine.close)

    def connected(self, **options):
        extension = SinkExtension(text, name="out", **options)
        extension.connect("127.0.0.1", self.engine.port, timeout=5)
        self.engine.accept()
        self.assertEqual(self.engine.read_frame(), (1, bytes([1, 2]) + struct.pack(">H", 3) + b"out"))
        self.addCleanup(extension.close)
        return extension

    def test_frames_split_across_reads_are_reassembled(self):
        extension = self.connected()
        self.engine.send_records([b"one", b"two", "drei".encode()], split=True)
        self.engine.send_records([b"four"])
        self.assertEqual([extension.read(timeout=5) for _ in range(4)], ["one", "two", "drei", "four"])

    def test_read_returns_none_when_nothing_comes_in_time(self):
        extension = self.connected()
        started = time.monotonic()
        self.assertIsNone(extension.read(timeout=0.3))
        self.assertGreaterEqual(time.monotonic() - started, 0.29)
        self.assertIsNone(extension.read(timeout=0))

    def test_handled_messages_are_acknowledged_before_read_waits(self):
        extension = self.connected()
        self.engine.send_records([b"a", b"b", b"c"])
        self.assertEqual(extension.read(timeout=5), "a")
        self.assertEqual(extension.read(timeout=5), "b")
        self.assertEqual(extension.read(timeout=5), "c")
        self.assertIsNone(extension.read(timeout=0.1))  # "c" is handled now; everything gets acknowledged
        self.assertEqual(self.engine.read_frame(), (5, struct.pack(">q", 3)))

    def test_a_long_run_of_ready_messages_is_acknowledged_along_the_way(self):
        extension = self.connected(ack_every=4)
        self.engine.send_records([str(i).encode() for i in range(10)])
        self.assertEqual([extension.read(timeout=5) for _ in range(10)], [str(i) for i in range(10)])
        self.assertEqual(self.engine.read_frame(), (5, struct.pack(">q", 4)))
        self.assertEqual(self.engine.read_frame(), (5, struct.pack(">q", 8)))

    def test_close_acknowledges_what_was_handed_out(self):
        extension = self.connected()
        self.engine.send_records([b"a", b"b"])
        self.assertEqual(extension.read(timeout=5), "a")
        self.assertEqual(extension.read(timeout=5), "b")
        extension.close()
        self.assertEqual(self.engine.read_frame(), (5, struct.pack(">q", 2)))

    def test_messages_from_several_engines(self):
        other = StandInEngine()
        self.addCleanup(other.close)
        extension = self.connected()
        extension.connect("127.0.0.1", other.port, timeout=5)
        other.accept()
        other.read_frame()
        self.engine.send_records([b"from one"])
        other.send_records([b"from two"])
        got = {extension.read(timeout=5), extension.read(timeout=5)}
        self.assertEqual(got, {"from one", "from two"})

    def test_an_error_frame_is_raised_with_its_reason(self):
        extension = self.connected()
        self.engine.send_error("a source script connected to the port of a sink script")
        with self.assertRaises(ExtensionError) as raised:
            extension.read(timeout=5)
        self.assertIn("port of a sink script", str(raised.exception))

    def test_without_reconnect_a_closed_engine_ends_reading(self):
        extension = self.connected(reconnect=False)
        self.engine.send_records([b"last"])
        self.assertEqual(extension.read(timeout=5), "last")
        self.engine.conn.close()
        with self.assertRaises(ExtensionError):
            extension.read(timeout=5)

    def test_it_reconnects_when_the_engine_comes_back(self):
        port = self.engine.port
        extension = self.connected(retry_interval=0.05)
        self.engine.send_records([b"before"])
        self.assertEqual(extension.read(timeout=5), "before")
        self.engine.close()
        with self.assertLogs("wallaroo.experimental", "WARNING"):
            self.assertIsNone(extension.read(timeout=0.3))
        restarted = StandInEngine(port)
        self.addCleanup(restarted.close)
        self.assertIsNone(extension.read(timeout=0.3))  # connects meanwhile (the listen backlog takes it)
        restarted.accept()
        self.assertEqual(restarted.read_frame()[0], 1, "a fresh hello")
        restarted.send_records([b"after"])
        self.assertEqual(extension.read(timeout=5), "after")


if __name__ == "__main__":
    unittest.main()
