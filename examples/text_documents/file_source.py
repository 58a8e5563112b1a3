#!/usr/bin/env python3
"""Source script: sends the non-empty lines of a text file into the word count application.

    python3 file_source.py --text-stream 127.0.0.1:7100 --file data/count_this.txt

Each line goes out with the file's name as its partition and its position as its sequence
(counting across --repeat passes), so running the script again sends nothing the engine has
already taken: it asks the engine for the last sequence it holds and starts after it (and the
engine would drop every sequence it has seen for this stream and partition anyway).
"""
import argparse
import os
import sys
import time

import text_documents


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--text-stream", required=True, metavar="HOST:PORT",
                        help="the application's --text-stream address")
    parser.add_argument("--file", required=True, help="the text file to send, one message per line")
    parser.add_argument("--repeat", type=int, default=1, help="send the file this many times (default 1)")
    parser.add_argument("--rate", type=float, default=0.0,
                        help="lines per second (default: as fast as the engine takes them)")
    parser.add_argument("--name", default="file", help="the stream name the engine remembers sequences under")
    parser.add_argument("--from-start", action="store_true",
                        help="send every line again instead of starting after the engine's last sequence "
                             "(the engine drops the ones it has)")
    args = parser.parse_args()

    with open(args.file, encoding="utf-8") as f:
        lines = [line.rstrip("\n") for line in f if line.strip()]
    partition = os.path.basename(args.file)
    host, port = text_documents.parse_text_stream_addr(sys.argv[1:])

    extension = text_documents.TextStream(host, port).extension(name=args.name)
    # The engine says the last sequence it holds for this file (kept across its restarts with
    # --resilience-dir): send only what comes after.
    done = 0 if args.from_start else (extension.last_sequence(partition) or 0)
    sequence = 0
    for _ in range(args.repeat):
        for line in lines:
            sequence += 1
            if sequence <= done:
                continue
            extension.write(line, partition=partition, sequence=sequence)
            if args.rate > 0:
                time.sleep(1.0 / args.rate)
    extension.close()
    print("file_source: sent %d lines of %s (skipped %d the engine already had)" % (sequence - min(done, sequence), args.file, min(done, sequence)), file=sys.stderr)


if __name__ == "__main__":
    main()
