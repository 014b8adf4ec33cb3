"""Click-to-translation latency in a real browser: what a reader waits for after choosing a sentence.

For each model (side by side in one run: the tiny test model and the full-size opus-mt-ar-en
stand-in with random weights, built by bench/translate.py), Qari is started on a fresh data folder
and opened in Chromium, and the bench measures

    first paint:            navigation → the sample's sentences visible (role=option), on a server that
                            has not loaded (for the stand-in: not converted) the model yet; and
                            navigation → the first translation on the page;
    click, translated:      click a sentence whose translation the page already holds → its translation
                            in the focus panel. Timed inside the page (performance.now() around the
                            click event, and to the next frame), and from Playwright (click → the text
                            seen, protocol round trips included); and as a reader's click is: a real
                            input event at the sentence (Playwright's mouse, CDP), from the event's
                            time stamp to the next frame with the English on the page, and the Event
                            Timing API's duration (input delay, handlers, next paint; Chromium reports
                            16 ms and over); also → the server's rerun confirming the selection (not
                            something the reader waits for);
    click, not translated:  paste a new text (made unique, so the cache has never seen it), wait for the
                            first sentence's translation, then — while the rest is being translated —
                            click the last sentence → its translation in the focus panel;
    alone:                  the same last sentences translated alone by the same engine in this process
                            (after the server is stopped): what the click would cost on an idle worker.

    python bench/click_latency.py                           # both models
    python bench/click_latency.py --models tiny --trials 5  # the tiny model only

The stand-in's outputs run to their length cap (random weights never choose </s>): a worst case.
The last line is a JSON object with the medians in milliseconds.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from playwright.sync_api import Page, sync_playwright
from serve import ROOT_JS, start_pinned

from devkit.samples import SAMPLE
from devkit.server import CHROMIUM, CHROMIUM_ARGS, stop_app
from models.text.segment import split_sentences

SAMPLE_SENTENCES = 10


# True when sentence i is the shown one and the focus panel holds its (known) translation.
SHOWN_JS = (
    ROOT_JS
    + """
const r = qariRoot();
if (!r || !r.__qari) return false;
const s = r.__qari, f = r.querySelector('.focus-en'), t = (s.translations || [])[i];
return s.selected === i && t !== null && t !== undefined && !f.classList.contains('pending')
  && f.textContent === t;
"""
)
# True when the server's latest rerun carries sentence i as the selection.
CONFIRMED_JS = ROOT_JS + "const r = qariRoot(); return Boolean(r && r.__qari && r.__qari.dataSelected === i);"
# Click sentence i inside the page and time it: the click handler (synchronous), and the next frame.
IN_PAGE_CLICK_JS = (
    "async (i) => {"
    + ROOT_JS
    + """
const r = qariRoot(), s = r.__qari, f = r.querySelector('.focus-en');
const want = (s.translations || [])[i];
const opt = r.querySelector(`[role="option"][data-index="${i}"]`);
const t0 = performance.now();
opt.click();
const t1 = performance.now();
const shown = f.textContent === want && !f.classList.contains('pending');
await new Promise((done) => requestAnimationFrame(() => setTimeout(done, 0)));
return { known: want !== null && want !== undefined, shown, handler_ms: t1 - t0,
         frame_ms: performance.now() - t0 };
}"""
)

# A real input event (Playwright's mouse at the sentence's centre: CDP Input.dispatchMouseEvent, what a
# reader's click is to the page): from the event's own time stamp to the next frame after the page's
# handlers ran, whether the English was on the page by then, and the Event Timing API's duration for it
# (input delay + handlers + the next paint; the browser reports only events of 16 ms or more).
ARM_TRUSTED_JS = """(i) => {
  window.__qariClick = null;
  if (!window.__qariEvents) {
    window.__qariEvents = [];
    new PerformanceObserver((list) => {
      for (const e of list.getEntries()) if (e.name === 'click') window.__qariEvents.push(e.duration);
    }).observe({ type: 'event', durationThreshold: 16 });
  }
  window.__qariEventsBefore = window.__qariEvents.length;
  window.addEventListener('click', (ev) => {
    const stamp = ev.timeStamp;
    const shown = (SHOWN)(i);
    requestAnimationFrame(() => setTimeout(() => {
      window.__qariClick = { trusted: ev.isTrusted, shown, frame_ms: performance.now() - stamp };
    }, 0));
  }, { once: true });
}"""
ARM_TRUSTED_JS = ARM_TRUSTED_JS.replace("(SHOWN)", "(" + "(i) => {" + SHOWN_JS + "}" + ")")
READ_TRUSTED_JS = """() => window.__qariClick && Object.assign({}, window.__qariClick,
  { event_ms: window.__qariEvents.slice(window.__qariEventsBefore) })"""


def log(name: str, what: str, r: dict) -> None:
    shown = {k: (round(v) if isinstance(v, float) else [round(x) for x in v]) for k, v in r.items() if v}
    print(f"{name}: {what} {shown}", file=sys.stderr, flush=True)


def fn(body: str) -> str:
    return "(i) => {" + body + "}"


def trial_text(trial: int, sentences: int) -> str:
    """The sample's first sentences, each made unique to this trial so the cache has never seen them."""
    parts = [SAMPLE[a:b] for a, b in split_sentences(SAMPLE)][:sentences]
    return " ".join(f"{p[:-1]} رقم {trial}{i}." for i, p in enumerate(parts))


def no_placeholder(page: Page, timeout_ms: int) -> None:
    page.locator("[data-sentence] .placeholder").first.wait_for(state="detached", timeout=timeout_ms)


def paste(page: Page, text: str) -> None:
    box = page.get_by_role("textbox", name="Arabic text")
    box.fill(text)
    box.press("Control+Enter")


def stand_in_model() -> Path:
    from translate import DEFAULT_CORPUS, build_random_model

    return build_random_model(Path(os.environ.get("QARI_BENCH_CORPUS", DEFAULT_CORPUS)))


def alone_ms(model: str, data_dir: Path, texts: list[str], beam: int) -> list[float]:
    """Each text translated alone by the engine the app uses (same data folder: no new conversion)."""
    os.environ["QARI_DATA_DIR"] = str(data_dir)
    from models.translation.loader import load_translator

    loaded = load_translator(model)
    if loaded.translator is None:
        raise SystemExit(f"could not load {model}: {loaded.message}")
    tr = loaded.translator
    tr.translate([texts[0]], beam_size=beam)  # warm-up
    out = []
    for text in texts:
        t = time.perf_counter()
        tr.translate([text], beam_size=beam)
        out.append((time.perf_counter() - t) * 1000)
    return out


def measure(name: str, model: str, args: argparse.Namespace) -> dict[str, list[float] | float]:
    work = Path(tempfile.mkdtemp(prefix=f"qari-click-{name}-"))
    timeout_ms = int(args.timeout * 1000)
    r: dict[str, list[float] | float] = {
        k: []
        for k in (
            "handler_ms",
            "frame_ms",
            "input_frame_ms",
            "event_timing_ms",
            "playwright_ms",
            "confirmed_ms",
            "submit_ms",
            "untranslated_ms",
        )
    }
    last = args.sentences - 1
    clicked: list[str] = []
    t_start = time.perf_counter()
    proc, url, pinning = start_pinned(work, model, args.server_cpu, args.browser_cpu)
    r["server_start_ms"] = (time.perf_counter() - t_start) * 1000
    print(f"{name}: CPUs {pinning}", file=sys.stderr, flush=True)
    try:
        with sync_playwright() as pw:
            launch = {"executable_path": CHROMIUM} if CHROMIUM else {}
            browser = pw.chromium.launch(args=CHROMIUM_ARGS, **launch)
            page = browser.new_page()
            # (c) first paint: the sample's sentences, with the model not yet loaded (or converted)
            start = time.perf_counter()
            page.goto(url)
            page.get_by_role("option").nth(SAMPLE_SENTENCES - 1).wait_for(timeout=timeout_ms)
            r["first_paint_ms"] = (time.perf_counter() - start) * 1000
            log(name, "first paint", r)
            page.locator("[data-sentence]:not(:has(.placeholder))").first.wait_for(timeout=timeout_ms)
            r["first_translation_ms"] = (time.perf_counter() - start) * 1000
            log(name, "first translation", r)
            no_placeholder(page, timeout_ms)
            r["all_translated_ms"] = (time.perf_counter() - start) * 1000
            log(name, "all translated", r)
            page.wait_for_timeout(1500)  # the final rerun (alignment, glossary) settles
            warm = browser.new_page()  # a second reader: first paint on a server that has everything loaded
            start = time.perf_counter()
            warm.goto(url)
            warm.get_by_role("option").nth(SAMPLE_SENTENCES - 1).wait_for(timeout=timeout_ms)
            r["warm_paint_ms"] = (time.perf_counter() - start) * 1000
            no_placeholder(warm, timeout_ms)
            r["warm_translated_ms"] = (time.perf_counter() - start) * 1000
            warm.close()
            log(name, "warm paint", r)

            # (a) clicks on translated sentences: in the page, then from Playwright
            for k in range(args.clicks):
                i = (k * 3 + 1) % SAMPLE_SENTENCES
                t0 = time.perf_counter()
                res = page.evaluate(IN_PAGE_CLICK_JS, i)
                if not (res["known"] and res["shown"]):
                    raise SystemExit(f"{name}: sentence {i}'s translation was not shown at once: {res}")
                r["handler_ms"].append(res["handler_ms"])
                r["frame_ms"].append(res["frame_ms"])
                page.wait_for_function(fn(CONFIRMED_JS), arg=i, timeout=timeout_ms)
                r["confirmed_ms"].append((time.perf_counter() - t0) * 1000)
                page.wait_for_timeout(200)
            for k in range(args.clicks):
                i = (k * 7 + 2) % SAMPLE_SENTENCES
                t0 = time.perf_counter()
                page.locator(f'[role="option"][data-index="{i}"]').click()
                page.wait_for_function(fn(SHOWN_JS), arg=i, timeout=timeout_ms)
                r["playwright_ms"].append((time.perf_counter() - t0) * 1000)
                page.wait_for_function(fn(CONFIRMED_JS), arg=i, timeout=timeout_ms)
                page.wait_for_timeout(200)

            for k in range(args.clicks):
                i = (k * 5 + 3) % SAMPLE_SENTENCES
                target = page.locator(f'[role="option"][data-index="{i}"]')
                target.scroll_into_view_if_needed()
                box = target.bounding_box()
                assert box is not None, f"sentence {i} is not on screen"
                page.evaluate(ARM_TRUSTED_JS, i)
                page.mouse.click(box["x"] + box["width"] / 2, box["y"] + min(box["height"] / 2, 12))
                res = page.wait_for_function(READ_TRUSTED_JS, timeout=timeout_ms).json_value()
                if not (res["trusted"] and res["shown"]):
                    raise SystemExit(f"{name}: sentence {i}'s translation was not shown by the click: {res}")
                r["input_frame_ms"].append(res["frame_ms"])
                page.wait_for_timeout(100)  # the Event Timing entry comes after the paint
                events = page.evaluate("() => window.__qariEvents.slice(window.__qariEventsBefore)")
                r["event_timing_ms"].append(max(events) if events else 0.0)  # 0: under the 16 ms reported
                page.wait_for_function(fn(CONFIRMED_JS), arg=i, timeout=timeout_ms)
                page.wait_for_timeout(200)
            log(name, "clicks on translated sentences", r)
            # (b) a click on a sentence not translated yet, while the rest is being translated
            for trial in range(args.trials):
                text = trial_text(trial, args.sentences)
                start_last, end_last = split_sentences(text)[-1]
                clicked.append(text[start_last:end_last])
                page.wait_for_timeout(300)
                t0 = time.perf_counter()
                paste(page, text)
                # the new text is on the page: its last sentence carries this trial's number
                page.get_by_role("option").filter(has_text=f"رقم {trial}{last}").wait_for(timeout=timeout_ms)
                page.wait_for_function(fn(SHOWN_JS), arg=0, timeout=timeout_ms)
                r["submit_ms"].append((time.perf_counter() - t0) * 1000)
                t0 = time.perf_counter()
                page.locator(f'[role="option"][data-index="{last}"]').click()
                page.wait_for_function(fn(SHOWN_JS), arg=last, timeout=timeout_ms)
                r["untranslated_ms"].append((time.perf_counter() - t0) * 1000)
                no_placeholder(page, timeout_ms)  # the next trial starts with an idle worker
                log(name, f"trial {trial}", r)
            browser.close()
    finally:
        stop_app(proc)
    r["alone_ms"] = alone_ms(model, work, clicked, args.beam)
    return r


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument(
        "--models",
        nargs="+",
        default=["tiny", "stand-in"],
        help="tiny, stand-in (the random full-size opus-mt-ar-en), or model folders",
    )
    ap.add_argument("--trials", type=int, default=3, help="untranslated-sentence clicks per model")
    ap.add_argument("--clicks", type=int, default=10, help="clicks on translated sentences per model")
    ap.add_argument("--sentences", type=int, default=6, help="sentences per pasted text")
    ap.add_argument("--beam", type=int, default=4, help="the app's beam (its default is 4)")
    ap.add_argument("--timeout", type=float, default=400.0, help="seconds to wait for one step")
    ap.add_argument("--server-cpu", default="0", help="CPU list for the server (taskset -c); '' to not pin")
    ap.add_argument(
        "--browser-cpu", default="1", help="CPU list for this process and Chromium; '' to not pin"
    )
    args = ap.parse_args(argv)

    results: dict[str, dict] = {}
    for name in args.models:
        if name == "tiny":
            from devkit.tiny_models import build_tiny_marian

            model = str(build_tiny_marian(Path(tempfile.mkdtemp(prefix="qari-tiny-")) / "tiny"))
        elif name == "stand-in":
            model = str(stand_in_model())
        else:
            model = str(Path(name).resolve())
        print(f"measuring {name} ({model})…", file=sys.stderr, flush=True)
        results[name] = measure(name, model, args)

    def med(v: list[float] | float) -> float:
        return statistics.median(v) if isinstance(v, list) else v

    rows = [
        ("server start → healthy", "server_start_ms"),
        ("first paint: sentences visible", "first_paint_ms"),
        ("  → first translation on the page", "first_translation_ms"),
        ("  → whole sample translated", "all_translated_ms"),
        ("first paint, second reader (all loaded)", "warm_paint_ms"),
        ("  → its translations shown (cached)", "warm_translated_ms"),
        ("click translated: click handler", "handler_ms"),
        ("click translated: to next frame", "frame_ms"),
        ("click translated: input event → next frame", "input_frame_ms"),
        ("click translated: Event Timing (0: < 16)", "event_timing_ms"),
        ("click translated: Playwright click → seen", "playwright_ms"),
        ("click translated: → server confirms", "confirmed_ms"),
        ("submit → first sentence translated", "submit_ms"),
        ("click untranslated → translation shown", "untranslated_ms"),
        ("that sentence translated alone", "alone_ms"),
    ]
    print(f"{'median ms (min–max)':<44}" + "".join(f"{n:>26}" for n in results))
    for label, key in rows:
        cells = []
        for r in results.values():
            v = r[key]
            cells.append(f"{med(v):.1f} ({min(v):.0f}–{max(v):.0f})" if isinstance(v, list) else f"{v:.0f}")
        print(f"{label:<44}" + "".join(f"{c:>26}" for c in cells))
    print(
        json.dumps(
            {
                name: {key: round(med(r[key]), 1) for _, key in rows}
                | {
                    "untranslated_minus_alone_ms": round(med(r["untranslated_ms"]) - med(r["alone_ms"]), 1),
                    "trials": args.trials,
                    "clicks": args.clicks,
                }
                for name, r in results.items()
            }
        )
    )


if __name__ == "__main__":
    main()
