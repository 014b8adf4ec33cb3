"""Reading on a phone and a tablet (touch), the word card inside the screen, and keys that belong to the
reader: positions asserted in Chromium, with screenshots kept beside the test's files."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect

from models.study.vocab import vocab_key
from tests.support import open_reader, start_app, stop_app

SCREENS = {"phone": (390, 844), "tablet": (768, 1024)}


def _inside(box: dict | None, width: int, height: int) -> bool:
    return (
        box is not None
        and box["x"] >= -0.5
        and box["y"] >= -0.5
        and box["x"] + box["width"] <= width + 0.5
        and box["y"] + box["height"] <= height + 0.5
    )


class Problems:
    """Every page error and console error or warning while a test runs."""

    def __init__(self, page: Page) -> None:
        self.seen: list[str] = []
        page.on("pageerror", lambda exc: self.seen.append(f"page error: {exc}"))
        page.on(
            "console",
            lambda msg: (
                self.seen.append(f"console {msg.type}: {msg.text}")
                if msg.type in ("error", "warning")
                else None
            ),
        )


@pytest.fixture
def server(tiny_model_dir: Path, tmp_path: Path) -> Iterator[tuple[str, Path]]:
    proc, url = start_app(tmp_path, str(tiny_model_dir))
    yield url, tmp_path
    stop_app(proc)


def _touch(browser: Browser, screen: str) -> BrowserContext:
    width, height = SCREENS[screen]
    return browser.new_context(viewport={"width": width, "height": height}, has_touch=True, is_mobile=True)


def _stored(data_dir: Path, key: str) -> str | None:
    with sqlite3.connect(data_dir / "vocabulary.sqlite3") as conn:
        row = conn.execute("SELECT status FROM vocabulary WHERE key = ?", (key,)).fetchone()
    return row[0] if row else None


@pytest.mark.parametrize("screen", list(SCREENS))
def test_reading_by_touch(browser: Browser, server: tuple[str, Path], screen: str, tmp_path: Path) -> None:
    url, data_dir = server
    width, height = SCREENS[screen]
    context = _touch(browser, screen)
    page = context.new_page()
    problems = Problems(page)
    open_reader(page, url)
    if screen == "phone":  # the Arabic first: it starts on the first screen, above the English sheet
        assert page.get_by_role("listbox").bounding_box()["y"] < height / 2
    sentence = page.get_by_role("option").nth(7)  # sentence 8
    sentence.tap()
    expect(sentence).to_have_attribute("aria-selected", "true")
    english = page.get_by_test_id("selected-translation")
    expect(english).not_to_be_empty()
    page.wait_for_timeout(500)  # the scroll that brings the sentence into view
    assert _inside(english.bounding_box(), width, height), english.bounding_box()
    assert _inside(sentence.locator(".w").first.bounding_box(), width, height)
    card = page.locator(".qari .card")
    expect(card).to_be_hidden()  # tapping a sentence opens no word card
    page.screenshot(path=str(tmp_path / f"{screen}-sentence.png"))

    # a tap on a word of the chosen sentence: its card as a sheet with buttons, inside the screen
    t, lemma = page.locator(".qari").evaluate(
        """root => [...root.querySelectorAll('#qari-s7 .w[data-t]')]
            .map(w => [Number(w.dataset.t), root.__qari.cards[Number(w.dataset.t)]])
            .filter(([, c]) => c && c.vocab && !c.label).map(([t, c]) => [t, c.vocab])[1]"""
    )
    word = sentence.locator(f'.w[data-t="{t}"]').first
    word.tap()
    expect(card).to_be_visible()
    expect(card).to_have_class("card sheet")
    assert _inside(card.bounding_box(), width, height), card.bounding_box()
    assert "keys:" not in card.inner_text()
    expect(card.get_by_role("button", name="▶ Hear it")).to_be_visible()
    page.screenshot(path=str(tmp_path / f"{screen}-card.png"))
    card.get_by_role("button", name="Learning").tap()
    expect(card.get_by_role("button", name="Learning")).to_have_attribute("aria-pressed", "true")
    expect(page.locator(f'.arabic [data-t="{t}"]')).to_have_attribute("data-status", "learning")
    expect(page.locator(".arabic .w.pending")).to_have_count(0, timeout=30_000)  # acknowledged: stored
    assert _stored(data_dir, vocab_key(lemma)) == "learning"
    card.get_by_role("button", name="✕").tap()
    expect(card).to_be_hidden()
    assert problems.seen == []
    context.close()


@pytest.mark.parametrize("width", [1280, 520])
def test_hover_card_near_the_bottom_opens_above_the_word_inside_the_screen(
    browser: Browser, app_url: str, width: int
) -> None:
    page = browser.new_page(viewport={"width": width, "height": 700})
    open_reader(page, app_url)
    # the last word of the text, brought to the bottom edge of the screen (a narrow one: just above the
    # English sheet at the bottom)
    last = page.locator(".arabic .w[data-t]").last
    last.evaluate("w => w.scrollIntoView({block: 'end'})" if width > 700 else "w => w.scrollIntoView()")
    page.wait_for_timeout(300)
    last.hover()
    card = page.locator(".qari .card")
    expect(card).to_be_visible()
    box, word = card.bounding_box(), last.bounding_box()
    assert _inside(box, width, 700), box
    if word["y"] + word["height"] + box["height"] + 6 > 700:  # no room below: above the word
        assert box["y"] + box["height"] <= word["y"] + 0.5
    page.close()


def test_keys_belong_to_the_reader_and_the_due_count_follows(
    browser: Browser, server: tuple[str, Path]
) -> None:
    url, data_dir = server
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    problems = Problems(page)
    open_reader(page, url)
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_text("No words due for review.")).to_be_visible()
    # the focus in the "Arabic text" box: the keys type there and mark nothing
    box = sidebar.get_by_role("textbox", name="Arabic text")
    box.click()
    word = page.locator('#qari-s0 .w[data-t="0"]')
    word.hover()
    page.keyboard.press("2")
    expect(box).to_have_value("2")
    expect(page.locator(".qari .card")).to_contain_text("type into the text box")
    assert word.get_attribute("data-status") is None
    # the focus on a button in the sidebar: the keys act on the text
    sidebar.get_by_role("button", name="Read this text").focus()
    word.hover()
    page.keyboard.press("1")
    expect(word).to_have_attribute("data-status", "new")
    expect(sidebar.get_by_text("1 word due for review.")).to_be_visible(timeout=30_000)
    lemma = page.locator(".qari").evaluate("root => root.__qari.cards[0].vocab")
    assert _stored(data_dir, vocab_key(lemma)) == "new"
    # and the arrows move the selection from there too
    page.get_by_role("option").nth(2).click()
    sidebar.get_by_role("button", name="Read this text").focus()
    page.keyboard.press("ArrowLeft")
    expect(page.get_by_role("option").nth(3)).to_have_attribute("aria-selected", "true")
    assert problems.seen == []
    page.close()


def test_tablet_glossary_whole_and_clear_and_no_console_warning_in_any_view(
    browser: Browser, server: tuple[str, Path], tmp_path: Path
) -> None:
    url, _ = server
    page = browser.new_page(viewport={"width": 768, "height": 1024})
    problems = Problems(page)
    open_reader(page, url)
    # the sidebar's text box: each paragraph right to left by its own text
    page.get_by_test_id("stExpandSidebarButton").click()
    box = page.get_by_test_id("stSidebar").get_by_role("textbox", name="Arabic text")
    box.fill("مرحبا بكم في قارئ!")
    assert box.evaluate("t => [getComputedStyle(t).unicodeBidi, getComputedStyle(t).textAlign]") == [
        "plaintext",
        "start",
    ]
    page.screenshot(path=str(tmp_path / "tablet-sidebar.png"))
    page.get_by_test_id("stSidebarCollapseButton").locator("button").click()
    # the glossary under the text, the whole width, its toolbar clear of its tabs
    glossary = page.get_by_text("Glossary", exact=True)
    glossary.scroll_into_view_if_needed()
    assert glossary.bounding_box()["y"] > page.get_by_role("listbox").bounding_box()["y"]
    table = page.get_by_test_id("stDataFrame").first
    table.hover()
    toolbar = page.get_by_test_id("stElementToolbar").first
    expect(toolbar).to_be_visible()
    tabs = page.get_by_role("tab")
    bar = toolbar.bounding_box()
    for k in range(tabs.count()):
        tab = tabs.nth(k).bounding_box()
        assert (
            tab["y"] + tab["height"] <= bar["y"]
            or bar["y"] + bar["height"] <= tab["y"]
            or (tab["x"] + tab["width"] <= bar["x"] or bar["x"] + bar["width"] <= tab["x"])
        ), (tab, bar)
    assert table.bounding_box()["width"] > 600
    page.screenshot(path=str(tmp_path / "tablet-glossary.png"))
    # the other views: no warning in the console either
    for view in ("Review", "Progress"):
        if page.get_by_test_id("stExpandSidebarButton").is_visible():
            page.get_by_test_id("stExpandSidebarButton").click()
        page.get_by_role("radio", name=view).click()
        expect(page.get_by_role("heading", name=view)).to_be_visible()
        page.wait_for_timeout(2000)  # the charts draw
    page.screenshot(path=str(tmp_path / "tablet-progress.png"))
    assert problems.seen == []
    page.close()
