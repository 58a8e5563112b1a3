"""Loading an application: a dependency that is a C extension built for CPython is named, with
why it cannot load and what to do, on CPython and on GraalPy alike."""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

import support  # noqa: F401
from wallaroo import _bridge


class CExtensionTest(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp()
        self.addCleanup(shutil.rmtree, self.dir, True)
        sys.path.insert(0, self.dir)
        self.addCleanup(sys.path.remove, self.dir)
        self.argv = sys.argv
        self.addCleanup(setattr, sys, "argv", self.argv)

    def app(self, module, imports):
        with open(os.path.join(self.dir, module + ".py"), "w") as f:
            f.write("import %s\n\ndef application_setup(args):\n    return None\n" % imports)
        self.addCleanup(sys.modules.pop, module, None)

    def binary(self, *parts):
        path = os.path.join(self.dir, *parts)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "wb") as f:
            f.write(b"\x7fELF not really")
        return path

    def test_a_cpython_extension_of_another_version(self):
        so = self.binary("fastthing.cpython-39-x86_64-linux-gnu.so")
        self.app("uses_fastthing", "fastthing")
        result = _bridge.load("uses_fastthing", [])
        self.assertEqual(result.kind, "c-extension", result.message)
        self.assertIn("needs 'fastthing', a C extension built for CPython (%s)" % so, result.message)
        self.assertIn("GraalPy cannot load", result.message)
        self.assertIn("docs/porting.md", result.message)
        self.assertIn("Traceback", result.trace)

    def test_a_c_extension_inside_a_package(self):
        self.binary("speedy", "_core.cpython-310-x86_64-linux-gnu.so")
        with open(os.path.join(self.dir, "speedy", "__init__.py"), "w") as f:
            f.write("from speedy._core import go\n")
        self.addCleanup(sys.modules.pop, "speedy", None)
        self.app("uses_speedy", "speedy")
        result = _bridge.load("uses_speedy", [])
        self.assertEqual(result.kind, "c-extension", result.message)
        self.assertIn("needs 'speedy._core'", result.message)

    def test_a_binary_the_interpreter_tries_and_fails_to_load(self):
        self.binary("broken_native.so")  # every interpreter tries a plain .so, and fails on this one
        self.app("uses_broken", "broken_native")
        result = _bridge.load("uses_broken", [])
        self.assertEqual(result.kind, "c-extension", result.message + result.trace)
        self.assertIn("broken_native.so", result.message)

    def test_a_missing_pure_python_module_is_still_just_missing(self):
        self.app("uses_nothing", "no_such_module_here")
        result = _bridge.load("uses_nothing", [])
        self.assertEqual(result.kind, "import-failed")
        self.assertIn("imports 'no_such_module_here', which cannot be found", result.message)


class ImportCostTest(unittest.TestCase):
    """What the engine imports before it is ready is paid for in a cold GraalPy context (seconds
    for typing or inspect, most of a second for pickle with re and enum), so the bridge imports
    none of them; they load when something first needs them."""

    @unittest.skipUnless(sys.implementation.name == "cpython", "starts a fresh interpreter with sys.executable")
    def test_the_bridge_imports_no_heavy_modules(self):
        package = os.path.dirname(os.path.dirname(os.path.abspath(_bridge.__file__)))
        code = ("import sys; import wallaroo._bridge; "
                "print(' '.join(m for m in ('pickle', 're', 'enum', 'typing', 'inspect', 'traceback')"
                " if m in sys.modules))")
        out = subprocess.run([sys.executable, "-S", "-c", code], capture_output=True, text=True, check=True,
                             env=dict(os.environ, PYTHONPATH=package))
        self.assertEqual(out.stdout.strip(), "")


if __name__ == "__main__":
    unittest.main()
