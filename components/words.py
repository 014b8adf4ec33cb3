"""Before and after reading: the text's new words to mark in bulk, and Finish text, each with an undo.

The words and the marking are `models.study.newwords`; this draws them beside the reader.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from models.document import Document
from models.study.newwords import finish_text, mark_words, new_words
from models.study.vocab import Status, VocabStore, word_lemma

SHOWN = 200  # the most frequent new words listed; Finish text marks them all


def words_panel(doc: Document, vocabulary: Callable[[], VocabStore], *, key: str = "words") -> None:
    """ "New words in this text" (pick and mark) and Finish text, with an undo for the last of either."""
    lemmas = {word_lemma(t) for s in doc.sentences for t in s.tokens if t.kind == "arabic"}
    fresh = new_words(doc, vocabulary().get_statuses(lemmas))
    undo_key = f"{key}-undo"

    def mark(status: Status) -> None:
        by_lemma = {w.lemma: w for w in fresh}
        chosen = [by_lemma[lemma] for lemma in st.session_state.get(f"{key}-chosen", []) if lemma in by_lemma]
        if chosen:
            st.session_state[undo_key] = (
                f"{len(chosen)} words marked {status}",
                mark_words(vocabulary(), chosen, status),
            )
            st.session_state[f"{key}-chosen"] = []

    def finish() -> None:
        before = finish_text(vocabulary(), doc)
        st.session_state[undo_key] = (f"Finished: {len(before)} words marked known", before)

    def undo() -> None:
        _, before = st.session_state.pop(undo_key)
        vocabulary().restore(before)

    st.subheader("This text")
    with st.expander(f"New words in this text ({len(fresh)})", icon=":material/checklist:"):
        if fresh:
            labels = {w.lemma: f"{w.lemma} — {w.gloss or '?'} ({w.count}×)" for w in fresh}
            st.caption(
                "Words (by lemma: every form counts once) you have not marked yet, most frequent first."
            )
            st.multiselect(
                "Words to mark",
                [w.lemma for w in fresh[:SHOWN]],
                key=f"{key}-chosen",
                format_func=lambda lemma: labels.get(lemma, lemma),
                placeholder="Choose words…",
            )
            left, right = st.columns(2)
            left.button("Mark known", key=f"{key}-known", on_click=mark, args=("known",), width="stretch")
            right.button(
                "Mark learning", key=f"{key}-learning", on_click=mark, args=("learning",), width="stretch"
            )
        else:
            st.caption("Every word of this text has a status.")
    st.button(
        "Finish text",
        key=f"{key}-finish",
        on_click=finish,
        disabled=not fresh,
        icon=":material/done_all:",
        help="Mark every word of this text you have not marked yet as known (undo right after).",
    )
    if undo_key in st.session_state:
        label, _ = st.session_state[undo_key]
        st.button(f"Undo: {label}", key=f"{key}-undo-button", on_click=undo, icon=":material/undo:")
