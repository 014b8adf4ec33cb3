"""The shared translation service for `bench/load.py --service ray`: a local Ray, the Serve app deployed
with `serve run models.translation.serving:app`, stopped again."""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


from devkit.server import free_port


def start_ray_service(work: Path, model: str, args: argparse.Namespace) -> list[subprocess.Popen]:
    """A local Ray head (`ray start --head --block`) and `serve run models.translation.serving:app`, both
    pinned to --server-cpu (their children, GCS, raylet and replicas, inherit it); RAY_ADDRESS set."""
    pin = ["taskset", "-c", args.server_cpu] if args.server_cpu else []
    bin_dir = Path(sys.executable).parent
    port = free_port()
    os.environ.setdefault("RAY_AUTH_MODE", "token")  # Ray's default for its head, said to every process
    env = {
        **os.environ,
        "QARI_MT_MODEL": model,
        "QARI_DATA_DIR": str(work / "service"),
        "HF_HUB_OFFLINE": "1",
        "RAY_ADDRESS": f"127.0.0.1:{port}",
        "QARI_MT_ENGINE": args.engine or "auto",
    }
    (work / "service").mkdir(exist_ok=True)
    log = (work / "ray.log").open("ab")
    procs: list[subprocess.Popen] = []
    try:
        return _start_ray(work, env, pin, bin_dir, port, log, procs)
    except BaseException:
        stop_ray_service(procs)
        raise


def _start_ray(
    work: Path,
    env: dict[str, str],
    pin: list[str],
    bin_dir: Path,
    port: int,
    log: Any,
    procs: list[subprocess.Popen],
) -> list[subprocess.Popen]:
    head = subprocess.Popen(
        [
            *pin,
            str(bin_dir / "ray"),
            "start",
            "--head",
            "--block",
            "--port",
            str(port),
            "--node-ip-address",
            "127.0.0.1",
            "--num-cpus",
            "2",
            "--include-dashboard",
            "false",
            "--disable-usage-stats",
            "--temp-dir",
            str(work / "ray"),
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    procs.append(head)
    serve_cmd = shutil.which("serve", path=str(bin_dir)) or "serve"
    deadline = time.monotonic() + 300
    while "Ray runtime started" not in (work / "ray.log").read_text(errors="replace"):
        if time.monotonic() > deadline or head.poll() is not None:
            raise SystemExit("ray start failed:\n" + (work / "ray.log").read_text(errors="replace")[-3000:])
        time.sleep(1)
    app = subprocess.Popen(
        [*pin, serve_cmd, "run", "models.translation.serving:app"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    procs.append(app)
    deadline = time.monotonic() + 300
    while "is ready at" not in (work / "ray.log").read_text(errors="replace"):
        if time.monotonic() > deadline or app.poll() is not None:
            raise SystemExit(
                "serve run did not deploy:\n" + (work / "ray.log").read_text(errors="replace")[-3000:]
            )
        time.sleep(1)
    os.environ["RAY_ADDRESS"] = env["RAY_ADDRESS"]
    print(f"Ray at {env['RAY_ADDRESS']}, the Serve app deployed", file=sys.stderr, flush=True)
    return procs


def stop_ray_service(procs: list[subprocess.Popen]) -> None:
    for proc in reversed(procs):  # serve run first (Ctrl-C: it removes the app), then the head
        proc.send_signal(2)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()
