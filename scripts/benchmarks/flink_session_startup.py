"""Start-up of scripts/flink-local's session cluster and of a job on it, cluster variants interleaved
round by round: word count submitted with --jobmanager by the same launcher each time, then 1M
words (100,000 lines) sent at once.

    python3 scripts/benchmarks/flink_session_startup.py [--rounds 3] [--variants image,jdk] [--jobs 1] [--idle 0]

Variants (how the cluster's JVMs start; the submitting launcher is the same for all):
  image    the default: the runtime image, each role from its AOT cache (flink-local-*.aot)
  jdk      WALLAROO_RUNTIME=jdk: $JAVA_HOME with the Graal compiler on the upgrade module path
  warm-tm  as image, the task managers warming GraalPy while idle (WALLAROO_FLINK_WARMUP_SECONDS=15)
--idle S waits S seconds between the cluster's start and the first job's launch (a cluster started
ahead of its jobs).
Per run: `flink-local start` until every slot is registered; the launch of the job until
`wallaroo: ready`; the job's tasks from deployment to running (their interpreters loaded, from the
task manager's log); the first output after the words were sent; the rate of the first 1M words;
the task manager's peak RSS. Written to bench-results/flink-session-*.json.
"""
import argparse
import datetime
import json
import os
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(HERE, "..", "runtime"))

from listen_port import free_port  # noqa: E402

FLINK_LOCAL = os.path.join(ROOT, "scripts", "flink-local")
LAUNCHER = os.path.join(ROOT, "scripts", "wallaroo")
LINES = 100_000
VARIANTS = {"image": {}, "jdk": {"WALLAROO_RUNTIME": "jdk"}, "warm-tm": {"WALLAROO_FLINK_WARMUP_SECONDS": "15"}}


class LineCounter:
    """Counts the lines the job's TCP sink writes, remembering when the first arrived."""

    def __init__(self):
        self.server = socket.socket()
        self.server.bind(("127.0.0.1", 0))
        self.server.listen(1)
        self.port = self.server.getsockname()[1]
        self.count = 0
        self.first_at = None
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        conn, _ = self.server.accept()
        with conn:
            while data := conn.recv(1 << 16):
                if self.first_at is None:
                    self.first_at = time.time()
                self.count += data.count(b"\n")


def log_time(line):
    return datetime.datetime.strptime(line[:12], "%H:%M:%S.%f")


def task_start_seconds(log_path, offset=0):
    """From the first task received to the last task running, in the task manager's log from offset on."""
    with open(log_path, errors="replace") as f:
        f.seek(offset)
        lines = f.read().splitlines()
    received = [log_time(l) for l in lines if "Received task" in l]
    running = [log_time(l) for l in lines if "INITIALIZING to RUNNING" in l]
    return (max(running) - min(received)).total_seconds() if received and running else None


def peak_rss_mb(pid):
    with open(f"/proc/{pid}/status") as f:
        return next(int(l.split()[1]) // 1024 for l in f if l.startswith("VmHWM"))


def run_job(rest, cluster, env):
    """Launches word count on the cluster, sends it 1M words at once, and stops the launcher (which
    cancels the job, freeing its slot for the next)."""
    result = {}
    counter = LineCounter()
    in_port = free_port()
    tm_log = os.path.join(cluster, "log", "taskmanager-1.log")
    log_offset = os.path.getsize(tm_log)
    job = None
    try:
        launched = time.time()
        job = subprocess.Popen(
            [LAUNCHER, "--application-module", "word_count", "--engine", "flink", "--jobmanager", f"localhost:{rest}",
             "--in", f"127.0.0.1:{in_port}", "--out", f"127.0.0.1:{counter.port}"],
            cwd=os.path.join(ROOT, "examples", "word_count"), env=env,
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        ready = threading.Event()
        output = []

        def read_output():
            for line in job.stdout:
                output.append(line)
                if "wallaroo: ready" in line:
                    ready.set()

        threading.Thread(target=read_output, daemon=True).start()
        if not ready.wait(300):
            raise RuntimeError("the job did not get ready:\n" + "".join(output))
        result["job_ready_s"] = time.time() - launched
        lines = [("the quick brown fox %d jumps over the lazy dog" % i).encode() for i in range(LINES)]
        words = sum(len(line.split()) for line in lines)
        with socket.create_connection(("127.0.0.1", in_port)) as source:
            sent = time.time()
            source.sendall(b"".join(struct.pack(">I", len(line)) + line for line in lines))
            while counter.count < words:
                if time.time() - sent > 600 or job.poll() is not None:
                    raise RuntimeError(f"{counter.count} of {words} words came out:\n" + "".join(output))
                time.sleep(0.02)
            result["first_output_s"] = counter.first_at - sent
            result["cold_words_per_s"] = words / (time.time() - sent)
        result["tasks_start_s"] = task_start_seconds(tm_log, log_offset)
    finally:
        if job is not None:
            job.terminate()
            try:
                job.wait(60)
            except subprocess.TimeoutExpired:
                job.kill()
    return result


def run(variant, workdir, jobs, idle):
    """One cluster of the variant, `jobs` jobs on it one after another: a result per job."""
    cluster = tempfile.mkdtemp(prefix=f"flink-{variant}-", dir=workdir)
    env = dict(os.environ, WALLAROO_FLINK_LOCAL_DIR=cluster)
    for name in ("WALLAROO_RUNTIME", "WALLAROO_FLINK_WARMUP_SECONDS"):
        env.pop(name, None)
    cluster_env = dict(env, **VARIANTS[variant])
    rest = free_port()
    results = []
    started = time.time()
    subprocess.run([FLINK_LOCAL, "start", "--taskmanagers", "1", "--rest-port", str(rest),
                    "--rpc-port", str(free_port())], env=cluster_env, check=True, stdout=subprocess.DEVNULL)
    cluster_start_s = time.time() - started
    time.sleep(idle)
    try:
        for job_number in range(1, jobs + 1):
            result = {"variant": variant, "job": job_number}
            if job_number == 1:
                result["cluster_start_s"] = cluster_start_s
            result.update(run_job(rest, cluster, env))
            with open(os.path.join(cluster, "taskmanager-1.pid")) as f:
                result["taskmanager_peak_rss_mb"] = peak_rss_mb(int(f.read()))
            results.append(result)
    finally:
        subprocess.run([FLINK_LOCAL, "stop"], env=cluster_env, stdout=subprocess.DEVNULL)
    return results


FIGURES = [("cluster_start_s", "flink-local start, s", "{:.1f}"), ("job_ready_s", "job launch to ready, s", "{:.1f}"),
           ("tasks_start_s", "tasks deployed to running, s", "{:.2f}"), ("first_output_s", "first output, s", "{:.2f}"),
           ("cold_words_per_s", "first 1M words, words/s", "{:,.0f}"), ("taskmanager_peak_rss_mb", "task manager RSS, MB", "{}")]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--variants", default="image,jdk")
    parser.add_argument("--jobs", type=int, default=1,
                        help="jobs one after another on each cluster (job 2 on shows a task manager that ran one before)")
    parser.add_argument("--idle", type=float, default=0, help="seconds between the cluster's start and the first job")
    args = parser.parse_args()
    variants = args.variants.split(",")
    unknown = [v for v in variants if v not in VARIANTS]
    if unknown:
        parser.error(f"unknown variant(s) {unknown}; choose from {sorted(VARIANTS)}")
    runs = []
    with tempfile.TemporaryDirectory(prefix="flink-session-bench-") as workdir:
        for round_number in range(1, args.rounds + 1):
            for variant in variants:
                for result in run(variant, workdir, args.jobs, args.idle):
                    result["round"] = round_number
                    runs.append(result)
                    print(json.dumps(result), flush=True)
    columns = [(v, j) for v in variants for j in range(1, args.jobs + 1)]
    print(f"\n{'':32}" + "".join(f"{v if j == 1 else f'{v}, job {j}':>22}" for v, j in columns))
    for key, label, fmt in FIGURES:
        cells = []
        for v, j in columns:
            values = [r[key] for r in runs if r["variant"] == v and r["job"] == j and r.get(key) is not None]
            cells.append(f"{fmt.format(min(values))}-{fmt.format(max(values))}" if values else "-")
        print(f"{label:32}" + "".join(f"{c:>22}" for c in cells))
    medians = {v: statistics.median(r["job_ready_s"] for r in runs if r["variant"] == v and r["job"] == 1)
               for v in variants}
    for faster, slower in (("image", "jdk"), ("warm-tm", "image")):
        if faster in medians and slower in medians:
            print(f"job launch to ready, median: {faster} {medians[faster]:.1f} s = "
                  f"{medians[faster] / medians[slower]:.2f}x {slower}'s")
    os.makedirs(os.path.join(ROOT, "bench-results"), exist_ok=True)
    path = os.path.join(ROOT, "bench-results", f"flink-session-{time.strftime('%Y%m%d-%H%M%S')}.json")
    with open(path, "w") as f:
        json.dump({"runs": runs, "idle_s": args.idle, "load_average": os.getloadavg()}, f, indent=1)
    print(f"written to {path}")


if __name__ == "__main__":
    main()
