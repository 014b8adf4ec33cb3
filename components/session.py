"""One reader's reading session: what the page is waiting for, and what the reader draws meanwhile.

A text comes in stages: its plain sentences at once, then its analysis (names, lemmas, glosses: worked
out in the background, `pipeline.analysis_soon`; then the words' roots), the vowels when asked for, and
the translations, once the model is loaded (on a first start, once the names are in). `ReadingSession` (one per browser session, `current()`) says where that stands:

- a whole-page run calls `begin(text, settings)`: the document to draw (analysed or plain, with the
  translations the cache holds, aligned once complete, the vowels once in) and what is still to come;
  and `drawn()` once the page is drawn (the analysis starts then, so nothing competes with the first
  page);
- the reader, redrawn alone on a click, a key or its poll (`POLL_SECONDS`, while `polling`), calls
  `poll(selected, paused)`: a `ReaderView`, what to draw, and `rerun` when what the page waited for is
  in (the whole page again). A whole-page run never reruns itself on an arrival (its one-time messages,
  an address that could not be read, would be wiped before the reader saw them): the next poll does.

A book's next part is made ready while the reader reads the current one (`drawn(ahead=...)`, `_prepare`):
analysed as soon as the page's own names are in (a turn then draws its names at once, its translations
filling in as for any page), translated once the reader's own part is (a queue of its own in the worker),
aligned, and kept pickled for the few parts read now; a turn to it then draws it as it is, and a part
skipped past is given up.

Nothing here draws (`components.reading` does): the transitions are tested without a browser
(tests/components/test_session.py). It also keeps which of the page's actions were applied (`applied`).
"""

from __future__ import annotations

import pickle
import time
import uuid
from dataclasses import dataclass, field

import streamlit as st

from components.sidebar import Settings
from models import pipeline
from models.document import Document
from models.soon import Soon
from models.translation.base import Translator
from models.translation.cache import TranslationStore, translation_store
from models.translation.loader import LoadResult
from models.vowels import VowelsUnavailable, pausal
from models.vowels.background import ready as vowels_ready
from models.vowels.background import voweled_soon

POLL_SECONDS = 1.0  # how often the reader looks for what is still to come
NAMES_WAIT_SECONDS = 0.5  # how long a poll waits for names being found (a click meanwhile waits as long)
FIRST_WORDS_SECONDS = 0.5  # a click's rerun waits this long at most for the first streamed words
# With its models loaded, a run waits this long at most for the analysis (entities, glosses) before
# drawing the plain text: most texts are analysed by then, and the page does not flash twice.
ANALYSIS_GRACE_SECONDS = 0.3
MODEL_WAIT_SECONDS = 0.3  # a session's first run waits this long for the model: a missing one answers at once
KEY = "reading_session"  # where a browser session keeps its ReadingSession (st.session_state)
AHEAD_SECONDS = 600.0  # the part ahead waits this long at most for its analysis and translations


def _copy(doc: Document) -> Document:
    """A copy of `doc` to change: a pickle round trip (as st.cache_data's), 2-3× faster than
    `copy.deepcopy` (8 → 2 ms for the sample, 45 → 19 ms for a book's part): a poll makes one."""
    return pickle.loads(pickle.dumps(doc, protocol=pickle.HIGHEST_PROTOCOL))


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
    doc = _copy(_doc)
    pipeline.add_alignment(doc, _translator, ner_model=ner_model)
    return doc


@st.cache_resource
def store() -> TranslationStore:
    return translation_store()  # type: ignore[return-value]  # PostgreSQL's when the readers' database is


# ---- the part ahead ---------------------------------------------------------------------------------
# A book's next part, made ready while the reader reads the current one (`ReadingSession.drawn`): analysed
# at once, its translations asked for once the reader's own are done, aligned once they are all in. Kept by (text,
# recogniser, model) for the few parts read now (`keep`), so memory does not grow with the book.
AheadKey = tuple[str, str | None, str]
_AHEAD: Soon[AheadKey, bytes | None] = Soon("qari-ahead", keep=4, workers=4)  # pickled: a turn only loads
_WANTED: dict[str, tuple[str, ...]] = {}  # reader id → the texts it reads and has ahead (others stop)


def _prepare(
    key: AheadKey, service: pipeline.TranslationService, cache: TranslationStore, reader: str, beam: int
) -> bytes | None:
    """The part ahead, translated and aligned (in a background thread); None when it was given up: the
    reader moved on, its translations did not come in `AHEAD_SECONDS`, or the model cannot align. Its
    analysis was started before (`ReadingSession._ahead`): a turn draws the names while this goes on."""
    text, ner_model, model_key = key
    deadline = time.monotonic() + AHEAD_SECONDS

    def wanted() -> bool:
        return text in _WANTED.get(reader, ()) and time.monotonic() < deadline

    def analysed(complete: bool) -> pipeline.Analysis | None:
        analysis = None
        while wanted() and (analysis is None or (complete and not analysis.complete)):
            analysis = pipeline.analysis_soon(text, ner_model, wait=0.5)
        return analysis

    first = analysed(complete=False)  # the names' stage is enough to know what to translate
    if first is None:
        return None
    doc = _copy(first.doc)
    pipeline.restore_translations(doc, cache, model_key, service.failures())
    if pipeline.pending(doc):
        while service.queued(reader) > 0 and wanted():  # the part being read is translated first
            time.sleep(0.2)
        if not wanted():
            return None
        ahead = f"{reader}:ahead"  # a queue of its own: the reader's requests replace only theirs
        pipeline.request_translations(doc, service, ahead, beam_size=beam)
        while not service.wait(ahead, timeout=0.5) and wanted():
            service.touch(ahead)  # still wanted: the worker drops a queue not heard from for a minute
        if not wanted():
            service.request(ahead, [])
            return None
    analysis = analysed(complete=True)  # aligned with the roots in: what a turn draws is the whole analysis
    if analysis is None:
        return None
    doc = _copy(analysis.doc)
    pipeline.restore_translations(doc, cache, model_key, service.failures())
    if pipeline.pending(doc) or service.translator is None or not wanted():
        return None
    if not pipeline.add_alignment(doc, service.translator, ner_model=ner_model):
        return None
    return pickle.dumps(doc, protocol=pickle.HIGHEST_PROTOCOL)


def prepared(key: AheadKey) -> Document | None:
    """The part ahead made ready (translated and aligned), if it is: a copy of one's own."""
    ready = _AHEAD.ready(key)
    return pickle.loads(ready) if ready is not None else None


def prepared_kept() -> int:
    """How many parts ahead are kept, made ready or in the works (at most `_AHEAD.keep`)."""
    return len(_AHEAD)


def wanted(reader: str) -> tuple[str, ...]:
    """The texts reader `reader` reads and has ahead now (every other part ahead stops)."""
    return _WANTED.get(reader, ())


def forget_prepared() -> None:
    """Drop every part ahead kept (tests: what a fresh process would have); those in the works stop."""
    _WANTED.clear()
    _AHEAD.wait(timeout=60)
    _AHEAD.forget()


@dataclass(frozen=True)
class ReaderView:
    """What one run of the reader draws."""

    doc: Document  # the text with every translation in so far
    rerun: bool  # what the page waited for is in (or the model turned out missing): the whole page again
    analysing: bool  # `doc` is the plain text: no names, lemmas, glosses (nor statuses) yet
    vowels_waiting: bool
    translating: bool  # sentences are missing and can still come
    waiting: int  # sentences still to translate, asked for on this run
    model_loading: bool
    failed: int  # sentences whose translation failed (a retry button)
    unavailable: str | None  # why the shared translation service cannot be reached now
    pending_text: str  # what the focus panel says for a sentence not translated yet
    provisional: dict[int, str] | None  # English streamed so far, by sentence
    show_vowels: bool
    interlinear: str

    @property
    def captions(self) -> list[str]:
        return [
            text
            for waiting, text in (
                (self.analysing, "Finding the names and looking up the words…"),
                (self.vowels_waiting, "Adding the vowels…"),
            )
            if waiting
        ]


@dataclass
class ReadingSession:
    """One browser session's reading: set by each whole-page run (`begin`), read by the reader's runs."""

    reader_id: str = field(default_factory=lambda: uuid.uuid4().hex)  # its place in the worker's queue
    waited_for_model: str | None = None  # the model a first run waited for (later runs never wait)
    vowels_used: bool = False  # once asked for, vowels stay in the reader (hidden or shown): nothing moves
    # ---- the last whole-page run ----
    settings: Settings | None = None
    analysis: pipeline.Analysis | None = None
    service: pipeline.TranslationService | None = None
    doc: Document = field(default_factory=lambda: Document(text=""))  # what the whole page draws
    vowels_waiting: bool = False
    vowels_note: str | None = None  # why there are no vowels (the diacritizer could not be loaded)
    loading: bool = False  # the translation model was still loading at that run (or is still to load)
    model_later: str | None = None  # a first start's model, loaded once the page is drawn (`drawn`)
    asked: tuple[int | None, bool] = (None, False)  # the reader's last run: (sentence looked at, paused)
    model_key: str = ""  # the translation model's cache key at that run (found once a run: it stats files)
    aligning: bool = False  # translated, and aligned in the background as the part ahead: polled for
    full_run: bool = False  # the reader is drawn within a whole-page run (False once the page is drawn)
    # the page's actions applied in this server session: page session → its last action's number (the
    # reader's ordered channel, components/actions.py; those that change the reader's data are also
    # recorded in the readers' database, so a restarted server applies them once too)
    applied: dict[str, int] = field(default_factory=dict)

    # ---- a whole-page run -------------------------------------------------------------------------

    def begin(self, text: str, settings: Settings) -> Document:
        """A whole-page run: the analysis (waited for briefly once its models are loaded), the
        translation service, the cache's translations, the alignment and the vowels. Returns `doc`."""
        self.settings, self.full_run, self.aligning = settings, True, False
        self.model_key = pipeline.model_key_for(settings.model_id)
        self.analysis = (
            pipeline.analysis_soon(text, settings.ner_model, wait=ANALYSIS_GRACE_SECONDS)
            if pipeline.analysis_warm()
            else pipeline.analysis_ready(text, settings.ner_model)  # else started once drawn
        )
        before, self.service, self.model_later = self.service, None, None
        if settings.translate and settings.model_id and self._later(settings.model_id):
            # This process's first start: the model loads once the page is drawn (its import and conversion
            # would compete with drawing it); a model that is not here is looked for at once (its banner).
            self.model_later = self.waited_for_model = settings.model_id
        elif settings.translate and settings.model_id:
            # The worker loads the model in its own thread: the text is readable at once, translations follow.
            self.service = pipeline.translation_service(settings.model_id, store())
            # a model that could not be loaded is looked for again by a fresh worker (it may have been copied
            # in since): waited for as on a first run, so a missing one is said at once, not found by a poll
            tried_again = before is not None and before is not self.service and _failed(before)
            if self.waited_for_model != settings.model_id or tried_again:  # later clicks never wait
                self.service.wait_loaded(timeout=MODEL_WAIT_SECONDS)
                self.waited_for_model = settings.model_id
        ready = prepared(self._key(text)) if self.service is not None and self.analysis is not None else None
        if ready is not None:  # a book's part made ready while the one before it was read: drawn as it is
            self.doc = ready
        else:
            # the analysis is shared by every reader: each run changes a copy of its own
            self.doc = self._finish(
                _copy(self.analysis.doc) if self.analysis is not None else _plain(text), settings
            )
        self._vowels(settings)
        self.loading = self.model_later is not None or (
            self.service is not None and self.service.loaded is None
        )
        return self.doc

    def _key(self, text: str) -> AheadKey:
        return (text, self.settings.ner_model if self.settings is not None else None, self.model_key)

    def _later(self, model_id: str) -> bool:
        return not pipeline.translation_service_started(model_id) and pipeline.model_on_disk(model_id)

    def _finish(self, doc: Document, settings: Settings) -> Document:
        """`doc` with what the cache holds; aligned once every sentence is translated and analysed."""
        model_key = self.model_key
        if self.model_later is not None:  # what earlier runs translated, at once; the model loads later
            pipeline.restore_translations(doc, store(), model_key)
        if self.service is None:
            return doc
        pipeline.restore_translations(doc, store(), model_key, self.service.failures())
        if self.service.translator is None or pipeline.pending(doc) or self.analysis is None:
            return doc  # aligned once translated and analysed (names take their English from it)
        if _AHEAD.running(self._key(doc.text)):  # being aligned as the part ahead: polled for, not done twice
            self.aligning = True
            return doc
        return _aligned(
            model_key,
            settings.ner_model,
            self.entity_note,
            doc.text,
            tuple(s.translation for s in doc.sentences),
            self.service.translator,
            doc,
        )

    def _vowels(self, settings: Settings) -> None:
        self.vowels_used = self.vowels_used or settings.vowels
        self.vowels_waiting, self.vowels_note = False, None
        voweled = vowels_ready(self.doc.text) if self.vowels_used else None
        if settings.vowels and voweled is None:
            try:
                voweled = voweled_soon(self.doc.text)  # worked out in the background: the page does not wait
            except VowelsUnavailable as exc:
                self.vowels_note = f"Vowels: {exc}"
            self.vowels_waiting = voweled is None and self.vowels_note is None  # a failure is not waited for
        if voweled is not None:  # kept when the mode is off again: the reader hides them, nothing is rebuilt
            pipeline.add_vowels(self.doc, pausal(voweled) if settings.pausal else voweled)

    def drawn(self, ahead: str | None = None) -> None:
        """The whole page is drawn: from now on the reader runs alone (its poll); the analysis starts
        now if it is still to come (on a first start nothing competes with drawing the page), else that
        of `ahead`, the text the reader will likely open next (a book's next part), so it is there then."""
        self.full_run = False
        # A first start: the model loads now, unless the names are still to come: then it waits for them
        # (the next whole-page run, once they are in), so the analysis has the two cores to itself and the
        # names come seconds sooner; the model's import and conversion take longer than the analysis anyway.
        if self.model_later is not None and self.settings is not None and not self.analysing:
            self.service = pipeline.translation_service(self.model_later, store())
            self.model_later = None
            if pipeline.pending(self.doc):  # what the reader's run asked for, queued while it loads
                selected, paused = self.asked
                pipeline.request_translations(
                    self.doc,
                    self.service,
                    self.reader_id,
                    first=selected,
                    beam_size=self.settings.beam,
                    only_first=paused,
                )
        if self.settings is None:
            return
        _WANTED[self.reader_id] = (self.doc.text,) if ahead is None else (self.doc.text, ahead)
        if self.analysing or self.roots_coming:
            pipeline.analysis_soon(self.doc.text, self.settings.ner_model)
        if ahead is not None and not self.analysing:  # the page's own names first: nothing competes
            self._ahead(ahead, self.settings)

    def _ahead(self, text: str, settings: Settings) -> None:
        """Make the part ahead ready: its analysis at once (a turn draws its names whenever the reader
        turns), its vowels where the reader has them, and its translations once the reader's own part's
        are in, then its alignment (a turn to it then draws it as it is)."""
        pipeline.analysis_soon(text, settings.ner_model)
        if self.vowels_used:
            try:
                voweled_soon(text)
            except VowelsUnavailable:
                pass  # said on the part being read
        service = self.service
        if service is None or (service.loaded is not None and not service.loaded.ok):
            return
        key, reader, beam = self._key(text), self.reader_id, settings.beam
        _AHEAD.get(key, lambda: _prepare(key, service, store(), reader, beam))

    # ---- what the last whole-page run saw ---------------------------------------------------------

    @property
    def analysing(self) -> bool:
        return self.analysis is None

    @property
    def roots_coming(self) -> bool:
        """The names and glosses are in, the words' roots still to come (`pipeline.analysis_soon`)."""
        return self.analysis is not None and not self.analysis.complete

    @property
    def complete(self) -> bool:
        """The analysis is all in: names, glosses and roots (what the library's word families keep)."""
        return self.analysis is not None and self.analysis.complete

    @property
    def entity_note(self) -> str | None:
        return self.analysis.entity_note if self.analysis is not None else None

    @property
    def missing_model(self) -> LoadResult | None:
        """The failed load, when the model could not be loaded and sentences miss their translation (the
        page says why; with everything cached there is nothing to miss)."""
        loaded = self.service.loaded if self.service is not None else None
        return loaded if loaded is not None and not loaded.ok and pipeline.pending(self.doc) else None

    def _can_translate(self, doc: Document) -> bool:
        """Sentences are missing and a model is loading or loaded (one that could not be loaded
        translates nothing: its banner says so)."""
        return (
            self.service is not None
            and bool(pipeline.pending(doc))
            and (self.service.loaded is None or self.service.loaded.ok)
        )

    @property
    def polling(self) -> bool:
        """Whether the reader polls: the analysis or the vowels are to come, or translations that can."""
        return (
            self.analysing
            or self.aligning
            or self.roots_coming
            or self.vowels_waiting
            or self._can_translate(self.doc)
            or (self.model_later is not None and bool(pipeline.pending(self.doc)))
        )

    @property
    def poll_seconds(self) -> float | None:
        """How often the reader polls (None: it does not)."""
        # (0.4 s while the names came was tried: a CI run then saw Streamlit's "Bad delta path index" once,
        # a fragment's rerun racing a whole-page run; not proven, but the poll keeps one pace)
        return POLL_SECONDS if self.polling else None

    # ---- a run of the reader ----------------------------------------------------------------------

    def poll(self, *, selected: int | None, paused: bool = False) -> ReaderView:
        """One run of the reader (within the whole page, or alone on a click, a key or the poll): the
        translations come in (the `selected` sentence asked for first; `paused`: only it), and whatever
        the page waited for is checked."""
        settings, service, finished = self.settings, self.service, self.doc
        assert settings is not None, "begin() first"
        self.asked = (selected, paused)
        model_missing_now = (
            self.loading and service is not None and service.loaded is not None and not service.loaded.ok
        )
        translating = self._can_translate(finished)
        # new translations are restored into a copy (`doc` belongs to the last whole-page run, whose own run
        # of the reader adds them to it); a click on a finished text just redraws it
        current = _copy(finished) if translating and not self.full_run else finished
        waiting, arrived = 0, False
        if translating and service is not None:
            if not self.full_run:  # (a whole-page run's `begin` restored them a moment ago)
                pipeline.restore_translations(current, store(), self.model_key, service.failures())
            waiting = pipeline.request_translations(
                current, service, self.reader_id, first=selected, beam_size=settings.beam, only_first=paused
            )
            arrived = not pipeline.pending(current)  # all in: aligned, and the glossary, on the whole page
            loaded = service.loaded is not None and service.loaded.ok
            if selected in pipeline.pending(current) and loaded and not self.full_run:
                # a click: the sentence just asked for is decoded now, its first words come with this very
                # run (a whole-page run, an opened text or a turned page, is drawn at once: the poll shows them)
                service.wait_partial(pipeline.pieces(current.sentences[selected]), FIRST_WORDS_SECONDS)
        if self.vowels_waiting:
            try:
                if voweled_soon(current.text) is not None:
                    arrived = True  # the vowels are in: on the whole page (reader and glossary)
            except VowelsUnavailable:
                arrived = True  # they cannot come: the whole page says why (`vowels_note`)
        if self.analysing or self.roots_coming:
            # while the names are coming the reader's poll waits for them a moment, so they are drawn when
            # they come rather than up to a poll later (a whole-page run never waits: it draws the text)
            wait = NAMES_WAIT_SECONDS if self.analysing and not self.full_run else 0.0
            ready = pipeline.analysis_ready(current.text, settings.ner_model, wait=wait)
            if ready is not None and (self.analysing or ready.complete):
                arrived = True  # names and glosses (then roots) are in: the whole page again
        if self.aligning and not _AHEAD.running(self._key(current.text)):
            arrived = True  # the alignment made as the part ahead is in (or was given up: made here then)
        ok = service is not None and service.loaded is not None and service.loaded.ok
        coming = self.model_later is not None or (service is not None and service.loaded is None)
        return ReaderView(
            doc=current,
            # never within a whole-page run: its one-time messages would be wiped before they are seen
            rerun=(model_missing_now or arrived) and not self.full_run,
            analysing=self.analysing,
            vowels_waiting=self.vowels_waiting,
            translating=translating,
            waiting=waiting,
            model_loading=coming,
            failed=len(pipeline.failed(current)),
            unavailable=service.unavailable if translating and service is not None else None,
            pending_text="Translating…"
            if ok
            else ("Loading the translation model…" if coming else "No translation model loaded."),
            provisional=pipeline.provisional(current, service)
            if translating and service is not None
            else None,
            show_vowels=settings.vowels and not self.vowels_waiting,
            interlinear=settings.interlinear
            if not self.analysing
            else "off",  # glosses come with the lexicon
        )

    def retry(self) -> None:
        """Translate the failed sentences again (the reader's button)."""
        if self.service is not None:
            self.service.retry()


def _failed(service: pipeline.TranslationService) -> bool:
    return service.loaded is not None and not service.loaded.ok


def current() -> ReadingSession:
    """This browser session's reading session (made on its first run)."""
    if KEY not in st.session_state:
        st.session_state[KEY] = ReadingSession()
    return st.session_state[KEY]
