"""The JVM's collector log, read back for a stretch of a run.

A latency percentile over a few seconds can be set by one collector pause: a 400 ms full
collection in a 4 s window puts every message of that tenth of the run behind it. The benchmark
asks the engine's JVM for a log of its pauses (-Xlog:gc with uptime stamps) and reports the
pauses that fell inside the latency window next to the percentiles, so a reader can tell a slow
pipeline from a collector that paused it.
"""
import re

# "[24.017s] GC(282) Pause Full (Allocation Failure) 208M->85M(275M) 460.135ms"
_PAUSE = re.compile(r"^\[(\d+(?:\.\d+)?)s\].*\bPause (\w+).*?(\d+(?:\.\d+)?)ms\s*$")


def jvm_option(path: str) -> str:
    """The flag that makes the JVM write its pauses to `path`, stamped with seconds since it started."""
    return f"-Xlog:gc:file={path}:uptime"


def pauses(path: str) -> list:
    """(seconds since the JVM started, kind, milliseconds) for every pause in the log."""
    found = []
    try:
        with open(path) as log:
            for line in log:
                m = _PAUSE.match(line.strip())
                if m:
                    found.append((float(m.group(1)), m.group(2), float(m.group(3))))
    except FileNotFoundError:
        pass
    return found


def summary(path: str, start_s: float, end_s: float) -> dict:
    """The pauses logged between start_s and end_s seconds of JVM uptime (a pause is stamped when
    it ends), and the full collections of the whole run so far."""
    every = pauses(path)
    inside = [(kind, ms) for t, kind, ms in every if start_s <= t <= end_s]
    return {
        "pauses": len(inside),
        "pause_ms_total": round(sum(ms for _, ms in inside), 1),
        "pause_ms_max": round(max((ms for _, ms in inside), default=0.0), 1),
        "full": sum(1 for kind, _ in inside if kind == "Full"),
        "full_in_run": sum(1 for _, kind, _ in every if kind == "Full"),
        "pause_ms_max_in_run": round(max((ms for _, _, ms in every), default=0.0), 1),
    }
