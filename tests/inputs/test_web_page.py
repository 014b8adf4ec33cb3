"""Opening a web address in the page (AppTest): the article opens with its title and source; a page that
cannot be read, or an address into the server's network, gives a message and the open text stays."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from models import registry
from models.settings import ALLOW_PRIVATE_URLS_ENV
from tests.support import NewsSite, forget_loaded_state, run_page

ROOT = Path(__file__).resolve().parents[2]
ARTICLE = "/economy/2026/11/20/japan-jordan-water"
TITLE = "اليابان والأردن يوقعان اتفاقية لتمويل مشاريع المياه"

pytestmark = pytest.mark.usefixtures("only_loopback")


@pytest.fixture
def base(news_site: tuple[NewsSite, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The local site's address; the page without a translation model (nothing to load), fresh caches."""
    monkeypatch.setenv("QARI_MT_MODEL", str(tmp_path / "no-model"))
    monkeypatch.setenv("QARI_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv(ALLOW_PRIVATE_URLS_ENV, "1")  # the local site is on 127.0.0.1
    forget_loaded_state()
    yield news_site[1]
    registry.reset()


def open_address(at: AppTest, address: str) -> None:
    at.text_input(key="address").input(address)
    (button,) = [b for b in at.button if b.label == "Open this page"]
    button.click().run()
    assert not at.exception, at.exception


def test_an_address_opens_its_article_with_title_and_source(base: str) -> None:
    at = run_page()
    open_address(at, base + ARTICLE)
    assert not at.error
    assert at.subheader[0].value == TITLE
    assert at.session_state["text"].startswith(TITLE + "\n")
    assert "الرئيسية" not in at.session_state["text"] and "أبو خالد" not in at.session_state["text"]
    assert at.session_state["source"] == {
        "url": base + ARTICLE,
        "date": "2026-11-20",
        "site": "الشرق نيوز",
        "title": TITLE,
    }
    assert any("Read from " + base + ARTICLE in i.value for i in at.info)
    assert at.session_state["doc"].sentences[0].text == TITLE


def test_an_address_pasted_into_the_text_box_opens_its_page(base: str) -> None:
    at = run_page()
    at.text_area(key="pasted").input(f"  {base}/news.php \n")
    (button,) = [b for b in at.button if b.label == "Read this text"]
    button.click().run()
    assert not at.exception and not at.error
    assert at.subheader[0].value == "المغرب يطلق أكبر محطة لتحلية مياه البحر في أفريقيا"
    assert at.session_state["source"]["date"] == "2026-10-05"


@pytest.mark.parametrize(
    ("path", "message"),
    [("/english", "has no Arabic text to read"), ("/report.pdf", "is not a web page"), ("/missing", "404")],
)
def test_a_page_that_cannot_be_read_leaves_the_open_text(base: str, path: str, message: str) -> None:
    at = run_page()
    open_address(at, base + ARTICLE)
    before = at.session_state["text"]
    open_address(at, base + path)
    assert len(at.error) == 1 and message in at.error[0].value
    assert at.session_state["text"] == before and at.subheader[0].value == TITLE
    assert at.session_state["source"]["url"] == base + ARTICLE


def test_an_address_into_the_servers_network_is_refused_on_the_page(
    base: str, monkeypatch: pytest.MonkeyPatch, only_loopback: list[object]
) -> None:
    at = run_page()
    sample = at.session_state["text"]
    monkeypatch.delenv(ALLOW_PRIVATE_URLS_ENV)
    open_address(at, "http://169.254.169.254/latest/meta-data/")
    assert "server's own network" in at.error[0].value
    assert at.session_state["text"] == sample
    assert only_loopback == []
