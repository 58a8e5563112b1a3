"""A deterministic text corpus for the word count benchmarks, the same in every process."""
import random
import struct

MARKER_PREFIX = "zqmark"


def vocabulary(size=4000, seed=7):
    rng = random.Random(seed)
    letters = "abcdefghijklmnopqrstuvwxyz"
    words = set()
    while len(words) < size:
        words.add("".join(rng.choice(letters) for _ in range(rng.randint(2, 9))))
    return sorted(words)


def lines(count, seed=11, words_per_line=(6, 14)):
    """`count` lines of text: (line, number of words)."""
    rng = random.Random(seed)
    vocab = vocabulary()
    out = []
    for _ in range(count):
        n = rng.randint(*words_per_line)
        text = " ".join(rng.choice(vocab) for _ in range(n))
        if rng.random() < 0.3:
            text = text.capitalize() + "."
        out.append((text, n))
    return out


def frame(text):
    data = text.encode("utf-8")
    return struct.pack(">I", len(data)) + data


def marker_line(seq, base):
    """A line whose first word is unique, so its output line identifies it (for latency)."""
    return f"{MARKER_PREFIX}{seq} {base}"
