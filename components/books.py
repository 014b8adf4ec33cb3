"""A book on the page, read a part at a time (a chapter, long chapters in pages).

The open part is the page's text (`st.session_state.text`), so the analysis, the translation, the vowels,
the glossary and the exports all see that part alone. Above the reader: where the reader is in the book,
its contents to move around, previous and next (`book_bar`); the place (part and sentence) is kept per
book in the reader's shelf (`models.books.shelf`), and opening the book again goes back there. The
sidebar lists the reader's books (`books_section`). Session state: `book` (the open book's id, title,
part and number of parts, or None) and `book_contents` (its parts' labels, read once per book).
"""

from __future__ import annotations

import re
import time
from typing import Any

import streamlit as st

from components import account
from models.books.epub import MAX_EPUB_BYTES, read_epub
from models.books.parts import Book
from models.books.shelf import BookEntry, Shelf
from models.document import Document
from models.inputs.files import MB, InputError, prepare_text, size_text
from models.study.vocab import word_lemma

_MARKDOWN = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~$])")
_SOURCES = {"epub": "EPUB", "paste": "Pasted", "upload": "File", "web": "Web"}


def limit_note(server_limit_mb: float | None = None) -> str:
    """The EPUB limit, after the other kinds': Qari's own, or the server's where that is lower."""
    cap = MAX_EPUB_BYTES if server_limit_mb is None else min(MAX_EPUB_BYTES, int(server_limit_mb * MB))
    return f" EPUB books {size_text(cap)}."


def _escape(text: str) -> str:
    return _MARKDOWN.sub(r"\\\1", text)


def shelf() -> Shelf | None:
    """This session's reader's books (None for a visitor who is not signed in)."""
    reader = account.current_reader()
    return Shelf(reader=reader) if reader is not None else None


def current() -> dict[str, Any] | None:
    """The open book (id, title, part, parts), or None when the page shows a text of its own."""
    book = st.session_state.get("book")
    return book if isinstance(book, dict) else None


def close() -> None:
    """Another text is opened: no book is open any more."""
    st.session_state.book = None
    st.session_state.book_contents = None


# ---- opening --------------------------------------------------------------------------------------


def open_epub(data: bytes, name: str) -> None:
    """Read an uploaded EPUB and open it where the reader stopped; a bad book leaves the open text."""
    try:
        with st.spinner(f"Reading {name}…"):
            book = read_epub(data, name)
    except InputError as exc:
        st.session_state.input_error = str(exc)
        return
    open_book(book, "epub", name)


def open_book(book: Book, source: str, address: str | None = None) -> None:
    """Keep `book` in the reader's shelf (once) and open it at the kept place."""
    books = shelf()
    if books is None:
        st.session_state.input_error = "Sign in to keep and read books."
        return
    try:
        entry = books.add(book, source, address)
    except ValueError as exc:
        st.session_state.input_error = str(exc)
        return
    _show(books, entry, entry.part, entry.sentence, notes=book.notes)


def open_from_shelf(book_id: str) -> None:
    """Open a book of the reader's shelf where they stopped."""
    books = shelf()
    entry = books.open(book_id) if books is not None else None
    if books is None or entry is None:
        st.session_state.input_error = "That book is no longer in your library."
        return
    _show(books, entry, entry.part, entry.sentence)


def go_to(index: int, seen: int | None = None) -> None:
    """Turn to part `index` of the open book, at its first sentence. `seen`: the part the page showed when
    the reader asked (Previous, Next); a click made on a part no longer shown is ignored: under load
    Streamlit now and then runs a button's callback again in a later run, which turned to the same part
    again, reading it anew and sending the reader back to its first sentence."""
    book, books = current(), shelf()
    if book is None or books is None or (seen is not None and book["part"] != seen):
        return
    entry = books.get(book["id"])
    if entry is None:
        st.session_state.input_error = "That book is no longer in your library."
        close()
        return
    _show(books, entry, max(0, min(index, entry.parts - 1)), 0)
    # kept once the page is drawn (`drawn`): the turn does not wait for a write
    st.session_state.book_place_due = (entry.id, st.session_state.book["part"])


def _on_contents() -> None:
    chosen = st.session_state.get("book-contents")
    if isinstance(chosen, int):
        go_to(chosen)


def _show(books: Shelf, entry: BookEntry, index: int, sentence: int, notes: list[str] | None = None) -> None:
    part = books.part(entry.id, index) or books.part(entry.id, 0)
    if part is None:
        st.session_state.input_error = "That book has no text left to show."
        return
    contents = st.session_state.get("book_contents")
    if not contents or contents[0] != entry.id:
        st.session_state.book_contents = (entry.id, [p.label for p in books.contents(entry.id)])
    prepared = prepare_text(part.text)
    st.session_state.text = prepared.text
    st.session_state.title = f"{entry.title} · {part.label}"  # the exports' title: the part read
    st.session_state.book = {"id": entry.id, "title": entry.title, "part": part.index, "parts": entry.parts}
    st.session_state["book-contents"] = part.index
    st.session_state.selected = sentence
    st.session_state.notes = [*(notes or []), *prepared.notes]
    st.session_state.marked = None
    st.session_state.source = None
    st.session_state.text_id = None  # a book is kept in the shelf, not as a library text
    st.session_state.input_error = None


# ---- while reading --------------------------------------------------------------------------------


def save_position(sentence: int) -> bool:
    """Keep the selected sentence as the open book's place; False when no book is open."""
    book, books = current(), shelf()
    if book is None:
        return False
    if books is not None and isinstance(sentence, int) and sentence >= 0:
        st.session_state.book_place_due = None  # this place (its part too) replaces a turn's
        books.set_position(book["id"], book["part"], sentence)
    return True


def keep_words(doc: Document) -> bool:
    """Count the open part's words into its book's (once per part); False when no book is open."""
    book, books = current(), shelf()
    if book is None:
        return False
    done = st.session_state.setdefault("book_parts_counted", set())
    key = (book["id"], book["part"])
    if books is not None and key not in done:
        if not books.analysed(book["id"], book["part"]):
            lemmas = {word_lemma(t) for s in doc.sentences for t in s.tokens if t.kind == "arabic"}
            books.keep_words(book["id"], book["part"], lemmas)
        done.add(key)
    return True


def drawn() -> str | None:
    """The page is drawn: the place of a part turned to is kept now (a write the turn did not wait for;
    kept for the next run if this one was cut short), and the text of the part ahead returned (`ahead`)."""
    due = st.session_state.get("book_place_due")
    if due:
        books = shelf()
        if books is not None:
            books.set_position(due[0], due[1], 0)
        st.session_state.book_place_due = None
    return ahead()


def ahead() -> str | None:
    """The text of the part after the open one, to analyse before the reader turns to it (read once)."""
    book = current()
    if book is None or book["part"] + 1 >= book["parts"]:
        return None
    key = (book["id"], book["part"] + 1)
    kept = st.session_state.get("book_ahead")
    if kept and kept[0] == key:
        return str(kept[1])
    books = shelf()
    part = books.part(*key) if books is not None else None
    if part is None:
        return None
    st.session_state.book_ahead = (key, part.text)
    return part.text


def book_bar() -> None:
    """Where the reader is in the open book: its contents to move around, previous and next."""
    # drawn (empty) without a book too: the reader below keeps its place in the page, and is not built anew
    # when a book is opened or closed
    bar = st.container(key="book-bar")
    book = current()
    if book is None:
        return
    contents = st.session_state.get("book_contents")
    labels: list[str] = contents[1] if contents and contents[0] == book["id"] else []
    part, parts = book["part"], book["parts"]
    with bar:
        left, middle, right = st.columns([1, 6, 1], vertical_alignment="bottom")
        left.button(
            "Previous", key="book-previous", on_click=go_to, args=(part - 1, part), disabled=part == 0,
            icon=":material/chevron_left:", width="stretch",
        )  # fmt: skip
        middle.selectbox(
            f"Contents of \u2068{book['title']}\u2069 · part {part + 1} of {parts}",
            options=range(len(labels)),
            format_func=lambda index: f"{index + 1}. {labels[index]}",
            key="book-contents",
            on_change=_on_contents,
        )
        right.button(
            "Next", key="book-next", on_click=go_to, args=(part + 1, part), disabled=part + 1 >= parts,
            icon=":material/chevron_right:", width="stretch",
        )  # fmt: skip


# ---- the sidebar's list ---------------------------------------------------------------------------


def describe(entry: BookEntry) -> str:
    """One line under a book's title: where from, when, where the reader stopped, how much they know."""
    where = _SOURCES.get(entry.source, entry.source)
    if entry.address and entry.source in {"epub", "upload"}:
        where += f" · {entry.address}"
    parts = [
        where,
        time.strftime("%Y-%m-%d", time.localtime(entry.added)),
        f"{entry.words:,} words",
        f"part {entry.part + 1} of {entry.parts}, sentence {entry.sentence + 1}",
    ]
    if entry.counted:
        shares = entry.shares()
        parts.append(" · ".join(f"{round(100 * shares[k])} % {k}" for k in ("known", "learning", "new")))
        parts.append(f"of {entry.counted:,} words counted by lemma in the parts read")
    return _escape(" · ".join(f"\u2066{p}\u2069" for p in parts))


def books_section() -> None:
    """The sidebar's books: an expander listing the reader's books, each opened where they stopped."""
    books = shelf()
    if books is None:
        return
    entries = books.entries()
    book = current()
    with st.expander(f"Your books ({len(entries)})", icon=":material/menu_book:"):
        if not entries:
            st.caption(
                "Upload an EPUB, or paste a text longer than 200,000 characters: it is kept here and read a part at a time."
            )
        for entry in entries:
            st.button(
                _escape(entry.title),
                key=f"book-open-{entry.id}",
                on_click=open_from_shelf,
                args=(entry.id,),
                width="stretch",
                type="primary" if book is not None and book["id"] == entry.id else "secondary",
            )
            st.caption(describe(entry))
            with st.popover("Rename or delete", icon=":material/edit:"):
                st.text_input("Title", value=entry.title, key=f"book-title-{entry.id}")
                st.button("Rename", key=f"book-rename-{entry.id}", on_click=_rename, args=(entry.id,))
                st.button(
                    "Delete from the library",
                    key=f"book-delete-{entry.id}",
                    on_click=_delete,
                    args=(entry.id,),
                )


def _rename(book_id: str) -> None:
    books = shelf()
    if books is None:
        return
    try:
        books.rename(book_id, st.session_state.get(f"book-title-{book_id}", ""))
    except ValueError as exc:
        st.session_state.input_error = str(exc)
        return
    book = current()
    if book is not None and book["id"] == book_id:
        entry = books.get(book_id)
        if entry is not None:
            book["title"] = entry.title


def _delete(book_id: str) -> None:
    books = shelf()
    book = current()
    if books is not None and books.delete(book_id) and book is not None and book["id"] == book_id:
        close()  # the part stays on the page, no longer kept
