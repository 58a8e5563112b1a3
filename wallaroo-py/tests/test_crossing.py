"""The packed form messages take between lanes keeps values and their types exactly."""
import pickle
import unittest

from wallaroo._crossing import Outbox, pack, unpack


class Point:
    def __init__(self, x, y):
        self.x, self.y = x, y

    def __eq__(self, other):
        return isinstance(other, Point) and (self.x, self.y) == (other.x, other.y)


def round_trip(codes, keys, values, serialize=pickle.dumps, deserialize=pickle.loads):
    packed = pack(codes, keys, values, serialize)
    assert isinstance(packed, str)
    return unpack(packed, deserialize)


class CrossingTest(unittest.TestCase):
    def test_str_columns_travel_as_joined_text(self):
        codes, keys, values = round_trip([3, 3, 3], ["a", "b", ""], ["apple", "", "banana"])
        self.assertEqual(3, codes)
        self.assertEqual(["a", "b", ""], keys)
        self.assertEqual(["apple", "", "banana"], values)

    def test_a_str_holding_nul_still_arrives_whole(self):
        _, _, values = round_trip([1, 1], ["k", "k"], ["a\x00b", "c"])
        self.assertEqual(["a\x00b", "c"], values)

    def test_mixed_codes_and_plain_data_keep_their_types(self):
        values = [("w", 1, 2.5), {"a": [1, 2]}, b"raw", None, True, 7]
        codes, keys, out = round_trip([1, 2, 1, 2, 1, 2], [1, 2, 3, 4, 5, 6], values)
        self.assertEqual([1, 2, 1, 2, 1, 2], codes)
        self.assertEqual([1, 2, 3, 4, 5, 6], keys)
        self.assertEqual(values, out)
        self.assertIs(tuple, type(out[0]))

    def test_buffers_are_not_turned_into_bytes(self):
        _, _, out = round_trip([1], ["k"], [bytearray(b"xy")])
        self.assertIs(bytearray, type(out[0]))

    def test_user_objects_go_through_serialize(self):
        calls = []

        def serialize(obj):
            calls.append(obj)
            return pickle.dumps(obj)

        _, keys, values = round_trip([1, 1], [("t", 1), ("t", 2)], ["plain", Point(1, 2)], serialize)
        self.assertEqual([("t", 1), ("t", 2)], keys)
        self.assertEqual(["plain", Point(1, 2)], values)
        self.assertEqual([Point(1, 2)], calls)

    def test_all_none_keys(self):
        _, keys, values = round_trip([1, 1], [None, None], ["x", "y"])
        self.assertIsNone(keys)  # the receiver repeats None for every message
        self.assertEqual(["x", "y"], values)

    def test_outbox_empties_when_taken(self):
        box = Outbox()
        box.codes.append(1)
        box.keys.append("k")
        box.values.append("v")
        self.assertEqual(1, len(box))
        packed = box.take(pickle.dumps)
        self.assertEqual(0, len(box))
        self.assertEqual((1, ["k"], ["v"]), unpack(packed, pickle.loads))

    def test_rejects_text_that_is_not_a_crossing(self):
        with self.assertRaises(ValueError):
            unpack("garbage", pickle.loads)


if __name__ == "__main__":
    unittest.main()
