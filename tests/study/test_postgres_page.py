"""The page on PostgreSQL (`QARI_DATABASE_URL`) while the server is restarted (Streamlit's AppTest, a
real PostgreSQL server, the tiny model): the open page goes on without a reload once the server is back
(a rerun while it is down says the database is not answering, with no traceback), and nothing in the library, the vocabulary or the
translation cache is lost."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from models import registry
from models.study.library import Library
from models.study.vocab import LOCAL_READER, VocabStore
from tests.support import PostgresServer, forget_loaded_state, run_page

PASTED = "اتفقت اليابان وكندا على بدء المحادثات. وقالت الوزارة إن الجانبين يهدفان إلى اتفاق. وانتهى اللقاء."
LATER = "وصل الوزير إلى القاهرة. وبدأت المحادثات في الصباح."


@pytest.fixture
def page_on_postgres(
    postgres: PostgresServer, tiny_model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[None]:
    monkeypatch.setenv("QARI_DATABASE_URL", postgres.create_database(f"qari_{uuid.uuid4().hex[:12]}"))
    monkeypatch.setenv("QARI_MT_MODEL", str(tiny_model_dir))
    monkeypatch.setenv("QARI_MT_ENGINE", "transformers")
    forget_loaded_state()
    yield
    for worker in registry.REGISTRY.held("translation-worker"):
        worker.close()
    registry.reset()


def paste(at: AppTest, text: str) -> None:
    at.text_area(key="pasted").set_value(text)
    next(b for b in at.button if b.label == "Read this text").click().run()
    assert not at.exception, at.exception


def translated(at: AppTest) -> AppTest:
    """Rerun (the page's poll) until every sentence is translated."""
    (worker,) = registry.REGISTRY.held("translation-worker")
    assert worker.wait(timeout=300)
    at.run()
    assert not at.exception, at.exception
    assert all(s.translation for s in at.session_state["doc"].sentences)
    return at


def test_the_open_page_goes_on_after_a_postgresql_restart(
    postgres: PostgresServer, page_on_postgres: None
) -> None:
    at = run_page()
    paste(at, PASTED)
    translated(at)
    library, vocab = Library(reader=LOCAL_READER), VocabStore(reader=LOCAL_READER)
    vocab.set_status("اتفق", "known")
    before = {e.id: (e.title, e.words) for e in library.entries()}
    assert len(before) == 2  # the sample and the pasted text

    for poll_while_down in (False, True):
        postgres.halt()  # an administrator's restart: every pooled connection is cut
        try:
            if poll_while_down:  # the page says the database is away, without a traceback
                at.run()
                assert not at.exception, at.exception
                assert any("database is not answering" in e.value for e in at.error), [
                    e.value for e in at.error
                ]
        finally:
            postgres.resume()

        # the page's next poll and the reader's next click (a sentence selected), without a reload
        at.session_state["selected"] = 2
        at.run()
        assert not at.exception, at.exception
        assert at.session_state["doc"].text == PASTED
        assert all(s.translation for s in at.session_state["doc"].sentences)  # from the PostgreSQL cache
        assert vocab.get_statuses(["اتفق"]) == {"اتفق": "known"}
        assert {e.id: (e.title, e.words) for e in library.entries()} == before

    # and it writes again: a new text is kept in the library and translated into the shared cache
    paste(at, LATER)
    translated(at)
    assert len(library.entries()) == 3
    vocab.set_status("وزير", "learning")
    assert vocab.get_statuses(["اتفق", "وزير"]) == {"اتفق": "known", "وزير": "learning"}
