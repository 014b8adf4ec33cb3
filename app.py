"""Qari (قارئ): read Arabic text with entities highlighted and an aligned English translation.

The page's wiring only, top to bottom: settings (sidebar) → the document (`models.pipeline`, the same
steps as `python -m models analyze`) → the reader, the glossary, the downloads. What the browser shows
lives in `components/`; everything that turns text into annotations in `models/`.
"""

from __future__ import annotations

import copy

import streamlit as st

from components import banners, texts
from components.exports import export_panel
from components.glossary import glossary_panel
from components.reader import reader
from components.sidebar import sidebar
from models import pipeline
from models.document import Document
from models.lexicon.lexicon import get_lexicon
from models.names.recognizer import recognizer_note
from models.study.vocab import VocabStore, word_lemma
from models.translation.base import Translator
from models.translation.cache import TranslationStore

st.set_page_config(page_title="Qari — Arabic reader", page_icon="📖", layout="wide")
st.html(
    "<style>textarea { unicode-bidi: plaintext; text-align: start; "
    'font-family: "Noto Naskh Arabic", serif; font-size: 1.1rem; }</style>'
)


@st.cache_data(max_entries=32, show_spinner="Analysing the text…")
def _analyze(text: str, ner_model: str, entity_note: str | None) -> Document:
    # entity_note is part of the key: it tells the shipped fallback from the model once it is there
    return pipeline.analyze(text, ner_model=ner_model)


@st.cache_data(max_entries=64, show_spinner=False)
def _aligned(model_key: str, ner_model: str, entity_note: str | None, text: str, translations: tuple,
             _translator: Translator, _doc: Document) -> Document:
    """The finished document with its alignment, once per (model, recogniser, text, translations)."""
    doc = copy.deepcopy(_doc)
    pipeline.add_alignment(doc, _translator, ner_model=ner_model)
    return doc


@st.cache_resource
def _store() -> TranslationStore:
    return TranslationStore()


@st.cache_resource
def _vocab() -> VocabStore:
    return VocabStore()


def _remember_failures(doc: Document) -> None:
    st.session_state.failed = st.session_state.get("failed", set()) | {
        doc.sentences[i].text for i in pipeline.failed(doc)
    }


def _set_status(doc: Document, token_index: int, status: str) -> None:
    tokens = [(s, t) for s in doc.sentences for t in s.tokens]
    if 0 <= token_index < len(tokens):
        sentence, token = tokens[token_index]
        try:
            _vocab().set_status(word_lemma(token), status, gloss=token.gloss, example=sentence.text,
                                translation=sentence.translation)
        except ValueError as exc:
            st.session_state.input_error = str(exc)


# ---- settings ----------------------------------------------------------------------------------
texts.ensure_text()
settings = sidebar()
banners.input_banners()
st.subheader(st.session_state.get("title") or "Text", anchor=False)
with st.spinner("Loading the entity model…"):
    entity_note = recognizer_note(settings.ner_model)
banners.text_notes(st.session_state.get("notes", []), entity_note, get_lexicon().notes)

# ---- the document ------------------------------------------------------------------------------
doc = _analyze(st.session_state.text, settings.ner_model, entity_note)
translation = None
if settings.translate and settings.model_id:
    pipeline.restore_translations(doc, _store(), pipeline.model_key_for(settings.model_id),
                                  st.session_state.get("failed", set()))
    # Loaded even when every sentence is cached: alignment reads the model's attention.
    with st.spinner(f"Loading {settings.model_id}…"):
        translation = pipeline.open_translator(settings.model_id, _store())
translator = translation.translator if translation is not None else None
if translation is not None and translator is None and pipeline.pending(doc):
    banners.model_banner(translation.loaded, settings.model_id)

selected = st.session_state.get("selected")
if selected is not None and selected >= len(doc.sentences):
    selected = st.session_state.selected = 0 if doc.sentences else None
if translator is not None:
    pipeline.translate_first(doc, translator, selected, beam_size=settings.beam)
    _remember_failures(doc)
progress_slot = st.empty()
if not doc.sentences:
    st.info("There is no text to show yet.")
banners.failed_banner(len(pipeline.failed(doc)))
if translator is not None and not pipeline.pending(doc):
    doc = _aligned(translation.model_key, settings.ner_model, entity_note, doc.text,
                   tuple(s.translation for s in doc.sentences), translator, doc)
st.session_state.doc = doc  # what the page shows (tests compare it with the command line's)

# ---- reader, glossary, downloads ---------------------------------------------------------------
main, side = st.columns([7, 3], gap="medium")
with main:
    lemmas = sorted({word_lemma(t) for s in doc.sentences for t in s.tokens if t.kind == "arabic"})
    reader(
        doc,
        selected=selected,
        on_select=texts.select,
        pending_text="Translating…" if translator is not None else "No translation model loaded.",
        show_tashkeel=settings.show_tashkeel,
        statuses=_vocab().get_statuses(lemmas),
        on_status=lambda index, status, doc=doc: _set_status(doc, index, status),
        marked=st.session_state.get("marked"),
    )
with side:
    glossary_panel(doc, on_select=texts.pick_glossary_entry)
with settings.downloads:
    export_panel(doc, st.session_state.get("title") or "Qari reading")

# ---- the rest of the translation, in the background of this session -----------------------------
if translator is not None and pipeline.pending(doc):
    left = len(pipeline.pending(doc))
    with progress_slot.container():
        if st.session_state.get("paused"):
            st.caption(f"Translation paused: {left} sentences left. Clicked sentences are still translated.")
            st.button("Resume translation", on_click=lambda: st.session_state.update(paused=False))
    if not st.session_state.get("paused"):
        # Batches are saved as they finish; a click interrupts between batches and its sentence goes first.
        with progress_slot.container():
            bar = st.progress(0.0, text=f"Translating {left} sentences…")
            st.button("Pause translation", on_click=lambda: st.session_state.update(paused=True))
        pipeline.fill_translations(
            doc, translator, beam_size=settings.beam,
            progress=lambda done, total: bar.progress(done / total, text=f"Translated {done} of {total} sentences"),
        )
        progress_slot.empty()
        _remember_failures(doc)
        st.rerun()
