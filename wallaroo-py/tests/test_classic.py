"""The classic object API: objects with name()/compute()/decode()/encode()/build()."""
import json
import re
import struct
import unittest

import support
from support import Counter, count, first_letter, tcp_sink, tcp_source, text_decoder, text_encoder
import wallaroo
import wallaroo.testing
from wallaroo import WallarooParameterError
from wallaroo.model import Computation, Decoder, Encoder, StateComputation


# -- the log-file example, ported to Python 3 (bytes in, str inside) ------------------------------

class LogLine(object):
    def __init__(self, text):
        self.text = text


class BoundaryMessage(object):
    pass


class LogDecoder(object):
    def header_length(self):
        return 4

    def payload_length(self, bs):
        return struct.unpack(">I", bs)[0]

    def decode(self, bs):
        text = bs.decode("utf-8").strip()
        if text == "END_OF_DAY":
            return BoundaryMessage()
        return LogLine(text)


class LogCounter(object):
    def __init__(self):
        self.reset()

    def reset(self):
        self.current_batch = {}
        self.current_day = None

    def update(self, day, return_code):
        if self.current_day is None:
            self.current_day = day
        if self.current_day != day:
            raise ValueError("a new day started without END_OF_DAY")
        self.current_batch[return_code] = self.current_batch.get(return_code, 0) + 1

    def get_counts(self):
        return dict(self.current_batch)


class CounterBuilder(object):
    def build(self):
        return LogCounter()


class Count(object):
    def __init__(self):
        self.day_re = re.compile(r"\[(.*)\]")
        self.code_re = re.compile(r'"GET [^\s]* HTTP/[12].[01]" ([0-9]+)')

    def name(self):
        return "count status"

    def determine_return_code(self, line):
        m = self.code_re.search(line)
        if m is not None:
            return m.group(1)

    def determine_day(self, line):
        m = self.day_re.search(line)
        if m is not None:
            return m.group(1).split(":")[0]

    def compute(self, data, state):
        if isinstance(data, BoundaryMessage):
            return self.process_batch(state)
        elif isinstance(data, LogLine):
            state.update(self.determine_day(data.text), self.determine_return_code(data.text))
            return (None, True)
        raise TypeError("unexpected message")

    def name(self):  # noqa: F811  (the example defines name twice; the last one wins)
        return "Count return codes"

    def process_batch(self, state):
        r = state.get_counts()
        state.reset()
        return (r, True)


class LogEncoder(object):
    def encode(self, data):
        s = json.dumps(data, sort_keys=True).encode("UTF-8")
        return struct.pack(">I{}s".format(len(s)), len(s), s)


def logfiles_setup(args):
    in_host, in_port = wallaroo.tcp_parse_input_addrs(args)[0]
    out_host, out_port = wallaroo.tcp_parse_output_addrs(args)[0]
    ab = wallaroo.ApplicationBuilder("Apache Log file analysis")
    ab.new_pipeline("convert", wallaroo.TCPSourceConfig(in_host, in_port, LogDecoder()))
    ab.to_stateful(Count(), CounterBuilder(), "counter")
    ab.to_sink(wallaroo.TCPSinkConfig(out_host, out_port, LogEncoder()))
    return ab.build()


LOG = """64.242.88.10 - - [07/Mar/2004:16:24:16 -0800] "GET /twiki/bin/view/Main/ABlogPage HTTP/1.1" 200 4924
64.242.88.10 - - [07/Mar/2004:16:29:16 -0800] "GET /twiki/bin/edit/Main/Header_checks?topicparent=Main.ConfigurationVariables HTTP/1.1" 401 12851
64.242.88.10 - - [07/Mar/2004:16:30:29 -0800] "GET /twiki/bin/attach/Main/OfficeLocations HTTP/1.1" 401 12851
END_OF_DAY
64.242.88.10 - - [08/Mar/2004:06:11:48 -0800] "GET /twiki/bin/view/TWiki/AnotherPage HTTP/1.1" 200 3732
64.242.88.10 - - [08/Mar/2004:06:12:50 -0800] "GET /twiki/bin/view/Main/YetAnotherPage HTTP/1.1" 200 40520
END_OF_DAY
"""


class LogfilesExampleTest(unittest.TestCase):
    def test_model(self):
        app = logfiles_setup(["--in", "127.0.0.1:8002", "--out", "127.0.0.1:7002"])
        pipeline = app.pipelines[0]
        decoder = pipeline.source.decoder
        self.assertIsInstance(decoder, Decoder)
        self.assertEqual((decoder.header_length(), decoder.length_fmt, decoder.name), (4, ">I", "LogDecoder"))
        self.assertEqual(decoder.payload_length(b"\x00\x00\x01\x00"), 256)
        step = pipeline.steps[0]
        self.assertIsInstance(step.computation, StateComputation)
        self.assertEqual(step.computation.name, "Count return codes")
        self.assertEqual(step.state.name, "counter")
        self.assertTrue(step.state.factory_name.endswith("CounterBuilder"))
        self.assertIsInstance(step.state.factory(), LogCounter)
        self.assertIsInstance(pipeline.sinks[0].encoder, Encoder)

    def test_run_as_the_sender_sends_it(self):
        stream = b"".join(wallaroo.testing.frame(line + "\n") for line in LOG.splitlines())
        harness = wallaroo.testing.Harness(logfiles_setup)
        result = harness.send_stream(stream)
        self.assertEqual(result.errors, [])
        summaries = [json.loads(out[4:].decode("utf-8")) for out in result.outputs[0]]
        self.assertEqual(summaries, [{"200": 1, "401": 2}, {"200": 2}])
        for out in result.outputs[0]:
            self.assertEqual(struct.unpack(">I", out[:4])[0], len(out) - 4)


# -- adapters ------------------------------------------------------------------------------------

class Upper(object):
    def name(self):
        return "upper"

    def compute(self, data):
        return data.upper()


class Split(object):
    name = "split"  # a plain attribute works as well as a method

    def compute_multi(self, data):
        return data.split()


class CountWords(object):
    def name(self):
        return "count words"

    def compute(self, data, state):
        return ("%s=%d" % (data, state.add()), True)


class TotalBuilder(object):
    def name(self):
        return "total builder"

    def build(self):
        return Counter()


class LetterPartition(object):
    def partition(self, data):
        return data[0]


class TextDecoder(object):
    def header_length(self):
        return 2

    def payload_length(self, bs):
        return struct.unpack("<H", bs)[0]

    def decode(self, bs):
        return bs.decode("utf-8")


class TextEncoder(object):
    def encode(self, data):
        return data + "\n"


class Registry(object):
    """A state class that happens to have build() among other methods: it is the state."""

    def __init__(self):
        self.items = []

    def add(self, n=1):
        self.items.append(n)
        return len(self.items)

    def build(self):
        return list(self.items)


class ClassicAdapterTest(unittest.TestCase):
    def build(self, *steps, decoder=TextDecoder(), encoder=TextEncoder()):
        ab = wallaroo.ApplicationBuilder("classic").new_pipeline("p", wallaroo.TCPSourceConfig("h", 1, decoder))
        for method, args in steps:
            getattr(ab, method)(*args)
        return ab.to_sink(wallaroo.TCPSinkConfig("h", 2, encoder)).build()

    def test_instances(self):
        app = self.build(("to", (Upper(),)), ("to_parallel", (Split(),)),
                         ("to_state_partition", (CountWords(), TotalBuilder(), "words", LetterPartition(), ["A"])))
        steps = app.pipelines[0].steps
        self.assertEqual([s.name for s in steps], ["upper", "split", "count words"])
        self.assertEqual([s.computation.multi for s in steps], [False, True, False])
        self.assertIsInstance(steps[0].computation, Computation)
        self.assertEqual(steps[2].state.partition.name, "LetterPartition")
        source = app.pipelines[0].source.decoder
        self.assertEqual((source.header_length(), source.length_fmt), (2, "<H"))
        result = wallaroo.testing.run(app, ["a b a", "b"])
        self.assertEqual(result.texts(), ["A=1\n", "B=1\n", "A=2\n", "B=2\n"])

    def test_classes_instead_of_instances(self):
        app = self.build(("to", (Upper,)), ("to_parallel", (Split,)),
                         ("to_state_partition", (CountWords, TotalBuilder, "words", LetterPartition, None)),
                         decoder=TextDecoder, encoder=TextEncoder)
        self.assertEqual(wallaroo.testing.run(app, ["x y x"]).texts(), ["X=1\n", "Y=1\n", "X=2\n"])

    def test_builder_class_instance_and_state_class(self):
        for state in (TotalBuilder, TotalBuilder(), Counter):
            with self.subTest(state=state):
                app = self.build(("to_stateful", (CountWords(), state, "total")))
                self.assertIsInstance(app.pipelines[0].steps[0].state.factory(), Counter)

    def test_state_class_with_a_build_method_is_the_state(self):
        app = self.build(("to_stateful", (CountWords(), Registry, "reg")))
        self.assertIsInstance(app.pipelines[0].steps[0].state.factory(), Registry)

    def test_classic_and_decorated_mixed(self):
        app = self.build(("to", (Upper(),)), ("to_state_partition", (count, Counter, "c", first_letter, None)),
                         ("to", (wallaroo.computation("fmt")(lambda n: str(n)),)))
        self.assertEqual(wallaroo.testing.run(app, ["a", "a"]).texts(), ["1\n", "2\n"])

    def test_classic_kafka_encoder_and_decoder_without_framing(self):
        class KafkaDecoder(object):
            def decode(self, bs):
                return bs.decode("utf-8")

        class KafkaEncoder(object):
            def encode(self, data):
                return (data.encode("utf-8"), data[:1].encode("utf-8"))

        source = wallaroo.KafkaSourceConfig("in", [("k", "9092")], "Warn", KafkaDecoder())
        sink = wallaroo.KafkaSinkConfig("out", [("k", "9092")], "Warn", 0, 100000, KafkaEncoder())
        app = wallaroo.ApplicationBuilder("k").new_pipeline("p", source).to(Upper()).to_sink(sink).build()
        decoder = app.pipelines[0].source.decoder
        self.assertEqual((decoder.header_length(), decoder.length_fmt, decoder.payload_length_fn), (None, None, None))
        result = wallaroo.testing.run(app, [b"hi", b"yo"])
        self.assertEqual(result.outputs[0], [(b"HI", b"H"), (b"YO", b"Y")])

    def test_decoder_whose_payload_length_is_not_a_struct_format(self):
        class Inclusive(TextDecoder):
            def header_length(self):
                return 4

            def payload_length(self, bs):  # the header counts itself
                return struct.unpack(">I", bs)[0] - 4

        app = self.build(decoder=Inclusive())
        decoder = app.pipelines[0].source.decoder
        self.assertIsNone(decoder.length_fmt)
        self.assertEqual(decoder.payload_length(b"\x00\x00\x00\x09"), 5)
        stream = struct.pack(">I", 9) + b"hello" + struct.pack(">I", 6) + b"yo"
        result = wallaroo.testing.Harness(app).send_stream(stream)
        self.assertEqual(result.texts(), ["hello\n", "yo\n"])

    def test_header_length_as_an_attribute(self):
        class AttrDecoder(object):
            header_length = 1

            def payload_length(self, bs):
                return bs[0]

            def decode(self, bs):
                return bs.decode()

        app = self.build(decoder=AttrDecoder())
        self.assertEqual(app.pipelines[0].source.decoder.length_fmt, "B")


class ClassicErrorTest(unittest.TestCase):
    def pipeline(self):
        return wallaroo.ApplicationBuilder("app").new_pipeline("p", tcp_source())

    def assertError(self, action, *parts):
        with self.assertRaises(WallarooParameterError) as cm:
            action()
        for part in parts:
            self.assertIn(part, str(cm.exception))

    def test_seed_style_to_stateful_with_only_the_computation(self):
        self.assertError(lambda: self.pipeline().to_stateful(Count),
                         "to_stateful('Count return codes') needs a state class (or a builder with build())",
                         'to_stateful(computation, StateClass, "state name")')

    def test_class_that_cannot_be_created_without_arguments(self):
        class NeedsArg(Upper):
            def __init__(self, factor):
                self.factor = factor
        self.assertError(lambda: self.pipeline().to(NeedsArg), "NeedsArg was passed as a class",
                         "cannot be created without arguments", "pass an instance instead")

    def test_stateful_compute_given_to_to(self):
        self.assertError(lambda: self.pipeline().to(CountWords()),
                         "CountWords.compute(data, state) cannot be called with 1 positional argument",
                         "def compute(self, data)", "use to_stateful")

    def test_stateless_compute_given_to_to_stateful(self):
        self.assertError(lambda: self.pipeline().to_stateful(Upper(), Counter, "s"),
                         "Upper.compute(data) cannot be called with 2 positional arguments",
                         "def compute(self, data, state)", "use to(...)")

    def test_object_without_compute(self):
        self.assertError(lambda: self.pipeline().to(object()), "an object with name() and compute(data)")

    def test_bad_name(self):
        class BadName(Upper):
            def name(self):
                return 42
        self.assertError(lambda: self.pipeline().to(BadName()), "BadName.name() must return a non-empty str")

        class RaisingName(Upper):
            def name(self):
                raise RuntimeError("boom")
        self.assertError(lambda: self.pipeline().to(RaisingName()), "RaisingName.name() raised RuntimeError: boom")

    def test_decoder_missing_framing_for_tcp(self):
        class DecodeOnly(object):
            def decode(self, bs):
                return bs
        self.assertError(lambda: wallaroo.ApplicationBuilder("a").new_pipeline("p", tcp_source(DecodeOnly())),
                         "the classic decoder DecodeOnly needs header_length() and payload_length(bs)")

    def test_decoder_with_bad_header_length(self):
        for bad in (0, 9, "4", None):
            class Bad(TextDecoder):
                def header_length(self, value=bad):
                    return value
            with self.subTest(header_length=bad):
                self.assertError(lambda: wallaroo.ApplicationBuilder("a").new_pipeline("p", tcp_source(Bad())),
                                 "Bad.header_length() must return the header size in bytes, an int from 1 to 8")

    def test_decoder_with_wrong_signatures(self):
        class BadDecode(TextDecoder):
            def decode(self):
                return None
        self.assertError(lambda: wallaroo.ApplicationBuilder("a").new_pipeline("p", tcp_source(BadDecode())),
                         "def decode(self, bs)")

        class BadPayload(TextDecoder):
            def payload_length(self):
                return 0
        self.assertError(lambda: wallaroo.ApplicationBuilder("a").new_pipeline("p", tcp_source(BadPayload())),
                         "def payload_length(self, bs)")

    def test_encoder_with_wrong_signature(self):
        class BadEncoder(object):
            def encode(self, data, extra):
                return data
        self.assertError(lambda: self.pipeline().to_sink(tcp_sink(BadEncoder())), "def encode(self, data)")

    def test_partition_object_with_wrong_signature(self):
        class BadPartition(object):
            def partition(self):
                return 0
        self.assertError(lambda: self.pipeline().to_state_partition(count, Counter, "s", BadPartition(), None),
                         "def partition(self, data)")

    def test_builder_with_wrong_build_signature(self):
        class BadBuilder(object):
            def build(self, size):
                return Counter()
        self.assertError(lambda: self.pipeline().to_stateful(count, BadBuilder(), "s"), "def build(self)")

    def test_builtin_values_are_not_classic_objects(self):
        # str has a partition() method, but a str is no partition object.
        self.assertError(lambda: self.pipeline().to_state_partition(count, Counter, "s", "abc", None),
                         "must be decorated with @wallaroo.partition")
        self.assertError(lambda: self.pipeline().to(dict), "an object with name() and compute(data)")

    def test_state_instance_instead_of_class(self):
        self.assertError(lambda: self.pipeline().to_stateful(count, Counter(), "s"),
                         "pass the class Counter itself rather than an instance")

    def test_hint_only_when_it_fits(self):
        class ThreeArgs(object):
            def compute(self, a, b, c):
                return a
        with self.assertRaises(WallarooParameterError) as cm:
            self.pipeline().to(ThreeArgs())
        self.assertNotIn("use to_stateful", str(cm.exception))

    def test_state_none(self):
        self.assertError(lambda: self.pipeline().to_state_partition(count, None, "s", first_letter, None),
                         "needs a state class")


if __name__ == "__main__":
    unittest.main()
