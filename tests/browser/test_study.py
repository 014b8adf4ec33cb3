"""Studying in the browser: aligned words, word statuses that survive a restart, downloads."""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import Browser, Page, expect

from tests.support import open_reader, start_app, stop_app


def test_hovering_links_arabic_and_english_words_both_ways(page: Page, app_url: str) -> None:
    open_reader(page, app_url)
    # alignment arrives with the rerun after the last translation
    english = page.locator('[data-sentence="0"] .ew')
    expect(english.first).to_be_attached(timeout=30_000)
    # every English word came from exactly one Arabic word
    arabic = page.locator("#qari-s0 .w.linked")
    tokens: list[str] = []
    for _ in range(3):  # a rerun that lands under the pointer redraws the columns: hover again
        english.nth(1).hover()
        expect(arabic.first).to_be_visible()
        tokens = arabic.evaluate_all("ws => ws.map(w => w.dataset.t)")  # read at once, in the page
        if tokens:
            break
    assert tokens and set(tokens) == {tokens[0]}
    token = tokens[0]
    # hovering that Arabic word marks that English word (and any others it produced)
    page.locator(f'#qari-s0 .w[data-t="{token}"]').first.hover()
    expect(page.locator('[data-sentence="0"] .ew[data-w="1"]')).to_have_class("ew linked")
    # leaving the text clears the marks
    page.get_by_role("heading").first.hover()
    expect(page.locator(".linked")).to_have_count(0)


def test_word_status_is_saved_and_survives_a_restart(
    browser: Browser, tiny_model_dir: Path, tmp_path: Path
) -> None:
    proc, url = start_app(tmp_path, str(tiny_model_dir))
    try:
        page = browser.new_page()
        open_reader(page, url)
        page.get_by_role("option").first.click()
        word = page.locator('#qari-s0 .w[data-t="0"]')  # اتفقت
        word.hover()
        page.keyboard.press("2")
        expect(word).to_have_attribute("data-status", "learning")
        page.wait_for_timeout(1500)  # the rerun that stores it
        page.close()
    finally:
        stop_app(proc)
    assert (tmp_path / "vocabulary.sqlite3").exists()

    proc, url = start_app(tmp_path, str(tiny_model_dir))
    try:
        page = browser.new_page()
        open_reader(page, url)
        expect(page.locator('#qari-s0 .w[data-t="0"]')).to_have_attribute("data-status", "learning")
        # every occurrence of the same lemma shares the status; other words have none
        assert page.locator('.w[data-status="learning"]').count() >= 1
        assert page.locator('#qari-s0 .w[data-t="1"]').get_attribute("data-status") is None
        page.close()
    finally:
        stop_app(proc)


def test_bilingual_page_downloads_with_the_text_escaped(page: Page, app_url: str, tmp_path: Path) -> None:
    open_reader(page, app_url)
    page.get_by_text("Download", exact=True).click()
    with page.expect_download() as info:
        page.get_by_role("button", name="Bilingual web page").click()
    saved = tmp_path / "reading.html"
    info.value.save_as(saved)
    html = saved.read_text(encoding="utf-8")
    assert "اتفقت اليابان وكندا" in html and 'dir="rtl"' in html and "<script" not in html


def test_picking_a_name_in_the_glossary_marks_every_occurrence(page: Page, app_url: str) -> None:
    open_reader(page, app_url)
    grid = page.locator('[data-testid="stDataFrame"]').first
    box = grid.bounding_box()
    # the data grid is a canvas: the second row (كندا, Canada) is picked by its selection checkbox
    header = row = 35
    page.mouse.click(box["x"] + 18, box["y"] + header + row * 1 + row / 2)
    marked = page.locator(".w.marked")
    expect(marked.first).to_be_visible(timeout=10_000)
    words = marked.evaluate_all("ws => ws.map(w => [w.dataset.t, w.textContent])")
    # five mentions (كندا, and وكندا / لكندا whose proclitic piece belongs to the same word)
    assert len({t for t, _ in words}) == 5, words
    assert {text for _, text in words} <= {"كندا", "و", "ل"}, words
    expect(page.get_by_role("option").nth(0)).to_have_attribute("aria-selected", "true")
