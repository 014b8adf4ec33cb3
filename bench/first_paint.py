"""First readable page: navigation → the text on screen, and → its names highlighted, in Chromium.

    python bench/first_paint.py [--trees /work/main .] [--trials 5] [--model FOLDER]

For each trial and each checkout in `--trees` (default: this one; give two to compare them side by
side, alternating, in one run), a Qari server is started from that checkout on a fresh data folder
with the model (default: the full-size random opus-mt-ar-en stand-in that bench/translate.py builds, so
the translation model loads — and is converted to CTranslate2 — in the server while the page is drawn,
as on a first start) and, once it answers (`/_stcore/health`), opened in Chromium. Measured, from the
navigation:

    readable:  the sample's first sentence on screen (role=option): the first readable page;
    names:     the first entity highlighted (`mark[data-entity]`): the analysis (entity model and
               lexicon loaded, words glossed) is on the page;
    second_*:  the same for a second reader (a new browser context) once the first page is complete:
               a process with everything loaded.

Per trial a line on stderr; the last line is a JSON object with the medians in milliseconds per tree.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from click_latency import stand_in_model
from playwright.sync_api import Browser, sync_playwright

from devkit.server import CHROMIUM, CHROMIUM_ARGS, start_app, stop_app

FIGURES = ("readable_ms", "names_ms", "second_readable_ms", "second_names_ms")


def reader_times(browser: Browser, url: str, timeout_ms: int) -> tuple[float, float]:
    """(navigation → first sentence visible, navigation → first entity mark attached), in ms."""
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    try:
        page = context.new_page()
        start = time.perf_counter()
        page.goto(url, wait_until="commit")
        page.get_by_role("option").first.wait_for(timeout=timeout_ms)
        readable = (time.perf_counter() - start) * 1000
        page.locator("mark[data-entity]").first.wait_for(state="attached", timeout=timeout_ms)
        names = (time.perf_counter() - start) * 1000
        return readable, names
    finally:
        context.close()


def trial(browser: Browser, tree: Path, model: str, timeout_ms: int) -> dict[str, float]:
    work = Path(tempfile.mkdtemp(prefix="qari-first-paint-"))
    proc, url = start_app(work, model, root=tree)
    try:
        readable, names = reader_times(browser, url, timeout_ms)
        second_readable, second_names = reader_times(browser, url, timeout_ms)
    finally:
        stop_app(proc)
    return dict(zip(FIGURES, (readable, names, second_readable, second_names), strict=True))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--trees", nargs="+", default=[str(ROOT)], help="checkouts to run the app from")
    parser.add_argument("--model", default=None, help="model folder (default: the random stand-in)")
    parser.add_argument("--trials", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds any one wait may take")
    args = parser.parse_args(argv)
    model = args.model or str(stand_in_model())
    trees = [Path(t).resolve() for t in args.trees]
    found: dict[str, dict[str, list[float]]] = {str(t): {f: [] for f in FIGURES} for t in trees}
    with sync_playwright() as pw:
        launch = {"executable_path": CHROMIUM} if CHROMIUM else {}
        browser = pw.chromium.launch(args=CHROMIUM_ARGS, **launch)
        for n in range(args.trials):
            for tree in trees:  # alternating, so both see the same machine
                got = trial(browser, tree, model, int(args.timeout * 1000))
                for figure, ms in got.items():
                    found[str(tree)][figure].append(ms)
                print(
                    f"trial {n} {tree}: " + json.dumps({k: round(v) for k, v in got.items()}), file=sys.stderr
                )
        browser.close()
    out: dict[str, object] = {
        tree: {f: round(statistics.median(v)) for f, v in figures.items()} | {"trials": figures}
        for tree, figures in found.items()
    }
    for figures in found.values():
        for f, v in figures.items():
            figures[f] = [round(x) for x in v]
    print(json.dumps(out))


if __name__ == "__main__":
    main()
