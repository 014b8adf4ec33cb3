"""A book on the page in Chromium: a hand-built three-chapter EPUB uploaded, its chapter titles in the
contents, chapter 2 opened and read alone, and the place kept when the book is opened again."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Page, expect

from devkit.books import make_epub
from tests.support import open_reader, reader_analysed, selected_index

ROOT = Path(__file__).resolve().parents[2]
NEWS = ROOT / "tests" / "data" / "news"
TITLES = ["اليابان وكندا", "ويكيمانيا 2013", "كورونا في السعودية"]


def _epub(tmp_path: Path) -> Path:
    texts = [
        (ROOT / "seeds" / "japan-canada-intelligence.txt").read_text(encoding="utf-8"),
        (NEWS / "wikimania-2013.txt").read_text(encoding="utf-8"),
        (NEWS / "corona-saudi.txt").read_text(encoding="utf-8"),
    ]
    path = tmp_path / "news-book.epub"
    path.write_bytes(make_epub(list(zip(TITLES, texts, strict=True)), title="كتاب الأخبار"))
    return path


def _contents(page: Page):
    return page.locator(".st-key-book-bar").get_by_role("combobox")


def test_an_epub_opens_in_chapters_and_keeps_the_place(page: Page, app_url: str, tmp_path: Path) -> None:
    open_reader(page, app_url)
    page.locator('[data-testid="stFileUploader"]').filter(has_text="Or upload a file").locator(
        'input[type="file"]'
    ).set_input_files(str(_epub(tmp_path)))
    bar = page.locator(".st-key-book-bar")
    expect(bar).to_contain_text("Contents of", timeout=30_000)
    expect(_contents(page)).to_have_value(f"1. {TITLES[0]}")
    expect(page.get_by_role("option").first).to_have_text(TITLES[0])  # the chapter's heading, then its text
    expect(page.get_by_role("listbox")).to_contain_text("اتفقت اليابان وكندا")
    _contents(page).click()
    for number, title in enumerate(TITLES, 1):
        expect(page.get_by_role("option", name=f"{number}. {title}")).to_be_visible()
    page.get_by_role("option", name=f"2. {TITLES[1]}").click()
    expect(page.get_by_role("listbox")).to_have_count(1)
    reader = page.get_by_role("listbox")
    expect(reader).to_contain_text("اختتام مؤتمر ويكيمانيا", timeout=30_000)
    expect(reader).not_to_contain_text("اتفقت اليابان وكندا")  # chapter 2 alone
    expect(page.get_by_role("heading", name=f"كتاب الأخبار · {TITLES[1]}")).to_be_visible()
    reader_analysed(page)
    page.get_by_role("option").nth(3).click()
    expect(page.get_by_role("option").nth(3)).to_have_attribute("aria-selected", "true")
    page.wait_for_timeout(500)  # the click's rerun keeps the place

    # another text, then the book again from the library: chapter 2, sentence 4
    page.get_by_role("button", name="Open the sample article").click()
    expect(_contents(page)).to_have_count(0, timeout=30_000)
    expect(page.get_by_role("listbox")).to_have_count(1)
    expect(page.get_by_role("listbox")).to_contain_text("اتفقت اليابان وكندا")
    page.get_by_text("Your books (1)").click()
    page.get_by_role("button", name="كتاب الأخبار").click()
    expect(page.get_by_role("listbox")).to_contain_text("اختتام مؤتمر ويكيمانيا", timeout=30_000)
    expect(page.get_by_role("option").nth(3)).to_have_attribute("aria-selected", "true")

    # a new session (another tab, a restart) finds the book where the reader stopped
    page.reload()
    expect(page.get_by_role("listbox")).to_be_visible(timeout=30_000)
    page.get_by_text("Your books (1)").click()
    page.get_by_role("button", name="كتاب الأخبار").click()
    expect(page.get_by_role("listbox")).to_contain_text("اختتام مؤتمر ويكيمانيا", timeout=30_000)
    assert selected_index(page) == "3"
    expect(_contents(page)).to_have_value(f"2. {TITLES[1]}")
