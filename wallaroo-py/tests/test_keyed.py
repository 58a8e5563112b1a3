"""KeyedRunner: the runner as Flink operators call it; messages leave keyed, entities as bytes."""
import struct
import unittest

import support
from support import Counter, tcp_sink, tcp_source
import wallaroo
from wallaroo._keyed import KeyedRunner, key_bytes, key_from_bytes, state_hash
from wallaroo._runner import LaneRunner


@wallaroo.computation_multi(name="split")
def split(data):
    return data.split(" ")


@wallaroo.partition
def first_letter(word):
    return word[0]


@wallaroo.state_computation(name="count")
def count(word, state):
    state.add(1)
    return ("%s:%d;" % (word, state.count), True)


@wallaroo.state_computation(name="boom")
def boom(word, state):
    if word == "bad":
        raise ValueError("bad word")
    state.add(1)
    return (word + ";", True)


def app(step=count, partitioned=True):
    ab = wallaroo.ApplicationBuilder("t").new_pipeline("p", tcp_source())
    ab.to_parallel(split)
    if partitioned:
        ab.to_state_partition(step, Counter, "counts", first_letter)
    else:
        ab.to_stateful(step, Counter, "counts")
    return ab.to_sink(tcp_sink()).build()


def frames(runner, *lines):
    chunks = [line.encode() for line in lines]
    return runner.frames(0, b"".join(chunks), [len(c) for c in chunks])


def messages(routed):
    """Splits a routed blob into (code, hash, key bytes, value bytes) tuples."""
    out, pos = [], 0
    while pos < len(routed):
        code, h, klen = struct.unpack_from(">iii", routed, pos)
        pos += 12
        key = routed[pos:pos + klen]
        pos += klen
        vlen, = struct.unpack_from(">i", routed, pos)
        pos += 4
        out.append((code, h, key, routed[pos:pos + vlen]))
        pos += vlen
    return out


def keyed_input(msgs):
    return b"".join(struct.pack(">i", c) + struct.pack(">i", len(k)) + k + struct.pack(">i", len(v)) + v
                    for c, _h, k, v in msgs)


class KeyedRunnerTest(unittest.TestCase):
    def test_every_state_message_leaves_keyed_with_the_local_hash(self):
        runner = KeyedRunner(app())
        sinks, routed, errors, notices = frames(runner, "apple avocado", "banana")
        self.assertIsNone(sinks)
        msgs = messages(routed)
        self.assertEqual(sorted(key_from_bytes(k) for _c, _h, k, _v in msgs), ["a", "a", "b"])  # per-key order only
        self.assertEqual([h for _c, h, _k, _v in msgs], [state_hash("counts", True, key_from_bytes(k)) for _c, _h, k, _v in msgs])
        self.assertEqual(hash("a") & 0xFFFFFFFF, state_hash("counts", True, "a") & 0xFFFFFFFF)

    def test_keyed_continues_to_the_sink_and_reports_dirty_entities(self):
        entry, owner = KeyedRunner(app()), KeyedRunner(app())
        _s, routed, _e, _n = frames(entry, "apple avocado banana")
        sinks, more, errors, _n = owner.keyed(keyed_input(messages(routed)), b"")
        self.assertIsNone(more)
        self.assertEqual(sorted(sinks[1].split(b";")), [b"", b"apple:1", b"avocado:2", b"banana:1"])
        dirty = owner.take_dirty()
        self.assertEqual(owner.take_dirty(), b"")
        # A fresh owner restored from those bytes goes on counting where the first stopped.
        restored = KeyedRunner(app())
        _s, routed, _e, _n = frames(entry, "apricot")
        sinks, _r, _e, _n = restored.keyed(keyed_input(messages(routed)), dirty)
        self.assertEqual(sinks[1], b"apricot:3;")

    def test_an_exception_drops_one_message_and_names_the_step(self):
        entry, owner = KeyedRunner(app(boom)), KeyedRunner(app(boom))
        _s, routed, _e, _n = frames(entry, "good bad fine")
        sinks, _r, errors, _n = owner.keyed(keyed_input(messages(routed)), b"")
        self.assertEqual(sorted(sinks[1].split(b";")), [b"", b"fine", b"good"])
        self.assertEqual(errors[0][0], "boom")

    def test_unpartitioned_state_has_one_empty_key(self):
        runner = KeyedRunner(app(partitioned=False))
        _s, routed, _e, _n = frames(runner, "x y")
        msgs = messages(routed)
        self.assertEqual({k for _c, _h, k, _v in msgs}, {b""})
        self.assertEqual({h for _c, h, _k, _v in msgs}, {state_hash("counts", False, None)})

    def test_key_bytes_round_trip(self):
        for key in ["a", "", 0, 2 ** 70, -3, b"\x00k", ("a", 1), None]:
            self.assertEqual(key_from_bytes(key_bytes(key)), key)


if __name__ == "__main__":
    unittest.main()
