"""Recognising classic payload_length functions as struct formats."""
import struct
import unittest

import support  # noqa: F401
from wallaroo._framing import infer_length_fmt, length_fmt_problem


def unpacker(fmt):
    return lambda bs: struct.unpack(fmt, bs)[0]


class InferLengthFmtTest(unittest.TestCase):
    def test_every_standard_format_is_recognised(self):
        for size, fmts in {1: ["B", "b"], 2: [">H", "<H", ">h", "<h"], 4: [">I", "<I", ">i", "<i"],
                           8: [">Q", "<Q", ">q", "<q"]}.items():
            for fmt in fmts:
                with self.subTest(fmt=fmt):
                    self.assertEqual(infer_length_fmt(size, unpacker(fmt)), fmt)

    def test_equivalent_spellings_map_to_the_standard_one(self):
        self.assertEqual(infer_length_fmt(4, unpacker("!I")), ">I")
        self.assertEqual(infer_length_fmt(4, unpacker(">L")), ">I")
        self.assertEqual(infer_length_fmt(1, unpacker(">B")), "B")
        self.assertEqual(infer_length_fmt(4, lambda bs: int.from_bytes(bs, "big")), ">I")
        self.assertEqual(infer_length_fmt(4, lambda bs: int.from_bytes(bs, "little", signed=True)), "<i")

    def test_functions_that_are_not_a_plain_unpack(self):
        self.assertIsNone(infer_length_fmt(4, lambda bs: struct.unpack(">I", bs)[0] - 4))
        self.assertIsNone(infer_length_fmt(4, lambda bs: min(struct.unpack(">I", bs)[0], 1000)))
        self.assertIsNone(infer_length_fmt(4, lambda bs: 10))
        self.assertIsNone(infer_length_fmt(4, lambda bs: str(struct.unpack(">I", bs)[0])))
        self.assertIsNone(infer_length_fmt(4, lambda bs: struct.unpack(">I", bs)[0] > 0))

    def test_function_that_raises_on_some_headers(self):
        def checked(bs):
            n = struct.unpack(">i", bs)[0]
            if n < 0:
                raise ValueError("negative length")
            return n
        self.assertIsNone(infer_length_fmt(4, checked))

    def test_sizes_without_a_standard_format(self):
        self.assertIsNone(infer_length_fmt(3, lambda bs: int.from_bytes(bs, "big")))
        self.assertIsNone(infer_length_fmt(None, unpacker(">I")))
        self.assertIsNone(infer_length_fmt(0, unpacker(">I")))

    def test_probes_are_distinct_headers_of_the_right_size(self):
        seen = []
        infer_length_fmt(2, lambda bs: seen.append(bytes(bs)) or 0)
        self.assertGreaterEqual(len(set(seen)), 5)
        self.assertTrue(all(len(s) == 2 for s in seen))


class LengthFmtProblemTest(unittest.TestCase):
    def test_good(self):
        for size, fmt in ((4, ">I"), (1, "b"), (8, "<Q"), (3, ">xH"), (8, "@q"), (8, "@l")):
            self.assertIsNone(length_fmt_problem(size, fmt), fmt)

    def test_bad(self):
        self.assertIn("describes 4 bytes", length_fmt_problem(2, ">I"))
        self.assertIn("exactly one integer", length_fmt_problem(8, ">d"))
        self.assertIn("exactly one integer", length_fmt_problem(8, "@P"))
        self.assertIn("exactly one integer", length_fmt_problem(4, ">I0s"))


if __name__ == "__main__":
    unittest.main()
