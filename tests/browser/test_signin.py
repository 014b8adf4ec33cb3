"""Sign-in in the browser: two readers signed in through a real OpenID Connect flow (oidc-provider-mock on
127.0.0.1, started here; Streamlit's st.login with Authlib in the Qari server) each open texts, move in
them and mark words; neither sees the other's; after a restart of the server both find their library,
their place in each text and their words."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from tests.support import (
    SENTENCES,
    free_port,
    oidc_provider,
    reader_analysed,
    selected_index,
    sign_in,
    sign_in_secrets,
    start_app,
    stop_app,
)

ALICE_TEXT = "هذا نص تقرؤه أليس. وفيه جملة ثانية عن اليابان. وجملة ثالثة عن كندا."
BOB_TEXT = "هذا نص يقرؤه بوب. وفيه جملة ثانية عن المحادثات."
ALICE_TITLE = "هذا نص تقرؤه أليس. وفيه جملة ثانية عن…"
BOB_TITLE = "هذا نص يقرؤه بوب. وفيه جملة ثانية عن…"
SAMPLE_TITLE = "Japan and Canada to begin talks on a military intelligence-sharing pact"
MARKED = '#qari-s0 .w[data-t="0"]'  # the first word of the first sentence (of the sample, or a pasted text)


def library(page: Page) -> list[str]:
    """The titles in the sidebar's library (opened), as the reader sees them."""
    expander = page.get_by_text("Your library (")
    expander.click()
    buttons = page.locator('[data-testid="stSidebar"] [class*="st-key-library-open-"] button')
    expect(buttons.first).to_be_visible(timeout=30_000)
    page.wait_for_timeout(1000)
    titles = [b.inner_text().strip() for b in buttons.all()]
    assert len(titles) == len(set(titles)), titles  # each text once
    return sorted(titles)


def open_from_library(page: Page, title: str) -> None:
    button = page.locator('[data-testid="stSidebar"] [class*="st-key-library-open-"] button', has_text=title)
    expect(button).to_have_count(1, timeout=30_000)  # once a rerun under way has finished
    button.click()


def paste(page: Page, text: str, sentences: int) -> None:
    box = page.get_by_role("textbox", name="Arabic text")
    box.fill(text)
    page.get_by_role("button", name="Read this text").click()
    expect(page.get_by_role("option")).to_have_count(sentences, timeout=60_000)
    reader_analysed(page)  # words get a status once their lemmas are looked up


def choose(page: Page, index: int) -> None:
    page.get_by_role("option").nth(index).click()
    expect(page.get_by_role("option").nth(index)).to_have_attribute("aria-selected", "true")
    page.wait_for_timeout(1500)  # the rerun that stores the place


def mark(page: Page, key: str, status: str) -> None:
    word = page.locator(MARKED)
    word.hover()
    page.keyboard.press(key)
    expect(word).to_have_attribute("data-status", status)
    page.wait_for_timeout(1500)  # the rerun that stores it


def signed_in_page(browser: Browser, url: str, subject: str) -> Page:
    page = browser.new_context().new_page()  # a browser of one's own: no cookie shared with the other reader
    sign_in(page, url, subject)
    expect(page.get_by_role("option")).to_have_count(SENTENCES, timeout=60_000)  # the sample, to begin with
    reader_analysed(page)
    return page


# The test's sign-in provider (oidc-provider-mock, standing in for Google & co.) serves its own sign-in
# page: it links a stylesheet from a CDN (no network here) and has no favicon. Not Qari's page.
PROVIDER_PAGE = (r"cdn\.jsdelivr\.net/npm/@picocss/", r"/favicon\.ico\): Failed to load resource: .* 404")


@pytest.mark.page_errors(*PROVIDER_PAGE, why="the sign-in provider's own page, not Qari's")
def test_two_signed_in_readers_keep_their_own_library_place_and_words(
    browser: Browser, tiny_model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")  # the provider speaks http, on loopback only
    port = free_port()
    with oidc_provider() as issuer:
        secrets = sign_in_secrets(tmp_path, f"http://127.0.0.1:{port}", issuer)
        env = {"STREAMLIT_SECRETS_FILES": str(secrets), "AUTHLIB_INSECURE_TRANSPORT": "1"}
        proc, url = start_app(tmp_path, str(tiny_model_dir), port, **env)
        try:
            # a visitor who is not signed in sees the sign-in page and nothing of anyone's
            stranger = browser.new_context().new_page()
            stranger.goto(url)
            expect(stranger.get_by_role("button", name="Sign in")).to_be_visible(timeout=60_000)
            expect(stranger.get_by_role("option")).to_have_count(0)
            expect(stranger.get_by_text("Your library (")).to_have_count(0)
            stranger.context.close()

            alice = signed_in_page(browser, url, "alice")
            mark(alice, "3", "known")  # a word of the sample, known to Alice
            paste(alice, ALICE_TEXT, 3)
            choose(alice, 2)

            bob = signed_in_page(browser, url, "bob")
            assert bob.locator(MARKED).get_attribute("data-status") is None  # Alice's word is not Bob's
            paste(bob, BOB_TEXT, 2)
            choose(bob, 1)
            mark(bob, "2", "learning")

            alice.reload()
            assert library(alice) == sorted([ALICE_TITLE, SAMPLE_TITLE])
            bob.reload()
            titles = library(bob)
            assert ALICE_TITLE not in titles and BOB_TITLE in titles
            for page in (alice, bob):
                assert "alice" not in page.url and "bob" not in page.url  # nothing personal in the address
                page.context.close()
        finally:
            stop_app(proc)
        log = (tmp_path / "server.log").read_text(errors="replace")
        assert "alice" not in log and "bob" not in log

        # a restart: each signs in again and finds their texts, their place and their words
        proc, url = start_app(tmp_path, str(tiny_model_dir), port, **env)
        try:
            alice = signed_in_page(browser, url, "alice")
            expect(alice.locator(MARKED)).to_have_attribute("data-status", "known")
            assert BOB_TITLE not in library(alice)
            open_from_library(alice, ALICE_TITLE)
            expect(alice.get_by_role("option")).to_have_count(3, timeout=60_000)
            reader_analysed(alice)
            expect(alice.get_by_role("option").nth(2)).to_have_attribute("aria-selected", "true")
            assert selected_index(alice) == "2"
            assert alice.locator(MARKED).get_attribute("data-status") is None  # Bob's word, in his text only

            bob = signed_in_page(browser, url, "bob")
            assert bob.locator(MARKED).get_attribute("data-status") is None
            assert ALICE_TITLE not in library(bob)
            open_from_library(bob, BOB_TITLE)
            expect(bob.get_by_role("option")).to_have_count(2, timeout=60_000)
            reader_analysed(bob)
            expect(bob.get_by_role("option").nth(1)).to_have_attribute("aria-selected", "true")
            expect(bob.locator(MARKED)).to_have_attribute("data-status", "learning")
            for page in (alice, bob):
                page.context.close()
        finally:
            stop_app(proc)
