#!/usr/bin/env python3
"""Listens where the logfiles application's TCP sink connects and prints each daily summary.

The sink sends framed messages: a 4-byte big-endian length, then a UTF-8 JSON object. Each
payload is printed on its own line (and written to --output), so the result can be compared
line by line with data/expected_summaries.jsonl.

    python3 receiver.py --listen 127.0.0.1:7020 --expect 6 [--output FILE]

Stops after --expect summaries, or once nothing has arrived for --idle seconds after the first.
"""
import argparse
import socket
import struct
import sys
import time


class Unframer(object):
    """Cuts a byte stream into length-prefixed payloads."""

    def __init__(self):
        self.buffered = b""

    def feed(self, chunk):
        self.buffered += chunk
        payloads = []
        while len(self.buffered) >= 4:
            (length,) = struct.unpack(">I", self.buffered[:4])
            if len(self.buffered) < 4 + length:
                break
            payloads.append(self.buffered[4:4 + length])
            self.buffered = self.buffered[4 + length:]
        return payloads


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--listen", required=True, help="HOST:PORT of the application's --out")
    parser.add_argument("--expect", type=int, default=0, help="stop after this many summaries (0: wait for --idle)")
    parser.add_argument("--idle", type=float, default=5.0, help="stop after this many quiet seconds")
    parser.add_argument("--timeout", type=float, default=300.0, help="give up after this many seconds")
    parser.add_argument("--output", help="also write the summaries to this file, one per line")
    args = parser.parse_args()

    host, _, port = args.listen.rpartition(":")
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind((host, int(port)))
    server.listen(4)
    server.settimeout(0.5)
    out = open(args.output, "w", encoding="utf-8") if args.output else None
    count = 0
    started = time.time()
    last = None
    conn = None
    unframer = Unframer()
    try:
        while count < args.expect or args.expect == 0:
            if time.time() - started > args.timeout:
                print(f"receiver: timed out after {count} summaries", file=sys.stderr)
                sys.exit(1)
            if last is not None and time.time() - last > args.idle:
                break
            if conn is None:
                try:
                    conn, _ = server.accept()
                    conn.settimeout(0.5)
                except socket.timeout:
                    continue
                unframer = Unframer()  # a reconnecting sink starts a fresh stream
            try:
                chunk = conn.recv(65536)
            except socket.timeout:
                continue
            if not chunk:
                conn.close()
                conn = None
                continue
            last = time.time()
            for payload in unframer.feed(chunk):
                text = payload.decode("utf-8")
                count += 1
                print(text)
                if out:
                    out.write(text + "\n")
    finally:
        if out:
            out.close()
    print(f"receiver: {count} summaries", file=sys.stderr)


if __name__ == "__main__":
    main()
