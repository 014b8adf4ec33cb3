"""Word families on the page: a root's words across the reader's library (`models.grammar.families`),
opened from the hover card (key F) or the glossary, in a dialog where the root can be marked for review
like a word."""

from __future__ import annotations

import html
from collections import Counter
from typing import TYPE_CHECKING

import streamlit as st

from components import account
from models.document import Document
from models.grammar.families import Families, Member, mark_root, root_word
from models.study.vocab import STATUSES, Status

if TYPE_CHECKING:  # pandas loads with the first table shown, not with the first page (issue 32)
    import pandas as pd

FAMILY_KEY = "family_root"  # the root whose family the page is to show (set by key F or the glossary)


def families() -> Families | None:
    """This session's reader's families (None for a visitor not signed in)."""
    reader = account.current_reader()
    return Families(reader=reader) if reader is not None else None


def keep_families(doc: Document, text_id: str) -> None:
    """Keep the open text's words by root, as the library keeps its words (`components.library.keep_words`)."""
    store = families()
    if store is not None:
        store.keep(text_id, doc)


def open_family_of(doc: Document, token_index: object) -> None:
    """Key F on token `token_index` (global order): its root's family opens on this run."""
    tokens = [t for s in doc.sentences for t in s.tokens]
    if isinstance(token_index, int) and 0 <= token_index < len(tokens) and tokens[token_index].root:
        st.session_state[FAMILY_KEY] = tokens[token_index].root


def show_family(doc: Document) -> None:
    """The family asked for (once: closing the dialog closes it)."""
    root = st.session_state.pop(FAMILY_KEY, None)
    if isinstance(root, str) and root:
        _family_dialog(root, doc)


def family_picker(doc: Document, key: str = "family-picker") -> None:
    """The glossary's way in: the text's roots, most words first; choosing one opens its family (on this
    run, by the reader: `show_family`), and the box is empty again for the next."""
    counts = Counter(t.root for s in doc.sentences for t in s.tokens if t.root)
    if not counts:
        return

    def chosen() -> None:
        root = st.session_state.get(key)
        if root:
            st.session_state[FAMILY_KEY] = root
            st.session_state[key] = None

    st.selectbox(
        "Word family",
        [root for root, _n in counts.most_common()],
        index=None,
        key=key,
        placeholder="A root of this text…",
        format_func=lambda r: f"{' '.join(r)} ({counts[r]})",
        on_change=chosen,
        help="A root's words across your library: each with its meaning, your status and a sentence.",
    )


def family_frame(members: list[Member]) -> pd.DataFrame:
    """The family as a table (Streamlit's data grid shows every cell as text)."""
    import pandas as pd

    return pd.DataFrame(
        [
            {
                "Word": m.form,
                "Lemma": m.lemma,
                "English": m.gloss or "",
                "Status": m.status or "",
                "Met in": m.sentence,
            }
            for m in members
        ]
    )


@st.dialog("Word family", width="large")
def _family_dialog(root: str, doc: Document) -> None:
    store = families()
    vocabulary = account.vocabulary()
    members = store.family(root, vocabulary, doc) if store is not None else []
    spaced = html.escape(
        " ".join(root)
    )  # qalsadi's letters only (models.grammar.roots), escaped all the same
    st.markdown(f"**Root** <span dir='rtl' lang='ar'>{spaced}</span>", unsafe_allow_html=True)
    saved = vocabulary.get(root_word(root)) if vocabulary is not None else None
    st.caption(
        f"{len(members)} word{'s' if len(members) != 1 else ''} of this root in your library"
        + (f" · the root is marked {saved.status}" if saved is not None else "")
    )
    if members:  # a plain table (Streamlit escapes every cell): short, and read by screen readers
        st.table(family_frame(members).set_index("Word"))
    if vocabulary is None:
        return
    choice = st.segmented_control(
        "Mark the root (it comes up in review like a word)",
        STATUSES,
        default=saved.status if saved is not None else None,
        key=f"family-status-{root}",
    )
    if choice is not None and (saved is None or choice != saved.status):
        status: Status = choice
        mark_root(vocabulary, root, status, members)
        st.caption(f"The root is marked {status}.")
