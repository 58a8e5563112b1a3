"""What it costs a message to cross from one lane to another, measured inside GraalPy.

A crossing is: the sending lane packs its outbox (marshal for plain data; the app's serialize or
pickle for other objects), the bytes are copied out to Java and into the receiving lane as a
latin-1 string, and the receiving lane unpacks them. This measures the Python side of that for a
batch of 512 messages, and the copy through str that stands in for the Java hand-over.

    scripts/graalpy scripts/benchmarks/crossing.py [WARMUP_SECONDS] [MEASURE_SECONDS]
"""
import json
import sys
import time

from wallaroo._runner import LaneRunner
from wallaroo.model import Application


class Point:
    """A small user object: crosses through pickle."""

    def __init__(self, x, y):
        self.x = x
        self.y = y


def cost_ns(runner, items, warmup, seconds):
    def once():
        blob = runner._pack(items)
        runner._unpack(blob.decode("latin-1").encode("latin-1"))

    until = time.perf_counter() + warmup
    while time.perf_counter() < until:
        once()
    reps = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        once()
        reps += 1
    elapsed = time.perf_counter() - start
    return elapsed / (reps * (len(items) // 3)) * 1e9


def main():
    warmup = float(sys.argv[1]) if len(sys.argv) > 1 else 20.0
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 5.0
    runner = LaneRunner(Application("crossing", []), 0, 2)
    words = []
    objects = []
    for i in range(512):
        words += [1, "w", "word%d" % i]
        objects += [1, "p", Point(i, -i)]
    result = {
        "plain_str_ns_per_message": round(cost_ns(runner, words, warmup, seconds), 1),
        "user_object_ns_per_message": round(cost_ns(runner, objects, warmup, seconds), 1),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
