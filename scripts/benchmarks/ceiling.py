"""The in-process ceiling: an application's own decoder, steps and encoder called in a plain loop
inside GraalPy, with no engine, sockets or batching around them.

    scripts/graalpy scripts/benchmarks/ceiling.py word_count|logfiles LINES WARMUP_SECONDS MEASURE_SECONDS

Prints one JSON line. GraalPy compiles hot code in the background, which takes tens of seconds
on two cores, so the loop runs for WARMUP_SECONDS before it is measured.
"""
import json
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
WORKLOAD = sys.argv[1] if len(sys.argv) > 1 else "word_count"
sys.path.insert(0, os.path.join(HERE, "..", "..", "examples", WORKLOAD))
sys.path.insert(0, HERE)

import corpus  # noqa: E402


def run_once(payloads, states):
    import word_count as wc
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


def run_logfiles_once(payloads, state):
    """The log-file app's decoder, Count and Encoder objects; returns messages (lines) done."""
    import logfiles as lf
    decoder, count, encoder = lf.Decoder(), lf.Count(), lf.Encoder()
    for payload in payloads:
        out, _ = count.compute(decoder.decode(payload), state)
        if out is not None:
            encoder.encode(out)
    return len(payloads)


def main():
    n_lines = int(sys.argv[2]) if len(sys.argv) > 2 else 5000
    warmup = float(sys.argv[3]) if len(sys.argv) > 3 else 40.0
    seconds = float(sys.argv[4]) if len(sys.argv) > 4 else 10.0
    if WORKLOAD == "logfiles":
        import logfiles as lf
        payloads = []
        for n in range(1, 7):
            with open(os.path.join(HERE, "..", "..", "examples", "logfiles", "data", f"day_{n}.log"), "rb") as f:
                payloads += [line.rstrip(b"\r\n") for line in f if line.strip()] + [b"END_OF_DAY"]
        states = lf.CounterBuilder().build()
        step = run_logfiles_once
        unit = "messages"
    else:
        payloads = [text.encode("utf-8") for text, _ in corpus.lines(n_lines)]
        states = {}
        step = run_once
        unit = "words"
    warm_until = time.perf_counter() + warmup
    while time.perf_counter() < warm_until:
        step(payloads, states)
    done = 0
    start = time.perf_counter()
    while True:
        done += step(payloads, states)
        elapsed = time.perf_counter() - start
        if elapsed >= seconds:
            break
    print(json.dumps({"unit": unit, "per_s": done / elapsed, "count": done, "seconds": elapsed}))


if __name__ == "__main__":
    main()
