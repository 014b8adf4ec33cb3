"""The reading column: the reader and what it says around it (a failed translation's retry, the shared
service out of reach, the progress, what is still coming), drawn from the `ReadingSession`'s view.

`reading_column(session)` draws it as a fragment: redrawn alone on a click, a key or a new translation,
and once a second (`POLL_SECONDS`) while the page waits for something. When what it waited for is in,
the whole page is drawn again.
"""

from __future__ import annotations

from typing import TypeGuard

import streamlit as st

from components import account, banners, texts
from components.reader import reader
from components.session import POLL_SECONDS, ReadingSession
from models.document import Document
from models.study.vocab import STATUSES, Status, readers_database, word_lemma


def _is_status(value: str) -> TypeGuard[Status]:
    return value in STATUSES  # the browser reports keys 1–4 as status names


def set_status(doc: Document, token_index: int, status: str) -> None:
    """Keys 1–4 on a word: its lemma's status (every form of it), with the sentence as its example."""
    tokens = [(s, t) for s in doc.sentences for t in s.tokens]
    if 0 <= token_index < len(tokens) and _is_status(status):
        sentence, token = tokens[token_index]
        try:
            account.reader_vocabulary().set_status(
                word_lemma(token),
                status,
                gloss=token.gloss,
                example=sentence.text,
                translation=sentence.translation,
            )
        except ValueError as exc:
            st.session_state.input_error = str(exc)


def set_form_status(doc: Document, token_index: int, status: str) -> None:
    """Shift+1–4 on a word: this form's status only."""
    tokens = [t for s in doc.sentences for t in s.tokens]
    if 0 <= token_index < len(tokens) and _is_status(status):
        try:
            account.reader_vocabulary().set_form_status(
                tokens[token_index].text, word_lemma(tokens[token_index]), status
            )
        except ValueError as exc:
            st.session_state.input_error = str(exc)


def _column(session: ReadingSession) -> None:
    if readers_database().unreachable() is not None:
        st.rerun()  # the whole page says the database is away, and waits for it
    view = session.poll(
        selected=st.session_state.get("selected"), paused=bool(st.session_state.get("paused"))
    )
    if view.rerun:
        st.rerun()  # what the page waited for is in (or the model is missing: the page says why)
    doc = view.doc
    banners.failed_banner(view.failed, on_retry=session.retry)
    if view.unavailable:  # the shared service (Ray) is down: it says why
        st.warning(view.unavailable, icon="🔌")
    for caption in view.captions:
        st.caption(caption)
    if view.waiting:
        banners.translation_progress(view.waiting, len(doc.sentences), loading=view.model_loading)
    # statuses belong to lemmas: none are shown, or set, until the words are looked up
    looked_up = not view.analysing
    arabic = [t for s in doc.sentences for t in s.tokens if t.kind == "arabic"]
    vocab = account.reader_vocabulary() if looked_up else None
    reader(
        doc,
        selected=st.session_state.get("selected"),
        on_select=texts.select,
        pending_text=view.pending_text,
        show_tashkeel=session.settings.show_tashkeel if session.settings is not None else True,
        show_vowels=view.show_vowels,
        statuses=vocab.get_statuses(sorted({word_lemma(t) for t in arabic})) if vocab is not None else {},
        form_statuses=vocab.form_statuses({(t.text, word_lemma(t)) for t in arabic})
        if vocab is not None
        else {},
        on_form_status=(lambda t, status: set_form_status(doc, t, status)) if looked_up else None,
        on_status=(lambda t, status: set_status(doc, t, status)) if looked_up else None,
        marked=st.session_state.get("marked"),
        interlinear=view.interlinear,
        provisional=view.provisional,
        analysing=view.analysing,
    )


def reading_column(session: ReadingSession) -> None:
    """The reader as a fragment, polling while the page waits for the analysis, vowels or translations."""
    st.fragment(_column, run_every=POLL_SECONDS if session.polling else None)(session)
