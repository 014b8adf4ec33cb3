"""Listen in Chromium (autoplay allowed): the play control reads the selected sentence from an MP3 the
server made; Read from here moves the selection on when a sentence ends; any click stops it; the hover
card's button reads a word."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from models.speech import SpeechUnavailable
from models.speech.engine import Espeak
from tests.support import SENTENCES, open_reader, selected_index, start_app, stop_app


@pytest.fixture(scope="module", autouse=True)
def needs_espeak_ng() -> None:
    try:
        Espeak.get()
    except SpeechUnavailable:
        pytest.skip("needs espeak-ng: `apt-get install espeak-ng`")


@pytest.fixture
def listening_page(browser_type: Any, browser_type_launch_args: dict) -> Iterator[Page]:
    """A page of a Chromium that plays audio without a gesture (the reply comes after a round trip)."""
    args = {**browser_type_launch_args}
    args["args"] = [*args.get("args", []), "--autoplay-policy=no-user-gesture-required"]
    browser = browser_type.launch(**args)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    yield page
    browser.close()


def audio_state(page: Page) -> dict:
    return page.locator("audio.qari-audio").evaluate(
        "a => ({src: a.currentSrc, paused: a.paused, time: a.currentTime, duration: a.duration})"
    )


def test_play_reads_the_selected_sentence_from_a_server_mp3(listening_page: Page, app_url: str) -> None:
    page = listening_page
    open_reader(page, app_url)
    page.get_by_role("option").nth(1).click()
    page.get_by_role("button", name="▶ Listen").click()
    audio = page.locator("audio.qari-audio")
    expect(audio).to_have_attribute("data-playing", "true", timeout=60_000)
    expect(audio).to_have_attribute("data-index", "1")
    expect(page.get_by_role("option").nth(1)).to_have_class("sentence speaking")
    state = audio_state(page)
    assert "/media/" in state["src"] and not state["paused"]
    assert state["duration"] > 2  # the sentence, not a click
    # the address serves a compressed file (MP3), not a WAV
    head = page.evaluate(
        "async (src) => { const r = await fetch(src); const b = new Uint8Array(await r.arrayBuffer());"
        " return {type: r.headers.get('content-type'), size: b.length, first: Array.from(b.slice(0, 3))} }",
        state["src"],
    )
    assert head["type"].startswith("audio/mpeg") and head["size"] > 5000
    assert head["first"] in (
        [0x49, 0x44, 0x33],
        [0xFF, 0xF3, head["first"][2]],
        [0xFF, 0xFB, head["first"][2]],
    )
    # the word being read is marked as the audio goes on
    expect(page.locator(".w.spoken").first).to_be_visible(timeout=10_000)
    page.get_by_role("button", name="■ Stop").click()
    expect(page.get_by_role("button", name="▶ Listen")).to_be_visible()
    assert audio_state(page)["paused"]
    expect(page.locator(".sentence.speaking")).to_have_count(0)


def test_read_from_here_moves_the_selection_and_a_click_stops_it(listening_page: Page, app_url: str) -> None:
    page = listening_page
    open_reader(page, app_url)
    # start on the shortest sentence (but the last), so the test waits for a short reading only
    texts = page.get_by_role("option").evaluate_all("os => os.map(o => o.textContent.length)")
    start = min(range(len(texts) - 1), key=lambda i: texts[i])
    page.get_by_role("option").nth(start).click()
    expect(page.get_by_role("option").nth(start)).to_have_attribute("aria-selected", "true")
    page.get_by_role("button", name="Read from here").click()
    expect(page.locator("audio.qari-audio")).to_have_attribute("data-index", str(start), timeout=60_000)
    # when the sentence ends, the next one is selected (both columns) and read
    nxt = page.get_by_role("option").nth(start + 1)
    expect(nxt).to_have_attribute("aria-selected", "true", timeout=120_000)
    expect(page.locator(f'[data-sentence="{start + 1}"]')).to_have_attribute("aria-current", "true")
    expect(page.locator("audio.qari-audio")).to_have_attribute("data-index", str(start + 1), timeout=30_000)
    expect(nxt).to_have_class("sentence speaking")
    # any click stops it: here, the page's heading
    page.locator("h3").first.click()
    expect(page.get_by_role("button", name="Read from here")).to_be_visible()
    assert audio_state(page)["paused"]
    expect(page.locator(".sentence.speaking")).to_have_count(0)
    assert selected_index(page) == str(start + 1)  # the selection stays where the reading stopped


def test_the_hover_card_reads_a_word(listening_page: Page, app_url: str) -> None:
    page = listening_page
    open_reader(page, app_url)
    word = page.locator('.w[data-t="1"]').first  # اليابان, the second word
    word.hover()
    hear = page.locator(".card .listen-word")
    expect(hear).to_be_visible()
    # the pointer crosses the gap to the card; the card waits for it
    box = hear.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=5)
    hear.click()
    audio = page.locator("audio.qari-audio")
    expect(audio).to_have_attribute("data-playing", "true", timeout=60_000)
    expect(audio).to_have_attribute("data-index", "")
    assert 0.2 < audio_state(page)["duration"] < 3  # one word


@pytest.fixture(scope="module")
def app_without_espeak(tiny_model_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The page on a server whose espeak-ng library cannot be found."""
    proc, url = start_app(
        tmp_path_factory.mktemp("no-espeak"),
        str(tiny_model_dir),
        QARI_ESPEAK_LIBRARY="/nonexistent/libespeak-ng.so.1",
    )
    yield url
    stop_app(proc)


def test_without_any_voice_the_controls_say_what_to_install(
    listening_page: Page, app_without_espeak: str
) -> None:
    page = listening_page
    page.goto(app_without_espeak)
    expect(page.get_by_role("option")).to_have_count(SENTENCES, timeout=60_000)
    if page.evaluate("() => speechSynthesis.getVoices().some(v => v.lang.startsWith('ar'))"):
        pytest.skip("this Chromium has an Arabic voice of its own")
    page.get_by_role("option").nth(0).click()
    page.get_by_role("button", name="▶ Listen").click()
    status = page.locator(".listen-status")
    expect(status).to_contain_text("apt-get install espeak-ng")
    expect(status).to_contain_text("brew install espeak-ng")
    expect(page.get_by_role("button", name="▶ Listen")).to_be_visible()  # nothing is left waiting
    assert audio_state(page)["src"] == ""
