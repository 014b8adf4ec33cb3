"""Qari (قارئ): read Arabic text with entities highlighted and an aligned English translation.

The page's wiring only, top to bottom: settings (sidebar) → the document (the reading session,
`components/session.py`, runs `models.pipeline`'s steps, as `python -m models analyze` does) → the reader,
the glossary, the downloads. What the browser shows lives in `components/`; everything that turns text
into annotations in `models/`.
"""

from __future__ import annotations

import streamlit as st

from components import account, actions, banners, books, layout, progress, review, session, texts
from components.exports import export_panel
from components.glossary import glossary_panel
from components.library import keep_words
from components.reading import reading_column
from components.sidebar import sidebar
from components.words import words_panel
from models.lexicon.lexicon import get_lexicon
from models.study.vocab import readers_database

st.set_page_config(page_title="Qari — Arabic reader", page_icon="📖", layout="wide")
layout.page_style()  # right-to-left text boxes, the columns on a narrow screen
actions.rerun_on_reconnect()  # a page back on a restarted server runs whole again (its queued marks)


def _lemma_of(form: str) -> str | None:
    best = get_lexicon().best(form)
    return best.lemma if best is not None else None


# ---- settings ----------------------------------------------------------------------------------
_down = readers_database().unreachable()  # PostgreSQL restarting: said plainly, not a traceback
if _down is not None:
    banners.database_down(_down, check=lambda: readers_database().unreachable())
    st.stop()
account.require_reader()  # signs the visitor in where sign-in is configured
view = review.choose_view()  # Read / Review (with the number due) / Progress, atop the sidebar
if view != "read":  # the same sidebar (so its settings are kept), the review or the progress beside it
    sidebar()
    if view == "review":
        review.review_view()
    else:
        progress.progress_view()
    st.stop()
texts.ensure_text()
settings = sidebar()
banners.input_banners()
st.subheader(st.session_state.get("title") or "Text", anchor=False)
books.book_bar()  # a book's contents, previous and next

# ---- the document ------------------------------------------------------------------------------
# The text is drawn at once, sentence by sentence; entities and glosses (the entity model and the
# lexicon load in the background on first use) fill in when the analysis is ready (the reader polls).
# Where that stands, and what the reader draws meanwhile: components/session.py.
reading = session.current()
doc = reading.begin(st.session_state.text, settings)
banners.text_notes(
    st.session_state.get("notes", []),
    reading.entity_note,
    [] if reading.analysing else [*get_lexicon().notes, *doc.notes],  # what is missing: the roots, …
)
if reading.complete and not st.session_state.get("forms_migrated"):
    account.reader_vocabulary().migrate_forms(_lemma_of)  # words saved as bare forms move to their lemmas
    st.session_state.forms_migrated = True
selected = st.session_state.get("selected")
if selected is not None and selected >= len(doc.sentences):
    st.session_state.selected = 0 if doc.sentences else None
if not doc.sentences:
    st.info("There is no text to show yet.")
if reading.vowels_note:
    st.caption(reading.vowels_note)
if reading.missing_model is not None:
    banners.model_banner(reading.missing_model, settings.model_id)
st.session_state.doc = doc  # what the page shows (tests compare it with the command line's)

# ---- reader (redrawn alone on a click, a key or a new translation), glossary, downloads ---------
main, side = layout.reading_columns()  # side by side, or the glossary under the text on a narrow screen
with main:
    reading_column(reading)
with side:
    glossary_panel(doc, on_select=texts.pick_glossary_entry, preparing=reading.analysing)
with st.sidebar:  # under the settings: the page's own buttons stay first in the main column
    if reading.analysing:
        st.caption("This text's words are being looked up…")
    else:
        words_panel(doc, account.reader_vocabulary)
with settings.downloads:
    if reading.analysing:
        st.caption("The downloads come once the words are looked up.")
    else:
        export_panel(doc, st.session_state.get("title") or "Qari reading")
if reading.complete:  # names, glosses and roots (the word families keep the roots); once drawn: a turn first
    keep_words(doc)  # the library counts this text's words from now on
# the reader polls alone from now on; a first start's analysis begins, else a book's next part is prepared
# (and a turned page's place is kept)
reading.drawn(ahead=books.drawn())
