"""Playwright's Chromium for the browser tests (skipping, saying which package, where there is none), and reading the reader's state."""

from __future__ import annotations

import os
import re
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, ConsoleMessage, WebError, expect

from devkit.samples import ROOT
from devkit.server import CHROMIUM, CHROMIUM_ARGS

SENTENCES = 10  # the sample article


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict:
    """For pytest-playwright: Debian's Chromium when present; otherwise Playwright's own
    (`playwright install chromium`). Imported by the conftest or module of each browser test."""
    return {"executable_path": CHROMIUM, "args": CHROMIUM_ARGS} if CHROMIUM else {"args": CHROMIUM_ARGS}


@pytest.fixture(scope="session", autouse=True)
def chromium_available(browser_type: Any, browser_type_launch_args: dict) -> None:
    """Skip the browser tests, saying what to install, on a machine without a Chromium to drive."""
    try:
        browser = browser_type.launch(**browser_type_launch_args)
    except Exception as exc:  # noqa: BLE001 - Playwright reports a missing browser in several ways
        pytest.skip(
            "needs Chromium: `sudo apt-get install chromium` (Debian/Ubuntu) or `playwright install chromium`"
            f" ({type(exc).__name__})"
        )
    browser.close()


# What every page of every browser test said went wrong: uncaught errors and console errors, in order;
# and what came between tests (a module fixture's page, closing), reported at the end of the session.
_PAGE_ERRORS: list[str] = []
_BETWEEN_TESTS: list[str] = []


# Pages and contexts opened by a test itself (not by a module's fixture, set up before it): closed when
# the test ends, so a test that fails before closing its page leaves no page whose errors (its server
# gone) would be counted against the tests after it.
_OPENED: list[Any] = []


def _watch(context: BrowserContext) -> BrowserContext:
    if not getattr(context, "_qari_watched", False):
        context._qari_watched = True  # type: ignore[attr-defined]

        def page_error(e: WebError) -> None:
            where = e.page.url if e.page is not None else "?"
            _PAGE_ERRORS.append(f"page error at {where}: {e.error.stack or e.error.message}")

        def console(m: ConsoleMessage) -> None:
            if m.type == "error":
                where = m.location.get("url", "?") if m.location else "?"
                _PAGE_ERRORS.append(f"console error ({where}): {m.text}")

        context.on("weberror", page_error)
        context.on("console", console)
    return context


@pytest.fixture(scope="session", autouse=True)
def every_page_watched() -> Iterator[None]:
    """Every browser context a test opens (pytest-playwright's `page`, `browser.new_context()`,
    `browser.new_page()`, in fixtures of any scope) reports its page errors and console errors."""
    new_context, new_page = Browser.new_context, Browser.new_page

    def watched_context(self: Browser, *args: Any, **kwargs: Any) -> BrowserContext:
        context = _watch(new_context(self, *args, **kwargs))
        _OPENED.append(context)
        return context

    def watched_page(self: Browser, *args: Any, **kwargs: Any) -> Any:
        page = new_page(self, *args, **kwargs)
        _watch(page.context)  # before the test navigates anywhere
        _OPENED.append(page)
        return page

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(Browser, "new_context", watched_context)
        mp.setattr(Browser, "new_page", watched_page)
        yield
    _BETWEEN_TESTS.extend(_PAGE_ERRORS)
    assert not _BETWEEN_TESTS, "errors in a page between tests:\n" + "\n".join(_BETWEEN_TESTS)


@pytest.fixture(autouse=True)
def no_page_errors(every_page_watched: None, request: pytest.FixtureRequest) -> Iterator[list[str]]:
    """Fails the test on any uncaught error in a page or error on a browser console during it (its
    fixtures' pages included). A test that causes errors on purpose says which and why:
    `@pytest.mark.page_errors(r"pattern", why="...")`; only errors matching a pattern are let through."""
    _BETWEEN_TESTS.extend(_PAGE_ERRORS)
    _PAGE_ERRORS.clear()
    _OPENED.clear()  # what module fixtures opened before this test stays open for the next ones
    yield _PAGE_ERRORS
    for opened in reversed(_OPENED):  # what this test left open (a failure before its page.close())
        try:
            opened.close()
        except Exception:  # noqa: BLE001, S110 - closed already, or its browser gone
            pass
    _OPENED.clear()
    allowed = []
    for mark in request.node.iter_markers("page_errors"):
        assert mark.kwargs.get("why"), "say why these page errors are expected"
        allowed += [re.compile(p) for p in mark.args]
    unexpected = [e for e in _PAGE_ERRORS if not any(p.search(e) for p in allowed)]
    _PAGE_ERRORS.clear()
    assert not unexpected, "errors in the page:\n" + "\n".join(unexpected)


def open_reader(page: Any, url: str) -> None:
    page.goto(url)
    expect(page.get_by_role("option")).to_have_count(SENTENCES, timeout=30_000)
    reader_analysed(page)
    # all translations in: no placeholder left in the English column
    expect(page.locator("[data-sentence] .placeholder")).to_have_count(0, timeout=180_000)


def reader_analysed(page: Any, timeout: int = 120_000) -> None:
    """Wait for the analysed text: the reader draws the plain text at once and is busy (`aria-busy`)
    until the names and glosses are in."""
    expect(page.locator('.arabic[role="listbox"]')).to_have_attribute("aria-busy", "false", timeout=timeout)


def selected_index(page: Any) -> str | None:
    return page.locator('[role="option"][aria-selected="true"]').get_attribute("data-index")


# Imported by the server's Python at start-up (sitecustomize): its lexicon load waits on a FIFO.
_HOLD = textwrap.dedent(
    """
    import os
    import threading

    if os.environ.get("HOLD_LEXICON_FIFO"):
        from models import registry
        from models.lexicon.lexicon import Lexicon

        started = threading.Event()

        def held():
            started.set()
            with open(os.environ["HOLD_LEXICON_FIFO"], encoding="utf-8") as gate:  # until the test writes
                gate.read()
            return Lexicon()  # the real one

        threading.Thread(target=registry.loaded, args=("lexicon", "shipped", held), daemon=True).start()
        started.wait(60)
    """
)


def held_lexicon(folder: Path) -> tuple[dict[str, str], Callable[[], None]]:
    """A server whose lexicon (which the names model needs too) loads only when the test says so:
    (environment for `start_app`, the function that lets the load go on). The load blocks on a named
    pipe the test opens, across processes, with no timing involved."""
    folder.mkdir(parents=True, exist_ok=True)
    gate = folder / "lexicon-gate"
    os.mkfifo(gate)
    (folder / "sitecustomize.py").write_text(_HOLD, encoding="utf-8")
    path = os.pathsep.join(filter(None, [str(folder), str(ROOT), os.environ.get("PYTHONPATH")]))

    def release() -> None:
        # fails (ENXIO) rather than hangs if the server is not waiting on the pipe
        fd = os.open(gate, os.O_WRONLY | os.O_NONBLOCK)
        os.write(fd, b"go")
        os.close(fd)

    return {"PYTHONPATH": path, "HOLD_LEXICON_FIFO": str(gate)}, release


# Imported by the server's Python at start-up (sitecustomize): every reader run takes SLOW_READER_SECONDS
# longer, as on a busy server (a class on one machine), so actions arrive while a run is still going.
_SLOW = textwrap.dedent(
    """
    import os
    import time

    if os.environ.get("SLOW_READER_SECONDS"):
        from components import reader

        _payload = reader.reader_payload

        def slow_payload(*args, **kwargs):
            time.sleep(float(os.environ["SLOW_READER_SECONDS"]))
            return _payload(*args, **kwargs)

        reader.reader_payload = slow_payload
    """
)


def slow_reader(folder: Path, seconds: float) -> dict[str, str]:
    """Environment for `start_app`: a server whose every reader run is `seconds` slower (a busy server)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "sitecustomize.py").write_text(_SLOW, encoding="utf-8")
    path = os.pathsep.join(filter(None, [str(folder), str(ROOT), os.environ.get("PYTHONPATH")]))
    return {"PYTHONPATH": path, "SLOW_READER_SECONDS": str(seconds)}


def distinct_words(page: Any, count: int) -> list[list]:
    """[global token index, lemma] of up to `count` Arabic words with different lemmas, in text order."""
    return page.locator(".qari").evaluate(
        """(root, count) => {
            const seen = new Set(), out = [];
            for (const [t, card] of (root.__qari.cards || []).entries()) {
                if (!card || card.label || !card.vocab || seen.has(card.vocab)) continue;
                if (!root.querySelector(`.arabic [data-t="${t}"]`)) continue;
                seen.add(card.vocab);
                out.push([t, card.vocab]);
                if (out.length === count) break;
            }
            return out;
        }""",
        count,
    )
