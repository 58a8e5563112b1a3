"""ApplicationBuilder: every method, both calling styles, and every validation error."""
import unittest

import support
from support import Counter, count, first_letter, tcp_sink, tcp_source, text_decoder
import wallaroo
from wallaroo import WallarooParameterError
from wallaroo.model import Application


@wallaroo.computation(name="upper")
def upper(data):
    return data.upper()


@wallaroo.computation_multi(name="split")
def split(data):
    return data.split()


@wallaroo.state_computation_multi(name="count many")
def count_many(data, state):
    return ([state.add()], True)


@wallaroo.partition
def by_number(data):
    return int(data) % 4


class OtherCounter(object):
    def __init__(self):
        self.count = 0


class BuilderTest(unittest.TestCase):
    def test_statement_style(self):
        ab = wallaroo.ApplicationBuilder("My Application")
        ab.new_pipeline("pipeline 1", tcp_source())
        ab.to(upper)
        ab.to_sink(tcp_sink())
        app = ab.build()
        self.assertIsInstance(app, Application)
        self.assertEqual(app.name, "My Application")
        self.assertEqual(len(app.pipelines), 1)
        pipeline = app.pipelines[0]
        self.assertEqual(pipeline.name, "pipeline 1")
        self.assertEqual(pipeline.source.kind, "tcp")
        self.assertIs(pipeline.source.decoder, text_decoder)
        self.assertEqual([s.computation for s in pipeline.steps], [upper])
        self.assertFalse(pipeline.steps[0].parallel)
        self.assertIsNone(pipeline.steps[0].state)
        self.assertEqual(len(pipeline.sinks), 1)
        self.assertEqual(pipeline.sinks[0].kind, "tcp")

    def test_chained_style_with_every_step_kind(self):
        keys = list("abcdefghijklmnopqrstuvwxyz")
        app = (wallaroo.ApplicationBuilder("chained")
               .new_pipeline("p", tcp_source())
               .to(upper)
               .to_parallel(split)
               .to_stateful(count, Counter, "total")
               .to_state_partition(count_many, Counter, "letters", first_letter, keys)
               .to_state_partition_u64(count, Counter, "numbers", by_number, [0, 1, 2, 3])
               .to_sinks([tcp_sink(port=7100), tcp_sink(port=7101)])
               .done()
               .build())
        steps = app.pipelines[0].steps
        self.assertEqual([s.name for s in steps], ["upper", "split", "count", "count many", "count"])
        self.assertEqual([s.parallel for s in steps], [False, True, False, False, False])
        total, letters, numbers = steps[2].state, steps[3].state, steps[4].state
        self.assertEqual((total.name, total.partition, total.keys, total.u64), ("total", None, None, False))
        self.assertIs(total.factory, Counter)
        self.assertTrue(total.factory_name.endswith("Counter"))
        self.assertEqual((letters.name, letters.keys, letters.u64), ("letters", keys, False))
        self.assertIs(letters.partition, first_letter)
        self.assertTrue(letters.partitioned)
        self.assertEqual((numbers.keys, numbers.u64), ([0, 1, 2, 3], True))
        self.assertEqual([s.port for s in app.pipelines[0].sinks], [7100, 7101])

    def test_pipeline_with_only_source_and_sink(self):
        app = wallaroo.ApplicationBuilder("a").new_pipeline("p", tcp_source()).to_sink(tcp_sink()).build()
        self.assertEqual(app.pipelines[0].steps, [])

    def test_several_pipelines_each_with_its_own_source(self):
        ab = wallaroo.ApplicationBuilder("two")
        ab.new_pipeline("first", tcp_source(port=7000)).to(upper).to_sink(tcp_sink(port=7100)).done()
        ab.new_pipeline("second", tcp_source(port=7001)).to(split).to_sink(tcp_sink(port=7101)).done()
        app = ab.build()
        self.assertEqual([p.name for p in app.pipelines], ["first", "second"])
        self.assertEqual([p.source.port for p in app.pipelines], [7000, 7001])

    def test_pipeline_ending_with_done_and_no_sink_is_legal_when_another_has_one(self):
        ab = wallaroo.ApplicationBuilder("two")
        ab.new_pipeline("updates", tcp_source(port=7000)).to_stateful(count, Counter, "shared").done()
        ab.new_pipeline("queries", tcp_source(port=7001)).to_stateful(count, Counter, "shared")
        ab.to_sink(tcp_sink())
        app = ab.build()
        self.assertEqual([len(p.sinks) for p in app.pipelines], [0, 1])

    def test_new_pipeline_without_done_ends_the_previous_one(self):
        ab = wallaroo.ApplicationBuilder("a")
        ab.new_pipeline("one", tcp_source()).to_sink(tcp_sink())
        ab.new_pipeline("two", tcp_source(port=7001)).to(upper).to_sink(tcp_sink())
        self.assertEqual([len(p.steps) for p in ab.build().pipelines], [0, 1])

    def test_shared_state_across_pipelines(self):
        ab = wallaroo.ApplicationBuilder("shared")
        ab.new_pipeline("one", tcp_source()).to_state_partition(count, Counter, "s", first_letter, ["a"])
        ab.to_sink(tcp_sink()).done()
        ab.new_pipeline("two", tcp_source(port=7001)).to_state_partition(count, Counter, "s", first_letter, ["a"])
        ab.to_sink(tcp_sink()).done()
        app = ab.build()
        self.assertEqual({p.steps[0].state.name for p in app.pipelines}, {"s"})

    def test_keys_may_be_omitted_and_any_hashable(self):
        app = (wallaroo.ApplicationBuilder("k").new_pipeline("p", tcp_source())
               .to_state_partition(count, Counter, "none", first_letter)
               .to_state_partition(count, Counter, "mixed", first_letter, [("a", 1), 2, "x", None, frozenset()])
               .to_state_partition_u64(count, Counter, "big", by_number, [0, 2 ** 64 - 1])
               .to_sink(tcp_sink()).build())
        self.assertIsNone(app.pipelines[0].steps[0].state.keys)
        self.assertEqual(len(app.pipelines[0].steps[1].state.keys), 5)

    def test_partition_keys_from_any_iterable(self):
        app = (wallaroo.ApplicationBuilder("k").new_pipeline("p", tcp_source())
               .to_state_partition(count, Counter, "s", first_letter, (c for c in "abc"))
               .to_sink(tcp_sink()).build())
        self.assertEqual(app.pipelines[0].steps[0].state.keys, ["a", "b", "c"])

    def test_user_configs_are_not_modified(self):
        class ClassicEncoder:
            def encode(self, data):
                return data

        sink = wallaroo.TCPSinkConfig("h", 1, ClassicEncoder())
        before = sink.encoder
        wallaroo.ApplicationBuilder("a").new_pipeline("p", tcp_source()).to_sink(sink).build()
        self.assertIs(sink.encoder, before)

    def test_build_twice(self):
        ab = wallaroo.ApplicationBuilder("a").new_pipeline("p", tcp_source()).to_sink(tcp_sink())
        self.assertEqual(ab.build().name, ab.build().name)

    def test_kafka_pipeline(self):
        source = wallaroo.KafkaSourceConfig("in", [("k", "9092")], "Warn", text_decoder)
        sink = wallaroo.KafkaSinkConfig("out", [("k", "9092")], "Warn", 0, 100000,
                                        wallaroo.encoder(lambda d: (d, None)))
        app = wallaroo.ApplicationBuilder("k").new_pipeline("p", source).to(upper).to_sink(sink).build()
        self.assertEqual((app.pipelines[0].source.kind, app.pipelines[0].sinks[0].kind), ("kafka", "kafka"))


class BuilderErrorTest(unittest.TestCase):
    def assertError(self, action, *parts):
        with self.assertRaises(WallarooParameterError) as cm:
            action()
        for part in parts:
            self.assertIn(part, str(cm.exception))
        return str(cm.exception)

    def pipeline(self):
        return wallaroo.ApplicationBuilder("app").new_pipeline("p", tcp_source())

    def test_error_is_a_value_error(self):
        self.assertTrue(issubclass(WallarooParameterError, ValueError))

    def test_application_name(self):
        self.assertError(lambda: wallaroo.ApplicationBuilder(""), "application's name")
        self.assertError(lambda: wallaroo.ApplicationBuilder(None), "application's name")

    def test_steps_before_any_new_pipeline(self):
        for method, args in (("to", (upper,)), ("to_parallel", (upper,)),
                             ("to_stateful", (count, Counter, "s")),
                             ("to_state_partition", (count, Counter, "s", first_letter, ["a"])),
                             ("to_state_partition_u64", (count, Counter, "s", by_number, [1])),
                             ("to_sink", (tcp_sink(),)), ("to_sinks", ([tcp_sink()],))):
            with self.subTest(method=method):
                ab = wallaroo.ApplicationBuilder("app")
                self.assertError(lambda: getattr(ab, method)(*args),
                                 f"{method}() was called before any pipeline was started",
                                 "new_pipeline(name, source_config) first")

    def test_done_before_any_pipeline(self):
        self.assertError(lambda: wallaroo.ApplicationBuilder("a").done(), "done() was called before any pipeline")

    def test_steps_after_done(self):
        ab = self.pipeline().to_sink(tcp_sink()).done()
        self.assertError(lambda: ab.to(upper), "to() was called after done() ended pipeline 'p'",
                         "new_pipeline")

    def test_steps_after_a_sink(self):
        ab = self.pipeline().to_sink(tcp_sink())
        self.assertError(lambda: ab.to(upper), "to() was called after the sink of pipeline 'p'",
                         "add steps before to_sink")
        self.assertError(lambda: ab.to_stateful(count, Counter, "s"), "to_stateful() was called after the sink")
        self.assertError(lambda: ab.to_sink(tcp_sink()), "to_sink() was called after the sink")

    def test_duplicate_pipeline_names(self):
        ab = self.pipeline().to_sink(tcp_sink()).done()
        self.assertError(lambda: ab.new_pipeline("p", tcp_source()),
                         "already a pipeline named 'p'", "its own name")

    def test_bad_pipeline_name_or_source(self):
        ab = wallaroo.ApplicationBuilder("a")
        self.assertError(lambda: ab.new_pipeline("", tcp_source()), "pipeline's name")
        self.assertError(lambda: ab.new_pipeline("p", "127.0.0.1:7000"), "needs a source config",
                         "TCPSourceConfig")

    def test_source_without_a_decoder(self):
        def plain(bs):
            return bs
        self.assertError(lambda: wallaroo.ApplicationBuilder("a").new_pipeline("p", tcp_source(decoder=plain)),
                         "the source of pipeline 'p' needs a decoder", "plain is a plain function",
                         "@wallaroo.decoder")
        self.assertError(lambda: wallaroo.ApplicationBuilder("a").new_pipeline("p", tcp_source(decoder=None)),
                         "needs a decoder")

    def test_no_sink_anywhere(self):
        ab = self.pipeline().to(upper).done()
        self.assertError(ab.build, "no pipeline has a sink", "to_sink(...)")
        self.assertError(self.pipeline().build, "no pipeline has a sink")

    def test_no_pipeline(self):
        self.assertError(wallaroo.ApplicationBuilder("a").build, "has no pipeline")

    def test_same_state_name_with_different_state_class(self):
        ab = self.pipeline().to_stateful(count, Counter, "s").to_stateful(count, OtherCounter, "s")
        ab.to_sink(tcp_sink())
        self.assertError(ab.build, "state 's' is made by", "Counter", "OtherCounter",
                         "same state class", "different names")

    def test_same_state_name_partitioned_and_not(self):
        ab = self.pipeline().to_stateful(count, Counter, "s")
        ab.to_state_partition(count, Counter, "s", first_letter, ["a"]).to_sink(tcp_sink())
        self.assertError(ab.build, "state 's' is a single state (to_stateful)", "partitioned (to_state_partition)",
                         "different state names")

    def test_same_state_name_with_and_without_u64(self):
        ab = self.pipeline().to_state_partition(count, Counter, "s", by_number, [1])
        ab.to_state_partition_u64(count, Counter, "s", by_number, [1]).to_sink(tcp_sink())
        self.assertError(ab.build, "partitioned (to_state_partition)", "u64 keys")

    def test_same_state_partition_with_different_keys(self):
        ab = self.pipeline().to_state_partition(count, Counter, "s", first_letter, ["a"])
        ab.to_state_partition(count, Counter, "s", first_letter, ["a", "b"]).to_sink(tcp_sink())
        self.assertError(ab.build, "state partition 's' lists different partition keys")

    def test_same_state_across_pipelines_with_different_class(self):
        ab = wallaroo.ApplicationBuilder("a")
        ab.new_pipeline("one", tcp_source()).to_stateful(count, Counter, "s").to_sink(tcp_sink()).done()
        ab.new_pipeline("two", tcp_source()).to_stateful(count, OtherCounter, "s").done()
        self.assertError(ab.build, "pipeline 'one'", "pipeline 'two'")

    def test_duplicate_partition_keys(self):
        self.assertError(lambda: self.pipeline().to_state_partition(count, Counter, "s", first_letter, ["a", "b", "a"]),
                         "partition key 'a' is listed more than once")
        self.assertError(lambda: self.pipeline().to_state_partition_u64(count, Counter, "s", by_number, [1, 2, 1]),
                         "partition key 1 is listed more than once")

    def test_unhashable_partition_keys(self):
        self.assertError(lambda: self.pipeline().to_state_partition(count, Counter, "s", first_letter, [["a"]]),
                         "partition key ['a'] is unhashable", "tuple instead of a list", "__hash__")

    def test_partition_keys_as_a_string(self):
        self.assertError(lambda: self.pipeline().to_state_partition(count, Counter, "s", first_letter, "abc"),
                         "must be a list of keys", "list('abc')")

    def test_partition_keys_not_iterable(self):
        self.assertError(lambda: self.pipeline().to_state_partition(count, Counter, "s", first_letter, 5),
                         "must be a list of keys")

    def test_u64_keys_negative_or_not_int(self):
        for bad in (-1, 1.0, "1", True, 2 ** 64):
            with self.subTest(key=bad):
                self.assertError(
                    lambda: self.pipeline().to_state_partition_u64(count, Counter, "s", by_number, [0, bad]),
                    f"partition key {bad!r} is not a non-negative int below 2**64")

    def test_partition_function_without_decorator(self):
        def part(data):
            return data[0]
        self.assertError(lambda: self.pipeline().to_state_partition(count, Counter, "s", part, ["a"]),
                         "must be decorated with @wallaroo.partition")
        self.assertError(lambda: self.pipeline().to_state_partition_u64(count, Counter, "s", None, [1]),
                         "must be decorated with @wallaroo.partition")

    def test_state_names(self):
        self.assertError(lambda: self.pipeline().to_stateful(count, Counter, ""), "state_name as a non-empty str")
        self.assertError(lambda: self.pipeline().to_state_partition(count, Counter, 3, first_letter, ["a"]),
                         "state_partition_name as a non-empty str")

    def test_to_stateful_without_state(self):
        self.assertError(lambda: self.pipeline().to_stateful(count), "to_stateful('count') needs a state class",
                         'to_stateful(computation, StateClass, "state name")')

    def test_state_class_needing_arguments(self):
        class NeedsArgs:
            def __init__(self, start):
                self.start = start
        self.assertError(lambda: self.pipeline().to_stateful(count, NeedsArgs, "s"),
                         "cannot be created without arguments", "builder")

    def test_stateless_computation_given_to_a_stateful_method(self):
        self.assertError(lambda: self.pipeline().to_stateful(upper, Counter, "s"),
                         "'upper' is a stateless computation", "@wallaroo.state_computation")
        self.assertError(lambda: self.pipeline().to_state_partition(upper, Counter, "s", first_letter),
                         "'upper' is a stateless computation")

    def test_state_computation_given_to_to(self):
        self.assertError(lambda: self.pipeline().to(count), "'count' is a state computation", "to_stateful")
        self.assertError(lambda: self.pipeline().to_parallel(count), "'count' is a state computation")

    def test_undecorated_function_given_to_to(self):
        def plain(data):
            return data
        self.assertError(lambda: self.pipeline().to(plain), "plain is a plain function",
                         "@wallaroo.computation(name=...)")
        self.assertError(lambda: self.pipeline().to_stateful(lambda d, s: (d, True), Counter, "s"),
                         "@wallaroo.state_computation(name=...)")

    def test_bad_sink_configs(self):
        self.assertError(lambda: self.pipeline().to_sink("out"), "is not a sink config")
        self.assertError(lambda: self.pipeline().to_sinks([]), "needs at least one sink config")
        self.assertError(lambda: self.pipeline().to_sinks(tcp_sink()), "needs a list of sink configs")
        self.assertError(lambda: self.pipeline().to_sink(wallaroo.TCPSinkConfig("h", 1, str.upper)),
                         "needs an encoder")


if __name__ == "__main__":
    unittest.main()
