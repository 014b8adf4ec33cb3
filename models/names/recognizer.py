"""Named-entity recognition: a trained CRF merged with an offline gazetteer.

`get_recognizer()` is the entry point: a `TrainedRecognizer` when the shipped model
(`models/data/ner.crfsuite`) and python-crfsuite are there, else the `GazetteerRecognizer` alone.

`GazetteerRecognizer.recognize(text, tokens)` finds the longest listed name starting at each word,
over runs of words separated only by spaces or hyphens. The first word may carry proclitics
(و ف ب ل ك): وكندا yields كندا, والهند yields الهند (the article stays inside the span when the name is
listed with it). Later words must match whole. A span never ends inside a word and never starts inside
a stem: اليابانية is not اليابان, because only whole remainders of `proclitic_splits` are looked up.

`TrainedRecognizer` tags the tokens with the CRF of `models.names.crf` (which sees the gazetteer's matches as
features), turns the tags into spans of whole tokens, peels the first token's proclitics off when
there is evidence for the cut (see `_start_offset`), and merges the gazetteer's entities in (`MERGES`).
Every entity gets the gazetteer's key and English name when the gazetteer knows the name; otherwise the
key is "name:" + the normalised span and the English name a readable transliteration.

    from models.names.recognizer import get_recognizer
    entities = get_recognizer().recognize(text, tokens)  # tokens with absolute offsets into text
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Protocol

from models import registry
from models.document import Entity, Token
from models.names.bilstm import MODEL_DIR as BILSTM_DIR
from models.names.bilstm import BiLstmTagger
from models.names.gazetteer import Gazetteer, load
from models.names.gazetteer_recognizer import GazetteerRecognizer
from models.names.spans import covers_whole_words
from models.names.trained import (
    DEFAULT_MERGE,
    LABEL_FROM_GAZETTEER,
    MERGES,
    PROPAGATE_SHARE,
    SHIPPED_MERGE,
    Tagger,
    TrainedRecognizer,
    shared_lexicon,
)
from models.names.transformer import load_tagger
from models.settings import entity_model

__all__ = [
    "DEFAULT_MERGE",
    "LABEL_FROM_GAZETTEER",
    "MERGES",
    "MODEL_KIND",
    "PROPAGATE_SHARE",
    "SHIPPED_KIND",
    "SHIPPED_MERGE",
    "GazetteerRecognizer",
    "Recognizer",
    "Tagger",
    "TrainedRecognizer",
    "covers_whole_words",
    "get_recognizer",
    "load_recognizer",
    "recognizer_note",
    "shared_lexicon",
]

log = logging.getLogger(__name__)


class Recognizer(Protocol):
    """What the pipeline calls: entities of one sentence, offsets absolute in `text`."""

    gazetteer: Gazetteer  # the name table behind Entity.key and Entity.english

    def recognize(self, text: str, tokens: list[Token]) -> list[Entity]: ...


# A model id names the recogniser: None is the default (`QARI_NER_MODEL` if set, else the shipped CRF);
# "" (what an emptied sidebar field gives) is the shipped CRF, whatever `QARI_NER_MODEL` says; anything
# else is a transformers model (hub id or folder), merged with the same name lists. Each is loaded once
# per process through `models.registry` (which keeps at most two transformers models, and retries a
# failed load after a while, so a model downloaded or copied in later is used without a restart). A
# model that cannot be loaded falls back to the shipped recogniser, with a note saying why.

SHIPPED_KIND = "entities"
MODEL_KIND = "entity-model"


@dataclass
class _Loaded:
    recognizer: Recognizer
    note: str | None
    ok: bool  # False: the model could not be loaded and `recognizer` is the shipped fallback


def _model_id(model_id: str | None) -> str:
    """The id a request means: None → the configured default; "" → the shipped recogniser."""
    if model_id is None:
        return entity_model() or ""
    return model_id.strip()


def _shipped(note: str | None = None) -> Recognizer:
    """A new shipped recogniser: the BiLSTM-CRF tagger with the hand-checked names, else the CRF merged
    with the gazetteer (no torch, or no model folder), else the gazetteer alone."""
    gazetteer = load()
    try:
        tagger = BiLstmTagger(gazetteer, BILSTM_DIR, shared_lexicon())
        recognizer = TrainedRecognizer(gazetteer=gazetteer, tagger=tagger, merge=SHIPPED_MERGE)
        recognizer.note = note
        return recognizer
    except (ImportError, OSError, ValueError, RuntimeError) as exc:
        log.warning("BiLSTM entity model unavailable (%s); using the CRF", exc)
    try:
        recognizer = TrainedRecognizer(gazetteer=gazetteer)
        recognizer.note = note
        return recognizer
    except (ImportError, OSError) as exc:
        log.warning("Trained entity model unavailable (%s); using the gazetteer alone", exc)
        fallback = GazetteerRecognizer(gazetteer)
        fallback.note = " ".join(
            filter(None, [note, "The trained entity model is unavailable: only listed names are marked."])
        )
        return fallback


def _with_model(model_id: str, gazetteer: Gazetteer | None = None) -> tuple[Recognizer | None, str | None]:
    """A recogniser built on the transformers model `model_id`, or None and why it could not be loaded."""
    result = load_tagger(model_id)
    if result.tagger is None:
        return None, result.error
    recognizer = TrainedRecognizer(gazetteer=gazetteer, tagger=result.tagger)
    recognizer.note = f"Entities: {model_id}, merged with the offline name lists."
    return recognizer, recognizer.note


def load_recognizer(model_id: str | None = None) -> Recognizer:
    """A new recogniser for `model_id` (see above), never failing: the transformers model, else the
    shipped CRF, else the gazetteer alone; its `note` says why when it fell back. Not remembered."""
    model_id = _model_id(model_id)
    note = None
    if model_id:
        recognizer, note = _with_model(model_id)
        if recognizer is not None:
            return recognizer
    return _shipped(note)


def _shipped_recognizer() -> Recognizer:
    return registry.loaded(SHIPPED_KIND, "shipped", _shipped)


def _entry(model_id: str) -> _Loaded:
    shipped = _shipped_recognizer()
    if not model_id:
        return _Loaded(shipped, getattr(shipped, "note", None), True)

    def load() -> _Loaded:
        recognizer, note = _with_model(model_id, shipped.gazetteer)
        if recognizer is None:
            return _Loaded(shipped, " ".join(filter(None, [note, getattr(shipped, "note", None)])), False)
        return _Loaded(recognizer, note, True)

    return registry.loaded(MODEL_KIND, model_id, load, ok=lambda entry: entry.ok)


def get_recognizer(model_id: str | None = None) -> Recognizer:
    """The recogniser for `model_id` (None: the default, "": the shipped CRF; see above), loaded on
    first use (the shipped one well under a second), not at import."""
    return _entry(_model_id(model_id)).recognizer


def recognizer_note(model_id: str | None = None) -> str | None:
    """A reader-facing remark on the recogniser for `model_id` (the model in use, a missing model and
    the fallback), or None."""
    return _entry(_model_id(model_id)).note
