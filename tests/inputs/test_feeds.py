"""News feeds: an RSS or Atom address lists its latest articles (newest first), one of which the reader
opens; feeds in UTF-8 and Windows-1256 from the local news site (tests/inputs/web_server.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from models import registry
from models.inputs.files import InputError
from models.inputs.web import Feed, WebPage, fetch_article, open_address, parse_feed
from models.settings import ALLOW_PRIVATE_URLS_ENV
from tests.support import NewsSite

ROOT = Path(__file__).resolve().parents[2]
ARTICLE = "/economy/2026/11/20/japan-jordan-water"
JAPAN = "اليابان والأردن يوقعان اتفاقية لتمويل مشاريع المياه"
MOROCCO = "المغرب يطلق أكبر محطة لتحلية مياه البحر في أفريقيا"

pytestmark = pytest.mark.usefixtures("only_loopback")


@pytest.fixture
def base(news_site: tuple[NewsSite, str], monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv(ALLOW_PRIVATE_URLS_ENV, "1")  # the local site is on 127.0.0.1
    return news_site[1]


def test_an_rss_feed_lists_its_latest_articles_newest_first(base: str) -> None:
    feed = open_address(base + "/rss.xml")
    assert isinstance(feed, Feed)
    assert feed.title == "الشرق نيوز - اقتصاد" and feed.url == base + "/rss.xml"
    assert [(item.date, item.url) for item in feed.items] == [
        ("2026-11-21", "http://10.0.0.8/internal/budget"),
        ("2026-11-20", base + ARTICLE),
        ("2026-11-15", base + "/economy/2026/11/15/oil-prices"),  # a relative link, made absolute
        ("2026-10-05", base + "/news.php"),
    ]
    japan = feed.items[1]
    assert japan.title == JAPAN
    assert japan.summary == "وقعت اليابان والأردن اتفاقية قرض ميسر لتمويل مشاريع المياه."  # no HTML left
    assert feed.items[2].summary == "تراجعت أسعار النفط & الغاز في الأسواق العالمية."


def test_a_feed_served_as_plain_xml_is_a_feed(base: str) -> None:
    feed = open_address(base + "/feed")
    assert isinstance(feed, Feed) and len(feed.items) == 4


def test_a_windows_1256_atom_feed_is_decoded(base: str) -> None:
    feed = open_address(base + "/atom.xml")
    assert isinstance(feed, Feed)
    assert feed.title == "صحيفة الوسط - الاقتصاد"
    assert [(item.title, item.date) for item in feed.items] == [
        (MOROCCO, "2026-10-05"),
        ("تراجع مخزون السدود إلى أدنى مستوى منذ عشرين عامًا", "2026-09-28"),
    ]
    assert feed.items[0].url == base + "/news.php"


def test_an_item_opens_as_its_article(base: str) -> None:
    feed = open_address(base + "/rss.xml")
    assert isinstance(feed, Feed)
    page = open_address(feed.items[1].url)
    assert isinstance(page, WebPage) and page.title == JAPAN and page.date == "2026-11-20"


def test_an_item_into_a_private_network_is_checked_when_opened(
    base: str, monkeypatch: pytest.MonkeyPatch, only_loopback: list[object]
) -> None:
    feed = open_address(base + "/rss.xml")
    assert isinstance(feed, Feed)
    monkeypatch.delenv(ALLOW_PRIVATE_URLS_ENV)
    with pytest.raises(InputError, match=r"10\.0\.0\.8 is a private network address"):
        fetch_article(feed.items[0].url)
    assert only_loopback == []


def test_feed_bytes_are_parsed_never_fetched_or_opened() -> None:
    """feedparser fetches an address and opens a file name it is given as a string: Qari gives it bytes."""
    for data in (b"http://10.0.0.8/feed.xml", b"/etc/hostname", b"file:///etc/hostname"):
        with pytest.raises(InputError, match="could not be read as a news feed"):
            parse_feed(data, "https://news.example/feed")


# --------------------------------------------------------------------------------------- the page


@pytest.fixture
def page_base(base: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("QARI_MT_MODEL", str(tmp_path / "no-model"))
    monkeypatch.setenv("QARI_DATA_DIR", str(tmp_path / "data"))
    st.cache_data.clear()
    st.cache_resource.clear()
    registry.reset()
    return base


def test_the_page_lists_a_feed_and_opens_the_chosen_article(page_base: str) -> None:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.run()
    sample = at.session_state["text"]
    at.text_input(key="address").input(page_base + "/rss.xml")
    next(b for b in at.button if b.label == "Open this page").click().run()
    assert not at.exception and not at.error
    assert at.session_state["text"] == sample  # a feed opens no text by itself
    labels = [at.button(key=f"feed-item-{i}").label for i in range(4)]
    assert labels[1].startswith(JAPAN) and labels[1].endswith(
        "· \u20662026\u201111\u201120\u2069"
    )  # LTR, unbroken
    at.button(key="feed-item-1").click().run()
    assert not at.exception and not at.error
    assert at.subheader[0].value == JAPAN
    assert at.session_state["source"]["url"] == page_base + ARTICLE
    # the list stays for the next article; one that cannot be opened leaves the open text
    at.button(key="feed-item-2").click().run()
    assert "404" in at.error[0].value and at.subheader[0].value == JAPAN
    at.button(key="feed-close").click().run()
    assert not [b for b in at.button if b.key and b.key.startswith("feed-item-")]
