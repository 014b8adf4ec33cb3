"""Which text the reader is reading: the sample, a pasted text, an uploaded file or a web page, kept in
session state (`source`: where a web page came from, its address and date; `feed`: the news feed whose
items the sidebar lists; `text_id`: the open text's entry in the reader's library).

Every text opened is kept in the reader's library (`components.account`), and the selected sentence is
its reading position: opening it from the library continues there.

Callbacks for the sidebar's inputs. Nothing already open is lost: a text that cannot be read leaves the
current one in place, with a message (`components.banners`). A text longer than `MAX_CHARS` characters,
and any EPUB, opens as a book, read a part at a time (`components.books`).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from components import account, books
from models.books.epub import is_epub
from models.books.parts import text_book
from models.inputs.files import InputError, prepare_text, read_file
from models.inputs.web import Feed, WebPage, looks_like_url, open_address
from models.settings import MAX_CHARS

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
SAMPLE = SEEDS / "japan-canada-intelligence.txt"
SAMPLE_TITLE = SEEDS / "japan-canada-intelligence.title.txt"


def ensure_text() -> None:
    """Open the sample on a reader's first visit."""
    if "text" not in st.session_state:
        load_sample()


def load_sample() -> None:
    books.close()
    st.session_state.text = SAMPLE.read_text(encoding="utf-8")
    st.session_state.title = SAMPLE_TITLE.read_text(encoding="utf-8").strip()
    st.session_state.selected = 0
    st.session_state.notes = []
    st.session_state.marked = None
    st.session_state.source = None
    _remember("sample")


def _remember(kind: str, address: str | None = None, published: str | None = None) -> None:
    """Keep the open text in the reader's library (the same text again is the same entry)."""
    st.session_state.text_id = None
    library = account.library()
    if library is None:
        return
    title = st.session_state.get("title") or "Text"
    if kind == "paste":  # "Pasted text" says nothing in a list: the text's first words say which
        words = st.session_state.text.split()
        title = " ".join(words[:8]) + ("…" if len(words) > 8 else "")
    try:
        st.session_state.text_id = library.add(st.session_state.text, title, kind, address, published).id
    except ValueError:  # nothing to keep (an empty text is refused before this)
        pass


def open_from_library(text_id: str) -> None:
    """Open a text of the reader's library where they stopped."""
    library = account.library()
    kept = library.open(text_id) if library is not None else None
    if kept is None:
        st.session_state.input_error = "That text is no longer in your library."
        return
    books.close()
    st.session_state.text = kept.body
    st.session_state.title = kept.title
    st.session_state.notes = []
    st.session_state.marked = None
    st.session_state.input_error = None
    st.session_state.source = (
        {"url": kept.address, "date": kept.published, "site": None, "title": kept.title}
        if kept.source == "web"
        else None
    )
    st.session_state.selected = kept.position
    st.session_state.text_id = kept.id


def _save_position(index: int) -> None:
    if books.save_position(index):  # a book's place: its part and sentence
        return
    text_id = st.session_state.get("text_id")
    library = account.library() if text_id else None
    if library is not None and isinstance(index, int) and index >= 0:
        library.set_position(str(text_id), index)


def use_text(
    text: str,
    title: str,
    *,
    kind: str = "paste",
    address: str | None = None,
    published: str | None = None,
) -> None:
    """Open `text` (and keep it in the library: `kind` is where it came from), or keep the current one and
    say why not. A text longer than `MAX_CHARS` becomes a book, cut at paragraphs, read a part at a time."""
    if len(text) > MAX_CHARS and text.strip():
        if kind == "paste":  # "Pasted text" says nothing in a list: the text's first words say which
            words = text[:1_000].split()
            title = " ".join(words[:8]) + ("…" if len(words) > 8 else "")
        books.open_book(text_book(text, title), kind, address)
        return
    try:
        prepared = prepare_text(text)
    except InputError as exc:
        st.session_state.input_error = str(exc)
        return
    books.close()
    st.session_state.text = prepared.text
    st.session_state.title = title
    st.session_state.notes = prepared.notes
    st.session_state.selected = 0
    st.session_state.marked = None
    st.session_state.input_error = None
    st.session_state.source = None
    _remember(kind, address, published)


def on_paste() -> None:
    pasted = st.session_state.get("pasted", "")
    if looks_like_url(pasted):  # an address pasted into the text box: open its page
        open_web_address(pasted.strip())
        return
    use_text(pasted, "Pasted text")


def on_address() -> None:
    open_web_address(st.session_state.get("address", "").strip())


def open_web_address(address: str) -> None:
    """Fetch the article at `address` and open it, or list a news feed's items in the sidebar; a page that
    cannot be read leaves the open text in place."""
    try:
        with st.spinner(f"Fetching {address}…"):
            page = open_address(address)
    except InputError as exc:
        st.session_state.input_error = str(exc)
        return
    if isinstance(page, Feed):
        st.session_state.feed = page  # the reader picks an item; the open text stays
        return
    use_text(page.text, page.title or page.url, kind="web", address=page.url, published=page.date)
    if not st.session_state.get("input_error") and books.current() is None:
        _opened(page)


def close_feed() -> None:
    st.session_state.feed = None


def _opened(page: WebPage) -> None:
    st.session_state.notes = [*page.notes, *st.session_state.notes]
    st.session_state.source = {"url": page.url, "date": page.date, "site": page.site, "title": page.title}


def on_upload() -> None:
    upload = st.session_state.get("upload")
    if upload is None:
        return
    if is_epub(upload.getvalue()[:64], upload.name):
        books.open_epub(upload.getvalue(), upload.name)
        return
    bar: list = []  # the progress bar, once a scanned PDF's pages are being read by OCR

    def progress(done: int, total: int) -> None:
        text = f"Reading {upload.name} by OCR: page {min(done + 1, total)} of {total}…"
        if not bar:
            bar.append(st.progress(0.0, text=text))
        bar[0].progress(done / total if total else 1.0, text=text)

    try:
        with st.spinner(f"Reading {upload.name}…"):  # OCR of an image or a scan can take a while
            found = read_file(upload.getvalue(), upload.name, progress=progress)
    except InputError as exc:
        st.session_state.input_error = str(exc)
        return
    use_text(found.text, upload.name, kind="upload", address=upload.name)
    if not st.session_state.get("input_error"):
        st.session_state.notes = [*found.notes, *st.session_state.notes]


def select(index: int) -> None:
    st.session_state.selected = index
    _save_position(index)


def pick_glossary_entry(index: int, key: str) -> None:
    """A glossary row: select the sentence it first appears in and outline its occurrences."""
    st.session_state.selected = index
    st.session_state.marked = key
    _save_position(index)
