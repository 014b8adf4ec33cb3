"""The translation worker: one thread per model, every reader's requests, the looked-at text first."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from models.translation.cache import TranslationStore
from models.translation.loader import LoadResult
from models.translation.marian import MarianTranslator
from models.translation.worker import TranslationWorker
from tests.support import ARABIC_SENTENCES, Recording


@pytest.fixture(scope="module")
def tiny(tiny_model_dir: Path) -> MarianTranslator:
    return MarianTranslator.from_folder(tiny_model_dir, str(tiny_model_dir))


def gated_worker(
    engine: Recording, store: TranslationStore, batch_size: int = 2
) -> tuple[TranslationWorker, threading.Event]:
    """A worker whose model 'loads' when the test opens the gate, so requests can queue up first."""
    gate = threading.Event()

    def load() -> LoadResult:
        gate.wait()
        return LoadResult("tiny", engine, None, missing=False)

    return TranslationWorker("tiny", store, load=load, batch_size=batch_size), gate


def test_the_looked_at_text_goes_first_then_readers_take_turns(
    tiny: MarianTranslator, tmp_path: Path
) -> None:
    engine = Recording(tiny)
    store = TranslationStore(tmp_path / "t.sqlite3")
    worker, gate = gated_worker(engine, store)
    a = [f"{s} أ{i}" for i, s in enumerate(ARABIC_SENTENCES[:4])]
    b = [f"{s} ب{i}" for i, s in enumerate(ARABIC_SENTENCES[:4])]
    worker.request("reader-a", a[1:], first=a[:1])
    worker.request("reader-b", b[1:], first=b[:1])
    assert worker.queued("reader-a") == 4 and worker.loaded is None  # loading: nothing translated yet
    gate.set()
    assert worker.wait(timeout=120)
    assert engine.batches == [a[:1], b[:1], a[1:3], b[1:3], a[3:], b[3:]]
    assert set(store.get_many(engine.model_key, a + b)) == set(a + b)  # every result is in the cache
    assert worker.queued("reader-a") == worker.queued("reader-b") == 0
    worker.close()


def test_a_new_request_replaces_the_old_and_a_reader_who_leaves_is_dropped(
    tiny: MarianTranslator, tmp_path: Path
) -> None:
    engine = Recording(tiny)
    worker, gate = gated_worker(engine, TranslationStore(tmp_path / "t.sqlite3"))
    old, new = ARABIC_SENTENCES[:3], ARABIC_SENTENCES[3:5]
    worker.request("reader", old)
    worker.request("reader", new)  # another text opened: the old one is not translated for nobody
    worker.request("gone", ARABIC_SENTENCES[5:])
    worker.forget("gone")
    gate.set()
    assert worker.wait(timeout=120)
    assert [t for batch in engine.batches for t in batch] == new
    worker.close()


def test_a_failing_text_is_remembered_and_the_others_are_translated(
    tiny: MarianTranslator, tmp_path: Path
) -> None:
    bad = ARABIC_SENTENCES[1]
    engine = Recording(tiny, fail_on={bad})
    store = TranslationStore(tmp_path / "t.sqlite3")
    worker, gate = gated_worker(engine, store, batch_size=4)
    worker.request("reader", ARABIC_SENTENCES[:4])
    gate.set()
    assert worker.wait(timeout=120)
    assert worker.failures() == {bad}
    assert set(store.get_many(engine.model_key, ARABIC_SENTENCES[:4])) == set(ARABIC_SENTENCES[:4]) - {bad}
    calls = len(engine.batches)
    worker.request("reader", [bad])  # not retried until asked
    assert worker.wait(timeout=120) and len(engine.batches) == calls
    worker.retry()
    worker.request("reader", [bad])
    assert worker.wait(timeout=120) and engine.batches[-1] == [bad]
    worker.close()


def test_a_model_that_cannot_load_says_so_and_nobody_waits_forever(tmp_path: Path) -> None:
    worker = TranslationWorker(str(tmp_path / "no-such-model"), TranslationStore(tmp_path / "t.sqlite3"))
    result = worker.wait_loaded(timeout=60)
    assert result is not None and not result.ok and "does not exist" in (result.error or "")
    worker.request("reader", ARABIC_SENTENCES[:2])
    assert worker.wait("reader", timeout=60)  # returns: nothing will ever be translated
    assert worker.translator is None
