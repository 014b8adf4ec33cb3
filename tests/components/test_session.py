"""The reading session's transitions, without a browser or a page: the real pipeline, the real analysis
and vowels in their background threads, the tiny translation model in its worker.

Each test runs the page's steps as its runs would: `begin` (a whole-page run), `poll` (the reader, within
that run or alone), `drawn` (the page is drawn).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from components.session import ReadingSession, store
from models import pipeline, registry
from models.document import Document
from models.grammar.roots import Roots
from models.translation.loader import model_key_for
from models.translation.remote import UNAVAILABLE, RayTranslationService
from models.vowels import diacritizer
from models.vowels.background import wait as wait_for_vowels
from tests.support import SAMPLE, SENTENCES, analysed_first, chosen, forget_loaded_state, glossed, held_load


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
