"""Module-level decorated functions, as a Machida application defines them; the tests pickle
them, which needs a module they can be found in by name."""
import struct

import support  # noqa: F401  (puts the package source on sys.path)
import wallaroo


@wallaroo.computation(name="double")
def double(data):
    """Doubles."""
    return data * 2


@wallaroo.computation_multi(name="split words")
def split(data):
    return data.split()


@wallaroo.state_computation(name="running total")
def add(data, state):
    state.total += data
    return (state.total, True)


@wallaroo.state_computation_multi(name="remember words")
def remember(data, state):
    words = data.split()
    state.words.extend(words)
    return (words, bool(words))


@wallaroo.partition
def first_letter(data):
    return data[0]


@wallaroo.decoder(header_length=2, length_fmt=">H")
def decode(bs):
    return bs.decode("utf-8")


@wallaroo.encoder
def encode(data):
    return struct.pack(">I", len(data)) + data.encode("utf-8")


class Holder(object):
    """Module-level class holding decorated functions (pickled by their qualified name)."""

    @staticmethod
    @wallaroo.computation(name="nested upper")
    def upper(data):
        return data.upper()


class Total(object):
    def __init__(self):
        self.total = 0


class Words(object):
    def __init__(self):
        self.words = []
