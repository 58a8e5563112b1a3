"""Shared test helpers. Importing this puts the package source ahead of any installed copy, so
the tests check the code next to them."""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
DATA = os.path.join(HERE, "data")
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)

import wallaroo  # noqa: E402


@wallaroo.decoder(header_length=4, length_fmt=">I")
def text_decoder(bs):
    return bs.decode("utf-8")


@wallaroo.encoder
def text_encoder(data):
    return str(data)


def tcp_source(decoder=text_decoder, port=7000):
    return wallaroo.TCPSourceConfig("127.0.0.1", port, decoder)


def tcp_sink(encoder=text_encoder, port=7100):
    return wallaroo.TCPSinkConfig("127.0.0.1", port, encoder)


class Counter(object):
    """A small state class: counts what it sees."""

    def __init__(self):
        self.count = 0

    def add(self, n=1):
        self.count += n
        return self.count


@wallaroo.state_computation(name="count")
def count(data, state):
    return (state.add(), True)


@wallaroo.partition
def first_letter(data):
    return data[0]
