"""A real Qari server (`streamlit run app.py`) on a loopback port, and the Chromium to look at it with."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from devkit.samples import ROOT

CHROMIUM = os.environ.get("QARI_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
# Without the background-networking flags Chromium keeps trying Google's hosts on a closed network.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# Qari's settings live in .streamlit/config.toml, read because the server runs in the checkout: tests and
# benchmarks measure the app as the README's `streamlit run app.py` runs it. The only flags are where it
# listens (many servers side by side, each on its own loopback port) and `headless` (a server started by a
# program opens no browser window and asks for no e-mail; Streamlit already picks it on a machine
# without a display): none of them changes what the page does or how fast. tests/test_devkit.py checks.
SIDE_BY_SIDE_FLAGS = ("--server.port", "--server.address", "--server.headless")


def app_command(port: int) -> list[str]:
    """The command line of a Qari server on `port` (run from the checkout's root)."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "app.py",
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
    ]


def start_app(
    data_dir: Path, model: str, port: int | None = None, *, root: Path = ROOT, **env_extra: str
) -> tuple[subprocess.Popen, str]:
    """Run `streamlit run app.py` on a loopback port (a free one, or `port`: a sign-in's redirect address
    names it, and a restart keeps it) with its own data folder; return (process, url). `root`: the
    checkout whose app is run (a benchmark compares two)."""
    port = port or free_port()
    env = {
        **os.environ,
        "QARI_MT_MODEL": model,
        "QARI_DATA_DIR": str(data_dir),
        "HF_HUB_OFFLINE": "1",
        **env_extra,
    }
    cmd = app_command(port)
    log = open(data_dir / "server.log", "ab")  # noqa: SIM115 - kept open for the server's life
    proc = subprocess.Popen(cmd, cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError((data_dir / "server.log").read_text(errors="replace"))
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as r:
                if r.status == 200:
                    return proc, url
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise RuntimeError("Streamlit did not become healthy in 60 s")


def stop_app(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
