"""The library and the reader's identity on the page (Streamlit's AppTest, no translation model): texts
kept as they are opened, reopened where the reader stopped, renamed, deleted, exported and imported; the
notice shown when a page without sign-in is served beyond this machine."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit import config as st_config
from streamlit.testing.v1 import AppTest

from components.account import EVERY_ADDRESS, exposure
from models import registry
from models.study.library import Library, export_bytes, import_bytes
from models.study.vocab import LOCAL_READER, VocabStore, reader_key
from tests.support import analysed_page, forget_loaded_state, run_page

ROOT = Path(__file__).resolve().parents[2]
PASTED = "اتفقت اليابان وكندا على بدء المحادثات. وقالت الوزارة إن الجانبين يهدفان إلى اتفاق. وانتهى اللقاء."


@pytest.fixture(autouse=True)
def page_without_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No translation model (the reader works without one); Streamlit's caches cleared around each test."""
    monkeypatch.setenv("QARI_MT_MODEL", str(tmp_path / "no-model-here"))
    forget_loaded_state()
    yield
    registry.reset()


def paste(at: AppTest, text: str) -> None:
    at.text_area(key="pasted").set_value(text)
    next(b for b in at.button if b.label == "Read this text").click().run()
    analysed_page(at)  # the library keeps a text's words once they are looked up


def library_button(at: AppTest, text_id: str):
    return at.button(key=f"library-open-{text_id}")


def test_every_opened_text_is_kept_and_reopened_where_the_reader_stopped() -> None:
    at = run_page()
    library = Library(reader=LOCAL_READER)
    (sample,) = library.entries()
    assert sample.source == "sample" and sample.words and sample.words > 20  # its words kept once analysed
    paste(at, PASTED)
    entries = library.entries()
    assert [e.source for e in entries] == ["paste", "sample"]
    pasted = entries[0]
    assert pasted.title == "اتفقت اليابان وكندا على بدء المحادثات. وقالت الوزارة…"
    assert at.session_state["text_id"] == pasted.id and pasted.words is not None

    # a click in the reader stores the reading position (tests/browser/test_signin.py clicks)
    library.set_position(pasted.id, 2)
    VocabStore(reader=LOCAL_READER).set_status("اتفق", "known")
    at.run()
    caption = " ".join(c.value for c in at.caption)
    assert "sentence 3" in caption and "% known" in caption

    # back to the sample, then the pasted text again from the library: it opens where the reader stopped
    library_button(at, sample.id).click().run()
    assert at.session_state["text"].startswith("اتفقت اليابان وكندا على بدء المحادثات رسميًا")
    library_button(at, pasted.id).click().run()
    assert at.session_state["text"] == PASTED and at.session_state["selected"] == 2
    assert at.session_state["text_id"] == pasted.id

    # a new session (a restart, another tab) finds the same library
    again = run_page()
    assert {b.key for b in again.button if b.key and b.key.startswith("library-open-")} == {
        f"library-open-{sample.id}", f"library-open-{pasted.id}",
    }  # fmt: skip


def test_rename_and_delete_from_the_library() -> None:
    at = run_page()
    paste(at, PASTED)
    library = Library(reader=LOCAL_READER)
    pasted = library.entries()[0]
    at.text_input(key=f"library-title-{pasted.id}").set_value("  Talks   with Canada ")
    at.button(key=f"library-rename-{pasted.id}").click().run()
    assert library.get(pasted.id).title == "Talks with Canada"  # type: ignore[union-attr]
    assert at.session_state["title"] == "Talks with Canada"
    at.button(key=f"library-delete-{pasted.id}").click().run()
    assert library.get(pasted.id) is None and [e.source for e in library.entries()] == ["sample"]
    assert at.session_state["text"] == PASTED  # the open text stays on the page
    assert at.session_state["text_id"] is None


def test_export_and_import_on_the_page(tmp_path: Path) -> None:
    # a file exported elsewhere, by someone else
    elsewhere = tmp_path / "elsewhere.sqlite3"
    other_library, other_words = Library(elsewhere, "someone"), VocabStore(elsewhere, "someone")
    kept = other_library.add(PASTED, "From the other machine", "paste")
    other_library.set_position(kept.id, 1)
    other_words.set_status("كندا", "learning")
    data = export_bytes(other_library, other_words)

    at = run_page()
    assert not [u for u in at.get("file_uploader") if u.proto.label == "Import a library file"]
    at.button(key="library-import-start").click().run()  # the upload box only when asked for
    (uploader,) = [u for u in at.get("file_uploader") if u.proto.label == "Import a library file"]
    assert uploader is not None  # the upload itself goes through the browser (AppTest cannot send files)
    assert import_bytes(data, Library(reader=LOCAL_READER), VocabStore(reader=LOCAL_READER)) == (1, 1)
    at.run()
    (imported,) = [e for e in Library(reader=LOCAL_READER).entries() if e.title == "From the other machine"]
    library_button(at, imported.id).click().run()
    assert at.session_state["selected"] == 1
    assert VocabStore(reader=LOCAL_READER).get_statuses(["كندا"]) == {"كندا": "learning"}
    assert any(b.label == "Export library and vocabulary" for b in at.get("download_button"))


@pytest.mark.parametrize(
    ("server_address", "host", "client", "reason"),
    [
        ("127.0.0.1", "localhost:8501", "127.0.0.1", None),
        ("127.0.0.1", "127.0.0.1:8501", "::1", None),
        ("localhost", "[::1]:8501", None, None),
        (None, None, None, EVERY_ADDRESS),  # Streamlit's default: every address of the machine
        (None, "localhost:8501", "127.0.0.1", EVERY_ADDRESS),
        ("0.0.0.0", "localhost:8501", "127.0.0.1", "it listens on 0.0.0.0"),
        (
            "127.0.0.1",
            "qari.school.example",
            "127.0.0.1",
            "it is being read through the address qari.school.example",
        ),
        ("127.0.0.1", "192.0.2.7:8501", "127.0.0.1", "it is being read through the address 192.0.2.7"),
        ("127.0.0.1", "localhost:8501", "192.0.2.9", "it is being read from another machine (192.0.2.9)"),
    ],
)
def test_a_page_without_sign_in_says_when_others_can_reach_it(
    server_address: str | None, host: str | None, client: str | None, reason: str | None
) -> None:
    assert exposure(server_address, host, client) == reason


def test_the_page_says_it_is_open_to_the_network_without_sign_in() -> None:
    # .streamlit/config.toml keeps a lone reader's page to this machine: nothing to say
    assert not [i for i in run_page().info if "no sign-in" in i.value]
    # served on every address of the machine (`--server.address 0.0.0.0`, or the option unset)
    previous = st_config.get_option("server.address")
    st_config.set_option("server.address", "")
    try:
        at = run_page()
    finally:
        st_config.set_option("server.address", previous)
    notices = [i.value for i in at.info if "no sign-in" in i.value]
    assert len(notices) == 1 and "every network address" in notices[0] and "docs/classroom.md" in notices[0]
    assert not [w for w in at.warning if "no sign-in" in w.value]


def test_signed_in_readers_are_kept_apart_from_the_local_reader() -> None:
    # what the page does for a signed-in reader: stores bound to their key (the sign-in itself: Chromium)
    alice = reader_key("http://127.0.0.1:1", "alice")
    run_page()
    assert Library(reader=alice).entries() == [] and len(Library(reader=LOCAL_READER).entries()) == 1
