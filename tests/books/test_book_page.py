"""A book on the page (Streamlit's AppTest, no translation model): a long pasted text kept once as a book,
read a part at a time, moved around by its contents, its place kept and found again from the sidebar,
its words counted as parts are analysed, renamed and deleted."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from components import books
from devkit.books import long_text
from models.books.parts import text_book
from models.books.shelf import Shelf
from models.settings import MAX_CHARS
from models.study.vocab import LOCAL_READER
from tests.support import analysed_page, forget_loaded_state, run_page


@pytest.fixture(autouse=True)
def no_model(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Iterator[None]:
    monkeypatch.setenv("QARI_MT_MODEL", str(tmp_path / "no-model"))  # translation is not the point here
    forget_loaded_state()
    yield
    forget_loaded_state()


def _long() -> str:
    text = "\n".join(f"الفصل {n}\n{long_text(1_500, seed=n)}" for n in range(1, 60))
    assert len(text) > MAX_CHARS
    return text


def _open_long(at: AppTest) -> Shelf:
    at.text_area(key="pasted").set_value(_long())
    next(b for b in at.button if b.label == "Read this text").click().run()
    assert not at.exception
    assert not [e.value for e in at.error if "network" not in e.value]  # (no model: translation is off)
    return Shelf(reader=LOCAL_READER)


def test_a_long_text_is_kept_once_and_read_where_the_reader_stopped() -> None:
    at = run_page()
    shelf = _open_long(at)
    (entry,) = shelf.entries()
    assert entry.source == "paste" and entry.parts > 5
    assert at.subheader[0].value == f"{entry.title} · Part 1"
    analysed_page(at)
    counted = shelf.get(entry.id)
    assert counted is not None and counted.counted > 100  # the part's words counted once analysed

    at.selectbox(key="book-contents").set_value(3).run()  # the contents: part 4
    assert at.subheader[0].value.endswith("· Part 4")
    assert shelf.get(entry.id).part == 3  # type: ignore[union-attr]
    assert shelf.part(entry.id, 3).text.startswith(at.session_state["text"][:50])  # type: ignore[union-attr]
    at.button(key="book-previous").click().run()
    assert at.selectbox(key="book-contents").value == 2
    # the place of a part turned to is written once the page is drawn (the turn does not wait for it)
    assert (shelf.get(entry.id).part, shelf.get(entry.id).sentence) == (2, 0)  # type: ignore[union-attr]
    assert at.session_state["book_place_due"] is None
    shelf.set_position(entry.id, 4, 7)  # as a click on sentence 8 of part 5 keeps it

    # another text, then the book again from the sidebar: part 5, sentence 8; the same text again is the
    # same book
    next(b for b in at.button if b.label == "Open the sample article").click().run()
    assert not any(s.key == "book-contents" for s in at.selectbox)
    at.button(key=f"book-open-{entry.id}").click().run()
    assert at.selectbox(key="book-contents").value == 4
    assert at.session_state["selected"] == 7
    _open_long(at)
    assert len(shelf.entries()) == 1 and at.session_state["selected"] == 7

    # a new session (a restart, another tab) finds the book on the shelf
    again = run_page()
    again.button(key=f"book-open-{entry.id}").click().run()
    assert again.selectbox(key="book-contents").value == 4


def test_rename_and_delete_a_book() -> None:
    at = run_page()
    shelf = _open_long(at)
    (entry,) = shelf.entries()
    at.text_input(key=f"book-title-{entry.id}").set_value("  رواية   طويلة ")
    at.button(key=f"book-rename-{entry.id}").click().run()
    assert shelf.get(entry.id).title == "رواية طويلة"  # type: ignore[union-attr]
    at.button(key=f"book-delete-{entry.id}").click().run()
    assert shelf.entries() == []
    assert not any(s.key == "book-contents" for s in at.selectbox)  # the part stays, no longer a book
    assert at.session_state["text"]


def test_a_turn_asked_for_on_a_part_no_longer_shown_is_ignored() -> None:
    """Previous and Next carry the part they were clicked on: a callback run again once the part has
    turned (Streamlit does, now and then, under load) neither turns again nor moves the reader's place.
    (The page's functions as its callbacks run them, outside a server: a session state of their own.)"""
    st.session_state.clear()
    books.open_book(text_book(_long(), "رواية"), "paste")
    book = books.current()
    assert book is not None and book["part"] == 0
    books.go_to(1, seen=0)  # Next, clicked on part 1
    assert books.current()["part"] == 1  # type: ignore[index]
    st.session_state.selected = 5  # the reader clicks a sentence of part 2
    books.save_position(5)
    books.go_to(1, seen=0)  # the same click's callback again
    books.go_to(2, seen=0)  # or a click made on part 1's page, run now
    assert books.current()["part"] == 1 and st.session_state.selected == 5  # type: ignore[index]
    books.drawn()
    entry = Shelf(reader=LOCAL_READER).get(book["id"])
    assert entry is not None and (entry.part, entry.sentence) == (1, 5)
    books.go_to(0)  # the contents: whatever part is shown
    assert books.current()["part"] == 0 and st.session_state.selected == 0  # type: ignore[index]
    st.session_state.clear()
