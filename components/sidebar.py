"""The sidebar: where a text comes from, and the reader's settings, returned as one `Settings`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import streamlit as st

from components import account, books, texts
from components.library import library_section
from components.listen import listen_section
from models.inputs.files import IMAGE_TYPES, MB, UPLOAD_TYPES, limits_sentence, ocr_available, upload_limits
from models.settings import entity_model, translation_model


@dataclass(frozen=True)
class Settings:
    """What the reader chose in the sidebar for this run of the page."""

    show_tashkeel: bool
    translate: bool
    model_id: str  # Marian model: hub id or local folder ("" when the field is emptied)
    beam: int
    ner_model: str  # "" means the shipped recogniser
    downloads: Any  # the sidebar container the download buttons go in
    vowels: bool = False  # show the short vowels Qari adds (lighter than the author's)
    interlinear: str = "off"  # word by word: "off", "new" (new and learning words), "all"
    pausal: bool = False  # no case ending on a word before a pause (full stop, comma, end of line)
    graded_vowels: bool = False  # the added vowels only on words not marked known


def sidebar() -> Settings:
    """Draw the sidebar (text input, reading, translation and names settings) and return the settings."""
    with st.sidebar:
        st.header("قارئ Qari")
        st.caption("Read Arabic with an English translation beside it.")
        with st.form("paste", border=False):
            st.text_area("Arabic text", key="pasted", height=160, placeholder="الصق نصًا عربيًا هنا…")
            st.form_submit_button(
                "Read this text", on_click=texts.on_paste, help="Ctrl+Enter in the text box does the same"
            )
        ocr = ocr_available()
        # The real limit for each kind: Qari's own, or the server's where a deployment set it lower.
        limits = upload_limits(st.get_option("server.maxUploadSize"), images=ocr)
        st.file_uploader(
            "Or upload a file",
            type=[*(UPLOAD_TYPES if ocr else [t for t in UPLOAD_TYPES if t not in IMAGE_TYPES]), "epub"],
            key="upload",
            on_change=texts.on_upload,
            help="Text, web page, Word, PDF or an EPUB book (read a chapter at a time)"
            + (
                ", or a scanned PDF or an image of Arabic text (read by OCR)"
                if ocr
                else " (with a text layer)"
            ),
            max_upload_size=max(1, max(limits.values()) // MB),
        )
        st.caption(limits_sentence(limits) + books.limit_note(st.get_option("server.maxUploadSize")))
        with st.form("web", border=False):
            st.text_input(
                "Or open a web address",
                key="address",
                placeholder="https://…",
                help="An Arabic news article: Qari fetches the page and keeps its title and text only "
                "(no menus, links or comments). Or a news feed (RSS or Atom): its latest articles are "
                "listed here to choose from. Enter opens it.",
            )
            st.form_submit_button("Open this page", on_click=texts.on_address)
        _feed_items()
        st.button("Open the sample article", on_click=texts.load_sample)
        st.divider()
        st.subheader("Reading")
        show_tashkeel = st.toggle(
            "Show diacritics", value=True, help="Show or hide tashkeel (short vowels, shadda…)"
        )
        vowels = st.toggle(
            "Add the short vowels",
            value=False,
            help="Every word with its short vowels, as Qari reads it in context; the vowels Qari adds are "
            "drawn lighter than the ones the text has. Machine-made: on news 6 to 11 words in 100 differ from "
            "a careful human reading, most of them only in the case ending.",
        )
        pausal = st.toggle(  # always drawn (greyed out with the vowels off): it keeps its place and value
            "Pausal reading",
            value=False,
            disabled=not vowels,
            help="No case ending on a word before a full stop, a comma or the end of a line, as Arabic is "
            "read aloud (the least certain vowels); a word inside a phrase keeps its own.",
        )
        graded_vowels = st.toggle(
            "Vowels only on words not known",
            value=False,
            disabled=not vowels,
            help="Graded vowels: a word you marked known (key 3) is shown as it is written, without the "
            "vowels Qari adds; the others keep theirs.",
        )
        listen_section()  # speed and voice, saved for the reader (components/listen.py)
        interlinear = st.radio(
            "Word by word",
            INTERLINEAR_MODES,
            format_func=INTERLINEAR_MODES.get,
            key="interlinear",
            horizontal=True,
            help="The English of each word under it, in small type: its word in this sentence's translation, "
            "else the dictionary's first meaning; names in their English spelling.",
        )
        st.subheader("Translation")
        model_id = st.text_input(
            "Marian model (hub id or local folder)",
            value=translation_model(),
            help="Any Marian ar→en model; set QARI_MT_MODEL to change the default.",
        ).strip()
        translate = st.toggle("Translate", value=True)
        beam = st.select_slider(
            "Beam size", options=[1, 2, 4, 6], value=4, help="Larger is slower and slightly better."
        )
        st.subheader("Names")
        ner_model = st.text_input(
            "Entity model (hub id or local folder)",
            value=entity_model() or "",
            help="A transformers token-classification model whose names are merged with the offline name "
            "lists. Empty: the shipped offline recogniser. Set QARI_NER_MODEL to change the default.",
        ).strip()
        downloads = st.expander("Download", icon=":material/download:")
        st.divider()
        books.books_section()
        library_section()
        account.account_section()
    return Settings(
        show_tashkeel,
        translate,
        model_id,
        int(beam),
        ner_model,
        downloads,
        vowels,
        interlinear or "off",
        pausal,
        graded_vowels,
    )


INTERLINEAR_MODES = {"off": "Off", "new": "New and learning", "all": "Every word"}
_MARKDOWN = re.compile(r"([\\`*_{}\[\]<>()#+\-.!|~$])")


def _feed_items() -> None:
    """The latest items of the news feed the reader opened, each a button that opens its article."""
    feed = st.session_state.get("feed")
    if feed is None:
        return
    title = _MARKDOWN.sub(r"\\\1", feed.title)
    with st.expander(f"News feed: \u2068{title}\u2069", expanded=True, icon=":material/rss_feed:"):
        for index, item in enumerate(feed.items):
            # the date isolated left to right (in a right-to-left title 2026-11-20 would read 20-11-2026),
            # with hyphens that do not break the line
            date = " · \u2066" + item.date.replace("-", "\u2011") + "\u2069" if item.date else ""
            label = _MARKDOWN.sub(r"\\\1", item.title) + date
            st.button(
                label,
                key=f"feed-item-{index}",
                on_click=texts.open_web_address,
                args=(item.url,),
                help=item.summary or item.url,
                width="stretch",
            )
        st.button("Close the feed", key="feed-close", on_click=texts.close_feed, type="tertiary")
