"""The translation cache in the readers' PostgreSQL database: chosen by the settings, shared by processes
(two asking for the same texts at once translate them once), and back by itself after a server restart.
A real PostgreSQL server (tests/support/database.py) and the tiny model."""

from __future__ import annotations

import threading
import uuid
from pathlib import Path

import pytest

from models.db import Database, sqlite_url
from models.text.segment import split_sentences
from models.translation.cache import (
    CachedTranslator,
    SqlTranslationStore,
    TranslationStore,
    translation_store,
)
from models.translation.loader import get_translator
from tests.support import SAMPLE, PostgresServer


class Counted:
    """The tiny model, counting the texts it is given (what the cache must spare it)."""

    def __init__(self, model: Path) -> None:
        loaded = get_translator(str(model), "transformers")
        assert loaded.translator is not None, loaded.error
        self.translator = loaded.translator
        self.model_key = self.translator.model_key
        self.attention = None
        self.texts: list[str] = []
        self.lock = threading.Lock()

    def translate(self, texts: list[str], beam_size: int = 4) -> list[str]:
        out = self.translator.translate(texts, beam_size=beam_size)
        with self.lock:
            self.texts += texts
        return out


def test_the_store_follows_the_readers_database(
    postgres: PostgresServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("QARI_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("QARI_DATABASE_URL", raising=False)
    assert isinstance(translation_store(), TranslationStore)  # SQLite stays the default
    monkeypatch.setenv("QARI_DATABASE_URL", sqlite_url(tmp_path / "readers.sqlite3"))
    assert isinstance(translation_store(), TranslationStore)
    monkeypatch.setenv("QARI_DATABASE_URL", postgres.create_database(f"qari_{uuid.uuid4().hex[:8]}"))
    monkeypatch.setenv("QARI_MT_ENGINE", "transformers")
    store = translation_store()
    assert isinstance(store, SqlTranslationStore) and store.engine == "transformers"
    store.put_many("m", {"نص": "text"})
    assert store.get_many("m", ["نص", "آخر"]) == {"نص": "text"}
    # keyed by model, engine and text: another engine's cache is another cache
    assert SqlTranslationStore(store.db, "ctranslate2").get_many("m", ["نص"]) == {}


def test_two_processes_asking_at_once_translate_once(postgres: PostgresServer, tiny_model_dir: Path) -> None:
    url = postgres.create_database(f"qari_{uuid.uuid4().hex[:8]}")
    model = Counted(tiny_model_dir)
    texts = [SAMPLE[a:b] for a, b in split_sentences(SAMPLE)][:6]
    # two "processes": each its own engine and connection pool, its own cache wrapper
    callers = [
        CachedTranslator(model, SqlTranslationStore(Database(url), "transformers"), batch_size=2)
        for _ in range(2)
    ]
    start = threading.Barrier(2)
    results: list[list[str]] = [[], []]

    def ask(i: int) -> None:
        start.wait()
        results[i] = callers[i].translate(texts)

    threads = [threading.Thread(target=ask, args=(i,)) for i in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert results[0] == results[1] and all(results[0])
    assert sorted(model.texts) == sorted(texts)  # each text once, whoever asked first


def test_the_cache_comes_back_after_a_postgresql_restart(postgres: PostgresServer) -> None:
    store = SqlTranslationStore(
        Database(postgres.create_database(f"qari_{uuid.uuid4().hex[:8]}")), "transformers"
    )
    store.put_many("m", {"أ": "a"})
    postgres.halt()
    try:
        assert store.get_many("m", ["أ"]) == {}  # unreachable: misses, not an error on the page
    finally:
        postgres.resume()
    assert store.get_many("m", ["أ"]) == {"أ": "a"}  # the pool's stale connections are replaced
    store.put_many("m", {"ب": "b"})
    assert store.count("m") == 2
