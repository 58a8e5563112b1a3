#!/usr/bin/env python3
"""Sink script: prints every (word, count) the word count application puts out, one per line as
"word => count".

    python3 print_sink.py --word-count-stream 127.0.0.1:7200 [--output counts.txt]

Runs until it is stopped (Ctrl-C), or until nothing has come for --idle seconds when that is set.
A line is written (and flushed) before the next message is read, which is what tells the engine
the previous one is handled.
"""
import argparse
import sys

import text_documents


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--word-count-stream", required=True, metavar="HOST:PORT",
                        help="the application's --word-count-stream address")
    parser.add_argument("--output", help="write to this file instead of standard output")
    parser.add_argument("--idle", type=float, default=0.0, help="stop after this many quiet seconds (default: never)")
    args = parser.parse_args()

    host, port = text_documents.parse_word_count_stream_addr(sys.argv[1:])
    out = open(args.output, "a", encoding="utf-8") if args.output else sys.stdout
    extension = text_documents.WordCountStream(host, port).extension()
    try:
        while True:
            word_count = extension.read(timeout=args.idle or None)
            if word_count is None:
                break
            out.write("%s => %d\n" % word_count)
            out.flush()
    except KeyboardInterrupt:
        pass
    finally:
        extension.close()
        if out is not sys.stdout:
            out.close()


if __name__ == "__main__":
    main()
