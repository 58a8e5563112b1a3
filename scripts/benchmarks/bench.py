"""Word count benchmark: end to end over loopback TCP, next to the in-process ceiling and a plain
CPython baseline, all measured in the same run (the machines are noisy: compare ratios).

    scripts/bench [--lanes 1,2] [--lines 200000] [--latency-seconds 10] [--no-baseline] [--no-ceiling]

Prints a table and writes every figure to bench-results/word_count-<time>.json.
"""
import argparse
import json
import os
import re
import socket
import statistics
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, HERE)

import corpus  # noqa: E402

MARKER = re.compile(rb"zqmark(\d+) => ")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Receiver:
    """Counts output lines and timestamps latency markers, on a thread of its own."""

    def __init__(self):
        self.server = socket.socket()
        self.server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(4)
        self.port = self.server.getsockname()[1]
        self.lines = 0
        self.last_at = 0.0
        self.markers = {}
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
        while True:
            chunk = conn.recv(1 << 20)
            if not chunk:
                return
            now = time.perf_counter()
            data = tail + chunk
            cut = data.rfind(b"\n") + 1
            complete, tail = data[:cut], data[cut:]
            n = complete.count(b"\n")
            if b"zqmark" in complete:
                for m in MARKER.finditer(complete):
                    self.markers[int(m.group(1))] = now
            with self.cond:
                self.lines += n
                self.last_at = now
                self.cond.notify_all()

    def wait_for(self, total, timeout):
        deadline = time.time() + timeout
        with self.cond:
            while self.lines < total:
                left = deadline - time.time()
                if left <= 0:
                    raise TimeoutError(f"received {self.lines} of {total} lines")
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


def send_all(port, payload_per_connection):
    """Sends each payload on its own connection, concurrently; returns when all are sent."""
    socks = [connect(port) for _ in payload_per_connection]
    threads = [threading.Thread(target=s.sendall, args=(p,)) for s, p in zip(socks, payload_per_connection)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return socks


def split_frames(lines, parts):
    chunks = [[] for _ in range(parts)]
    for i, (text, _) in enumerate(lines):
        chunks[i % parts].append(corpus.frame(text))
    return [b"".join(c) for c in chunks]


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
    """Something that runs word count between an input port and an output port."""

    def __init__(self, name, command, cwd, ready_text):
        self.name, self.command, self.cwd, self.ready_text = name, command, cwd, ready_text
        self.proc = None

    def start(self, in_port, out_port):
        cmd = [c.format(inp=in_port, out=out_port) for c in self.command]
        self.proc = subprocess.Popen(cmd, cwd=self.cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        deadline = time.time() + 180
        for line in self.proc.stdout:
            if self.ready_text in line:
                break
            if time.time() > deadline:
                raise TimeoutError(f"{self.name} did not start")
        else:
            raise RuntimeError(f"{self.name} exited during start-up")
        threading.Thread(target=lambda: [None for _ in self.proc.stdout], daemon=True).start()

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(30)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def measure(target, args, warm, measured):
    receiver = Receiver()
    in_port = free_port()
    target.start(in_port, receiver.port)
    result = {"target": target.name}
    try:
        conns = args.connections
        # GraalPy compiles hot code in the background (tens of seconds on two cores): keep
        # traffic flowing for --warmup-seconds before measuring.
        warm_words = sum(n for _, n in warm)
        warm_frames = split_frames(warm, conns)
        warm_until = time.time() + args.warmup_seconds
        expected = 0
        while True:
            send_all(in_port, warm_frames)
            expected += warm_words
            receiver.wait_for(expected, 600)
            if time.time() >= warm_until:
                break

        words = sum(n for _, n in measured)
        base = receiver.lines
        frames = split_frames(measured, conns)
        start = time.perf_counter()
        send_all(in_port, frames)
        end = receiver.wait_for(base + words, 600)
        elapsed = end - start
        result.update(words=words, lines=len(measured), seconds=round(elapsed, 3),
                      words_per_s=words / elapsed, lines_per_s=len(measured) / elapsed)

        if args.latency_seconds > 0:
            result.update(latency(receiver, in_port, result["lines_per_s"] * 0.5, measured, args.latency_seconds))
        result["peak_rss_mb"] = peak_rss_mb(target.proc.pid)
    finally:
        target.stop()
        receiver.server.close()
    return result


def latency(receiver, in_port, rate, lines, seconds):
    """Sends at `rate` lines/s; every 20th line starts with a unique marker word whose output line
    tells when that line came out."""
    sock = connect(in_port)
    tick = 0.002
    per_tick = max(1.0, rate * tick)
    sent_at = {}
    start = time.perf_counter()
    i = seq = 0
    owed = 0.0
    total_lines = 0
    while time.perf_counter() - start < seconds:
        owed += per_tick
        batch = []
        while owed >= 1.0:
            text = lines[i % len(lines)][0]
            i += 1
            if i % 20 == 0:
                seq += 1
                text = corpus.marker_line(seq, text)
                sent_at[seq] = None
            batch.append((seq if i % 20 == 0 else None, corpus.frame(text)))
            owed -= 1.0
        now = time.perf_counter()
        sock.sendall(b"".join(f for _, f in batch))
        for s, _ in batch:
            if s is not None:
                sent_at[s] = now
        total_lines += len(batch)
        next_at = start + (total_lines / rate)
        pause = next_at - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
    deadline = time.time() + 30
    while len(receiver.markers) < len(sent_at) and time.time() < deadline:
        time.sleep(0.05)
    sock.close()
    lat = sorted((receiver.markers[s] - t) * 1000.0 for s, t in sent_at.items() if s in receiver.markers)
    if not lat:
        return {"latency_rate_lines_per_s": rate}

    def pct(p):
        return lat[min(len(lat) - 1, int(p / 100.0 * len(lat)))]
    return {"latency_rate_lines_per_s": round(rate), "latency_samples": len(lat),
            "latency_ms_p50": round(pct(50), 3), "latency_ms_p99": round(pct(99), 3),
            "latency_ms_p999": round(pct(99.9), 3), "latency_ms_mean": round(statistics.mean(lat), 3)}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lanes", default="1,2", help="comma-separated lane counts to run")
    parser.add_argument("--lines", type=int, default=400000, help="lines in the measured run")
    parser.add_argument("--connections", type=int, default=2, help="sender connections")
    parser.add_argument("--latency-seconds", type=float, default=10.0)
    parser.add_argument("--warmup-seconds", type=float, default=90.0,
                        help="traffic before measuring, so the JIT has compiled the hot code")
    parser.add_argument("--measure-seconds", type=float, default=10.0, help="length of the ceiling measurement")
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument("--no-ceiling", action="store_true")
    parser.add_argument("--no-crossing", action="store_true", help="skip the lane-crossing micro-benchmark")
    args = parser.parse_args()

    warm = corpus.lines(20000, seed=3)
    measured = corpus.lines(args.lines)
    wc_dir = os.path.join(ROOT, "examples", "word_count")
    results = {"benchmark": "word_count", "time": time.strftime("%Y-%m-%dT%H:%M:%S"), "cores": os.cpu_count(),
               "lines": args.lines, "connections": args.connections, "runs": []}

    if not args.no_crossing:
        out = subprocess.run([os.path.join(ROOT, "scripts", "graalpy"), os.path.join(HERE, "crossing.py"),
                              str(args.warmup_seconds / 2), str(args.measure_seconds / 3)],
                             capture_output=True, text=True, check=True)
        results["crossing"] = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"lane crossing: plain str {results['crossing']['plain_str_ns_per_message']} ns/message, "
              f"small user object {results['crossing']['user_object_ns_per_message']} ns/message", flush=True)

    if not args.no_ceiling:
        out = subprocess.run([os.path.join(ROOT, "scripts", "graalpy"), os.path.join(HERE, "ceiling.py"),
                              "5000", str(args.warmup_seconds), str(args.measure_seconds)],
                             capture_output=True, text=True, check=True)
        results["ceiling"] = json.loads(out.stdout.strip().splitlines()[-1])
        print(f"in-process ceiling (GraalPy loop): {results['ceiling']['ceiling_words_per_s']:,.0f} words/s", flush=True)

    for lanes in [int(x) for x in args.lanes.split(",")]:
        target = Target(f"engine, {lanes} lane(s)",
                        [os.path.join(ROOT, "scripts", "wallaroo"), "--application-module", "word_count",
                         "--in", "127.0.0.1:{inp}", "--out", "127.0.0.1:{out}", "--ponythreads", str(lanes)],
                        wc_dir, "wallaroo: ready")
        run = measure(target, args, warm, measured)
        run["lanes"] = lanes
        results["runs"].append(run)
        print(summary(run), flush=True)

    if not args.no_baseline:
        target = Target("CPython baseline", [sys.executable, os.path.join(HERE, "cpython_word_count.py"),
                                             "--in", "127.0.0.1:{inp}", "--out", "127.0.0.1:{out}"],
                        ROOT, "baseline: ready")
        results["baseline"] = measure(target, args, warm, measured)
        print(summary(results["baseline"]), flush=True)

    ratios = {}
    runs = {r["lanes"]: r for r in results["runs"]}
    best = max(results["runs"], key=lambda r: r["words_per_s"]) if results["runs"] else None
    if "ceiling" in results and best:
        ratios["best_end_to_end_vs_ceiling"] = best["words_per_s"] / results["ceiling"]["ceiling_words_per_s"]
    if "baseline" in results and best:
        ratios["best_end_to_end_vs_cpython"] = best["words_per_s"] / results["baseline"]["words_per_s"]
    if 1 in runs and len(runs) > 1:
        top = max(runs)
        ratios[f"lanes_{top}_vs_1"] = runs[top]["words_per_s"] / runs[1]["words_per_s"]
    results["ratios"] = {k: round(v, 3) for k, v in ratios.items()}
    for k, v in results["ratios"].items():
        print(f"{k}: {v:.2f}x")

    os.makedirs(os.path.join(ROOT, "bench-results"), exist_ok=True)
    path = os.path.join(ROOT, "bench-results", f"word_count-{time.strftime('%Y%m%d-%H%M%S')}.json")
    with open(path, "w") as f:
        json.dump(results, f, indent=2)
    print(f"figures written to {os.path.relpath(path, ROOT)}")


def summary(run):
    text = f"{run['target']}: {run['words_per_s']:,.0f} words/s ({run['lines_per_s']:,.0f} lines/s)"
    if "latency_ms_p50" in run:
        text += (f"; latency at {run['latency_rate_lines_per_s']:,} lines/s: p50 {run['latency_ms_p50']} ms,"
                 f" p99 {run['latency_ms_p99']} ms, p99.9 {run['latency_ms_p999']} ms")
    if run.get("peak_rss_mb"):
        text += f"; peak RSS {run['peak_rss_mb']:.0f} MB"
    return text


if __name__ == "__main__":
    main()
