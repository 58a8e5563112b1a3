"""Records the AOT caches of scripts/flink-local's JobManager and task managers: starts a session
cluster of one task manager with WALLAROO_FLINK_LOCAL_RECORD set, runs word count on it through the
launcher (whose own JVM records nothing), then stops the cluster, whose JVMs write their caches as
they exit (scripts/runtime-image --flink runs this).

    python3 train_session.py FLINK_LOCAL LAUNCHER APP_DIR OUT_DIR

OUT_DIR gets flink-local-jobmanager.aot and flink-local-taskmanager.aot, or neither.
"""
import os
import shutil
import subprocess
import sys
import tempfile
import time

from listen_port import free_port
from train import run_word_count

ROLES = ("jobmanager", "taskmanager")


def run_cluster(flink_local: str, launcher: str, app_dir: str, out: str) -> bool:
    """Word count on a recording cluster; the cluster is stopped (its caches written) either way."""
    cluster_dir = tempfile.mkdtemp(prefix="wallaroo-flink-training-")
    rest = str(free_port())
    env = dict(os.environ, WALLAROO_FLINK_LOCAL_DIR=cluster_dir, WALLAROO_FLINK_LOCAL_RECORD=out)
    env.pop("PYTHONPATH", None)
    client_env = {k: v for k, v in env.items() if k not in ("WALLAROO_FLINK_LOCAL_RECORD", "WALLAROO_JAVA_OPTS")}
    try:
        subprocess.run([flink_local, "start", "--taskmanagers", "1", "--rest-port", rest,
                        "--rpc-port", str(free_port())], env=env, check=True)
        run_word_count(launcher, app_dir, ["--engine", "flink", "--jobmanager", f"localhost:{rest}"], client_env)
        return True
    except Exception as e:
        print(f"training failed: {e}")
        return False
    finally:
        subprocess.run([flink_local, "stop"], env=env)  # waits while the JVMs write their caches
        log_dir = os.path.join(cluster_dir, "log")
        for log in sorted(os.listdir(log_dir)) if os.path.isdir(log_dir) else []:
            with open(os.path.join(log_dir, log), errors="replace") as f:
                print(f"--- {log} (last lines)\n" + "".join(f.readlines()[-5:]))
        shutil.rmtree(cluster_dir, ignore_errors=True)


def main() -> int:
    flink_local, launcher, app_dir, out = (os.path.abspath(arg) for arg in sys.argv[1:5])
    caches = {role: os.path.join(out, f"flink-local-{role}.aot") for role in ROLES}
    for cache in caches.values():
        for path in (cache, cache + ".partial"):
            if os.path.exists(path):
                os.remove(path)
    started = time.time()
    trained = run_cluster(flink_local, launcher, app_dir, out)
    missing = [role for role, cache in caches.items() if not os.path.exists(cache + ".partial")]
    if trained and missing:
        print(f"no AOT cache written by the {' and '.join(missing)}")
    if not trained or missing:
        for cache in caches.values():
            if os.path.exists(cache + ".partial"):
                os.remove(cache + ".partial")
        return 1
    for cache in caches.values():
        os.replace(cache + ".partial", cache)
    print(f"AOT caches recorded in {time.time() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
