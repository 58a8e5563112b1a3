"""The code-object shortcut in wallaroo._checks must agree with inspect.signature."""
import inspect
import unittest

from wallaroo import _checks


def _by_inspect(fn, nargs):
    try:
        inspect.signature(fn).bind(*range(nargs))
    except TypeError:
        return False
    return True


class Holder:
    def one(self, data):
        return data

    def two(self, data, state=None):
        return data


class WithInit:
    def __init__(self, size=3):
        self.size = size


class NeedsArg:
    def __init__(self, size):
        self.size = size


class QuickBindsTest(unittest.TestCase):
    def test_agrees_with_inspect(self):
        def none():
            pass

        def one(data):
            pass

        def default(data, state=None):
            pass

        def varargs(*args):
            pass

        def kwonly_required(data, *, flag):
            pass

        def kwonly_default(data, *, flag=True):
            pass

        def posonly(data, /, state):
            pass

        cases = [none, one, default, varargs, kwonly_required, kwonly_default, posonly,
                 Holder().one, Holder().two, lambda a, b=2: a]
        for fn in cases:
            for nargs in range(4):
                with self.subTest(fn=fn, nargs=nargs):
                    self.assertEqual(_checks._quick_binds(fn, nargs), _by_inspect(fn, nargs))

    def test_other_callables_are_left_to_inspect(self):
        self.assertIsNone(_checks._quick_binds(len, 1))
        self.assertIsNone(_checks._quick_binds(Holder, 0))

    def test_constructors(self):
        self.assertTrue(_checks.constructor_binds(Holder))
        self.assertTrue(_checks.constructor_binds(WithInit))
        self.assertFalse(_checks.constructor_binds(NeedsArg))


if __name__ == "__main__":
    unittest.main()
