"""The JVM's collector log, read back for a stretch of a run.

A latency percentile over a few seconds can be set by one collector pause: a 400 ms full
collection in a 4 s window puts every message of that tenth of the run behind it. The benchmark
asks the engine's JVM for a log of its pauses (-Xlog:gc, stamped with its uptime and the wall
clock) and reports the pauses that fell inside the latency window next to the percentiles, and the
percentiles again without the messages sent around a pause, so a reader can tell a slow pipeline
from a collector that paused it.
"""
import re

# "[24.017s][1796582424907ms] GC(282) Pause Full (Allocation Failure) 208M->85M(275M) 460.135ms"
_PAUSE = re.compile(r"^\[(\d+(?:\.\d+)?)s\](?:\[(\d+)ms\])?.*\bPause (\w+).*?(\d+(?:\.\d+)?)ms\s*$")

# A message sent this long before a pause began, or after it ended, still counts as sent around
# it: the first is still in the pipeline when the pause comes, the second lands in the queue the
# pause left. The queue takes about the pause's length again to drain at half load.
AROUND_PAUSE_S = 0.003


def jvm_option(path: str) -> str:
    """The flag that makes the JVM write its pauses to `path`, stamped with seconds since it
    started and with the wall clock in milliseconds."""
    return f"-Xlog:gc:file={path}:uptime,timemillis"


def pauses(path: str) -> list:
    """(seconds since the JVM started, kind, milliseconds, wall-clock seconds when it ended or
    None) for every pause in the log."""
    found = []
    try:
        with open(path) as log:
            for line in log:
                m = _PAUSE.match(line.strip())
                if m:
                    wall = int(m.group(2)) / 1000.0 if m.group(2) else None
                    found.append((float(m.group(1)), m.group(3), float(m.group(4)), wall))
    except FileNotFoundError:
        pass
    return found


def _stamped(path: str) -> list:
    """The pauses of the log that carry a wall-clock stamp."""
    return [p for p in pauses(path) if p[3] is not None]


def around_pauses(sent_wall_s: float, every: list) -> bool:
    """Whether a message sent at this wall-clock time was sent around one of the pauses."""
    for _, _, ms, end in every:
        if end is None:
            continue
        start = end - ms / 1000.0
        if start - AROUND_PAUSE_S <= sent_wall_s <= end + ms / 1000.0 + AROUND_PAUSE_S:
            return True
    return False


def away_from_pauses(path: str, samples: list) -> dict:
    """Latency percentiles of the (wall-clock send time, milliseconds) samples sent away from
    every pause in the log, and the share of samples left out; empty if the log has no wall-clock
    stamps or no sample is left."""
    every = _stamped(path)
    if not samples or not every:
        return {}
    first, last = min(t for t, _ in samples), max(t for t, _ in samples)
    nearby = [p for p in every if first - 1.0 <= p[3] <= last + 1.0]
    away = sorted(ms for t, ms in samples if not around_pauses(t, nearby))
    if not away:
        return {}

    def pct(p):
        return round(away[min(len(away) - 1, int(p / 100.0 * len(away)))], 3)

    return {"away_samples_pct": round(100.0 * len(away) / len(samples), 1),
            "away_ms_p50": pct(50), "away_ms_p99": pct(99), "away_ms_p999": pct(99.9)}


def in_wall_window(path: str, start_wall_s: float, end_wall_s: float) -> dict:
    """The pauses that overlapped a stretch of wall-clock time: how many, their milliseconds, and
    how many were full collections. Empty if the log has no wall-clock stamps."""
    stamped = _stamped(path)
    if not stamped:
        return {}
    inside = [(kind, ms) for _, kind, ms, end in stamped
              if end >= start_wall_s and end - ms / 1000.0 <= end_wall_s]
    return {"gc_pauses": len(inside), "gc_pause_ms": round(sum(ms for _, ms in inside), 1),
            "gc_full": sum(1 for kind, _ in inside if kind == "Full")}


def summary(path: str, start_s: float, end_s: float) -> dict:
    """The pauses logged between start_s and end_s seconds of JVM uptime (a pause is stamped when
    it ends), and the full collections of the whole run so far."""
    every = pauses(path)
    inside = [(kind, ms) for t, kind, ms, _ in every if start_s <= t <= end_s]
    return {
        "pauses": len(inside),
        "pause_ms_total": round(sum(ms for _, ms in inside), 1),
        "pause_ms_max": round(max((ms for _, ms in inside), default=0.0), 1),
        "full": sum(1 for kind, _ in inside if kind == "Full"),
        "full_in_run": sum(1 for _, kind, _, _ in every if kind == "Full"),
        "pause_ms_max_in_run": round(max((ms for _, _, ms, _ in every), default=0.0), 1),
    }
