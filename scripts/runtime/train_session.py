"""Records the AOT caches of scripts/flink-local's JobManager and task managers: starts a session
cluster of one task manager with WALLAROO_FLINK_LOCAL_RECORD set, runs word count on it through the
launcher (whose own JVM records nothing), then stops the cluster, whose JVMs write their caches as
they exit (scripts/runtime-image --flink runs this).

    python3 train_session.py FLINK_LOCAL LAUNCHER APP_DIR OUT_DIR

OUT_DIR gets flink-local-jobmanager.aot and flink-local-taskmanager.aot.
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


def main() -> int:
    flink_local, launcher, app_dir, out = sys.argv[1:5]
    for role in ROLES:
        for name in (f"flink-local-{role}.aot", f"flink-local-{role}.aot.partial"):
            if os.path.exists(os.path.join(out, name)):
                os.remove(os.path.join(out, name))
    cluster_dir = tempfile.mkdtemp(prefix="wallaroo-flink-training-")
    rest = str(free_port())
    env = dict(os.environ, WALLAROO_FLINK_LOCAL_DIR=cluster_dir, WALLAROO_FLINK_LOCAL_RECORD=out)
    env.pop("PYTHONPATH", None)
    started = time.time()
    try:
        subprocess.run([flink_local, "start", "--taskmanagers", "1", "--rest-port", rest,
                        "--rpc-port", str(free_port())], env=env, check=True)
        client_env = dict(env)
        del client_env["WALLAROO_FLINK_LOCAL_RECORD"]
        client_env.pop("WALLAROO_JAVA_OPTS", None)
        run_word_count(launcher, app_dir, ["--engine", "flink", "--jobmanager", f"localhost:{rest}"], client_env)
    except Exception as e:
        print(f"training failed: {e}")
        return 1
    finally:
        subprocess.run([flink_local, "stop"], env=env)  # waits while the JVMs write their caches
        for log in sorted(os.listdir(os.path.join(cluster_dir, "log"))):
            with open(os.path.join(cluster_dir, "log", log), errors="replace") as f:
                print(f"--- {log} (last lines)\n" + "".join(f.readlines()[-5:]))
        shutil.rmtree(cluster_dir, ignore_errors=True)
    missing = [role for role in ROLES if not os.path.exists(os.path.join(out, f"flink-local-{role}.aot.partial"))]
    if missing:
        print(f"no AOT cache written by the {' and '.join(missing)}")
        return 1
    for role in ROLES:
        partial = os.path.join(out, f"flink-local-{role}.aot.partial")
        os.replace(partial, partial[:-len(".partial")])
    print(f"AOT caches recorded in {time.time() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
