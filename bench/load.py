"""How many readers one machine serves: concurrent browser sessions clicking through cached sentences.

A bounded load test on loopback. One Qari server (the tiny model; every sentence already in the
SQLite cache, so no translation work, only what each click costs the server: a script rerun, the
analysis from cache, the page update). N browser pages at once each open the sample article and click
through its sentences; each click is timed until the page shows that sentence's translation.

    python bench/load.py                  # N = 1 2 4 8, 10 clicks each
    python bench/load.py --readers 1 4 12 --clicks 20

The browsers run on the same machine as the server, so the figures are a lower bound on what the
server alone could do. The last line is JSON: per N, median and 95th-percentile click latency (ms)
and clicks per second over all pages.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from playwright.async_api import Browser, async_playwright

from tests.support import CHROMIUM, CHROMIUM_ARGS, build_tiny_marian, start_app, stop_app

SENTENCES = 10


async def reader(browser: Browser, url: str, clicks: int, timeout_ms: int) -> list[float]:
    context = await browser.new_context()
    page = await context.new_page()
    await page.goto(url)
    options = page.get_by_role("option")
    await options.nth(SENTENCES - 1).wait_for(timeout=timeout_ms)
    await page.locator("[data-sentence] .placeholder").first.wait_for(state="detached", timeout=timeout_ms)
    times = []
    for k in range(clicks):
        index = (k * 3 + 1) % SENTENCES
        start = time.perf_counter()
        await options.nth(index).click()
        # the server has answered when the rerun's data marks this sentence as Python's selection
        await page.wait_for_function(
            "i => { for (const e of document.querySelectorAll('*')) { const s = e.shadowRoot;"
            " if (s && s.querySelector('.qari') && s.querySelector('.qari').__qari"
            " && s.querySelector('.qari').__qari.dataSelected === i) return true; } return false; }",
            arg=index,
            timeout=timeout_ms,
        )
        times.append((time.perf_counter() - start) * 1000)
    await context.close()
    return times


async def run(url: str, readers: list[int], clicks: int, timeout_ms: int) -> dict[str, dict[str, float]]:
    results: dict[str, dict[str, float]] = {}
    async with async_playwright() as pw:
        launch = {"executable_path": CHROMIUM} if CHROMIUM else {}
        browser = await pw.chromium.launch(args=CHROMIUM_ARGS, **launch)
        # warm-up: fills the translation cache and loads the model once
        await reader(browser, url, 2, timeout_ms)
        for n in readers:
            start = time.perf_counter()
            per_page = await asyncio.gather(*(reader(browser, url, clicks, timeout_ms) for _ in range(n)))
            wall = time.perf_counter() - start
            times = sorted(t for page in per_page for t in page)
            results[str(n)] = {
                "median_ms": round(statistics.median(times)),
                "p95_ms": round(times[int(0.95 * (len(times) - 1))]),
                "clicks_per_s": round(len(times) / wall, 2),
            }
            r = results[str(n)]
            print(f"{n:>3} readers: median {r['median_ms']:>6} ms   p95 {r['p95_ms']:>6} ms   "
                  f"{r['clicks_per_s']:>6} clicks/s", flush=True)
        await browser.close()
    return results


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--readers", type=int, nargs="+", default=[1, 2, 4, 8])
    ap.add_argument("--clicks", type=int, default=10)
    ap.add_argument("--timeout", type=float, default=60.0)
    args = ap.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="qari-load-"))
    proc, url = start_app(work, str(build_tiny_marian(work / "tiny")))
    try:
        results = asyncio.run(run(url, args.readers, args.clicks, int(args.timeout * 1000)))
    finally:
        stop_app(proc)
    print(json.dumps(results))


if __name__ == "__main__":
    main()
