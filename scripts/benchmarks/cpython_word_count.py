"""The baseline a Python user would otherwise write: word count in plain CPython, no engine.

A socket server reads framed lines (4-byte big-endian length + UTF-8), splits and counts words
with the same functions as examples/word_count, and writes "word => count" lines to a receiver.

    python3 scripts/benchmarks/cpython_word_count.py --in 127.0.0.1:P --out 127.0.0.1:Q
"""
import argparse
import os
import socket
import struct
import sys
import threading

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples", "word_count"))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "wallaroo-py"))

import word_count as wc  # noqa: E402


def serve(conn, out, lock, states):
    decode, split, partition, count, encode = wc.decoder, wc.split, wc.partition, wc.count_word, wc.encoder
    buf = b""
    while True:
        chunk = conn.recv(1 << 18)
        if not chunk:
            return
        buf += chunk
        pos, parts = 0, []
        while len(buf) - pos >= 4:
            (n,) = struct.unpack_from(">I", buf, pos)
            if len(buf) - pos - 4 < n:
                break
            payload = buf[pos + 4:pos + 4 + n]
            pos += 4 + n
            for word in split(decode(payload)):
                key = partition(word)
                state = states.get(key)
                if state is None:
                    state = states[key] = wc.WordTotals()
                output, _ = count(word, state)
                parts.append(encode(output))
        buf = buf[pos:]
        if parts:
            data = "".join(parts).encode("utf-8")
            with lock:
                out.sendall(data)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--in", dest="inp", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()
    host, _, port = args.out.rpartition(":")
    out = socket.create_connection((host, int(port)))
    host, _, port = args.inp.rpartition(":")
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind((host, int(port)))
    server.listen(16)
    print("baseline: ready", flush=True)
    lock, states = threading.Lock(), {}
    while True:
        conn, _ = server.accept()
        threading.Thread(target=serve, args=(conn, out, lock, states), daemon=True).start()


if __name__ == "__main__":
    main()
