"""The page in Chromium: click a sentence, move with the keyboard, hover a word, hostile text."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.support import (
    SENTENCES,
    held_lexicon,
    open_reader,
    reader_analysed,
    selected_index,
    start_app,
    stop_app,
)


def test_reader_shows_sample_rtl_with_entities_and_legend(page: Page, app_url: str) -> None:
    open_reader(page, app_url)
    listbox = page.get_by_role("listbox")
    expect(listbox).to_have_attribute("dir", "rtl")
    assert listbox.evaluate("el => getComputedStyle(el).direction") == "rtl"
    expect(page.get_by_role("option").first).to_contain_text("اتفقت اليابان وكندا")
    marks = page.locator("mark[data-entity]")
    assert marks.count() >= 10
    labels = set(marks.evaluate_all("ms => ms.map(m => m.dataset.entity)"))
    assert {"LOC"} <= labels
    assert "اليابان" in marks.evaluate_all("ms => ms.map(m => m.textContent)")
    expect(page.get_by_text("Organisation", exact=True)).to_be_visible()
    # the Arabic column is to the right of the English one
    ar_box = listbox.bounding_box()
    en_box = page.locator('[data-sentence="0"]').bounding_box()
    assert ar_box["x"] > en_box["x"]


def test_click_then_arrow_left_moves_forward_and_marks_both_columns(page: Page, app_url: str) -> None:
    open_reader(page, app_url)
    page.get_by_role("option").nth(2).click()
    expect(page.get_by_role("option").nth(2)).to_have_attribute("aria-selected", "true")
    expect(page.locator('[data-sentence="2"]')).to_have_attribute("aria-current", "true")
    expect(page.locator('[aria-current="true"][data-sentence]')).to_have_count(1)
    translation = page.locator('[data-sentence="2"]').inner_text()
    shown = page.get_by_test_id("selected-translation")
    expect(shown).to_be_visible()
    assert shown.inner_text().strip() in translation and shown.inner_text().strip()

    # focus stayed in the reader: the arrow key works at once
    assert page.get_by_role("listbox").evaluate("el => el.getRootNode().activeElement === el")
    page.keyboard.press("ArrowLeft")
    expect(page.get_by_role("option").nth(3)).to_have_attribute("aria-selected", "true")
    expect(page.get_by_role("option").nth(2)).to_have_attribute("aria-selected", "false")
    expect(page.locator('[data-sentence="3"]')).to_have_attribute("aria-current", "true")
    page.keyboard.press("ArrowRight")
    expect(page.get_by_role("option").nth(2)).to_have_attribute("aria-selected", "true")
    page.keyboard.press("End")
    expect(page.get_by_role("option").nth(SENTENCES - 1)).to_have_attribute("aria-selected", "true")
    page.keyboard.press("Home")
    expect(page.get_by_role("option").nth(0)).to_have_attribute("aria-selected", "true")
    # the selection survives the rerun the key press caused
    page.wait_for_timeout(1500)
    assert selected_index(page) == "0"


def test_clicking_an_english_sentence_selects_its_arabic_counterpart(page: Page, app_url: str) -> None:
    open_reader(page, app_url)
    page.locator('[data-sentence="5"]').click()
    expect(page.get_by_role("option").nth(5)).to_have_attribute("aria-selected", "true")


def test_hovering_a_word_shows_its_gloss_without_a_rerun(page: Page, app_url: str) -> None:
    open_reader(page, app_url)
    word = page.locator("mark[data-entity] .w", has_text=re.compile("^اليابان$")).first
    word.hover()
    card = page.get_by_role("tooltip")
    expect(card).to_be_visible()
    expect(card).to_contain_text("Japan")


def test_pasted_markup_is_shown_as_text_never_run(page: Page, app_url: str) -> None:
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    open_reader(page, app_url)
    payload = 'قال الوزير <img src=x onerror="alert(1)"> و<script>alert(2)</script> انتهى.'
    box = page.get_by_role("textbox", name="Arabic text")
    box.fill(payload)
    box.press("Control+Enter")
    option = page.get_by_role("option").first
    expect(option).to_contain_text("<img src=x onerror=")
    expect(option).to_contain_text("<script>alert(2)</script>")
    assert page.locator(".arabic img, .arabic script").count() == 0
    page.wait_for_timeout(500)
    assert dialogs == []


def test_hiding_diacritics_keeps_every_highlight_in_place(page: Page, app_url: str) -> None:
    open_reader(page, app_url)
    box = page.get_by_role("textbox", name="Arabic text")
    box.fill("اتَّفَقَت اليَابَانُ وكَنَدَا عَلَى بَدْءِ المُحَادَثَاتِ.")
    box.press("Control+Enter")
    listbox = page.get_by_role("listbox")
    expect(listbox).to_contain_text("اليَابَانُ")
    mark = page.locator("mark[data-entity]").first
    handle = mark.element_handle()
    page.get_by_text("Show diacritics").click()
    visible = listbox.evaluate("el => el.innerText")
    for _ in range(50):
        if not re.search("[\u064b-\u0652]", visible):
            break
        page.wait_for_timeout(100)
        visible = listbox.evaluate("el => el.innerText")
    assert "اليابان" in visible and not re.search("[\u064b-\u0652]", visible)
    # the same element, still marked: the DOM was not rebuilt
    assert handle.evaluate("el => el.isConnected && el.dataset.entity === 'LOC'")
    page.get_by_text("Show diacritics").click()
    expect(listbox).to_contain_text("اليَابَانُ")


def test_the_vowels_mode_shows_added_vowels_lighter_and_moves_nothing(page: Page, app_url: str) -> None:
    open_reader(page, app_url)
    listbox = page.get_by_role("listbox")
    page.get_by_text("Add the short vowels").click()
    added = page.locator(".vz").first
    # a span of combining marks has no width of its own: Playwright's "visible" does not apply, CSS does
    expect(added).to_have_css("display", "inline", timeout=60_000)
    # lighter than the author's text
    colours = added.evaluate("el => [getComputedStyle(el).color, getComputedStyle(el.closest('.w')).color]")
    assert colours[0] != colours[1]
    assert "الْيَابَان" in listbox.evaluate("el => el.innerText")  # what is rendered, not the DOM text
    mark = page.locator("mark[data-entity]").first
    handle = mark.element_handle()
    before = page.locator('[role="option"]').nth(1).bounding_box()
    page.get_by_text("Add the short vowels").click()
    expect(added).to_have_css("display", "none")
    visible = listbox.evaluate("el => el.innerText")
    assert "الْيَابَان" not in visible and "اليابان" in visible
    # the same element, still marked, and the sentence where it was: nothing rebuilt, nothing moved
    assert handle.evaluate("el => el.isConnected && Boolean(el.dataset.entity)")
    after = page.locator('[role="option"]').nth(1).bounding_box()
    assert before is not None and after is not None
    assert abs(before["x"] - after["x"]) < 2 and abs(before["y"] - after["y"]) < 2


def test_uploading_an_html_file_reads_its_text(page: Page, app_url: str, tmp_path) -> None:
    open_reader(page, app_url)
    upload = tmp_path / "article.html"
    upload.write_text(
        "<html><body><h1>خبر عاجل</h1><script>alert(1)</script><p>وصل الوزير إلى طوكيو.</p></body></html>",
        encoding="utf-8",
    )
    page.locator('[data-testid="stFileUploader"]').filter(has_text="Or upload a file").locator(
        'input[type="file"]'
    ).set_input_files(str(upload))
    expect(page.get_by_role("option")).to_have_count(2, timeout=15_000)
    expect(page.get_by_role("option").nth(1)).to_have_text("وصل الوزير إلى طوكيو.")
    expect(page.get_by_role("heading", name="article.html")).to_be_visible()


def test_two_readers_never_see_each_others_text_or_selection(browser, app_url: str) -> None:
    first, second = browser.new_context(), browser.new_context()
    try:
        a, b = first.new_page(), second.new_page()
        open_reader(a, app_url)
        open_reader(b, app_url)
        box = a.get_by_role("textbox", name="Arabic text")
        box.fill("هذا نص القارئ الأول. وفيه جملتان.")
        box.press("Control+Enter")
        expect(a.get_by_role("option")).to_have_count(2)
        a.get_by_role("option").nth(1).click()
        expect(a.get_by_role("option").nth(1)).to_have_attribute("aria-selected", "true")
        b.get_by_role("option").nth(6).click()
        expect(b.get_by_role("option").nth(6)).to_have_attribute("aria-selected", "true")
        # after both reruns each page still shows only its own text and selection
        a.wait_for_timeout(1000)
        expect(b.get_by_role("option")).to_have_count(SENTENCES)
        expect(a.get_by_role("option")).to_have_count(2)
        assert selected_index(a) == "1" and selected_index(b) == "6"
        expect(b.get_by_role("listbox")).not_to_contain_text("القارئ الأول")
    finally:
        first.close()
        second.close()


def test_uploading_a_word_document_reads_its_paragraphs(page: Page, app_url: str, tmp_path) -> None:
    from docx import Document as Docx

    open_reader(page, app_url)
    path = tmp_path / "report.docx"
    doc = Docx()
    doc.add_paragraph("وصل رئيس الوزراء إلى طوكيو.")
    doc.add_paragraph("وقالت الوزارة إن الزيارة ناجحة.")
    doc.save(path)
    page.locator('[data-testid="stFileUploader"]').filter(has_text="Or upload a file").locator(
        'input[type="file"]'
    ).set_input_files(str(path))
    expect(page.get_by_role("option")).to_have_count(2, timeout=15_000)
    expect(page.get_by_role("option").nth(0)).to_have_text("وصل رئيس الوزراء إلى طوكيو.")
    expect(page.locator('mark[data-entity="LOC"]')).to_have_text("طوكيو")


def test_sentences_show_before_the_names_and_glosses_then_fill_in(
    page: Page, tiny_model_dir: Path, tmp_path: Path
) -> None:
    """A fresh server whose lexicon (and so the names model) is held back: the sentences are on screen,
    clickable, while nothing is analysed; the names, glosses and glossary come once the load goes on."""
    env, release = held_lexicon(tmp_path / "hold")
    data = tmp_path / "data"
    data.mkdir()
    proc, url = start_app(data, str(tiny_model_dir), **env)
    try:
        page.goto(url)
        options = page.get_by_role("option")
        expect(options).to_have_count(SENTENCES, timeout=60_000)
        listbox = page.locator('.arabic[role="listbox"]')
        expect(listbox).to_have_attribute("aria-busy", "true")
        expect(options.first).to_contain_text("اتفقت اليابان وكندا")
        assert page.locator("mark[data-entity]").count() == 0
        expect(page.get_by_text("Preparing the glossary", exact=False)).to_be_visible()
        options.nth(2).click()  # the plain text is the reader already
        expect(options.nth(2)).to_have_attribute("aria-selected", "true")
        expect(page.locator('[data-sentence="2"]')).to_have_attribute("aria-current", "true")
        page.locator("#qari-s0 .w").nth(1).hover()
        expect(page.get_by_role("tooltip")).to_contain_text("Looking the word up")
        release()
        reader_analysed(page)
        assert page.locator("mark[data-entity]").count() >= 10
        expect(page.locator('mark[data-entity="LOC"]').first).to_be_visible()
        expect(page.get_by_role("tab", name=re.compile(r"^Names \(\d+\)"))).to_be_visible()
        expect(options.nth(2)).to_have_attribute("aria-selected", "true")  # the choice survived
        page.locator("mark[data-entity] .w", has_text=re.compile("^اليابان$")).first.hover()
        expect(page.get_by_role("tooltip")).to_contain_text("Japan")
    finally:
        page.close()  # before its server goes: its poll would call the stopped server (the page-error watch)
        stop_app(proc)
