"""Click-to-translation latency in a real browser: what a reader waits for after choosing a sentence.

Starts Qari with a given model, opens it in Chromium and measures, for sentences the SQLite cache
has never seen (unique texts per trial, model already warm) and then for the same sentences again
(cached, in a fresh browser session):

    submit → first translation: paste a new text, press Ctrl+Enter, until the selected (first)
                                sentence's translation is shown in the focus panel;
    click → translation:        click another untranslated sentence, until its translation is shown
                                (while background batches of the rest may be running);
    click (cached):             the same in a new session, every sentence already in SQLite.

    python bench/click_latency.py                      # tiny test model
    python bench/click_latency.py --model bench/.cache/random-opus-mt-ar-en   # full-size random model

The last line is a JSON object with the medians in milliseconds.
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

from playwright.sync_api import Page, sync_playwright

from models.text.segment import split_sentences
from tests.support import CHROMIUM, CHROMIUM_ARGS, start_app, stop_app

SAMPLE = (ROOT / "seeds" / "japan-canada-intelligence.txt").read_text(encoding="utf-8")


def trial_text(trial: int, sentences: int) -> str:
    """The sample's first sentences, each made unique to this trial so the cache has never seen them."""
    parts = [SAMPLE[a:b] for a, b in split_sentences(SAMPLE)][:sentences]
    return " ".join(f"{p[:-1]} رقم {trial}{i}." for i, p in enumerate(parts))


def translation_shown(page: Page, timeout_ms: int) -> None:
    page.wait_for_function(
        "() => { const r = [...document.querySelectorAll('*')].map(e => e.shadowRoot).filter(Boolean);"
        " for (const s of r) { const f = s.querySelector('.focus-en');"
        " if (f && f.textContent && !f.classList.contains('pending')) return true; } return false; }",
        timeout=timeout_ms,
    )


def wait_selected(page: Page, index: int, timeout_ms: int) -> None:
    page.locator(f'[role="option"][data-index="{index}"][aria-selected="true"]').wait_for(timeout=timeout_ms)


def paste(page: Page, text: str) -> None:
    box = page.get_by_role("textbox", name="Arabic text")
    box.fill(text)
    box.press("Control+Enter")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--model", help="model folder (default: the tiny test model, built on the fly)")
    ap.add_argument("--trials", type=int, default=5)
    ap.add_argument("--sentences", type=int, default=6, help="sentences per trial text")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds to wait for one translation")
    args = ap.parse_args(argv)

    work = Path(tempfile.mkdtemp(prefix="qari-click-"))
    if args.model:
        model = str(Path(args.model).resolve())
    else:
        from tests.support import build_tiny_marian

        model = str(build_tiny_marian(work / "tiny"))
    proc, url = start_app(work, model)
    timeout_ms = int(args.timeout * 1000)
    submit_ms: list[float] = []
    click_ms: list[float] = []
    cached_ms: list[float] = []
    try:
        with sync_playwright() as pw:
            launch = {"executable_path": CHROMIUM} if CHROMIUM else {}
            browser = pw.chromium.launch(args=CHROMIUM_ARGS, **launch)
            page = browser.new_page()
            page.goto(url)
            page.get_by_role("option").first.wait_for(timeout=timeout_ms)
            paste(page, trial_text(99, 2))  # warm-up: the model is loaded (and converted) here
            wait_selected(page, 0, timeout_ms)
            translation_shown(page, timeout_ms)
            last = args.sentences - 1
            for trial in range(args.trials):
                page.wait_for_timeout(300)
                start = time.perf_counter()
                paste(page, trial_text(trial, args.sentences))
                page.locator(f'[role="option"][data-index="{last}"]').wait_for(timeout=timeout_ms)
                wait_selected(page, 0, timeout_ms)
                translation_shown(page, timeout_ms)
                submit_ms.append((time.perf_counter() - start) * 1000)

                start = time.perf_counter()
                page.locator(f'[role="option"][data-index="{last}"]').click()
                translation_shown(page, timeout_ms)
                click_ms.append((time.perf_counter() - start) * 1000)
                # let the background batches finish so the next trial starts idle
                page.locator("[data-sentence] .placeholder").first.wait_for(state="detached", timeout=timeout_ms)

            for trial in range(args.trials):
                fresh = browser.new_page()
                fresh.goto(url)
                fresh.get_by_role("option").first.wait_for(timeout=timeout_ms)
                paste(fresh, trial_text(trial, args.sentences))
                fresh.locator("[data-sentence] .placeholder").first.wait_for(state="detached", timeout=timeout_ms)
                start = time.perf_counter()
                fresh.locator(f'[role="option"][data-index="{last - 1}"]').click()
                wait_selected(fresh, last - 1, timeout_ms)
                translation_shown(fresh, timeout_ms)
                cached_ms.append((time.perf_counter() - start) * 1000)
                fresh.close()
            browser.close()
    finally:
        stop_app(proc)

    def row(name: str, values: list[float]) -> None:
        print(f"{name:<28} median {statistics.median(values):8.0f} ms   min {min(values):8.0f}   max {max(values):8.0f}")

    print(f"model: {model}   trials: {args.trials}   sentences per text: {args.sentences}")
    row("submit → first translation", submit_ms)
    row("click → translation (warm)", click_ms)
    row("click → translation (cached)", cached_ms)
    print(json.dumps({
        "model": Path(model).name,
        "submit_ms": round(statistics.median(submit_ms)),
        "click_ms": round(statistics.median(click_ms)),
        "cached_click_ms": round(statistics.median(cached_ms)),
        "trials": args.trials,
    }))


if __name__ == "__main__":
    main()
