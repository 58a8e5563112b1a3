"""The decorators: what they make, that the functions stay callable, and the signature checks."""
import functools
import inspect
import struct
import unittest

import support  # noqa: F401  (puts the package source on sys.path)
import wallaroo
from wallaroo import WallarooParameterError
from wallaroo.model import Computation, Decoder, Encoder, Partition, StateComputation


class DecoratorModelTest(unittest.TestCase):
    def test_computation(self):
        @wallaroo.computation(name="Double or Zero")
        def double_or_zero(data):
            """Doubles ints."""
            return data * 2 if isinstance(data, int) else 0

        self.assertIsInstance(double_or_zero, Computation)
        self.assertNotIsInstance(double_or_zero, StateComputation)
        self.assertEqual(double_or_zero.name, "Double or Zero")
        self.assertFalse(double_or_zero.multi)
        self.assertEqual(double_or_zero(21), 42)
        self.assertEqual(double_or_zero("x"), 0)
        self.assertEqual(double_or_zero.__name__, "double_or_zero")
        self.assertEqual(double_or_zero.__doc__, "Doubles ints.")
        self.assertEqual(list(inspect.signature(double_or_zero).parameters), ["data"])

    def test_computation_multi(self):
        @wallaroo.computation_multi(name="Identity and Double")
        def identity_and_double(data):
            return [data, data * 2] if isinstance(data, int) else None

        self.assertTrue(identity_and_double.multi)
        self.assertEqual(identity_and_double(3), [3, 6])
        self.assertIsNone(identity_and_double("x"))

    def test_state_computation(self):
        @wallaroo.state_computation(name="Compute Max")
        def compute_max(data, state):
            before = state["max"]
            state["max"] = max(before, data)
            return (state["max"], state["max"] > before)

        self.assertIsInstance(compute_max, StateComputation)
        self.assertFalse(compute_max.multi)
        state = {"max": 1}
        self.assertEqual(compute_max(5, state), (5, True))
        self.assertEqual(compute_max(2, state), (5, False))

    def test_state_computation_multi(self):
        @wallaroo.state_computation_multi(name="split and remember")
        def split(data, state):
            state.append(data)
            return (data.split(), True)

        self.assertIsInstance(split, StateComputation)
        self.assertTrue(split.multi)
        seen = []
        self.assertEqual(split("a b", seen), (["a", "b"], True))
        self.assertEqual(seen, ["a b"])

    def test_partition(self):
        @wallaroo.partition
        def by_letter(data):
            return data[0].lower() if data and data[0].isalpha() else ""

        self.assertIsInstance(by_letter, Partition)
        self.assertEqual(by_letter("Apple"), "a")
        self.assertEqual(by_letter("1"), "")
        self.assertEqual(by_letter.name, "by_letter")

    def test_partition_with_parentheses(self):
        @wallaroo.partition()
        def key(data):
            return data

        self.assertIsInstance(key, Partition)
        self.assertEqual(key(4), 4)

    def test_decoder_defaults(self):
        @wallaroo.decoder()
        def decode(bs):
            return bs.decode("utf-8")

        self.assertIsInstance(decode, Decoder)
        self.assertEqual((decode.header_length(), decode.length_fmt), (4, ">I"))
        self.assertIsNone(decode.payload_length_fn)
        self.assertEqual(decode(b"hi"), "hi")

    def test_decoder_seed_example(self):
        @wallaroo.decoder(header_length=4, length_fmt=">I")
        def decoder(bs):
            return struct.unpack(">1sL", bs)

        self.assertEqual(decoder(b"x\x00\x00\x00\x07"), (b"x", 7))

    def test_decoder_accepts_any_one_integer_format_of_1_to_8_bytes(self):
        formats = {1: ["B", "b", ">B", "<b"], 2: [">H", "<h", "!H", "=H", ">xB"],
                   4: [">I", "<i", "!I", ">L", "<l", ">2xH", "=I"], 8: [">Q", "<q", "!Q", ">4xI", "<q"],
                   3: [">xH", "<Hx", ">2xb"], 5: [">xI"], 6: [">2xI"], 7: [">3xI"]}
        for size, fmts in formats.items():
            for fmt in fmts:
                with self.subTest(fmt=fmt):
                    dec = wallaroo.decoder(header_length=size, length_fmt=fmt)(lambda bs: bs)
                    self.assertEqual((dec.header_length(), dec.length_fmt), (size, fmt))

    def test_encoder(self):
        @wallaroo.encoder
        def encode(data):
            return data.word + " => " + str(data.count) + "\n"

        class WordCount:
            word, count = "hi", 2

        self.assertIsInstance(encode, Encoder)
        self.assertEqual(encode(WordCount()), "hi => 2\n")

    def test_encoder_with_parentheses(self):
        @wallaroo.encoder()
        def encode(data):
            return b"x"

        self.assertIsInstance(encode, Encoder)

    def test_functions_with_defaults_varargs_partials_and_builtins(self):
        wallaroo.computation("defaults")(lambda data, extra=1: data)
        wallaroo.computation("varargs")(lambda *args: args)
        wallaroo.state_computation("partial")(functools.partial(lambda k, d, s: (d, False), 1))
        wallaroo.computation("builtin")(str.upper)
        wallaroo.computation("builtin 2")(len)
        wallaroo.encoder(str)
        wallaroo.partition(hash)

        class Callable:
            def __call__(self, data):
                return data
        self.assertEqual(wallaroo.computation("callable object")(Callable())(3), 3)


class SignatureErrorTest(unittest.TestCase):
    def assertMessage(self, cm, *parts):
        for part in parts:
            self.assertIn(part, str(cm.exception))

    def test_computation_with_two_arguments(self):
        with self.assertRaises(WallarooParameterError) as cm:
            @wallaroo.computation(name="Double")
            def double(data, state):
                return data
        self.assertMessage(cm, "@wallaroo.computation('Double')", "double(data, state)",
                           "1 positional argument", "def double(data)")

    def test_computation_multi_with_no_argument(self):
        with self.assertRaises(WallarooParameterError) as cm:
            wallaroo.computation_multi("none")(lambda: [])
        self.assertMessage(cm, "@wallaroo.computation_multi('none')", "def <lambda>(data)")

    def test_state_computation_with_one_argument(self):
        with self.assertRaises(WallarooParameterError) as cm:
            @wallaroo.state_computation(name="Count")
            def count(data):
                return (data, True)
        self.assertMessage(cm, "count(data)", "2 positional arguments", "def count(data, state)")

    def test_state_computation_multi_with_three_arguments(self):
        with self.assertRaises(WallarooParameterError) as cm:
            wallaroo.state_computation_multi("three")(lambda a, b, c: None)
        self.assertMessage(cm, "state_computation_multi('three')", "(data, state)")

    def test_keyword_only_parameter_without_default(self):
        with self.assertRaises(WallarooParameterError) as cm:
            wallaroo.computation("kw")(lambda data, *, flag: data)
        self.assertMessage(cm, "flag", "def <lambda>(data)")

    def test_partition_with_two_arguments(self):
        with self.assertRaises(WallarooParameterError) as cm:
            @wallaroo.partition
            def part(data, n):
                return data
        self.assertMessage(cm, "@wallaroo.partition", "def part(data)")

    def test_decoder_with_two_arguments(self):
        with self.assertRaises(WallarooParameterError) as cm:
            wallaroo.decoder()(lambda bs, extra: bs)
        self.assertMessage(cm, "@wallaroo.decoder", "(bs)")

    def test_encoder_with_no_argument(self):
        with self.assertRaises(WallarooParameterError) as cm:
            @wallaroo.encoder
            def enc():
                return b""
        self.assertMessage(cm, "@wallaroo.encoder", "def enc(data)")

    def test_decorating_something_not_callable(self):
        with self.assertRaises(WallarooParameterError) as cm:
            wallaroo.computation("x")(42)
        self.assertMessage(cm, "needs a function like def f(data)", "42")

    def test_computation_without_name(self):
        with self.assertRaises(WallarooParameterError) as cm:
            @wallaroo.computation
            def nameless(data):
                return data
        self.assertMessage(cm, '@wallaroo.computation(name="...")', "nameless")

    def test_computation_with_empty_name(self):
        for decorator in (wallaroo.computation, wallaroo.computation_multi,
                          wallaroo.state_computation, wallaroo.state_computation_multi):
            with self.subTest(decorator=decorator.__name__):
                with self.assertRaises(WallarooParameterError) as cm:
                    decorator("")
                self.assertMessage(cm, "non-empty str")

    def test_decoder_without_parentheses(self):
        with self.assertRaises(WallarooParameterError) as cm:
            @wallaroo.decoder
            def decode(bs):
                return bs
        self.assertMessage(cm, "needs parentheses", "def decode(bs)")


class DecoderFormatErrorTest(unittest.TestCase):
    def error(self, header_length, length_fmt):
        with self.assertRaises(WallarooParameterError) as cm:
            wallaroo.decoder(header_length=header_length, length_fmt=length_fmt)
        return str(cm.exception)

    def test_header_length_not_matching_format(self):
        message = self.error(2, ">I")
        self.assertIn("header_length=2 but length_fmt '>I' describes 4 bytes", message)
        self.assertIn("make them agree", message)
        self.assertIn("header_length=8 but length_fmt '>I' describes 4 bytes", self.error(8, ">I"))

    def test_format_with_two_integers(self):
        self.assertIn("must hold exactly one integer", self.error(4, ">HH"))
        self.assertIn("must hold exactly one integer", self.error(4, ">2H"))

    def test_format_with_no_integer(self):
        for fmt in (">f", ">4s", ">?", ">c", ">4x", ">e"):
            with self.subTest(fmt=fmt):
                self.assertIn("must hold exactly one integer", self.error(struct.calcsize(fmt), fmt))

    def test_format_mixing_integer_and_other_field(self):
        self.assertIn("must hold exactly one integer", self.error(4, ">Hcc"))

    def test_invalid_format(self):
        self.assertIn("is not a valid struct format", self.error(4, ">Z"))

    def test_empty_or_non_str_format(self):
        self.assertIn("struct format string", self.error(4, ""))
        self.assertIn("struct format string", self.error(4, None))

    def test_header_length_out_of_range_or_wrong_type(self):
        self.assertIn("1 to 8 bytes", self.error(0, ">I"))
        self.assertIn("1 to 8 bytes", self.error(16, ">QQ"))
        self.assertIn("must be an int", self.error("4", ">I"))
        self.assertIn("must be an int", self.error(True, "B"))


if __name__ == "__main__":
    unittest.main()
