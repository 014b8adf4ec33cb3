"""The one pipeline from text to analysed Document, shared by the app and the command line.

`analyze` does everything that needs no translation model (sentences, tokens, entities,
lexicon glosses, glossary) and is fast; `fill_translations` adds translations afterwards,
from the persistent cache first, then from the model, selected sentence first.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from models.arabic import has_arabic, tokenize
from models.document import Document, Sentence
from models.segment import split_sentences, translation_pieces
from models.translate import Translator

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]  # (sentences done, sentences to do)

# Marian models degrade on long inputs (they are trained on sentences of ~50 pieces): a longer
# sentence is translated clause by clause and shown as one sentence. The estimate, not the loaded
# tokenizer, decides the cuts, so the pieces (and their cache keys) do not depend on the model.
MAX_PIECE_TOKENS = 80


def pieces(sentence: Sentence) -> list[str]:
    """The texts a sentence is translated as: itself, or its clauses when it is long."""
    return [sentence.text[a:b] for a, b in translation_pieces(sentence.text, MAX_PIECE_TOKENS)]


def cache_keys(doc: Document) -> list[str]:
    """Every text whose translation the cache may hold for `doc`: its sentences and their pieces."""
    keys = []
    for sentence in doc.sentences:
        keys.extend(pieces(sentence))
    return keys


def analyze(
    text: str, *, with_entities: bool = True, with_lexicon: bool = True, ner_model: str | None = None
) -> Document:
    """Segment, tokenise, recognise entities and gloss words; translations are left empty.

    `ner_model` picks the entity recogniser (`models.entities.get_recognizer`): None is the default
    (`QARI_NER_MODEL`, else the shipped CRF), "" the shipped CRF, else a transformers model id or folder.
    """
    doc = Document(text=text)
    for index, (start, end) in enumerate(split_sentences(text)):
        doc.sentences.append(Sentence(index, start, end, text[start:end], tokenize(text, start, end)))
    if with_entities:
        from models.entities import get_recognizer

        recognizer = get_recognizer(ner_model)
        for sentence in doc.sentences:
            sentence.entities = recognizer.recognize(text, sentence.tokens)
    from models.glossary import annotate_tokens, build_glossary

    if with_lexicon:
        from models.lexicon import get_lexicon

        annotate_tokens(doc, get_lexicon())
    doc.glossary = build_glossary(doc)
    for sentence in doc.sentences:
        if not has_arabic(sentence.text):
            # Nothing to translate: a Latin heading or a number stays as it is.
            sentence.translation = sentence.text
    return doc


def pending(doc: Document) -> list[int]:
    """Indices of sentences that still need a translation (failed ones wait for an explicit retry)."""
    return [s.index for s in doc.sentences if s.translation is None and s.translation_error is None]


def failed(doc: Document) -> list[int]:
    """Indices of sentences whose translation failed."""
    return [s.index for s in doc.sentences if s.translation_error is not None]


def mark_failed(
    doc: Document, sources: set[str], message: str = "The model could not translate this sentence."
) -> None:
    """Mark sentences whose text failed before, so they are not retried on every rerun."""
    for sentence in doc.sentences:
        if sentence.translation is None and sentence.text in sources:
            sentence.translation_error = message


def translation_order(doc: Document, first: int | None = None) -> list[int]:
    """Untranslated sentences, the selected one first, then in reading order."""
    todo = pending(doc)
    if first is not None and first in todo:
        todo.remove(first)
        todo.insert(0, first)
    return todo


def fill_translations(
    doc: Document,
    translator: Translator,
    *,
    first: int | None = None,
    batch_size: int = 8,
    beam_size: int = 4,
    progress: Progress | None = None,
) -> None:
    """Translate what is missing: the `first` sentence alone, then the rest in batches.

    `translator` has `translate(list[str], beam_size=...) -> list[str]` (a CachedTranslator in the
    app, so every batch is stored as soon as it is done). A batch that fails is retried sentence
    by sentence, so one bad sentence is marked with its error and the others still get translated.
    """
    order = translation_order(doc, first)
    total = len(order)
    done = 0
    for batch in _batches(order, first, batch_size):
        _translate_batch(doc, translator, batch, beam_size)
        done += len(batch)
        if progress is not None:
            progress(done, total)


def _batches(order: list[int], first: int | None, size: int) -> Iterable[list[int]]:
    if order and order[0] == first:
        yield order[:1]
        order = order[1:]
    for i in range(0, len(order), size):
        yield order[i : i + size]


def translate_sentence(doc: Document, translator: Translator, index: int, *, beam_size: int = 4) -> None:
    """Translate one sentence now (the one the reader selected), marking it on failure."""
    _translate_batch(doc, translator, [index], beam_size)


def _translate_batch(doc: Document, translator: Translator, batch: list[int], beam_size: int) -> None:
    sentences = [doc.sentences[i] for i in batch]
    parts = [pieces(s) for s in sentences]
    flat = [p for ps in parts for p in ps]
    try:
        outputs = translator.translate(flat, beam_size=beam_size)
    except Exception:
        if len(batch) > 1:
            for i in batch:
                _translate_batch(doc, translator, [i], beam_size)
            return
        log.exception("translation failed for sentence %d", batch[0])
        sentences[0].translation_error = "The model could not translate this sentence."
        return
    at = 0
    for sentence, ps in zip(sentences, parts, strict=True):
        sentence.translation = " ".join(o.strip() for o in outputs[at : at + len(ps)] if o.strip())
        sentence.translation_error = None
        at += len(ps)


def apply_cached(doc: Document, cached: dict[str, str]) -> None:
    """Fill translations from a {source text: translation} mapping (the persistent cache, read with
    `cache_keys`): a sentence is filled when it, or every one of its pieces, is there."""
    for sentence in doc.sentences:
        if sentence.translation is not None:
            continue
        if sentence.text in cached:
            sentence.translation = cached[sentence.text]
            continue
        texts = pieces(sentence)
        if all(t in cached for t in texts):
            sentence.translation = " ".join(cached[t].strip() for t in texts if cached[t].strip())
