"""Resilience on/off for word count (scripts/bench --resilience): throughput ratio at the default
snapshot interval, snapshot size and write time, the longest pause a snapshot caused, and the
time from SIGKILL to the first output of a restarted engine that restores its state, against
the time a cold start (empty directory) takes to its first output."""
import copy
import os
import re
import shutil
import signal
import struct
import subprocess
import tempfile
import threading
import time

from bench import ROOT, Receiver, Target, connect, free_port, measure, send_all, summary
from workloads import WORKLOADS


class RecordingTarget(Target):
    """A Target that keeps the engine's output, so the counters printed at shutdown can be read."""

    def start(self, in_port, out_port):
        cmd = [c.format(inp=in_port, out=out_port) for c in self.command]
        self.lines = []
        self.startup = []
        self.started_at = time.perf_counter()
        self.proc = subprocess.Popen(cmd, cwd=self.cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for line in self.proc.stdout:
            self.lines.append(line)
            if self.ready_text in line:
                break
        else:
            raise RuntimeError(f"{self.name} exited during start-up:\n" + "".join(self.lines))
        self.ready_seconds = time.perf_counter() - self.started_at
        self.reader = threading.Thread(target=lambda: [self.lines.append(l) for l in self.proc.stdout], daemon=True)
        self.reader.start()

    def stop(self):
        super().stop()
        self.reader.join(10)

    def counters(self):
        for line in self.lines:
            if "wallaroo: stopped; counters {" in line:
                return {k: int(v) for k, v in re.findall(r"([\w.]+)=(-?\d+)", line.split("counters", 1)[1])}
        return {}


def engine_command(workload, lanes, extra):
    return [os.path.join(ROOT, "scripts", "wallaroo"), "--application-module", workload.module,
            "--in", "127.0.0.1:{inp}", "--out", "127.0.0.1:{out}", "--ponythreads", str(lanes)] + extra


def first_output_after(start_at, proc_start, workload, receiver, in_port):
    """Starts the engine (proc_start()) and sends a probe line until its count comes out;
    seconds from start_at to that output."""
    proc = proc_start()
    probe = b"resilience probe words\n"
    frame = struct.pack(">I", len(probe)) + probe
    before = receiver.count
    deadline = time.time() + 600
    sock = connect(in_port, timeout=600)
    while time.time() < deadline:
        sock.sendall(frame)
        with receiver.cond:
            receiver.cond.wait(0.05)
            if receiver.count > before:
                return time.perf_counter() - start_at, proc
    raise TimeoutError("no output after a restart")


def dir_bytes(path):
    return sum(os.path.getsize(os.path.join(path, f)) for f in os.listdir(path))


def run(args, lanes):
    workload = WORKLOADS["word_count"](args.lines, max(args.connection_counts))
    quiet = copy.copy(args)
    quiet.latency_seconds = 0
    quiet.ready_launches = 1  # a second launch would recover from the first one's snapshots
    out = {"lanes": lanes}
    off = measure(Target("engine, resilience off", engine_command(workload, lanes, []), workload.directory,
                         "wallaroo: ready"), workload, quiet)
    print(summary(off, "words"), flush=True)
    state = tempfile.mkdtemp(prefix="wallaroo-bench-resilience-")
    try:
        target = RecordingTarget("engine, resilience on (500 ms)",
                                 engine_command(workload, lanes, ["--resilience-dir", state]),
                                 workload.directory, "wallaroo: ready")
        on = measure(target, workload, quiet)
        print(summary(on, "words"), flush=True)
        c = target.counters()
        written = max(1, c.get("snapshot.written", 0))
        out.update(off_messages_per_s=round(off["messages_per_s"]), on_messages_per_s=round(on["messages_per_s"]),
                   on_vs_off=round(on["messages_per_s"] / off["messages_per_s"], 3),
                   snapshots_written=c.get("snapshot.written", 0), snapshots_unchanged=c.get("snapshot.unchanged", 0),
                   snapshot_failures=c.get("snapshot.failures", 0),
                   mean_snapshot_bytes=round(c.get("snapshot.bytes", 0) / written),
                   mean_snapshot_entities=round(c.get("snapshot.entities", 0) / written),
                   directory_bytes=dir_bytes(state),
                   longest_pause_ms=c.get("snapshot.pause.micros.max", 0) / 1000.0,
                   mean_pause_ms=round(c.get("snapshot.pause.micros.total", 0) / 1000.0
                                       / max(1, written + c.get("snapshot.unchanged", 0)), 3),
                   longest_write_ms=c.get("snapshot.write.micros.max", 0) / 1000.0)

        # Recovery: SIGKILL an engine that holds the benchmark's state, restart it at once, time
        # the first output; then the same from an empty directory (a cold start).
        receiver = Receiver(workload)
        in_port = free_port()
        argv = [c.format(inp=in_port, out=receiver.port)
                for c in engine_command(workload, lanes, ["--resilience-dir", state])]

        def spawn(argv=argv):
            return subprocess.Popen(argv, cwd=workload.directory, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)

        _, first = first_output_after(time.perf_counter(), spawn, workload, receiver, in_port)
        warm, _, _ = workload.frames("warm")
        send_all(in_port, warm[:1])
        time.sleep(2)
        killed_at = time.perf_counter()
        first.send_signal(signal.SIGKILL)
        first.wait()
        recovery, second = first_output_after(killed_at, spawn, workload, receiver, in_port)
        second.terminate()
        second.wait(60)
        empty = tempfile.mkdtemp(prefix="wallaroo-bench-cold-")
        cold_argv = [a if a != state else empty for a in argv]
        cold, third = first_output_after(time.perf_counter(), lambda: spawn(cold_argv), workload, receiver, in_port)
        third.terminate()
        third.wait(60)
        shutil.rmtree(empty, ignore_errors=True)
        receiver.server.close()
        out.update(recovery_seconds=round(recovery, 2), cold_start_seconds=round(cold, 2),
                   recovery_vs_cold=round(recovery / cold, 2))
    finally:
        shutil.rmtree(state, ignore_errors=True)
    for k, v in out.items():
        print(f"  resilience {k}: {v}", flush=True)
    return out
