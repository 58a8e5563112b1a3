"""What the engine's Java bridge calls inside each GraalPy context.

Loading reports failures as data (a kind, one line saying what to fix, and the Python
traceback) rather than raising, so the launcher can print them plainly and exit.
``describe`` turns the model into dicts and lists of plain values that Java reads directly.
"""
from __future__ import annotations

import importlib
import os
import sys
TYPE_CHECKING = False
if TYPE_CHECKING:  # annotations only: typing costs seconds to import in a fresh GraalPy context
    from typing import Any, Dict, List, Sequence

from wallaroo._runner import LaneRunner
from wallaroo.errors import WallarooParameterError
from wallaroo.model import Application


def _traceback() -> str:
    # Imported only on failure: traceback pulls in modules that cost seconds in a fresh context.
    import traceback
    return traceback.format_exc()


class LoadResult:
    def __init__(self, app: Any = None, module: Any = None, kind: str = "ok", message: str = "",
                 trace: str = "") -> None:
        self.app = app
        self.module = module
        self.kind = kind
        self.message = message
        self.trace = trace


def load(module_name: str, args: List[str]) -> LoadResult:
    """Imports the application module and calls ``application_setup(list(args))``."""
    # An embedded interpreter has an empty sys.argv; argparse (used by most apps) needs argv[0].
    sys.argv = [module_name] + [str(a) for a in args]
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as e:
        binary = cpython_extension(e.name)
        if binary:
            return LoadResult(kind="c-extension", trace=_traceback(), message=_c_extension_message(
                module_name, str(e.name), binary))
        if e.name == module_name or (e.name and module_name.startswith(e.name + ".")):
            return LoadResult(kind="module-not-found", trace=_traceback(), message=(
                f"cannot find application module '{module_name}': put {module_name}.py in the current "
                f"directory or in a directory listed in PYTHONPATH, and pass --application-module without '.py'"))
        return LoadResult(kind="import-failed", trace=_traceback(), message=(
            f"application module '{module_name}' imports '{e.name}', which cannot be found: install it or "
            f"add its directory to PYTHONPATH"))
    except ImportError as e:
        path = getattr(e, "path", None) or ""
        if path.endswith((".so", ".pyd")):
            return LoadResult(kind="c-extension", trace=_traceback(), message=_c_extension_message(
                module_name, str(e.name or path), path))
        return LoadResult(kind="import-failed", trace=_traceback(), message=(
            f"importing application module '{module_name}' raised {type(e).__name__}; fix the error in the "
            f"traceback above"))
    except BaseException as e:  # noqa: B902 - any failure while importing user code is reported
        return LoadResult(kind="import-failed", trace=_traceback(), message=(
            f"importing application module '{module_name}' raised {type(e).__name__}; fix the error in the "
            f"traceback above"))
    setup = getattr(module, "application_setup", None)
    if not callable(setup):
        return LoadResult(kind="no-setup", message=(
            f"module '{module_name}' ({getattr(module, '__file__', '?')}) has no application_setup(args) function; "
            f"define one that returns wallaroo.ApplicationBuilder(...).build()"))
    try:
        app = setup([str(a) for a in args])
    except WallarooParameterError as e:
        return LoadResult(kind="invalid-topology", trace=_traceback(), message=str(e))
    except BaseException as e:  # noqa: B902
        return LoadResult(kind="setup-failed", trace=_traceback(), message=(
            f"application_setup(args) in '{module_name}' raised {type(e).__name__}: {e}; fix the error in the "
            f"traceback above"))
    if not isinstance(app, Application):
        return LoadResult(kind="not-a-topology", message=(
            f"application_setup(args) in '{module_name}' returned {type(app).__name__}, not an application; "
            f"end it with 'return ab.build()' where ab is a wallaroo.ApplicationBuilder"))
    return LoadResult(app=app, module=module)


def cpython_extension(name: Any) -> str:
    """The path of a C extension built for CPython that would be module ``name`` (GraalPy looks
    only for its own binary suffix, so for it such a module does not exist), or ''."""
    if not isinstance(name, str) or not name:
        return ""
    *package, last = name.split(".")
    for entry in sys.path:
        folder = os.path.join(entry or ".", *package)
        try:
            files = os.listdir(folder)
        except OSError:
            continue
        for f in sorted(files):
            if f.startswith(last + ".") and f.endswith((".so", ".pyd")) and (".cpython-" in f or ".abi3." in f
                                                                            or f.endswith(".pyd")):
                return os.path.join(folder, f)
    return ""


def _c_extension_message(module_name: str, name: str, binary: str) -> str:
    return (f"application module '{module_name}' needs '{name}', a C extension built for CPython ({binary}), which "
            f"GraalPy cannot load: install a GraalPy build of that package (scripts/graalpy -m pip install --target "
            f"DIR PACKAGE, then add DIR to PYTHONPATH), or use a pure-Python alternative; see docs/porting.md")


def describe(app: Application) -> Dict[str, Any]:
    """The application as plain dicts, lists, strings and ints."""
    states: Dict[str, Dict[str, Any]] = {}
    pipelines = []
    for pipeline in app.pipelines:
        steps = []
        for step in pipeline.steps:
            spec = step.state
            steps.append({"name": str(step.computation.name), "multi": bool(step.computation.multi),
                          "parallel": bool(step.parallel), "state": spec.name if spec else None})
            if spec is not None and spec.name not in states:
                states[spec.name] = {
                    "name": spec.name, "factory": spec.factory_name,
                    "partition": str(spec.partition.name) if spec.partition is not None else None,
                    "u64": bool(spec.u64), "keys": len(spec.keys) if spec.keys is not None else -1}
        pipelines.append({"name": pipeline.name, "source": _source(pipeline.source),
                          "steps": steps, "sinks": [_sink(s) for s in pipeline.sinks]})
    return {"name": app.name, "pipelines": pipelines, "states": list(states.values())}


def _source(config: Any) -> Dict[str, Any]:
    kind = config.kind
    out: Dict[str, Any] = {"kind": kind}
    decoder = config.decoder
    if kind == "kafka":
        out.update(topic=config.topic, brokers=[f"{h}:{p}" for h, p in config.brokers],
                   log_level=str(config.log_level), group_id=getattr(config, "group_id", None))
        return out
    out.update(host=str(config.host), port=int(config.port))
    if kind == "tcp":
        # A classic decoder's payload_length was matched to a struct format by the builder when
        # it could be; None here means the engine must call payload_length for every header.
        out.update(header_length=int(decoder.header_size or 4), length_fmt=decoder.length_fmt)
    return out


def _sink(config: Any) -> Dict[str, Any]:
    kind = config.kind
    if kind == "kafka":
        return {"kind": kind, "topic": config.topic, "brokers": [f"{h}:{p}" for h, p in config.brokers],
                "log_level": str(config.log_level), "max_produce_buffer_ms": int(config.max_produce_buffer_ms),
                "max_message_size": int(config.max_message_size)}
    return {"kind": kind, "host": str(config.host), "port": int(config.port)}


def payload_length_of(app: Application, pipeline: int) -> Any:
    """The classic decoder's ``payload_length`` function, for framing the engine cannot infer,
    wrapped so that anything but a usable length raises a ValueError saying what to fix."""
    decoder = app.pipelines[pipeline].source.decoder
    return checked_payload_length(decoder.payload_length_fn, str(decoder.name))


_MAX_LENGTH = 2 ** 31 - 1


def checked_payload_length(fn: Any, name: str) -> Any:
    """``fn`` taking the header as a latin-1 str (how Java hands it over) and returning an int
    from 0 to 2**31-1; a ValueError whose text names the decoder and the fix otherwise."""
    def payload_length(header: str) -> int:
        bs = header.encode("latin-1")
        try:
            n = fn(bs)
        except Exception as e:  # noqa: BLE001 - user code: reported as the reason for closing
            raise ValueError(f"decoder {name}'s payload_length(bs) raised {type(e).__name__}: {e} "
                             f"for the header {bs!r}") from None
        if n.__class__ is not int:
            if isinstance(n, bool) or not isinstance(n, int):
                raise ValueError(f"decoder {name}'s payload_length(bs) returned {type(n).__name__} {n!r} for the "
                                 f"header {bs!r}; it must return the payload size as an int")
            n = int(n)
        if n < 0 or n > _MAX_LENGTH:
            raise ValueError(f"decoder {name}'s payload_length(bs) returned {n} for the header {bs!r}; it must "
                             f"return the payload size in bytes, from 0 to {_MAX_LENGTH}")
        return n
    return payload_length


def make_runner(result: LoadResult, lane: int, lanes: int, sink_formats: List[str],
                sequenced: Sequence[int] = ()) -> LaneRunner:
    """A runner for one lane, using the module's own ``serialize``/``deserialize`` when it has them.
    ``sequenced`` names the pipelines whose input the engine spreads over lanes batch by batch."""
    module = result.module
    serialize = getattr(module, "serialize", None)
    deserialize = getattr(module, "deserialize", None)
    if not (callable(serialize) and callable(deserialize)):
        serialize = deserialize = None
    return LaneRunner(result.app, lane, lanes, list(sink_formats), serialize, deserialize, count_steps=True,
                      sequenced=list(sequenced))
