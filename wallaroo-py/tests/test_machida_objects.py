"""Decorated objects are also Wallaroo's (Machida's) objects: name(), compute(...), decode(...),
encode(...), partition(...), and they pickle, as unit tests written against that API expect."""
import inspect
import pickle
import unittest

import machida_style as m
import support  # noqa: F401
import wallaroo


class MachidaProtocolTest(unittest.TestCase):
    def test_name_is_callable_and_still_a_str(self):
        self.assertEqual(m.double.name(), "double")
        self.assertEqual(m.double.name, "double")
        self.assertIsInstance(m.double.name(), str)
        self.assertIs(type(m.double.name()), str)
        self.assertEqual(f"{m.split.name}", "split words")
        self.assertEqual(m.first_letter.name(), "first_letter")
        self.assertEqual(m.decode.name(), "decode")
        self.assertEqual(m.encode.name(), "encode")

    def test_computation_methods(self):
        self.assertEqual(m.double.compute(21), 42)
        self.assertEqual(m.split.compute_multi("a b"), ["a", "b"])
        self.assertFalse(hasattr(m.double, "compute_multi"))
        self.assertFalse(hasattr(m.split, "compute"))
        with self.assertRaisesRegex(AttributeError, "compute_multi"):
            m.split.compute("a b")

    def test_state_computation_methods(self):
        total = m.Total()
        self.assertEqual(m.add.compute(5, total), (5, True))
        self.assertEqual(m.add.compute(2, total), (7, True))
        words = m.Words()
        self.assertEqual(m.remember.compute_multi("x y", words), (["x", "y"], True))
        self.assertEqual(words.words, ["x", "y"])

    def test_decoder_methods(self):
        self.assertEqual(m.decode.header_length(), 2)
        self.assertEqual(m.decode.payload_length(b"\x01\x02"), 258)
        self.assertEqual(m.decode.decode(b"hi"), "hi")

    def test_classic_decoder_payload_length_goes_to_its_own_function(self):
        class Odd(object):
            def header_length(self):
                return 3

            def payload_length(self, bs):
                return bs[0] + bs[2]

            def decode(self, bs):
                return bs

        ab = wallaroo.ApplicationBuilder("a")
        ab.new_pipeline("p", wallaroo.TCPSourceConfig("127.0.0.1", 1, Odd()))
        decoder = ab._pipelines[0].source.decoder
        self.assertEqual((decoder.header_length(), decoder.payload_length(b"\x01\x00\x02")), (3, 3))

    def test_encoder_and_partition_methods(self):
        self.assertEqual(m.encode.encode("ab"), b"\x00\x00\x00\x02ab")
        self.assertEqual(m.first_letter.partition("hello"), "h")

    def test_functions_stay_callable_and_show_the_users_function(self):
        self.assertEqual(m.double(4), 8)
        self.assertEqual(m.split("a b c"), ["a", "b", "c"])
        self.assertEqual(list(inspect.signature(m.add).parameters), ["data", "state"])
        self.assertEqual(m.double.__doc__, "Doubles.")
        self.assertEqual(m.double.__wrapped__(3), 6)
        self.assertIn("Doubles.", pydoc_text(m.double))


class PicklingTest(unittest.TestCase):
    def test_every_kind_round_trips_to_the_same_working_object(self):
        for obj in (m.double, m.split, m.add, m.remember, m.first_letter, m.decode, m.encode):
            with self.subTest(obj=obj):
                for protocol in range(pickle.HIGHEST_PROTOCOL + 1):
                    loaded = pickle.loads(pickle.dumps(obj, protocol))
                    self.assertIs(loaded, obj)
        self.assertEqual(pickle.loads(pickle.dumps(m.double)).compute(5), 10)
        self.assertEqual(pickle.loads(pickle.dumps(m.decode)).decode(b"x"), "x")

    def test_a_decorated_function_nested_in_a_class(self):
        loaded = pickle.loads(pickle.dumps(m.Holder.upper))
        self.assertIs(loaded, m.Holder.upper)
        self.assertEqual(loaded.compute("a"), "A")

    def test_inside_a_pickled_structure(self):
        loaded = pickle.loads(pickle.dumps({"steps": [m.double, m.add], "n": 1}))
        self.assertIs(loaded["steps"][0], m.double)

    def test_a_classic_computation_pickles_by_value(self):
        ab = wallaroo.ApplicationBuilder("a")
        ab.new_pipeline("p", wallaroo.TCPSourceConfig("127.0.0.1", 1, m.decode))
        ab.to(Shout)
        comp = ab._pipelines[0].steps[0].computation
        loaded = pickle.loads(pickle.dumps(comp))
        self.assertEqual((loaded.name(), loaded.compute("a")), ("shout", "A!"))

    def test_a_function_that_is_not_module_level_says_why_it_cannot_pickle(self):
        @wallaroo.computation(name="local")
        def local(data):
            return data

        with self.assertRaises((pickle.PicklingError, AttributeError, TypeError)):
            pickle.dumps(local)


class Shout(object):
    def name(self):
        return "shout"

    def compute(self, data):
        return data.upper() + "!"


def pydoc_text(obj):
    import pydoc
    return pydoc.render_doc(obj, renderer=pydoc.plaintext)


if __name__ == "__main__":
    unittest.main()
