"""A probe for Streamlit processes under `bench/load.py`: where a click's time goes on the server.

    PYTHONPATH=bench/probe QARI_PROBE_LOG=/tmp/probe python bench/load.py --service ray ...

With `QARI_PROBE_LOG` set, every Python process that imports Streamlit's script runner appends to
`$QARI_PROBE_LOG.<pid>`: one `run` line per script run (full or fragment; wall and the thread's CPU
milliseconds; how many calls this process has made so far to the shared translation service:
`RayTranslationService.call`, `._handle`, `RemoteTranslator.align_remote`), and every 5 s a `late` line:
how late a thread sleeping 5 ms at a time woke (p50, p99, max in ms; waits for the GIL or the CPU). Other
processes (Ray's) find nothing to patch and are left alone.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from typing import Any

LOG = os.environ.get("QARI_PROBE_LOG")
RUNNER = "streamlit.runtime.scriptrunner.script_runner"
COUNTED = (
    ("RayTranslationService", "call"),
    ("RayTranslationService", "_handle"),
    ("RemoteTranslator", "align_remote"),
)


def _patch_runs(out: Any, counts: dict[str, int]) -> None:
    runner = sys.modules[RUNNER].ScriptRunner
    original = runner._run_script

    def run(self: Any, rerun_data: Any) -> Any:
        wall, cpu = time.perf_counter(), time.thread_time()
        try:
            return original(self, rerun_data)
        finally:
            fragment = int(bool(getattr(rerun_data, "fragment_id_queue", None)))
            out.write(
                f"run {time.time():.3f} frag={fragment} wall_ms={1000 * (time.perf_counter() - wall):.1f} "
                f"cpu_ms={1000 * (time.thread_time() - cpu):.1f} {counts}\n"
            )

    runner._run_script = run


def _patch_service(counts: dict[str, int]) -> None:
    while "models.translation.remote" not in sys.modules:
        time.sleep(0.5)
    remote = sys.modules["models.translation.remote"]
    for cls_name, name in COUNTED:
        cls = getattr(remote, cls_name)
        original, key = getattr(cls, name), f"{cls_name}.{name}"
        counts[key] = 0

        def counted(*args: Any, _original: Any = original, _key: str = key, **kwargs: Any) -> Any:
            counts[_key] += 1
            return _original(*args, **kwargs)

        setattr(cls, name, counted)


def _probe() -> None:
    deadline = time.monotonic() + 300
    while not hasattr(sys.modules.get(RUNNER), "ScriptRunner"):  # fully imported, not half-way
        if time.monotonic() > deadline:
            return
        time.sleep(0.2)
    out = open(f"{LOG}.{os.getpid()}", "a", buffering=1)  # noqa: SIM115 - open for the process's life
    counts: dict[str, int] = {}
    _patch_runs(out, counts)
    threading.Thread(target=_patch_service, args=(counts,), daemon=True).start()
    late: list[float] = []
    last = time.monotonic()
    while True:
        t0 = time.perf_counter()
        time.sleep(0.005)
        late.append(1000 * (time.perf_counter() - t0 - 0.005))
        if time.monotonic() - last > 5:
            late.sort()
            n = len(late)
            out.write(
                f"late {time.time():.3f} n={n} p50={late[n // 2]:.1f} p99={late[int(n * 0.99)]:.1f} "
                f"max={late[-1]:.1f} threads={threading.active_count()}\n"
            )
            late, last = [], time.monotonic()


if LOG:
    threading.Thread(target=_probe, daemon=True, name="qari-probe").start()
