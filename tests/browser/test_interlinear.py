"""Word by word in Chromium: every gloss under its word, none over another gloss or the next line's words."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.support import open_reader

# Per ruby: its word (the base: the ruby's content before the <rt>) and its gloss, as page rectangles.
BOXES = """rubies => rubies.map(r => {
  // the rectangles of text itself (a name's underline border or the gloss's padding is room, not letters)
  const textRects = (el, skip) => {
    const out = [];
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (skip && n.parentElement.closest("rt")) continue;
      const range = document.createRange();
      range.selectNodeContents(n);
      out.push(...[...range.getClientRects()].filter(c => c.width > 0));
    }
    return out;
  };
  const union = (rects) => [Math.min(...rects.map(c => c.left)), Math.min(...rects.map(c => c.top)),
                            Math.max(...rects.map(c => c.right)), Math.max(...rects.map(c => c.bottom))];
  const word = textRects(r, true), rt = r.querySelector("rt"), gloss = textRects(rt, false);
  return {word: union(word), gloss: gloss.length ? union(gloss) : [0, 0, 0, 0], text: rt.textContent,
          rects: word.map(c => [c.top, c.bottom])};
})"""


def overlap(a: list[float], b: list[float]) -> float:
    """The area two rectangles share (0 when they only touch)."""
    return max(0.0, min(a[2], b[2]) - max(a[0], b[0])) * max(0.0, min(a[3], b[3]) - max(a[1], b[1]))


@pytest.mark.parametrize("width", [1400, 820])
def test_glosses_sit_under_their_words_without_overlap(
    page: Page, app_url: str, width: int, tmp_path: Path
) -> None:
    page.set_viewport_size({"width": width, "height": 1000})
    open_reader(page, app_url)
    page.get_by_text("Every word", exact=True).click()
    rubies = page.locator("ruby.il")
    expect(rubies.first).to_be_visible(timeout=30_000)
    page.evaluate("document.fonts.ready")
    boxes = rubies.evaluate_all(BOXES)
    shots = Path(os.environ.get("QARI_SCREENSHOTS") or tmp_path)  # to look at
    page.screenshot(path=shots / f"interlinear-{width}.png", full_page=True)
    assert len(boxes) > 250  # the sample's words
    glossed = [b for b in boxes if b["text"].strip()]
    assert len(glossed) / len(boxes) > 0.95
    for box in boxes:
        tops, bottoms = [t for t, _ in box["rects"]], [b for _, b in box["rects"]]
        assert max(tops) < min(bottoms), f"the word over {box['text']!r} broken across lines"
        if box["text"].strip():
            assert box["gloss"][1] >= box["word"][3] - 1, f"gloss {box['text']!r} not under its word"
    for i, a in enumerate(glossed):
        for b in glossed[i + 1 :]:
            assert overlap(a["gloss"], b["gloss"]) < 1, f"glosses {a['text']!r} and {b['text']!r} overlap"
        for b in boxes:
            assert overlap(a["gloss"], b["word"]) < 1, f"gloss {a['text']!r} covers a word"
    # the lines really wrapped: several rows of words at this width
    assert len({round(b["word"][1]) for b in boxes}) > 5


def test_new_and_learning_mode_hides_a_known_word_s_gloss_at_once(page: Page, app_url: str) -> None:
    open_reader(page, app_url)
    page.get_by_text("New and learning", exact=True).click()
    ruby = page.locator("ruby.il[data-t]").nth(3)
    expect(ruby).to_be_visible(timeout=30_000)
    gloss = ruby.locator("rt")
    assert gloss.evaluate("g => getComputedStyle(g).visibility") == "visible"
    ruby.locator(".w").first.click()  # the reader takes focus from the sidebar's radio (keys go to it)
    ruby.locator(".w").first.hover()
    page.keyboard.press("3")
    expect(ruby).to_have_attribute("data-status", "known")
    expect(gloss).to_have_css("visibility", "hidden")
    page.keyboard.press("1")
    expect(ruby).to_have_attribute(
        "data-status", "new", timeout=30_000
    )  # after the rerun of the first key too
    expect(gloss).to_have_css("visibility", "visible", timeout=30_000)


def test_shift_and_a_number_marks_this_form_only(page: Page, app_url: str) -> None:
    open_reader(page, app_url)
    page.get_by_role("option").first.click()  # the reader has focus: keys go to it
    # two words of one lemma written differently (e.g. المعلومات and للمعلومات), neither marked yet
    pair = page.locator(".qari").evaluate("""q => {
      const cards = q.__qari.cards;
      for (let i = 0; i < cards.length; i++) for (let j = 0; j < cards.length; j++) {
        const a = cards[i], b = cards[j];
        if (a.vocab && !a.label && !a.status && !b.status && a.vocab === b.vocab && a.form !== b.form) return [i, j];
      }
      return null;
    }""")
    assert pair is not None, "the sample has a lemma in two forms"
    first, other = (page.locator(f'.w[data-t="{i}"]').first for i in pair)
    first.hover()
    page.keyboard.press("Shift+Digit3")
    expect(first).to_have_attribute("data-status", "known")
    # the page saved it and sent the statuses back: the other form is still unmarked after that
    page.wait_for_function(SAVED, arg=pair[0], timeout=30_000)
    expect(first).to_have_attribute("data-status", "known")
    assert other.get_attribute("data-status") != "known"


SAVED = """i => [...document.querySelectorAll("*")].some(el => {
  const q = el.shadowRoot && el.shadowRoot.querySelector(".qari");
  return Boolean(q && q.__qari && q.__qari.cards[i] && q.__qari.cards[i].status === "known");
})"""
