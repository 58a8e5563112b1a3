"""A small PEP 517 / PEP 660 build backend for the pure-Python ``wallaroo`` package.

Why not setuptools: with ``--no-build-isolation`` pip builds with whatever is installed, and a
fresh CPython 3.9-3.11 environment has a setuptools that either ignores ``[project]`` (3.9 ships
setuptools 58) or cannot make wheels without the separate ``wheel`` package. This backend needs
nothing beyond the standard library, so ``pip install ./wallaroo-py`` works offline with or
without build isolation, on any CPython 3.9+.

It reads the metadata from ``[project]`` in pyproject.toml (plain ``key = "string"`` entries) and
packs every ``.py`` file under ``wallaroo/``.
"""
from __future__ import annotations

import base64
import hashlib
import io
import os
import re
import tarfile
import time
import zipfile
from typing import Dict, List, Optional, Tuple

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PACKAGE = "wallaroo"


# -- metadata --------------------------------------------------------------------------------------

def _project() -> Dict[str, str]:
    """The string entries of ``[project]`` in pyproject.toml."""
    with open(os.path.join(ROOT, "pyproject.toml"), encoding="utf-8") as f:
        text = f.read()
    section = re.search(r"^\[project\]\s*$(.*?)(?=^\[|\Z)", text, re.M | re.S)
    if section is None:
        raise RuntimeError("pyproject.toml has no [project] table")
    project = dict(re.findall(r'^([A-Za-z][\w-]*)\s*=\s*"([^"]*)"\s*$', section.group(1), re.M))
    project.setdefault("version", _version())
    return project


def _version() -> str:
    """The one version of the package and the engine: ``__version__`` in ``wallaroo/_version.py``."""
    with open(os.path.join(ROOT, PACKAGE, "_version.py"), encoding="utf-8") as f:
        found = re.search(r'^__version__\s*=\s*"([^"]+)"', f.read(), re.M)
    if found is None:
        raise RuntimeError("wallaroo/_version.py has no __version__ = \"...\" line")
    return found.group(1)


def _metadata() -> str:
    project = _project()
    lines = [
        "Metadata-Version: 2.1",
        f"Name: {project['name']}",
        f"Version: {project['version']}",
        f"Summary: {project.get('description', '')}",
    ]
    if "requires-python" in project:
        lines.append(f"Requires-Python: {project['requires-python']}")
    readme_path = os.path.join(ROOT, project.get("readme", "README.md"))
    readme = ""
    if os.path.exists(readme_path):
        lines.append("Description-Content-Type: text/markdown")
        with open(readme_path, encoding="utf-8") as f:
            readme = f.read()
    return "\n".join(lines) + "\n\n" + readme


def _names() -> Tuple[str, str]:
    project = _project()
    dist = re.sub(r"[-_.]+", "_", project["name"]).lower()
    return dist, project["version"]


def _dist_info_files() -> Dict[str, bytes]:
    return {
        "METADATA": _metadata().encode("utf-8"),
        "WHEEL": (b"Wheel-Version: 1.0\nGenerator: wallaroo_build_backend\n"
                  b"Root-Is-Purelib: true\nTag: py3-none-any\n"),
        "top_level.txt": f"{PACKAGE}\n".encode("utf-8"),
    }


def _sources() -> List[str]:
    """Paths (relative to ROOT, with /) of the package's .py files, sorted."""
    found = []
    for folder, dirs, files in os.walk(os.path.join(ROOT, PACKAGE)):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if name.endswith(".py"):
                found.append(os.path.relpath(os.path.join(folder, name), ROOT).replace(os.sep, "/"))
    return found


def _read(path: str) -> bytes:
    with open(os.path.join(ROOT, path), "rb") as f:
        return f.read()


# -- wheels ----------------------------------------------------------------------------------------

def _write_wheel(wheel_directory: str, files: Dict[str, bytes]) -> str:
    dist, version = _names()
    dist_info = f"{dist}-{version}.dist-info"
    entries = dict(files)
    for name, data in _dist_info_files().items():
        entries[f"{dist_info}/{name}"] = data
    record_lines = []
    for path, data in entries.items():
        digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode("ascii")
        record_lines.append(f"{path},sha256={digest},{len(data)}")
    record_lines.append(f"{dist_info}/RECORD,,")
    entries[f"{dist_info}/RECORD"] = ("\n".join(record_lines) + "\n").encode("utf-8")

    filename = f"{dist}-{version}-py3-none-any.whl"
    with zipfile.ZipFile(os.path.join(wheel_directory, filename), "w", zipfile.ZIP_DEFLATED) as wheel:
        for path, data in entries.items():
            info = zipfile.ZipInfo(path, date_time=(1980, 1, 1, 0, 0, 0))
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            wheel.writestr(info, data)
    return filename


def get_requires_for_build_wheel(config_settings: Optional[dict] = None) -> List[str]:
    return []


def get_requires_for_build_sdist(config_settings: Optional[dict] = None) -> List[str]:
    return []


def get_requires_for_build_editable(config_settings: Optional[dict] = None) -> List[str]:
    return []


def prepare_metadata_for_build_wheel(metadata_directory: str, config_settings: Optional[dict] = None) -> str:
    dist, version = _names()
    dist_info = f"{dist}-{version}.dist-info"
    os.makedirs(os.path.join(metadata_directory, dist_info), exist_ok=True)
    for name, data in _dist_info_files().items():
        with open(os.path.join(metadata_directory, dist_info, name), "wb") as f:
            f.write(data)
    return dist_info


prepare_metadata_for_build_editable = prepare_metadata_for_build_wheel


def build_wheel(wheel_directory: str, config_settings: Optional[dict] = None,
                metadata_directory: Optional[str] = None) -> str:
    return _write_wheel(wheel_directory, {path: _read(path) for path in _sources()})


def build_editable(wheel_directory: str, config_settings: Optional[dict] = None,
                   metadata_directory: Optional[str] = None) -> str:
    """``pip install -e``: a wheel whose .pth file puts this source tree on sys.path."""
    return _write_wheel(wheel_directory, {f"__editable__.{PACKAGE}.pth": (ROOT + "\n").encode("utf-8")})


# -- source distributions ---------------------------------------------------------------------------

def build_sdist(sdist_directory: str, config_settings: Optional[dict] = None) -> str:
    dist, version = _names()
    base = f"{dist}-{version}"
    paths = ["pyproject.toml", "README.md", "_build_backend/wallaroo_build_backend.py"] + _sources()
    tests = os.path.join(ROOT, "tests")
    for folder, dirs, files in os.walk(tests):
        dirs[:] = sorted(d for d in dirs if d != "__pycache__")
        for name in sorted(files):
            if not name.endswith(".pyc"):
                paths.append(os.path.relpath(os.path.join(folder, name), ROOT).replace(os.sep, "/"))
    filename = f"{base}.tar.gz"
    with tarfile.open(os.path.join(sdist_directory, filename), "w:gz", format=tarfile.PAX_FORMAT) as tar:
        members = [(f"{base}/PKG-INFO", _metadata().encode("utf-8"))]
        members += [(f"{base}/{path}", _read(path)) for path in paths if os.path.exists(os.path.join(ROOT, path))]
        for name, data in members:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = int(time.time())
            info.mode = 0o644
            tar.addfile(info, io.BytesIO(data))
    return filename
