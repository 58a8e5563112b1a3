"""Imports `tinytext`, a pure-Python package the test installs into a directory of its own and
puts on PYTHONPATH, and calls it on every lane: in the stateless step on the entry lane and in
the state step on the lane that owns each key.

Input: a word. Output: "<word upper-cased and decorated by tinytext> <count of that word>".
"""
import tinytext
import wallaroo


def application_setup(args):
    in_host, in_port = wallaroo.tcp_parse_input_addrs(args)[0]
    out_host, out_port = wallaroo.tcp_parse_output_addrs(args)[0]

    ab = wallaroo.ApplicationBuilder("uses a dependency")
    ab.new_pipeline("words", wallaroo.TCPSourceConfig(in_host, in_port, decode))
    ab.to(decorate)
    ab.to_state_partition(count, Totals, "totals", by_word, None)
    ab.to_sink(wallaroo.TCPSinkConfig(out_host, out_port, encode))
    return ab.build()


@wallaroo.decoder(header_length=4, length_fmt=">I")
def decode(bs):
    return bs.decode("utf-8")


@wallaroo.computation(name="decorate")
def decorate(word):
    return tinytext.decorate(word)


@wallaroo.partition
def by_word(word):
    return word


class Totals(object):
    def __init__(self):
        self.seen = tinytext.Tally()


@wallaroo.state_computation(name="count")
def count(word, totals):
    return ("%s %d" % (word, totals.seen.add(word)), True)


@wallaroo.encoder
def encode(text):
    return text + "\n"
