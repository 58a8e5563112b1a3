"""What it costs a message to cross from one lane to another, measured inside GraalPy.

A crossing is: the sending lane packs its outbox (wallaroo._crossing: joined text for str,
marshal for other plain data, the app's serialize or pickle for other objects), Java hands the
packed str to the receiving lane, and that lane unpacks it. This measures the Python side for a
batch of 512 messages.

    scripts/graalpy scripts/benchmarks/crossing.py [WARMUP_SECONDS] [MEASURE_SECONDS]
"""
import json
import sys
import time

import pickle

from wallaroo._crossing import pack, unpack


class Point:
    """A small user object: crosses through pickle."""

    def __init__(self, x, y):
        self.x = x
        self.y = y


def cost_ns(values, warmup, seconds):
    codes = [1] * len(values)
    keys = ["k%d" % (i % 26) for i in range(len(values))]

    def once():
        unpack(pack(codes, keys, values, pickle.dumps), pickle.loads)

    until = time.perf_counter() + warmup
    while time.perf_counter() < until:
        once()
    reps = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        once()
        reps += 1
    elapsed = time.perf_counter() - start
    return elapsed / (reps * len(values)) * 1e9


def main():
    warmup = float(sys.argv[1]) if len(sys.argv) > 1 else 20.0
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 5.0
    words = ["word%d" % i for i in range(512)]
    tuples = [("word%d" % i, i, 1.5) for i in range(512)]
    objects = [Point(i, -i) for i in range(512)]
    result = {
        "plain_str_ns_per_message": round(cost_ns(words, warmup, seconds), 1),
        "plain_tuple_ns_per_message": round(cost_ns(tuples, warmup, seconds), 1),
        "user_object_ns_per_message": round(cost_ns(objects, warmup, seconds), 1),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
