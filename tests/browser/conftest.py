"""Browser tests: a real Streamlit server on a free port and Debian's Chromium through Playwright."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support import CHROMIUM, CHROMIUM_ARGS, start_app, stop_app


@pytest.fixture(scope="session")
def browser_type_launch_args() -> dict:
    # Debian's Chromium when present; otherwise Playwright's own (`playwright install chromium`)
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


@pytest.fixture(scope="session")
def app_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("qari-browser-data")


@pytest.fixture(scope="session")
def app_url(tiny_model_dir: Path, app_data_dir: Path) -> Iterator[str]:
    proc, url = start_app(app_data_dir, str(tiny_model_dir))
    yield url
    stop_app(proc)
