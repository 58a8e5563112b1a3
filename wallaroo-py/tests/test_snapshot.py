import pickle
import unittest

from wallaroo import _snapshot
from wallaroo._runner import LaneRunner
import support
from support import tcp_sink, tcp_source, text_decoder
import wallaroo


class Counter:
    def __init__(self):
        self.count = 0


class Slotted:
    __slots__ = ("n",)

    def __init__(self, n=0):
        self.n = n


class Fake:
    def __init__(self, serialize=pickle.dumps, deserialize=pickle.loads):
        self.serialize = serialize
        self.deserialize = deserialize
        self.states = {}
        self.dirty = {}


class SnapshotCodecTest(unittest.TestCase):
    def roundtrip(self, value, serialize=None, deserialize=None):
        return _snapshot.decode_value(_snapshot.encode_value(value, serialize), deserialize)

    def test_plain_data_uses_marshal(self):
        self.assertEqual(_snapshot.encode_value({"a": [1, 2.5, None]}, None)[:1], b"m")
        self.assertEqual(self.roundtrip(("x", 3)), ("x", 3))

    def test_plain_object_keeps_its_class(self):
        c = Counter()
        c.count = 7
        data = _snapshot.encode_value(c, None)
        self.assertEqual(data[:1], b"o")
        back = _snapshot.decode_value(data, None)
        self.assertIsInstance(back, Counter)
        self.assertEqual(back.count, 7)

    def test_other_objects_use_pickle(self):
        data = _snapshot.encode_value(Slotted(3), None)
        self.assertEqual(data[:1], b"p")
        self.assertEqual(_snapshot.decode_value(data, None).n, 3)
        self.assertEqual(self.roundtrip(bytearray(b"ab")), bytearray(b"ab"))

    def test_user_codec_wins(self):
        data = _snapshot.encode_value(5, lambda v: str(v).encode())
        self.assertEqual(data, b"u5")
        self.assertEqual(_snapshot.decode_value(data, lambda b: int(b)), 5)

    def test_equal_keys_encode_equally(self):
        a = "word"
        b = "".join(["wo", "rd"])
        refs = [a, a, a]
        self.assertEqual(_snapshot.encode_key(a, None), _snapshot.encode_key(b, None))
        self.assertEqual(len(refs), 3)

    def test_dirty_entities_are_taken_once_and_a_failing_one_is_reported(self):
        def serialize(v):
            if v == "bad":
                raise RuntimeError("nope")
            return pickle.dumps(v)
        runner = Fake(serialize, pickle.loads)
        runner.states = {"s": {"k1": 1, "k2": "bad", "k3": 3}}
        runner.dirty = {"s": {"k1", "k2"}}
        flat, errors = _snapshot.take_dirty(runner, {"s": True})
        self.assertEqual(len(flat), 4)
        self.assertEqual(flat[0], "s")
        self.assertEqual(flat[1], hash("k1"))
        self.assertEqual(len(errors), 1)
        self.assertIn("state 's'", errors[0][0])
        self.assertIn("k2", errors[0][2])
        self.assertEqual(runner.dirty["s"], set())
        again, _ = _snapshot.take_dirty(runner, {"s": True})
        self.assertEqual(again, [])

        target = Fake(serialize, pickle.loads)
        errors = _snapshot.restore(target, [flat[0], flat[2], flat[3], "s", b"m\x00", b"u-garbage"])
        self.assertEqual(target.states, {"s": {"k1": 1}})
        self.assertEqual(len(errors), 1)

    def test_a_restored_runner_carries_on_counting_on_another_lane_count(self):
        def app():
            return (wallaroo.ApplicationBuilder("t").new_pipeline("p", tcp_source(text_decoder))
                    .to_state_partition(count, support.Counter, "counts", first_letter_key)
                    .to_sink(tcp_sink()).build())
        one = LaneRunner(app(), 0, 1)
        one.frames(0, b"abaq", [1, 1, 1, 1])
        flat, errors = _snapshot.take_dirty(one, {"counts": True})
        self.assertEqual(errors, [])
        entities = []
        for i in range(0, len(flat), 4):
            entities += [flat[i], flat[i + 2].decode("latin-1"), flat[i + 3].decode("latin-1")]
        again = LaneRunner(app(), 0, 1)
        self.assertEqual(_snapshot.restore(again, entities), [])
        out = again.frames(0, b"a", [1])
        self.assertIn("a=3", out[0][1])


@wallaroo.state_computation(name="count")
def count(data, state):
    return ("%s=%d" % (data, state.add()), True)


@wallaroo.partition
def first_letter_key(data):
    return data[:1]
