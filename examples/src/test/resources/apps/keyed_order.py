"""Test app: messages "key:seq" update a per-key state that records the order it saw them in.
Messages whose seq ends in 7 are wrapped in a user class, so they cross lanes through the
module's serialize/deserialize, which mark them. Each output names the interpreter that decoded
the message (a token drawn when the module loads, once per lane), so a test sees which lanes
took input."""
import os
import pickle

import wallaroo


DECODED_BY = os.urandom(6).hex()


class Tagged:
    def __init__(self, key, seq):
        self.key = key
        self.seq = seq
        self.crossed = False
        self.decoded_by = DECODED_BY


def serialize(obj):
    return b"T" + pickle.dumps(obj)


def deserialize(data):
    obj = pickle.loads(data[1:])
    if isinstance(obj, Tagged):
        obj.crossed = True
    return obj


class History:
    def __init__(self):
        self.seen = []


@wallaroo.decoder(header_length=4, length_fmt=">I")
def decode(bs):
    key, seq = bs.decode().split(":")
    if seq.endswith("7"):
        return Tagged(key, int(seq))
    return (key, int(seq), DECODED_BY)


@wallaroo.partition
def by_key(msg):
    return msg.key if isinstance(msg, Tagged) else msg[0]


@wallaroo.state_computation(name="record order")
def record(msg, history):
    if isinstance(msg, Tagged):
        key, seq, crossed, decoded_by = msg.key, msg.seq, msg.crossed, msg.decoded_by
    else:
        (key, seq, decoded_by), crossed = msg, False
    history.seen.append(seq)
    return ("%s %d %d %s %s" % (key, seq, len(history.seen), "crossed" if crossed else "local", decoded_by), True)


@wallaroo.encoder
def encode(text):
    return text + "\n"


def application_setup(args):
    in_host, in_port = wallaroo.tcp_parse_input_addrs(args)[0]
    out_host, out_port = wallaroo.tcp_parse_output_addrs(args)[0]
    ab = wallaroo.ApplicationBuilder("keyed order")
    ab.new_pipeline("keyed", wallaroo.TCPSourceConfig(in_host, in_port, decode))
    ab.to_state_partition(record, History, "histories", by_key)
    ab.to_sink(wallaroo.TCPSinkConfig(out_host, out_port, encode))
    return ab.build()
