"""Click → first English words, in Chromium: the reader's one gesture on a sentence not translated yet.

    python bench/first_words.py [--model FOLDER] [--trials 3] [--sentences 6]

Qari is started on a fresh data folder with the model (default: the full-size random opus-mt-ar-en
stand-in that bench/translate.py builds; its outputs never stop on their own, so every sentence runs to
its length bound: a worst case) and opened in Chromium. Measured, medians over `--trials`:

    first paint:    navigation → the sample's sentences on screen (role=option), on a server that has not
                    loaded the model yet;
    first words:    a unique `--sentences`-sentence text is pasted, its first sentence's translation waited
                    for, then — while the rest translates — the last sentence is clicked → the focus panel
                    shows English for it (streamed, class `provisional`, or final);
    final:          the same click → its final translation in the focus panel;
    cached click:   a click on a sentence whose translation the page holds → shown (Playwright's view,
                    protocol round trips included).

The last line is a JSON object with the figures in milliseconds.
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

from click_latency import SHOWN_JS, fn, no_placeholder, paste, stand_in_model, trial_text
from playwright.sync_api import sync_playwright
from serve import ROOT_JS

from devkit.server import CHROMIUM, CHROMIUM_ARGS, start_app, stop_app
from models.text.segment import split_sentences

# True when sentence i is the shown one and the focus panel holds English for it (streamed or final).
WORDS_JS = (
    ROOT_JS
    + """
const r = qariRoot();
if (!r || !r.__qari) return false;
const f = r.querySelector('.focus-en');
return r.__qari.selected === i && !f.classList.contains('pending') && f.textContent.trim().length > 0;
"""
)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--model", default=None, help="model folder (default: the random stand-in)")
    parser.add_argument("--trials", type=int, default=3)
    parser.add_argument("--sentences", type=int, default=6)
    parser.add_argument("--timeout", type=float, default=600.0, help="seconds any one wait may take")
    args = parser.parse_args(argv)
    model = args.model or str(stand_in_model())
    work = Path(tempfile.mkdtemp(prefix="qari-first-words-"))
    timeout_ms = int(args.timeout * 1000)
    r: dict[str, list[float]] = {
        "first_paint_ms": [],
        "first_words_ms": [],
        "final_ms": [],
        "cached_click_ms": [],
    }
    last = args.sentences - 1
    proc, url = start_app(work, model)
    try:
        with sync_playwright() as pw:
            launch = {"executable_path": CHROMIUM} if CHROMIUM else {}
            browser = pw.chromium.launch(args=CHROMIUM_ARGS, **launch)
            page = browser.new_page()
            start = time.perf_counter()
            page.goto(url)
            page.get_by_role("option").first.wait_for(timeout=timeout_ms)
            r["first_paint_ms"].append((time.perf_counter() - start) * 1000)
            no_placeholder(page, timeout_ms)  # the sample translated: the model is loaded (converted)
            for trial in range(args.trials):
                text = trial_text(100 + trial, args.sentences)
                assert len(split_sentences(text)) == args.sentences
                paste(page, text)
                page.get_by_role("option").filter(has_text=f"رقم {100 + trial}{last}").wait_for(
                    timeout=timeout_ms
                )
                page.wait_for_function(fn(SHOWN_JS), arg=0, timeout=timeout_ms)
                t0 = time.perf_counter()
                page.locator(f'[role="option"][data-index="{last}"]').click()
                page.wait_for_function(fn(WORDS_JS), arg=last, timeout=timeout_ms, polling=20)
                r["first_words_ms"].append((time.perf_counter() - t0) * 1000)
                page.wait_for_function(fn(SHOWN_JS), arg=last, timeout=timeout_ms, polling=20)
                r["final_ms"].append((time.perf_counter() - t0) * 1000)
                no_placeholder(page, timeout_ms)
                page.wait_for_timeout(1500)  # the final rerun (alignment) settles
                for i in (1, 3, 0):  # translated sentences now
                    t0 = time.perf_counter()
                    page.locator(f'[role="option"][data-index="{i}"]').click()
                    page.wait_for_function(fn(SHOWN_JS), arg=i, timeout=timeout_ms, polling=20)
                    r["cached_click_ms"].append((time.perf_counter() - t0) * 1000)
                    page.wait_for_timeout(300)
                print(
                    f"trial {trial}: " + json.dumps({k: [round(x) for x in v] for k, v in r.items()}),
                    file=sys.stderr,
                    flush=True,
                )
            browser.close()
    finally:
        stop_app(proc)
    out = {k: round(statistics.median(v)) for k, v in r.items() if v}
    out["trials"] = {k: [round(x) for x in v] for k, v in r.items()}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
