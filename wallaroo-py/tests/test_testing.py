"""The in-process harness, wallaroo.testing."""
import pickle
import types
import unittest

import support
from support import Counter, count, first_letter, tcp_sink, tcp_source, text_decoder
import wallaroo
import wallaroo.testing
from wallaroo._runner import pickle_dumps, pickle_loads
from wallaroo.testing import Failure, Harness, frame, run, unframe


@wallaroo.computation(name="shout")
def shout(data):
    if data == "boom":
        raise RuntimeError("exploded")
    return data.upper() + "!"


@wallaroo.encoder
def line(data):
    return str(data) + "\n"


def make_module(**extra):
    """An application module, as the engine would import it."""
    module = types.ModuleType("shout_app")
    module.seen_args = []

    def application_setup(args):
        module.seen_args.append(list(args))
        in_host, in_port = wallaroo.tcp_parse_input_addrs(args)[0]
        out_host, out_port = wallaroo.tcp_parse_output_addrs(args)[0]
        ab = wallaroo.ApplicationBuilder("shout")
        ab.new_pipeline("shout", wallaroo.TCPSourceConfig(in_host, in_port, text_decoder))
        ab.to(shout)
        ab.to_sink(wallaroo.TCPSinkConfig(out_host, out_port, line))
        return ab.build()

    module.application_setup = application_setup
    for name, value in extra.items():
        setattr(module, name, value)
    return module


def two_pipeline_builder():
    ab = wallaroo.ApplicationBuilder("two")
    ab.new_pipeline("updates", tcp_source()).to_state_partition(count, Counter, "c", first_letter, None).done()
    ab.new_pipeline("queries", tcp_source(port=7001)).to_state_partition(count, Counter, "c", first_letter, None)
    ab.to_sink(tcp_sink(line))
    return ab


class RunTest(unittest.TestCase):
    def test_module(self):
        module = make_module()
        result = run(module, [b"hi", "there"])
        self.assertEqual(result.outputs, [[b"HI!\n", b"THERE!\n"]])
        self.assertEqual(result.texts(), ["HI!\n", "THERE!\n"])
        self.assertEqual(result.errors, [])
        self.assertEqual(module.seen_args, [wallaroo.testing.DEFAULT_ARGS])

    def test_args_are_passed_to_application_setup(self):
        module = make_module()
        run(module, [], args=["--in", "h:1", "--out", "h:2"])
        self.assertEqual(module.seen_args, [["--in", "h:1", "--out", "h:2"]])

    def test_setup_function_builder_and_application(self):
        module = make_module()
        for app in (module.application_setup, module.application_setup(wallaroo.testing.DEFAULT_ARGS)):
            with self.subTest(app=app):
                self.assertEqual(run(app, [b"a"]).outputs, [[b"A!\n"]])
        ab = wallaroo.ApplicationBuilder("b").new_pipeline("p", tcp_source()).to(shout).to_sink(tcp_sink(line))
        self.assertEqual(run(ab, [b"b"]).outputs, [[b"B!\n"]])

    def test_not_an_application(self):
        with self.assertRaises(TypeError) as cm:
            run(object(), [])
        self.assertIn("is not an application", str(cm.exception))
        bad = types.ModuleType("bad")
        bad.application_setup = lambda args: "nope"
        with self.assertRaises(TypeError) as cm:
            run(bad, [])
        self.assertIn("return ab.build()", str(cm.exception))

    def test_decoded_messages(self):
        result = run(make_module(), ["already", "decoded"], decoded=True)
        self.assertEqual(result.texts(), ["ALREADY!\n", "DECODED!\n"])

    def test_errors(self):
        result = run(make_module(), [b"a", b"boom", b"b"])
        self.assertEqual(result.texts(), ["A!\n", "B!\n"])
        self.assertEqual(result.errors, [Failure("shout", "RuntimeError: exploded", "'boom'")])
        failure = result.errors[0]
        self.assertEqual((failure.step, failure.error, failure.input), ("shout", "RuntimeError: exploded", "'boom'"))

    def test_a_single_message_must_be_wrapped_in_a_list(self):
        with self.assertRaises(TypeError) as cm:
            run(make_module(), b"hello")
        self.assertIn("wrap a single message in a list", str(cm.exception))
        with self.assertRaises(TypeError):
            run(make_module(), [3])  # not bytes: not silently three zero bytes

    def test_kafka_sink_outputs_are_value_key_pairs(self):
        kafka = wallaroo.encoder(lambda d: (d.encode(), d[:1] if d != "x" else None))
        sink = wallaroo.KafkaSinkConfig("t", [("k", "9092")], "Warn", 0, 1000, kafka)
        app = wallaroo.ApplicationBuilder("k").new_pipeline("p", tcp_source()).to_sink(sink).build()
        self.assertEqual(run(app, [b"ab", b"x"]).outputs, [[(b"ab", b"a"), (b"x", None)]])

    def test_several_sinks(self):
        upper = wallaroo.encoder(lambda d: d.upper())
        app = wallaroo.ApplicationBuilder("s").new_pipeline("p", tcp_source()).to_sinks(
            [tcp_sink(line), tcp_sink(upper)]).build()
        self.assertEqual(run(app, [b"a"]).outputs, [[b"a\n"], [b"A"]])


class HarnessTest(unittest.TestCase):
    def test_state_is_kept_across_calls_and_pipelines(self):
        harness = Harness(two_pipeline_builder())
        self.assertEqual(harness.send([b"apple", b"avocado"], pipeline="updates").outputs, [[]])
        result = harness.send([b"acorn", b"bee"], pipeline=1)
        self.assertEqual(result.texts(), ["3\n", "1\n"])
        self.assertEqual(harness.state("c", "a").count, 3)
        self.assertIsNone(harness.state("c", "z"))
        self.assertEqual(sorted(harness.states("c")), ["a", "b"])
        self.assertEqual(harness.total.texts(), ["3\n", "1\n"])

    def test_unknown_pipeline(self):
        harness = Harness(two_pipeline_builder())
        with self.assertRaises(KeyError):
            harness.send([], pipeline="nope")
        with self.assertRaises(IndexError):
            harness.send([], pipeline=5)

    def test_notices(self):
        ab = wallaroo.ApplicationBuilder("n").new_pipeline("p", tcp_source())
        ab.to_state_partition(count, Counter, "c", first_letter, ["a"]).to_sink(tcp_sink(line))
        result = Harness(ab).send([b"a", b"b"])
        self.assertEqual(len(result.notices), 1)
        self.assertIn("'b'", result.notices[0])

    def test_module_serialize_and_deserialize_are_used(self):
        def serialize(obj):
            return pickle.dumps(obj)

        def deserialize(blob):
            return pickle.loads(blob)

        harness = Harness(make_module(serialize=serialize, deserialize=deserialize))
        self.assertIs(harness.runner.serialize, serialize)
        self.assertIs(harness.runner.deserialize, deserialize)
        only_one = Harness(make_module(serialize=serialize))
        self.assertIs(only_one.runner.serialize, pickle_dumps, "one without the other: pickle for both")
        self.assertIs(only_one.runner.deserialize, pickle_loads)

    def test_send_stream(self):
        harness = Harness(make_module())
        result = harness.send_stream(frame("one") + frame(b"two") + frame(""))
        self.assertEqual(result.texts(), ["ONE!\n", "TWO!\n", "!\n"])


class FramingHelperTest(unittest.TestCase):
    def test_frame_and_unframe(self):
        self.assertEqual(frame("hé"), b"\x00\x00\x00\x03h\xc3\xa9")
        self.assertEqual(frame(b"ab", "<H"), b"\x02\x00ab")
        self.assertEqual(unframe(frame("a") + frame("bc"), text_decoder), [b"a", b"bc"])
        little = wallaroo.decoder(header_length=2, length_fmt="<H")(lambda bs: bs)
        self.assertEqual(unframe(frame("xyz", "<H"), little), [b"xyz"])

    def test_unframe_truncated(self):
        with self.assertRaises(ValueError) as cm:
            unframe(frame("abc")[:-1], text_decoder)
        self.assertIn("ends inside the payload", str(cm.exception))
        with self.assertRaises(ValueError) as cm:
            unframe(b"\x00\x00", text_decoder)
        self.assertIn("ends inside a header", str(cm.exception))


if __name__ == "__main__":
    unittest.main()
