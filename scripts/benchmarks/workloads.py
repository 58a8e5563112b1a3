"""The applications the benchmark drives: what to send, how many outputs that must give, and how
to tell when a message sent for latency came out."""
import os
import re
import struct

import corpus

ROOT = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))


class WordCount:
    """Word count: one output line per word; latency lines start with a unique marker word."""

    name = "word_count"
    module = "word_count"
    directory = os.path.join(ROOT, "examples", "word_count")
    output = "lines"
    marker_every = 20

    def __init__(self, lines, connections):
        self.connections = connections
        self.warm = corpus.lines(20000, seed=3)
        self.measured = corpus.lines(lines)

    def frames(self, which, connections=None):
        """Frames split over the connections, and how many outputs they give."""
        lines = self.warm if which == "warm" else self.measured
        connections = connections or self.connections
        chunks = [[] for _ in range(connections)]
        for i, (text, _) in enumerate(lines):
            chunks[i % connections].append(corpus.frame(text))
        return [b"".join(c) for c in chunks], sum(n for _, n in lines), len(lines)

    def paced_message(self, i, seq):
        """The i-th message of the latency run; with `seq` it carries marker `seq`."""
        text = self.measured[i % len(self.measured)][0]
        return corpus.frame(corpus.marker_line(seq, text) if seq is not None else text)

    @staticmethod
    def markers_in(data):
        return [int(m) for m in re.findall(rb"zqmark(\d+) => ", data)]


class Logfiles:
    """The log-file example: a day's lines then END_OF_DAY give one summary frame. State is a
    single entity (to_stateful), so all lines meet on one lane and one connection is used."""

    name = "logfiles"
    module = "logfiles"
    directory = os.path.join(ROOT, "examples", "logfiles")
    output = "frames"
    marker_every = None

    def __init__(self, lines, connections):
        self.connections = 1
        days = []
        data = os.path.join(self.directory, "data")
        for n in range(1, 7):
            with open(os.path.join(data, f"day_{n}.log"), "rb") as f:
                days.append([line.rstrip(b"\r\n") for line in f if line.strip()])
        self.days = days
        self.round_lines = sum(len(d) + 1 for d in days)
        self.round = b"".join(_frame(line) for day in days for line in day + [b"END_OF_DAY"])
        self.rounds = max(1, lines // self.round_lines)
        self.flat = [line for day in days for line in day + [b"END_OF_DAY"]]

    def frames(self, which, connections=None):
        rounds = max(1, 20000 // self.round_lines) if which == "warm" else self.rounds
        return [self.round * rounds], 6 * rounds, self.round_lines * rounds

    def paced_message(self, i, seq):
        return _frame(self.flat[i % len(self.flat)])

    def is_marker(self, i):
        return self.flat[i % len(self.flat)] == b"END_OF_DAY"


def _frame(payload):
    return struct.pack(">I", len(payload)) + payload


WORKLOADS = {"word_count": WordCount, "logfiles": Logfiles}
