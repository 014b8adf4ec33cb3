"""What the browser benchmarks share: a Qari server pinned to its own CPUs, and its CPU time.

`start_pinned` moves this process (and so Playwright's driver and Chromium, started after it) to
`browser_cpu` and the server, every thread, to `server_cpu` (`taskset -a -c -p`; threads the server
starts later inherit it). Qari sizes its translation threads by the CPUs it may use, so a server pinned
to one CPU translates with one thread.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from devkit.server import start_app

TICK = os.sysconf("SC_CLK_TCK")


def cpus(spec: str) -> set[int]:
    return {int(c) for c in spec.split(",") if c.strip()}


def start_pinned(
    work: Path, model: str, server_cpu: str, browser_cpu: str, **env: str
) -> tuple[subprocess.Popen, str, dict[str, list[int]]]:
    """(process, url, {"server": CPUs, "browsers": CPUs}); an empty spec leaves that side unpinned."""
    if browser_cpu:
        os.sched_setaffinity(0, cpus(browser_cpu))
    proc, url = start_app(work, model, **env)
    if server_cpu:
        subprocess.run(
            ["taskset", "-a", "-c", "-p", server_cpu, str(proc.pid)], check=True, stdout=subprocess.DEVNULL
        )
    return (
        proc,
        url,
        {"server": sorted(os.sched_getaffinity(proc.pid)), "browsers": sorted(os.sched_getaffinity(0))},
    )


def cpu_seconds(pid: int) -> float:
    """utime + stime of process `pid` (all its threads), in seconds, from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # fields 14 and 15 of proc(5)


# The reader's root (.qari, in the component's shadow root or the document) and its state (__qari),
# for scripts run in the page by the benchmarks.
ROOT_JS = """
const qariRoot = () => {
  const direct = document.querySelector('.qari');
  if (direct) return direct;
  for (const e of document.querySelectorAll('*')) {
    const q = e.shadowRoot && e.shadowRoot.querySelector('.qari');
    if (q) return q;
  }
  return null;
};
"""
