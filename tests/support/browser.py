"""Playwright's Chromium for the browser tests (skipping, saying which package, where there is none), and reading the reader's state."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

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
