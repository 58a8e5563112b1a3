"""to_sinks: every output goes to each of two TCP sinks.

Input: text. Output to both sinks: "N TEXT", N counting the messages seen so far.
"""
import wallaroo


def application_setup(args):
    in_host, in_port = wallaroo.tcp_parse_input_addrs(args)[0]
    outs = wallaroo.tcp_parse_output_addrs(args)

    return (wallaroo.ApplicationBuilder("fan out")
            .new_pipeline("numbered", wallaroo.TCPSourceConfig(in_host, in_port, decode))
            .to_stateful(number, Tally, "tally")
            .to_sinks([wallaroo.TCPSinkConfig(host, port, encode) for host, port in outs[:2]])
            .build())


class Tally(object):
    def __init__(self):
        self.seen = 0


@wallaroo.decoder(header_length=4, length_fmt=">I")
def decode(bs):
    return bs.decode("utf-8")


@wallaroo.state_computation(name="number")
def number(text, tally):
    tally.seen += 1
    return ("%d %s" % (tally.seen, text), True)


@wallaroo.encoder
def encode(text):
    return (text + "\n").encode("utf-8")
