#!/usr/bin/env python3
"""Streams log files to the logfiles application: every line of a file as one framed message
(4-byte big-endian length, then the UTF-8 text without its line ending), then END_OF_DAY.

    python3 sender.py --host 127.0.0.1:7010 data/day_1.log data/day_2.log ...

All files go over one connection, in the order given. The engine keeps the order of messages
within a connection, so each day's END_OF_DAY arrives after that day's lines and before the next
day's; with a connection per file, two days could interleave.
"""
import argparse
import socket
import struct
import sys
import time

END_OF_DAY = "END_OF_DAY"


def frame(text):
    payload = text.encode("utf-8")
    return struct.pack(">I", len(payload)) + payload


def day_messages(path):
    """The framed lines of one day file (blank lines skipped), then the END_OF_DAY marker."""
    with open(path, encoding="utf-8", newline="") as f:
        lines = [line.rstrip("\r\n") for line in f]
    frames = [frame(line) for line in lines if line.strip()]
    frames.append(frame(END_OF_DAY))
    return b"".join(frames), len(frames) - 1


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
    parser.add_argument("--wait", type=float, default=30.0, help="seconds to wait for the engine to listen")
    parser.add_argument("files", nargs="+", help="log files, one per day, in order")
    args = parser.parse_args()

    host, _, port = args.host.rpartition(":")
    with connect(host, int(port), args.wait) as sock:
        for path in args.files:
            data, lines = day_messages(path)
            sock.sendall(data)
            print(f"sent {path}: {lines} lines and {END_OF_DAY}", file=sys.stderr)


if __name__ == "__main__":
    main()
