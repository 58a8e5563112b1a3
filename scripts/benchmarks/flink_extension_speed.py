#!/usr/bin/env python3
"""The text documents example over extensions (file_source.py in, a sink script out) on the Flink
runner's mini-cluster, this checkout against another built one, interleaved round by round.

    python3 scripts/benchmarks/flink_extension_speed.py --before DIR [--rounds 2] [--repeat 2000]
                                                        [--passes 3] [--parallelism 1]

Each run launches text_word_count, connects a sink script, then sends the data file --repeat
times per pass (each pass under a stream name of its own, so none is skipped as already seen)
and waits for every count to come out. It prints, per pass, the words out per second from the
first line sent to the last count received and the CPU time the engine process spent per word,
which waiting for a core does not inflate: on a shared machine that is the steadier figure.
The first pass runs cold; the last is the warm figure.
"""
import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
APP_DIR = os.path.join(ROOT, "examples", "text_documents")
DATA = os.path.join("data", "count_this.txt")
_TICK = os.sysconf("SC_CLK_TCK")

# The scripts import the example's module, which imports wallaroo: the package from this checkout.
PYTHONPATH = os.pathsep.join([os.path.join(ROOT, "wallaroo-py"), APP_DIR])
sys.path[:0] = PYTHONPATH.split(os.pathsep)
import text_documents  # noqa: E402  (the example's own extension clients)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid):
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / _TICK


class Counter:
    """A sink script in a thread: reads every (word, count) and counts them."""

    def __init__(self, port):
        self.count = 0
        self.extension = None
        self.port = port
        threading.Thread(target=self._run, daemon=True).start()

    def _run(self):
        while self.extension is None:
            try:
                self.extension = text_documents.WordCountStream("127.0.0.1", self.port).extension()
            except OSError:
                time.sleep(0.2)
        while True:
            try:
                if self.extension.read(timeout=None) is None:
                    return
            except OSError:
                return
            self.count += 1

    def wait_for(self, total, timeout):
        deadline = time.time() + timeout
        while self.count < total:
            if time.time() > deadline:
                raise TimeoutError(f"{self.count} of {total} counts after {timeout} s")
            time.sleep(0.01)
        return time.time()


def run(checkout, args, words_per_pass):
    text, counts = free_port(), free_port()
    command = [os.path.join(checkout, "scripts", "wallaroo"), "--application-module", "text_word_count",
               "--engine", "flink", "--parallelism", str(args.parallelism),
               "--text-stream", f"127.0.0.1:{text}", "--word-count-stream", f"127.0.0.1:{counts}"]
    log = open(os.path.join("/tmp", f"flink-extension-speed-{os.getpid()}.log"), "w")
    engine = subprocess.Popen(command, cwd=APP_DIR, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    ready = threading.Event()

    def follow():
        for line in engine.stdout:
            log.write(line)
            if "wallaroo: ready" in line:
                ready.set()
    threading.Thread(target=follow, daemon=True).start()
    results = []
    try:
        if not ready.wait(120):
            raise RuntimeError(f"{checkout}: not ready after 120 s (log: {log.name})")
        sink = Counter(counts)
        expected = 0
        for n in range(args.passes):
            expected += words_per_pass * args.repeat
            cpu_before, started = cpu_seconds(engine.pid), time.time()
            subprocess.run([sys.executable, "file_source.py", "--text-stream", f"127.0.0.1:{text}", "--file", DATA,
                            "--repeat", str(args.repeat), "--name", f"pass{n}"], cwd=APP_DIR, check=True,
                           stderr=subprocess.DEVNULL, env=dict(os.environ, PYTHONPATH=PYTHONPATH))
            ended = sink.wait_for(expected, 600)
            words = words_per_pass * args.repeat
            results.append((words / (ended - started), (cpu_seconds(engine.pid) - cpu_before) / words * 1e6))
    finally:
        engine.terminate()
        try:
            engine.wait(30)
        except subprocess.TimeoutExpired:
            engine.kill()
        log.close()
    return results


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--before", required=True, help="another built checkout of the project")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=2000, help="sends of the data file per pass")
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--parallelism", type=int, default=1)
    args = parser.parse_args()
    with open(os.path.join(APP_DIR, "data", "expected_counts.json")) as f:
        words_per_pass = sum(json.load(f).values())
    checkouts = {"this": ROOT, "before": os.path.abspath(args.before)}
    warm = {name: [] for name in checkouts}
    for r in range(args.rounds):
        order = list(checkouts) if r % 2 == 0 else list(reversed(checkouts))
        for name in order:
            results = run(checkouts[name], args, words_per_pass)
            warm[name].append(results[-1])
            passes = "; ".join(f"pass {i + 1} {rate:,.0f} words/s, {cpu:.2f} CPU us/word"
                               for i, (rate, cpu) in enumerate(results))
            print(f"round {r + 1} {name} ({checkouts[name]}): {passes} (load {os.getloadavg()[0]:.1f})", flush=True)
    for name, values in warm.items():
        print(f"{name}: last pass median {statistics.median(v[0] for v in values):,.0f} words/s, "
              f"{statistics.median(v[1] for v in values):.2f} CPU us/word", flush=True)


if __name__ == "__main__":
    main()
