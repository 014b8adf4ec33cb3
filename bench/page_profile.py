"""Where a first start's page time goes, from both ends: the browser's marks and the server's script runs.

    python bench/page_profile.py [--tree .] [--model FOLDER] [--runs 1]

A Qari server from `--tree` on a fresh data folder (default model: the full-size random opus-mt-ar-en
stand-in, loading and converting meanwhile, as on a first start), started as the README says, with the
probe of bench/probe on its PYTHONPATH (one `run` line per script run: wall and CPU ms) and Python's
`-X importtime` (PYTHONPROFILEIMPORTTIME) into its log. Chromium opens it once it answers, with an init
script that notes, in ms from the navigation (polled every 10 ms, shadow roots included): the WebSocket
opened (Streamlit's bundle loaded and run), the first message, the sidebar, the heading, the reader's
component, its first sentence (`option`: the first readable page) and the first name (`names`). Beside
them: the renderer's CPU (CDP `Performance.getMetrics`: script, layout, style, all tasks), the resources
fetched (start, end, kB), the server's script runs and the slowest modules the server imported.

The last line is a JSON object per run.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from click_latency import stand_in_model
from playwright.sync_api import sync_playwright

from devkit.server import CHROMIUM, CHROMIUM_ARGS, start_app, stop_app

INIT_JS = """
window.__qp = {};
const mark = (k) => { if (!(k in window.__qp)) window.__qp[k] = performance.now(); };
const Socket = window.WebSocket;
window.WebSocket = function (...a) {
  const ws = new Socket(...a);
  ws.addEventListener('open', () => mark('ws_open'));
  ws.addEventListener('message', () => mark('ws_first_message'));
  return ws;
};
window.WebSocket.prototype = Socket.prototype;
Object.assign(window.WebSocket, Socket);
const inAny = (sel) => {
  if (document.querySelector(sel)) return true;
  for (const e of document.querySelectorAll('*')) if (e.shadowRoot && e.shadowRoot.querySelector(sel)) return true;
  return false;
};
// polled: a MutationObserver on the document does not see changes inside the reader's shadow root
setInterval(() => {
  if (document.querySelector('[data-testid=stSidebar]')) mark('sidebar');
  if (document.querySelector('h3')) mark('heading');
  if (inAny('.qari')) mark('component');
  if (inAny('[role=option]')) mark('option');
  if (inAny('mark[data-entity]')) mark('names');
}, 10);
"""
RESOURCES_JS = """performance.getEntriesByType('resource').map(r => ({
  name: r.name.replace(location.origin, ''), start: Math.round(r.startTime), end: Math.round(r.responseEnd),
  kb: Math.round(r.transferSize / 1024)}))"""


def slowest_imports(log: str, count: int = 12) -> list[tuple[str, int]]:
    """The top-level packages the server imported, by the self time of their modules (ms)."""
    by_package: dict[str, int] = {}
    for line in log.splitlines():
        found = re.match(r"import time:\s+(\d+) \|\s+\d+ \|\s*(\S+)", line)
        if found:
            package = found.group(2).split(".")[0]
            by_package[package] = by_package.get(package, 0) + int(found.group(1))
    top = sorted(by_package.items(), key=lambda kv: -kv[1])[:count]
    return [(name, round(us / 1000)) for name, us in top]


def profile(tree: Path, model: str, timeout_ms: int) -> dict:
    work = Path(tempfile.mkdtemp(prefix="qari-page-profile-"))
    env = {
        "PYTHONPATH": str(ROOT / "bench" / "probe"),
        "QARI_PROBE_LOG": str(work / "probe"),
        "PYTHONPROFILEIMPORTTIME": "1",
    }
    proc, url = start_app(work, model, root=tree, **env)
    try:
        with sync_playwright() as pw:
            launch = {"executable_path": CHROMIUM} if CHROMIUM else {}
            browser = pw.chromium.launch(args=CHROMIUM_ARGS, **launch)
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            context.add_init_script(INIT_JS)
            page = context.new_page()
            cdp = context.new_cdp_session(page)
            cdp.send("Performance.enable")
            started = time.time()
            page.goto(url, wait_until="commit")
            page.get_by_role("option").first.wait_for(timeout=timeout_ms)
            page.locator("mark[data-entity]").first.wait_for(state="attached", timeout=timeout_ms)
            page.wait_for_timeout(300)
            marks = {k: round(v) for k, v in page.evaluate("window.__qp").items()}
            resources = page.evaluate(RESOURCES_JS)
            metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
            browser.close()
    finally:
        stop_app(proc)
    runs = []
    for path in work.glob("probe.*"):
        for line in path.read_text().splitlines():
            found = re.match(r"run (\S+) frag=(\d) wall_ms=(\S+) cpu_ms=(\S+)", line)
            if found:
                end = float(found.group(1))
                wall = float(found.group(3))
                runs.append(
                    {
                        "fragment": found.group(2) == "1",
                        "start_ms": round((end - started) * 1000 - wall),
                        "wall_ms": round(wall),
                        "cpu_ms": round(float(found.group(4))),
                    }
                )
    renderer = ("ScriptDuration", "LayoutDuration", "RecalcStyleDuration", "TaskDuration")
    return {
        "tree": str(tree),
        "marks_ms": marks,
        "renderer_cpu_ms": {k: round(metrics[k] * 1000) for k in renderer if k in metrics},
        "fetched_kb": sum(r["kb"] for r in resources),
        "fetched_before_option_kb": sum(r["kb"] for r in resources if r["end"] <= marks.get("option", 0)),
        "late_resources": [r for r in resources if r["start"] > marks.get("ws_open", 0)][:20],
        "script_runs": sorted(runs, key=lambda r: r["start_ms"])[:6],
        "server_imports_ms": slowest_imports((work / "server.log").read_text(errors="replace")),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--tree", default=str(ROOT), help="the checkout whose app is run")
    parser.add_argument("--model", default=None, help="model folder (default: the random stand-in)")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--timeout", type=float, default=300.0)
    args = parser.parse_args(argv)
    model = args.model or str(stand_in_model())
    for _ in range(args.runs):
        print(json.dumps(profile(Path(args.tree).resolve(), model, int(args.timeout * 1000))))


if __name__ == "__main__":
    main()
