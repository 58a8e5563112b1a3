"""Every kind of user mistake, each triggered by one tagged message among good ones, to show
that each costs only its own message (ApiFailureIsolationIT).

Pipeline "mistakes" (first --in): "<k> <tag>" where k (0 or 1) is the u64 partition key, so the
message's state lives on lane k. Tags: multi-int, multi-str (the _multi step returns an int / a
str), unhashable, u64-str (the partition function returns a list / a str), arity (the state
computation returns a triple), enc-int (the encoder returns an int), ser-boom / deser-boom (the
module's serialize / deserialize raises while the message crosses lanes). A message that is not
UTF-8 makes the decoder raise.

Pipeline "first state" (second --in): the state class raises the first time it is created.

Pipeline "classic lengths" (third --in): a classic decoder whose header is 4 ASCII characters;
payload_length returns int(header), so "-005" gives a negative length, "abcd" raises and "FLOT"
returns a float: each closes its own connection.

Output: one line per message that got through.
"""
import pickle

import wallaroo


def application_setup(args):
    ins = wallaroo.tcp_parse_input_addrs(args)
    out_host, out_port = wallaroo.tcp_parse_output_addrs(args)[0]

    ab = wallaroo.ApplicationBuilder("mistakes")
    ab.new_pipeline("mistakes", wallaroo.TCPSourceConfig(ins[0][0], ins[0][1], decode))
    ab.to(fan_out)
    ab.to(wrap)
    ab.to_state_partition_u64(remember, Seen, "seen", route_key, [0, 1])
    ab.to_sink(wallaroo.TCPSinkConfig(out_host, out_port, encode))

    ab.new_pipeline("first state", wallaroo.TCPSourceConfig(ins[1][0], ins[1][1], decode))
    ab.to_stateful(count_it, FailsOnce, "fails once")
    ab.to_sink(wallaroo.TCPSinkConfig(out_host, out_port, encode))

    ab.new_pipeline("classic lengths", wallaroo.TCPSourceConfig(ins[2][0], ins[2][1], DecimalHeader()))
    ab.to_sink(wallaroo.TCPSinkConfig(out_host, out_port, encode))
    return ab.build()


class Item(object):
    """A user object, so crossing lanes goes through this module's serialize/deserialize."""

    def __init__(self, key, tag):
        self.key = key
        self.tag = tag


def serialize(item):
    if item.tag == "ser-boom":
        raise ValueError("serialize refuses ser-boom")
    return pickle.dumps((item.key, item.tag))


def deserialize(bs):
    key, tag = pickle.loads(bs)
    if tag == "deser-boom":
        raise ValueError("deserialize refuses deser-boom")
    return Item(key, tag)


@wallaroo.decoder(header_length=4, length_fmt=">I")
def decode(bs):
    return bs.decode("utf-8")


@wallaroo.computation_multi(name="fan out")
def fan_out(text):
    if text.endswith(" multi-int"):
        return 5
    if text.endswith(" multi-str"):
        return "oops"
    return [text]


@wallaroo.computation(name="wrap")
def wrap(text):
    key, tag = text.split(" ", 1)
    return Item(int(key), tag)


@wallaroo.partition
def route_key(item):
    if item.tag == "unhashable":
        return [item.key]
    if item.tag == "u64-str":
        return str(item.key)
    return item.key


class Seen(object):
    def __init__(self):
        self.count = 0


@wallaroo.state_computation(name="remember")
def remember(item, seen):
    seen.count += 1
    text = "%d %s" % (item.key, item.tag)
    if item.tag == "arity":
        return (text, True, "extra")
    return (text, True)


@wallaroo.encoder
def encode(text):
    if text.endswith(" enc-int"):
        return 12345
    return text + "\n"


class FailsOnce(object):
    made = 0

    def __init__(self):
        FailsOnce.made += 1
        if FailsOnce.made == 1:
            raise RuntimeError("first construction fails")
        self.count = 0


@wallaroo.state_computation(name="count it")
def count_it(text, state):
    state.count += 1
    return ("first state " + text, True)


class DecimalHeader(object):
    def header_length(self):
        return 4

    def payload_length(self, bs):
        if bs == b"FLOT":
            return 2.5
        return int(bs.decode("ascii"))

    def decode(self, bs):
        return "classic " + bs.decode("utf-8")
