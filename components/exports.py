"""Download buttons: the reading as a bilingual PDF or HTML page, the glossary and the saved vocabulary.

Files are built only when a button is clicked (Streamlit calls the data callable then), so an
ordinary rerun costs nothing.
"""

from __future__ import annotations

import re

import streamlit as st

from components import account
from components.listen import anki_audio
from models.document import Document
from models.interlinear import interlinear_glosses
from models.review.context import anki_contexts
from models.study import export


def _slug(title: str) -> str:
    return re.sub(r"[^\w-]+", "-", title, flags=re.ASCII).strip("-").lower()[:60] or "qari"


def export_panel(doc: Document, title: str) -> None:
    """Six download buttons in the current container."""
    name = _slug(title)
    words = account.vocabulary()  # this reader's, bound now: the files are built later, on a click
    audio = anki_audio()  # the decks' cards carry the word's and the sentence's audio (espeak-ng)
    texts = account.library()

    def vocabulary() -> list:
        return words.all_entries() if words is not None else []

    word_by_word = st.checkbox(
        "Word by word in the PDF and web page",
        key="export-interlinear",
        help="Each Arabic word with its English under it, as the reader's word-by-word mode shows.",
    )

    def glosses() -> list[list[str]] | None:
        return interlinear_glosses(doc) if word_by_word else None

    def sentences() -> dict:  # each word marked in a sentence of the reader's library
        return anki_contexts(texts, vocabulary()) if texts is not None else {}

    files = [
        (
            "Bilingual PDF",
            lambda: export.bilingual_pdf(doc, title=title, interlinear=glosses()),
            f"{name}.pdf",
            "application/pdf",
            ":material/picture_as_pdf:",
        ),
        (
            "Bilingual web page",
            lambda: export.bilingual_html(doc, title=title, interlinear=glosses()),
            f"{name}.html",
            "text/html",
            ":material/web:",
        ),
        (
            "Glossary (CSV)",
            lambda: export.glossary_csv(doc),
            f"{name}-glossary.csv",
            "text/csv",
            ":material/table:",
        ),
        (
            "Glossary (Anki deck)",
            lambda: export.glossary_apkg(doc, deck_name=f"Qari: {title}", audio=audio),
            f"{name}-glossary.apkg",
            "application/octet-stream",
            ":material/style:",
        ),
        (
            "My vocabulary (CSV)",
            lambda: export.vocabulary_csv(vocabulary()),
            "qari-vocabulary.csv",
            "text/csv",
            ":material/bookmark:",
        ),
        (
            "My vocabulary (Anki deck)",
            lambda: export.vocabulary_apkg(vocabulary(), audio=audio, contexts=sentences()),
            "qari-vocabulary.apkg",
            "application/octet-stream",
            ":material/bookmarks:",
        ),
    ]
    for label, build, file_name, mime, icon in files:
        st.download_button(
            label, build, file_name=file_name, mime=mime, icon=icon, on_click="ignore", width="stretch"
        )
