"""The reading session's transitions, without a browser or a page: the real pipeline, the real analysis
and vowels in their background threads, the tiny translation model in its worker.

Each test runs the page's steps as its runs would: `begin` (a whole-page run), `poll` (the reader, within
that run or alone), `drawn` (the page is drawn).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from components import session as reading
from components.session import ReadingSession, store
from components.sidebar import Settings
from models import pipeline, registry
from models.document import Document
from models.grammar.roots import Roots
from models.translation import worker
from models.translation.loader import REGISTRY_KIND, load_translator, model_key_for
from models.translation.remote import UNAVAILABLE, RayTranslationService
from models.vowels import diacritizer
from models.vowels.background import wait as wait_for_vowels
from tests.support import SAMPLE, forget_loaded_state

SENTENCES = 10  # the sample's


@pytest.fixture(autouse=True)
def fresh_process() -> Iterator[None]:
    """What a fresh process would have: no analysis made, no model loaded, no Streamlit cache."""
    forget_loaded_state()
    yield
    pipeline.close_translation_services()
    forget_loaded_state()


@pytest.fixture
def model(tiny_model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("QARI_MT_ENGINE", "transformers")
    return str(tiny_model_dir)


def chosen(model_id: str = "", **kwargs: object) -> Settings:
    """What the sidebar returns: no translation without a model."""
    return Settings(
        show_tashkeel=True,
        translate=bool(model_id),
        model_id=model_id,
        beam=1,
        ner_model="",
        downloads=None,
        **kwargs,  # type: ignore[arg-type]
    )


def glossed(session: ReadingSession) -> bool:
    return any(t.gloss for s in session.doc.sentences for t in s.tokens)


def analysed_first(text: str) -> None:
    """The text's analysis made already (its models loaded): a run takes it at once."""
    assert pipeline.analysis_soon(text, "", wait=120) is not None


def test_the_analysis_arrives_and_the_reader_s_poll_not_the_whole_page_reruns() -> None:
    session = ReadingSession()
    doc = session.begin(SAMPLE, chosen())
    # a first start: the plain text at once, nothing waited for
    assert len(doc.sentences) == SENTENCES and not glossed(session)
    assert session.analysing and session.polling and session.entity_note is None
    view = session.poll(selected=0)
    assert view.analysing and view.captions == ["Finding the names and looking up the words…"]
    assert view.interlinear == "off" and not view.rerun
    # the analysis lands while the whole page is still being drawn: that run does not rerun itself
    analysed_first(SAMPLE)
    assert not session.poll(selected=0).rerun
    session.drawn()
    assert session.poll(selected=0).rerun  # the reader's poll: the whole page again
    session.begin(SAMPLE, chosen())
    assert not session.analysing and glossed(session) and not session.polling
    session.drawn()
    view = session.poll(selected=0)
    assert not view.rerun and view.captions == [] and not view.analysing


def test_drawing_the_page_starts_the_analysis_on_a_first_start() -> None:
    session = ReadingSession()
    session.begin(SAMPLE, chosen())
    assert pipeline.analysis_ready(SAMPLE, "") is None  # nothing competes with drawing the first page
    session.drawn()
    assert pipeline.wait_for_analyses(120)
    assert pipeline.analysis_ready(SAMPLE, "") is not None
    assert session.poll(selected=None).rerun


def held_roots() -> tuple[threading.Thread, threading.Event]:
    """The roots finder's load (through the registry, as `add_roots` loads it) waits until the test sets
    the event: (the thread holding it, the event)."""
    gate, started = threading.Event(), threading.Event()

    def held() -> Roots:
        started.set()
        assert gate.wait(120)
        return Roots()

    holding = threading.Thread(target=registry.loaded, args=("roots", "qalsadi", held), daemon=True)
    holding.start()
    assert started.wait(60)
    return holding, gate


def rooted(doc: Document) -> bool:
    return any(t.root for s in doc.sentences for t in s.tokens)


def test_the_names_come_first_then_the_roots() -> None:
    holding, gate = held_roots()
    session = ReadingSession()
    session.begin(SAMPLE, chosen())
    session.drawn()
    deadline = time.monotonic() + 120
    while pipeline.analysis_ready(SAMPLE, "") is None and time.monotonic() < deadline:
        time.sleep(0.05)
    first = pipeline.analysis_ready(SAMPLE, "")
    assert first is not None and not first.complete  # the names and glosses, the roots held
    assert any(s.entities for s in first.doc.sentences) and not rooted(first.doc)
    assert session.poll(selected=0).rerun  # the names: the whole page again, without the roots
    session.begin(SAMPLE, chosen())
    assert not session.analysing and glossed(session) and not rooted(session.doc)
    assert session.roots_coming and not session.complete and session.polling
    session.drawn()
    assert not session.poll(selected=0).rerun
    gate.set()
    holding.join(60)
    assert pipeline.wait_for_analyses(120)
    assert session.poll(selected=0).rerun  # the roots: the whole page again
    session.begin(SAMPLE, chosen())
    assert session.complete and rooted(session.doc) and not session.polling
    assert not rooted(first.doc)  # the first stage's document, shared, was not changed


def test_once_the_names_are_in_a_page_run_does_not_wait_for_the_roots() -> None:
    holding, gate = held_roots()
    pipeline.analysis_soon(SAMPLE, "")
    deadline = time.monotonic() + 120
    while pipeline.analysis_ready(SAMPLE, "") is None and time.monotonic() < deadline:
        time.sleep(0.05)
    threading.Timer(1.0, gate.set).start()  # the roots could come within the run's wait
    found = pipeline.analysis_soon(SAMPLE, "", wait=30)
    assert found is not None and not found.complete  # drawn with the names at once
    holding.join(60)
    assert pipeline.wait_for_analyses(120)
    found = pipeline.analysis_ready(SAMPLE, "")
    assert found is not None and found.complete


def test_a_first_start_loads_the_model_once_the_names_are_in(model: str) -> None:
    session = ReadingSession()
    session.begin(SAMPLE, chosen(model))
    assert session.analysing and session.loading and session.service is None
    session.drawn()
    assert not pipeline.translation_service_started(model)  # the analysis has the cores to itself
    assert pipeline.wait_for_analyses(120)
    assert session.poll(selected=0).rerun
    session.begin(SAMPLE, chosen(model))
    assert not session.analysing and session.loading
    session.drawn()
    assert session.service is not None and pipeline.translation_service_started(model)


def test_a_drawn_page_analyses_the_text_ahead_once_its_own_is_done() -> None:
    ahead = "هذا الجزء التالي من الكتاب. يقرأ بعد هذا."
    session = ReadingSession()
    session.begin(SAMPLE, chosen())
    session.drawn(ahead=ahead)  # its own analysis first: nothing else competes with it
    assert pipeline.wait_for_analyses(timeout=120)
    assert pipeline.analysis_ready(ahead, "") is None
    session.begin(SAMPLE, chosen())
    assert not session.analysing
    session.drawn(ahead=ahead)  # then the next part, so a turn finds it done
    assert pipeline.wait_for_analyses(timeout=120)
    assert pipeline.analysis_ready(ahead, "") is not None


def test_the_vowels_arrive() -> None:
    text = SAMPLE.split(".")[0] + "."  # its own text: no vowels worked out for it by an earlier test
    analysed_first(text)
    session = ReadingSession()
    session.begin(text, chosen(vowels=True))  # a diacritizer that cannot be loaded is said, not raised
    if session.vowels_note is not None:
        pytest.skip(session.vowels_note)
    if session.vowels_waiting:  # still being worked out: the text is there, the vowels follow
        view = session.poll(selected=0)
        assert view.captions == ["Adding the vowels…"] and not view.show_vowels and session.polling
        session.drawn()
        assert wait_for_vowels(text, timeout=120) is not None
        assert session.poll(selected=0).rerun
        session.begin(text, chosen(vowels=True))
    assert not session.vowels_waiting and not session.polling
    view = session.poll(selected=0)
    assert view.show_vowels and view.captions == []
    assert any(t.voweled for s in view.doc.sentences for t in s.tokens)
    # the mode off again: the vowels stay in the document (hidden), nothing to wait for
    session.begin(text, chosen(vowels=False))
    assert not session.poll(selected=0).show_vowels
    assert any(t.voweled for s in session.doc.sentences for t in s.tokens)


def test_a_missing_model_is_said_at_once_and_nothing_polls_for_it(tmp_path: Path) -> None:
    analysed_first(SAMPLE)
    session = ReadingSession()
    session.begin(SAMPLE, chosen(str(tmp_path / "no-model")))
    missing = session.missing_model
    assert missing is not None and not missing.ok and missing.error
    assert not session.loading and not session.polling
    view = session.poll(selected=3)
    assert not view.translating and view.waiting == 0 and not view.rerun
    assert view.pending_text == "No translation model loaded."
    assert all(s.translation is None for s in view.doc.sentences)


def held_load(model_id: str) -> tuple[threading.Thread, threading.Event]:
    """The model's load (through the registry, as the worker loads it) waits until the test sets the
    event: (the thread holding it, the event)."""
    gate, started = threading.Event(), threading.Event()

    def held() -> object:
        started.set()
        assert gate.wait(120)
        return load_translator(model_id, "transformers")

    name = f"transformers:{model_key_for(model_id)}"
    loading = threading.Thread(
        target=registry.loaded, args=(REGISTRY_KIND, name, held, lambda r: r.ok), daemon=True
    )
    loading.start()
    assert started.wait(60)
    return loading, gate


def test_a_model_found_missing_while_the_page_is_drawn_is_said_by_the_next_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QARI_MT_ENGINE", "transformers")
    analysed_first(SAMPLE)
    missing = str(tmp_path / "no-model")
    loading, gate = held_load(missing)
    session = ReadingSession()
    session.begin(SAMPLE, chosen(missing))
    assert session.loading and session.polling and session.missing_model is None
    gate.set()
    loading.join(60)
    assert session.service is not None and session.service.wait_loaded(60) is not None
    assert not session.poll(selected=0).rerun  # found while the whole page is drawn: no rerun then
    session.drawn()
    assert session.poll(selected=0).rerun  # the reader's next poll: the whole page, saying why
    session.begin(SAMPLE, chosen(missing))  # a fresh worker looks again, and is waited for
    assert session.missing_model is not None and not session.loading and not session.polling


def test_a_click_while_the_model_loads_is_translated_first(model: str) -> None:
    analysed_first(SAMPLE)
    loading, gate = held_load(model)
    session = ReadingSession()
    session.begin(SAMPLE, chosen(model))
    assert session.loading and session.polling and session.missing_model is None
    # this process's first start: the model is on disk, and loads once the page is drawn
    assert session.service is None and not pipeline.translation_service_started(model)
    view = session.poll(selected=0)  # within the whole-page run
    assert view.model_loading and view.waiting == 0 and not view.rerun
    assert view.pending_text == "Loading the translation model…"
    session.drawn()
    assert session.service is not None and pipeline.translation_service_started(model)
    # the reader clicks sentence 7 (translation paused: only the sentence looked at) while it loads
    view = session.poll(selected=7, paused=True)
    assert view.model_loading and not view.rerun
    gate.set()
    loading.join(60)
    assert session.service is not None and session.service.wait(session.reader_id, timeout=120)
    view = session.poll(selected=7, paused=True)
    assert view.doc.sentences[7].translation
    assert [s.index for s in view.doc.sentences if s.translation is None] == [
        i for i in range(SENTENCES) if i != 7
    ]
    assert view.pending_text == "Translating…" and not view.model_loading and not view.rerun
    # the rest, once asked for: every sentence in, the whole page again (aligned there)
    session.poll(selected=7)
    assert session.service.wait(session.reader_id, timeout=120)
    assert session.poll(selected=7).rerun
    doc = session.begin(SAMPLE, chosen(model))
    assert all(s.translation for s in doc.sentences) and not session.polling


class _Refused(RayTranslationService):
    """The shared service with nothing listening: every call is refused, as when Ray is down."""

    def call(self, lane: str, texts: list[str], beam_size: int) -> list[str | None]:
        raise ConnectionRefusedError("nothing listens at the service's address")


def test_the_shared_service_down_is_said_and_the_reader_keeps_polling(
    model: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    analysed_first(SAMPLE)
    monkeypatch.setenv("QARI_TRANSLATION_SERVICE", "ray")
    name = f"ray:transformers:{model_key_for(model)}"
    service = registry.loaded(pipeline.WORKER_KIND, name, lambda: _Refused(model, store()))
    session = ReadingSession()
    session.begin(SAMPLE, chosen(model))
    assert session.service is service and session.polling
    session.drawn()
    view = session.poll(selected=2)
    for _ in range(100):  # the service's threads try, and say why they cannot
        if view.unavailable:
            break
        time.sleep(0.1)
        view = session.poll(selected=2)
    assert view.unavailable is not None and view.unavailable.startswith(UNAVAILABLE)
    assert view.translating and view.waiting == SENTENCES and not view.rerun
    assert session.polling  # nothing is lost: translations resume when it is back
    service.close()


# ---- a book's part ahead ------------------------------------------------------------------------------

PART_TWO = "هذا هو الجزء الثاني من الكتاب. قرأه الطالب في المساء. ثم نام مبكرا."


def _ready(key: reading.AheadKey, timeout: float = 180) -> object:
    deadline = time.monotonic() + timeout
    while (ready := reading.prepared(key)) is None and time.monotonic() < deadline:
        time.sleep(0.2)
    return ready


def _counted(monkeypatch: pytest.MonkeyPatch, name: str, calls: dict[str, int]) -> None:
    """Count the calls of pipeline's `name` (the real function still does the work)."""
    real = getattr(pipeline, name)

    def counted(*args: object, **kwargs: object) -> object:
        calls[name] = calls.get(name, 0) + 1
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, name, counted)


def test_the_next_part_is_made_ready_while_the_current_one_is_read_and_a_turn_draws_it_as_it_is(
    model: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    analysed_first(SAMPLE)
    session = ReadingSession()
    session.begin(SAMPLE, chosen(model))
    session.drawn(ahead=PART_TWO)  # the model loads now; the part ahead waits for the reader's own part
    assert reading.wanted(session.reader_id) == (SAMPLE, PART_TWO)
    key = (PART_TWO, "", model_key_for(model))
    ready = _ready(key)
    assert isinstance(ready, Document)
    # the part being read was translated first: all of it is in the cache by now
    current = session.poll(selected=0)
    assert current.waiting == 0 and not pipeline.pending(current.doc)
    # the part ahead: analysed, every sentence translated, aligned
    assert any(t.gloss for s in ready.sentences for t in s.tokens)
    assert not pipeline.pending(ready) and all(s.translation for s in ready.sentences)
    assert any(s.alignment for s in ready.sentences)
    # the turn: nothing analysed, translated or aligned again; nothing to wait for
    calls: dict[str, int] = {}
    for name in ("analyze", "add_alignment", "request_translations"):
        _counted(monkeypatch, name, calls)
    doc = session.begin(PART_TWO, chosen(model))
    assert calls == {}
    assert doc is not ready and doc.text == PART_TWO  # the session's own copy: the kept one stays as it is
    assert [s.alignment for s in doc.sentences] == [s.alignment for s in ready.sentences]
    assert not session.analysing and not session.aligning and not session.polling
    view = session.poll(selected=0)
    assert not view.rerun and view.waiting == 0 and calls == {}


def test_a_part_skipped_past_stops_being_prepared_and_at_most_a_few_are_kept(model: str) -> None:
    analysed_first(SAMPLE)
    session = ReadingSession()
    session.begin(SAMPLE, chosen(model))
    session.drawn()
    assert session.service is not None and session.service.wait(session.reader_id, timeout=120)
    parts = [f"{PART_TWO} الفصل رقم {n}." for n in range(6)]
    for part in parts:  # the reader turns on before any part ahead is ready
        session.begin(SAMPLE, chosen(model))
        session.drawn(ahead=part)
        assert reading.wanted(session.reader_id) == (SAMPLE, part)  # the one ahead, no more
        assert reading.prepared_kept() <= 4
    last = _ready((parts[-1], "", model_key_for(model)))
    assert isinstance(last, Document) and not pipeline.pending(last)
    skipped = [reading.prepared((part, "", model_key_for(model))) for part in parts[:-1]]
    assert skipped == [None] * 5  # given up once skipped past (or forgotten: four are kept at most)
    session.begin(SAMPLE, chosen(model))
    session.drawn()  # no book: nothing ahead
    assert reading.wanted(session.reader_id) == (SAMPLE,)


def _until(done: Callable[[], object], timeout: float = 120) -> bool:
    deadline = time.monotonic() + timeout
    while not done():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


def test_the_part_ahead_is_analysed_before_its_translation_and_a_turn_to_it_draws_its_names_at_once(
    model: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    analysed_first(SAMPLE)
    loading, gate = held_load(model)  # a first start: nothing can be translated while the model loads
    session = ReadingSession()
    session.begin(SAMPLE, chosen(model))
    session.poll(selected=0)
    session.drawn(ahead=PART_TWO)  # the page's names are in: the part ahead is analysed now
    key = (PART_TWO, "", model_key_for(model))
    # its names and glosses come while the reader's own part still waits for its translations
    assert _until(lambda: pipeline.analysis_ready(PART_TWO, "") is not None)
    assert session.service is not None and session.service.queued(session.reader_id) >= SENTENCES
    assert reading.prepared(key) is None and not any(
        store().get_many(model_key_for(model), pipeline.cache_keys(pipeline.plain(PART_TWO)))
    )
    # a turn now: the part drawn with its names at once, nothing analysed in the turn's run
    calls: dict[str, int] = {}
    _counted(monkeypatch, "analyze", calls)
    doc = session.begin(PART_TWO, chosen(model))
    assert calls == {} and not session.analysing and glossed(session)
    assert len(pipeline.pending(doc)) == len(doc.sentences)
    session.poll(selected=0)
    session.drawn()  # the last part: nothing ahead
    # its translations fill in as for any page once the model is in
    gate.set()
    loading.join(60)
    assert session.service.wait(session.reader_id, timeout=120)
    view = session.poll(selected=0)
    assert not pipeline.pending(view.doc) and all(s.translation for s in view.doc.sentences)


def test_the_part_ahead_s_queue_is_kept_while_it_waits(model: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The worker drops a queue not heard from for `IDLE_SECONDS`: the part ahead's is refreshed while it
    waits (here a held model load three times that long)."""
    monkeypatch.setattr(worker, "IDLE_SECONDS", 0.5)
    analysed_first(SAMPLE)
    # the reader's own part translated before (the cache holds it): the part ahead is asked for at once
    plain = pipeline.plain(SAMPLE)
    store().put_many(
        model_key_for(model), {k: f"english {n}" for n, k in enumerate(pipeline.cache_keys(plain))}
    )
    loading, gate = held_load(model)
    session = ReadingSession()
    session.begin(SAMPLE, chosen(model))
    assert not pipeline.pending(session.doc)
    session.drawn(ahead=PART_TWO)
    ahead = f"{session.reader_id}:ahead"
    assert session.service is not None and _until(lambda: session.service.queued(ahead) > 0)
    time.sleep(1.5)  # three times the idle limit
    gate.set()
    loading.join(60)
    ready = _ready((PART_TWO, "", model_key_for(model)))
    assert isinstance(ready, Document) and all(s.translation for s in ready.sentences)


def test_without_a_model_the_part_ahead_is_analysed_only() -> None:
    analysed_first(SAMPLE)
    session = ReadingSession()
    session.begin(SAMPLE, chosen())
    session.drawn(ahead=PART_TWO)
    assert pipeline.wait_for_analyses(timeout=120)
    assert pipeline.analysis_ready(PART_TWO, "") is not None
    assert reading.prepared_kept() == 0


def test_roots_that_fail_leave_the_names_and_say_so(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(doc: Document, roots: object = None) -> None:
        raise RuntimeError("a root finder's bug")

    monkeypatch.setattr(pipeline, "add_roots", broken)  # a fault put in: the roots' step raises
    found = pipeline.analysis_soon(SAMPLE, "", wait=120)
    assert pipeline.wait_for_analyses(120)
    found = pipeline.analysis_ready(SAMPLE, "")
    assert found is not None and found.complete and pipeline.ROOTS_FAILED in found.doc.notes
    assert any(s.entities for s in found.doc.sentences) and glossed_doc(found.doc)


def glossed_doc(doc: Document) -> bool:
    return any(t.gloss for s in doc.sentences for t in s.tokens)


def test_vowels_that_cannot_be_loaded_are_said_and_not_waited_for(monkeypatch: pytest.MonkeyPatch) -> None:
    def missing() -> None:
        raise OSError("the diacritizer's model is not installed")

    # the state of a machine without the diacritizer's package: its load fails (not kept by the registry)
    monkeypatch.setattr(diacritizer.Engine, "installed", staticmethod(missing))
    text = "هذا نص لتجربة الحركات حين لا يحمل نموذجها."  # its own text: no vowels worked out for it before
    analysed_first(text)
    session = ReadingSession()
    session.begin(text, chosen(vowels=True))
    session.drawn()
    deadline = time.monotonic() + 60
    while session.vowels_waiting and time.monotonic() < deadline:
        if session.poll(selected=0).rerun:  # the failure is found by the reader's poll: no exception
            session.begin(text, chosen(vowels=True))
            session.drawn()
        time.sleep(0.05)
    assert session.vowels_note is not None and "not installed" in session.vowels_note
    assert not session.vowels_waiting and not session.polling  # said once, not polled for
    assert session.poll(selected=0).captions == []
