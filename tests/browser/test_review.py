"""Reviewing in the browser: three due cards answered with the keyboard only, the sidebar's due count
falling to zero, and the progress view's chart holding the day's reviews."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Browser, expect

from models.review.progress import today
from models.study.library import Library
from models.study.vocab import VocabStore
from tests.support import SAMPLE, SENTENCES, start_app, stop_app

WORDS = [("اِتَّفَق", "agree"), ("يابان", "Japan"), ("كَنَدا", "Canada")]


def test_three_cards_reviewed_with_the_keyboard_and_the_progress_chart(
    browser: Browser, tiny_model_dir: Path, tmp_path: Path
) -> None:
    database = tmp_path / "vocabulary.sqlite3"  # the data folder's readers' database, before the app starts
    Library(database).add(SAMPLE, "Japan and Canada", "sample")
    words = VocabStore(database)
    for lemma, gloss in WORDS:
        words.set_status(lemma, "learning", gloss=gloss)
    proc, url = start_app(tmp_path, str(tiny_model_dir))
    try:
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(url)
        expect(page.get_by_text("3 words due for review")).to_be_visible(timeout=60_000)
        page.get_by_role("radio", name="Review").click()  # the sidebar's switch (the focus stays on it)
        seen = []
        for left in (2, 1, 0):
            card = page.locator(".qari-card")
            expect(page.get_by_role("button", name="Show answer")).to_be_visible(timeout=30_000)
            marked = card.locator("mark").first.inner_text()
            seen.append(marked)
            assert marked in card.inner_text()  # the word, marked in a sentence of the reader's text
            page.keyboard.press("Space")
            expect(page.get_by_role("button", name=re.compile(r"^Good · "))).to_be_visible(timeout=30_000)
            expect(page.locator(".qari-english")).to_be_visible()
            page.keyboard.press("3")
            due = (
                f"{left} word{'s' if left > 1 else ''} due for review" if left else "No words due for review"
            )
            expect(page.get_by_text(due)).to_be_visible(timeout=30_000)
        assert len(set(seen)) == 3 and set(seen) >= {"اتفقت", "اليابان"}
        expect(page.get_by_text("Nothing is due for review")).to_be_visible()
        assert words.get("يابان").status == "learning"  # type: ignore[union-attr]

        page.get_by_role("radio", name="Progress").click()
        expect(page.get_by_test_id("stMetric").filter(has_text="Reviews today")).to_contain_text("3")
        # Vega-Lite describes each mark for screen readers: the day's bar holds its three reviews
        chart = page.get_by_test_id("stVegaLiteChart").filter(has_text="Reviews and recall")
        bar = chart.locator('[aria-roledescription="bar"]')
        expect(bar).to_have_count(1, timeout=30_000)
        expect(bar).to_have_attribute("aria-label", f"day: {today()}; reviews: 3; recall: 100%")
        page.screenshot(path=str(tmp_path / "progress.png"))
        page.get_by_role("radio", name="Read").click()  # back to the reader, the text where it was
        expect(page.get_by_role("option")).to_have_count(SENTENCES, timeout=60_000)
        page.close()
    finally:
        stop_app(proc)
