"""Benchmarks over loopback TCP, each next to baselines measured in the same run (the machines
are noisy: compare ratios, not absolute figures).

    scripts/bench [--short] [--workloads word_count,logfiles] [--lanes 1,default] [--connections 1,2]
                  [--lines 400000] [--cold-words 2000000] [--warmup-seconds 90] [--latency-seconds 10]
                  [--ready-launches 3]
                  [--no-baseline] [--no-ceiling] [--no-crossing] [--resilience]
                  [--flink-parallelism 1,2 | --no-flink] [--engine-args=--no-spread-input]

For each workload and lane count, from one launch: the time from launch to ready (and the
engine's start-up phases; the figure reported is the median over --ready-launches launches),
the cold rate over the first --cold-words outputs (and the seconds from launch until they are
all out, start-up included), the seconds of traffic until a pass runs at
90% of full speed, the warm rate for each connection count (for the JVM targets with the
collector pauses inside its window; a window a full collection fell into is measured again, at
most twice, since the warm rate is the steady state), latency percentiles at half the
one-connection rate (and, for the JVM targets, the collector pauses that fell inside that
window), the peak RSS, and the share of CPU time the host stole from this virtual machine
meanwhile (/proc/stat). Next to them: the in-process ceiling (the same Python functions
in a plain loop inside GraalPy), the lane-scaling ratio, for word count a plain-CPython server
doing the same work, and what a lane crossing costs. For word count, the same application as an
Apache Flink job on the embedded mini-cluster (scripts/wallaroo --engine flink), at each
--flink-parallelism, with its start-up to first output. Everything goes to bench-results/*.json.
"""
import argparse
import json
import os
import shlex
import shutil
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time

import gclog

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "runtime"))

from listen_port import free_port  # noqa: E402,F401 (resilience.py imports it from here too)
from workloads import WORKLOADS  # noqa: E402


class Receiver:
    """Counts outputs (newline-terminated lines or 4-byte length-prefixed frames) on a thread of
    its own, remembering when word-count markers and frames arrived."""

    def __init__(self, workload):
        self.workload = workload
        self.server = socket.socket()
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(4)
        self.port = self.server.getsockname()[1]
        self.count = 0
        self.first_at = None
        self.last_at = 0.0
        self.markers = {}        # word count: marker number -> arrival time
        self.frame_times = []    # frames: arrival time of each output, in order
        self.cond = threading.Condition()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            threading.Thread(target=self._read, args=(conn,), daemon=True).start()

    def _read(self, conn):
        tail = b""
        lines = self.workload.output == "lines"
        while True:
            chunk = conn.recv(1 << 20)
            if not chunk:
                return
            now = time.perf_counter()
            data = tail + chunk
            if lines:
                cut = data.rfind(b"\n") + 1
                complete, tail = data[:cut], data[cut:]
                n = complete.count(b"\n")
                if b"zqmark" in complete:
                    for seq in self.workload.markers_in(complete):
                        self.markers[seq] = now
            else:
                pos = n = 0
                while len(data) - pos >= 4:
                    (size,) = struct.unpack_from(">I", data, pos)
                    if len(data) - pos - 4 < size:
                        break
                    pos += 4 + size
                    n += 1
                tail = data[pos:]
                self.frame_times.extend([now] * n)
            with self.cond:
                if self.first_at is None and n:
                    self.first_at = now
                self.count += n
                self.last_at = now
                self.cond.notify_all()

    def wait_for(self, total, timeout):
        deadline = time.time() + timeout
        with self.cond:
            while self.count < total:
                left = deadline - time.time()
                if left <= 0:
                    raise TimeoutError(f"received {self.count} of {total} outputs")
                self.cond.wait(min(left, 1.0))
            return self.last_at


def connect(port, timeout=120):
    deadline = time.time() + timeout
    while True:
        try:
            s = socket.create_connection(("127.0.0.1", port))
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            return s
        except OSError:
            if time.time() > deadline:
                raise
            time.sleep(0.1)


def send_all(port, payloads):
    """Sends each payload on its own connection, concurrently; returns once all are sent."""
    socks = [connect(port) for _ in payloads]
    threads = [threading.Thread(target=s.sendall, args=(p,)) for s, p in zip(socks, payloads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return socks


def cpu_seconds(pid):
    """User plus system CPU time the process has used so far. On a loaded machine wall times
    stretch with the load while CPU seconds stay close to what the work costs, so the figures
    below give both."""
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


def cpu_ticks():
    """(steal, total) ticks of all CPUs so far, from /proc/stat; None where it cannot be read."""
    try:
        with open("/proc/stat") as f:
            fields = [int(x) for x in f.readline().split()[1:9]]  # user .. steal
        return fields[7], sum(fields)
    except (OSError, ValueError, IndexError):
        return None


def steal_pct(before, after):
    """Share of the CPU time between two cpu_ticks() the hypervisor gave to other guests: on a
    shared virtual machine a stolen core stalls whatever runs on it, so a figure reads against it."""
    if before is None or after is None or after[1] <= before[1]:
        return None
    return round(100.0 * (after[0] - before[0]) / (after[1] - before[1]), 1)


def peak_rss_mb(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return None


class Target:
    """A process that runs the workload between an input port and an output port."""

    def __init__(self, name, command, cwd, ready_text, jvm=False):
        self.name, self.command, self.cwd, self.ready_text = name, command, cwd, ready_text
        self.proc = None
        self.jvm = jvm
        self.gc_log = None  # a JVM target logs its collector pauses, to set next to its latency

    def start(self, in_port, out_port):
        cmd = [c.format(inp=in_port, out=out_port) for c in self.command]
        launched = time.perf_counter()
        self.started_at = launched
        env = dict(os.environ, WALLAROO_STARTUP_TRACE="1")
        if self.jvm:
            self.gc_log = os.path.join(tempfile.mkdtemp(prefix="wallaroo-bench-"), "gc.log")
            env["WALLAROO_JAVA_OPTS"] = " ".join(filter(None, [env.get("WALLAROO_JAVA_OPTS", ""),
                                                               gclog.jvm_option(self.gc_log)]))
        self.proc = subprocess.Popen(cmd, cwd=self.cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                     env=env)
        self.startup = []  # the engine's start-up phases: (ms since launch, CPU ms, what)
        self.jvm_cache = None  # what the engine said of the launcher's AOT cache, if it offered one
        for line in self.proc.stdout:
            if line.startswith("JVM start-up cache: "):
                self.jvm_cache = line[len("JVM start-up cache: "):].strip()
            if line.startswith("startup: "):
                parts = line.split()
                self.startup.append((int(parts[1]), int(parts[4]), " ".join(parts[6:])))
            if self.ready_text in line:
                self.ready_at = time.perf_counter()
                break
        else:
            raise RuntimeError(f"{self.name} exited during start-up")
        self.ready_seconds = time.perf_counter() - launched
        threading.Thread(target=lambda: [None for _ in self.proc.stdout], daemon=True).start()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        if self.gc_log:
            shutil.rmtree(os.path.dirname(self.gc_log), ignore_errors=True)
            self.gc_log = None


# Windows measured for each warm rate at most (see measure()).
WARM_ATTEMPTS = 3


def measure(target, workload, args):
    """Launch to ready, then traffic from the first second: the cold rate over the first
    --cold-words outputs and each warm-up pass's rate (one connection, passes back to back), then
    the warm rate for each connection count, latency at half the one-connection rate, peak RSS."""
    receiver = Receiver(workload)
    in_port = free_port()
    result = {"target": target.name, "load_before": os.getloadavg()[0]}
    ticks_at_start = cpu_ticks()
    target.start(in_port, receiver.port)
    result["ready_s"] = round(target.ready_seconds, 2)
    pid = target.proc.pid
    ready_cpu = cpu_seconds(pid)
    result["ready_cpu_s"] = ready_cpu
    if target.startup:
        result["startup_phases"] = target.startup
    if getattr(target, "jvm_cache", None):
        # Ready depends on it by a third or more: a figure without it is not comparable.
        result["jvm_startup_cache"] = target.jvm_cache
    try:
        warm, warm_outputs, _ = workload.frames("warm", 1)
        started = time.perf_counter()
        warm_until = time.time() + args.warmup_seconds
        expected = 0
        passes = []  # (seconds since traffic began at the end of the pass, outputs so far, pass rate)
        while True:
            begun = time.perf_counter()
            send_all(in_port, warm)
            expected += warm_outputs
            done = receiver.wait_for(expected, 600)
            passes.append((done - started, expected, warm_outputs / max(done - begun, 1e-9)))
            if "cold_cpu_s" not in result and expected >= args.cold_words and ready_cpu is not None:
                result["cold_cpu_s"] = round(cpu_seconds(pid) - ready_cpu, 2)
                result["cold_cpu_us_per_output"] = round(result["cold_cpu_s"] * 1e6 / expected, 2)
            if "first_output_s" not in result and receiver.first_at is not None:
                result["first_output_s"] = round(receiver.first_at - target.started_at, 2)
            if time.time() >= warm_until and expected >= args.cold_words:
                break
        cold = next(p for p in passes if p[1] >= args.cold_words)
        result.update(cold_outputs=cold[1], cold_seconds=round(cold[0], 3), cold_outputs_per_s=cold[1] / cold[0],
                      warmup_passes=[(round(t, 2), round(r)) for t, _, r in passes])
        # What a user restarting into traffic waits for: start-up and the cold outputs together,
        # so that work moved from before ready to after it (or back) shows in one figure.
        result["cold_done_after_launch_s"] = round(started - target.started_at + cold[0], 2)

        result["warm"] = {}
        for connections in args.connection_counts:
            payloads, outputs, messages = workload.frames("measured", connections)
            # A full collection of the first minute (metadata, code cache, the old generation
            # filling while the JIT warms up) takes 150-450 ms, most of a short window: the warm
            # rate is the steady state, so such a window is measured again, at most twice, and
            # the figure says how many windows were set aside.
            for attempt in range(WARM_ATTEMPTS):
                start, cpu_before, wall_start = time.perf_counter(), cpu_seconds(pid), time.time()
                send_all(in_port, payloads)
                end = receiver.wait_for(expected + outputs, 600)
                expected += outputs
                elapsed = end - start
                warm_run = dict(messages=messages, outputs=outputs, seconds=round(elapsed, 3),
                                messages_per_s=messages / elapsed, outputs_per_s=outputs / elapsed)
                if cpu_before is not None:
                    used = cpu_seconds(pid) - cpu_before
                    warm_run["cpu_us_per_output"] = round(used * 1e6 / outputs, 3)
                if target.gc_log:
                    warm_run.update(gclog.in_wall_window(target.gc_log, wall_start, time.time()))
                warm_run["full_gc_windows_set_aside"] = attempt
                if not warm_run.get("gc_full"):
                    break
            result["warm"][connections] = warm_run
        one = result["warm"][args.connection_counts[0]]
        result.update(messages_per_s=one["messages_per_s"], outputs_per_s=one["outputs_per_s"])
        # Full speed: the best of the measured rate and the late warm-up passes (same traffic shape).
        full = max([one["outputs_per_s"]] + [r for _, _, r in passes[len(passes) // 2:]])
        reached = next((t for t, _, r in passes if r >= 0.9 * full), None)
        result["seconds_to_90pct"] = round(reached, 1) if reached is not None else None
        if args.latency_seconds > 0:
            ticks = cpu_ticks()
            # Seconds since launch. The JVM's uptime runs a little behind that (the launcher
            # script comes first), so the window is widened by half a second at its start.
            window_start = time.perf_counter() - target.started_at
            samples = []
            rate = getattr(args, "latency_rate", None) or one["messages_per_s"] * 0.5
            result.update(latency(receiver, workload, in_port, rate, args.latency_seconds, samples))
            result["latency_steal_pct"] = steal_pct(ticks, cpu_ticks())
            if target.gc_log:
                result["latency_gc"] = gclog.summary(target.gc_log, window_start - 0.5,
                                                     time.perf_counter() - target.started_at)
                result["latency_gc"].update(gclog.away_from_pauses(target.gc_log, samples))
        result["peak_rss_mb"] = peak_rss_mb(target.proc.pid)
    finally:
        target.stop()
        receiver.server.close()
    result["load_after"] = os.getloadavg()[0]
    result["steal_pct"] = steal_pct(ticks_at_start, cpu_ticks())
    # One launch's ready time varies by a few tenths of a second here: more launches, only to
    # ready, give the median that is reported against the target.
    launches = [target.ready_seconds] + [launch_to_ready(target, workload)
                                         for _ in range(max(0, getattr(args, "ready_launches", 1) - 1))]
    result["ready_s_launches"] = [round(s, 2) for s in launches]
    result["ready_s_median"] = round(statistics.median(launches), 2)
    return result


def launch_to_ready(target, workload):
    """Seconds from launch to ready for one more launch of the target, which then stops."""
    time.sleep(1)
    receiver = Receiver(workload)
    try:
        target.start(free_port(), receiver.port)
        return target.ready_seconds
    finally:
        target.stop()
        receiver.server.close()


def latency(receiver, workload, in_port, rate, seconds, samples=None):
    """Sends at `rate` messages/s for `seconds`, and times the messages whose output can be told
    apart: word-count lines with a marker word, log-file END_OF_DAY markers (their summaries come
    out in order). `samples`, if given, receives (wall-clock send time, milliseconds) for each."""
    sock = connect(in_port)
    sent_at = {}
    wall_offset = time.time() - time.perf_counter()
    frames_before = len(receiver.frame_times)
    start = time.perf_counter()
    i = seq = 0
    markers_sent = 0
    while time.perf_counter() - start < seconds:
        batch, tracked = [], []
        due = int((time.perf_counter() - start) * rate) + 1
        while i < due:
            if workload.marker_every and i % workload.marker_every == 0:
                seq += 1
                batch.append(workload.paced_message(i, seq))
                tracked.append(seq)
            else:
                batch.append(workload.paced_message(i, None))
                if not workload.marker_every and workload.is_marker(i):
                    tracked.append(markers_sent)
                    markers_sent += 1
            i += 1
        if batch:
            sock.sendall(b"".join(batch))
            now = time.perf_counter()
            for t in tracked:
                sent_at[t] = now
        time.sleep(0.001)
    deadline = time.time() + 30
    if workload.marker_every:
        while len(receiver.markers) < len(sent_at) and time.time() < deadline:
            time.sleep(0.05)
        arrived = receiver.markers
    else:
        while len(receiver.frame_times) - frames_before < len(sent_at) and time.time() < deadline:
            time.sleep(0.05)
        arrived = {k: t for k, t in enumerate(receiver.frame_times[frames_before:])}
    sock.close()
    timed = [(t + wall_offset, (arrived[s] - t) * 1000.0) for s, t in sent_at.items() if s in arrived]
    if samples is not None:
        samples.extend(timed)
    lat = sorted(ms for _, ms in timed)
    out = {"latency_rate_per_s": round(rate)}
    if lat:
        def pct(p):
            return round(lat[min(len(lat) - 1, int(p / 100.0 * len(lat)))], 3)
        out.update(latency_samples=len(lat), latency_ms_p50=pct(50), latency_ms_p99=pct(99),
                   latency_ms_p999=pct(99.9))
    return out


def graalpy(script, *args):
    out = subprocess.run([os.path.join(ROOT, "scripts", "graalpy"), os.path.join(HERE, script), *map(str, args)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def warm_pauses(warm):
    """What the collector did during a warm window, when it matters to the figure."""
    notes = []
    if warm.get("full_gc_windows_set_aside"):
        notes.append(f"{warm['full_gc_windows_set_aside']} window(s) with a full collection measured again")
    if warm.get("gc_full"):
        notes.append(f"a full collection inside, {warm['gc_pause_ms']} ms of pauses in {warm['seconds']} s")
    return f" ({'; '.join(notes)})" if notes else ""


def summary(run, unit):
    reached = (f"after {run['seconds_to_90pct']} s of traffic" if run["seconds_to_90pct"] is not None
               else "not reached in this run")
    warm = ", ".join(f"{w['outputs_per_s']:,.0f} {unit}/s with {c} connection(s)" + warm_pauses(w)
                     for c, w in run["warm"].items())
    ready = f"{run.get('ready_s_median', run['ready_s'])} s"
    if len(run.get("ready_s_launches", [])) > 1:
        ready += (f" (median of {len(run['ready_s_launches'])} launches,"
                  f" {min(run['ready_s_launches'])}-{max(run['ready_s_launches'])} s)")
    text = (f"  {run['target']}: ready {ready}; cold first {run['cold_outputs']:,} {unit}:"
            f" {run['cold_outputs_per_s']:,.0f}/s, done {run['cold_done_after_launch_s']} s after launch;"
            f" 90% of full speed {reached}; warm {warm}")
    if "latency_ms_p50" in run:
        text += (f"; latency at {run['latency_rate_per_s']:,} messages/s: p50 {run['latency_ms_p50']} ms,"
                 f" p99 {run['latency_ms_p99']} ms, p99.9 {run['latency_ms_p999']} ms")
        if run.get("latency_steal_pct") is not None:
            text += f" ({run['latency_steal_pct']}% of the CPU stolen by the host meanwhile)"
        gc = run.get("latency_gc")
        if gc:
            text += (f"; collector pauses meanwhile: {gc['pauses']} ({gc['pause_ms_total']} ms, longest"
                     f" {gc['pause_ms_max']} ms, {gc['full']} full; {gc['full_in_run']} full in the whole run)")
            if "away_ms_p99" in gc:
                text += (f"; the {gc['away_samples_pct']}% of messages sent away from any pause: p50"
                         f" {gc['away_ms_p50']} ms, p99 {gc['away_ms_p99']} ms, p99.9 {gc['away_ms_p999']} ms")
    if "first_output_s" in run:
        text += f"; this launch ready after {run['ready_s']} s, first output {run['first_output_s']} s after start"
    if run.get("jvm_startup_cache"):
        text += f" (JVM start-up cache: {run['jvm_startup_cache'].split(' (')[0]})"
    if run.get("peak_rss_mb"):
        text += f"; peak RSS {run['peak_rss_mb']:.0f} MB"
    if run.get("cold_cpu_us_per_output") is not None:
        warm_cpu = next(iter(run["warm"].values())).get("cpu_us_per_output")
        text += (f"; CPU: {run['ready_cpu_s']:.1f} s to ready, {run['cold_cpu_us_per_output']} us per output cold,"
                 f" {warm_cpu} us warm")
    text += f" (load {run['load_before']:.1f} -> {run['load_after']:.1f}"
    if run.get("steal_pct") is not None:
        text += f", CPU stolen by the host {run['steal_pct']}%"
    text += ")"
    return text


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--short", action="store_true",
                        help="a few minutes in all: word count only, shorter runs, no ceiling or crossing")
    parser.add_argument("--workloads", default="word_count,logfiles")
    parser.add_argument("--lanes", default="1,2,default",
                        help="comma-separated lane counts; 'default' is the engine's default for this machine")
    parser.add_argument("--lines", type=int, default=400000, help="messages in each measured run")
    parser.add_argument("--connections", default="1,2", help="comma-separated sender connection counts (word count)")
    parser.add_argument("--cold-words", type=int, default=2000000,
                        help="outputs counted for the cold rate, from the first second of traffic")
    parser.add_argument("--warmup-seconds", type=float, default=90.0,
                        help="traffic before measuring, so the JIT has compiled the hot code")
    parser.add_argument("--measure-seconds", type=float, default=10.0, help="length of the ceiling measurement")
    parser.add_argument("--latency-seconds", type=float, default=10.0)
    parser.add_argument("--ready-launches", type=int, default=3,
                        help="launches of each target to ready; the median is reported (the first is the measured run)")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--no-ceiling", action="store_true")
    parser.add_argument("--no-crossing", action="store_true", help="skip the lane-crossing micro-benchmark")
    parser.add_argument("--resilience", action="store_true",
                        help="also word count with --resilience-dir on vs off, snapshot cost and recovery time")
    parser.add_argument("--flink-parallelism", default="1,2",
                        help="word count on the Flink runner's mini-cluster at these parallelisms")
    parser.add_argument("--no-flink", action="store_true", help="skip the Flink runner")
    parser.add_argument("--engine-args", default="",
                        help="more flags for every local engine launch, e.g. --engine-args=--no-spread-input")
    if "--short" in sys.argv[1:]:
        # --short changes the defaults only: options given with it still win (--short --lanes 1).
        parser.set_defaults(workloads="word_count", lines=200000, cold_words=600000, lanes="1,2",
                            warmup_seconds=25.0, latency_seconds=4.0, no_ceiling=True, no_crossing=True)
    args = parser.parse_args()
    args.connection_counts = [int(c) for c in args.connections.split(",")]

    results = {"time": time.strftime("%Y-%m-%dT%H:%M:%S"), "cores": os.cpu_count(), "args": vars(args),
               "workloads": {}}
    if not args.no_crossing:
        results["crossing"] = graalpy("crossing.py", args.warmup_seconds / 3, args.measure_seconds / 3)
        print("lane crossing, ns per message: " + ", ".join(f"{k} {v}" for k, v in results["crossing"].items()), flush=True)

    for name in [w for w in args.workloads.split(",") if w not in ("", "none")]:
        workload = WORKLOADS[name](args.lines, 1)
        if name != "word_count":
            args = argparse.Namespace(**dict(vars(args), connection_counts=[1]))
        unit = "words" if name == "word_count" else "summaries"
        res = {"runs": []}
        print(f"{name}:", flush=True)
        if not args.no_ceiling:
            res["ceiling"] = graalpy("ceiling.py", name, 5000, args.warmup_seconds / 2, args.measure_seconds)
            print(f"  in-process ceiling (GraalPy loop): {res['ceiling']['per_s']:,.0f} {res['ceiling']['unit']}/s", flush=True)
        lane_counts = []
        for lanes in args.lanes.split(","):
            # The engine's default (DefaultLanes): one per core, one on 2 cores or fewer.
            resolved = str(resolve_lanes(lanes))
            if resolved not in lane_counts:
                lane_counts.append(resolved)
        for lanes in lane_counts:
            flag = ["--ponythreads", lanes] + shlex.split(args.engine_args)
            target = Target(f"engine, {lanes} lane(s)",
                            [os.path.join(ROOT, "scripts", "wallaroo"), "--application-module", workload.module,
                             "--in", "127.0.0.1:{inp}", "--out", "127.0.0.1:{out}"] + flag,
                            workload.directory, "wallaroo: ready", jvm=True)
            run = measure(target, workload, args)
            run["lanes"] = lanes
            res["runs"].append(run)
            print(summary(run, unit), flush=True)
        if name == "word_count" and not args.no_flink and os.path.isdir(os.path.join(ROOT, "flink-runner", "target", "lib")):
            for n in [int(x) for x in args.flink_parallelism.split(",")]:
                target = Target(f"Flink mini-cluster, parallelism {n}",
                                [os.path.join(ROOT, "scripts", "wallaroo"), "--application-module", workload.module,
                                 "--engine", "flink", "--parallelism", str(n),
                                 "--in", "127.0.0.1:{inp}", "--out", "127.0.0.1:{out}"],
                                workload.directory, "wallaroo: ready", jvm=True)
                run = measure(target, workload, args)
                run["flink_parallelism"] = n
                res.setdefault("flink", []).append(run)
                print(summary(run, unit), flush=True)
        if name == "word_count" and not args.no_baseline:
            target = Target("CPython baseline", [sys.executable, os.path.join(HERE, "cpython_word_count.py"),
                                                 "--in", "127.0.0.1:{inp}", "--out", "127.0.0.1:{out}"],
                            ROOT, "baseline: ready")
            res["baseline"] = measure(target, workload, args)
            print(summary(res["baseline"], unit), flush=True)
        res["ratios"] = ratios(res, name)
        for k, v in res["ratios"].items():
            print(f"  {k}: {v:.2f}x", flush=True)
        results["workloads"][name] = res

    if args.resilience:
        import resilience
        print("word count, resilience on vs off:", flush=True)
        results["resilience"] = resilience.run(args, max(resolve_lanes(x) for x in args.lanes.split(",")))

    os.makedirs(os.path.join(ROOT, "bench-results"), exist_ok=True)
    path = os.path.join(ROOT, "bench-results", f"bench-{time.strftime('%Y%m%d-%H%M%S')}.json")
    with open(path, "w") as f:
        json.dump(results, f, indent=2)
    print(f"figures written to {os.path.relpath(path, ROOT)}")


def resolve_lanes(lanes):
    """A --lanes entry as a number: 'default' is what the launcher picks (DefaultLanes)."""
    cores = os.cpu_count() or 1
    return (1 if cores <= 2 else cores) if lanes == "default" else int(lanes)


def ratios(res, name):
    """Each engine run next to the CPython baseline (same traffic, same run), and lane scaling."""
    out = {}
    runs = {r["lanes"]: r for r in res["runs"]}
    if not runs:
        return out
    best = max(runs.values(), key=lambda r: r["messages_per_s"])
    if "ceiling" in res:
        # The ceiling counts words for word count and messages for logfiles.
        done = best["outputs_per_s"] if name == "word_count" else best["messages_per_s"]
        out["best_end_to_end_vs_ceiling"] = done / res["ceiling"]["per_s"]
    base = res.get("baseline")
    for lanes, run in runs.items():
        if base:
            out[f"lanes_{lanes}_cold_vs_cpython"] = run["cold_outputs_per_s"] / base["cold_outputs_per_s"]
            # The same outputs counted from launch: CPython's seconds over the engine's.
            out[f"lanes_{lanes}_cold_from_launch_vs_cpython"] = (
                base["cold_done_after_launch_s"] / run["cold_done_after_launch_s"])
            # CPU per output, CPython's over the engine's: how the work compares when the load
            # stretches wall times (above 1 the engine spends less CPU per output).
            if run.get("cold_cpu_us_per_output") and base.get("cold_cpu_us_per_output"):
                out[f"lanes_{lanes}_cold_cpu_efficiency_vs_cpython"] = (
                    base["cold_cpu_us_per_output"] / run["cold_cpu_us_per_output"])
            first = next(iter(run["warm"]))
            if run["warm"][first].get("cpu_us_per_output") and base["warm"].get(first, {}).get("cpu_us_per_output"):
                out[f"lanes_{lanes}_warm_cpu_efficiency_vs_cpython"] = (
                    base["warm"][first]["cpu_us_per_output"] / run["warm"][first]["cpu_us_per_output"])
            for c, w in run["warm"].items():
                out[f"lanes_{lanes}_warm_{c}conn_vs_cpython"] = w["outputs_per_s"] / base["warm"][c]["outputs_per_s"]
        if "1" in runs and lanes != "1":
            for c, w in run["warm"].items():
                out[f"lanes_{lanes}_vs_1_with_{c}conn"] = w["outputs_per_s"] / runs["1"]["warm"][c]["outputs_per_s"]
    for f in res.get("flink", []):
        if "1" in runs:
            out[f"flink_p{f['flink_parallelism']}_vs_engine_1_lane"] = f["messages_per_s"] / runs["1"]["messages_per_s"]
    return {k: round(v, 3) for k, v in out.items()}


if __name__ == "__main__":
    main()
