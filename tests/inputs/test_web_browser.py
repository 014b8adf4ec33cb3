"""In Chromium (a real Streamlit server): an article opens by its web address from the local news site,
and replaces the sample in the reader with its own sentences only."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from models.settings import ALLOW_PRIVATE_URLS_ENV
from tests.support import (  # noqa: F401 - the browser fixtures, for this module
    SENTENCES,
    NewsSite,
    browser_type_launch_args,
    chromium_available,
    every_page_watched,
    no_page_errors,
    start_app,
    stop_app,
)

ARTICLE = "/economy/2026/11/20/japan-jordan-water"
TITLE = "اليابان والأردن يوقعان اتفاقية لتمويل مشاريع المياه"


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Qari without a translation model (nothing to load), allowed to fetch from the local site (127.0.0.1)."""
    data = tmp_path_factory.mktemp("qari-web-browser")
    proc, url = start_app(data, str(data / "no-model"), **{ALLOW_PRIVATE_URLS_ENV: "1"})
    yield url
    stop_app(proc)


def test_an_article_opens_by_its_address(page: Page, app: str, news_site: tuple[NewsSite, str]) -> None:
    base = news_site[1]
    page.goto(app)
    expect(page.get_by_role("option")).to_have_count(SENTENCES, timeout=60_000)  # the sample
    page.get_by_role("textbox", name="Or open a web address").fill(base + ARTICLE)
    page.get_by_role("button", name="Open this page").click()
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible(timeout=60_000)
    options = page.get_by_role("option")
    expect(options).to_have_count(7, timeout=30_000)  # headline, subheading and five paragraphs
    expect(options.first).to_have_text(TITLE)
    reader = page.get_by_role("listbox").inner_text()
    assert "وقعت اليابان والأردن يوم الخميس في عمّان" in reader
    for rest in ("الرئيسية", "اقرأ أيضًا", "أبو خالد", "جميع الحقوق"):
        assert rest not in reader
    expect(page.get_by_text(f"Read from {base}{ARTICLE}, published 2026-11-20")).to_be_visible()
