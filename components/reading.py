"""The reading column: the reader and what it says around it (a failed translation's retry, the shared
service out of reach, the progress, what is still coming), drawn from the `ReadingSession`'s view.

`reading_column(session)` draws it as a fragment: redrawn alone on a click, a key or a new translation,
and every `session.poll_seconds` while the page waits for something (more often while the names come). When what it waited for is in,
the whole page is drawn again.
"""

from __future__ import annotations

import streamlit as st

from components import account, banners, review, texts
from components.reader import reader
from components.session import ReadingSession
from models.study.vocab import readers_database

FRAGMENT = "reading"  # the reader's fragment: run again with the sidebar's count when a mark lands


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
    reader(
        doc,
        selected=st.session_state.get("selected"),
        on_select=texts.select,
        pending_text=view.pending_text,
        show_tashkeel=session.settings.show_tashkeel if session.settings is not None else True,
        show_vowels=view.show_vowels,
        vocab=account.reader_vocabulary() if looked_up else None,
        statuses=None if looked_up else {},  # read by the reader once the page's marks are in
        also_rerun=(FRAGMENT, review.DUE_FRAGMENT),  # a mark changes the sidebar's count of words due
        applied=session.applied,
        marked=st.session_state.get("marked"),
        interlinear=view.interlinear,
        provisional=view.provisional,
        analysing=view.analysing,
        graded_vowels=bool(session.settings and session.settings.graded_vowels),  # only on words not known
    )


def reading_column(session: ReadingSession) -> None:
    """The reader as a fragment, polling while the page waits for the analysis, vowels or translations."""
    st.fragment(_column, run_every=session.poll_seconds, key=FRAGMENT)(session)
