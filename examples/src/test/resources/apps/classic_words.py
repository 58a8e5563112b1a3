"""Word count in the classic object API only, with a decoder whose header is four ASCII digits
(not a struct format, so the engine calls payload_length for every header).

Input: "0011hello world" (the length as 4 decimal digits, then the text). Output: "WORD COUNT",
the word's running count, encoded as str.
"""
import string

import wallaroo


def application_setup(args):
    in_host, in_port = wallaroo.tcp_parse_input_addrs(args)[0]
    out_host, out_port = wallaroo.tcp_parse_output_addrs(args)[0]

    ab = wallaroo.ApplicationBuilder("classic words")
    ab.new_pipeline("words", wallaroo.TCPSourceConfig(in_host, in_port, DecimalHeaderDecoder()))
    ab.to(Lowercase())
    ab.to_parallel(Split)  # a class is accepted where an instance is expected
    ab.to_state_partition(CountWord(), WordTotalsBuilder(), "word totals", FirstLetter(),
                          list(string.ascii_lowercase))
    ab.to_sink(wallaroo.TCPSinkConfig(out_host, out_port, Encoder()))
    return ab.build()


class DecimalHeaderDecoder(object):
    def header_length(self):
        return 4

    def payload_length(self, bs):
        return int(bs.decode("ascii"))

    def decode(self, bs):
        return bs.decode("utf-8")


class Lowercase(object):
    def name(self):
        return "lowercase"

    def compute(self, data):
        return data.lower()


class Split(object):
    def name(self):
        return "split"

    def compute_multi(self, data):
        return [word for word in data.split() if word[0] in string.ascii_lowercase]


class FirstLetter(object):
    def partition(self, data):
        return data[0]


class WordTotals(object):
    def __init__(self):
        self.totals = {}

    def add(self, word):
        self.totals[word] = self.totals.get(word, 0) + 1
        return self.totals[word]


class WordTotalsBuilder(object):
    def build(self):
        return WordTotals()


class CountWord(object):
    def name(self):
        return "count word"

    def compute(self, data, state):
        return ((data, state.add(data)), True)


class Encoder(object):
    def encode(self, data):
        return "%s %d\n" % data  # a str, as Python 2 era encoders returned; sent as UTF-8
