"""to_state_partition_u64: totals per unsigned 64-bit key.

Input: "KEY AMOUNT" with KEY an integer from 0 to 2**64 - 1. Output: "KEY TOTAL", the key's
running total. Keys 0 to 9 are declared; any other key gets its own entity on first use.
"""
import wallaroo


def application_setup(args):
    in_host, in_port = wallaroo.tcp_parse_input_addrs(args)[0]
    out_host, out_port = wallaroo.tcp_parse_output_addrs(args)[0]

    ab = wallaroo.ApplicationBuilder("u64 totals")
    ab.new_pipeline("totals", wallaroo.TCPSourceConfig(in_host, in_port, decode))
    ab.to_state_partition_u64(add, Total, "totals by key", by_key, list(range(10)))
    ab.to_sink(wallaroo.TCPSinkConfig(out_host, out_port, encode))
    return ab.build()


class Total(object):
    def __init__(self):
        self.value = 0


@wallaroo.decoder(header_length=4, length_fmt=">I")
def decode(bs):
    key, amount = bs.split()
    return (int(key), int(amount))


@wallaroo.partition
def by_key(entry):
    return entry[0]


@wallaroo.state_computation(name="add")
def add(entry, total):
    total.value += entry[1]
    return ((entry[0], total.value), True)


@wallaroo.encoder
def encode(result):
    return "%d %d\n" % result
