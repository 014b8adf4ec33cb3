"""Qari (قارئ): read Arabic text with entities highlighted and an aligned English translation.

The page's wiring only, top to bottom: settings (sidebar) → the document (`models.pipeline`, the same
steps as `python -m models analyze`) → the reader, the glossary, the downloads. What the browser shows
lives in `components/`; everything that turns text into annotations in `models/`.
"""

from __future__ import annotations

import copy
import functools
import pickle
import uuid
from typing import TypeGuard

import streamlit as st

from components import account, banners, progress, review, texts
from components.exports import export_panel
from components.glossary import glossary_panel
from components.library import keep_words
from components.reader import reader
from components.sidebar import Settings, sidebar
from components.words import words_panel
from models import pipeline
from models.document import Document
from models.lexicon.lexicon import get_lexicon
from models.study.vocab import STATUSES, Status, VocabStore, readers_database, word_lemma
from models.translation.base import Translator
from models.translation.cache import TranslationStore, translation_store
from models.vowels import VowelsUnavailable, pausal
from models.vowels.background import ready as vowels_ready
from models.vowels.background import voweled_soon

POLL_SECONDS = 1.0  # how often the reader looks for new translations while some are missing
FIRST_WORDS_SECONDS = 0.5  # a click's rerun waits this long at most for the first streamed words
# With its models loaded, a run waits this long at most for the analysis (entities, glosses) before
# drawing the plain text: most texts are analysed by then, and the page does not flash twice.
ANALYSIS_GRACE_SECONDS = 0.3

st.set_page_config(page_title="Qari — Arabic reader", page_icon="📖", layout="wide")
st.html(
    "<style>textarea { unicode-bidi: plaintext; text-align: start; "
    'font-family: "Noto Naskh Arabic", serif; font-size: 1.1rem; }</style>'
)


@st.cache_data(max_entries=32, show_spinner=False)
def _plain(text: str) -> Document:
    """Sentences and tokens, no model: what the first run draws while the analysis is worked out."""
    return pipeline.plain(text)


@st.cache_data(max_entries=64, show_spinner=False)
def _aligned(
    model_key: str,
    ner_model: str,
    entity_note: str | None,
    text: str,
    translations: tuple,
    _translator: Translator,
    _doc: Document,
) -> Document:
    """The finished document with its alignment, once per (model, recogniser, text, translations)."""
    doc = copy.deepcopy(_doc)
    pipeline.add_alignment(doc, _translator, ner_model=ner_model)
    return doc


@st.cache_resource
def _store() -> TranslationStore:
    return translation_store()  # type: ignore[return-value]  # PostgreSQL's when the readers' database is


def _vocab() -> VocabStore:
    return account.reader_vocabulary()  # this session's reader's own (never one store for all sessions)


def _finish(doc: Document, service: pipeline.TranslationService | None, settings: Settings) -> Document:
    """`doc` with what the cache holds; aligned once every sentence is translated."""
    if service is None:
        return doc
    model_key = pipeline.model_key_for(settings.model_id)
    pipeline.restore_translations(doc, _store(), model_key, service.failures())
    if service.translator is None or pipeline.pending(doc) or analysis is None:
        return doc  # aligned once translated and analysed (names take their English from it)
    return _aligned(
        model_key,
        settings.ner_model,
        entity_note,
        doc.text,
        tuple(s.translation for s in doc.sentences),
        service.translator,
        doc,
    )


def _is_status(value: str) -> TypeGuard[Status]:
    return value in STATUSES  # the browser reports keys 1–4 as status names


def _set_status(doc: Document, token_index: int, status: str) -> None:
    tokens = [(s, t) for s in doc.sentences for t in s.tokens]
    if 0 <= token_index < len(tokens) and _is_status(status):
        sentence, token = tokens[token_index]
        try:
            _vocab().set_status(
                word_lemma(token),
                status,
                gloss=token.gloss,
                example=sentence.text,
                translation=sentence.translation,
            )
        except ValueError as exc:
            st.session_state.input_error = str(exc)


def _set_form_status(doc: Document, token_index: int, status: str) -> None:
    tokens = [t for s in doc.sentences for t in s.tokens]
    if 0 <= token_index < len(tokens) and _is_status(status):
        try:
            _vocab().set_form_status(tokens[token_index].text, word_lemma(tokens[token_index]), status)
        except ValueError as exc:
            st.session_state.input_error = str(exc)


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

# ---- the document ------------------------------------------------------------------------------
# The text is drawn at once, sentence by sentence; entities and glosses (the entity model and the
# lexicon load in the background on first use) fill in when the analysis is ready (the reader polls).
analysis = (
    pipeline.analysis_soon(st.session_state.text, settings.ner_model, wait=ANALYSIS_GRACE_SECONDS)
    if pipeline.analysis_warm()
    else pipeline.analysis_ready(st.session_state.text, settings.ner_model)  # else started at the end
)
analysing = analysis is None
entity_note = analysis.entity_note if analysis is not None else None
banners.text_notes(
    st.session_state.get("notes", []), entity_note, get_lexicon().notes if analysis is not None else []
)
# the analysis is shared by every reader: each run changes a copy (a pickle round trip, as st.cache_data's)
doc = pickle.loads(pickle.dumps(analysis.doc)) if analysis is not None else _plain(st.session_state.text)
if analysis is not None:
    if not st.session_state.get("forms_migrated"):  # words saved as bare forms move to their lemmas, once
        _vocab().migrate_forms(_lemma_of)
        st.session_state.forms_migrated = True
    keep_words(doc)  # the library counts this text's words from now on
service = None
if settings.translate and settings.model_id:
    # The worker loads the model in its own thread: the text is readable at once, translations follow.
    service = pipeline.translation_service(settings.model_id, _store())
    if st.session_state.get("waited_for_model") != settings.model_id:  # once: later clicks never wait
        service.wait_loaded(timeout=0.3)  # a missing model answers at once; a slow load is not waited for
        st.session_state.waited_for_model = settings.model_id
selected = st.session_state.get("selected")
if selected is not None and selected >= len(doc.sentences):
    selected = st.session_state.selected = 0 if doc.sentences else None
if not doc.sentences:
    st.info("There is no text to show yet.")
if "reader_id" not in st.session_state:
    st.session_state.reader_id = uuid.uuid4().hex  # this reader's place in the worker's queue
finished = _finish(doc, service, settings)  # with every translation in: aligned, names' English
st.session_state.vowels_used = st.session_state.get("vowels_used") or settings.vowels
# once this reader has asked for vowels they stay in the reader, hidden or shown, so the toggle moves nothing
vowels_waiting, voweled = False, vowels_ready(finished.text) if st.session_state.vowels_used else None
if settings.vowels and voweled is None:
    try:
        voweled = voweled_soon(finished.text)  # worked out in the background: the page does not wait
    except VowelsUnavailable as exc:
        st.caption(f"Vowels: {exc}")
    vowels_waiting = voweled is None
if voweled is not None:  # kept when the mode is off again: the reader hides them, nothing is rebuilt
    pipeline.add_vowels(finished, pausal(voweled) if settings.pausal else voweled)
if (
    service is not None
    and service.loaded is not None
    and not service.loaded.ok
    and pipeline.pending(finished)
):
    banners.model_banner(service.loaded, settings.model_id)  # with everything cached there is nothing to miss
st.session_state.doc = finished  # what the page shows (tests compare it with the command line's)


# ---- reader (redrawn alone on a click, a key or a new translation), glossary, downloads ---------
_full_run = True  # the fragment below runs within this whole-page run (False once the page is drawn)


def _arrived() -> None:
    """What the page waited for is in: draw the whole page again. From the reader's poll only: a whole
    run that sees it arrive while drawing leaves it to the next poll (a second), so the run's one-time
    messages (an address that could not be read, …) are not wiped by a rerun before they are seen."""
    if not _full_run:
        st.rerun()


def _reading() -> None:
    if readers_database().unreachable() is not None:
        st.rerun()  # the whole page says the database is away, and waits for it
    if loading and service is not None and service.loaded is not None and not service.loaded.ok:
        st.rerun()  # the model turned out to be missing: the page shows why, and stops polling
    # a model that could not be loaded translates nothing: its banner says so, no progress is shown
    translating = (
        service is not None
        and bool(pipeline.pending(finished))
        and (service.loaded is None or service.loaded.ok)
    )
    # new translations are restored into a copy (`finished` belongs to the last full run); a click on a
    # finished text just redraws it
    current = copy.deepcopy(finished) if translating else finished
    waiting = 0
    if translating and service is not None:  # (translating implies a service)
        model_key = pipeline.model_key_for(settings.model_id)
        pipeline.restore_translations(current, _store(), model_key, service.failures())
        waiting = pipeline.request_translations(
            current,
            service,
            st.session_state.reader_id,
            first=st.session_state.get("selected"),
            beam_size=settings.beam,
            only_first=bool(st.session_state.get("paused")),
        )
        if pipeline.pending(finished) and not pipeline.pending(current):
            _arrived()  # all in: align and update the glossary on the whole page
        chosen = st.session_state.get("selected")
        if chosen in pipeline.pending(current) and service.loaded is not None and service.loaded.ok:
            # the sentence just asked for is decoded now: its first words come with this very rerun
            service.wait_partial(pipeline.pieces(current.sentences[chosen]), FIRST_WORDS_SECONDS)
    banners.failed_banner(
        len(pipeline.failed(current)), on_retry=service.retry if service is not None else lambda: None
    )
    if (
        translating and service is not None and service.unavailable
    ):  # the shared service (Ray) is down: it says why
        st.warning(service.unavailable, icon="🔌")
    if vowels_waiting and voweled_soon(current.text) is not None:
        _arrived()  # the vowels are in: show them on the whole page (reader and glossary)
    if analysing and pipeline.analysis_ready(current.text, settings.ner_model) is not None:
        _arrived()  # names and glosses are in: the whole page again (reader, glossary, words)
    if analysing:
        st.caption("Finding the names and looking up the words…")
    if vowels_waiting:
        st.caption("Adding the vowels…")
    if waiting and service is not None:
        banners.translation_progress(waiting, len(current.sentences), loading=service.loaded is None)
    # statuses belong to lemmas: none are shown, or set, until the words are looked up
    lemmas = sorted({word_lemma(t) for s in current.sentences for t in s.tokens if t.kind == "arabic"})
    forms = {(t.text, word_lemma(t)) for s in current.sentences for t in s.tokens if t.kind == "arabic"}
    reader(
        current,
        selected=st.session_state.get("selected"),
        on_select=texts.select,
        pending_text="Translating…"
        if service is not None and service.loaded is not None and service.loaded.ok
        else (
            "Loading the translation model…"
            if service is not None and service.loaded is None
            else "No translation model loaded."
        ),
        show_tashkeel=settings.show_tashkeel,
        show_vowels=settings.vowels and not vowels_waiting,
        statuses=_vocab().get_statuses(lemmas) if not analysing else {},
        form_statuses=_vocab().form_statuses(forms) if not analysing else {},
        on_form_status=functools.partial(_set_form_status, current) if not analysing else None,
        on_status=functools.partial(_set_status, current) if not analysing else None,
        marked=st.session_state.get("marked"),
        interlinear=settings.interlinear if not analysing else "off",  # its glosses come with the lexicon
        graded_vowels=settings.graded_vowels,
        provisional=pipeline.provisional(current, service) if translating and service is not None else None,
        analysing=analysing,
    )


loading = service is not None and service.loaded is None  # the model is still loading at this run
# Poll while the analysis or the vowels are still to come, or translations are missing and can still come.
polling = (
    analysing
    or vowels_waiting
    or service is not None
    and bool(pipeline.pending(finished))
    and (service.loaded is None or service.loaded.ok)
)
main, side = st.columns([7, 3], gap="medium")
with main:
    st.fragment(_reading, run_every=POLL_SECONDS if polling else None)()
_full_run = False  # from now on `_reading` runs alone, as the poll
with side:
    glossary_panel(finished, on_select=texts.pick_glossary_entry, preparing=analysing)
with st.sidebar:  # under the settings: the page's own buttons stay first in the main column
    if analysing:
        st.caption("This text's words are being looked up…")
    else:
        words_panel(finished, _vocab)
with settings.downloads:
    if analysing:
        st.caption("The downloads come once the words are looked up.")
    else:
        export_panel(finished, st.session_state.get("title") or "Qari reading")
if analysing:  # (again) once the page is drawn: on a first start nothing competes with drawing it
    pipeline.analysis_soon(st.session_state.text, settings.ner_model)
