"""LaneRunner semantics: what the engine does with each message, batch by batch."""
import array
import pickle
import struct
import unittest
from collections import Counter as Tally

import support
from support import Counter, tcp_sink, tcp_source, text_decoder
import wallaroo
from wallaroo._runner import RECORDS, STREAM, LaneRunner, lane_of_name


def batch(messages):
    chunks = [m.encode("utf-8") if isinstance(m, str) else m for m in messages]
    return b"".join(chunks), [len(c) for c in chunks]


def app_of(*steps, sinks=None, decoder=text_decoder, keys=None):
    ab = wallaroo.ApplicationBuilder("test").new_pipeline("p", tcp_source(decoder))
    for method, args in steps:
        getattr(ab, method)(*args)
    return ab.to_sinks(sinks or [tcp_sink()]).build()


@wallaroo.computation(name="drop x")
def drop_x(data):
    return None if data == "x" else data


@wallaroo.computation_multi(name="split")
def split(data):
    return [w or None for w in data.split(" ")]  # empty words become None and are dropped


@wallaroo.computation_multi(name="nothing")
def nothing(data):
    return None


@wallaroo.computation(name="invert")
def invert(data):
    return str(1 / int(data))


@wallaroo.encoder
def line(data):
    return str(data) + "\n"


@wallaroo.state_computation(name="count")
def count(data, state):
    n = state.add()
    return ("%s=%d" % (data, n), data != "quiet")


@wallaroo.state_computation_multi(name="count each")
def count_each(data, state):
    return (["%s=%d" % (w, state.add()) for w in data], True)


@wallaroo.partition
def first_letter(data):
    return data[0]


@wallaroo.partition
def whole_word(data):
    return data


class RunnerTest(unittest.TestCase):
    def run_one(self, app, messages, **kwargs):
        runner = LaneRunner(app, **kwargs)
        return runner, runner.frames(0, *batch(messages))

    def test_sizes_as_the_engine_sends_them(self):
        # The engine calls frames_spread with the batch as a latin-1 str and each size an argument
        # of its own (FrameArguments.java); the result must be what frames gives for the same batch.
        data, lengths = batch(["a", "", "b" * 70000, "c"])
        as_list = LaneRunner(app_of(sinks=[tcp_sink(line)])).frames(0, data, lengths)
        as_args = LaneRunner(app_of(sinks=[tcp_sink(line)])).frames_spread(0, data.decode("latin-1"), *lengths)
        self.assertEqual(as_args, as_list)
        self.assertEqual(as_args[0], [0, "a\n\n" + "b" * 70000 + "\nc\n", 4])

    def test_nothing_out_returns_none(self):
        runner, result = self.run_one(app_of(("to", (drop_x,))), ["x", "x"])
        self.assertIsNone(result)

    def test_result_shape(self):
        runner, result = self.run_one(app_of(("to", (drop_x,)), sinks=[tcp_sink(line)]), ["a", "x", "b"])
        sinks, routes, errors, notices = result
        self.assertEqual(sinks, [0, "a\nb\n", 2])  # ASCII text stays str: the JVM encodes it
        self.assertEqual((routes, errors, notices), (None, None, None))

    def test_keep_messages_gives_one_bytes_per_message(self):
        runner, result = self.run_one(app_of(sinks=[tcp_sink(line)]), ["a", "b"], keep_messages=True)
        self.assertEqual(result[0], [0, [b"a\n", b"b\n"], 2])

    def test_none_filtering(self):
        app = app_of(("to", (drop_x,)), ("to", (split,)), ("to", (nothing,)), sinks=[tcp_sink(line)])
        self.assertIsNone(self.run_one(app, ["a b", "x"])[1])
        app = app_of(("to", (drop_x,)), ("to", (split,)), sinks=[tcp_sink(line)])
        _, result = self.run_one(app, ["a  b", "x", " "], keep_messages=True)
        self.assertEqual(result[0][1], [b"a\n", b"b\n"])

    def test_decoder_returning_none_drops_the_message(self):
        skip_empty = wallaroo.decoder()(lambda bs: bs.decode() or None)
        _, result = self.run_one(app_of(decoder=skip_empty, sinks=[tcp_sink(line)]), ["", "a", ""],
                                 keep_messages=True)
        self.assertEqual(result[0][1], [b"a\n"])

    def test_multi_outputs_reach_the_next_step_one_by_one(self):
        seen = []

        @wallaroo.computation(name="record")
        def record(data):
            seen.append(data)
            return data

        app = app_of(("to", (split,)), ("to", (record,)), sinks=[tcp_sink(line)])
        _, result = self.run_one(app, ["a b c"], keep_messages=True)
        self.assertEqual(seen, ["a", "b", "c"])
        self.assertEqual(result[0], [0, [b"a\n", b"b\n", b"c\n"], 3])

    def test_state_multi_outputs_one_by_one(self):
        app = app_of(("to_stateful", (count_each, Counter, "s")), sinks=[tcp_sink(line)])
        _, result = self.run_one(app, ["ab"], keep_messages=True)
        self.assertEqual(result[0][1], [b"a=1\n", b"b=2\n"])

    def test_save_state_is_recorded_in_dirty(self):
        app = app_of(("to_state_partition", (count, Counter, "words", first_letter, list("abc"))),
                     ("to_stateful", (count, Counter, "total")), sinks=[tcp_sink(line)])
        runner, _ = self.run_one(app, ["apple", "quiet", "bee"])
        self.assertEqual(runner.dirty["words"], {"a", "b"})  # "quiet" returned save_state False
        self.assertEqual(runner.dirty["total"], {None})
        self.assertEqual(runner.states["words"]["q"].count, 1)
        self.assertEqual(runner.states["total"][None].count, 3)

    def test_state_output_none_emits_nothing_but_saves(self):
        @wallaroo.state_computation(name="silent")
        def silent(data, state):
            state.add()
            return (None, True)

        runner, result = self.run_one(app_of(("to_stateful", (silent, Counter, "s"))), ["a", "b"])
        self.assertIsNone(result)
        self.assertEqual((runner.states["s"][None].count, runner.dirty["s"]), (2, {None}))

    def test_errors_are_caught_per_message_and_processing_continues(self):
        app = app_of(("to", (invert,)), sinks=[tcp_sink(line)])
        _, result = self.run_one(app, ["2", "0", "4", "zero"], keep_messages=True)
        sinks, _, errors, _ = result
        self.assertEqual(sinks[1], [b"0.5\n", b"0.25\n"])
        self.assertEqual(len(errors), 2)
        self.assertEqual(errors[0][0], "invert")
        self.assertTrue(errors[0][1].startswith("ZeroDivisionError: "))
        self.assertEqual(errors[0][2], "'0'")
        self.assertTrue(errors[1][1].startswith("ValueError: "))

    def test_errors_in_decoder_encoder_partition_and_state(self):
        @wallaroo.decoder()
        def strict(bs):
            return bs.decode("ascii")

        @wallaroo.encoder
        def picky(data):
            if data.startswith("b"):
                raise KeyError(data)
            return data

        @wallaroo.state_computation(name="no tuple")
        def no_tuple(data, state):
            return data if data.startswith("t") else (data, False)

        app = app_of(("to_state_partition", (count, Counter, "s", first_letter, None)),
                     ("to_stateful", (no_tuple, Counter, "t")), decoder=strict, sinks=[tcp_sink(picky)])
        runner = LaneRunner(app, keep_messages=True)
        sinks, _, errors, _ = runner.frames(0, *batch([b"\xff", "", "bee", "tea", "ant"]))
        self.assertEqual(sinks[1], [b"ant=1"])
        steps = [e[0] for e in errors]
        self.assertEqual(steps, ["strict", "first_letter", "picky", "no tuple"])
        self.assertIn("UnicodeDecodeError", errors[0][1])
        self.assertIn("IndexError", errors[1][1])
        self.assertIn("must return a pair (output, save_state)", errors[3][1])

    def test_unhashable_partition_key_is_a_step_error(self):
        listify = wallaroo.partition(lambda data: list(data))
        app = app_of(("to_state_partition", (count, Counter, "s", listify, None)), sinks=[tcp_sink(line)])
        runner = LaneRunner(app)
        _, _, errors, _ = runner.frames(0, *batch(["ab"]))
        self.assertEqual(errors[0][0], "<lambda>")
        self.assertIn("unhashable", errors[0][1])

    def test_state_factory_failure_is_a_step_error(self):
        class Broken(object):
            def __init__(self):
                raise RuntimeError("no state today")

        app = app_of(("to_stateful", (count, Broken, "s")))
        _, _, errors, _ = LaneRunner(app).frames(0, *batch(["a"]))
        self.assertEqual("count", errors[0][0], "counted under its step")
        self.assertIn("no state today", errors[0][1])
        self.assertIn("while making the entity of state 's'", errors[0][1])

    def test_one_failing_multi_output_does_not_lose_its_siblings(self):
        app = app_of(("to", (split,)), ("to", (invert,)), sinks=[tcp_sink(line)])
        sinks, _, errors, _ = LaneRunner(app, keep_messages=True).frames(0, *batch(["1 0 2"]))
        self.assertEqual(sinks[1], [b"1.0\n", b"0.5\n"])
        self.assertEqual(len(errors), 1)

    def test_undeclared_keys_get_their_own_entity_and_one_notice(self):
        app = app_of(("to_state_partition", (count, Counter, "s", first_letter, ["a"])), sinks=[tcp_sink(line)])
        runner = LaneRunner(app, keep_messages=True)
        sinks, _, _, notices = runner.frames(0, *batch(["a1", "b1", "b2", "c1"]))
        self.assertEqual(sinks[1], [b"a1=1\n", b"b1=1\n", b"b2=2\n", b"c1=1\n"])
        self.assertEqual(set(runner.states["s"]), {"a", "b", "c"})
        self.assertEqual(len(notices), 1)
        self.assertIn("not among the declared partition keys", notices[0])
        self.assertIsNone(runner.frames(0, *batch(["d1"]))[3])  # reported once only

    def test_user_key_objects(self):
        class Key(object):
            def __init__(self, a, b):
                self.a, self.b = a, b

            def __eq__(self, other):
                return isinstance(other, Key) and (self.a, self.b) == (other.a, other.b)

            def __hash__(self):
                return hash((self.a, self.b))

        part = wallaroo.partition(lambda data: Key(data[0], len(data)))
        app = app_of(("to_state_partition", (count, Counter, "s", part, [Key("a", 2)])), sinks=[tcp_sink(line)])
        runner = LaneRunner(app, keep_messages=True)
        sinks, _, _, notices = runner.frames(0, *batch(["ab", "ac", "abc"]))
        self.assertEqual(sinks[1], [b"ab=1\n", b"ac=2\n", b"abc=1\n"])
        self.assertEqual(len(notices), 1)

    def test_messages_entry_takes_decoded_messages(self):
        app = app_of(("to", (split,)), sinks=[tcp_sink(line)])
        sinks, _, _, _ = LaneRunner(app).messages(0, ["a b", "c"])
        self.assertEqual(sinks, [0, "a\nb\nc\n", 3])

    def test_latin1_str_batches(self):
        app = app_of(sinks=[tcp_sink(line)])
        data, lengths = batch(["é", "b"])
        sinks, _, _, _ = LaneRunner(app).frames(0, data.decode("latin-1"), lengths)
        self.assertEqual(sinks, [0, "é\nb\n".encode("utf-8"), 2])

    def test_encoders_may_return_str_or_bytes(self):
        as_bytes = wallaroo.encoder(lambda d: d.encode("utf-16-le"))
        as_str = wallaroo.encoder(lambda d: d + "!")
        app = app_of(sinks=[tcp_sink(as_bytes), tcp_sink(as_str)])
        sinks, _, _, _ = LaneRunner(app).frames(0, *batch(["hé"]))
        self.assertEqual(sinks, [0, "hé".encode("utf-16-le"), 1, 1, "hé!".encode("utf-8"), 1])

    def test_record_sinks(self):
        kafka = wallaroo.encoder(lambda d: (d, d[:1]) if d != "nokey" else (d, None))
        app = app_of(sinks=[tcp_sink(kafka)])
        runner = LaneRunner(app, sink_formats=[RECORDS])
        sinks, _, _, _ = runner.frames(0, *batch(["ab", "nokey"]))
        expected = (struct.pack(">i", 1) + b"a" + struct.pack(">i", 2) + b"ab"
                    + struct.pack(">i", -1) + struct.pack(">i", 5) + b"nokey")
        self.assertEqual(sinks, [0, expected, 2])
        self.assertEqual(STREAM, "stream")

    def test_a_record_encoder_may_return_a_namedtuple_pair(self):
        from collections import namedtuple
        Record = namedtuple("Record", "value key")
        app = app_of(sinks=[tcp_sink(wallaroo.encoder(lambda d: Record(d, "k")))])
        sinks, _, errors, _ = LaneRunner(app, sink_formats=[RECORDS]).frames(0, *batch(["ab"]))
        self.assertIsNone(errors)
        self.assertEqual(sinks, [0, struct.pack(">i", 1) + b"k" + struct.pack(">i", 2) + b"ab", 1])

    def test_record_sinks_frame_every_key_and_size(self):
        # str keys are encoded once and remembered up to a bound; past it, and for bytes keys and
        # long blocks, every record must still carry its own exact lengths
        def pair(d):
            n = int(d)
            key = "ké%d" % n if n % 3 else ("k%d" % n).encode("ascii")
            return ("v" * (n % 1500) if n % 2 else b"w" * (n % 1500), key)
        app = app_of(sinks=[tcp_sink(wallaroo.encoder(pair))])
        runner = LaneRunner(app, sink_formats=[RECORDS])
        numbers = [str(n) for n in range(6000)] + ["4", "5", "5999"]
        sinks, _, errors, _ = runner.frames(0, *batch(numbers))
        self.assertIsNone(errors)
        expected = []
        for d in numbers:
            value, key = pair(d)
            key = key.encode("utf-8") if isinstance(key, str) else key
            value = value.encode("utf-8") if isinstance(value, str) else value
            expected.append(struct.pack(">i", len(key)) + key + struct.pack(">i", len(value)) + value)
        self.assertEqual(sinks, [0, b"".join(expected), len(numbers)])


class Word(object):
    """A user object crossing lanes: needs serialize()/pickle."""

    def __init__(self, text):
        self.text = text

    def __eq__(self, other):
        return isinstance(other, Word) and other.text == self.text

    def __hash__(self):
        return hash(self.text)


@wallaroo.computation_multi(name="split words")
def split_words(data):
    return [w for w in data.lower().split() if w]


@wallaroo.state_computation(name="count word")
def count_word(word, totals):
    key = word.text if isinstance(word, Word) else word
    totals[key] = totals.get(key, 0) + 1
    return ("%s => %d" % (key, totals[key]), True)


@wallaroo.partition
def word_key(word):
    return word.text if isinstance(word, Word) else word


def word_count_app(wrap=False):
    steps = [("to_parallel", (split_words,))]
    if wrap:
        steps.append(("to", (wallaroo.computation("wrap")(Word),)))
    steps.append(("to_state_partition", (count_word, dict, "totals", word_key, None)))
    return app_of(*steps, sinks=[tcp_sink(line)])


TEXT = ["the quick brown fox", "jumps over the lazy dog", "the dog sleeps", "a fox runs",
        "over and over", "the end"] * 5


class TwoLaneTest(unittest.TestCase):
    """Two runners exchanging routed blobs, as the engine's lanes do, against one runner."""

    def run_lanes(self, app, messages, lanes, **kwargs):
        runners = [LaneRunner(app, lane=i, lanes=lanes, keep_messages=True, **kwargs) for i in range(lanes)]
        outputs, errors, pending = [], [], []
        crossings = [0]

        def absorb(result):
            if result is None:
                return
            sinks, routes, errs, _ = result
            for i in range(0, len(sinks or ()), 3):
                outputs.extend(sinks[i + 1])
            for i in range(0, len(routes or ()), 3):
                pending.append((routes[i], routes[i + 1]))
                crossings[0] += routes[i + 2]
            errors.extend(errs or ())

        # Sources feed every lane: spread the messages round-robin.
        for lane in range(lanes):
            absorb(runners[lane].frames(0, *batch(messages[lane::lanes])))
        while pending:
            lane, blob = pending.pop(0)
            absorb(runners[lane].routed(blob))
        return outputs, errors, runners, crossings[0]

    def test_two_lanes_give_the_same_result_as_one(self):
        one, errors_one, _, _ = self.run_lanes(word_count_app(), TEXT, lanes=1)
        two, errors_two, runners, crossings = self.run_lanes(word_count_app(), TEXT, lanes=2)
        self.assertEqual((errors_one, errors_two), ([], []))
        self.assertGreater(crossings, 0)
        self.assertEqual(Tally(one), Tally(two))
        # Each word lives on exactly one lane.
        words = [set(r.states["totals"]) for r in runners]
        self.assertFalse(words[0] & words[1])
        merged = {}
        for r in runners:
            for key, totals in r.states["totals"].items():
                merged.update(totals)
        self.assertEqual(merged["the"], 20)
        self.assertEqual(merged["over"], 15)

    def test_unpartitioned_state_lives_on_one_lane(self):
        app = app_of(("to_stateful", (count, Counter, "total")), sinks=[tcp_sink(line)])
        outputs, _, runners, _ = self.run_lanes(app, ["m%d" % i for i in range(10)], lanes=3)
        owner = lane_of_name("total", 3)
        self.assertEqual([bool(r.states["total"]) for r in runners], [i == owner for i in range(3)])
        self.assertEqual(runners[owner].states["total"][None].count, 10)
        self.assertEqual(len(outputs), 10)

    def test_plain_data_crosses_without_serialize(self):
        calls = []
        _, _, _, crossings = self.run_lanes(word_count_app(), TEXT, lanes=2,
                                            serialize=lambda o: calls.append(o) or pickle.dumps(o))
        self.assertGreater(crossings, 0)
        self.assertEqual(calls, [])

    def test_user_objects_cross_through_the_given_serialize_and_deserialize(self):
        serialized, deserialized = [], []

        def serialize(obj):
            serialized.append(obj)
            return pickle.dumps(obj)

        def deserialize(blob):
            obj = pickle.loads(blob)
            deserialized.append(obj)
            return obj

        one, _, _, _ = self.run_lanes(word_count_app(wrap=True), TEXT, lanes=1)
        two, errors, _, crossings = self.run_lanes(word_count_app(wrap=True), TEXT, lanes=2,
                                                   serialize=serialize, deserialize=deserialize)
        self.assertEqual(errors, [])
        self.assertEqual(Tally(one), Tally(two))
        self.assertEqual(len(serialized), crossings)  # the value of each crossing; keys are plain str
        self.assertTrue(all(isinstance(o, Word) for o in serialized))
        self.assertEqual(serialized, deserialized)

    def test_buffer_objects_keep_their_type_across_lanes(self):
        received = []

        @wallaroo.state_computation(name="keep")
        def keep(data, state):
            received.append(data)
            return (None, False)

        @wallaroo.computation(name="to buffers")
        def to_buffers(data):
            return {"a": bytearray(b"a"), "b": array.array("b", [1, 2]), "c": b"bytes"}[data]

        app = app_of(("to", (to_buffers,)),
                     ("to_state_partition", (keep, Counter, "s", wallaroo.partition(lambda d: bytes(d)), None)),
                     sinks=[tcp_sink(line)])
        self.run_lanes(app, ["a", "b", "c"] * 4, lanes=2)
        self.assertEqual(Tally(type(d).__name__ for d in received),
                         Tally({"bytearray": 4, "array": 4, "bytes": 4}))


if __name__ == "__main__":
    unittest.main()
