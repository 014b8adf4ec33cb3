"""How many readers one machine serves: server CPU per click and per translated sentence, and readers
kept at p95 ≤ 1 s when each clicks every 10 s.

A bounded load test on loopback (127.0.0.1 only). One Qari server on a fresh data folder and Chromium
pages (one browser context, that is one Streamlit session, per reader). The server is pinned to one
CPU and this process, Playwright's driver and Chromium to another (`taskset`; `--server-cpu`,
`--browser-cpu`), so the browsers' work does not land on the server's core; the server's own CPU time
is read from /proc/<pid>/stat (utime + stime, all its threads) before and after each phase.

1. per translated sentence: one reader pastes texts the cache has never seen (`--texts` of
   `--sentences` sentences) and waits until every sentence is translated: server CPU / sentences
   (the model's work, the analysis of the text and the page's polling reruns together);
2. per cached click: one reader on the translated sample clicks `--clicks` sentences, one after the
   other, each once the server's rerun has confirmed the previous one: server CPU / clicks, and the
   same reader idle for as long (what the open session costs without clicks);
3. readers clicking every `--interval` s (staggered) for `--duration` s, for each N in `--readers`:
   click → the translation in the focus panel (in the browser), and click → the server's rerun
   confirming the selection (timed inside each page with performance.now()); median, p95, and the
   server's CPU per click under that load. With `--uncached F`, a share F of the clicks are made on a
   text the reader has just pasted (a sentence not translated yet): click → its translation in the reader.

    python bench/load.py                                    # tiny model, N = 10 20 30 40
    python bench/load.py --model stand-in --readers 30 60   # the full-size random opus-mt stand-in

A click's own translation needs no server (reader.js shows a translation it holds at once), so the
confirmation is the server-side figure: a reader waits for it only to see the selection kept (focus,
glossary marks) — it is what p95 ≤ 1 s is asked of. One machine's readers on C cores with a click every
10 s: C / (CPU per click / 10 s), at full use of the cores. The last line is JSON.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from playwright.async_api import Browser, Page, async_playwright
from ray_service import start_ray_service, stop_ray_service
from serve import ROOT_JS, cpu_seconds, start_pinned

from devkit.samples import SAMPLE
from devkit.server import CHROMIUM, CHROMIUM_ARGS, stop_app
from devkit.tiny_models import build_tiny_marian
from models.text.segment import split_sentences

SENTENCES = 10  # the sample article

# Click sentence i in the page; time → its translation in the focus panel, and → the server's rerun
# carrying i as the selection (polled every 5 ms; gives up after `limit` ms).
CLICK_JS = (
    "async ([i, limit]) => {"
    + ROOT_JS
    + """
const r = qariRoot(), s = r.__qari, f = r.querySelector('.focus-en');
const t0 = performance.now();
r.querySelector(`[role="option"][data-index="${i}"]`).click();
const want = (s.translations || [])[i];
const shown = want !== null && want !== undefined && f.textContent === want ? performance.now() - t0 : null;
while (s.dataSelected !== i) {
  if (performance.now() - t0 > limit) return { shown, confirmed: null };
  await new Promise((done) => setTimeout(done, 5));
}
return { shown, confirmed: performance.now() - t0 };
}"""
)

# Click sentence i of a text just pasted (not translated yet, as a rule): time → its translation in the
# reader with the selection confirmed (gives up after `limit` ms); whether it was untranslated at the click.
FRESH_JS = (
    "async ([i, limit]) => {"
    + ROOT_JS
    + """
const r = qariRoot(), s = r.__qari;
const before = (s.translations || [])[i];
const untranslated = before === null || before === undefined;
const t0 = performance.now();
r.querySelector(`[role="option"][data-index="${i}"]`).click();
for (;;) {
  const t = (s.translations || [])[i];
  if (t !== null && t !== undefined && s.dataSelected === i) return { untranslated, translated: performance.now() - t0 };
  if (performance.now() - t0 > limit) return { untranslated, translated: null };
  await new Promise((done) => setTimeout(done, 5));
}
}"""
)


def fresh_text(tag: str) -> str:
    """The sample with a number of its own in every sentence: a text no cache holds."""
    parts = [SAMPLE[a:b] for a, b in split_sentences(SAMPLE)][:SENTENCES]
    return " ".join(f"{p[:-1]} عدد {tag}{i}." for i, p in enumerate(parts))


async def fresh_click(page: Page, tag: str, index: int, timeout_ms: int) -> dict:
    """Paste a new text (its last sentence on the page, untimed), then click sentence `index` of it."""
    box = page.get_by_role("textbox", name="Arabic text")
    await box.fill(fresh_text(tag))
    await box.press("Control+Enter")
    await page.get_by_role("option").filter(has_text=f"{tag}{SENTENCES - 1}").wait_for(timeout=timeout_ms)
    return await page.evaluate(FRESH_JS, [index, timeout_ms])


def cpu_of(pid: int | Callable[[], float]) -> float:
    """CPU seconds of the server: one process (`pid`), or what a callable adds up (several processes)."""
    return pid() if callable(pid) else cpu_seconds(pid)


def tree_cpu(roots: list[int]) -> float:
    """utime + stime of the `roots` and every live descendant (Ray's GCS, raylet, replicas), in seconds."""
    parent: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parent[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError):
            continue
    wanted, total = set(roots), 0.0
    for pid in sorted(parent):  # a child's pid may be lower than its parent's: walk up instead
        p, seen = pid, 0
        while p in parent and p not in wanted and seen < 64:
            p, seen = parent[p], seen + 1
        if p in wanted:
            try:
                total += cpu_seconds(pid)
            except OSError:
                pass
    return total


def _rounded(value: float) -> int | None:
    return None if value == float("inf") else round(value)


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] if values else float("nan")


async def open_reader(browser: Browser, url: str, timeout_ms: int) -> Page:
    page = await (await browser.new_context()).new_page()
    await page.goto(url)
    await page.get_by_role("option").nth(SENTENCES - 1).wait_for(timeout=timeout_ms)
    await page.locator("[data-sentence] .placeholder").first.wait_for(state="detached", timeout=timeout_ms)
    return page


async def click(page: Page, index: int, timeout_ms: int) -> dict:
    return await page.evaluate(CLICK_JS, [index, timeout_ms])


async def translated_cpu(
    browser: Browser, url: str, pid: int | Callable[[], float], texts: int, sentences: int, timeout_ms: int
) -> dict:
    """Server CPU per sentence translated: new texts pasted, until every sentence is translated."""
    page = await open_reader(browser, url, timeout_ms)
    await page.wait_for_timeout(1000)
    parts = [SAMPLE[a:b] for a, b in split_sentences(SAMPLE)][:sentences]
    cpu = wall = 0.0
    total = 0
    for t in range(texts):
        tag = f"{os.getpid()}{t}"
        text = " ".join(f"{p[:-1]} عدد {tag}{i}." for i, p in enumerate(parts))
        c0, w0 = cpu_of(pid), time.perf_counter()
        box = page.get_by_role("textbox", name="Arabic text")
        await box.fill(text)
        await box.press("Control+Enter")
        # the new text is on the page (its last sentence), then none of it is left untranslated
        await (
            page.get_by_role("option").filter(has_text=f"{tag}{len(parts) - 1}").wait_for(timeout=timeout_ms)
        )
        await page.locator("[data-sentence] .placeholder").first.wait_for(
            state="detached", timeout=timeout_ms
        )
        await page.wait_for_timeout(1500)  # the final rerun (alignment, glossary)
        cpu += cpu_of(pid) - c0
        wall += time.perf_counter() - w0
        total += len(parts)
    await page.context.close()
    return {
        "sentences": total,
        "cpu_s": round(cpu, 2),
        "wall_s": round(wall, 1),
        "cpu_ms_per_sentence": round(1000 * cpu / total, 1),
    }


async def cached_click_cpu(
    browser: Browser,
    url: str,
    pid: int | Callable[[], float],
    clicks: int,
    timeout_ms: int,
    idle: bool = True,
) -> dict:
    page = await open_reader(browser, url, timeout_ms)
    await page.wait_for_timeout(1500)
    times: list[float] = []
    c0, w0 = cpu_of(pid), time.perf_counter()
    for k in range(clicks):
        res = await click(page, (k * 3 + 1) % SENTENCES, timeout_ms)
        if res["confirmed"] is None:
            raise SystemExit(f"click {k} was not confirmed within {timeout_ms} ms")
        times.append(res["confirmed"])
    cpu, wall = cpu_of(pid) - c0, time.perf_counter() - w0
    c1 = cpu_of(pid)
    if idle:
        await page.wait_for_timeout(int(wall * 1000))  # the same session, idle, as long
    idle_s = cpu_of(pid) - c1
    await page.context.close()
    return {
        "clicks": clicks,
        "cpu_s": round(cpu, 2),
        "idle_cpu_s_same_time": round(idle_s, 2) if idle else None,
        "wall_s": round(wall, 1),
        "cpu_ms_per_click": round(1000 * cpu / clicks, 1),
        "median_confirm_ms": round(statistics.median(times)),
        "p95_confirm_ms": round(pct(times, 0.95)),
    }


async def steady(
    browser: Browser,
    url: str | list[str],
    pid: int | Callable[[], float],
    pages: list[Page],
    n: int,
    interval: float,
    duration: float,
    timeout_ms: int,
    uncached: float = 0.0,
) -> dict:
    """n readers (`pages`, grown to n), each clicking every `interval` s (staggered) for `duration` s; a
    share `uncached` of the clicks on a text just pasted (a sentence not translated yet)."""
    urls = [url] if isinstance(url, str) else url
    while len(pages) < n:  # opened one at a time: a class does not arrive in the same second either
        pages.append(await open_reader(browser, urls[len(pages) % len(urls)], timeout_ms))  # round robin
    await asyncio.sleep(2)
    shown: list[float] = []
    confirmed: list[float] = []
    lost = 0
    fresh: list[dict] = []
    rng = random.Random(n)

    async def one(j: int, page: Page) -> None:
        nonlocal lost
        start = t0 + interval * j / n
        k = 0
        while start + k * interval < t0 + duration:
            await asyncio.sleep(max(0.0, start + k * interval - time.perf_counter()))
            if uncached and rng.random() < uncached:
                fresh.append(await fresh_click(page, f"{n}r{j}k{k}x", rng.randrange(SENTENCES), timeout_ms))
                k += 1
                continue
            res = await click(page, rng.randrange(SENTENCES), int(interval * 1000))
            if res["shown"] is not None:
                shown.append(res["shown"])
            if res["confirmed"] is None:
                lost += 1
            else:
                confirmed.append(res["confirmed"])
            k += 1

    c0 = cpu_of(pid)
    t0 = time.perf_counter()
    await asyncio.gather(*(one(j, p) for j, p in enumerate(pages[:n])))
    wall = time.perf_counter() - t0
    cpu = cpu_of(pid) - c0
    clicks = len(confirmed) + lost
    return {
        "readers": n,
        "clicks": clicks,
        "unconfirmed": lost,
        "wall_s": round(wall, 1),
        "median_shown_ms": round(statistics.median(shown), 1) if shown else None,
        "median_confirm_ms": round(statistics.median(confirmed)) if confirmed else None,
        # unconfirmed clicks count as slower than any; a p95 among them is reported as None (> interval)
        "p95_confirm_ms": _rounded(pct(confirmed + [float("inf")] * lost, 0.95)) if clicks else None,
        "server_cpu_share": round(cpu / wall, 2),
        "cpu_ms_per_click": round(1000 * cpu / max(1, clicks + len(fresh)), 1),  # pastes included
        **(uncached_figures(fresh) if uncached else {}),
    }


def uncached_figures(fresh: list[dict]) -> dict:
    """Clicks on a text just pasted: click → the sentence's translation in the reader, selection confirmed."""
    done = [f["translated"] for f in fresh if f["translated"] is not None]
    lost = len(fresh) - len(done)
    return {
        "uncached_clicks": len(fresh),
        "uncached_untranslated_at_click": sum(f["untranslated"] for f in fresh),
        "uncached_median_translated_ms": round(statistics.median(done)) if done else None,
        "uncached_p95_translated_ms": _rounded(pct(done + [float("inf")] * lost, 0.95)) if fresh else None,
        "uncached_lost": lost,
    }


async def gc_side_by_side(
    servers: dict[str, tuple[str, int]], clicks: int, rounds: int, timeout_ms: int
) -> dict:
    """Server CPU per cached click with and without Streamlit's post-script gc, in alternating blocks."""
    out: dict = {name: {"clicks": 0, "cpu_s": 0.0, "confirm_ms": []} for name in servers}
    async with async_playwright() as pw:
        launch = {"executable_path": CHROMIUM} if CHROMIUM else {}
        browser = await pw.chromium.launch(args=CHROMIUM_ARGS, **launch)
        for url, _ in servers.values():  # loads the model, fills the cache
            await (await open_reader(browser, url, timeout_ms)).context.close()
        for _ in range(rounds):
            for name, (url, pid) in servers.items():
                r = await cached_click_cpu(browser, url, pid, clicks, timeout_ms, idle=False)
                out[name]["clicks"] += r["clicks"]
                out[name]["cpu_s"] += r["cpu_s"]
                out[name]["confirm_ms"].append(r["median_confirm_ms"])
                print(name, r, file=sys.stderr, flush=True)
        await browser.close()
    for r in out.values():
        r["cpu_ms_per_click"] = round(1000 * r["cpu_s"] / r["clicks"], 1)
        r["cpu_s"] = round(r["cpu_s"], 2)
    return out


async def run(args: argparse.Namespace, urls: list[str], pid: int | Callable[[], float]) -> dict:
    timeout_ms = int(args.timeout * 1000)
    out: dict = {}
    async with async_playwright() as pw:
        launch = {"executable_path": CHROMIUM} if CHROMIUM else {}
        browser = await pw.chromium.launch(args=CHROMIUM_ARGS, **launch)
        t0 = time.perf_counter()
        url = urls[0]
        for each in urls:  # loads the model (or reaches the service), fills the cache
            await (await open_reader(browser, each, timeout_ms)).context.close()
        print(
            f"sample translated and cached in {time.perf_counter() - t0:.1f} s", file=sys.stderr, flush=True
        )
        if args.texts:
            out["translated"] = await translated_cpu(
                browser, url, pid, args.texts, args.sentences, timeout_ms
            )
            print("per translated sentence:", out["translated"], file=sys.stderr, flush=True)
        out["cached_click"] = await cached_click_cpu(browser, url, pid, args.clicks, timeout_ms)
        print("per cached click:", out["cached_click"], file=sys.stderr, flush=True)
        out["steady"] = []
        pages: list[Page] = []
        for n in sorted(args.readers):
            r = await steady(
                browser, urls, pid, pages, n, args.interval, args.duration, timeout_ms, args.uncached
            )
            out["steady"].append(r)
            print(f"{n:>3} readers, a click every {args.interval:g} s:", r, file=sys.stderr, flush=True)
        await browser.close()
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", default="tiny", help="tiny, stand-in (random full-size opus-mt), or a folder")
    ap.add_argument("--readers", type=int, nargs="*", default=[10, 20, 30, 40])
    ap.add_argument("--interval", type=float, default=10.0, help="seconds between one reader's clicks")
    ap.add_argument("--duration", type=float, default=60.0, help="seconds of clicking per N")
    ap.add_argument("--clicks", type=int, default=100, help="clicks for the per-click CPU")
    ap.add_argument("--texts", type=int, default=2, help="new texts for the per-sentence CPU (0: skip)")
    ap.add_argument("--sentences", type=int, default=6, help="sentences per new text")
    ap.add_argument("--server-cpu", default="0", help="CPU list for the server (taskset -c); '' to not pin")
    ap.add_argument("--browser-cpu", default="1", help="CPU list for this process and Chromium")
    ap.add_argument("--timeout", type=float, default=400.0)
    ap.add_argument(
        "--no-post-script-gc",
        action="store_true",
        help="runner.postScriptGC false (no full gc.collect after every rerun): Qari's config.toml already "
        "says so; kept for checkouts from before it",
    )
    ap.add_argument(
        "--compare-gc",
        type=int,
        metavar="ROUNDS",
        default=0,
        help="only: CPU per cached click on two servers, postScriptGC on and off, ROUNDS alternating "
        "blocks of --clicks clicks each (both servers on --server-cpu)",
    )
    ap.add_argument(
        "--service",
        choices=("embedded", "ray"),
        default="embedded",
        help="embedded: a model in each Streamlit process; ray: the shared service on Ray Serve (a "
        "local Ray and `serve run models.translation.serving:app`, pinned to --server-cpu)",
    )
    ap.add_argument(
        "--uncached",
        type=float,
        default=0.0,
        help="share of the readers' clicks on a text just pasted (a sentence not translated yet), 0–1",
    )
    ap.add_argument("--processes", type=int, default=1, help="Streamlit processes; readers go round robin")
    ap.add_argument("--engine", default=None, help="QARI_MT_ENGINE for the service and the processes")
    args = ap.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="qari-load-"))
    if args.model == "tiny":
        model = str(build_tiny_marian(work / "tiny"))
    elif args.model == "stand-in":
        from translate import DEFAULT_CORPUS, build_random_model

        model = str(build_random_model(Path(os.environ.get("QARI_BENCH_CORPUS", DEFAULT_CORPUS))))
    else:
        model = str(Path(args.model).resolve())
    if args.compare_gc:
        # .streamlit/config.toml turns the gc off: this comparison turns it back on for one server
        on, url_on, pinning = start_pinned(
            work, model, args.server_cpu, args.browser_cpu, STREAMLIT_RUNNER_POST_SCRIPT_GC="true"
        )
        off_dir = work / "gc-off"
        off_dir.mkdir()
        off, url_off, _ = start_pinned(
            off_dir, model, args.server_cpu, args.browser_cpu, STREAMLIT_RUNNER_POST_SCRIPT_GC="false"
        )
        try:
            servers = {"postScriptGC on": (url_on, on.pid), "postScriptGC off": (url_off, off.pid)}
            results = asyncio.run(
                gc_side_by_side(servers, args.clicks, args.compare_gc, int(args.timeout * 1000))
            )
        finally:
            stop_app(on)
            stop_app(off)
        print(json.dumps({"compare_gc": results, "cpus": pinning, "model": Path(model).name}))
        return
    env = {"STREAMLIT_RUNNER_POST_SCRIPT_GC": "false"} if args.no_post_script_gc else {}
    ray_procs = start_ray_service(work, model, args) if args.service == "ray" else []
    if ray_procs:
        env.update(
            QARI_TRANSLATION_SERVICE="ray",
            QARI_MT_ENGINE=args.engine or "auto",
            RAY_ADDRESS=os.environ["RAY_ADDRESS"],
        )
    procs, urls = [], []
    try:
        for k in range(args.processes):
            folder = work / f"process-{k}"  # one data folder per process, as on separate machines
            folder.mkdir(exist_ok=True)
            proc, url, pinning = start_pinned(folder, model, args.server_cpu, args.browser_cpu, **env)
            procs.append(proc)
            urls.append(url)
        print(
            f"model {model}; CPUs {pinning}; {args.processes} Streamlit processes; service {args.service}",
            file=sys.stderr,
            flush=True,
        )
        roots = [p.pid for p in procs + ray_procs]
        split0 = (tree_cpu([p.pid for p in procs]), tree_cpu([p.pid for p in ray_procs]))
        results = asyncio.run(run(args, urls, lambda: tree_cpu(roots)))
        # the whole run's server CPU: the Streamlit processes, and Ray's (GCS, raylet, Serve, replicas)
        results["cpu_s_whole_run"] = {
            "streamlit": round(tree_cpu([p.pid for p in procs]) - split0[0], 1),
            "ray": round(tree_cpu([p.pid for p in ray_procs]) - split0[1], 1),
        }
    finally:
        for proc in procs:
            stop_app(proc)
        stop_ray_service(ray_procs)
    cpc = results["cached_click"]["cpu_ms_per_click"] / 1000
    results["readers_per_2_cores"] = round(2 / (cpc / args.interval)) if cpc > 0 else None
    results["cpus"] = pinning
    results["model"] = Path(model).name
    results["post_script_gc"] = not args.no_post_script_gc
    results["service"], results["processes"] = args.service, args.processes
    print(json.dumps(results))


if __name__ == "__main__":
    main()
