"""Grammar in Chromium: the hover card's root and grammar, key F's word family, graded vowels."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.support import open_reader, start_app, stop_app


@pytest.fixture(scope="module")
def grammar_url(tiny_model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A server of its own: these tests mark words and roots, which other tests must not see."""
    proc, url = start_app(tmp_path_factory.mktemp("qari-grammar-data"), str(tiny_model_dir))
    yield url
    stop_app(proc)


def shots(tmp_path: Path) -> Path:
    return Path(os.environ.get("QARI_SCREENSHOTS") or tmp_path)  # to look at


def test_the_hover_card_shows_the_root_and_the_grammar(page: Page, grammar_url: str, tmp_path: Path) -> None:
    open_reader(page, grammar_url)
    page.locator('#qari-s0 .w[data-t="0"]').hover()  # اتفقت "agreed", from و ف ق
    card = page.get_by_role("tooltip")
    expect(card).to_be_visible()
    expect(card.locator(".card-root")).to_have_text("root و ف ق · F: its word family")
    expect(card.locator(".card-grammar")).to_contain_text("verb · past · 3rd person feminine singular")
    page.screenshot(path=shots(tmp_path) / "grammar-card.png")


def test_word_by_word_shows_each_root_under_the_english(page: Page, grammar_url: str, tmp_path: Path) -> None:
    page.set_viewport_size({"width": 1400, "height": 1000})
    open_reader(page, grammar_url)
    page.get_by_text("Every word", exact=True).click()
    ruby = page.locator('#qari-s0 ruby.il[data-t="0"]')  # اتفقت
    root = ruby.locator(".il-root")
    expect(root).to_have_text("و ف ق", timeout=30_000)
    page.screenshot(path=shots(tmp_path) / "grammar-interlinear.png")
    assert root.evaluate("r => getComputedStyle(r).direction") == "rtl"
    word, gloss = (
        ruby.locator(".w").first.bounding_box(),
        root.evaluate(
            """r => { const range = document.createRange(); const rt = r.parentElement;
                  range.setStart(rt.firstChild, 0); range.setEnd(rt.firstChild, rt.firstChild.length);
                  const g = range.getBoundingClientRect(); return {top: g.top, bottom: g.bottom}; }"""
        ),
    )
    box = root.bounding_box()
    assert word is not None and box is not None
    assert gloss["top"] >= word["y"] + word["height"] - 1, "the English under the word"
    assert box["y"] >= gloss["bottom"] - 1, "the root under the English"
    # a root on most content words, none on a name (اليابان)
    assert page.locator('#qari-s0 ruby.il[data-t="1"] .il-root').count() == 0
    assert page.locator("ruby.il .il-root").count() > 100


def test_key_f_opens_the_word_family_and_the_root_can_be_marked(page: Page, grammar_url: str) -> None:
    open_reader(page, grammar_url)
    page.get_by_role("option").first.click()
    page.locator('#qari-s0 .w[data-t="0"]').hover()
    page.keyboard.press("f")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible(timeout=30_000)
    expect(dialog).to_contain_text("Word family")
    expect(dialog).to_contain_text("و ف ق")
    # the word itself is one of its family, with its meaning and the sentence it was met in
    row = dialog.locator("table tr", has_text="اتفقت").first
    expect(row).to_contain_text("agree")
    expect(row).to_contain_text("اتفقت اليابان وكندا")
    dialog.get_by_role("radio", name="learning").click()
    expect(dialog).to_contain_text("The root is marked learning", timeout=30_000)


def test_graded_vowels_hide_the_vowels_of_a_known_word(page: Page, grammar_url: str) -> None:
    open_reader(page, grammar_url)
    page.get_by_text("Add the short vowels").click()
    known = page.locator('#qari-s0 .w[data-t="0"]')
    other = page.locator('#qari-s0 .w[data-t="1"]')  # اليابان
    expect(known.locator(".vz").first).to_have_css("display", "inline", timeout=60_000)
    page.get_by_text("Vowels only on words not known").click()
    expect(page.locator(".qari.graded")).to_have_count(1, timeout=30_000)
    page.get_by_role("option").first.click()
    known.hover()
    page.keyboard.press("3")  # known
    expect(known).to_have_attribute("data-status", "known")
    expect(known.locator(".vz").first).to_have_css("display", "none")
    expect(other.locator(".vz").first).to_have_css("display", "inline")
    # the card shows the known word as written, the others voweled
    other.hover()
    expect(page.get_by_role("tooltip").locator(".card-word")).to_have_text(re.compile("[\u064b-\u0652]"))
    known.hover()
    expect(page.get_by_role("tooltip").locator(".card-word")).to_have_text("اتفقت")


def test_the_glossary_opens_a_word_family(page: Page, grammar_url: str) -> None:
    open_reader(page, grammar_url)
    page.get_by_role("tab", name=re.compile("^Words")).click()
    box = page.get_by_role("combobox", name="Word family")
    box.click()
    box.press_sequentially("و ف ق")  # the list is long: narrowed as a reader would
    page.get_by_role("option").filter(has_text="و ف ق").first.click()
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible(timeout=30_000)
    expect(dialog.locator("table tr", has_text="اتفقت").first).to_be_visible()
