"""The one pipeline from text to analysed Document, shared by the page and the command line.

The steps, in the order both callers run them (`read` runs them all at once, as `python -m models
analyze` does; the page runs the same functions across its reruns, translating the selected sentence
first and the rest in the background):

1. `analyze`: sentences, tokens, entities, lexicon glosses, glossary (no model but the shipped ones; fast
   once they are loaded). The page draws `plain` (sentences and tokens, no model at all) first and
   takes the analysis from `analysis_soon`, worked out in a background thread;
2. `translation_service`: the process's translation worker for the model (it loads the model in its
   own thread and translates into the persistent cache, for every reader);
3. `restore_translations`: what the cache already holds, and sentences known to fail;
4. `request_translations`: ask the worker for what is missing, the sentence being read first; the
   page polls the cache (step 3 again), the command waits for the worker;
5. `add_alignment`: once every sentence is translated, the word alignment, each glossary entry's
   meaning in this text, and the English the translation gave to names no gazetteer lists.

`add_vowels` (the reader's vowels mode, on demand) gives every Arabic word its voweled form in context.

`fill_translations` translates in the caller's thread instead (tests, scripts with their own translator).
"""

from __future__ import annotations

import logging
import pickle
import time
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass

from models import registry
from models.document import Document, Sentence
from models.grammar import add_grammar, add_roots, apply_vowels, roots_loaded
from models.lexicon.lexicon import get_lexicon
from models.names.lists import listed_name
from models.names.recognizer import get_recognizer, recognizer_note
from models.settings import translation_engine, translation_service_kind
from models.soon import Soon
from models.study.glossary import annotate_tokens, build_glossary, names_from_alignment
from models.text.arabic import has_arabic, tokenize
from models.text.segment import split_sentences, translation_pieces
from models.translation.align import align_document, can_align
from models.translation.base import Translator
from models.translation.cache import TranslationCache, translation_store
from models.translation.loader import model_key_for, on_disk
from models.translation.remote import RayTranslationService
from models.translation.worker import BATCH_SIZE, TranslationService, TranslationWorker
from models.vowels import Vowels, vowels

log = logging.getLogger(__name__)

Progress = Callable[[int, int], None]  # (sentences done, sentences to do)

# Marian models degrade on long inputs (they are trained on sentences of ~50 pieces): a longer
# sentence is translated clause by clause and shown as one sentence. The estimate, not the loaded
# tokenizer, decides the cuts, so the pieces (and their cache keys) do not depend on the model.
MAX_PIECE_TOKENS = 80
FAILED_MESSAGE = "The model could not translate this sentence."
WORKER_KIND = "translation-worker"


def pieces(sentence: Sentence) -> list[str]:
    """The texts a sentence is translated as: itself, or its clauses when it is long."""
    return [sentence.text[a:b] for a, b in translation_pieces(sentence.text, MAX_PIECE_TOKENS)]


def cache_keys(doc: Document) -> list[str]:
    """Every text whose translation the cache may hold for `doc`: its sentences and their pieces."""
    keys = []
    for sentence in doc.sentences:
        keys.extend(pieces(sentence))
    return keys


# ---- 1. analysis without translation -------------------------------------------------------------


def analyze(
    text: str,
    *,
    with_entities: bool = True,
    with_lexicon: bool = True,
    ner_model: str | None = None,
    with_roots: bool = True,
) -> Document:
    """Segment, tokenise, recognise entities and gloss words; translations are left empty.

    `ner_model` picks the entity recogniser (`models.names.recognizer.get_recognizer`): None is the
    default (`QARI_NER_MODEL`, else the shipped CRF), "" the shipped CRF, else a transformers model id or
    folder. `with_lexicon=False` leaves words unglossed and does not load the lexicon (the shipped entity
    recogniser reads it for its features: turn entities off too for a lexicon-free run).
    `with_roots=False` leaves the roots to `add_roots` (the page adds them after the names).
    """
    doc = plain(text)
    if with_entities:
        recognizer = get_recognizer(ner_model)
        for sentence in doc.sentences:
            sentence.entities = recognizer.recognize(text, sentence.tokens)
    if with_lexicon:
        annotate_tokens(doc, get_lexicon())
        add_grammar(doc, get_lexicon(), with_roots=False)  # UD part of speech, features (models.grammar)
    doc.glossary = build_glossary(doc, with_lexicon=with_lexicon)
    if with_lexicon and with_roots:
        add_roots(doc)  # each word's root, and each glossary entry's
    return doc


def plain(text: str) -> Document:
    """Sentences and tokens only: no lexicon, no entity model, nothing to load (what the page shows
    while `analysis_soon` works out the rest)."""
    doc = Document(text=text)
    for index, (start, end) in enumerate(split_sentences(text)):
        sentence = Sentence(index, start, end, text[start:end], tokenize(text, start, end))
        if not has_arabic(sentence.text):
            # Nothing to translate: a Latin heading or a number stays as it is.
            sentence.translation = sentence.text
        doc.sentences.append(sentence)
    return doc


@dataclass(frozen=True)
class Analysis:
    """`analyze`'s document (shared: copy it before changing it) and the recogniser's remark then."""

    doc: Document
    entity_note: str | None
    complete: bool = True  # False: the names and glosses are in, the roots still to come


# One per process, for every reader, in two stages: the names and glosses (two threads, so a slow entity
# model does not hold up the rest), then the roots (qalsadi, seconds cold for a long text), so the names
# a reader waits for do not wait for the roots.
_ANALYSES: Soon[tuple[str, str | None], Analysis] = Soon("qari-analysis", keep=32, workers=2)
_ROOTED: Soon[tuple[str, str | None], Analysis] = Soon("qari-roots", keep=32, workers=1)


def _analysis(text: str, ner_model: str | None) -> Analysis:
    with registry.quiet_gc():
        note = recognizer_note(ner_model)  # loads the recogniser (and the lexicon, the names) the first time
    first = Analysis(analyze(text, ner_model=ner_model, with_roots=False), note, complete=False)
    _ROOTED.get((text, ner_model), lambda: _rooted(first))  # the roots next, in their own thread
    return first


ROOTS_FAILED = "The words' roots could not be found for this text (the error is in the server's log)."


def _rooted(first: Analysis) -> Analysis:
    doc = pickle.loads(pickle.dumps(first.doc))  # the first stage's document stays as it was
    try:
        with registry.quiet_gc():
            roots_loaded()  # qalsadi and its dictionary, the first time
        add_roots(doc)
    except Exception:  # the roots are an extra: a failure there must not take the names and glosses away
        log.exception("finding the roots failed")
        doc = pickle.loads(pickle.dumps(first.doc))  # without the roots found before the failure
        doc.notes.append(ROOTS_FAILED)
    return Analysis(doc, first.entity_note)


def _best(key: tuple[str, str | None], first: Analysis | None) -> Analysis | None:
    rooted = _ROOTED.ready(key)
    return rooted if rooted is not None and first is not None else first


def analysis_soon(text: str, ner_model: str | None = None, *, wait: float = 0.0) -> Analysis | None:
    """`text` analysed (`analyze`) with the entity recogniser's remark, once ready (waiting `wait`
    seconds at most, for the roots too unless the names were in already); None until then, while background threads work it out (once
    per process for a text and a recogniser): first the names and glosses (`complete` False), then with
    the roots. An analysis made while the recogniser fell back (a model not there yet) is made again
    once its remark changes, as the page's did when it analysed in its own run."""
    key = (text, ner_model)
    deadline = time.monotonic() + wait
    # names already in (the page's poll found them): drawn now, the roots not waited for
    names_in = _ANALYSES.ready(key) is not None
    done = _ANALYSES.get(key, lambda: _analysis(text, ner_model), wait=wait)
    if done is not None and recognizer_note(ner_model) != done.entity_note:
        _ANALYSES.forget(key)
        _ROOTED.forget(key)
        done = _ANALYSES.get(
            key, lambda: _analysis(text, ner_model), wait=max(0.0, deadline - time.monotonic())
        )
    if done is not None:  # started once (by the first stage's thread, or again after a failure)
        roots_wait = 0.0 if names_in else max(0.0, deadline - time.monotonic())
        _ROOTED.get(key, lambda: _rooted(done), wait=roots_wait)
    return _best(key, done)


def analysis_ready(text: str, ner_model: str | None = None, *, wait: float = 0.0) -> Analysis | None:
    """The analysis `analysis_soon` started, as far as it is done (never starts one); `wait`: seconds to
    wait for its names and glosses when they are being worked out (never for the roots)."""
    key = (text, ner_model)
    return _best(key, _ANALYSES.ready(key, wait=wait))


def analysis_warm() -> bool:
    """Whether an analysis was made in this process already: the models it needs are loaded, and the
    next one takes a fraction of a second."""
    return _ANALYSES.any_done()


def wait_for_analyses(timeout: float | None = None) -> bool:
    """Block until every analysis started so far is done, roots included (tests, scripts); False on
    timeout."""
    deadline = None if timeout is None else time.monotonic() + timeout
    if not _ANALYSES.wait(timeout):
        return False
    return _ROOTED.wait(None if deadline is None else max(0.0, deadline - time.monotonic()))


def forget_analyses() -> None:
    """Drop every analysis kept (tests: what a fresh process would have)."""
    _ANALYSES.forget()
    _ROOTED.forget()


# ---- 2. the translator ----------------------------------------------------------------------------


def translation_service(
    model_id: str, store: TranslationCache | None = None, *, engine: str | None = None
) -> TranslationService:
    """The process's translation worker for `model_id` (created on first use; it loads the model in its
    own thread). A worker whose model could not be loaded is replaced on the next call, so a model
    downloaded or copied in later is used (the loader's registry keeps slow failures for a while)."""
    engine = engine or translation_engine()
    name = f"{engine}:{model_key_for(model_id)}"
    if translation_service_kind() == "ray":  # the shared service on Ray Serve: no model in this process
        return registry.loaded(
            WORKER_KIND,
            f"ray:{name}",
            lambda: RayTranslationService(model_id, store if store is not None else translation_store()),
        )

    def start() -> TranslationWorker:
        return TranslationWorker(model_id, store if store is not None else translation_store(), engine=engine)

    worker = registry.loaded(WORKER_KIND, name, start)
    if worker.loaded is not None and not worker.loaded.ok:
        registry.forget(WORKER_KIND, name)
        worker = registry.loaded(WORKER_KIND, name, start)
    return worker


def translation_service_started(model_id: str, *, engine: str | None = None) -> bool:
    """Whether this process has a translation service for `model_id` already (always, for the shared
    service: nothing loads here). The page's first start leaves the load until it is drawn."""
    if translation_service_kind() == "ray":
        return True
    engine = engine or translation_engine()
    return registry.REGISTRY.peek(WORKER_KIND, f"{engine}:{model_key_for(model_id)}") is not None


def model_on_disk(model_id: str) -> bool:
    """Whether the model's files are on this machine (nothing loaded): `loader.on_disk`."""
    return on_disk(model_id)


# ---- 3. what is already known ---------------------------------------------------------------------


def restore_translations(
    doc: Document, store: TranslationCache, model_key: str, failed: Collection[str] = ()
) -> None:
    """Fill translations the cache holds for `model_key`, and mark sentences whose text failed before
    (`failed`: sentence texts) so they are not retried until the reader asks."""
    apply_cached(doc, store.get_many(model_key, cache_keys(doc)))
    mark_failed(doc, set(failed))


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


def mark_failed(doc: Document, sources: set[str], message: str = FAILED_MESSAGE) -> None:
    """Mark sentences whose text (or one of whose pieces) failed before, so they are not retried on
    every rerun."""
    for sentence in doc.sentences:
        if sentence.translation is None and (
            sentence.text in sources or any(p in sources for p in pieces(sentence))
        ):
            sentence.translation_error = message


def pending(doc: Document) -> list[int]:
    """Indices of sentences that still need a translation (failed ones wait for an explicit retry)."""
    return [s.index for s in doc.sentences if s.translation is None and s.translation_error is None]


def failed(doc: Document) -> list[int]:
    """Indices of sentences whose translation failed."""
    return [s.index for s in doc.sentences if s.translation_error is not None]


# ---- 4. translating what is missing ---------------------------------------------------------------


def request_translations(
    doc: Document,
    service: TranslationService,
    reader: str,
    *,
    first: int | None = None,
    beam_size: int = 4,
    only_first: bool = False,
) -> int:
    """Ask `service` for every piece `doc` still needs, sentence `first` before the rest (all of `reader`'s
    earlier requests are replaced). `only_first`: just that sentence (translation paused). Returns how
    many sentences are pending."""
    order = translation_order(doc, first)
    head = order[:1] if order and order[0] == first else []
    tail = [] if only_first else [i for i in order if i not in head]
    service.request(
        reader,
        [p for i in tail for p in pieces(doc.sentences[i])],
        first=[p for i in head for p in pieces(doc.sentences[i])],
        beam_size=beam_size,
    )
    return len(order)


def provisional(doc: Document, service: TranslationService) -> dict[int, str]:
    """The English streamed so far (`service.partial`) of sentences not translated yet, by index: what the
    reader shows, marked provisional, while the looked-at sentence is decoded."""
    wanted = {i: pieces(doc.sentences[i]) for i in pending(doc)}
    got = service.partial([p for ps in wanted.values() for p in ps]) if wanted else {}
    return {
        i: " ".join(got[p] for p in ps if p in got) for i, ps in wanted.items() if any(p in got for p in ps)
    }


def translation_order(doc: Document, first: int | None = None) -> list[int]:
    """Untranslated sentences, the selected one first, then in reading order."""
    todo = pending(doc)
    if first is not None and first in todo:
        todo.remove(first)
        todo.insert(0, first)
    return todo


def translate_first(doc: Document, translator: Translator, index: int | None, *, beam_size: int = 4) -> None:
    """Translate the sentence the reader is looking at now, if it still needs it (marked on failure)."""
    if index is not None and 0 <= index < len(doc.sentences) and index in pending(doc):
        _translate_batch(doc, translator, [index], beam_size)


def fill_translations(
    doc: Document,
    translator: Translator,
    *,
    first: int | None = None,
    batch_size: int = BATCH_SIZE,
    beam_size: int = 4,
    progress: Progress | None = None,
) -> None:
    """Translate what is missing: the `first` sentence alone, then the rest in batches.

    `translator` is a CachedTranslator in the app and the command, so every batch is stored as soon as
    it is done. A batch that fails is retried sentence by sentence, so one bad sentence is marked with
    its error and the others still get translated.
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
        sentences[0].translation_error = FAILED_MESSAGE
        return
    at = 0
    for sentence, ps in zip(sentences, parts, strict=True):
        sentence.translation = " ".join(o.strip() for o in outputs[at : at + len(ps)] if o.strip())
        sentence.translation_error = None
        at += len(ps)


# ---- 5. what the finished translation adds ---------------------------------------------------------


def add_alignment(doc: Document, translator: Translator, *, ner_model: str | None = None) -> bool:
    """Align every translated sentence, fill each glossary entry's meaning in this text, and give names
    no gazetteer or name list holds whole the English the translation used for them. False when the engine cannot align.

    Run once every sentence is translated (names take the English most often used across the text).
    """
    if not can_align(translator):
        return False
    align_document(translator, doc)
    gazetteer = get_recognizer(ner_model).gazetteer
    names_from_alignment(doc, listed=lambda key: gazetteer.by_key(key) is not None or listed_name(key))
    return True


# ---- on demand: vowels ----------------------------------------------------------------------------


def add_vowels(doc: Document, voweled: Vowels | None = None) -> None:
    """Give every Arabic token its form with the short vowels added in context, and every glossary
    entry the voweled form of its first occurrence. `voweled` is `models.vowels.vowels(doc.text)` when
    already computed (it takes a second or so for an article)."""
    voweled = voweled if voweled is not None else vowels(doc.text)
    if any(t.features is not None for s in doc.sentences for t in s.tokens):
        voweled = apply_vowels(doc, voweled)  # the case read from the endings, and put right by the rules
    first: dict[str, str] = {}
    for sentence in doc.sentences:
        for entity in sentence.entities:  # a name as the entity spans it (no proclitic, every word)
            if entity.key is not None:
                first.setdefault(entity.key, voweled.span(entity.start, entity.end))
        for token in sentence.tokens:
            if token.kind == "arabic":
                token.voweled = voweled.span(token.start, token.end)
                if token.key is not None:
                    first.setdefault(token.key, token.voweled)
    for entry in doc.glossary:
        entry.voweled = first.get(entry.key)


# ---- all steps at once ----------------------------------------------------------------------------


def read(
    text: str,
    *,
    model_id: str | None,
    store: TranslationCache | None = None,
    ner_model: str | None = None,
    beam_size: int = 4,
    selected: int | None = 0,
    reader: str = "command",
) -> tuple[Document, TranslationService | None]:
    """Every step, in order, waiting for the translation: the document the page shows once finished.

    `selected` is asked for first, as the page does for the sentence the reader opens on. `model_id`
    None skips translation. Without the model, what the cache holds is still used, and the returned
    worker's `loaded.error` says what is missing.
    """
    doc = analyze(text, ner_model=ner_model)
    if model_id is None or not needs_model(doc):
        return doc, None  # nothing to translate or align: no worker is started
    store = store if store is not None else translation_store()
    service = translation_service(model_id, store)
    model_key = model_key_for(model_id)
    restore_translations(doc, store, model_key, service.failures())
    if pending(doc):
        request_translations(doc, service, reader, first=selected, beam_size=beam_size)
        service.wait(reader)
        restore_translations(doc, store, model_key, service.failures())
    service.wait_loaded()  # alignment needs the model, even when the cache held every sentence
    if service.translator is not None and not pending(doc):
        add_alignment(doc, service.translator, ner_model=ner_model)
    return doc, service


def needs_model(doc: Document) -> bool:
    """Whether `doc` has anything for the translation model to do (a sentence with Arabic in it)."""
    return any(has_arabic(s.text) for s in doc.sentences)


def close_translation_services() -> None:
    """Stop the process's translation workers once their work is done or stopped (the command line,
    before the interpreter shuts down: a thread still loading the model then fails); a later
    `translation_service` starts a fresh one."""
    workers = registry.REGISTRY.held(WORKER_KIND)
    registry.forget(WORKER_KIND)
    for worker in workers:
        worker.close()
