"""In Chromium: a sentence clicked while the rest of its text translates shows its English as it is decoded
(class `provisional`, not `placeholder`), then its translation, which drops the class.

The model is the tiny one made wider and endless (it never says </s>, so every sentence runs to its length
bound) on the transformers engine, and the clicked sentence long (164 of its pieces, one piece for the
page: a bound of 338 steps): its greedy stream and the beam search after it, while the stream stays on
screen, take about 7 s on an idle machine, so the page's 1-second polls see it under any load (with the
short sentences of before, 0.4 s: an idle machine finished it between two polls). It is the last of eight,
so it is still untranslated when the click lands, whether queued or in the batch in flight (the worker's
tests cover each case exactly)."""

from __future__ import annotations

import signal
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.support import ARABIC_SENTENCES, build_endless_marian, start_app, stop_app

# the reader opens on the first (short) sentence; the last one, long, is clicked
LONG = "، ".join(ARABIC_SENTENCES[i].rstrip(".") for i in (0, 1, 4, 6)) + "."
TEXT = "\n".join([*(ARABIC_SENTENCES[i] for i in (3, 2, 1, 4, 5, 6, 7)), LONG])
LAST = 7


@pytest.fixture(scope="module")
def slow_model(tiny_model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_endless_marian(tiny_model_dir, tmp_path_factory.mktemp("slow"), width=512, positions=512)


@pytest.fixture(scope="module")
def slow_app(slow_model: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    proc, url = start_app(
        tmp_path_factory.mktemp("stream-data"), str(slow_model), QARI_MT_ENGINE="transformers"
    )
    yield url
    stop_app(proc)


def test_a_clicked_sentence_streams_then_shows_its_translation(
    page: Page, slow_app: str, tmp_path: Path
) -> None:
    page.goto(slow_app)
    box = page.get_by_role("textbox", name="Arabic text")
    box.fill(TEXT)
    box.press("Control+Enter")
    options = page.get_by_role("option")
    expect(options).to_have_count(LAST + 1, timeout=60_000)
    options.nth(LAST).click()  # the last sentence, while the others wait or translate
    if options.nth(LAST).get_attribute("aria-selected") != "true":
        options.nth(LAST).click()  # a click landing while a rerun redrew the reader (seen under load)
    expect(options.nth(LAST)).to_have_attribute("aria-selected", "true", timeout=30_000)
    last = page.locator(f'[data-sentence="{LAST}"]')
    provisional = last.locator(".provisional")
    expect(provisional).to_have_count(1, timeout=120_000)
    assert provisional.inner_text().strip()  # words, not a placeholder
    expect(last.locator(".placeholder")).to_have_count(0)
    focus = page.get_by_test_id("selected-translation")
    expect(focus).to_have_class("focus-en provisional")
    page.screenshot(path=str(tmp_path / "streaming.png"), full_page=True)  # to look at: pytest --basetemp
    expect(provisional).to_have_count(0, timeout=300_000)  # the beam result replaced it
    assert last.inner_text().strip()
    expect(focus).not_to_have_class("focus-en provisional")


# the page stays open while its server stops: Streamlit's client says it lost the server and retries
SERVER_GONE = (
    r"ERR_CONNECTION_REFUSED",
    r"disconnected from server",
    r"Streamlit server is not responding",
    r"No response received when attempting to reach",
    # the page's lazily loaded pieces (a table's, a multiselect's) asked for after the server is gone
    r"Failed to fetch dynamically imported module",
    r"Unable to preload CSS",
)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
@pytest.mark.page_errors(*SERVER_GONE, why="the test stops the server while its page is open")
def test_stopping_the_server_mid_translation_leaves_no_traceback(
    page: Page, slow_model: Path, tmp_path: Path, sig: signal.Signals
) -> None:
    proc, url = start_app(tmp_path, str(slow_model), QARI_MT_ENGINE="transformers")
    try:
        page.goto(url)
        expect(page.get_by_role("option").first).to_be_visible(timeout=60_000)
        expect(page.get_by_text("Translated 0 of")).to_be_visible(timeout=60_000)  # the worker is at work
        proc.send_signal(sig)  # Ctrl+C is SIGINT
        assert proc.wait(timeout=60) == 0
    finally:
        stop_app(proc)
    log = (tmp_path / "server.log").read_text(errors="replace")
    assert "Traceback" not in log and "Error" not in log, log
    with sqlite3.connect(tmp_path / "qari.sqlite3") as db:  # every row written whole
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("SELECT COUNT(*) FROM translations WHERE translation = ''").fetchone() == (0,)
