"""The reader's library in the sidebar: every text they opened, how much of it they know, where they
stopped; open, rename, delete; the whole library and vocabulary exported or imported as one file.

Everything goes through the current reader's stores (`components.account`): the list, the buttons and
their callbacks only ever reach that reader's texts.
"""

from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

import streamlit as st

from components import account, books, texts
from components.families import keep_families
from models.books.backup import check_books, export_books, import_books
from models.books.shelf import Shelf
from models.document import Document
from models.review import backup  # the library file with the review history
from models.study.library import Library, LibraryEntry, file_bytes, file_document
from models.study.vocab import VocabStore, word_lemma

EXPORT_NAME = "qari-library.json"
_MARKDOWN = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~$])")


def _escape(text: str) -> str:
    return _MARKDOWN.sub(r"\\\1", text)


def keep_words(doc: Document) -> None:
    """Keep the open text's words in the library (once per text), so its counts need no new analysis; a
    book's part's words go to its book."""
    if books.keep_words(doc):
        return
    text_id = st.session_state.get("text_id")
    done = st.session_state.setdefault("words_kept", set())
    if not text_id or text_id in done:
        return
    library = account.library()
    if library is None:
        return
    if not library.has_words(text_id):
        library.set_words(
            text_id, {word_lemma(t) for s in doc.sentences for t in s.tokens if t.kind == "arabic"}
        )
    keep_families(doc, text_id)  # its words by root: the word families (components/families.py)
    done.add(text_id)


def describe(entry: LibraryEntry) -> str:
    """One line under a text's title: where from, when, where the reader stopped, how much they know."""
    where = {"sample": "Sample", "paste": "Pasted", "upload": "File", "web": "Web"}.get(
        entry.source, entry.source
    )
    if entry.source == "web" and entry.address:
        where += f" · {urlsplit(entry.address).hostname or entry.address}"
    elif entry.source == "upload" and entry.address:
        where += f" · {entry.address}"
    parts = [where, time.strftime("%Y-%m-%d", time.localtime(entry.added)), f"sentence {entry.position + 1}"]
    if entry.words is not None:
        shares = entry.shares()
        parts.append(" · ".join(f"{round(100 * shares[k])} % {k}" for k in ("known", "learning", "new")))
        parts.append(f"of {entry.words} words counted by lemma")  # كتاب, الكتب and بكتابه are one word
    # dates, numbers and names isolated left to right inside a right-to-left title's neighbourhood
    return _escape(" · ".join(f"\u2066{p}\u2069" for p in parts))


def library_section() -> None:
    """The sidebar's library: an expander listing the reader's texts, with export and import."""
    library = account.library()
    if library is None:
        return
    entries = library.entries()
    current = st.session_state.get("text_id")
    with st.expander(f"Your library ({len(entries)})", icon=":material/library_books:"):
        if not entries:
            st.caption("Every text you open is kept here, with where you stopped.")
        for entry in entries:
            st.button(
                _escape(entry.title),
                key=f"library-open-{entry.id}",
                on_click=open_text,
                args=(entry.id,),
                width="stretch",
                type="primary" if entry.id == current else "secondary",
            )  # no help= tooltip: with one, Streamlit 1.67 draws the button twice (one hidden)
            st.caption(describe(entry))
            with st.popover("Rename or delete", icon=":material/edit:"):
                st.text_input("Title", value=entry.title, key=f"library-title-{entry.id}")
                st.button("Rename", key=f"library-rename-{entry.id}", on_click=rename_text, args=(entry.id,))
                st.button(
                    "Delete from the library",
                    key=f"library-delete-{entry.id}",
                    on_click=delete_text,
                    args=(entry.id,),
                )
        st.divider()
        vocabulary = account.vocabulary()
        if vocabulary is not None:
            st.download_button(
                "Export library and vocabulary",
                data=lambda: export_file(library, vocabulary, books.shelf()),
                file_name=EXPORT_NAME,
                mime="application/json",
                icon=":material/download:",
                help="One file with your texts and books, where you stopped and your words: a backup, or for "
                "another machine",
            )
        if st.session_state.get("library_importing"):  # the upload box only when asked for
            st.file_uploader(
                "Import a library file",
                type=["json"],
                key="library-import",
                on_change=import_file,
                help="A file exported from Qari: its texts and words are added to yours",
            )
            st.button(
                "Cancel", key="library-import-cancel", on_click=_importing, args=(False,), type="tertiary"
            )
        else:
            st.button(
                "Import a library file…",
                key="library-import-start",
                on_click=_importing,
                args=(True,),
                icon=":material/upload:",
            )
        message = st.session_state.pop("library_message", None)
        if message:
            st.caption(message)


def open_text(text_id: str) -> None:
    texts.open_from_library(text_id)


def rename_text(text_id: str) -> None:
    library = account.library()
    title = st.session_state.get(f"library-title-{text_id}", "")
    if library is None:
        return
    try:
        renamed = library.rename(text_id, title)
    except ValueError as exc:
        st.session_state.library_message = str(exc)
        return
    if renamed and st.session_state.get("text_id") == text_id:
        st.session_state.title = " ".join(title.split())


def delete_text(text_id: str) -> None:
    library = account.library()
    if library is not None and library.delete(text_id) and st.session_state.get("text_id") == text_id:
        st.session_state.text_id = None  # the open text stays on the page, no longer kept


def _importing(on: bool) -> None:
    st.session_state.library_importing = on


def export_file(library: Library, vocabulary: VocabStore, shelf: Shelf | None) -> bytes:
    """The library file: the texts, the vocabulary, the review cards and history, and the books."""
    document = backup.export_reader(library, vocabulary)
    if shelf is not None:
        document["books"] = export_books(shelf)
    return file_bytes(document)


def import_data(
    data: bytes, library: Library, vocabulary: VocabStore, shelf: Shelf | None
) -> tuple[int, int, int]:
    """Merge a library file into the reader's: (texts, books, words) read. The whole file is checked
    before anything is written: a damaged one changes nothing (ValueError, in one sentence)."""
    document = file_document(data)
    checked = check_books(document.get("books") if isinstance(document, dict) else None)
    found_texts, found_words = backup.import_reader(document, library, vocabulary)
    return found_texts, import_books(shelf, checked) if shelf is not None else 0, found_words


def import_file() -> None:
    upload = st.session_state.get("library-import")
    library, vocabulary = account.library(), account.vocabulary()
    if upload is None or library is None or vocabulary is None:
        return
    try:
        found_texts, found_books, found_words = import_data(
            upload.getvalue(), library, vocabulary, books.shelf()
        )
    except ValueError as exc:
        st.session_state.library_message = str(exc)
        return
    st.session_state.library_message = (
        f"Imported {found_texts} texts, {found_books} books and {found_words} words."
    )
    st.session_state.library_importing = False
