"""The logfiles application under plain CPython, in-process with wallaroo.testing.

    PYTHONPATH=../../wallaroo-py python3 -m unittest test_logfiles -v
"""
import os
import unittest

import wallaroo.testing

import logfiles
import sender

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")
LINE = '1.2.3.4 - - [07/Mar/2004:16:05:49 -0800] "{request}" {status} 4523'


def payloads(result):
    """The JSON text of each framed summary the sink received (the 4-byte length cut off)."""
    return [framed[4:].decode("utf-8") for framed in result.outputs[0]]


class SummariesOfTheSampleDays(unittest.TestCase):
    def test_six_days_give_the_expected_summaries(self):
        harness = wallaroo.testing.Harness(logfiles)
        for day in range(1, 7):
            stream, _ = sender.day_messages(os.path.join(DATA, "day_%d.log" % day))
            harness.send_stream(stream)
        with open(os.path.join(DATA, "expected_summaries.jsonl"), encoding="utf-8") as f:
            expected = f.read().splitlines()
        self.assertEqual(payloads(harness.total), expected)
        self.assertEqual(harness.total.errors, [])


class CountingRules(unittest.TestCase):
    def run_lines(self, *messages):
        result = wallaroo.testing.run(logfiles, [m.encode("utf-8") for m in messages])
        self.assertEqual(result.errors, [])
        return payloads(result)

    def test_every_method_has_its_status_read(self):
        lines = [LINE.format(request=r, status=s) for r, s in
                 [("GET / HTTP/1.1", 200), ("POST /a HTTP/1.1", 200), ("HEAD /b HTTP/1.0", 304), ("-", 408)]]
        self.assertEqual(self.run_lines(*lines, "END_OF_DAY"),
                         ['{"counts": {"200": 2, "304": 1, "408": 1}, "day": "2004-03-07"}'])

    def test_unparseable_lines_are_counted_not_fatal(self):
        out = self.run_lines(LINE.format(request="GET / HTTP/1.1", status=200), "garbage", "",
                             LINE.format(request="GET / HTTP/1.1", status="OK"), "END_OF_DAY")
        self.assertEqual(out, ['{"counts": {"200": 1, "unparsed": 3}, "day": "2004-03-07"}'])

    def test_a_window_without_a_date_has_a_null_day(self):
        self.assertEqual(self.run_lines("garbage", "END_OF_DAY"),
                         ['{"counts": {"unparsed": 1}, "day": null}'])

    def test_an_empty_window_emits_nothing(self):
        out = self.run_lines("END_OF_DAY", LINE.format(request="GET / HTTP/1.1", status=401),
                             "END_OF_DAY", "END_OF_DAY")
        self.assertEqual(out, ['{"counts": {"401": 1}, "day": "2004-03-07"}'])

    def test_the_marker_not_the_date_closes_a_window(self):
        next_day = LINE.format(request="GET / HTTP/1.1", status=404).replace("07/Mar", "08/Mar")
        out = self.run_lines(LINE.format(request="GET / HTTP/1.1", status=200), next_day, "END_OF_DAY")
        self.assertEqual(out, ['{"counts": {"200": 1, "404": 1}, "day": "2004-03-07"}'])

    def test_line_endings_are_not_part_of_the_line(self):
        out = self.run_lines(LINE.format(request="GET / HTTP/1.1", status=200) + "\r\n", "END_OF_DAY\n")
        self.assertEqual(out, ['{"counts": {"200": 1}, "day": "2004-03-07"}'])

    def test_output_is_length_prefixed(self):
        result = wallaroo.testing.run(logfiles, [b"garbage", b"END_OF_DAY"])
        (framed,) = result.outputs[0]
        self.assertEqual(int.from_bytes(framed[:4], "big"), len(framed) - 4)


if __name__ == "__main__":
    unittest.main()
