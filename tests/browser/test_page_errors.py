"""A reader's whole round in Chromium with no error in the page: hovering the sample's words (and the gaps
between them, where the card waits before it hides), listening, marking a word and reviewing it.
The `no_page_errors` fixture (tests/support/browser.py) fails the test on any page or console error."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from models.speech import SpeechUnavailable
from models.speech.engine import Espeak
from tests.support import SENTENCES, open_reader

HIDE_MS = 400  # listen.js waits this long before hiding the card, so the pointer can reach its button


def due_line(page: Page) -> Locator:
    return page.get_by_test_id("stSidebar").get_by_text(re.compile(r"due for review"))


def due(page: Page) -> int:
    text = due_line(page).inner_text()
    found = re.match(r"(\d+) words? due", text)
    return int(found.group(1)) if found else 0


def sweep(page: Page, sentence: int) -> None:
    """The pointer across a sentence, word by word, resting in the gaps long enough for the card to hide."""
    box = page.get_by_role("option").nth(sentence).bounding_box()
    assert box is not None
    y = box["y"] + min(box["height"] / 2, 20)
    for k in range(1, 12):
        page.mouse.move(box["x"] + box["width"] * k / 12, y, steps=4)
        page.wait_for_timeout(HIDE_MS + 100 if k % 3 == 0 else 60)
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] + 200, steps=4)  # off the text
    page.wait_for_timeout(HIDE_MS + 100)


def test_hovering_listening_and_reviewing_raise_no_page_error(page: Page, app_url: str) -> None:
    page.set_viewport_size({"width": 1400, "height": 1000})
    open_reader(page, app_url)
    card = page.get_by_role("tooltip")
    for sentence in (0, 1, SENTENCES - 1):
        sweep(page, sentence)
    expect(card).to_be_hidden()
    # a word, then a gap inside the text while its card is up: the card hides after the wait
    word = page.locator("mark[data-entity] .w", has_text=re.compile("^اليابان$")).first
    word.hover()
    expect(card).to_be_visible()
    expect(card).to_contain_text("Japan")
    box = page.get_by_role("listbox").bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + 3, box["y"] + 3, steps=3)  # the listbox's own padding: no word there
    expect(card).to_be_hidden(timeout=5_000)

    # mark a word learning (key 2 on the hovered word; names take no status): a card to review
    word = page.locator('.w[data-t="0"]').first  # اتفقت
    word.hover()
    expect(card).to_be_visible()
    page.keyboard.press("2")
    expect(word).to_have_attribute("data-status", "learning")
    page.wait_for_timeout(1_000)  # the reader's rerun saves it (the sidebar's count follows on a whole run)

    # listen to a sentence: the server's voice, or where there is none, the status saying what to install
    page.get_by_role("option").nth(1).click()
    page.get_by_role("button", name="▶ Listen").click()
    try:
        Espeak.get()
        expect(page.locator("audio.qari-audio")).to_have_attribute("data-index", "1", timeout=60_000)
    except SpeechUnavailable:
        expect(page.locator(".listen-status")).to_contain_text("espeak-ng", timeout=60_000)
    page.locator("h3").first.click()  # any click stops the reading
    expect(page.get_by_role("button", name="▶ Listen")).to_be_visible()

    # review: show the answer and answer Good with the keyboard
    page.get_by_role("radio", name="Review").click()
    expect(page.get_by_role("button", name="Show answer")).to_be_visible(timeout=30_000)
    waiting = due(page)
    assert waiting >= 1
    page.keyboard.press("Space")
    expect(page.get_by_role("button", name=re.compile(r"^Good · "))).to_be_visible(timeout=30_000)
    page.keyboard.press("3")
    left = f"{waiting - 1} word" if waiting > 1 else "No words due"
    expect(due_line(page)).to_contain_text(left, timeout=30_000)
    page.get_by_role("radio", name="Read").click()
    expect(page.get_by_role("option")).to_have_count(SENTENCES, timeout=60_000)
    sweep(page, 0)
