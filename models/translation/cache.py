"""Persistent translation cache in SQLite, so no sentence is translated twice.

Translations are keyed by (model key, exact source sentence). The database lives in the data folder
(`QARI_DATA_DIR`, or the platform's user data folder), so a restart or a second process pays nothing
for sentences already translated. Streamlit runs each session in its own thread: every call opens its
own short-lived connection (WAL mode, a busy timeout, one short transaction), so threads and processes
never share a connection and writers wait briefly instead of failing.
"""

from __future__ import annotations

import logging
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

from models.db import CHUNK, connect, open_database
from models.settings import data_dir
from models.translation.base import CrossAttention, Translator

log = logging.getLogger(__name__)

DB_NAME = "qari.sqlite3"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS translations (
    model_key   TEXT NOT NULL,
    source      TEXT NOT NULL,
    translation TEXT NOT NULL,
    created     REAL NOT NULL,
    PRIMARY KEY (model_key, source)
) WITHOUT ROWID
"""


class TranslationStore:
    """Translations on disk, by (model_key, source text)."""

    def __init__(self, path: Path | None = None) -> None:
        self.path = open_database(Path(path) if path is not None else data_dir() / DB_NAME, _SCHEMA)

    def get_many(self, model_key: str, sources: list[str]) -> dict[str, str]:
        """The stored translations of those `sources` that have one."""
        unique = list(dict.fromkeys(sources))
        found: dict[str, str] = {}
        with connect(self.path) as conn:
            for start in range(0, len(unique), CHUNK):
                chunk = unique[start : start + CHUNK]
                marks = ",".join("?" * len(chunk))
                rows = conn.execute(
                    f"SELECT source, translation FROM translations WHERE model_key = ? AND source IN ({marks})",
                    [model_key, *chunk],
                )
                found.update(rows)
        return found

    def put_many(self, model_key: str, pairs: dict[str, str]) -> None:
        """Store (or replace) translations, in one transaction."""
        if not pairs:
            return
        now = time.time()
        with connect(self.path) as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO translations (model_key, source, translation, created) VALUES (?, ?, ?, ?)",
                [(model_key, src, tgt, now) for src, tgt in pairs.items()],
            )

    def count(self, model_key: str | None = None) -> int:
        """How many translations are stored (for one model, or in all)."""
        with connect(self.path) as conn:
            if model_key is None:
                row = conn.execute("SELECT COUNT(*) FROM translations").fetchone()
            else:
                row = conn.execute(
                    "SELECT COUNT(*) FROM translations WHERE model_key = ?", (model_key,)
                ).fetchone()
        return int(row[0])


class CachedTranslator:
    """A Translator that answers from the store and sends only the misses to the model.

    Misses are translated in batches and each batch is written at once, so an interrupted run (a
    Streamlit rerun, a closed tab) keeps what it finished. A failing store never stops translation:
    reads then count as misses and writes are skipped, with a log line.
    """

    def __init__(
        self, translator: Translator, store: TranslationStore | None = None, batch_size: int = 16
    ) -> None:
        self.translator = translator
        self.store = store if store is not None else TranslationStore()
        self.model_key = translator.model_key
        self.batch_size = max(1, batch_size)

    @property
    def attention(self) -> CrossAttention | None:
        return self.translator.attention  # alignment reads the engine behind the cache

    def translate(
        self,
        texts: list[str],
        beam_size: int = 4,
        progress: Callable[[int, int], None] | None = None,
    ) -> list[str]:
        """Translate `texts`; `progress(done, total)` counts distinct non-blank sentences."""
        wanted = list(dict.fromkeys(t for t in texts if t and t.strip()))
        try:
            known = self.store.get_many(self.model_key, wanted)
        except sqlite3.Error:
            log.warning("Translation cache unreadable at %s", self.store.path, exc_info=True)
            known = {}
        misses = [t for t in wanted if t not in known]
        done = len(wanted) - len(misses)
        if progress is not None:
            progress(done, len(wanted))
        for start in range(0, len(misses), self.batch_size):
            batch = misses[start : start + self.batch_size]
            fresh = dict(zip(batch, self.translator.translate(batch, beam_size=beam_size), strict=True))
            known.update(fresh)
            try:
                self.store.put_many(self.model_key, fresh)
            except sqlite3.Error:
                log.warning("Could not write to the translation cache at %s", self.store.path, exc_info=True)
            done += len(batch)
            if progress is not None:
                progress(done, len(wanted))
        return [known.get(t, "") if t and t.strip() else "" for t in texts]
