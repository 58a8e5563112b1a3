"""Records the launcher's AOT cache: starts word count through scripts/wallaroo with
WALLAROO_AOT_RECORD set, sends it lines over real sockets until every word has come out, then
stops it with SIGTERM; the JVM writes the cache as it exits (scripts/runtime-image runs this).

    python3 train.py LAUNCHER APP_DIR CACHE_FILE [LAUNCHER_ARG...]

Extra arguments go to the launcher (`--engine flink` records the Flink runner's cache).
"""
import os
import signal
import socket
import struct
import subprocess
import sys
import threading
import time

from listen_port import free_port

LINES = 20_000
DEADLINE_S = 600


def run_word_count(launcher: str, app_dir: str, extra: list, env: dict) -> None:
    """Starts word count through LAUNCHER, sends it LINES lines, waits until every word has come
    out and stops it with SIGTERM, waiting for it to exit. Prints the launcher's output; raises on
    any failure, with the launcher killed."""
    started = time.time()
    in_port = free_port()
    sink = socket.socket()
    sink.bind(("127.0.0.1", 0))
    sink.listen(1)
    received = [0]

    def receive() -> None:
        conn, _ = sink.accept()
        with conn:
            while True:
                data = conn.recv(1 << 16)
                if not data:
                    return
                received[0] += data.count(b"\n")

    threading.Thread(target=receive, daemon=True).start()
    engine = subprocess.Popen(
        [launcher, "--application-module", "word_count", "--in", f"127.0.0.1:{in_port}",
         "--out", f"127.0.0.1:{sink.getsockname()[1]}", *extra],
        cwd=app_dir, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = []
    ready = threading.Event()

    def read_output() -> None:
        for line in engine.stdout:
            output.append(line)
            if "wallaroo: ready" in line:
                ready.set()

    threading.Thread(target=read_output, daemon=True).start()
    try:
        if not ready.wait(DEADLINE_S):
            raise RuntimeError("the engine did not get ready")
        lines = [("the quick brown fox %d jumps over the lazy dog" % i).encode() for i in range(LINES)]
        words = sum(len(line.split()) for line in lines)
        with socket.create_connection(("127.0.0.1", in_port)) as source:
            source.sendall(b"".join(struct.pack(">I", len(line)) + line for line in lines))
            while received[0] < words:
                if time.time() - started > DEADLINE_S or engine.poll() is not None:
                    raise RuntimeError(f"{received[0]} of {words} words came out")
                time.sleep(0.05)
        engine.send_signal(signal.SIGTERM)
        engine.wait(DEADLINE_S)  # a JVM that records a cache assembles it before it exits: tens of seconds
    except BaseException:
        engine.kill()
        engine.wait()
        print("".join(output))
        raise
    print("".join(output))


def main() -> int:
    launcher, app_dir, cache = sys.argv[1:4]
    partial = cache + ".partial"
    if os.path.exists(partial):
        os.remove(partial)
    env = dict(os.environ, WALLAROO_AOT_RECORD=partial)
    env.pop("PYTHONPATH", None)
    started = time.time()
    try:
        run_word_count(launcher, app_dir, sys.argv[4:], env)
    except Exception as e:
        print(f"training failed: {e}")
        return 1
    if not os.path.exists(partial):
        print("the JVM exited without writing the AOT cache")
        return 1
    os.replace(partial, cache)
    print(f"AOT cache recorded in {time.time() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
