"""Browser tests: a real Streamlit server on a free port and Debian's Chromium through Playwright."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.support import (  # noqa: F401 - the browser fixtures, for every test here
    browser_type_launch_args,
    chromium_available,
    every_page_watched,
    no_page_errors,
    start_app,
    stop_app,
)


@pytest.fixture(scope="session")
def app_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("qari-browser-data")


@pytest.fixture(scope="session")
def app_url(tiny_model_dir: Path, app_data_dir: Path) -> Iterator[str]:
    proc, url = start_app(app_data_dir, str(tiny_model_dir))
    yield url
    stop_app(proc)
