"""Nothing a reader does is lost: marks made quickly while the server is slow all reach the database, once,
and what the page was told is stored survives the server being killed."""

from __future__ import annotations

import os
import signal
import sqlite3
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from models.study.vocab import vocab_key
from tests.support import distinct_words, open_reader, reader_analysed, slow_reader, start_app, stop_app

MARKS = 20
STATUS_KEYS = {"1": "new", "2": "learning", "3": "known", "4": "ignored"}


def _stored(data_dir: Path) -> dict[str, str]:
    """key → status of every word in the (one, local) reader's vocabulary, read from the file itself."""
    with sqlite3.connect(data_dir / "vocabulary.sqlite3") as conn:
        return dict(conn.execute("SELECT key, status FROM vocabulary").fetchall())


def _words(page: Page, count: int) -> list[tuple[int, str]]:
    """`count` words of the text whose lemmas are different vocabulary rows."""
    seen: set[str] = set()
    words = []
    for t, lemma in distinct_words(page, 3 * count):
        if vocab_key(lemma) not in seen:
            seen.add(vocab_key(lemma))
            words.append((t, vocab_key(lemma)))
    assert len(words) >= count, "the sample has fewer different words than the test marks"
    return words[:count]


def _mark_quickly(page: Page, words: list[tuple[int, str]]) -> dict[str, str]:
    """Hover each word and press 1–4 on it, 100 ms apart; what each word should now be."""
    page.get_by_role("option").first.click()  # the reader has the focus, as after any click on the text
    wanted = {}
    for n, (t, key) in enumerate(words):
        digit = str(n % 4 + 1)
        page.locator(f'.arabic [data-t="{t}"]').first.hover()
        page.keyboard.press(digit)
        wanted[key] = STATUS_KEYS[digit]
        page.wait_for_timeout(100)
    return wanted


def _acknowledged(page: Page, timeout: int = 60_000) -> None:
    """Every mark the page made is acknowledged: no word is drawn pending any more."""
    expect(page.locator(".arabic .w.pending")).to_have_count(0, timeout=timeout)


def test_twenty_quick_marks_on_a_slow_server_are_all_stored(
    browser: Browser, tiny_model_dir: Path, tmp_path: Path
) -> None:
    proc, url = start_app(tmp_path, str(tiny_model_dir), **slow_reader(tmp_path / "site", 1.5))
    try:
        page = browser.new_page()
        open_reader(page, url)
        words = _words(page, MARKS)
        wanted = _mark_quickly(page, words)
        # shown at once, drawn as waiting for the server until it has them
        assert page.locator(".arabic .w.pending").count() > 0
        _acknowledged(page)
        stored = _stored(tmp_path)
        assert {key: stored.get(key) for key in wanted} == wanted
        page.close()
    finally:
        stop_app(proc)


@pytest.mark.page_errors(
    r"ERR_CONNECTION_REFUSED|not responding|reaching server", why="the server is killed under the open page"
)
def test_marks_acknowledged_before_a_kill_are_kept(
    browser: Browser, tiny_model_dir: Path, tmp_path: Path
) -> None:
    proc, url = start_app(tmp_path, str(tiny_model_dir))
    page = browser.new_page()
    try:
        open_reader(page, url)
        wanted = _mark_quickly(page, _words(page, 8))
        _acknowledged(page)
    finally:
        os.kill(proc.pid, signal.SIGKILL)  # right after the last acknowledgement: no goodbye, no flush
        proc.wait()
        page.close()  # (it would go on calling the dead server)
    with sqlite3.connect(tmp_path / "vocabulary.sqlite3") as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    stored = _stored(tmp_path)
    assert {key: stored.get(key) for key in wanted} == wanted
    # and the restarted page shows them
    proc, url = start_app(tmp_path, str(tiny_model_dir))
    try:
        page = browser.new_page()
        open_reader(page, url)
        t, key = _words(page, 1)[0]
        expect(page.locator(f'.arabic [data-t="{t}"]').first).to_have_attribute("data-status", wanted[key])
        page.close()
    finally:
        stop_app(proc)


@pytest.mark.page_errors(
    r"ERR_CONNECTION_REFUSED|not responding|reaching server|disconnected from server|WebSocket",
    why="the server is down for a while under the open page",
)
def test_marks_made_while_the_server_is_down_are_stored_when_it_is_back(
    browser: Browser, tiny_model_dir: Path, tmp_path: Path
) -> None:
    proc, url = start_app(tmp_path, str(tiny_model_dir))
    port = int(url.rsplit(":", 1)[1])
    page = browser.new_page()
    try:
        open_reader(page, url)
        words = _words(page, 3)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        wanted = _mark_quickly(page, words)  # on the page still there, the server gone
        assert page.locator(".arabic .w.pending").count() > 0  # drawn pending: not stored yet
        proc, url = start_app(tmp_path, str(tiny_model_dir), port=port)  # back, on the same address
        reader_analysed(page)  # reconnected: the fresh server looks the words up (the marks wait for it)
        _acknowledged(page)  # and the page sends them again
        stored = _stored(tmp_path)
        assert {key: stored.get(key) for key in wanted} == wanted
    finally:
        page.close()
        stop_app(proc)
