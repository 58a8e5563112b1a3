#!/usr/bin/env python3
"""Sends the non-empty lines of a text file to a Wallaroo TCP source, one framed message per line
(4-byte big-endian length, then the UTF-8 text).

    python3 sender.py --host 127.0.0.1:7010 --file data/count_this.txt [--repeat N]
"""
import argparse
import socket
import struct
import sys
import time


def connect(host, port, wait_seconds):
    deadline = time.time() + wait_seconds
    while True:
        try:
            return socket.create_connection((host, port))
        except OSError:
            if time.time() > deadline:
                raise
            time.sleep(0.2)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", required=True, help="HOST:PORT of the application's --in")
    parser.add_argument("--file", required=True)
    parser.add_argument("--repeat", type=int, default=1, help="send the file this many times")
    parser.add_argument("--wait", type=float, default=30.0, help="seconds to wait for the engine to listen")
    args = parser.parse_args()

    host, _, port = args.host.rpartition(":")
    with open(args.file, encoding="utf-8") as f:
        lines = [line.rstrip("\n") for line in f if line.strip()]
    frames = b"".join(struct.pack(">I", len(b)) + b for b in (line.encode("utf-8") for line in lines))
    with connect(host, int(port), args.wait) as sock:
        for _ in range(args.repeat):
            sock.sendall(frames)
    print(f"sent {len(lines) * args.repeat} messages to {args.host}", file=sys.stderr)


if __name__ == "__main__":
    main()
