"""Word count on the local engine (1 lane) and on the Flink runner's mini-cluster, interleaved
round by round on the same input, with each Flink run's ratio to the engine run of its round.

    python3 scripts/benchmarks/flink_speed.py [--rounds 2] [--lines 50000] [--warmup-seconds 20]
                                              [--targets engine,p1,p1-keyby,p2] [--before DIR]
                                              [--latency-rate N]

Targets: engine (1 lane), p1 / p2 (Flink at parallelism 1 / 2), p1-keyby (parallelism 1 with
-Dwallaroo.flink.keyByAlways=true: the state fed through Flink's keyBy shuffle instead of chained
to the entry operator, to show what the chaining saves), p1-ckpt (parallelism 1 with checkpoints
every second: the cost of writing the saved entities into Flink state before each barrier),
p1-flush5 (5 ms batch and network-buffer timeouts instead of parallelism 1's default 1),
p2-flush1 (1 ms instead of parallelism 2's default 5),
p1-before (parallelism 1 as built in --before DIR, another checkout of the project, e.g. the
commit before a change). The machine is shared: compare the
ratios within a round and read them next to the load averages printed with each run. Each run
also reports the CPU time the target process spent per word in the measured pass, which waiting
for a core does not inflate: its ratio is the steadier figure on a loaded machine.
"""
import argparse
import os
import shutil
import tempfile
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

import bench  # noqa: E402
from bench import ROOT, Target, measure  # noqa: E402
from workloads import WORKLOADS  # noqa: E402

# CPU seconds the target process (all its threads) spends per pass of traffic: far less sensitive
# to the machine's load than the wall-clock rate, since waiting for a core costs no CPU time.
_TICK = os.sysconf("SC_CLK_TCK")
_passes = []  # (CPU seconds at the start of a pass, at its end)
_target_pid = [None]


def _cpu_seconds():
    try:
        with open(f"/proc/{_target_pid[0]}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / _TICK
    except (OSError, TypeError):
        return float("nan")


class CpuTarget(Target):
    def start(self, in_port, out_port):
        super().start(in_port, out_port)
        _target_pid[0] = self.proc.pid
        _passes.clear()


_send_all, _wait_for = bench.send_all, bench.Receiver.wait_for


def _timed_send_all(port, payloads):
    _passes.append([_cpu_seconds(), None])
    return _send_all(port, payloads)


def _timed_wait_for(self, total, timeout):
    at = _wait_for(self, total, timeout)
    if _passes and _passes[-1][1] is None:
        _passes[-1][1] = _cpu_seconds()
    return at


bench.send_all, bench.Receiver.wait_for = _timed_send_all, _timed_wait_for

WALLAROO = os.path.join(ROOT, "scripts", "wallaroo")
BASE = [WALLAROO, "--application-module", "word_count", "--in", "127.0.0.1:{inp}", "--out", "127.0.0.1:{out}"]
TARGETS = {
    "engine": ("engine, 1 lane", ["--ponythreads", "1"], ""),
    "p1": ("Flink, parallelism 1", ["--engine", "flink", "--parallelism", "1"], ""),
    "p1-keyby": ("Flink, parallelism 1, keyBy shuffle", ["--engine", "flink", "--parallelism", "1"],
                 "-Dwallaroo.flink.keyByAlways=true"),
    "p1-ckpt": ("Flink, parallelism 1, checkpoints every 1 s", ["--engine", "flink", "--parallelism", "1",
                "--resilience-dir", "{resilience}", "--checkpoint-interval", "1000"], ""),
    "p2": ("Flink, parallelism 2", ["--engine", "flink", "--parallelism", "2"], ""),
    "p1-flush5": ("Flink, parallelism 1, --flush-ms 5 --buffer-timeout-ms 5", ["--engine", "flink", "--parallelism", "1",
                  "--flush-ms", "5", "--buffer-timeout-ms", "5"], ""),
    "p2-flush1": ("Flink, parallelism 2, --flush-ms 1 --buffer-timeout-ms 1", ["--engine", "flink", "--parallelism", "2",
                  "--flush-ms", "1", "--buffer-timeout-ms", "1"], ""),
}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--lines", type=int, default=50000)
    parser.add_argument("--warmup-seconds", type=float, default=20.0)
    parser.add_argument("--latency-seconds", type=float, default=4.0)
    parser.add_argument("--latency-rate", type=float,
                        help="messages/s for the latency window, the same for every run (default: half of each run's rate)")
    parser.add_argument("--targets", default="engine,p1,p1-keyby,p2")
    parser.add_argument("--before", help="another built checkout, for the p1-before target")
    args = parser.parse_args()
    if args.before:
        before = [os.path.join(os.path.abspath(args.before), "scripts", "wallaroo")] + BASE[1:]
        TARGETS["p1-before"] = ("Flink, parallelism 1, " + os.path.basename(os.path.abspath(args.before)),
                                ["--engine", "flink", "--parallelism", "1"], "", before)
    args.cold_words, args.connection_counts = 400000, [1]
    workload = WORKLOADS["word_count"](args.lines, 1)
    names = args.targets.split(",")
    ratios = {n: [] for n in names if n != "engine"}
    cpu_ratios = {n: [] for n in names if n != "engine"}
    for r in range(args.rounds):
        engine_rate = None
        for name in names:
            label, flags, java_opts, *command = TARGETS[name]
            command = command[0] if command else BASE
            saved = os.environ.get("WALLAROO_JAVA_OPTS")
            os.environ["WALLAROO_JAVA_OPTS"] = ((saved or "") + " " + java_opts).strip()
            resilience = tempfile.mkdtemp(prefix="flink-speed-")
            flags = [f.replace("{resilience}", resilience) for f in flags]
            try:
                run = measure(CpuTarget(label, command + flags, workload.directory, "wallaroo: ready"), workload, args)
            finally:
                shutil.rmtree(resilience, ignore_errors=True)
                if saved is None:
                    os.environ.pop("WALLAROO_JAVA_OPTS", None)
                else:
                    os.environ["WALLAROO_JAVA_OPTS"] = saved
            rate = run["outputs_per_s"]
            start_cpu, end_cpu = _passes[-1]  # the measured pass comes last
            cpu_us = (end_cpu - start_cpu) / run["warm"][1]["outputs"] * 1e6
            text = (f"round {r + 1} {label}: {rate:,.0f} words/s, {run['messages_per_s']:,.0f} lines/s, "
                    f"{cpu_us:.2f} CPU us/word; latency p50 "
                    f"{run.get('latency_ms_p50')} ms p99 {run.get('latency_ms_p99')} ms; ready {run['ready_s']} s, "
                    f"first output {run.get('first_output_s')} s, cold {run.get('cold_outputs_per_s', 0):,.0f} words/s, "
                    f"peak RSS {run.get('peak_rss_mb', 0):.0f} MB (load {run['load_before']:.1f} -> {run['load_after']:.1f})")
            if name == "engine":
                engine_rate, engine_cpu = rate, cpu_us
            elif engine_rate:
                ratios[name].append(rate / engine_rate)
                cpu_ratios[name].append(engine_cpu / cpu_us)
                text += f"; {rate / engine_rate:.2f}x the engine's rate, {engine_cpu / cpu_us:.2f}x its words per CPU second"
            print(text, flush=True)
    for name, values in ratios.items():
        if values:
            cpu = cpu_ratios[name]
            print(f"{TARGETS[name][0]} vs engine, 1 lane: rate median {statistics.median(values):.2f}x "
                  f"({', '.join(f'{v:.2f}' for v in values)}); words per CPU second median "
                  f"{statistics.median(cpu):.2f}x ({', '.join(f'{v:.2f}' for v in cpu)})", flush=True)


if __name__ == "__main__":
    main()
