"""What an idle task manager runs to warm its JVM for Python (PythonWarmup): the kinds of work
application steps do (decode, split, count into objects kept by key, format, encode, pack for a
crossing), so that HotSpot has compiled GraalPy's interpreter, the Graal compiler and the regular
expression engine before a job's first tasks need them. Only the standard library: the wallaroo
package and the application come later, with each job."""
import collections
import json
import marshal
import re
import string
import struct

WORDS = re.compile(r"[a-z']+")
LINES = ["The quick brown fox %d jumps over the lazy dog; it's %.1f times faster." % (i, i / 7) for i in range(400)]
FRAMES = [struct.pack(">I", len(line)) + line.encode() for line in LINES]


class Total:
    def __init__(self, word):
        self.word = word
        self.count = 0

    def add(self, n):
        self.count += n
        return self.count


def decode(frame):
    (size,) = struct.unpack(">I", frame[:4])
    return frame[4:4 + size].decode("utf-8")


def split_and_count(lines, totals):
    for line in lines:
        for word in WORDS.findall(line.lower()):
            totals[word].add(1)
        for word in line.split():
            word.strip(string.punctuation)


def encode(totals):
    return "".join("%s => %d\n" % (total.word, total.count) for total in totals.values()).encode("utf-8")


def warm_round():
    totals = {}
    keyed = collections.defaultdict(int)
    lines = [decode(frame) for frame in FRAMES]
    split_and_count(lines, _Totals(totals))
    for word in totals:
        keyed[word[0]] += 1
    out = encode(totals)
    packed = "\0".join(totals)
    marshal.loads(marshal.dumps([packed.split("\0"), len(out), 2.5]))
    json.loads(json.dumps({"bytes": len(out), "celsius": [(f - 32) * 5 / 9 for f in (32.0, 98.6, 212.0)]}))
    return "{:.2f}".format(float(len(out)) / 3)


class _Totals(dict):
    """A dict that makes a Total the first time a word is met."""

    def __init__(self, backing):
        super().__init__()
        self.backing = backing

    def __getitem__(self, word):
        total = self.backing.get(word)
        if total is None:
            total = self.backing[word] = Total(word)
        return total
