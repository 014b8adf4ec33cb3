"""Qari (قارئ): read Arabic text with entities highlighted and an aligned English translation.

This file is the page's wiring only: text in, `models.pipeline` for the analysis, the
translation model and its cache from `models/`, and `components/` for what the browser shows.
"""

from __future__ import annotations

import os
from pathlib import Path

import streamlit as st

from components.exports import export_panel
from components.glossary import glossary_panel
from components.markup import word_lemma
from components.reader import reader
from models.align import align_document, can_align
from models.document import Document
from models.entities import get_recognizer, recognizer_note
from models.glossary import names_from_alignment
from models.inputs import (
    IMAGE_TYPES,
    MAX_CHARS,
    UPLOAD_TYPES,
    InputError,
    ocr_available,
    prepare_text,
    read_file,
)
from models.lexicon import get_lexicon
from models.ner_transformer import configured_model as configured_ner_model
from models.pipeline import (
    analyze,
    apply_cached,
    cache_keys,
    failed,
    fill_translations,
    mark_failed,
    pending,
    translate_sentence,
)
from models.store import CachedTranslator, TranslationStore
from models.translate import (
    LoadResult,
    configured_model,
    download_model,
    forget,
    get_translator,
    model_key_for,
    network_available,
)
from models.vocab import VocabStore

SEEDS = Path(__file__).parent / "seeds"
SAMPLE = SEEDS / "japan-canada-intelligence.txt"
BATCH = 4  # small batches keep a click during background translation waiting at most one batch

st.set_page_config(page_title="Qari — Arabic reader", page_icon="📖", layout="wide")
st.html(
    "<style>textarea { unicode-bidi: plaintext; text-align: start; "
    'font-family: "Noto Naskh Arabic", serif; font-size: 1.1rem; }</style>'
)


# ---- state -------------------------------------------------------------------------------------


def _load_sample() -> None:
    st.session_state.text = SAMPLE.read_text(encoding="utf-8")
    st.session_state.title = (
        (SEEDS / "japan-canada-intelligence.title.txt").read_text(encoding="utf-8").strip()
    )
    st.session_state.selected = 0
    st.session_state.notes = []
    st.session_state.marked = None


def _use_text(text: str, title: str, *, confirmed_long: bool = False) -> None:
    if len(text) > MAX_CHARS and not confirmed_long:
        # Too long to read comfortably: nothing is lost, the reader chooses what happens.
        st.session_state.too_long = (text, title)
        return
    st.session_state.too_long = None
    try:
        prepared = prepare_text(text)
    except InputError as exc:
        st.session_state.input_error = str(exc)
        return
    st.session_state.text = prepared.text
    st.session_state.title = title
    st.session_state.notes = prepared.notes
    st.session_state.selected = 0
    st.session_state.marked = None
    st.session_state.input_error = None


def _read_first_part() -> None:
    text, title = st.session_state.too_long
    _use_text(text, title, confirmed_long=True)


def _on_paste() -> None:
    _use_text(st.session_state.get("pasted", ""), "Pasted text")


def _on_upload() -> None:
    upload = st.session_state.get("upload")
    if upload is None:
        return
    try:
        with st.spinner(f"Reading {upload.name}…"):  # OCR of an image can take a while
            found = read_file(upload.getvalue(), upload.name)
    except InputError as exc:
        st.session_state.input_error = str(exc)
        return
    _use_text(found.text, upload.name)
    if not st.session_state.get("input_error") and not st.session_state.get("too_long"):
        st.session_state.notes = [*found.notes, *st.session_state.notes]


def _retry_failed() -> None:
    st.session_state.failed = set()


def _remember_failures(doc: Document) -> None:
    st.session_state.failed = st.session_state.get("failed", set()) | {
        doc.sentences[i].text for i in failed(doc)
    }


def _select(index: int) -> None:
    st.session_state.selected = index


def _pick_glossary_entry(index: int, key: str) -> None:
    st.session_state.selected = index
    st.session_state.marked = key


if "text" not in st.session_state:
    _load_sample()


@st.cache_data(max_entries=32, show_spinner="Analysing the text…")
def _analyze(text: str, ner_model: str, entity_note: str | None) -> Document:
    # entity_note is part of the key: it tells the shipped fallback from the model once it is there
    return analyze(text, ner_model=ner_model)


@st.cache_resource
def _store() -> TranslationStore:
    return TranslationStore()


@st.cache_resource
def _vocab() -> VocabStore:
    return VocabStore()


@st.cache_data(max_entries=64, show_spinner=False)
def _alignment(
    model_key: str,
    ner_model: str,
    text: str,
    translations: tuple[str | None, ...],
    _translator: object,
    _doc: Document,
) -> tuple[list, list, dict]:
    """Alignments of a fully translated text, once per (model, entity model, text, translations)."""
    align_document(_translator, _doc)
    return (
        [s.alignment for s in _doc.sentences],
        [s.english_words for s in _doc.sentences],
        {g.key: g.context_gloss for g in _doc.glossary},
    )


def _apply_alignment(doc: Document, translator: object, model_key: str, ner_model: str) -> None:
    alignments, words, context = _alignment(
        model_key, ner_model, doc.text, tuple(s.translation for s in doc.sentences), translator, doc
    )
    for sentence, pairs, spans in zip(doc.sentences, alignments, words, strict=True):
        sentence.alignment, sentence.english_words = pairs, spans
    for entry in doc.glossary:
        entry.context_gloss = context.get(entry.key)
    # names no gazetteer lists take the English the translation gave them
    gazetteer = get_recognizer(ner_model).gazetteer
    names_from_alignment(doc, listed=lambda key: gazetteer.by_key(key) is not None)


def _word_statuses(doc: Document) -> dict[str, str]:
    lemmas = sorted({word_lemma(t) for s in doc.sentences for t in s.tokens if t.kind == "arabic"})
    return _vocab().get_statuses(lemmas)


def _set_status(doc: Document, token_index: int, status: str) -> None:
    tokens = [(s, t) for s in doc.sentences for t in s.tokens]
    if not 0 <= token_index < len(tokens):
        return
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


# ---- sidebar: input and settings ---------------------------------------------------------------

with st.sidebar:
    st.header("قارئ Qari")
    st.caption("Read Arabic with an English translation beside it.")
    with st.form("paste", border=False):
        st.text_area("Arabic text", key="pasted", height=160, placeholder="الصق نصًا عربيًا هنا…")
        st.form_submit_button(
            "Read this text", on_click=_on_paste, help="Ctrl+Enter in the text box does the same"
        )
    ocr = ocr_available()
    st.file_uploader(
        "Or upload a file",
        type=UPLOAD_TYPES if ocr else [t for t in UPLOAD_TYPES if t not in IMAGE_TYPES],
        key="upload",
        on_change=_on_upload,
        help="Text, web page, Word or PDF" + (", or an image of Arabic text (OCR)" if ocr else ""),
    )
    st.button("Open the sample article", on_click=_load_sample)
    st.divider()
    st.subheader("Reading")
    show_tashkeel = st.toggle(
        "Show diacritics", value=True, help="Show or hide tashkeel (short vowels, shadda…)"
    )
    st.subheader("Translation")
    model_id = st.text_input(
        "Marian model (hub id or local folder)",
        value=configured_model(),
        help="Any Marian ar→en model; set QARI_MT_MODEL to change the default.",
    ).strip()
    translate_on = st.toggle("Translate", value=True)
    beam = st.select_slider(
        "Beam size", options=[1, 2, 4, 6], value=4, help="Larger is slower and slightly better."
    )
    st.subheader("Names")
    ner_model = st.text_input(
        "Entity model (hub id or local folder)",
        value=configured_ner_model() or "",
        help="A transformers token-classification model whose names are merged with the offline name lists. "
        "Empty: the shipped offline recogniser. Set QARI_NER_MODEL to change the default.",
    ).strip()
    exports = st.expander("Download", icon=":material/download:")


# ---- the page ----------------------------------------------------------------------------------

if st.session_state.get("too_long"):
    long_text, _ = st.session_state.too_long
    st.warning(
        f"This text has {len(long_text):,} characters; Qari reads up to {MAX_CHARS:,} at a time. "
        "The text you were reading is still open.",
        icon="📏",
    )
    left, right = st.columns(2)
    left.button(f"Read the first {MAX_CHARS:,} characters", on_click=_read_first_part, type="primary")
    right.button("Cancel", on_click=lambda: st.session_state.update(too_long=None))
if st.session_state.get("input_error"):
    st.error(st.session_state.input_error, icon="⚠️")
    st.session_state.input_error = None

st.subheader(st.session_state.get("title") or "Text", anchor=False)
for note in st.session_state.get("notes", []):
    st.info(note)
with st.spinner("Loading the entity model…"):
    entity_note = recognizer_note(ner_model)
if entity_note:
    st.caption(f"Names: {entity_note}")
for lexicon_note in get_lexicon().notes:  # missing lexicon data: say so, keep reading
    st.warning(lexicon_note, icon="📚")

doc = _analyze(st.session_state.text, ner_model, entity_note)
store = _store()
model_ok: LoadResult | None = None
if translate_on and model_id:
    apply_cached(doc, store.get_many(model_key_for(model_id), cache_keys(doc)))
    mark_failed(doc, st.session_state.get("failed", set()))
    # Loaded even when every sentence is cached: alignment reads the model's attention.
    with st.spinner(f"Loading {model_id}…"):
        model_ok = get_translator(model_id)


def _model_banner(result: LoadResult) -> None:
    st.warning(f"**Translation is off:** {result.error} The text, names and glossary still work.", icon="📦")
    if (
        result.missing
        and not os.path.isdir(model_id)
        and st.button(f"Download {model_id}", help="Fetches the model once (about 300 MB for opus-mt-ar-en).")
    ):
        if not network_available():
            st.error(
                "No network here. On a machine with a network run `python -m models download`, then copy "
                "its Hugging Face cache folder, or point the sidebar at a local model folder."
            )
        else:
            bar = st.progress(0.0, text="Downloading…")
            try:
                download_model(model_id, lambda f, m: bar.progress(min(max(f, 0.0), 1.0), text=m))
            except Exception as exc:  # noqa: BLE001 - network errors take many forms; show one line
                st.error(f"Download failed: {exc}")
            else:
                forget(model_id)
                st.rerun()


translator = None
if model_ok is not None:
    if model_ok.translator is None:
        if pending(doc):  # with everything cached there is nothing to miss
            _model_banner(model_ok)
    else:
        translator = CachedTranslator(model_ok.translator, store)

selected = st.session_state.get("selected")
if selected is not None and selected >= len(doc.sentences):
    selected = st.session_state.selected = 0 if doc.sentences else None

if translator is not None and selected is not None and doc.sentences[selected].translation is None:
    translate_sentence(doc, translator, selected, beam_size=beam)
    _remember_failures(doc)
progress_slot = st.empty()

if not doc.sentences:
    st.info("There is no text to show yet.")
if failed(doc):
    st.warning(
        f"{len(failed(doc))} sentence(s) could not be translated; they are underlined in the text.", icon="⚠️"
    )
    st.button("Retry failed sentences", on_click=_retry_failed)
if translator is not None and not pending(doc) and can_align(model_ok.translator):
    _apply_alignment(doc, model_ok.translator, model_key_for(model_id), ner_model)

main, side = st.columns([7, 3], gap="medium")
with main:
    reader(
        doc,
        selected=selected,
        on_select=_select,
        pending_text="Translating…" if translator is not None else "No translation model loaded.",
        show_tashkeel=show_tashkeel,
        statuses=_word_statuses(doc),
        on_status=lambda index, status, doc=doc: _set_status(doc, index, status),
        marked=st.session_state.get("marked"),
    )
with side:
    glossary_panel(doc, on_select=_pick_glossary_entry)
with exports:
    export_panel(doc, st.session_state.get("title") or "Qari reading")

if translator is not None and pending(doc) and st.session_state.get("paused"):
    with progress_slot.container():
        st.caption(
            f"Translation paused: {len(pending(doc))} sentences left. Clicked sentences are still translated."
        )
        st.button("Resume translation", on_click=lambda: st.session_state.update(paused=False))
elif translator is not None and pending(doc):
    # Batches are saved as they finish; a click interrupts between batches and its sentence goes first.
    with progress_slot.container():
        bar = st.progress(0.0, text=f"Translating {len(pending(doc))} sentences…")
        st.button("Pause translation", on_click=lambda: st.session_state.update(paused=True))
    fill_translations(
        doc,
        translator,
        batch_size=BATCH,
        beam_size=beam,
        progress=lambda done, total: bar.progress(
            done / total, text=f"Translated {done} of {total} sentences"
        ),
    )
    progress_slot.empty()
    _remember_failures(doc)
    st.rerun()
