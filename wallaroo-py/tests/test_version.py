"""One version for the package, its wheel and the engine: wallaroo/_version.py."""
import os
import sys
import unittest

import wallaroo

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


class VersionTest(unittest.TestCase):
    def test_the_package_and_the_build_backend_read_the_same_file(self) -> None:
        sys.path.insert(0, os.path.join(ROOT, "_build_backend"))
        try:
            import wallaroo_build_backend
        finally:
            sys.path.pop(0)
        self.assertRegex(wallaroo.__version__, r"^\d+\.\d+\.\d+")
        self.assertEqual(wallaroo.__version__, wallaroo_build_backend._project()["version"])

    def test_pyproject_does_not_write_a_second_version(self) -> None:
        with open(os.path.join(ROOT, "pyproject.toml"), encoding="utf-8") as f:
            text = f.read()
        self.assertNotRegex(text, r'(?m)^version\s*=')
        self.assertIn('dynamic = ["version"]', text)


if __name__ == "__main__":
    unittest.main()
