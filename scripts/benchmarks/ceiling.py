"""The in-process ceiling: the word count application's own decoder, split, partition, count and
encoder called in a plain loop inside GraalPy, with no engine, sockets or batching around them.

    scripts/graalpy scripts/benchmarks/ceiling.py LINES WARMUP_SECONDS MEASURE_SECONDS

Prints one JSON line. GraalPy compiles hot code in the background, which takes tens of seconds
on two cores, so the loop runs for WARMUP_SECONDS before it is measured.
"""
import json
import os
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "examples", "word_count"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import corpus  # noqa: E402
import word_count as wc  # noqa: E402


def run_once(payloads, states):
    decode, split, partition, count, encode = wc.decoder, wc.split, wc.partition, wc.count_word, wc.encoder
    words = 0
    out_bytes = 0
    for payload in payloads:
        for word in split(decode(payload)):
            key = partition(word)
            state = states.get(key)
            if state is None:
                state = states[key] = wc.WordTotals()
            output, _ = count(word, state)
            out_bytes += len(encode(output).encode("utf-8"))
            words += 1
    return words


def main():
    n_lines = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    warmup = float(sys.argv[2]) if len(sys.argv) > 2 else 40.0
    seconds = float(sys.argv[3]) if len(sys.argv) > 3 else 10.0
    payloads = [text.encode("utf-8") for text, _ in corpus.lines(n_lines)]
    states = {}
    warm_until = time.perf_counter() + warmup
    while time.perf_counter() < warm_until:
        run_once(payloads, states)
    words = 0
    start = time.perf_counter()
    while True:
        words += run_once(payloads, states)
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            break
    print(json.dumps({"ceiling_words_per_s": words / elapsed, "words": words, "seconds": elapsed}))


if __name__ == "__main__":
    main()
