"""A book's part ahead (`ReadingSession.drawn(ahead=...)`): analysed as soon as the page's names are in,
translated once the reader's own part is, aligned, kept for a few parts; a turn to it draws what is ready.
The real pipeline, analysis and tiny translation model, as in test_session.py.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from components import session as reading
from components.session import ReadingSession, store
from models import pipeline
from models.document import Document
from models.translation import worker
from models.translation.loader import model_key_for
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
