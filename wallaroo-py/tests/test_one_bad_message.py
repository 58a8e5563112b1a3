"""One bad message, one lost message: every way user code can fail or return the wrong thing
costs only the message it happened on, is reported under its step, and says what to fix."""
import pickle
import sys
import unittest

import support  # noqa: F401
from support import tcp_sink, tcp_source, text_decoder
import wallaroo
from wallaroo._runner import RECORDS, LaneRunner


def batch(messages):
    chunks = [m.encode("utf-8") for m in messages]
    return b"".join(chunks), [len(c) for c in chunks]


def app_of(*steps, sinks=None):
    ab = wallaroo.ApplicationBuilder("test").new_pipeline("p", tcp_source(text_decoder))
    for method, args in steps:
        getattr(ab, method)(*args)
    return ab.to_sinks(sinks or [tcp_sink(line)]).build()


@wallaroo.encoder
def line(data):
    return str(data) + "\n"


class Total(object):
    def __init__(self):
        self.n = 0


class Key(object):
    """A key whose equality raises for one value (user code inside the state lookup)."""

    def __init__(self, text):
        self.text = text

    def __hash__(self):
        return 1  # every key collides, so a lookup compares keys

    def __eq__(self, other):
        if self.text == "eq-boom" or getattr(other, "text", None) == "eq-boom":
            raise RuntimeError("eq boom")
        return isinstance(other, Key) and other.text == self.text


class Around(unittest.TestCase):
    """Runs good messages around one bad one through one runner (or two lanes)."""

    GOOD = ["a1", "b2", "c3"]

    def around(self, bad, app, runner=None):
        messages = self.GOOD[:2] + [bad] + self.GOOD[2:]
        runner = runner or LaneRunner(app, keep_messages=True)
        sinks, _, errors, _ = runner.frames(0, *batch(messages))
        return (sinks[1] if sinks else []), errors or []

    def assert_one_error(self, errors, step, *fragments):
        self.assertEqual(len(errors), 1, errors)
        self.assertEqual(errors[0][0], step)
        for fragment in fragments:
            self.assertIn(fragment, errors[0][1])


def multi_returning(value):
    @wallaroo.computation_multi(name="multi")
    def multi(data):
        return value if data == "bad" else [data]
    return multi


class MultiReturnShapes(Around):
    def test_not_iterable_returns_lose_only_that_message(self):
        for value in (5, 3.5, "word", b"bytes", object()):
            with self.subTest(value=value):
                out, errors = self.around("bad", app_of(("to", (multi_returning(value),))))
                self.assertEqual(out, [b"a1\n", b"b2\n", b"c3\n"])
                self.assert_one_error(errors, "multi", "must return a list of outputs",
                                      "return [value] for a single output")

    def test_tuples_generators_and_none_are_fine(self):
        for value, expected in (((7, 8), [b"7\n", b"8\n"]), (None, []), (iter([9]), [b"9\n"])):
            with self.subTest(value=value):
                out, errors = self.around("bad", app_of(("to", (multi_returning(value),))))
                self.assertEqual(out, [b"a1\n", b"b2\n"] + expected + [b"c3\n"])
                self.assertEqual(errors, [])

    def test_a_generator_raising_midway(self):
        @wallaroo.computation_multi(name="gen")
        def gen(data):
            yield data
            if data == "bad":
                raise ValueError("half way")

        out, errors = self.around("bad", app_of(("to", (gen,))))
        self.assertEqual(out, [b"a1\n", b"b2\n", b"bad\n", b"c3\n"])
        self.assert_one_error(errors, "gen", "ValueError: half way")


def state_returning(value, multi=False):
    deco = wallaroo.state_computation_multi if multi else wallaroo.state_computation

    @deco(name="stateful")
    def stateful(data, state):
        state.n += 1
        if data == "bad":
            return value
        return ([data] if multi else data, True)
    return stateful


class StateReturnShapes(Around):
    def test_wrong_shapes(self):
        for value in (None, "ab", "value", (1, True, 3), (1,), 5):
            with self.subTest(value=value):
                out, errors = self.around("bad", app_of(("to_stateful", (state_returning(value), Total, "t"))))
                self.assertEqual(out, [b"a1\n", b"b2\n", b"c3\n"])
                self.assert_one_error(errors, "stateful", "must return a pair (output, save_state)")

    def test_a_multi_state_step_returning_a_non_list(self):
        out, errors = self.around("bad", app_of(("to_stateful", (state_returning((5, True), True), Total, "t"))))
        self.assertEqual(out, [b"a1\n", b"b2\n", b"c3\n"])
        self.assert_one_error(errors, "stateful", "must return a list of outputs")

    def test_a_list_pair_is_accepted(self):
        out, errors = self.around("bad", app_of(("to_stateful", (state_returning(["x", False]), Total, "t"))))
        self.assertEqual(out, [b"a1\n", b"b2\n", b"x\n", b"c3\n"])
        self.assertEqual(errors, [])


class StateConstruction(Around):
    def test_a_state_class_raising_for_one_key(self):
        class Picky(object):
            made = 0

            def __init__(self):
                Picky.made += 1
                if Picky.made == 3:
                    raise KeyError("third")
                self.n = 0

        out, errors = self.around("bad", app_of(("to_state_partition", (
            state_returning(None), Picky, "picky", wallaroo.partition(lambda d: d), None))))
        self.assertEqual(out, [b"a1\n", b"b2\n", b"c3\n"])
        self.assert_one_error(errors, "stateful", "third", "Picky", "state 'picky'", "key 'bad'")

    def test_a_builder_raising(self):
        class Builder(object):
            def build(self):
                raise ValueError("no build")

        out, errors = self.around("bad", app_of(("to_stateful", (state_returning(None), Builder(), "b"))))
        self.assertEqual(out, [])
        self.assertEqual(len(errors), 4)
        self.assertTrue(all(e[0] == "stateful" and "no build" in e[1] for e in errors), errors)


class Partitions(Around):
    def partitioned(self, part, u64=False, keys=None):
        method = "to_state_partition_u64" if u64 else "to_state_partition"
        return app_of((method, (state_returning(None), Total, "s", wallaroo.partition(part), keys)))

    def test_unhashable_key(self):
        for lanes in (1, 2):
            with self.subTest(lanes=lanes):
                app = self.partitioned(lambda d: [d] if d == "bad" else d)
                out, errors = self.around("bad", app, LaneRunner(app, lane=0, lanes=lanes, keep_messages=True))
                self.assertEqual(len(errors), 1, errors)
                self.assertIn("must return a hashable key", errors[0][1])
                self.assertIn("got list ['bad']", errors[0][1])

    def test_u64_keys_of_the_wrong_type_or_range(self):
        for bad_key in ("7", -1, 2 ** 64, 1.0, True, None):
            for lanes in (1, 2):
                with self.subTest(key=bad_key, lanes=lanes):
                    app = self.partitioned(lambda d, k=bad_key: k if d == "bad" else 0, u64=True, keys=[0])
                    out, errors = self.around("bad", app, LaneRunner(app, lane=0, lanes=lanes, keep_messages=True))
                    self.assertEqual(out, [b"a1\n", b"b2\n", b"c3\n"])
                    self.assertEqual(len(errors), 1, errors)
                    self.assertIn("must return an int from 0 to 2**64-1", errors[0][1])

    def test_u64_at_the_limit_is_fine(self):
        app = app_of(("to_state_partition_u64", (state_returning(("x", True)), Total, "s",
                                                 wallaroo.partition(lambda d: 2 ** 64 - 1), [0])))
        out, errors = self.around("bad", app)
        self.assertEqual(len(out), 4)
        self.assertEqual(errors, [])

    def test_undeclared_key_gets_its_own_entity_and_one_notice(self):
        app = self.partitioned(lambda d: d, keys=["a1"])
        runner = LaneRunner(app, keep_messages=True)
        sinks, _, errors, notices = runner.frames(0, *batch(["a1", "zz", "yy"]))
        self.assertEqual(len(sinks[1]), 3)
        self.assertIsNone(errors)
        self.assertEqual(len(notices), 1)

    def test_a_key_whose_equality_raises(self):
        app = self.partitioned(lambda d: Key(d))
        runner = LaneRunner(app, keep_messages=True)
        runner.frames(0, *batch(["a1"]))
        out, errors = self.around("eq-boom", app, runner)
        self.assertEqual(len(errors), 1, errors)
        self.assertIn("eq boom", errors[0][1])


def encoder_returning(value):
    @wallaroo.encoder
    def enc(data):
        return value if data == "bad" else data
    return enc


class Encoders(Around):
    def test_tcp_encoder_wrong_types(self):
        for value in (12345, None, [1, 2], 1.5, ("a", "b")):
            with self.subTest(value=value):
                out, errors = self.around("bad", app_of(sinks=[tcp_sink(encoder_returning(value))]))
                self.assertEqual(out, [b"a1", b"b2", b"c3"], "no zero bytes for an int")
                self.assert_one_error(errors, "enc", "must return bytes or str")

    def test_tcp_encoder_bytes_like_are_fine(self):
        for value in (bytearray(b"xy"), memoryview(b"xy"), "xy", b"xy"):
            with self.subTest(value=value):
                out, errors = self.around("bad", app_of(sinks=[tcp_sink(encoder_returning(value))]))
                self.assertEqual(out, [b"a1", b"b2", b"xy", b"c3"])

    def test_tcp_encoder_str_that_utf8_refuses_loses_only_that_message(self):
        # The engine's runner joins a batch's str outputs and encodes them once; a lone
        # surrogate must still cost only its own message, in both output modes.
        for keep in (True, False):
            with self.subTest(keep_messages=keep):
                app = app_of(sinks=[tcp_sink(encoder_returning("x\udc80y"))])
                out, errors = self.around("bad", app, LaneRunner(app, keep_messages=keep))
                self.assertEqual(out, [b"a1", b"b2", b"c3"] if keep else b"a1b2c3")
                self.assert_one_error(errors, "enc", "UnicodeEncodeError", "lone surrogates")
                self.assertIn("udc80", errors[0][2])

    def test_tcp_encoder_mixing_str_and_bytes_in_one_batch(self):
        for value in (b"xy", bytearray(b"xy"), "\u00e9\u4e2d"):
            with self.subTest(value=value):
                app = app_of(sinks=[tcp_sink(encoder_returning(value))])
                runner = LaneRunner(app)
                sinks, _, errors, _ = runner.frames(0, *batch(["a1", "bad", "b2"]))
                expected = b"a1" + (value.encode("utf-8") if isinstance(value, str) else bytes(value)) + b"b2"
                self.assertEqual(sinks, [0, expected, 3])
                self.assertIsNone(errors)

    def record_runner(self, enc):
        app = app_of(sinks=[tcp_sink(enc)])
        return LaneRunner(app, sink_formats=[RECORDS], keep_messages=True)

    def test_record_encoder_wrong_shapes(self):
        for value in (12345, (b"v", b"k", b"x"), (b"v",), (5, b"k"), (b"v", 7), None):
            with self.subTest(value=value):
                enc = encoder_returning(value)
                out, errors = self.around("bad", None, self.record_runner(enc))
                self.assertEqual(len(out), 3)
                self.assert_one_error(errors, "enc", "must return bytes or str, or a pair (value, key)")

    def test_record_encoder_good_shapes(self):
        for value in ((b"v", b"k"), ("v", "k"), ("v", None), "v", bytearray(b"v")):
            with self.subTest(value=value):
                out, errors = self.around("bad", None, self.record_runner(encoder_returning(value)))
                self.assertEqual((len(out), errors), (4, []))


class Obj(object):
    def __init__(self, text):
        self.text = text


@wallaroo.computation(name="wrap")
def wrap(data):
    return Obj(data)


@wallaroo.state_computation(name="remember")
def remember(obj, state):
    state.n += 1
    return (obj.text, True)


@wallaroo.partition
def by_text(obj):
    return obj.text


class Crossing(unittest.TestCase):
    """serialize/deserialize raising for one message while it crosses lanes."""

    def two_lanes(self, serialize, deserialize):
        app = app_of(("to", (wrap,)), ("to_state_partition", (remember, Total, "s", by_text, None)))
        lanes = [LaneRunner(app, lane=i, lanes=2, keep_messages=True, serialize=serialize,
                            deserialize=deserialize) for i in range(2)]
        # Pick texts that route to lane 1 from lane 0 (GraalPy and CPython hash str differently).
        texts = [t for t in ("k%d" % i for i in range(200)) if hash(t) % 2 == 1][:6]
        return lanes, texts

    def run_through(self, lanes, texts):
        sinks, routes, errors, _ = lanes[0].frames(0, *batch(texts))
        all_errors = list(errors or [])
        out = []
        if routes:
            self.assertEqual(routes[0], 1)
            sinks1, _, errors1, _ = lanes[1].routed(routes[1])
            out = sinks1[1] if sinks1 else []
            all_errors += errors1 or []
        return out, all_errors, routes

    def test_serialize_raising_for_one_value(self):
        def serialize(obj):
            if obj.text == bad:
                raise ValueError("cannot serialize this one")
            return pickle.dumps(obj)

        lanes, texts = self.two_lanes(serialize, pickle.loads)
        bad = texts[2]
        out, errors, routes = self.run_through(lanes, texts)
        self.assertEqual(routes[2], len(texts) - 1, "the count sent with the batch leaves the dropped one out")
        self.assertEqual(out, [(t + "\n").encode() for t in texts if t != bad])
        self.assertEqual(len(errors), 1, errors)
        self.assertEqual(errors[0][0], "remember")
        self.assertIn("cannot serialize this one", errors[0][1])
        self.assertIn("serialize(obj)", errors[0][1])

    def test_serialize_raising_for_every_value(self):
        def serialize(obj):
            raise ValueError("never")

        lanes, texts = self.two_lanes(serialize, pickle.loads)
        out, errors, routes = self.run_through(lanes, texts)
        self.assertIsNone(routes)
        self.assertEqual(len(errors), len(texts))

    def test_deserialize_raising_for_one_message(self):
        def deserialize(blob):
            obj = pickle.loads(blob)
            if obj.text == bad:
                raise ValueError("cannot deserialize this one")
            return obj

        lanes, texts = self.two_lanes(pickle.dumps, deserialize)
        bad = texts[3]
        out, errors, _ = self.run_through(lanes, texts)
        self.assertEqual(out, [(t + "\n").encode() for t in texts if t != bad])
        self.assertEqual(len(errors), 1, errors)
        self.assertEqual(errors[0][0], "remember")
        self.assertIn("cannot deserialize this one", errors[0][1])
        self.assertIn("deserialize(bs)", errors[0][1])



class MemoryErrors(Around):
    """Under GraalPy a MemoryError means the JVM's heap is full, and the report says which cap to
    raise; elsewhere it is reported as it is."""

    def test_a_memory_error_costs_its_message_and_names_the_heap_cap_under_graalpy(self):
        @wallaroo.computation(name="hog")
        def hog(data):
            if data == "bad":
                raise MemoryError("Java heap space")
            return data

        out, errors = self.around("bad", app_of(("to", (hog,))))
        self.assertEqual(out, [b"a1\n", b"b2\n", b"c3\n"])
        self.assert_one_error(errors, "hog", "MemoryError: Java heap space")
        if sys.implementation.name == "graalpy":
            self.assertIn("WALLAROO_JAVA_OPTS=-Xmx1g", errors[0][1])
            self.assertIn("taskmanager.memory.task.heap.size", errors[0][1])
        else:
            self.assertNotIn("Java heap is full", errors[0][1])


if __name__ == "__main__":
    unittest.main()
