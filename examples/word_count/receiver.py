#!/usr/bin/env python3
"""Listens where a Wallaroo TCP sink connects and prints the lines it receives.

Stops after --expect lines, or once nothing has arrived for --idle seconds after the first line.

    python3 receiver.py --listen 127.0.0.1:7020 --expect 482 [--output FILE]
"""
import argparse
import socket
import sys
import time


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--listen", required=True, help="HOST:PORT of the application's --out")
    parser.add_argument("--expect", type=int, default=0, help="stop after this many lines (0: wait for --idle)")
    parser.add_argument("--idle", type=float, default=5.0, help="stop after this many quiet seconds")
    parser.add_argument("--timeout", type=float, default=300.0, help="give up after this many seconds")
    parser.add_argument("--output", help="also write the lines to this file")
    parser.add_argument("--quiet", action="store_true", help="do not print the lines")
    args = parser.parse_args()

    host, _, port = args.listen.rpartition(":")
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind((host, int(port)))
    server.listen(4)
    out = open(args.output, "w", encoding="utf-8") if args.output else None
    count = 0
    buffered = b""
    started = time.time()
    last = None
    conn = None
    try:
        while count < args.expect or args.expect == 0:
            if time.time() - started > args.timeout:
                print(f"receiver: timed out after {count} lines", file=sys.stderr)
                sys.exit(1)
            if last is not None and time.time() - last > args.idle:
                break
            if conn is None:
                server.settimeout(0.5)
                try:
                    conn, _ = server.accept()
                    conn.settimeout(0.5)
                except socket.timeout:
                    continue
            try:
                chunk = conn.recv(65536)
            except socket.timeout:
                continue
            if not chunk:  # the engine reconnects if it went away
                conn.close()
                conn = None
                continue
            last = time.time()
            buffered += chunk
            *lines, buffered = buffered.split(b"\n")
            for line in lines:
                text = line.decode("utf-8")
                count += 1
                if not args.quiet:
                    print(text)
                if out:
                    out.write(text + "\n")
    finally:
        if out:
            out.close()
    print(f"receiver: {count} lines", file=sys.stderr)


if __name__ == "__main__":
    main()
